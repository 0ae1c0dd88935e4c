"""Count every table of the store for every area, in one pass over the processed cases."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import numpy as np
import pandas as pd

from fjo_analysis.figures.tables import TABLES, Table
from fjo_analysis.geography import (
    ENGLAND,
    WALES,
    area,
    la_codes_in,
    local_areas,
    units,
    years_in_force,
)
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
from fjo_analysis.years import local_periods, years_label

#: Years pooled for the notice of first hearings (single years are small in most areas).
NOTICE_YEARS = 5
#: The tables published for local areas (pooled); the others are regional and national
#: (final orders by type would be mostly under 10 in an authority even over three years).
LOCAL_TABLES = (
    "care_children",
    "newborns",
    "durations",
    "mothers",
    "s8_children",
    "repeat_applications",
)


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


def pooled(
    frame: pd.DataFrame, periods: dict[int, list[int]], counts: list[str], by: tuple = ()
) -> pd.DataFrame:
    """Counts summed over each period (``financial_year`` becomes the period's last year;
    a count with any year not available is not available), for each value of the keys
    ``by``; a denominator (``population``, ``live_births``) summed over the years it has,
    estimated if any of them is."""
    end_of = {y: end for end, years in periods.items() for y in years}
    frame = frame[frame["financial_year"].isin(end_of)]
    frame = frame.assign(financial_year=frame["financial_year"].map(end_of))
    grouped = frame.groupby(["financial_year", *by], sort=False)
    out = grouped[counts].sum().astype("Int64")
    missing = frame[counts].isna().groupby([frame["financial_year"], *[frame[k] for k in by]])
    out = out.mask(missing.any().astype(bool).to_numpy())
    for denominator in ("population", "live_births"):
        if denominator in frame:
            out[denominator] = grouped[denominator].sum(min_count=1)
            out["denominator_estimated"] = grouped["denominator_estimated"].any()
    return out.reset_index()


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


_AS_POPULATION = {"live_births": "population"}


def _in_force(code: str, years: list[int], denominator: pd.DataFrame) -> pd.DataFrame:
    """A local area's yearly denominator, empty (NaN) in years its cases are reported under
    another unit (before or after a split), so a pooled rate covers only its own years."""
    kept = pd.Series(years).isin(years_in_force(code, years)).to_numpy()
    return denominator.assign(population=denominator["population"].where(kept))


def local_codes(unit_column: str, present: set[str]) -> list[str]:
    """The local areas counted by ``unit_column``: every authority (and every combined
    unit with cases) by ``la_unit_code``, every family court area by ``dfj_code``."""
    if unit_column == "dfj_code":
        return sorted(c for c, a in local_areas().items() if a.level == "dfj")
    return sorted(c for c, a in local_areas().items() if a.level == "la" or c in present)


def with_dfj(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with the family court area (``dfj_code``) of their unit (APPROXIMATE, see
    :mod:`fjo_analysis.geography`; empty for a combined unit whose parts are in two)."""
    dfj = units().set_index("la_code")["dfj_area_code"]
    return frame.assign(dfj_code=frame["la_unit_code"].astype(object).map(dfj))


def compute_local(
    care: pd.DataFrame,
    private: pd.DataFrame,
    mothers: pd.DataFrame,
    repeats: pd.DataFrame,
    years: list[int],
    periods: dict[int, list[int]],
    data_from: int,
    unit_column: str = "la_unit_code",
) -> dict[str, list[pd.DataFrame]]:
    """The local tables (:data:`LOCAL_TABLES`) of every local area counted by
    ``unit_column`` (:func:`local_codes`), pooled over
    ``periods``: counts are sums of the single years' counts (children and mothers are
    counted once a year, as in the yearly tables), so a region's single years add up to
    its areas' periods; durations are estimated from the period's cases together. A unit
    has only the periods in which it existed (others would be structural zeros)."""
    end_of = {y: end for end, ys in periods.items() for y in ys}
    frames = {"care": care, "private": private, "mothers": mothers, "repeats": repeats}
    groups = {
        name: dict(tuple(frame.groupby(unit_column, observed=True, sort=False)))
        for name, frame in frames.items()
    }
    present = set().union(*groups.values())
    tables: dict[str, list[pd.DataFrame]] = {}
    for code in local_codes(unit_column, present):
        rows = {name: groups[name].get(code, frames[name].iloc[:0]) for name in frames}
        in_force = set(years_in_force(code, years))
        own = [end for end, ys in periods.items() if in_force.intersection(ys)]
        people = _in_force(code, years, population(code, years))
        born = _in_force(code, years, births(code, years).rename(columns=_AS_POPULATION))
        care_pooled = rows["care"][rows["care"]["financial_year"].isin(end_of)]
        care_pooled = care_pooled.assign(
            financial_year=care_pooled["financial_year"].map(end_of).astype(int)
        )
        for name, frame in (
            (
                "care_children",
                pooled(
                    pd.concat(
                        [care_proceedings.children_by_year(rows["care"], years), people], axis=1
                    ),
                    periods,
                    ["children"],
                ),
            ),
            (
                "newborns",
                pooled(
                    pd.concat([infants.by_year(rows["care"], years), born], axis=1),
                    periods,
                    ["newborns", "infants"],
                ).rename(columns={"population": "live_births"}),
            ),
            (
                "durations",
                # open cases are published for regions and countries only: in a local
                # area they are mostly under 10 (none at all in older periods)
                timeliness.by_year(care_pooled, list(periods)).assign(open_cases=np.nan),
            ),
            (
                "mothers",
                pooled(
                    recurrence.mothers_by_year(rows["mothers"], years, data_from),
                    periods,
                    ["mothers", "with_earlier_proceedings"],
                ),
            ),
            (
                "s8_children",
                pooled(
                    pd.concat(
                        [private_law.s8_children_by_year(rows["private"], years), people], axis=1
                    ),
                    periods,
                    ["children"],
                ),
            ),
            (
                "repeat_applications",
                pooled(
                    private_law.repeats_by_year(rows["repeats"], years, data_from),
                    periods,
                    ["cases", "repeat_cases"],
                ),
            ),
        ):
            _with_area(tables, name, code, frame[frame["financial_year"].isin(own)])
    return tables


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
    period = years_label(notice_from, last_year)
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
    periods = local_periods(first_year, last_year)
    frames = (care, private, mothers, repeats)
    for unit_column in ("la_unit_code", "dfj_code"):
        if unit_column == "dfj_code":
            frames = tuple(with_dfj(frame) for frame in frames)
        local = compute_local(*frames, years, periods, data_from, unit_column)
        for name, parts in local.items():
            tables[name].extend(parts)
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
