"""Disclosure control: properties that must hold for any table."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fjo_analysis.disclosure import (
    MARK,
    DisclosureError,
    Rules,
    assert_safe,
    declare,
    protect,
    small_counts_in,
)


def _table(counts, groups):
    frame = pd.DataFrame({"group": groups, "item": range(len(counts)), "n": counts})
    frame["rate"] = frame["n"] / 7
    return declare(frame, counts=["n"], derived={"rate": "n"}, groups=["group"])


tables = st.integers(1, 6).flatmap(
    lambda n_groups: st.lists(
        st.tuples(st.integers(0, n_groups - 1), st.integers(0, 60)), min_size=1, max_size=30
    )
)


@settings(max_examples=300, deadline=None)
@given(rows=tables, threshold=st.integers(2, 15))
def test_no_small_count_published_and_none_recoverable(rows, threshold):
    groups, counts = zip(*rows, strict=True)
    rules = Rules(threshold=threshold)
    published, log = protect(_table(list(counts), list(groups)), "t", rules)
    shown = published["n"]
    # 1. no published count under the threshold
    numeric = pd.to_numeric(shown.replace(MARK, None), errors="coerce")
    assert not (numeric < threshold).any()
    # 2. no suppressed cell recoverable by one subtraction from its group's total
    for g in set(groups):
        members = shown[np.array(groups) == g]
        if len(members) >= 2:
            assert (members == MARK).sum() != 1
    # 3. the log lists every suppressed cell, and the rate goes with its count
    suppressed_rows = set(np.flatnonzero(shown == MARK))
    logged = {e.row["item"] for e in log if e.column == "n"}
    assert logged == suppressed_rows
    assert set(np.flatnonzero(published["rate"] == MARK)) == suppressed_rows
    # 4. published values are the true values where not suppressed
    for i in set(range(len(counts))) - suppressed_rows:
        assert shown[i] == counts[i]


@settings(max_examples=100, deadline=None)
@given(counts=st.lists(st.integers(0, 500), min_size=1, max_size=20))
def test_rounding_to_five(counts):
    published, log = protect(_table(counts, [0] * len(counts)), "t", Rules(10, round_to=5))
    for value, true in zip(published["n"], counts, strict=True):
        if value != MARK:
            assert value % 5 == 0 and abs(value - true) <= 2 and value >= 10
    rounded = {e.row["item"] for e in log if e.reason.startswith("rounded")}
    assert rounded == {
        i
        for i, (v, t) in enumerate(zip(published["n"], counts, strict=True))
        if v != MARK and v != t
    }


def test_national_minus_other_areas_cannot_reveal_a_region():
    regions = declare(
        pd.DataFrame({"area": list("ABCD"), "n": [120, 4, 50, 300]}), counts=["n"], groups=[]
    )
    published, log = protect(regions, "regions", Rules())
    assert published["n"].tolist() == [120, MARK, MARK, 300]
    assert [e.reason.split(":")[0] for e in log] == ["primary", "secondary"]
    assert log[0].row == {"area": "B"} and log[0].value == 4
    assert "value" not in log[0].public()


def test_zero_is_suppressed_and_missing_is_not_available():
    frame = declare(pd.DataFrame({"k": [1, 2, 3], "n": [0, np.nan, 25]}), counts=["n"])
    published, _ = protect(frame, "t", Rules())
    assert published["n"].tolist() == [MARK, "[x]", 25]


def test_unprotected_or_undeclared_tables_are_refused():
    with pytest.raises(DisclosureError, match="no disclosure spec"):
        protect(pd.DataFrame({"n": [1]}), "t", Rules())
    leaked = declare(pd.DataFrame({"k": ["a"], "n": [3]}), counts=["n"])
    with pytest.raises(DisclosureError, match="1 count\\(s\\) under 10"):
        assert_safe(leaked, Rules())


@pytest.mark.parametrize(
    "text,found",
    [
        ("There were 3 children.", ["3 children"]),
        ("There were 4 Mothers", ["4 Mothers"]),
        ("in 2023/24, 5\nnewborns were", ["5\nnewborns"]),
        ("Within 7\nMothers returned (%)", []),  # a tick label, then an axis title
        ("section 8 applications and 12 cases", []),
        ("25.5 children per 10,000; 40% cases", []),
    ],
)
def test_small_counts_in_running_text(text, found):
    assert small_counts_in(text, 10) == found
