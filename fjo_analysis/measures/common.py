"""What every topic measure needs: the cases in an area, its denominators, year labels."""

from __future__ import annotations

import pandas as pd

from fjo_analysis.data.prepare import financial_year_label
from fjo_analysis.geography import ENGLAND, WALES, area, la_codes_in, region_codes
from fjo_analysis.reference import child_population, live_births
from fjo_analysis.stats.rates import compare_with_national, rate_per_10k
from fjo_analysis.stats.trends import Trend, annual_trend

RATE_COLUMNS = ["rate", "rate_lower", "rate_upper"]
#: Everything that is derived from a table's count when it carries rates and comparisons.
RATE_DERIVED = [
    *RATE_COLUMNS,
    "ci_method",
    "comparator_rate",
    "comparison",
    "comparison_998",
    "overlap",
]


def in_area(cases: pd.DataFrame, code: str) -> pd.DataFrame:
    """The cases of one briefing area (country or English region)."""
    the_area = area(code)
    if the_area.level == "country":
        return cases[cases["country"] == the_area.name]
    return cases[cases["region_code"] == code]


def with_year_label(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the financial-year label after the numeric ``financial_year`` column."""
    frame = frame.copy()
    frame.insert(
        frame.columns.get_loc("financial_year") + 1,
        "year",
        frame["financial_year"].map(financial_year_label),
    )
    return frame


def children_population(code: str, years, band: str | None = None) -> pd.Series:
    """Children 0-17 (or one age band) in an area, by year (mid-year of the FY's start)."""
    pop = child_population()
    pop = pop[pop["la_code"].isin(la_codes_in(code))]
    if band is not None:
        pop = pop[pop["age_band"] == band]
    return pop.groupby("year")["population"].sum().reindex(list(years))


def births(code: str, years) -> pd.Series:
    """Live births in an area by calendar year (the FY's starting year)."""
    b = live_births()
    return (
        b[b["la_code"].isin(la_codes_in(code))]
        .groupby("year")["live_births"]
        .sum()
        .reindex(list(years))
    )


def years_of(cases: pd.DataFrame) -> list[int]:
    return sorted(cases["financial_year"].unique().tolist())


def rate_table(years, counts: pd.Series, population: pd.Series, count: str) -> pd.DataFrame:
    """Counts by year with their denominator and rate per 10,000 (with CI and method)."""
    table = pd.DataFrame(
        {
            "financial_year": list(years),
            count: counts.reindex(list(years), fill_value=0).to_numpy(),
            "population": population.reindex(list(years)).to_numpy(),
        }
    )
    return pd.concat([table, rate_per_10k(table[count], table["population"])], axis=1)


def add_comparison(table: pd.DataFrame, other: pd.DataFrame, count: str) -> pd.DataFrame:
    """The comparator's rate each year, and whether this area's is higher, similar or lower
    (95% funnel limits around the comparator's rate)."""
    table = table.copy()
    table["comparator_rate"] = other["rate"].to_numpy()
    table["comparison"] = compare_with_national(
        table[count],
        table["population"],
        other["rate"].to_numpy(),
        table["rate_lower"],
        table["rate_upper"],
        other["rate_lower"].to_numpy(),
        other["rate_upper"].to_numpy(),
    )["comparison"].to_numpy()
    return table


def compare_areas(
    tables: dict[str, pd.DataFrame], reference: str, year: int, count: str
) -> pd.DataFrame:
    """One row per area for one year, ranked by rate, each compared with the reference area
    by 95% and 99.8% funnel limits and by confidence-interval overlap."""
    rows = pd.concat(
        [t[t["financial_year"] == year].assign(area=name) for name, t in tables.items()],
        ignore_index=True,
    )
    ref = rows.set_index("area").loc[reference]
    comparison = compare_with_national(
        rows[count],
        rows["population"],
        ref["rate"],
        rows["rate_lower"],
        rows["rate_upper"],
        ref["rate_lower"],
        ref["rate_upper"],
    )
    table = with_year_label(pd.concat([rows, comparison], axis=1))
    table = table[
        [
            "area",
            "financial_year",
            "year",
            count,
            *RATE_COLUMNS,
            "comparison",
            "comparison_998",
            "overlap",
        ]
    ]
    return table.sort_values("rate", ascending=False, ignore_index=True)


def area_codes_compared() -> list[str]:
    """The nine English regions, England and Wales: the areas every ranking shows."""
    return [*region_codes("England"), ENGLAND, WALES]


def trend_of(table: pd.DataFrame, count: str, since: int | None = None) -> Trend | None:
    """Annual % change in a rate table's rate from ``since`` (GLM with a population offset)."""
    if since is not None:
        table = table[table["financial_year"] >= since]
    return annual_trend(table["financial_year"], table[count], table["population"])
