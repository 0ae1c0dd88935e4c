"""What changed since a previous release: figures revised (same figure, different value),
newly suppressed or no longer suppressed, and years new to this release.

Both releases are compared as their tidy figures (``reports/figures.csv``), figure by
figure on (table, area_code, year, breakdown, measure).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from fjo_analysis.disclosure import MARK
from fjo_analysis.render.csv import HEADER

KEY = ["table", "area_code", "year", "breakdown", "measure"]
REVISED, SUPPRESSED, UNSUPPRESSED = "revised", "newly suppressed", "no longer suppressed"


@dataclass(frozen=True)
class Revisions:
    previous: Path
    changes: pd.DataFrame  # KEY, area, unit, previous_value, value, change
    new_years: list[str]

    def count(self, change: str) -> int:
        return int((self.changes["change"] == change).sum())

    def by_table(self) -> pd.DataFrame:
        """Changes per table and kind of change."""
        return self.changes.groupby(["table", "change"]).size().rename("figures").reset_index()


def read_figures(path: Path) -> pd.DataFrame:
    """A release's tidy figures, as text; a file without the columns is refused by name."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in HEADER if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: not a release's figures.csv (no column(s) {missing})")
    return frame


def _differs(a: str, b: str) -> bool:
    try:
        return float(a) != float(b)
    except ValueError:
        return a != b


def compare(current: pd.DataFrame, previous_path: Path) -> Revisions:
    previous = read_figures(previous_path)
    joined = current.merge(
        previous[[*KEY, "value"]].rename(columns={"value": "previous_value"}), on=KEY
    )
    was, now = joined["previous_value"], joined["value"]
    change = pd.Series("", index=joined.index, dtype=object)
    change[(now == MARK) & (was != MARK)] = SUPPRESSED
    change[(was == MARK) & (now != MARK)] = UNSUPPRESSED
    both = (now != MARK) & (was != MARK)
    revised = both & pd.Series(
        [_differs(a, b) for a, b in zip(was, now, strict=True)], index=joined.index, dtype=bool
    )
    change[revised] = REVISED
    changes = joined.assign(change=change)[change != ""]
    columns = [*KEY[:2], "area", *KEY[2:], "unit", "previous_value", "value", "change"]
    years = set(previous["year"])
    # single financial years only: a new local three-year period ends in one of them
    new_years = sorted({y for y in current["year"] if y and " to " not in y and y not in years})
    return Revisions(previous_path, changes[columns].reset_index(drop=True), new_years)
