"""Count every table of the store for every area, in one pass over the processed cases."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import pandas as pd

from fjo_analysis.data.prepare import financial_year_label
from fjo_analysis.figures.tables import TABLES, Table
from fjo_analysis.geography import ENGLAND, WALES, area, la_codes_in
from fjo_analysis.measures import (
    care_proceedings,
    infants,
    outcomes,
    private_law,
    recurrence,
    timeliness,
)
from fjo_analysis.measures.common import care_proceedings as care_rows
from fjo_analysis.measures.common import child_years
from fjo_analysis.measures.common import private_law as private_rows
from fjo_analysis.reference import AGE_BANDS, child_population, live_births
from fjo_analysis.stats.rates import dispersion_from_clusters

#: Years pooled for the notice of first hearings (single years are small in most areas).
NOTICE_YEARS = 5


def area_codes() -> list[str]:
    """Every area of the store: England, its regions, Wales."""
    from fjo_analysis.geography import briefing_areas

    regions = [c for c, a in briefing_areas().items() if a.level == "region"]
    return [ENGLAND, *sorted(regions), WALES]


def rows_in(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    the_area = area(code)
    if the_area.level == "country":
        return frame[frame["country"] == the_area.name]
    return frame[frame["region_code"] == code]


def areas_of(frame: pd.DataFrame) -> Iterator[tuple[str, pd.DataFrame]]:
    for code in area_codes():
        yield code, rows_in(frame, code)


def population(code: str, years: list[int], band: str | None = None) -> pd.DataFrame:
    """Children 0-17 (or one age band) in an area at mid-year of each FY's starting year,
    and whether any part of it is an estimate rather than a published figure."""
    by_band = _population_by_band(code)
    pop = by_band if band is None else by_band[by_band["age_band"] == band]
    return _by_year(pop, "population", years)


@cache
def _population_by_band(code: str) -> pd.DataFrame:
    pop = child_population()
    pop = pop[pop["la_code"].isin(la_codes_in(code))]
    return pop.groupby(["year", "age_band"], as_index=False, observed=True).agg(
        population=("population", "sum"), estimated=("estimated", "any")
    )


def births(code: str, years: list[int]) -> pd.DataFrame:
    """Live births in an area in the calendar year in which each FY starts (estimated)."""
    b = live_births()
    b = b[b["la_code"].isin(la_codes_in(code))]
    return _by_year(b, "live_births", years).rename(columns={"population": "live_births"})


def _by_year(frame: pd.DataFrame, column: str, years: list[int]) -> pd.DataFrame:
    grouped = frame.groupby("year").agg(value=(column, "sum"), estimated=("estimated", "any"))
    grouped = grouped.reindex(years)
    return pd.DataFrame(
        {
            "population": grouped["value"].round().to_numpy(),  # whole people, as published
            "denominator_estimated": grouped["estimated"].fillna(True).astype(bool).to_numpy(),
        }
    )


def _with_area(tables: dict[str, list[pd.DataFrame]], name: str, code: str, t: pd.DataFrame):
    tables.setdefault(name, []).append(t.assign(area_code=code))


def compute(cases: pd.DataFrame, first_year: int, last_year: int, extract_date) -> dict:
    """Every table of the store (true, unprotected counts) for every area, and the sibling
    dispersion of each rate's counts (``dispersion``)."""
    years = list(range(first_year, last_year + 1))
    in_years = cases["financial_year"].between(first_year, last_year)
    cases = cases[in_years] if not in_years.all() else cases.copy(deep=False)
    for key in ("case_id", "child_id", "mother_id"):  # integers sort and match much faster
        codes = pd.factorize(cases[key])[0]
        cases[key] = pd.Series(codes, index=cases.index, dtype="Int64").mask(codes < 0)
    cases = cases.sort_values(["issue_date", "case_id"], kind="stable")
    data_from = first_year
    care = care_rows(cases)
    private = private_rows(cases)
    mothers = recurrence.mother_cases(care)
    repeats = private_law.repeat_flags(private)
    tables: dict[str, list[pd.DataFrame]] = {}
    notice_from = max(first_year, last_year - NOTICE_YEARS + 1)
    period = f"{financial_year_label(notice_from)} to {financial_year_label(last_year)}"
    for code, rows in areas_of(care):
        t = care_proceedings.children_by_year(rows, years)
        t = pd.concat([t, population(code, years)], axis=1)
        _with_area(tables, "care_children", code, t)
        t = care_proceedings.children_by_age_band(rows, years)
        bands = [
            population(code, years, band).assign(financial_year=years, age_band=band)
            for band in AGE_BANDS
        ]
        t = t.merge(pd.concat(bands), on=["financial_year", "age_band"], how="left")
        _with_area(tables, "care_age_bands", code, t)
        t = pd.concat([infants.by_year(rows, years), births(code, years)], axis=1)
        _with_area(tables, "newborns", code, t)
        t = infants.notice_of_first_hearing(rows, notice_from, last_year).assign(period=period)
        _with_area(tables, "first_hearing_notice", code, t)
        _with_area(tables, "durations", code, timeliness.by_year(rows, years))
        _with_area(tables, "disposals", code, timeliness.disposals_by_year(rows, years))
        _with_area(tables, "final_orders", code, outcomes.orders_by_year(rows, years))
    # a part year after last_year is left out, so follow-up stops where the data do
    followed_to = min(pd.Timestamp(extract_date), pd.Timestamp(last_year + 1, 3, 31))
    for code, rows in areas_of(mothers):
        _with_area(tables, "mothers", code, recurrence.mothers_by_year(rows, years, data_from))
        _with_area(tables, "time_to_return", code, recurrence.time_to_return(rows, followed_to))
    for code, rows in areas_of(private):
        t = private_law.s8_children_by_year(rows, years)
        t = pd.concat([t, population(code, years)], axis=1)
        _with_area(tables, "s8_children", code, t)
        _with_area(tables, "applicants", code, private_law.applicants_by_year(rows, years))
    for code, rows in areas_of(repeats):
        _with_area(
            tables, "repeat_applications", code, private_law.repeats_by_year(rows, years, data_from)
        )
    largest = care.groupby("case_id", observed=True).size().max() if len(care) else 1
    out = {
        "dispersion": sibling_dispersion(care, private, years),
        "largest_case": pd.DataFrame({"children": [int(largest)]}),
    }
    for name, parts in tables.items():
        frame = pd.concat(parts, ignore_index=True)
        frame = without_structural_zeros(frame, TABLES[name])
        out[name] = frame[["area_code", *[c for c in frame.columns if c != "area_code"]]]
    return out


