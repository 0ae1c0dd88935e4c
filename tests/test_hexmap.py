"""The hex map of the 2024 authorities: its derived layout, its drawing, and the profile map."""

from __future__ import annotations

import numpy as np
import pytest

from fjo_analysis import hexmap
from fjo_analysis.geography import local_areas
from fjo_analysis.settings import REFERENCE_DIR


def test_the_layout_has_one_cell_for_each_2024_authority():
    cells = hexmap.layout()
    codes = {c for c, a in local_areas().items() if a.level == "la"}
    assert len(cells) == 175 and set(cells["la_code"]) == codes
    assert not cells.duplicated(["q", "r"]).any()


def test_the_shipped_layout_is_what_the_derivation_gives():
    shipped = (REFERENCE_DIR / hexmap.LAYOUT_FILE).read_text(encoding="utf-8")
    assert shipped == hexmap.layout_csv()
    assert shipped.startswith("# ") and "Open Innovations" in shipped and "MIT" in shipped


def test_neighbours_stay_near():
    """Measured: 71.1% of touching pairs are neighbours, 95.6% within two cells (assigning
    the shrunk centroids without the relaxation keeps 67.8% and 90.1%)."""
    kept = hexmap.adjacency_kept(hexmap.layout())
    assert kept[1] >= 0.70 and kept[2] >= 0.95


def test_touching_pairs_by_hand():
    """Districts in neighbouring hexagons make their authorities touch; an authority's own
    districts do not pair with each other, and islands touch nothing."""
    found = hexmap.districts()
    pairs = hexmap.touching(found)
    as_set = set(zip(pairs["a"], pairs["b"], strict=True))
    assert ("E06000001", "E06000004") in as_set  # Hartlepool, Stockton-on-Tees
    assert ("E09000007", "E09000033") in as_set  # Camden, Westminster
    assert not (pairs["a"] == pairs["b"]).any() and (pairs["a"] < pairs["b"]).all()
    assert "E06000053" not in set(pairs["a"]) | set(pairs["b"])  # Isles of Scilly
    assert len(found) == 318 and found["la_code"].nunique() == 175


@pytest.mark.parametrize(
    ("a", "b", "steps"),
    [
        ((0, 0), (1, 0), 1),
        ((0, 0), (0, 1), 1),
        ((0, 0), (-1, 1), 1),
        ((0, 0), (1, 1), 2),
        ((0, 1), (1, 2), 1),
        ((0, 1), (1, 0), 1),
        ((0, 0), (3, 4), 5),
        ((2, -3), (2, -3), 0),
    ],
)
def test_hex_distance_matches_the_centres(a, b, steps):
    """Odd-r steps agree with geometry: neighbours are exactly one unit apart."""
    assert hexmap.hex_distance(np.array(a), np.array(b)) == steps
    gap = np.linalg.norm(np.subtract(*hexmap.centres([a[0], b[0]], [a[1], b[1]])))
    assert (gap == pytest.approx(1)) == (steps == 1)


def test_a_lookup_without_the_2024_authorities_is_refused(monkeypatch):
    real = hexmap.read_reference

    def dropped(name, **kwargs):
        frame = real(name, **kwargs)
        return frame[frame["UTLA23CD"] != "E06000001"] if name == hexmap.LOOKUP_FILE else frame

    monkeypatch.setattr(hexmap, "read_reference", dropped)
    with pytest.raises(ValueError, match="E06000001"):
        hexmap.districts()
