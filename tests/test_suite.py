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
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from fjo_analysis.errors import BriefingError
from fjo_analysis.i18n import PROFILES, about_wales
from fjo_analysis.params import area_params, areas, topics
from fjo_analysis.profiles import profile_codes
from tests.conftest import ROOT, project_copy
from tests.make_helpers import make

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


RELEASE_FILES = (
    "methods.html",
    "methods.pdf",
    "methods.cy.html",
    "methods.cy.pdf",
    "figures.csv",
    "figures-dictionary.csv",
)
#: Every document make builds: 66 briefings and a profile per authority and court area, and
#: in Welsh too those about Wales (its six briefings, its authorities' and areas' profiles).
_ENGLISH = [(a, t) for a in areas(ROOT) for t in topics(ROOT)] + [
    (PROFILES, c) for c in profile_codes()
]
DOCUMENTS = len(_ENGLISH) + sum(about_wales(a, t) for a, t in _ENGLISH)
STATISTICS = ["stats", "release", "audit", "index"]  # what follows a change of statistics


def _make(root, *args, env=None):
    return make(root, *args, env=env)


def _freshen(root: Path) -> None:
    """Date every stage in graph order, so that everything looks up to date."""
    now = time.time()
    stages = [
        [*(root / "notebooks").iterdir(), *(root / "params").iterdir()],
        list((root / "build" / "stamps").iterdir()),
        list((root / "build" / "profiles" / "params").iterdir()),
        [root / "data" / "raw" / "synthetic_extract.parquet"],
        [root / "data" / "processed" / "manifest.json"],
        [root / "build" / "stats" / "manifest.json"],
        [p for p in (root / "reports").rglob("*") if p.is_file() and p.name != "index.html"],
        [root / "reports" / "index.html"],
    ]
    for age, paths in zip(range(len(stages), 0, -1), stages, strict=True):
        for path in paths:
            os.utime(path, (now - 10 * age, now - 10 * age))


@pytest.fixture
def made(tmp_path):
    """A project copy whose every target looks up to date (outputs newer than inputs)."""
    root = project_copy(tmp_path / "root")
    (root / "data" / "processed").mkdir(parents=True)
    (root / "data" / "raw").mkdir()
    (root / "build" / "stats").mkdir(parents=True)
    (root / "data" / "raw" / "synthetic_extract.parquet").touch()
    for name in ("data/processed/manifest.json", "build/stats/manifest.json"):
        (root / name).write_text('{"files": {}}\n')  # manifests listing no files: all present
    stamped = subprocess.run(
        [str(VENV / "bin" / "fjo"), "stamp"], cwd=root, env={**os.environ, "FJO_ROOT": str(root)}
    )
    assert stamped.returncode == 0
    stems = [f"{a}/{t}" for a, t in _ENGLISH] + [
        f"{a}/{t}.cy" for a, t in _ENGLISH if about_wales(a, t)
    ]
    outputs = [
        root / "reports" / f"{stem}.{s}" for stem in stems for s in ("html", "pdf", "xlsx", "csv")
    ]
    outputs += [root / "reports" / n for n in (*RELEASE_FILES, "index.html")]
    written = subprocess.run(  # as make does while it plans
        [str(VENV / "bin" / "fjo"), "profiles", "params"],
        cwd=root,
        env={**os.environ, "FJO_ROOT": str(root)},
        capture_output=True,
    )
    assert written.returncode == 0
    for path in outputs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    _freshen(root)
    return root


def _planned(result) -> set[str]:
    """The documents make would build, as "area/topic" ("wales/infants.cy" in Welsh)."""
    return {
        line.split("--area ")[1].replace(" --topic ", "/").replace(" --lang ", ".")
        for line in result.stdout.splitlines()
        if " --area " in line  # make's build recipe (the warm builder's client)
    }


def _steps(result) -> list[str]:
    """The fjo subcommands make would run, in order ("data prepare", "stats", ...)."""
    steps = []
    for line in result.stdout.splitlines():
        words = line.split()
        if words and words[0].endswith("/fjo") and words[1] != "build":
            steps.append(" ".join(words[1:3]) if words[1] == "data" else words[1])
    return steps


