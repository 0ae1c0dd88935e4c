"""A very sparse extract (a test or single-year extract): most counts are under the
threshold, so most cells are suppressed and one linear programme joins over a thousand
of them. The statistics must still be built in reasonable time, and protected: checked
here by scipy's linprog on the published relations, not by the package's solver."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

from fjo_analysis.data.prepare import prepare
from fjo_analysis.data.synth import synthesise, write
from fjo_analysis.disclosure import MARK, Rules, ranges
from fjo_analysis.disclosure.audit import audit_store, load_relations
from fjo_analysis.figures.builder import build
from fjo_analysis.figures.tables import TABLES, row_keys

#: About 1,400 rows over four years: nearly every count is under 10, and the cells to
#: protect form one component of over a thousand. Solving two programmes for each cell
#: (as protection once did) took 45 s here, and over 20 minutes on 15 years.
SPARSE = {"seed": 7, "start_year": 2016, "end_year": 2019, "scale": 0.003}


class _CountingSolver:
    """The package's HiGHS instance, counting the programmes it solves."""

    def __init__(self, solver):
        self.solver, self.runs = solver, 0

    def run(self):
        self.runs += 1
        return self.solver.run()

    def __getattr__(self, name):
        return getattr(self.solver, name)


@pytest.fixture(scope="module")
def sparse_store(tmp_path_factory):
    """The sparse extract's statistics store, its manifest, and how many programmes
    building it solved."""
    root = tmp_path_factory.mktemp("sparse")
    extract = root / "extract.csv"
    write(synthesise(**SPARSE), extract)
    prepare(extract, root / "processed", synthetic=True)
    counting = _CountingSolver(ranges._solver())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ranges, "_solver", lambda: counting)
        manifest = build(root / "processed", root / "stats", Rules(10, 0))
    return root / "stats", manifest, counting.runs


def _bounds(stats_dir):
    """Cells, relations and what a reader knows of each cell, from the published tables:
    its value where a number is shown, else only that it is a count (0 to inf)."""
    cells = pd.read_parquet(stats_dir / "private" / "cells.parquet")
    relations = load_relations(stats_dir / "private" / "relations.npz")
    shown = {}
    for name, spec in TABLES.items():
        frame = pd.DataFrame(
            json.loads((stats_dir / "tables" / f"{name}.json").read_text(encoding="utf-8"))
        )
        key = row_keys(frame, spec.keys)
        for column in spec.counts:
            where = zip(
                [name] * len(frame), frame["area_code"], key, [column] * len(frame), strict=True
            )
            shown.update(zip(where, frame[column], strict=True))
    published = [
        None if hidden else shown[(table, area, key, column)]
        for table, area, key, column, hidden in zip(
            cells["table"],
            cells["area_code"],
            cells["key"],
            cells["column"],
            cells["hidden"],
            strict=True,
        )
    ]
    known = np.array([v is not None and v != MARK for v in published])
    value = np.array([float(v) if k else 0.0 for v, k in zip(published, known, strict=True)])
    low = np.where(known, value, 0.0)
    high = np.where(known, value, np.inf)
    return cells, relations, known, low, high


def _linear_range(relations, low, high, target) -> tuple[float, float]:
    """Smallest and largest value of one cell given the relations and bounds (scipy)."""
    a = sp.csr_matrix(
        (relations.coef, (relations.row, relations.cell)), shape=(relations.count, len(low))
    )
    up, eq = relations.upper, ~relations.upper
    c = np.zeros(len(low))
    c[target] = 1.0
    bounds = np.column_stack([low, np.where(np.isinf(high), np.nan, high)])
    ends = []
    for sign in (1.0, -1.0):
        result = linprog(
            sign * c,
            A_ub=a[up],
            b_ub=relations.constant[up],
            A_eq=a[eq],
            b_eq=relations.constant[eq],
            bounds=[(lo, None if np.isnan(hi) else hi) for lo, hi in bounds],
        )
        assert result.status in (0, 3), result.message  # optimal, or unbounded
        ends.append(sign * result.fun if result.status == 0 else np.inf)
    return ends[0], ends[1]


