"""Feasible ranges of unpublished cells: what a reader can learn by linear programming.

Given the relations between cells (:mod:`fjo_analysis.disclosure.cells`) and what is
published (a value, or an interval when counts are rounded), the smallest and largest
value each unpublished cell can take are found by linear programming (HiGHS, one model
per component re-solved warm for each cell), as tau-ARGUS's audit does. Counts
are non-negative. The LP relaxation gives the outer bounds; the relations here (sums of
one table over a hierarchy or a breakdown) have integer vertices, so it is exact for them.

Protection and the audit only need to know whether a range is at least the threshold
wide, and on a sparse extract nearly every cell is suppressed: one component then holds
thousands of cells (12,500 from a 4,700-row extract), and two programmes per cell took
hours. Given ``wide_enough``, every solution found is kept as a witness (a point the
counts could be), and a cell whose witnesses already differ by ``wide_enough`` needs no
programme of its own; a few programmes over many cells at once (each cell pushed away
from its witnesses, in a random direction so that the parts of one total do not
compete) find most such witnesses first. A cell is solved exactly only when its
witnesses do not settle it: its maximum, then (unless that solution shows the range
wide) its minimum. A narrow range is always exact, so protection suppresses the same
cells as when every range was solved exactly.
"""

from __future__ import annotations

import os
import sys
from functools import cache

import highspy
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from fjo_analysis.disclosure.cells import Relations


