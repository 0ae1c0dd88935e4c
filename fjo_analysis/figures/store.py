"""The statistics store, read back (what briefings, profiles, the release and the audit
read; :mod:`fjo_analysis.figures.builder` builds it, ``fjo stats``).

``build/stats/`` holds:

* ``tables/<table>.json``: every published table, every area (counts, ``[c]``, derived);
* ``trends.json``: the trend of each trend rate, per area;
* ``figures.csv``: the whole release's figures as one tidy CSV (the download);
* ``suppressed.csv``: the public list of suppressed cells (which, never why);
* ``private/``: true counts, the reason for each suppression and the relations (never
  published; the audit reads them);
* ``manifest.json``: the rules, the input and what was done (written last: make's target).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from fjo_analysis.figures.tables import TABLES

MANIFEST = "manifest.json"


class Store:
    """The published figures, read back for one build."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        path = self.directory / MANIFEST
        if not path.exists():
            raise FileNotFoundError(
                f"no statistics store at {self.directory}: run `fjo stats` first"
            )
        self.manifest = json.loads(path.read_text(encoding="utf-8"))

    def table(self, name: str) -> pd.DataFrame:
        """One published table for every area."""
        if name not in TABLES:
            raise KeyError(f"no table {name!r} in the store; expected one of {sorted(TABLES)}")
        return _read(self.directory / "tables" / f"{name}.json")

    def trends(self) -> pd.DataFrame:
        return _read(self.directory / "trends.json")


def preload(directory: Path) -> None:
    """Read every table of the store at ``directory`` (if built) into the cache, so that
    processes forked from this one (the warm builder's workers) start with them."""
    if (Path(directory) / MANIFEST).exists():
        store = Store(directory)
        for name in TABLES:
            store.table(name)
        store.trends()


def tables(directory: Path) -> dict[str, pd.DataFrame]:
    """Every published table of the store at ``directory``, read afresh: the caller's to
    change (what :class:`Store` has read is shared by every reader in the process)."""
    return {name: _frame(Path(directory) / "tables" / f"{name}.json") for name in TABLES}


def _frame(path: Path) -> pd.DataFrame:
    return pd.DataFrame(json.loads(path.read_text(encoding="utf-8")), dtype=object)


def _read(path: Path) -> pd.DataFrame:
    """A store file as a table, read once per version of the file (a rebuilt store is
    read again, even by a long-lived process). The path is made absolute first, so the
    same file named relatively (as a notebook's parameters name the store) and absolutely
    (as :func:`preload` does) is read once."""
    path = Path(os.path.abspath(path))
    stat = path.stat()
    return _read_version(path, (stat.st_mtime_ns, stat.st_ino, stat.st_size))


@lru_cache(maxsize=2 * (len(TABLES) + 1))  # two versions of the store
def _read_version(path: Path, version: tuple[int, int, int]) -> pd.DataFrame:
    return _frame(path)
