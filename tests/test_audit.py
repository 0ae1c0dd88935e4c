"""The release audit catches each way a reader could recover a suppressed count.

Each test plants one attack from the differencing audit into a copy of a real store
(built from the small synthetic project) and checks that ``fjo audit`` refuses it, naming
the cell; the untouched store passes.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from fjo_analysis.disclosure import MARK, Rules
from fjo_analysis.disclosure.audit import audit_store
from fjo_analysis.figures.builder import build
from fjo_analysis.geography import briefing_areas


@pytest.fixture
def store(project, tmp_path):
    copy = tmp_path / "stats"
    shutil.copytree(project.stats_dir, copy)
    return copy


def _table(store, name):
    return json.loads((store / "tables" / f"{name}.json").read_text())


def _write(store, name, records):
    (store / "tables" / f"{name}.json").write_text(json.dumps(records))


def _cells(store):
    return pd.read_parquet(store / "private" / "cells.parquet")


def test_the_built_store_passes(store):
    findings, checked = audit_store(store, Rules())
    assert findings == [] and checked["suppressed"] > 0


def _reveal(store, reason: str) -> pd.DataFrame:
    """Publish the true values of every suppressed cell of the given reason."""
    from fjo_analysis.figures.tables import TABLES

    cells = _cells(store)
    chosen = cells[(cells["reason"] == reason) & ~cells["hidden"]]
    for name, group in chosen.groupby("table"):
        truth = {(c.area_code, c.key, c.column): int(c.value) for c in group.itertuples()}
        records = _table(store, name)
        for record in records:
            key = "|".join(str(record[k]) for k in TABLES[name].keys)
            for column in TABLES[name].counts:
                if (record["area_code"], key, column) in truth:
                    record[column] = truth[(record["area_code"], key, column)]
        _write(store, name, records)
    return chosen


def test_publishing_the_secondary_cells_reveals_primaries(store):
    """England minus its regions, a year's children minus its age bands: without the
    secondary suppressions, a reader pins the small counts down."""
    _reveal(store, "secondary")
    findings, _ = audit_store(store, Rules())
    narrowed = [f for f in findings if "narrower than 10" in f.what]
    assert narrowed, findings
    assert all(" from: " in f.what for f in narrowed)  # it says which relations pin it


def test_publishing_a_small_count_is_found(store):
    chosen = _reveal(store, "primary").iloc[0]
    findings, _ = audit_store(store, Rules())
    where = f"{chosen['table']} {chosen['area_code']}"
    assert any(where in f.where and "under 10" in f.what for f in findings), findings


def test_a_rate_beside_a_suppressed_count_is_found(store):
    records = _table(store, "newborns")
    victim = next(r for r in records if r["newborns"] == MARK)
    victim["rate"] = 1.23  # rate x public births = the count
    _write(store, "newborns", records)
    findings, _ = audit_store(store, Rules())
    assert any("newborns" in f.where and " rate" in f.where for f in findings), findings


def test_a_share_beside_a_suppressed_count_is_found(store):
    records = _table(store, "final_orders")
    victim = next(r for r in records if r["children"] == MARK)
    victim["share_pct"] = 0.5
    _write(store, "final_orders", records)
    findings, _ = audit_store(store, Rules())
    assert any("share_pct" in f.where for f in findings), findings


def test_a_trend_fitted_on_suppressed_counts_is_found(store):
    counts = {"newborns": "newborns", "care_children": "children", "s8_children": "children"}
    trends = json.loads((store / "trends.json").read_text())
    row = next(t for t in trends if t["table"] in counts and t["annual_change_pct"] != MARK)
    table, column = row["table"], counts[row["table"]]
    records = _table(store, table)
    for record in records:
        if record["area_code"] == row["area_code"] and record["financial_year"] == row["last_year"]:
            record[column] = MARK
    _write(store, table, records)
    findings, _ = audit_store(store, Rules())
    assert any(f"trend of {table} {row['area_code']}" in f.where for f in findings), findings


def test_the_configured_threshold_is_used_not_the_stores(store):
    findings, _ = audit_store(store, Rules(threshold=20))
    assert any("under 20" in f.what for f in findings)


def test_public_log_says_which_cells_never_why(store):
    log = pd.read_csv(store / "suppressed.csv")
    assert list(log.columns) == ["table", "area_code", "key", "column"]
    cells = _cells(store)
    assert len(log) == int(cells["suppressed"].sum())


def test_comparator_figures_are_the_comparators_own(store):
    """A comparator's rate in one area's table is that area's published rate, suppressed
    exactly where its count is (no rate x denominator recovery across briefings)."""
    for name in ("care_children", "newborns", "s8_children"):
        table = pd.DataFrame(_table(store, name))
        own = table.set_index(["area_code", "financial_year"])["rate"]
        for row in table[table["area_code"].isin(briefing_areas())].itertuples():
            theirs = own[(row.comparator_code, row.financial_year)]
            assert row.comparator_rate == theirs
            count = table.columns[table.columns.isin(["children", "newborns"])][0]
            their_count = table.set_index(["area_code", "financial_year"]).loc[
                (row.comparator_code, row.financial_year), count
            ]
            if their_count == MARK or getattr(row, count) == MARK:
                assert row.comparison == MARK


def test_england_and_wales_never_contradict_each_other(store):
    for name in ("care_children", "newborns", "s8_children"):
        table = pd.DataFrame(_table(store, name)).set_index(["area_code", "financial_year"])
        for year in table.index.get_level_values(1).unique():
            england = table.loc[("E92000001", year), "comparison"]
            wales = table.loc[("W92000004", year), "comparison"]
            opposite = {"higher": "lower", "lower": "higher"}
            assert wales == opposite.get(england, england)


@pytest.fixture(scope="module")
def rounded_store(project, tmp_path_factory):
    out = tmp_path_factory.mktemp("rounded") / "stats"
    build(project.processed_dir, out, Rules(threshold=5, round_to=5))
    return out


def test_rounding_cannot_be_undone_from_rates(rounded_store):
    """With rounding, every rate is computed from the rounded count: rate x the public
    denominator gives back the rounded count, never the true one."""
    for name, count, denominator in (
        ("care_children", "children", "population"),
        ("newborns", "newborns", "live_births"),
        ("s8_children", "children", "population"),
    ):
        table = pd.DataFrame(_table(rounded_store, name))
        shown = table[table[count] != MARK]
        assert (shown[count].astype(int) % 5 == 0).all()
        recovered = shown["rate"].astype(float) * shown[denominator].astype(float) / 1e4
        assert np.allclose(recovered, shown[count].astype(float))
    findings, _ = audit_store(rounded_store, Rules(threshold=5, round_to=5))
    assert findings == []


def test_a_share_of_a_suppressed_total_elsewhere_is_found(store):
    """Age-band shares are of the year's children, published in another table: a share
    beside a suppressed total gives the total (count / share)."""
    totals = _table(store, "care_children")
    bands = _table(store, "care_age_bands")
    victim = next(r for r in bands if isinstance(r["share_pct"], float))
    for record in totals:
        if (record["area_code"], record["financial_year"]) == (
            victim["area_code"],
            victim["financial_year"],
        ):
            record["children"] = MARK
    _write(store, "care_children", totals)
    findings, _ = audit_store(store, Rules())
    assert any("care_age_bands" in f.where and "share_pct" in f.where for f in findings)


@pytest.mark.parametrize("workbooks", [3, 45])  # read in this process / on every core
def test_a_workbook_count_not_in_the_store_is_found(store, tmp_path, workbooks):
    from openpyxl import Workbook

    from fjo_analysis.disclosure.audit import workbook_problems

    known = next(r["children"] for r in _table(store, "care_children") if r["children"] != MARK)
    reports = tmp_path / "reports"
    for i in range(workbooks):
        book = Workbook()
        book.active.append(["Table 1: children"])
        book.active.append(["Financial year", "Children (number)"])
        book.active.append(["2023/24", known])
        book.active.append(["2024/25", 123457 if i == workbooks // 2 else "[c]"])
        (reports / f"area{i}").mkdir(parents=True)
        book.save(reports / f"area{i}" / "topic.xlsx")
    findings = workbook_problems(reports, store, Rules())
    assert [(f.where, f.what) for f in findings] == [
        (
            f"{reports}/area{workbooks // 2}/topic.xlsx Sheet Children (number)",
            "count 123457 is not a count of the statistics store",
        )
    ]
