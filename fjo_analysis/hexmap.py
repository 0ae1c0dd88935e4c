"""A hex map layout of the 175 local authorities of England and Wales (April 2024).

No published hex map has the 2024 upper-tier authorities of both countries, so the layout
is derived, reproducibly, from Open Innovations' hex map of the 318 districts of April 2023
(MIT licence) and the ONS district to upper-tier lookup (docs/hexmap.md):

1. each authority's centroid is the mean of its districts' hexagon centres;
2. the plane is shrunk about its centre by sqrt(175 / 318), so 175 cells fill about the
   area 318 did;
3. the centroids are relaxed as in a Dorling cartogram with equal circles: authorities
   closer than one cell push apart, and authorities whose districts touch pull together
   while more than one cell apart (:data:`RELAX_STEPS` steps);
4. each authority gets its own hexagon by a minimum-cost assignment (squared distance from
   the relaxed centroid to the cell centre, ``scipy.optimize.linear_sum_assignment``).

Step 3 is what keeps neighbours near: assigning the shrunk centroids directly lets the 33
London boroughs (one district each) crowd out the counties around them (see
:func:`adjacency_kept` and docs/hexmap.md). ``make hexmap`` (``fjo hexmap``) writes the
layout to ``reference/hexmap_la_2024.csv``; a test checks the shipped file is what
:func:`layout_csv` derives.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from fjo_analysis.geography import GEOGRAPHY_DATE, code_changes, local_authorities, read_reference
from fjo_analysis.i18n import N_
from fjo_analysis.settings import REFERENCE_DIR

DISTRICTS_FILE = "hexmap_lad2023_odileeds.csv"
LOOKUP_FILE = "ons_ltla23_to_utla23_ew.csv"
LAYOUT_FILE = "hexmap_la_2024.csv"
LOOKUP_DATE = pd.Timestamp("2023-04-01")
RELAX_STEPS = 300
PULL = 0.1  # the share of a touching pair's excess distance closed in a step
ROW_HEIGHT = np.sqrt(3) / 2  # between rows of hexagons one unit apart
ATTRIBUTION = N_(
    "Hex map layout derived from Open Innovations' hex map of local authority districts "
    "(odileeds/hexmaps, MIT licence)"
)


def centres(q, r) -> np.ndarray:
    """Centres (x, y) of odd-r hexagons (odd rows shifted half a cell east), one unit apart."""
    q, r = np.asarray(q), np.asarray(r)
    return np.column_stack([q + 0.5 * (r & 1), r * ROW_HEIGHT])


def hex_distance(a, b) -> np.ndarray:
    """Steps between odd-r cells ``a`` and ``b`` (arrays whose last axis is (q, r);
    broadcast against each other)."""
    a, b = np.asarray(a), np.asarray(b)
    dx = (a[..., 0] - (a[..., 1] - (a[..., 1] & 1)) // 2) - (
        b[..., 0] - (b[..., 1] - (b[..., 1] & 1)) // 2
    )
    dz = a[..., 1] - b[..., 1]
    return np.maximum.reduce([np.abs(dx), np.abs(dz), np.abs(dx + dz)])


def districts() -> pd.DataFrame:
    """The district hexagons of England and Wales with their 2024 authority (``la_code``).

    Refuses to derive a layout if the lookup's authorities are not the 2024 ones, or an
    authority's code changed between the lookup's date and April 2024."""
    lookup = read_reference(LOOKUP_FILE, dtype=str)
    las = set(local_authorities()["la_code"])
    if set(lookup["UTLA23CD"]) != las:
        raise ValueError(
            f"{LOOKUP_FILE} does not hold the 2024 authorities: "
            f"{sorted(set(lookup['UTLA23CD']) ^ las)}"
        )
    changes = code_changes()
    between = changes[
        (changes["effective_date"] > LOOKUP_DATE) & (changes["effective_date"] <= GEOGRAPHY_DATE)
    ]
    if not between.empty:
        raise ValueError(f"authorities changed after the lookup: {sorted(between['old_code'])}")
    hexes = read_reference(DISTRICTS_FILE, dtype={"code": str, "q": int, "r": int})
    found = lookup.merge(hexes, left_on="LTLA23CD", right_on="code", how="left")
    if found["q"].isna().any():
        raise ValueError(
            f"districts without a hexagon: {list(found.loc[found['q'].isna(), 'code'])}"
        )
    return found.rename(columns={"UTLA23CD": "la_code"})[["code", "la_code", "q", "r"]]


def touching(found: pd.DataFrame) -> pd.DataFrame:
    """Pairs of authorities (``a`` < ``b``) with districts in neighbouring hexagons."""
    cells = found[["q", "r"]].to_numpy()
    i, j = np.nonzero(hex_distance(cells[:, None], cells[None]) == 1)
    codes = found["la_code"].to_numpy()
    pairs = {tuple(sorted(p)) for p in zip(codes[i], codes[j], strict=True) if p[0] != p[1]}
    return pd.DataFrame(sorted(pairs), columns=["a", "b"])


def _relax(points: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Dorling-style relaxation: overlaps (closer than 1) push apart, touching pairs further
    than 1 apart pull together."""
    i, j = pairs[:, 0], pairs[:, 1]
    for _ in range(RELAX_STEPS):
        diff = points[:, None] - points[None]
        dist = np.linalg.norm(diff, axis=2)
        np.fill_diagonal(dist, np.inf)
        push = (diff / dist[..., None] * np.clip(1 - dist, 0, None)[..., None]).sum(1) / 2
        gap = points[j] - points[i]
        length = np.linalg.norm(gap, axis=1)
        pull = (PULL * np.clip(length - 1, 0, None) / length)[:, None] * gap
        np.add.at(push, i, pull)
        np.add.at(push, j, -pull)
        points = points + push / 2
    return points


