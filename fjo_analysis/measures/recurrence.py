"""How often mothers return to court in later care proceedings.

A return is a later care-proceedings case of the same mother issued on a later day, in any
area (a second case issued on the same day is part of the same episode, in the share and
in the time to return alike). "Earlier proceedings" look back a fixed five years, so the
yearly share does not drift with how far back the data reach; years without five years
of earlier data are not available. Time to return runs from a mother's first case in the
data to her next, censored at the extract date (Kaplan-Meier), and is reported for the
area of her first case.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fjo_analysis.measures.common import care_proceedings, per_year
from fjo_analysis.stats.survival import kaplan_meier, survival_at

LOOK_BACK_YEARS = 5
LOOK_BACK_DAYS = round(LOOK_BACK_YEARS * 365.25)
YEARS_TO_RETURN = (1, 3, 5, 7)
AREA_COLUMNS = ["country", "region_code", "la_unit_code"]


def mother_cases(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per (mother, case) in care proceedings across England and Wales, in order of
    issue, with whether she had a case issued on an earlier day in the look-back window,
    and the day of her next case on a later day (NaT if none yet)."""
    care = care_proceedings(rows)
    care = care[care["mother_id"].notna()]
    per_case = care.drop_duplicates(["mother_id", "case_id"])[
        ["mother_id", "case_id", "issue_date", "financial_year"]
        + [c for c in AREA_COLUMNS if c in care]
    ]
    per_case = per_case.sort_values(["mother_id", "issue_date", "case_id"], kind="stable")
    mother = pd.factorize(per_case["mother_id"])[0]
    day = per_case["issue_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    # the previous and next *distinct* issue day of the same mother
    first_of_day = np.r_[True, (mother[1:] != mother[:-1]) | (day[1:] != day[:-1])]
    day_start = np.maximum.accumulate(np.where(first_of_day, np.arange(len(day)), 0))
    previous = np.full(len(day), -1, dtype=np.int64)
    has_prev = (day_start > 0) & (mother[np.maximum(day_start - 1, 0)] == mother)
    previous[has_prev] = day[day_start[has_prev] - 1]
    last_of_day = np.r_[(mother[1:] != mother[:-1]) | (day[1:] != day[:-1]), True]
    day_end = np.minimum.accumulate(np.where(last_of_day, np.arange(len(day)), len(day))[::-1])[
        ::-1
    ]
    following = np.full(len(day), -1, dtype=np.int64)
    nxt = np.minimum(day_end + 1, len(day) - 1)
    has_next = (day_end + 1 < len(day)) & (mother[nxt] == mother)
    following[has_next] = day[nxt[has_next]]
    out = per_case.assign(
        earlier=has_prev & (day - previous <= LOOK_BACK_DAYS),
        next_issue=pd.to_datetime(np.where(has_next, following, -1).astype("datetime64[D]")).where(
            has_next
        ),
        first=~has_prev,
    )
    return out.reset_index(drop=True)


def mothers_by_year(per_case: pd.DataFrame, years: list[int], data_from: int) -> pd.DataFrame:
    """Mothers with a case each year, and how many had earlier proceedings in the previous
    five years (not available for years less than five years after ``data_from``)."""
    per_mother = per_case.groupby(["financial_year", "mother_id"])["earlier"].any()
    mothers = per_year(per_mother.groupby(level=0).size(), years)
    earlier = per_year(per_mother.groupby(level=0).sum(), years)
    table = pd.DataFrame(
        {"financial_year": years, "mothers": mothers, "with_earlier_proceedings": earlier}
    )
    too_early = table["financial_year"] < data_from + LOOK_BACK_YEARS
    table["with_earlier_proceedings"] = table["with_earlier_proceedings"].astype("Int64")
    table.loc[too_early, "with_earlier_proceedings"] = pd.NA
    return table


def time_to_return(per_case: pd.DataFrame, extract_date: pd.Timestamp) -> pd.DataFrame:
    """For 1, 3, 5 and 7 years after mothers' first case: the mothers whose first case was
    at least that long before the extract date (followed up), how many of those returned
    within it (one population for both), and the Kaplan-Meier estimate of the share
    returned, which uses every mother."""
    first = per_case[per_case["first"]].drop_duplicates("mother_id")
    returned = first["next_issue"].notna().to_numpy()
    end = first["next_issue"].fillna(pd.Timestamp(extract_date))
    years = ((end - first["issue_date"]).dt.days / 365.25).to_numpy()
    available = ((pd.Timestamp(extract_date) - first["issue_date"]).dt.days / 365.25).to_numpy()
    curve = kaplan_meier(years, returned)
    rows = []
    for horizon in YEARS_TO_RETURN:
        followed = available >= horizon
        back = followed & returned & (years <= horizon)
        rows.append(
            {
                "within_years": horizon,
                "mothers_followed": int(followed.sum()),
                "mothers_returned": int(back.sum()),
                "returned_pct": 100 * (1 - survival_at(curve, horizon)),
            }
        )
    return pd.DataFrame(rows)
