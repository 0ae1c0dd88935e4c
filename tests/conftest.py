"""Shared fixtures: small synthetic extracts, and a small project with briefings built."""

from __future__ import annotations

import inspect
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from fjo_analysis import settings
from fjo_analysis.data.prepare import derive, prepare
from fjo_analysis.data.synth import synthesise, write
from fjo_analysis.disclosure import Rules
from fjo_analysis.figures.builder import build as build_store

ROOT = Path(__file__).resolve().parent.parent
SMALL = {"seed": 7, "start_year": 2016, "end_year": 2019, "scale": 0.05}
EPOCH = "1767225600"  # 2026-01-01 00:00 UTC
VERSION = "fjo_analysis (tests)"
BUILT_AREAS = ("london", "wales")


#: A test runs notebooks or make (and is marked ``slow``) when it uses the built suite or
#: calls make or fjo build; ``pytest -m "not slow"`` runs the rest in seconds.
SLOW_FIXTURES = {"suite", "made", "profiles"}
SLOW_CALLS = re.compile(r"\b(_?make|make_popen|build|reference_build)\(")


def pytest_collection_modifyitems(items):
    for item in items:
        function = getattr(item, "function", None)
        source = inspect.getsource(function) if function else ""
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or SLOW_CALLS.search(source):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def small_extract() -> pd.DataFrame:
    """About 20,000 rows over four years: fast, with real structure and small counts."""
    return synthesise(**SMALL)


@pytest.fixture(scope="session")
def small_extract_csv(small_extract, tmp_path_factory):
    path = tmp_path_factory.mktemp("extract") / "extract.csv"
    write(small_extract, path)
    return path


@pytest.fixture(scope="session")
def national_extract() -> pd.DataFrame:
    """The default synthetic extract at national scale (about 1.5 million rows)."""
    return synthesise(seed=1, start_year=2010, end_year=2024)


@pytest.fixture(scope="session")
def national_cases(national_extract) -> pd.DataFrame:
    return derive(national_extract)[0]


@pytest.fixture(scope="session")
def small_cases(small_extract) -> pd.DataFrame:
    return derive(small_extract)[0]


def project_copy(root: Path) -> Path:
    """A project tree whose notebooks, params and Makefile are this repository's."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("notebooks", "params"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "Makefile", root / "Makefile")
    (root / "fjo_analysis").symlink_to(ROOT / "fjo_analysis")
    return root


@pytest.fixture(scope="session")
def project(tmp_path_factory, small_extract_csv) -> settings.Settings:
    """A small project: prepared small data and its statistics store, no briefings yet."""
    root = project_copy(tmp_path_factory.mktemp("project") / "root")
    config = settings.Settings(
        root=root, extract=small_extract_csv, source_date_epoch=int(EPOCH), code_version=VERSION
    )
    prepare(small_extract_csv, config.processed_dir, synthetic=True)
    build_store(config.processed_dir, config.stats_dir, Rules(10, 0))
    return config


@pytest.fixture(scope="session")
def suite(project) -> settings.Settings:
    """Every topic built for a region (London) and a country (Wales, in English and
    Welsh), reproducibly dated."""
    from fjo_analysis.build import build
    from fjo_analysis.i18n import about_wales
    from fjo_analysis.index import write_index
    from fjo_analysis.params import topics
    from fjo_analysis.publish import write as write_release

    for area in BUILT_AREAS:
        for topic in topics(project.root):
            build(area, topic, project)
            if about_wales(area, topic):  # as make does: Wales in Welsh too (issue 14)
                build(area, topic, project, lang="cy")
    write_release(project)
    write_index(project)
    return project


@pytest.fixture(scope="session")
def profiles(project):
    """The profiles of Birmingham, of the Isles of Scilly (mostly suppressed) and of the
    Birmingham and Truro (Cornwall and the Isles of Scilly) family court areas, built."""
    import os

    from fjo_analysis.build import build
    from fjo_analysis.profiles import write_params

    write_params(project)
    saved = os.environ.get("FJO_ROOT")
    os.environ["FJO_ROOT"] = str(project.root)
    try:
        for code in ("E08000025", "E06000053", "BIRMINGHAM", "TRURO"):
            build("profiles", code, project)
    finally:
        if saved is None:
            os.environ.pop("FJO_ROOT", None)
        else:
            os.environ["FJO_ROOT"] = saved
    return project.reports_dir / "profiles"


def briefings(suite) -> list[tuple[str, str]]:
    """(area, topic) of every briefing the suite built."""
    from fjo_analysis.params import topics

    return [(a, t) for a in BUILT_AREAS for t in topics(suite.root)]


@pytest.fixture(scope="module")
def pages(suite):
    """Every built briefing's HTML, parsed."""
    return {
        (a, t): BeautifulSoup((suite.reports_dir / a / f"{t}.html").read_text(), "html.parser")
        for a, t in briefings(suite)
    }
