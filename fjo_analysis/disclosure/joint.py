"""Joint protection of the whole release: primary and secondary suppression, once.

Primary: every published count under the threshold is suppressed. Secondary: every
suppressed count, and every hidden count under the threshold, must keep a feasible range
(:func:`~fjo_analysis.disclosure.ranges.feasible_ranges`) at least as wide as the
threshold, given everything published and every relation a reader could use; while one
does not, the smallest published count that shares a relation with it is suppressed too
(small cells carry the least information), and the affected part is solved again.
Because each figure is a single cell of the store, its suppression is the same wherever
it appears.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from fjo_analysis.disclosure import DisclosureError, Rules
from fjo_analysis.disclosure.cells import Relations
from fjo_analysis.disclosure.ranges import feasible_ranges


def rounded(values: np.ndarray, round_to: int) -> np.ndarray:
    """Counts rounded half up to the nearest ``round_to`` (unchanged when it is 0 or 1)."""
    if round_to <= 1:
        return values
    return np.floor(values / round_to + 0.5) * round_to


def published_bounds(
    shown: np.ndarray, suppressed: np.ndarray, hidden: np.ndarray, round_to: int
) -> tuple[np.ndarray, np.ndarray]:
    """What a reader knows of each cell: the published value (an interval when rounded),
    or only that it is a count (``0`` to ``inf``) where it is suppressed or never shown."""
    unknown = suppressed | hidden
    low = np.where(unknown, 0.0, shown)
    high = np.where(unknown, np.inf, shown)
    if round_to > 1:
        low = np.where(unknown, low, np.maximum(np.ceil(shown - round_to / 2), 0.0))
        high = np.where(unknown, high, np.ceil(shown + round_to / 2) - 1)
    return low, high


@dataclass
class Protection:
    """Which cells are suppressed, and why (the private log)."""

    suppressed: np.ndarray
    primary: np.ndarray
    rounds: int

    def reasons(self) -> np.ndarray:
        return np.where(self.primary, "primary", np.where(self.suppressed, "secondary", ""))


def protect(cells: pd.DataFrame, relations: Relations, rules: Rules) -> Protection:
    """Suppress cells until every protected cell's feasible range is wide enough."""
    value = cells["value"].to_numpy(dtype=float)
    hidden = cells["hidden"].to_numpy(dtype=bool)
    shown = rounded(value, rules.round_to)
    sensitive = value < rules.threshold
    primary = ~hidden & sensitive
    suppressed = primary.copy()
    matrix = sp.csr_matrix(
        (np.ones_like(relations.coef), (relations.row, relations.cell)),
        shape=(relations.count, len(cells)),
    )
    by_cell = matrix.T.tocsr()
    if rules.round_to <= 1:
        _singletons(matrix, relations.upper, value, suppressed, hidden, sensitive)
    # Suppressing a cell only widens what a reader can narrow (its bounds go from its
    # value to 0..inf), so a range found wide enough stays so: each round solves only the
    # cells found narrow and the cells just suppressed.
    rounds, pending = 0, np.flatnonzero(suppressed | (hidden & sensitive))
    while True:
        rounds += 1
        low, high = published_bounds(shown, suppressed, hidden, rules.round_to)
        lo, hi = feasible_ranges(relations, low, high, pending, wide_enough=rules.threshold)
        narrow = pending[(hi - lo) < rules.threshold]
        if len(narrow) == 0:
            return Protection(suppressed, primary, rounds)
        added, touched, stuck = [], set(), []
        for target in narrow:
            rows = by_cell[target].indices
            if touched.intersection(rows.tolist()):
                continue  # a cell suppressed this round may already protect it
            partner = _partner(target, rows, matrix, by_cell, value, suppressed | hidden)
            if partner is None:
                stuck.append(target)  # solved again next round, with this round's additions
                continue
            suppressed[partner] = True
            added.append(partner)
            touched.update(by_cell[partner].indices.tolist())
        if not added:
            where = cells.iloc[stuck[0]]
            raise DisclosureError(
                f"cannot protect {where['table']} {where['area_code']} {where['key']} "
                f"{where['column']}: every related cell is already unpublished"
            )
        pending = np.unique(np.r_[added, narrow]).astype(np.int64)


def _singletons(matrix, upper, value, suppressed, hidden, sensitive) -> None:
    """Suppress, in place, until no equality relation has exactly one unpublished cell
    that must be protected: the smallest published cell of such a relation is suppressed
    too. Without rounding, such a cell would be recovered exactly, so this is what the
    linear programmes would ask for, one relation at a time; done first, without them, it
    leaves them only the cases a single relation does not show."""
    equality = np.flatnonzero(~upper)
    rows = matrix[equality].tocsr()
    while True:
        unknown = suppressed | hidden
        protect = suppressed | (hidden & sensitive)
        alone = equality[np.flatnonzero((rows @ unknown.astype(float)) == 1)]
        added = False
        for r in alone:
            members = matrix[r].indices
            lone = members[unknown[members]]
            published = members[~unknown[members]]
            if len(lone) != 1 or not protect[lone[0]] or published.size == 0:
                continue  # changed earlier in this pass, or nothing left to suppress
            partner = min(published.tolist(), key=lambda c: (value[c], c))
            suppressed[partner] = unknown[partner] = True
            added = True
        if not added:
            return


def _partner(target, rows, matrix, by_cell, value, unknown, hops: int = 1) -> int | None:
    """The smallest published cell within ``hops`` relations of ``target`` (a step through
    an unpublished cell counts as one hop), widening the search until one is found."""
    seen_rows, frontier = set(), list(rows)
    seen_cells = {int(target)}
    candidates: list[int] = []
    depth = 0
    while frontier:
        depth += 1
        next_rows = []
        for r in frontier:
            if r in seen_rows:
                continue
            seen_rows.add(r)
            for c in matrix[r].indices:
                if c in seen_cells:
                    continue
                seen_cells.add(int(c))
                if unknown[c]:
                    next_rows.extend(by_cell[c].indices.tolist())
                else:
                    candidates.append(int(c))
        if candidates and depth >= hops:
            break
        frontier = next_rows
    return min(candidates, key=lambda c: (value[c], c)) if candidates else None
