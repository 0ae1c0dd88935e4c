"""How many children are subject to care proceedings (public law)."""

from __future__ import annotations

import pandas as pd

from fjo_analysis.disclosure import declare
from fjo_analysis.geography import ENGLAND, area
from fjo_analysis.measures.common import (
    RATE_DERIVED,
    add_comparison,
    area_codes_compared,
    children_population,
    compare_areas,
    in_area,
    rate_table,
    trend_of,
    with_year_label,
    years_of,
)
from fjo_analysis.stats.rates import rate_per_10k
from fjo_analysis.stats.trends import Trend

#: The processed columns this topic reads (loading fewer columns is faster).
COLUMNS = ["law_type", "child_id", "financial_year", "country", "region_code", "age_band"]


def public_law(cases: pd.DataFrame) -> pd.DataFrame:
    return cases[cases["law_type"] == "public"]


def _rates(cases: pd.DataFrame, code: str) -> pd.DataFrame:
    public = in_area(public_law(cases), code)
    years = years_of(cases)
    counts = public.groupby("financial_year")["child_id"].nunique()
    return rate_table(years, counts, children_population(code, years), "children")


def _declared(table: pd.DataFrame) -> pd.DataFrame:
    table = with_year_label(table.drop(columns="population", errors="ignore"))
    derived = {c: "children" for c in RATE_DERIVED if c in table}
    return declare(table, counts=["children"], derived=derived)


def children_by_year(cases: pd.DataFrame, code: str, comparator: str | None = None) -> pd.DataFrame:
    """Children in care proceedings per year (each child once a year) and rate per 10,000.

    With a comparator area, adds its rate and whether this area's rate is higher, similar
    or lower, judged by 95% funnel limits around the comparator's rate.
    """
    table = _rates(cases, code)
    if comparator is not None:
        table = add_comparison(table, _rates(cases, comparator), "children")
    return _declared(table)


def trend(cases: pd.DataFrame, code: str, since: int | None = None) -> Trend | None:
    """Annual % change in the rate from ``since`` (default: all years), by GLM with offset."""
    return trend_of(_rates(cases, code), "children", since)


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


def areas_compared(cases: pd.DataFrame, year: int) -> pd.DataFrame:
    """The English regions, England and Wales in one year, each against England's rate."""
    tables = {area(code).name: _rates(cases, code) for code in area_codes_compared()}
    table = compare_areas(tables, area(ENGLAND).name, year, "children")
    derived = {c: "children" for c in RATE_DERIVED if c in table}
    return declare(table, counts=["children"], derived=derived, groups=[])
