"""Disclosure control: joint protection, checked by an independent integer programme."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from fjo_analysis.disclosure import DisclosureError, Rules, Spec, assert_safe, small_counts_in
from fjo_analysis.disclosure.cells import Relations
from fjo_analysis.disclosure.joint import protect, published_bounds, rounded
from fjo_analysis.disclosure.ranges import feasible_ranges


def _grid(values: np.ndarray, hidden_total: bool = False):
    """A regions x categories table with its margins (like England = sum of regions and
    the year's children = sum of its breakdown): cells, and the relations between them."""
    k, c = values.shape
    inner = [(f"r{i}", f"c{j}", int(values[i, j])) for i in range(k) for j in range(c)]
    rows = [(f"r{i}", "all", int(values[i].sum())) for i in range(k)]
    cols = [("all", f"c{j}", int(values[:, j].sum())) for j in range(c)]
    grand = [("all", "all", int(values.sum()))]
    cells = pd.DataFrame(inner + rows + cols + grand, columns=["area_code", "key", "value"])
    cells = cells.assign(table="t", column="n", hidden=False)
    if hidden_total:
        cells.loc[len(cells) - 1, "hidden"] = True
    index = {(a, b): n for n, (a, b) in enumerate(zip(cells.area_code, cells.key, strict=True))}
    equations = [
        [index[(f"r{i}", "all")]] + [index[(f"r{i}", f"c{j}")] for j in range(c)] for i in range(k)
    ]
    equations += [
        [index[("all", f"c{j}")]] + [index[(f"r{i}", f"c{j}")] for i in range(k)] for j in range(c)
    ]
    equations.append([index[("all", "all")]] + [index[(f"r{i}", "all")] for i in range(k)])
    row, cell, coef = [], [], []
    for r, members in enumerate(equations):
        row += [r] * len(members)
        cell += members
        coef += [1.0] + [-1.0] * (len(members) - 1)
    relations = Relations(
        np.array(row),
        np.array(cell),
        np.array(coef),
        np.zeros(len(equations)),
        np.zeros(len(equations), dtype=bool),
    )
    return cells, relations


def integer_range(relations, low, high, target) -> tuple[float, float]:
    """The smallest and largest integer value of one cell (an independent oracle: a mixed
    integer programme, not the linear relaxation the package solves)."""
    n = len(low)
    a = np.zeros((relations.count, n))
    np.add.at(a, (relations.row, relations.cell), relations.coef)
    constraint = LinearConstraint(a, relations.constant, relations.constant)
    bounds = Bounds(low, np.where(np.isinf(high), 1e6, high))
    c = np.zeros(n)
    c[target] = 1
    lo = milp(c, constraints=constraint, bounds=bounds, integrality=np.ones(n))
    hi = milp(-c, constraints=constraint, bounds=bounds, integrality=np.ones(n))
    return lo.fun, -hi.fun


grids = st.tuples(st.integers(2, 3), st.integers(2, 4)).flatmap(
    lambda shape: st.lists(
        st.integers(0, 40), min_size=shape[0] * shape[1], max_size=shape[0] * shape[1]
    ).map(lambda v: np.array(v).reshape(shape))
)


@settings(max_examples=30, deadline=None)
@given(values=grids, threshold=st.integers(5, 12), round_to=st.sampled_from([0, 5]))
def test_no_suppressed_cell_can_be_narrowed_below_the_threshold(values, threshold, round_to):
    cells, relations = _grid(values)
    rules = Rules(threshold=threshold, round_to=round_to)
    protection = protect(cells, relations, rules)
    value = cells["value"].to_numpy(dtype=float)
    shown = rounded(value, round_to)
    # 1. nothing under the threshold is published
    assert not (~protection.suppressed & (value < threshold)).any()
    # 2. every suppressed cell keeps an integer range at least as wide as the threshold
    low, high = published_bounds(shown, protection.suppressed, np.zeros(len(value), bool), round_to)
    for target in np.flatnonzero(protection.suppressed):
        lo, hi = integer_range(relations, low, high, target)
        assert hi - lo >= threshold, (values, target, lo, hi)
    # 3. the true values are feasible, and primary cells are exactly the small ones
    assert ((low <= value) & (value <= high)).all()
    assert (protection.primary == (value < threshold)).all()


def linear_range(relations, low, high, target) -> tuple[float, float]:
    """The smallest and largest value of one cell by scipy's linprog (an independent
    oracle for the package's HiGHS models): ``inf`` where it is unbounded."""
    n = len(low)
    a = np.zeros((relations.count, n))
    np.add.at(a, (relations.row, relations.cell), relations.coef)
    equal, upper = ~relations.upper, relations.upper
    c = np.zeros(n)
    c[target] = 1
    bounds = list(zip(low, np.where(np.isinf(high), None, high), strict=True))
    ends = []
    for sign in (1, -1):
        result = linprog(
            sign * c,
            A_ub=a[upper] if upper.any() else None,
            b_ub=relations.constant[upper] if upper.any() else None,
            A_eq=a[equal],
            b_eq=relations.constant[equal],
            bounds=bounds,
        )
        assert result.status in (0, 3), result.message  # optimal, or unbounded
        ends.append(sign * result.fun if result.status == 0 else np.inf)
    return ends[0], ends[1]


def _with_orders(cells, relations, values):
    """The grid's relations and, for each region where the true counts keep it, a rule a
    reader would assume: its first category <= its second (an inequality row)."""
    index = {(a, b): n for n, (a, b) in enumerate(zip(cells.area_code, cells.key, strict=True))}
    rows = [r for r in range(values.shape[0]) if values[r, 0] <= values[r, 1]]
    start = relations.count
    return Relations(
        np.r_[relations.row, np.repeat(np.arange(start, start + len(rows)), 2)],
        np.r_[
            relations.cell,
            np.array([[index[(f"r{r}", "c0")], index[(f"r{r}", "c1")]] for r in rows]).ravel(),
        ].astype(np.int64),
        np.r_[relations.coef, np.tile([1.0, -1.0], len(rows))],
        np.r_[relations.constant, np.zeros(len(rows))],
        np.r_[relations.upper, np.ones(len(rows), dtype=bool)],
    )


large_grids = st.tuples(st.integers(5, 7), st.integers(8, 12)).flatmap(
    lambda shape: st.tuples(
        st.lists(
            st.integers(0, 30), min_size=shape[0] * shape[1], max_size=shape[0] * shape[1]
        ).map(lambda v: np.array(v).reshape(shape)),
        st.lists(
            st.booleans(),
            min_size=(shape[0] + 1) * (shape[1] + 1),
            max_size=(shape[0] + 1) * (shape[1] + 1),
        ),
    )
)


def _check_ranges(values, suppressed, threshold) -> None:
    """Every range feasible_ranges reports as wide is wide (two values the cell can take,
    by an independent linprog), and every range it reports as narrow is exact. Returns
    how many are narrow."""
    cells, relations = _grid(values)
    relations = _with_orders(cells, relations, values)
    value = cells["value"].to_numpy(dtype=float)
    low, high = published_bounds(value, suppressed, np.zeros(len(value), bool), 0)
    targets = np.flatnonzero(suppressed)
    lo, hi = feasible_ranges(relations, low, high, targets, wide_enough=threshold)
    narrow = 0
    for target, a, b in zip(targets, lo, hi, strict=True):
        exact_lo, exact_hi = linear_range(relations, low, high, target)
        if exact_hi - exact_lo < threshold - 1e-6:
            assert (a, b) == pytest.approx((exact_lo, exact_hi), abs=1e-6), target
            narrow += 1
        else:
            assert b - a >= threshold, target  # reported wide
            assert exact_lo - 1e-6 <= a and b <= exact_hi + 1e-6, target  # within the range
    return narrow


@settings(max_examples=25, deadline=None)
@given(grid=large_grids, threshold=st.integers(5, 12))
def test_ranges_settled_by_witnesses_are_wide_and_narrow_ones_are_exact(grid, threshold):
    """Given ``wide_enough``, feasible_ranges settles most cells by the solutions it has
    found (witnesses) rather than by programmes of their own; the grids are large and
    mostly unpublished (as on a sparse extract), so programmes over many cells at once
    look for witnesses too."""
    values, shown = grid
    _check_ranges(values, ~(np.array(shown) & np.roll(shown, 1)), threshold)


def test_witnesses_settle_most_ranges_of_a_sparse_grid(monkeypatch):
    """Five of seven regions unpublished (as on a sparse extract), and one region with
    two small cells suppressed beside its published total: programmes over many cells at
    once run, fewer cells than there are need a programme of their own, the two small
    cells' ranges (0 to 7) are found exact and every other range wide."""
    from fjo_analysis.disclosure import ranges

    calls = {"_run": 0, "_own_range": 0}
    for name in calls:
        original = getattr(ranges._Witnesses, name)

        def counted(self, *args, _name=name, _original=original):
            calls[_name] += 1
            return _original(self, *args)

        monkeypatch.setattr(ranges._Witnesses, name, counted)
    values = np.random.default_rng(3).integers(10, 40, size=(7, 12))
    values[5, 2:4] = [3, 4]
    inner = np.zeros((7, 12), dtype=bool)
    inner[:5] = True
    inner[5, 2:4] = True
    row_totals = np.arange(7) < 5
    suppressed = np.r_[inner.ravel(), row_totals, np.zeros(12 + 1, dtype=bool)]
    assert suppressed.sum() >= 2 * ranges.BATCH_WORTH
    assert _check_ranges(values, suppressed, 10) == 2
    assert calls["_run"] > 1  # a first witness, then programmes over many cells
    assert calls["_own_range"] < suppressed.sum()


def test_one_small_region_forces_a_second_suppression():
    values = np.array([[120, 30], [4, 50], [60, 70]])
    cells, relations = _grid(values)
    protection = protect(cells, relations, Rules())
    suppressed = cells[protection.suppressed]
    assert (suppressed["value"] == 4).sum() == 1 and len(suppressed) >= 4  # a rectangle
    assert set(protection.reasons()[protection.suppressed]) == {"primary", "secondary"}


def test_a_small_hidden_count_is_protected_too():
    # the grand total is never published; region r0's total is small but the grand
    # total minus the other regions would reveal it if the grand total were shown
    values = np.array([[3, 2], [60, 70]])
    cells, relations = _grid(values, hidden_total=True)
    protection = protect(cells, relations, Rules())
    low, high = published_bounds(
        cells["value"].to_numpy(float), protection.suppressed, cells["hidden"].to_numpy(), 0
    )
    for target in np.flatnonzero(protection.suppressed):
        lo, hi = integer_range(relations, low, high, target)
        assert hi - lo >= 10


def test_a_cell_that_cannot_be_protected_is_refused():
    # a relation that pins a small count by itself (x = 3, e.g. a figure known from
    # elsewhere): no other cell can be suppressed to hide it, which must be said
    cells = pd.DataFrame(
        {
            "table": "t",
            "area_code": ["x"],
            "key": "",
            "column": "n",
            "value": [3.0],
            "hidden": False,
        }
    )
    relations = Relations(
        np.array([0]), np.array([0]), np.array([1.0]), np.array([3.0]), np.array([False])
    )
    with pytest.raises(DisclosureError, match="cannot protect t x"):
        protect(cells, relations, Rules())


def test_a_table_with_a_small_count_is_refused_at_the_last_check():
    leaked = pd.DataFrame({"k": ["a"], "n": [3]})
    leaked.attrs["disclosure"] = Spec(("n",))
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


def _cells_of(rows) -> pd.DataFrame:
    """Store-like cells from (table, area, year, breakdown, column, value) rows."""
    frame = pd.DataFrame(
        rows, columns=["table", "area_code", "financial_year", "breakdown", "column", "value"]
    )
    key = frame["financial_year"].astype(str)
    key = key.where(frame["breakdown"] == "", key + "|" + frame["breakdown"])
    return frame.assign(key=key, hidden=False, value=frame["value"].astype(float))


@pytest.mark.parametrize("mothers,declared", [(48, True), (50, False)])
def test_rules_a_reader_would_assume_are_declared_where_they_hold(mothers, declared):
    """mothers <= cases, within 26 weeks + open <= cases, open cases <= children still
    waiting: each an inequality row, for the area and year, only where the counts keep it
    (a case may have two mothers)."""
    from fjo_analysis.disclosure.cells import relations_of
    from fjo_analysis.measures.outcomes import STILL_OPEN

    cells = _cells_of(
        [
            ("durations", "A", 2024, "", "cases", 49),
            ("durations", "A", 2024, "", "open_cases", 12),
            ("durations", "A", 2024, "", "within_26_weeks", 20),
            ("mothers", "A", 2024, "", "mothers", mothers),
            ("final_orders", "A", 2024, STILL_OPEN, "children", 15),
        ]
    )
    relations = relations_of(cells, largest_case=3)
    inequalities = {
        frozenset(
            zip(
                cells.loc[relations.cell[relations.row == r], "column"],
                relations.coef[relations.row == r],
                strict=True,
            )
        )
        for r in range(relations.count)
        if relations.upper[r]
    }
    assert (frozenset({("mothers", 1.0), ("cases", -1.0)}) in inequalities) == declared
    assert frozenset({("within_26_weeks", 1.0), ("open_cases", 1.0), ("cases", -1.0)}) in (
        inequalities
    )
    assert frozenset({("open_cases", 1.0), ("children", -1.0)}) in inequalities


def test_a_published_count_of_mothers_is_protected_as_a_bound_on_cases():
    """The attack found on a release: a family court area's cases minus its published
    authorities give two suppressed authorities' sum; each has at least as many cases as
    its published mothers, which pinned the small one. Protection with the rule
    suppresses enough that an integer programme keeps every suppressed range >= 10."""
    # cells: area total, three authorities' cases (one small), the middle one's mothers
    value = np.array([171.0, 49.0, 117.0, 5.0, 48.0])
    cells = pd.DataFrame(
        {
            "table": ["d", "d", "d", "d", "m"],
            "area_code": ["T", "a", "b", "c", "a"],
            "key": "2024",
            "column": ["cases"] * 4 + ["mothers"],
            "value": value,
            "hidden": False,
        }
    )
    # T - a - b - c = 0; mothers(a) - a <= 0
    relations = Relations(
        np.array([0, 0, 0, 0, 1, 1]),
        np.array([0, 1, 2, 3, 4, 1]),
        np.array([1.0, -1.0, -1.0, -1.0, 1.0, -1.0]),
        np.array([0.0, 0.0]),
        np.array([False, True]),
    )
    equality_only = Relations(
        relations.row[:4], relations.cell[:4], relations.coef[:4], np.zeros(1), np.zeros(1, bool)
    )

    def integer_width(protection, target):
        low, high = published_bounds(value, protection.suppressed, np.zeros(5, bool), 0)
        bounds = Bounds(low, np.where(np.isinf(high), 1e6, high))
        constraints = [
            LinearConstraint([[1, -1, -1, -1, 0]], 0, 0),
            LinearConstraint([[0, -1, 0, 0, 1]], -np.inf, 0),
        ]
        c = np.zeros(5)
        c[target] = 1
        ends = [
            milp(s * c, constraints=constraints, bounds=bounds, integrality=np.ones(5)).fun
            for s in (1, -1)
        ]
        return -ends[1] - ends[0]

    naive = protect(cells, equality_only, Rules())
    assert naive.suppressed[3] and integer_width(naive, 3) < 10  # the attack succeeds
    protection = protect(cells, relations, Rules())
    for target in np.flatnonzero(protection.suppressed):
        assert integer_width(protection, target) >= 10, target
