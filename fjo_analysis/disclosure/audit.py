"""``fjo audit``: can a reader narrow any suppressed count below the threshold?

Reads the release as a reader would have it (every published count, ``[c]`` and rounded
value in the store's tables) and, for every suppressed cell and every hidden count under
the threshold, solves for the smallest and largest value it can take given every
relation a reader could use (:mod:`fjo_analysis.disclosure.cells`). The release is
refused when any range is narrower than the threshold. It also checks that no published
count is under the threshold, that every derived figure (rate, share, interval,
estimate, comparison, trend) is suppressed wherever a count it rests on is, and that every
count in the published workbooks is a count of the store. The rules are the configured
ones, never those written in the store being checked.
"""

from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from fjo_analysis.disclosure import MARK, Rules, numbers
from fjo_analysis.disclosure.cells import Relations
from fjo_analysis.disclosure.joint import published_bounds
from fjo_analysis.disclosure.ranges import feasible_ranges
from fjo_analysis.figures import store
from fjo_analysis.figures.tables import TABLES
from fjo_analysis.years import TREND_YEARS


@dataclass(frozen=True)
class Finding:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def _describe(cells: pd.DataFrame, i: int) -> str:
    c = cells.iloc[i]
    return f"{c['table']} {c['area_code']} {c['key'] or '-'} {c['column']}"


def load_relations(path: Path) -> Relations:
    with np.load(path) as data:
        return Relations(data["row"], data["cell"], data["coef"], data["constant"], data["upper"])


def published_values(stats_dir: Path, cells: pd.DataFrame) -> pd.Series:
    """What the release shows for each cell (a number, ``[c]``, ``[x]``; None if hidden)."""
    shown = {}
    for name, spec in TABLES.items():
        records = json.loads((stats_dir / "tables" / f"{name}.json").read_text(encoding="utf-8"))
        for record in records:
            key = "|".join(str(record[k]) for k in spec.keys)
            for column in spec.counts:
                shown[(name, record["area_code"], key, column)] = record[column]
    where = zip(cells["table"], cells["area_code"], cells["key"], cells["column"], strict=True)
    return pd.Series([shown.get(w) for w in where], index=cells.index, dtype=object)


def audit_store(stats_dir: Path, rules: Rules) -> tuple[list[Finding], dict]:
    """Every problem found in the store's published figures, and what was checked."""
    cells = pd.read_parquet(stats_dir / "private" / "cells.parquet")
    relations = load_relations(stats_dir / "private" / "relations.npz")
    shown = published_values(stats_dir, cells)
    hidden = cells["hidden"].to_numpy(dtype=bool)
    findings: list[Finding] = []
    missing = ~hidden & shown.isna().to_numpy()
    for i in np.flatnonzero(missing):
        findings.append(
            Finding(_describe(cells, i), "a count of the store is missing from its table")
        )
    suppressed = (shown == MARK).to_numpy()
    shown_numbers = numbers(shown)
    small = ~hidden & ~suppressed & (shown_numbers < rules.threshold)
    for i in np.flatnonzero(small):
        findings.append(
            Finding(
                _describe(cells, i),
                f"published count {shown_numbers[i]:g} is under {rules.threshold}",
            )
        )
    true = cells["value"].to_numpy(dtype=float)
    targets = np.flatnonzero(suppressed | (hidden & (true < rules.threshold)))
    low, high = published_bounds(
        np.nan_to_num(shown_numbers), suppressed | missing, hidden, rules.round_to
    )
    lo, hi = feasible_ranges(relations, low, high, targets, wide_enough=rules.threshold)
    narrow = (hi - lo) < rules.threshold
    rows_of = pd.Series(relations.row).groupby(relations.cell).agg(list)
    for i, a, b in zip(targets[narrow], lo[narrow], hi[narrow], strict=True):
        pinned_by = []
        for r in rows_of.get(i, [])[:3]:
            members = relations.cell[relations.row == r]
            pinned_by.append(" + ".join(_describe(cells, m) for m in members if m != i))
        findings.append(
            Finding(
                _describe(cells, i),
                f"a reader can narrow it to {a:g}-{b:g} (narrower than {rules.threshold}) "
                f"from: {'; '.join(pinned_by) or 'its published bounds'}",
            )
        )
    findings += derived_problems(stats_dir)
    checked = {
        "cells": int(len(cells)),
        "suppressed": int(suppressed.sum()),
        "ranges_solved": int(len(targets)),
    }
    return findings, checked


def audit_release(
    stats_dir: Path, rules: Rules, published: list[Path]
) -> tuple[list[Finding], dict]:
    """The release audit: the store (:func:`audit_store`), and the workbooks and CSV files
    of each ``published`` folder against it, in two processes side by side (forked, so
    they start with what this one has imported); findings in that order. The CSV files,
    the longest part, are started first, so the other process does the rest meanwhile."""
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        csvs = [pool.submit(csv_problems, p, stats_dir) for p in published]
        workbooks = [pool.submit(workbook_problems, p, stats_dir, rules) for p in published]
        store_audit = pool.submit(audit_store, stats_dir, rules)
        findings, checked = store_audit.result()
        for problems in (*workbooks, *csvs):
            findings += problems.result()
    return findings, checked


