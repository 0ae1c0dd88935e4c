"""The suite as make builds it: notebooks, params, the make graph, failures, the index."""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from fjo_analysis.build import area_params, areas, topics
from fjo_analysis.errors import BriefingError
from tests.conftest import ROOT, project_copy

VENV = Path(sys.prefix)


def test_notebooks_are_stored_without_outputs_and_have_one_parameters_cell():
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), path.name
        tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        assert {"title", "question"} <= set(nb.metadata["fjo"]), path.name


def test_eleven_areas_and_six_topics():
    assert len(areas(ROOT)) == 11 and len(topics(ROOT)) == 6
    codes = {area_params(slug, ROOT).code for slug in areas(ROOT)}
    assert len(codes) == 11


def _make(root, *args, env=None):
    return subprocess.run(
        ["make", "-C", str(root), f"VENV={VENV}", "STAMP=", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def made(tmp_path):
    """A project copy whose every target looks up to date (outputs newer than inputs)."""
    root = project_copy(tmp_path / "root")
    (root / "data" / "processed").mkdir(parents=True)
    (root / "data" / "raw").mkdir()
    for name in ("data/raw/synthetic_extract.parquet", "data/processed/manifest.json"):
        (root / name).touch()
    old = time.time() - 100
    for path in [*(root / "notebooks").iterdir(), *(root / "params").iterdir()]:
        os.utime(path, (old, old))
    outputs = [
        root / "reports" / a / f"{t}.{s}"
        for a in areas(root)
        for t in topics(root)
        for s in ("html", "pdf", "xlsx")
    ] + [root / "reports" / "index.html"]
    for path in outputs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    return root


def _planned(result) -> set[str]:
    return {
        line.split("--area ")[1].replace(" --topic ", "/")
        for line in result.stdout.splitlines()
        if "fjo build" in line
    }


def test_second_make_does_nothing(made):
    assert _make(made, "-q", "reports").returncode == 0


def test_touching_one_params_file_rebuilds_only_that_area(made):
    (made / "params" / "london.yaml").touch()
    planned = _planned(_make(made, "-n", "reports"))
    assert planned == {f"london/{t}" for t in topics(made)}


def test_touching_one_notebook_rebuilds_only_that_topic(made):
    (made / "notebooks" / "infants.ipynb").touch()
    planned = _planned(_make(made, "-n", "reports"))
    assert planned == {f"{a}/infants" for a in areas(made)}


def test_changing_the_data_rebuilds_everything(made):
    (made / "data" / "processed" / "manifest.json").touch()
    assert len(_planned(_make(made, "-n", "reports"))) == 66


def test_a_failing_notebook_fails_only_its_own_briefing(tmp_path, project):
    root = tmp_path / "root"
    root.mkdir()
    (root / "params").mkdir()
    shutil.copy(ROOT / "params" / "wales.yaml", root / "params")
    (root / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "outcomes.ipynb", root / "notebooks")
    broken = nbformat.read(ROOT / "notebooks" / "outcomes.ipynb", as_version=4)
    broken.cells.insert(3, nbformat.v4.new_code_cell("raise RuntimeError('planted failure')"))
    nbformat.write(broken, root / "notebooks" / "broken.ipynb")
    shutil.copy(ROOT / "Makefile", root)
    (root / "fjo_analysis").symlink_to(ROOT / "fjo_analysis")
    shutil.copytree(project.processed_dir, root / "data" / "processed")
    result = _make(root, "-j2", "reports", env={"FJO_ROOT": str(root)})  # no -k: the default
    assert result.returncode != 0
    assert (
        "wales/broken: cell" in result.stderr and "RuntimeError: planted failure" in result.stderr
    )
    assert (root / "reports" / "wales" / "outcomes.pdf").exists()
    assert not list((root / "reports" / "wales").glob("broken*"))
    assert (root / "build" / "executed" / "wales" / "broken.ipynb").exists()


def test_index_lists_every_briefing_with_links_sizes_and_headlines(suite):
    soup = BeautifulSoup((suite.reports_dir / "index.html").read_text(), "html.parser")
    links = {a["href"] for a in soup.find_all("a")}
    for area in ("london", "wales"):
        for topic in topics(suite.root):
            for suffix in ("html", "pdf", "xlsx"):
                assert f"{area}/{topic}.{suffix}" in links
    assert "KB)" in soup.get_text()
    first = (
        BeautifulSoup((suite.reports_dir / "wales" / "infants.html").read_text(), "html.parser")
        .find("section", class_="findings")
        .li.get_text()
    )
    assert first in soup.get_text()
    assert "Briefings not built" in soup.get_text()  # the other nine areas were not built here


def test_disclosure_log_published_without_values(suite):
    logs = [json.loads(p.read_text()) for p in suite.reports_dir.rglob("*.disclosure.json")]
    assert any(log["suppressed"] for log in logs)
    for log in logs:
        assert all("value" not in entry for entry in log["suppressed"])
    private = json.loads((suite.build_dir / "disclosure" / "wales" / "outcomes.json").read_text())
    assert any("value" in e for part in private for e in part["entries"])


@pytest.mark.parametrize(
    "text,message",
    [("name: X\n", "missing key(s) ['code']"), ("code: E99\nname: X\n", "unknown area code 'E99'")],
)
def test_a_bad_params_file_is_named_in_the_error(tmp_path, text, message):
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "bad.yaml").write_text(text)
    with pytest.raises(BriefingError, match=r"params/bad\.yaml: .*" + re.escape(message)):
        area_params("bad", tmp_path)
