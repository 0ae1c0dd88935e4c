"""How many children are subject to care proceedings (public law)."""

from __future__ import annotations

import pandas as pd

from fjo_analysis.areas import COUNTRY_CODES, area
from fjo_analysis.disclosure import declare
from fjo_analysis.measures.common import (
    children_population,
    in_area,
    region_codes,
    with_year_label,
    years_of,
)
from fjo_analysis.measures.rates import compare_with_national, rate_per_10k
from fjo_analysis.measures.trends import Trend, annual_trend

RATE_COLUMNS = ["rate", "rate_lower", "rate_upper"]


def public_law(cases: pd.DataFrame) -> pd.DataFrame:
    return cases[cases["law_type"] == "public"]


def children_by_year(cases: pd.DataFrame, code: str) -> pd.DataFrame:
    """Children in care proceedings per year (each child once a year) and rate per 10,000."""
    public = in_area(public_law(cases), code)
    years = years_of(cases)
    counts = public.groupby("financial_year")["child_id"].nunique().reindex(years, fill_value=0)
    population = children_population(code, years)
    table = pd.DataFrame(
        {
            "financial_year": years,
            "children": counts.to_numpy(),
            "population": population.to_numpy(),
        }
    )
    table = pd.concat([table, rate_per_10k(table["children"], table["population"])], axis=1)
    table = with_year_label(table).drop(columns="population")
    return declare(
        table, counts=["children"], derived={c: "children" for c in RATE_COLUMNS + ["ci_method"]}
    )


def trend(cases: pd.DataFrame, code: str, since: int | None = None) -> Trend | None:
    """Annual % change in the rate from ``since`` (default: all years), by GLM with offset."""
    table = children_by_year(cases, code)
    if since is not None:
        table = table[table["financial_year"] >= since]
    population = children_population(code, table["financial_year"])
    return annual_trend(table["financial_year"], table["children"], population.to_numpy())


def by_age_band(cases: pd.DataFrame, code: str, year: int) -> pd.DataFrame:
    """Children by age band at issue in one year, with rate per 10,000 of that age."""
    public = in_area(public_law(cases), code)
    public = public[public["financial_year"] == year].drop_duplicates("child_id")
    bands = list(public["age_band"].cat.categories)
    counts = public.groupby("age_band", observed=False).size().reindex(bands, fill_value=0)
    population = [children_population(code, [year], band).iloc[0] for band in bands]
    table = pd.DataFrame({"age_band": bands, "children": counts.to_numpy()})
    table["share_pct"] = 100 * table["children"] / max(table["children"].sum(), 1)
    table = pd.concat([table, rate_per_10k(table["children"], population)[["rate"]]], axis=1)
    return declare(
        table, counts=["children"], derived={"share_pct": "children", "rate": "children"}, groups=[]
    )


def regions_compared(cases: pd.DataFrame, year: int, country: str = "England") -> pd.DataFrame:
    """Every region's rate in one year against the country's, by funnel limits and CI overlap."""
    national = children_by_year(cases, COUNTRY_CODES[country])
    national = national[national["financial_year"] == year].iloc[0]
    rows = []
    for code in region_codes(country):
        row = children_by_year(cases, code)
        row = row[row["financial_year"] == year].assign(area=area(code).name)
        row["population"] = children_population(code, [year]).to_numpy()
        rows.append(row)
    table = pd.concat(rows, ignore_index=True)
    comparison = compare_with_national(
        table["children"],
        table["population"],
        national["rate"],
        table["rate_lower"],
        table["rate_upper"],
        national["rate_lower"],
        national["rate_upper"],
    )
    table = pd.concat([table, comparison], axis=1).drop(columns=["population", "ci_method"])
    table = table[
        [
            "area",
            "financial_year",
            "year",
            "children",
            *RATE_COLUMNS,
            "comparison",
            "comparison_998",
            "overlap",
        ]
    ]
    table = table.sort_values("rate", ascending=False, ignore_index=True)
    derived = {c: "children" for c in [*RATE_COLUMNS, "comparison", "comparison_998", "overlap"]}
    return declare(table, counts=["children"], derived=derived, groups=[])
