"""What every topic measure needs: the cases in an area, its denominators, year labels."""

from __future__ import annotations

import pandas as pd

from fjo_analysis.areas import area, la_codes_in, local_authorities
from fjo_analysis.data.reference import child_population, live_births


def in_area(cases: pd.DataFrame, code: str) -> pd.DataFrame:
    """The cases of one briefing area (country or English region)."""
    the_area = area(code)
    if the_area.level == "country":
        return cases[cases["country"] == the_area.name]
    return cases[cases["region_code"] == code]


def year_label(start_year: int) -> str:
    """Financial year label: 2023 -> '2023/24'."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def with_year_label(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the financial-year label after the numeric ``financial_year`` column."""
    frame = frame.copy()
    frame.insert(
        frame.columns.get_loc("financial_year") + 1, "year", frame["financial_year"].map(year_label)
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


def region_codes(country: str = "England") -> list[str]:
    las = local_authorities()
    return las.loc[las["country"] == country, "region_code"].drop_duplicates().tolist()


def years_of(cases: pd.DataFrame) -> list[int]:
    return sorted(cases["financial_year"].unique().tolist())