def feasible_ranges(
    relations: Relations,
    low: np.ndarray,
    high: np.ndarray,
    targets: np.ndarray,
    wide_enough: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The smallest and largest value of each target cell.

    ``low``/``high`` bound every cell: equal for a published count, ``value +- r/2`` for a
    rounded one, ``0``/``inf`` for an unpublished one. Returns arrays aligned to
    ``targets`` (``inf`` where a cell has no upper bound). With ``wide_enough``, a range
    at least that wide may be returned as part of itself: two values the cell can take,
    at least ``wide_enough`` apart (a narrower range is always exact).
    """
    n = len(low)
    free = high > low
    lo_out = np.zeros(len(targets))
    hi_out = np.full(len(targets), np.inf)
    if relations.count == 0:
        return low[targets].astype(float), high[targets].astype(float)
    matrix = sp.csr_matrix(
        (relations.coef, (relations.row, relations.cell)), shape=(relations.count, n)
    )
    fixed_part = matrix @ np.where(free, 0.0, low)
    rhs = relations.constant - fixed_part
    varying = matrix[:, free]
    free_ids = np.flatnonzero(free)
    position = np.full(n, -1)
    position[free_ids] = np.arange(len(free_ids))
    # variables joined by a relation are in one component
    incidence = (varying != 0).astype(float)
    adjacency = (incidence.T @ incidence).tocsr()
    _, label = connected_components(adjacency, directed=False)
    row_label = np.full(relations.count, -1)
    nz_rows, nz_cols = incidence.nonzero()
    row_label[nz_rows] = label[nz_cols]
    by_component: dict[int, list[int]] = {}
    for k, target in enumerate(targets):
        if not free[target]:
            lo_out[k] = hi_out[k] = low[target]
            continue
        component = label[position[target]]
        by_component.setdefault(component, []).append(k)
    for component, ks in by_component.items():
        variables = np.flatnonzero(label == component)
        rows = np.flatnonzero(row_label == component)
        local = np.searchsorted(variables, position[targets[ks]])
        if len(rows) == 0:
            lo_out[ks], hi_out[ks] = low[targets[ks]], high[targets[ks]]
            continue
        lo_out[ks], hi_out[ks] = _solve_many(
            varying[rows][:, variables],
            rhs[rows],
            relations.upper[rows],
            low[free_ids[variables]],
            high[free_ids[variables]],
            local,
            wide_enough,
        )
    return lo_out, hi_out


#: A programme over many cells at once is worth solving while it settles at least this
#: many cells (it costs about as much as this many programmes of one cell).
BATCH_WORTH = 20
#: Differences within the solver's feasibility tolerance are not differences: a range of
#: exactly the threshold (allowed) can come out 1e-13 short of it, depending on the order
#: the programmes are solved in (14 such cells on the 4,700-row extract), and the counts
#: are integers, so a range within this of the threshold is taken as the threshold.
TOLERANCE = 1e-6


@cache
def _solver() -> highspy.Highs:
    """One HiGHS instance per process, quiet (its constructor prints a banner to the C
    stdout, which is pointed at /dev/null while it runs). Primal simplex: each programme
    changes only the objective of the last one, whose basis stays feasible for it, so the
    primal simplex starts where the last one ended (dual simplex, HiGHS's default for
    LPs, is about 18 times slower here)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            solver = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("presolve", "off")
    solver.setOptionValue("simplex_strategy", 4)  # primal
    return solver


def _solve_many(
    a, b, upper, low, high, targets, wide_enough: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Min and max of each target variable over one component: one HiGHS model, re-solved
    with a new objective per target (warm-started from the previous basis); with
    ``wide_enough``, settled by witnesses where they can (see the module docstring)."""
    model = highspy.HighsLp()
    n = a.shape[1]
    model.num_col_ = n
    model.num_row_ = a.shape[0]
    model.col_cost_ = np.zeros(n)
    model.col_lower_ = np.asarray(low, dtype=float)
    model.col_upper_ = np.where(np.isinf(high), highspy.kHighsInf, high).astype(float)
    model.row_lower_ = np.where(upper, -highspy.kHighsInf, b).astype(float)
    model.row_upper_ = np.asarray(b, dtype=float)
    matrix = sp.csc_matrix(a)
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = matrix.indptr
    model.a_matrix_.index_ = matrix.indices
    model.a_matrix_.value_ = matrix.data
    solver = _solver()
    solver.passModel(model)
    targets = np.asarray(targets, dtype=np.int64)
    if wide_enough is not None:
        witnesses = _Witnesses(solver, model, targets, wide_enough)
        if witnesses.found():
            return witnesses.settle()
    lo, hi = np.zeros(len(targets)), np.full(len(targets), np.inf)
    for k, target in enumerate(targets):
        lo[k], hi[k] = _exact_range(solver, int(target), low[target])
    return lo, hi


def _exact_range(solver: highspy.Highs, column: int, lower: float) -> tuple[float, float]:
    """The smallest and largest value of one column (``lower`` where the minimum is not
    found, ``inf`` where the maximum is unbounded), its cost reset after."""
    solver.changeColCost(column, 1.0)
    out = []
    for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
        solver.changeObjectiveSense(sense)
        solver.run()
        if solver.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            out.append(solver.getInfo().objective_function_value)
        else:
            out.append(lower if sense == highspy.ObjSense.kMinimize else np.inf)
    solver.changeColCost(column, 0.0)
    return out[0], out[1]


class _Witnesses:
    """Points the counts could be (solutions of the component's programmes), and for each
    target the smallest and largest value it takes in them: a target whose two differ by
    ``wide_enough`` has a range at least that wide, with no programme of its own."""

    def __init__(self, solver: highspy.Highs, model: highspy.HighsLp, targets, wide_enough):
        self.solver, self.targets, self.width = solver, targets, float(wide_enough)
        self.n = model.num_col_
        self.columns = np.arange(self.n, dtype=np.int32)
        self.col_lower = np.asarray(model.col_lower_, dtype=float)
        self.col_upper = np.asarray(model.col_upper_, dtype=float)
        self.least = np.full(len(targets), np.inf)
        self.most = np.full(len(targets), -np.inf)
        # deterministic, so that two builds of the same inputs solve the same programmes
        self.random = np.random.default_rng(0)

    def _run(self, cost, col_lower, col_upper) -> bool:
        """Minimise ``cost`` within the given column bounds; keep the solution as a
        witness. False when the solver found no optimal point."""
        solver = self.solver
        solver.changeColsCost(self.n, self.columns, cost)
        solver.changeColsBounds(self.n, self.columns, col_lower, col_upper)
        solver.changeObjectiveSense(highspy.ObjSense.kMinimize)
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return False
        values = np.asarray(solver.getSolution().col_value)[self.targets]
        np.minimum(self.least, values, out=self.least)
        np.maximum(self.most, values, out=self.most)
        return True

    def unsettled(self) -> np.ndarray:
        """Targets whose witnesses do not yet show a wide enough range."""
        return (self.most - self.least) < self.width - TOLERANCE

    def found(self) -> bool:
        """Look for witnesses: a first point, then programmes over all unsettled targets
        at once, each pushed up to ``least + width`` or down to ``most - width`` (a random
        half each way), while they settle enough targets to be worth it. False when the
        component has no feasible point (then every cell is solved exactly)."""
        zeros = np.zeros(self.n)
        if not self._run(zeros, self.col_lower, self.col_upper):
            return False
        if len(self.targets) < 2 * BATCH_WORTH:
            return True
        while True:
            was_unsettled = self.unsettled()
            if not was_unsettled.any():
                return True
            up = self.random.random(len(self.targets)) < 0.5
            raised, lowered = was_unsettled & up, was_unsettled & ~up
            cost, col_lower, col_upper = zeros.copy(), self.col_lower.copy(), self.col_upper.copy()
            # the caps keep every witness found so far feasible (and the programme bounded)
            cost[self.targets[raised]] = -1.0
            col_upper[self.targets[raised]] = np.minimum(
                col_upper[self.targets[raised]], self.least[raised] + self.width
            )
            cost[self.targets[lowered]] = 1.0
            col_lower[self.targets[lowered]] = np.maximum(
                col_lower[self.targets[lowered]], self.most[lowered] - self.width
            )
            if not self._run(cost, col_lower, col_upper):
                return True
            if was_unsettled.sum() - self.unsettled().sum() < BATCH_WORTH:
                return True

    def settle(self) -> tuple[np.ndarray, np.ndarray]:
        """Each target's range: from its witnesses where they differ by ``width`` (two
        values it can take), otherwise by programmes of its own (exact)."""
        solver = self.solver
        solver.changeColsCost(self.n, self.columns, np.zeros(self.n))
        solver.changeColsBounds(self.n, self.columns, self.col_lower, self.col_upper)
        lo, hi = np.zeros(len(self.targets)), np.zeros(len(self.targets))
        solved = np.zeros(len(self.targets), dtype=bool)
        for k, target in enumerate(self.targets):
            if self.is_unsettled(k):
                found = self._own_range(k, int(target))
                if found is not None:
                    lo[k], hi[k] = found
                    solved[k] = True
        wide = ~solved
        lo[wide] = self.least[wide]
        # within the solver's tolerance of ``width`` apart: reported ``width`` apart
        hi[wide] = np.maximum(self.most[wide], self.least[wide] + self.width)
        return lo, hi

    def _own_range(self, k: int, column: int) -> tuple[float, float] | None:
        """Target ``k``'s range if it is narrower than ``width`` (exact) or unbounded
        (from a witness to ``inf``); None where a witness shows it wide. Its maximum, then
        (unless that solution shows the range wide) its minimum, each solution kept as a
        witness."""
        solver = self.solver
        solver.changeColCost(column, 1.0)
        try:
            most = self._optimum(highspy.ObjSense.kMaximize)
            if most is None:
                return self.least[k], np.inf
            if not self.is_unsettled(k):
                return None
            least = self._optimum(highspy.ObjSense.kMinimize)
            return None if not self.is_unsettled(k) else (least, most)
        finally:
            solver.changeColCost(column, 0.0)

    def is_unsettled(self, k: int) -> bool:
        """Whether target ``k``'s witnesses do not yet show a wide enough range."""
        return self.most[k] - self.least[k] < self.width - TOLERANCE

    def _optimum(self, sense) -> float | None:
        """The optimum of the current objective in ``sense`` (None if it is unbounded),
        its solution kept as a witness."""
        solver = self.solver
        solver.changeObjectiveSense(sense)
        solver.run()
        status = solver.getModelStatus()
        if status == highspy.HighsModelStatus.kUnbounded:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"HiGHS could not solve a feasible range: {status}")
        values = np.asarray(solver.getSolution().col_value)[self.targets]
        np.minimum(self.least, values, out=self.least)
        np.maximum(self.most, values, out=self.most)
        return solver.getInfo().objective_function_value