def test_a_sparse_extract_is_protected_in_reasonable_time(sparse_store):
    """Fewer programmes than there are cells to protect (each solved alone takes two),
    and the release audit passes."""
    stats_dir, manifest, runs = sparse_store
    cells = pd.read_parquet(stats_dir / "private" / "cells.parquet")
    protected = cells["suppressed"] | (cells["hidden"] & (cells["value"] < 10))
    assert manifest["primary"] > manifest["cells"] / 2  # sparse indeed
    assert protected.sum() > 1000
    assert runs < protected.sum(), (runs, manifest["seconds"])
    findings, checked = audit_store(stats_dir, Rules(10, 0))
    assert findings == []
    assert checked["suppressed"] == manifest["suppressed"]


def test_no_suppressed_count_of_a_sparse_extract_can_be_narrowed(sparse_store):
    """scipy's linprog, on what the tables publish, for 100 suppressed cells drawn at
    random, 40 secondary cells and 40 hidden counts under 10: each range is at least 10
    wide."""
    stats_dir, manifest, _ = sparse_store
    cells, relations, known, low, high = _bounds(stats_dir)
    hidden = cells["hidden"].to_numpy()
    value = cells["value"].to_numpy()
    # the tables show [c] exactly where the private log says suppressed
    assert (~known[~hidden] == cells["suppressed"].to_numpy()[~hidden]).all()
    assert ((low <= value) & (value <= high)).all()  # the truth is feasible
    suppressed = np.flatnonzero(cells["suppressed"].to_numpy())
    secondary = np.flatnonzero(cells["reason"].to_numpy() == "secondary")
    rng = np.random.default_rng(0)
    targets = np.unique(
        np.r_[
            rng.choice(suppressed, size=min(100, len(suppressed)), replace=False),
            secondary[:40],
            np.flatnonzero(hidden & (value < 10))[:40],
        ]
    )
    for target in targets:
        lo, hi = _linear_range(relations, low, high, target)
        assert hi - lo >= 10 - 1e-6, (cells.iloc[target].to_dict(), lo, hi)


def test_the_sparse_audit_still_finds_a_revealed_count(sparse_store, tmp_path):
    """The check is not vacuous: publishing the secondary cells' true values lets a
    reader narrow a suppressed count, and the audit (and linprog) say so."""
    stats_dir, _, _ = sparse_store
    copy = tmp_path / "stats"
    shutil.copytree(stats_dir, copy)
    cells = pd.read_parquet(copy / "private" / "cells.parquet")
    chosen = cells[(cells["reason"] == "secondary") & ~cells["hidden"]]
    assert len(chosen) > 0
    for name, group in chosen.groupby("table"):
        spec = TABLES[name]
        path = copy / "tables" / f"{name}.json"
        records = json.loads(path.read_text(encoding="utf-8"))
        truth = {(c.area_code, c.key, c.column): int(c.value) for c in group.itertuples()}
        for record in records:
            key = "|".join(str(record[k]) for k in spec.keys)
            for column in spec.counts:
                if (record["area_code"], key, column) in truth:
                    record[column] = truth[(record["area_code"], key, column)]
        path.write_text(json.dumps(records), encoding="utf-8")
    findings, _ = audit_store(copy, Rules(10, 0))
    narrowed = [f for f in findings if "narrow it to" in f.what]
    assert narrowed
    cells, relations, _, low, high = _bounds(copy)
    first = narrowed[0].where.split()
    where = cells[
        (cells["table"] == first[0])
        & (cells["area_code"] == first[1])
        & (cells["column"] == first[-1])
        & (cells["key"].replace("", "-") == " ".join(first[2:-1]))
    ]
    assert len(where) == 1
    lo, hi = _linear_range(relations, low, high, where.index[0])
    assert hi - lo < 10
