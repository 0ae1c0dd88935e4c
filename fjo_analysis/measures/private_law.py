"""Who comes to court in private law: children in s8 applications, applicants, repeats.

A repeat application is a case in which at least one child was in an earlier private-law
case issued within the previous three years; years without three years of earlier data
are marked not available.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fjo_analysis.disclosure import declare
from fjo_analysis.measures.common import (
    RATE_DERIVED,
    add_comparison,
    children_population,
    in_area,
    rate_table,
    trend_of,
    with_year_label,
    years_of,
)
from fjo_analysis.stats.rates import wilson_ci
from fjo_analysis.stats.trends import Trend

COLUMNS = [
    "law_type",
    "application_type",
    "applicant_type",
    "child_id",
    "case_id",
    "issue_date",
    "financial_year",
    "country",
    "region_code",
]
REPEAT_WINDOW_DAYS = round(3 * 365.25)
APPLICANT_LABELS = {
    "father": "Father",
    "mother": "Mother",
    "both_parents": "Both parents",
    "other_relative": "Other relative",
    "other": "Other applicant",
}


def private_law(cases: pd.DataFrame) -> pd.DataFrame:
    return cases[cases["law_type"] == "private"]


def _s8_rates(cases: pd.DataFrame, code: str) -> pd.DataFrame:
    s8 = in_area(private_law(cases), code)
    s8 = s8[s8["application_type"] == "child_arrangements_s8"]
    years = years_of(cases)
    counts = s8.groupby("financial_year")["child_id"].nunique()
    return rate_table(years, counts, children_population(code, years), "children")


def s8_children_by_year(
    cases: pd.DataFrame, code: str, comparator: str | None = None
) -> pd.DataFrame:
    """Children in child arrangements (s8) applications per year and rate per 10,000, with
    a comparator's rate and a funnel comparison when one is given."""
    table = _s8_rates(cases, code)
    if comparator is not None:
        table = add_comparison(table, _s8_rates(cases, comparator), "children")
    table = with_year_label(table.drop(columns="population"))
    return declare(
        table, counts=["children"], derived={c: "children" for c in RATE_DERIVED if c in table}
    )


def trend(cases: pd.DataFrame, code: str, since: int) -> Trend | None:
    """Annual % change in the s8 rate from ``since``."""
    return trend_of(_s8_rates(cases, code), "children", since)


def applicants(cases: pd.DataFrame, code: str, year: int) -> pd.DataFrame:
    """Private-law cases in one year by who applied; shares add up to all cases."""
    per_case = in_area(private_law(cases), code).drop_duplicates("case_id")
    per_case = per_case[per_case["financial_year"] == year]
    counts = per_case["applicant_type"].value_counts().reindex(list(APPLICANT_LABELS), fill_value=0)
    table = pd.DataFrame(
        {"applicant": [APPLICANT_LABELS[k] for k in counts.index], "cases": counts.to_numpy()}
    )
    total = table["cases"].sum()
    table["share_pct"] = 100 * table["cases"] / total if total else float("nan")
    return declare(table, counts=["cases"], derived={"share_pct": "cases"}, groups=[])


def repeat_applications(cases: pd.DataFrame, code: str) -> pd.DataFrame:
    """Cases per year in which a child returns within three years of an earlier application."""
    private = in_area(private_law(cases), code)
    child = pd.factorize(private["child_id"])[0]  # integer keys sort much faster than text
    case = pd.factorize(private["case_id"])[0]
    day = private["issue_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    order = np.lexsort((case, day, child))
    child, case, day = child[order], case[order], day[order]
    same_child = np.r_[False, child[1:] == child[:-1]]
    gap = np.r_[0, np.diff(day)]
    pairs = pd.DataFrame(
        {
            "financial_year": private["financial_year"].to_numpy()[order],
            "case": case,
            "repeat": same_child & (gap <= REPEAT_WINDOW_DAYS),
        }
    )
    per_case = pairs.groupby(["financial_year", "case"])["repeat"].any()
    years = years_of(cases)
    total = per_case.groupby(level=0).size().reindex(years, fill_value=0)
    repeats = per_case.groupby(level=0).sum().reindex(years, fill_value=0).astype(int)
    table = pd.DataFrame(
        {"financial_year": years, "cases": total.to_numpy(), "repeat_cases": repeats.to_numpy()}
    )
    complete = table["financial_year"] >= min(years) + 3
    table.loc[~complete, "repeat_cases"] = pd.NA
    table["repeat_pct"] = 100 * table["repeat_cases"] / table["cases"].where(table["cases"] > 0)
    low, high = wilson_ci(table["repeat_cases"].fillna(0), table["cases"])
    table["repeat_lower"] = pd.Series(100 * low).where(complete)
    table["repeat_upper"] = pd.Series(100 * high).where(complete)
    return declare(
        with_year_label(table),
        counts=["cases", "repeat_cases"],
        derived={c: "repeat_cases" for c in ("repeat_pct", "repeat_lower", "repeat_upper")},
    )