def derive_layout() -> pd.DataFrame:
    """One odd-r cell (``q``, ``r``) for each 2024 authority, in the district map's plane."""
    found = districts()
    codes = sorted(found["la_code"].unique())
    index = {c: k for k, c in enumerate(codes)}
    xy = centres(found["q"], found["r"])
    member = found["la_code"].map(index).to_numpy()
    centroid = np.array([xy[member == k].mean(axis=0) for k in range(len(codes))])
    middle = centroid.mean(axis=0)
    points = middle + (centroid - middle) * np.sqrt(len(codes) / len(found))
    pairs = touching(found).map(index.get).to_numpy()
    points = _relax(points, pairs)
    low, high = np.floor(points.min(axis=0)) - 2, np.ceil(points.max(axis=0)) + 2
    q, r = np.meshgrid(
        np.arange(low[0], high[0] + 1, dtype=int),
        np.arange(np.floor(low[1] / ROW_HEIGHT), np.ceil(high[1] / ROW_HEIGHT) + 1, dtype=int),
    )
    q, r = q.ravel(), r.ravel()
    cost = ((points[:, None] - centres(q, r)[None]) ** 2).sum(axis=2)
    _, cells = linear_sum_assignment(cost)  # one cell per authority, in row order
    names = local_authorities().set_index("la_code")["la_name"]
    return pd.DataFrame(
        {
            "la_code": codes,
            "la_name": names.loc[codes].to_numpy(),
            "q": q[cells],
            "r": r[cells],
        }
    )


def adjacency_kept(cells: pd.DataFrame) -> dict[int, float]:
    """Of the pairs of authorities that touch in the district map, the share within 1 and
    within 2 cells of each other in ``cells`` (columns ``la_code``, ``q``, ``r``)."""
    pairs = touching(districts())
    where = cells.set_index("la_code")[["q", "r"]]
    steps = hex_distance(where.loc[pairs["a"]].to_numpy(), where.loc[pairs["b"]].to_numpy())
    return {n: float(np.mean(steps <= n)) for n in (1, 2)}


def layout_csv() -> str:
    """The layout file: provenance header lines, then the derived layout as CSV."""
    layout_ = derive_layout()
    kept = adjacency_kept(layout_)
    header = [
        "Hex map layout of the 175 children's-services (upper-tier) local authorities of "
        "England and Wales, April 2024: one hexagon each, odd-r offset coordinates (q, r; "
        "r increases northwards), in the plane of the district map it is derived from.",
        f"Derived by fjo_analysis.hexmap.derive_layout() (make hexmap; docs/hexmap.md) from "
        f"Open Innovations' hex map of the 318 districts of April 2023 ({DISTRICTS_FILE}, "
        f"odileeds/hexmaps) and the ONS district to upper-tier lookup ({LOOKUP_FILE}): "
        "district centroids, shrunk, relaxed as a Dorling cartogram and assigned one to a "
        f"cell at the least total squared distance. Of the {len(touching(districts()))} pairs of "
        f"authorities that touch in the district map, {kept[1]:.0%} are neighbours here and "
        f"{kept[2]:.0%} within two cells.",
        "Licence: MIT (the district map: Copyright (c) 2017- Open Innovations; notice in "
        f"{DISTRICTS_FILE}); authority codes and names ONS, Open Government Licence v3.0.",
    ]
    buffer = io.StringIO()
    layout_.to_csv(buffer, index=False, lineterminator="\n")
    return "".join(f"# {line}\n" for line in header) + buffer.getvalue()


def write_layout(path: Path = REFERENCE_DIR / LAYOUT_FILE) -> Path:
    """Derive the layout and write it (``fjo hexmap``)."""
    path.write_text(layout_csv(), encoding="utf-8")
    return path


@cache
def layout() -> pd.DataFrame:
    """The shipped layout: ``la_code``, ``la_name``, ``q``, ``r`` of every 2024 authority."""
    return read_reference(LAYOUT_FILE, dtype={"la_code": str, "q": int, "r": int})