def sibling_dispersion(care: pd.DataFrame, private: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """How much sibling groups inflate the variance of each yearly count of children, for
    England and Wales together: sum(m^2) / sum(m) over cases bringing m counted children
    (:func:`~fjo_analysis.stats.rates.dispersion_from_clusters`). National, so it tells
    nothing about any area; used for the intervals, tests and trends of every area."""
    parts = []
    s8 = private[private["application_type"] == private_law.S8_APPLICATION]
    for table, rows, flag in (
        ("care_children", care, None),
        ("newborns", care, "newborn"),
        ("s8_children", s8, None),
    ):
        children = child_years(rows)
        if flag is not None:
            children = children[children[flag].fillna(False).astype(bool)]
        sizes = children.groupby(["financial_year", "case_id"], observed=True).size()
        by_year = dispersion_from_clusters(sizes.to_numpy(), sizes.index.get_level_values(0))
        parts.append(
            pd.DataFrame(
                {
                    "table": table,
                    "financial_year": years,
                    "dispersion": by_year.reindex(years, fill_value=1.0).to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def without_structural_zeros(frame: pd.DataFrame, spec: Table) -> pd.DataFrame:
    """Leave out a breakdown's category that never occurs in the extract (no area, no year:
    e.g. "not known" ages when every record has a birth date). It says nothing about
    anyone, and publishing it only as suppressed cells would force needless secondary
    suppression. A category empty in some years only stays, suppressed where small."""
    if spec.breakdown is None:
        return frame
    countries = frame[frame["area_code"].isin([ENGLAND, WALES])]
    totals = countries.groupby(spec.breakdown, sort=False)[list(spec.counts)].sum().sum(axis=1)
    empty = totals.index[totals == 0]
    return frame[~frame[spec.breakdown].isin(empty)].reset_index(drop=True)