def test_second_make_does_nothing(made):
    assert _make(made, "-q", "reports").returncode == 0


def test_touching_one_params_file_rebuilds_only_that_area(made):
    (made / "params" / "london.yaml").touch()
    result = _make(made, "-n", "reports")
    assert _planned(result) == {f"london/{t}" for t in topics(made)}


def test_touching_one_notebook_rebuilds_only_that_topic(made):
    (made / "notebooks" / "infants.ipynb").touch()
    planned = _planned(_make(made, "-n", "reports"))
    assert planned == {f"{a}/infants" for a in areas(made)} | {"wales/infants.cy"}


def test_touching_the_profile_notebook_rebuilds_only_the_profiles(made):
    (made / "notebooks" / "profile.ipynb").touch()
    planned = _planned(_make(made, "-n", "reports"))
    welsh = {f"{PROFILES}/{c}.cy" for c in profile_codes() if about_wales(PROFILES, c)}
    assert planned == {f"{PROFILES}/{c}" for c in profile_codes()} | welsh
    assert len(welsh) == 25  # Wales's 22 authorities and 3 family court areas


@pytest.mark.parametrize("code", ["E08000025", "BIRMINGHAM", "W06000015"])
def test_changing_one_areas_profile_params_rebuilds_only_its_profile(made, code):
    (made / "build" / "profiles" / "params" / f"{code}.json").touch()
    planned = _planned(_make(made, "-n", "reports"))
    welsh = {f"{PROFILES}/{code}.cy"} if about_wales(PROFILES, code) else set()
    assert planned == {f"{PROFILES}/{code}"} | welsh


@pytest.mark.parametrize("code", ["E08000025", "W06000015"])
def test_profile_params_are_rewritten_as_make_plans_only_where_they_changed(made, code):
    """make writes the profiles' parameters before it reads any file's time: a file whose
    content is stale is rewritten, and only its profile is rebuilt; the others keep their
    times (no make -q or -n sees them out of date)."""
    params = made / "build" / "profiles" / "params" / f"{code}.json"
    params.write_text("{}")
    os.utime(params, (time.time() - 3600, time.time() - 3600))  # older than its profile
    planned = _planned(_make(made, "-n", "reports"))
    welsh = {f"{PROFILES}/{code}.cy"} if about_wales(PROFILES, code) else set()
    assert planned == {f"{PROFILES}/{code}"} | welsh
    assert json.loads(params.read_text())["code"] == code
    assert _make(made, "-q", "reports").returncode != 0  # that profile, until it is built


def test_changing_the_data_rebuilds_the_statistics_and_everything(made):
    (made / "data" / "processed" / "manifest.json").touch()
    result = _make(made, "-n", "reports")
    assert len(_planned(result)) == DOCUMENTS
    assert _steps(result) == [
        "stats",
        "release",
        "audit",
        "index",
    ]  # the release audit, then the index


# make 4.3 -n does not carry a grouped target's planned rebuild on to what depends on it
# (the index), so "audit" and "index" show only where the statistics change too.
@pytest.mark.parametrize(
    "code,steps,briefings",
    [
        ("fjo_analysis/charts.py", [], DOCUMENTS),  # rendering code: documents only
        ("fjo_analysis/render/pdf.py", ["release"], DOCUMENTS),  # the methods page's PDF too
        (
            "fjo_analysis/measures/infants.py",
            ["stats", "release", "audit", "index"],
            DOCUMENTS,
        ),  # statistics
        ("fjo_analysis/stats/rates.py", ["stats", "release", "audit", "index"], DOCUMENTS),
        (
            "fjo_analysis/data/validate.py",
            ["data prepare", "stats", "release", "audit", "index"],
            DOCUMENTS,
        ),
        ("fjo_analysis/cli.py", [], 0),  # the rest of the package: nothing
        ("fjo_analysis/index.py", ["audit", "index"], 0),  # the index alone
    ],
)
def test_briefings_depend_only_on_the_code_they_use(made, code, steps, briefings):
    assert (ROOT / code).exists()
    result = _make(made, "-n", "-W", code, "reports")  # as if the file had just changed
    assert _steps(result) == steps, result.stdout
    assert len(_planned(result)) == briefings


