"""The Quarto path: every notebook meets Quarto's conventions for a parameterised Jupyter
document, so `quarto render notebooks/<topic>.ipynb -P area:<code>` renders it with the
parameters `fjo build` gives papermill; our own renderer ignores the front matter."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import nbformat
import pytest
import yaml

from fjo_analysis.geography import area
from tests.make_helpers import make, mini_project

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: What fjo build passes (build.execute), so what Quarto's -P may set.
PARAMETERS = {"area", "area_notes", "stats_dir", "suppress_below", "round_to", "lang"}


def front_matter(nb) -> dict:
    first = nb.cells[0]
    assert first.cell_type == "raw", "the first cell is the front matter (a raw cell)"
    lines = first.source.strip().splitlines()
    assert lines[0] == "---" and lines[-1] == "---"
    return yaml.safe_load("\n".join(lines[1:-1]))


def test_the_project_runs_notebooks_from_its_root():
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text())
    assert config["project"]["execute-dir"] == "project"  # stats_dir is project-relative
    assert config["execute"]["enabled"] is True  # Quarto runs an .ipynb only when asked
    assert config["format"]["html"]["embed-resources"] is True  # no CDN


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_front_matter_names_the_title_and_the_kernel(path):
    nb = nbformat.read(path, as_version=4)
    matter = front_matter(nb)
    assert matter == {"title": nb.metadata["fjo"]["title"], "jupyter": "python3"}
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_one_parameters_cell_of_plain_literal_assignments(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is code[0], "the first code cell, tagged parameters"
    values = {}
    for statement in ast.parse(tagged[0].source).body:
        assert isinstance(statement, ast.Assign), ast.dump(statement)
        (target,) = statement.targets
        assert isinstance(target, ast.Name)
        values[target.id] = ast.literal_eval(statement.value)  # a literal, nothing computed
    assert set(values) == PARAMETERS
    area(values["area"])  # a GSS code, as -P area:<code> gives
    assert isinstance(values["suppress_below"], int) and isinstance(values["round_to"], int)
    assert not os.path.isabs(values["stats_dir"])  # from the project root (execute-dir)


def test_our_renderer_leaves_the_front_matter_out(suite):
    executed = nbformat.read(suite.build_dir / "executed" / "wales" / "infants.ipynb", 4)
    assert executed.cells[0].cell_type == "raw"  # papermill kept it
    html = (suite.reports_dir / "wales" / "infants.html").read_text(encoding="utf-8")
    assert "jupyter: python3" not in html and "---\ntitle" not in html


def test_make_quarto_says_clearly_that_quarto_is_not_installed(tmp_path):
    root = mini_project(tmp_path / "root")
    path = ":".join(p for p in os.environ["PATH"].split(":") if not (Path(p) / "quarto").exists())
    result = make(root, "quarto", env={"PATH": path})
    assert result.returncode != 0
    assert "Quarto is not installed, so nothing was rendered" in result.stderr
    assert not (root / "build" / "stats").exists()  # nothing built before the check
