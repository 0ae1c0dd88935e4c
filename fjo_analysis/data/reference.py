"""Loaders for the shipped denominators (approximate; see each CSV's header)."""

from __future__ import annotations

from functools import cache

import pandas as pd

from fjo_analysis.settings import REFERENCE_DIR

AGE_BANDS = ("under 1", "1-4", "5-9", "10-15", "16-17")
DENOMINATOR_NOTE = (
    "Population and live-birth denominators are approximate figures shipped with the "
    "package, not official ONS estimates."
)


@cache
def child_population() -> pd.DataFrame:
    """Children by local authority, year (mid-year) and age band."""
    return pd.read_csv(REFERENCE_DIR / "population.csv", comment="#")


@cache
def live_births() -> pd.DataFrame:
    """Live births by local authority and calendar year."""
    return pd.read_csv(REFERENCE_DIR / "live_births.csv", comment="#")


def children_0_17() -> pd.DataFrame:
    """Children aged 0-17 by local authority and year."""
    pop = child_population()
    return pop.groupby(["la_code", "year"], as_index=False)["population"].sum()