def test_editing_the_generator_does_not_rebuild_from_a_real_extract(made):
    extract = made / "extract.csv"
    extract.write_text("case_id\n1\n")
    env = {"FJO_EXTRACT": str(extract)}
    _make(made, "-n", "reports", env=env)  # records the real extract in its stamp
    _freshen(made)
    assert _make(made, "-q", "reports", env=env).returncode == 0
    result = _make(made, "-n", "-W", "fjo_analysis/data/synth.py", "reports", env=env)
    assert _steps(result) == [] and not _planned(result)
    # Nor with the synthetic default: the extract is known by its generator's content and
    # its own, not by dates (tests/test_make_deps.py changes what the generator makes).
    _make(made, "-n", "reports")
    _freshen(made)
    result = _make(made, "-n", "-W", "fjo_analysis/data/synth.py", "reports")
    assert _steps(result) == [] and not _planned(result)


def test_changing_a_disclosure_setting_rebuilds_statistics_and_briefings(made):
    assert _make(made, "-q", "reports", env={"FJO_SUPPRESS_BELOW": "10"}).returncode == 0
    for env in ({"FJO_SUPPRESS_BELOW": "11"}, {"FJO_ROUND_TO": "5"}):
        result = _make(made, "-n", "reports", env=env)
        assert _steps(result) == ["stats", "release", "audit", "index"], (env, result.stderr)
        assert len(_planned(result)) == DOCUMENTS


def test_make_works_out_the_code_version_once_for_every_document(made):
    """Every document of a make run states one code version, worked out by make (``fjo
    version``: git describe) and passed to each build; one the user sets is kept."""
    env = {**os.environ, "FJO_ROOT": str(made)}
    env.pop("FJO_CODE_VERSION", None)
    version = subprocess.run(
        [str(VENV / "bin" / "fjo"), "version"], env=env, capture_output=True, text=True
    ).stdout.strip()
    assert version.startswith("fjo_analysis ")
    probe = ["FJO_LOCKED=1", "--eval", 'probe: ; @echo "version=$$FJO_CODE_VERSION"', "probe"]
    result = _make(made, *probe, env={"FJO_CODE_VERSION": ""})
    assert f"version={version}\n" in result.stdout, result.stderr
    result = _make(made, *probe, env={"FJO_CODE_VERSION": "v9 (given)"})
    assert "version=v9 (given)\n" in result.stdout, result.stderr


@pytest.mark.parametrize(
    "name,value",
    [
        ("FJO_NEXT_UPDATE", "2099-01-01"),
        ("FJO_RELEASE_DATE", "2030-06-30"),
        ("FJO_STATISTICS_STATUS", "Official statistics in development"),
        ("FJO_CONTACT", "fj.stats@example.org"),
    ],
)
def test_changing_release_information_rebuilds_what_shows_it_not_the_statistics(made, name, value):
    assert _make(made, "-q", "reports").returncode == 0
    result = _make(made, "-n", "reports", env={name: value})
    assert _steps(result) == ["release", "audit", "index"], result.stderr
    assert len(_planned(result)) == DOCUMENTS


def test_a_failing_notebook_fails_only_its_own_briefing(tmp_path, project, small_extract_csv):
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
    result = make(root, "-j2", "reports", extract=small_extract_csv)  # no -k: the default
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
        assert all("reason" not in entry for entry in log["suppressed"])  # which, never why
    # the full log (values, primary or secondary) stays private, in the statistics store
    private = pd.read_parquet(suite.stats_dir / "private" / "cells.parquet")
    assert {"value", "reason"} <= set(private.columns)
    assert set(private.loc[private["suppressed"], "reason"]) <= {"primary", "secondary"}


@pytest.mark.parametrize(
    "text,message",
    [("name: X\n", "missing key(s) ['code']"), ("code: E99\nname: X\n", "unknown area code 'E99'")],
)
def test_a_bad_params_file_is_named_in_the_error(tmp_path, text, message):
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "bad.yaml").write_text(text)
    with pytest.raises(BriefingError, match=r"params/bad\.yaml: .*" + re.escape(message)):
        area_params("bad", tmp_path)
