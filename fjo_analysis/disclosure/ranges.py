"""Feasible ranges of unpublished cells: what a reader can learn by linear programming.

Given the relations between cells (:mod:`fjo_analysis.disclosure.cells`) and what is
published (a value, or an interval when counts are rounded), the smallest and largest
value each unpublished cell can take are found by linear programming (HiGHS, one model
per component re-solved warm for each cell), as tau-ARGUS's audit does. Counts
are non-negative. The LP relaxation gives the outer bounds; the relations here (sums of
one table over a hierarchy or a breakdown) have integer vertices, so it is exact for them.
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
) -> tuple[np.ndarray, np.ndarray]:
    """The smallest and largest value of each target cell.

    ``low``/``high`` bound every cell: equal for a published count, ``value +- r/2`` for a
    rounded one, ``0``/``inf`` for an unpublished one. Returns arrays aligned to
    ``targets`` (``inf`` where a cell has no upper bound).
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
        )
    return lo_out, hi_out


@cache
def _solver() -> highspy.Highs:
    """One HiGHS instance per process, quiet (its constructor prints a banner to the C
    stdout, which is pointed at /dev/null while it runs)."""
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
    return solver


def _solve_many(a, b, upper, low, high, targets) -> tuple[np.ndarray, np.ndarray]:
    """Min and max of each target variable over one component: one HiGHS model, re-solved
    with a new objective per target (warm-started from the previous basis)."""
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
    lo, hi = np.zeros(len(targets)), np.full(len(targets), np.inf)
    previous = None
    for k, target in enumerate(targets):
        if previous is not None:
            solver.changeColCost(previous, 0.0)
        solver.changeColCost(int(target), 1.0)
        previous = int(target)
        for sense, out in ((highspy.ObjSense.kMinimize, lo), (highspy.ObjSense.kMaximize, hi)):
            solver.changeObjectiveSense(sense)
            solver.run()
            status = solver.getModelStatus()
            if status == highspy.HighsModelStatus.kOptimal:
                out[k] = solver.getInfo().objective_function_value
            elif sense == highspy.ObjSense.kMinimize:
                out[k] = low[target]
            else:
                out[k] = np.inf
    return lo, hi