def derived_problems(stats_dir: Path) -> list[Finding]:
    """Derived figures published although a count they rest on is suppressed."""
    findings = []
    tables = store.tables(stats_dir)
    for name, spec in TABLES.items():
        table = tables[name].copy()
        if table.empty:  # a law type the extract does not have (a private-law-only one)
            continue
        bases: dict[str, list[str]] = {}
        for column, rate in spec.rates.items():
            for suffix in ("", "_lower", "_upper"):
                bases[column + suffix] = [rate.count]
        for column, share in spec.shares.items():
            stem = column.removesuffix("_pct")
            rests_on = [share.numerator] + ([share.denominator] if share.denominator else [])
            if share.total is not None and not tables[share.total[0]].empty:
                # a total published in another table
                other, total = share.total
                lookup = tables[other].set_index(["area_code", "financial_year"])[total]
                where = pd.MultiIndex.from_frame(table[["area_code", "financial_year"]])
                table[f"_total_{column}"] = lookup.reindex(where).to_numpy()
                rests_on.append(f"_total_{column}")
            for c in (column, f"{stem}_lower", f"{stem}_upper"):
                bases[c] = rests_on
        for column, counts in spec.estimates.items():
            bases[column] = list(counts)
        for column, counts in bases.items():
            if column not in table:
                continue
            base_hidden = np.logical_or.reduce([(table[b] == MARK).to_numpy() for b in counts])
            leaked = base_hidden & (table[column] != MARK).to_numpy()
            for i in np.flatnonzero(leaked):
                findings.append(
                    Finding(
                        f"{name} {table['area_code'].iloc[i]} row {i + 1} {column}",
                        "published although a count it rests on is [c]",
                    )
                )
    for row in store.Store(stats_dir).trends().itertuples():
        source = tables[row.table]
        window = source[
            (source["area_code"] == row.area_code)
            & (source["financial_year"] > row.last_year - TREND_YEARS)
        ]
        if (window[TABLES[row.table].trend] == MARK).any() and row.annual_change_pct != MARK:
            findings.append(
                Finding(
                    f"trend of {row.table} {row.area_code}",
                    "published although a count it rests on is [c]",
                )
            )
    return findings


def workbook_problems(reports: Path, stats_dir: Path, rules: Rules) -> list[Finding]:
    """Counts in published workbooks that are not counts of the store."""
    from fjo_analysis.check import COUNT_HEADER, workbook_sheets

    known = set()
    for name, spec in TABLES.items():
        for record in json.loads(
            (stats_dir / "tables" / f"{name}.json").read_text(encoding="utf-8")
        ):
            known.update(record[c] for c in spec.counts if isinstance(record[c], int))
    findings = []
    for path in sorted(reports.glob("**/*.xlsx")):
        for title, rows in workbook_sheets(path):
            header = None
            for row in rows:
                if header is None:
                    if any(isinstance(v, str) and COUNT_HEADER.search(v) for v in row):
                        header = row
                    continue
                for label, value in zip(header, row, strict=False):
                    if (
                        isinstance(label, str)
                        and COUNT_HEADER.search(label)
                        and isinstance(value, int | float)
                        and value not in known
                    ):
                        findings.append(
                            Finding(
                                f"{path} {title} {label}",
                                f"count {value} is not a count of the statistics store",
                            )
                        )
    return findings


def csv_problems(reports: Path, stats_dir: Path) -> list[Finding]:
    """Counts in published tidy CSV files that are not the store's: every count must be a
    figure of the store (by table, area, year, breakdown and measure) showing its value."""
    import csv

    from fjo_analysis.check import count_measures
    from fjo_analysis.render.csv import COUNT_UNIT, release_rows

    figures = release_rows(store.tables(stats_dir))
    key = ["table", "area_code", "year", "breakdown", "measure"]
    published = dict(zip(map(tuple, figures[key].to_numpy()), figures["value"], strict=True))
    counts = count_measures()
    findings = []
    for path in sorted(p for p in reports.glob("**/*.csv") if not p.name.startswith(".")):
        with open(path, newline="", encoding="utf-8") as handle:
            rows = csv.reader(handle)
            header = next(rows, [])
            if not {*key, "unit", "value"} <= set(header):
                continue
            at = {name: header.index(name) for name in (*key, "unit", "value")}
            for line, row in enumerate(rows, start=2):
                measure = row[at["measure"]]
                if row[at["unit"]] != COUNT_UNIT and measure not in counts:
                    continue
                value = row[at["value"]]
                expected = published.get(tuple(row[at[k]] for k in key))
                if expected is None:
                    what = f"count {value} is not a figure of the statistics store"
                elif value != expected:
                    what = f"count {value} differs from the statistics store's {expected}"
                else:
                    continue
                findings.append(Finding(f"{path} line {line} {measure}", what))
    return findings
