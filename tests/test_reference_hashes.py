"""Outputs are byte-identical to the stored reference build (tests/reference_hashes.json).

A change meant to change outputs regenerates the list in the same commit, with one
command: ``make reference-hashes`` (``fjo hashes --write tests/reference_hashes.json``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fjo_analysis.hashes import AREAS, reference_build

ROOT = Path(__file__).resolve().parent.parent
STORED = ROOT / "tests" / "reference_hashes.json"


@pytest.mark.slow
def test_outputs_are_byte_identical_to_the_reference_build(tmp_path):
    stored = json.loads(STORED.read_text(encoding="utf-8"))
    built = reference_build(ROOT, tmp_path)
    assert sorted(built) == sorted(stored), "the reference set changed: make reference-hashes"
    changed = sorted(name for name in stored if built[name] != stored[name])
    assert not changed, (
        f"{len(changed)} output(s) differ from the reference build: {changed}; if the change "
        "is meant, run `make reference-hashes` and commit tests/reference_hashes.json"
    )


def test_the_reference_set_covers_every_format_of_two_areas_and_the_figures():
    stored = json.loads(STORED.read_text(encoding="utf-8"))
    notebooks = (ROOT / "notebooks").glob("*.ipynb")
    topics = sorted(p.stem for p in notebooks if p.stem != "profile")  # profiles: not topics
    expected = {"build/stats/figures.csv"} | {
        f"reports/{a}/{t}.{s}"
        for a in AREAS
        for t in topics
        for s in ("html", "pdf", "xlsx", "disclosure.json")
    }
    assert set(stored) == expected
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in stored.values())
