"""Feasible ranges of unpublished cells: what a reader can learn by linear programming.

Given the relations between cells (:mod:`fjo_analysis.disclosure.cells`) and what is
published (a value, or an interval when counts are rounded), the smallest and largest
value each unpublished cell can take are found by linear programming (HiGHS through
``scipy.optimize.linprog``), component by component, as tau-ARGUS's audit does. Counts
are non-negative. The LP relaxation gives the outer bounds; the relations here (sums of
one table over a hierarchy or a breakdown) have integer vertices, so it is exact for them.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

from fjo_analysis.disclosure.cells import Relations


def feasible_ranges(
    relations: Relations,
    low: np.ndarray,
    high: np.ndarray,
    targets: np.ndarray,
    only_near: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The smallest and largest value of each target cell.

    ``low``/``high`` bound every cell: equal for a published count, ``value +- r/2`` for a
    rounded one, ``0``/``inf`` for an unpublished one. Returns arrays aligned to
    ``targets`` (``inf`` where a cell has no upper bound). With ``only_near`` (cell ids),
    targets outside the components of those cells are skipped (returned as NaN).
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
    near = None
    if only_near is not None:
        near = set(label[position[only_near[free[only_near]]]].tolist())
    for k, target in enumerate(targets):
        if near is not None and free[target] and label[position[target]] not in near:
            lo_out[k] = hi_out[k] = np.nan
            continue
        if not free[target]:
            lo_out[k] = hi_out[k] = low[target]
            continue
        component = label[position[target]]
        variables = np.flatnonzero(label == component)
        rows = np.flatnonzero(row_label == component)
        if len(rows) == 0:
            lo_out[k], hi_out[k] = low[target], high[target]
            continue
        lo_out[k], hi_out[k] = _solve(
            varying[rows][:, variables],
            rhs[rows],
            relations.upper[rows],
            low[free_ids[variables]],
            high[free_ids[variables]],
            int(np.flatnonzero(variables == position[target])[0]),
        )
    return lo_out, hi_out


def _solve(a, b, upper, low, high, target) -> tuple[float, float]:
    eq, ub = ~upper, upper
    bounds = list(zip(low, np.where(np.isinf(high), None, high), strict=True))
    kwargs = {
        "A_eq": a[eq] if eq.any() else None,
        "b_eq": b[eq] if eq.any() else None,
        "A_ub": a[ub] if ub.any() else None,
        "b_ub": b[ub] if ub.any() else None,
        "bounds": bounds,
        "method": "highs",
    }
    c = np.zeros(a.shape[1])
    c[target] = 1.0
    smallest = linprog(c, **kwargs)
    largest = linprog(-c, **kwargs)
    lo = smallest.fun if smallest.status == 0 else low[target]
    hi = -largest.fun if largest.status == 0 else np.inf
    return float(lo), float(hi)
