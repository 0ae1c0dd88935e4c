"""Newborns (under 7 days at issue) and infants (under 1 year) in care proceedings, and
how much notice their first hearing gave."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fjo_analysis.measures.common import care_proceedings, child_years, per_year

#: Notice of the first hearing, in whole days: bands that partition every recorded notice.
NOTICE_BANDS = {
    "same day": (0, 1),
    "1-2 days": (1, 3),
    "3-6 days": (3, 7),
    "7 days or more": (7, 10_000),
}
GROUPS = ("Newborns", "Children aged 1 week and over")


def by_year(rows: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Newborns and infants each year (each child once a year, as at their earliest case)."""
    children = child_years(care_proceedings(rows))
    grouped = children.groupby("financial_year")
    return pd.DataFrame(
        {
            "financial_year": years,
            "newborns": per_year(grouped["newborn"].sum(), years),
            "infants": per_year(grouped["infant"].sum(), years),
        }
    )


def notice_of_first_hearing(rows: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """Children with a recorded notice period by group and notice band, over the years
    ``first_year`` to ``last_year`` together (single years are too small in most areas);
    each child once, by their earliest case with a recorded notice."""
    care = care_proceedings(rows)
    care = care[care["financial_year"].between(first_year, last_year)]
    care = care[care["first_hearing_notice_days"].notna() & care["newborn"].notna()]
    care = care.sort_values(["issue_date", "case_id"], kind="stable").drop_duplicates("child_id")
    days = care["first_hearing_notice_days"].astype(float).to_numpy()
    newborn = care["newborn"].astype(bool).to_numpy()
    out = []
    for group, members in zip(GROUPS, (newborn, ~newborn), strict=True):
        for notice, (low, high) in NOTICE_BANDS.items():
            hits = members & (days >= low) & (days < high)
            out.append({"group": group, "notice": notice, "children": int(np.sum(hits))})
    return pd.DataFrame(out)
