"""How often mothers return to court in later care proceedings.

A mother "returns" when she is the mother in a later public-law case (a different
case_id issued later). The share of mothers in a year with earlier proceedings is
left-truncated: earlier proceedings before the extract's first year cannot be seen, so
early years understate it. Time to return is from a mother's first case in the data to
her next, censored at the extract date (Kaplan-Meier).
"""

from __future__ import annotations

import pandas as pd

from fjo_analysis.disclosure import declare
from fjo_analysis.measures.care_proceedings import public_law
from fjo_analysis.measures.common import in_area, with_year_label, years_of
from fjo_analysis.stats.rates import wilson_ci
from fjo_analysis.stats.survival import kaplan_meier, survival_at

COLUMNS = [
    "law_type",
    "mother_id",
    "case_id",
    "issue_date",
    "financial_year",
    "country",
    "region_code",
]
YEARS_TO_RETURN = (1, 3, 5, 7)


def mother_cases(cases: pd.DataFrame, code: str) -> pd.DataFrame:
    """One row per (mother, case) in public law, in order of issue."""
    public = in_area(public_law(cases), code)
    public = public[public["mother_id"].notna()]
    per_case = public.drop_duplicates(["mother_id", "case_id"])[
        ["mother_id", "case_id", "issue_date", "financial_year"]
    ]
    return per_case.sort_values(["mother_id", "issue_date", "case_id"], kind="stable")


def _shares(cases: pd.DataFrame, code: str) -> pd.DataFrame:
    per_case = mother_cases(cases, code)
    first_issue = per_case.groupby("mother_id")["issue_date"].transform("min")
    per_case = per_case.assign(earlier=per_case["issue_date"] > first_issue)
    per_year = per_case.groupby(["financial_year", "mother_id"])["earlier"].any()
    years = years_of(cases)
    mothers = per_year.groupby(level=0).size().reindex(years, fill_value=0)
    returning = per_year.groupby(level=0).sum().reindex(years, fill_value=0).astype(int)
    table = pd.DataFrame(
        {
            "financial_year": years,
            "mothers": mothers.to_numpy(),
            "with_earlier_proceedings": returning.to_numpy(),
        }
    )
    table["share_pct"] = (
        100 * table["with_earlier_proceedings"] / table["mothers"].where(table["mothers"] > 0)
    )
    low, high = wilson_ci(table["with_earlier_proceedings"], table["mothers"])
    table["share_lower"], table["share_upper"] = 100 * low, 100 * high
    return table


def mothers_with_earlier_proceedings(
    cases: pd.DataFrame, code: str, comparator: str | None = None
) -> pd.DataFrame:
    """Mothers with a case in each year, and how many had an earlier case (any year); with a
    comparator area, its share alongside."""
    table = _shares(cases, code)
    derived = {c: "with_earlier_proceedings" for c in ("share_pct", "share_lower", "share_upper")}
    if comparator is not None:
        table["comparator_share_pct"] = _shares(cases, comparator)["share_pct"].to_numpy()
        derived["comparator_share_pct"] = "with_earlier_proceedings"
    return declare(
        with_year_label(table), counts=["mothers", "with_earlier_proceedings"], derived=derived
    )


def time_to_return(cases: pd.DataFrame, code: str, extract_date: pd.Timestamp) -> pd.DataFrame:
    """Share of mothers back in court within 1, 3, 5 and 7 years of their first case."""
    per_case = mother_cases(cases, code)
    first = per_case.groupby("mother_id")["issue_date"].nth(0)
    second = per_case.groupby("mother_id")["issue_date"].nth(1)
    first = per_case.loc[first.index].set_index("mother_id")["issue_date"]
    second = per_case.loc[second.index].set_index("mother_id")["issue_date"].reindex(first.index)
    end = second.fillna(pd.Timestamp(extract_date))
    years = (end - first).dt.days / 365.25
    curve = kaplan_meier(years, second.notna())
    rows = []
    for horizon in YEARS_TO_RETURN:
        followed = int((years >= horizon).sum() + (second.notna() & (years < horizon)).sum())
        returned = int((second.notna() & (years <= horizon)).sum())
        rows.append(
            {
                "within_years": horizon,
                "mothers_followed": followed,
                "mothers_returned": returned,
                "returned_pct": 100 * (1 - survival_at(curve, horizon)),
            }
        )
    table = pd.DataFrame(rows)
    return declare(
        table,
        counts=["mothers_followed", "mothers_returned"],
        derived={"returned_pct": "mothers_returned"},
    )
