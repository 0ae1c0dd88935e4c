"""What every topic measure needs: scope, one row per child a year, counts by year."""

from __future__ import annotations

import pandas as pd

#: Care proceedings: section 31 care and supervision applications only (emergency
#: protection and placement applications are other public-law proceedings).
CARE_APPLICATION = "care_supervision_s31"


def care_proceedings(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of section 31 care and supervision applications (the same frame, not a copy,
    when every row already is one)."""
    keep = (rows["law_type"] == "public") & (rows["application_type"] == CARE_APPLICATION)
    return rows if keep.all() else rows[keep]


def private_law(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of private-law applications (the same frame when every row already is one)."""
    keep = rows["law_type"] == "private"
    return rows if keep.all() else rows[keep]


def child_years(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per child per financial year: the child's earliest case that year (its age
    and newborn flag come from that case, never from row order)."""
    ordered = rows.sort_values(["issue_date", "case_id"], kind="stable")
    return ordered.drop_duplicates(["financial_year", "child_id"])


def per_year(values: pd.Series, years: list[int]) -> list[int]:
    """A count per year (0 where none), from a Series indexed by financial year."""
    return values.reindex(years, fill_value=0).astype(int).tolist()
