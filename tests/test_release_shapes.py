"""Stores built from awkward extracts: small scale, a single newborn, empty years, rounding.

Each builds the statistics store from a synthetic extract of that shape and audits it:
no published count under the threshold, no suppressed or small hidden count narrowed
below the threshold, no derived figure on a suppressed count.
"""

from __future__ import annotations

import pandas as pd
import pytest

from fjo_analysis.data.prepare import prepare
from fjo_analysis.data.synth import synthesise, write
from fjo_analysis.disclosure import MARK, Rules
from fjo_analysis.disclosure.audit import audit_store
from fjo_analysis.figures.builder import build
from fjo_analysis.figures.store import Store


def _store(frame: pd.DataFrame, tmp_path, rules: Rules):
    extract = tmp_path / "extract.parquet"
    write(frame, extract)
    prepare(extract, tmp_path / "processed", synthetic=True)
    build(tmp_path / "processed", tmp_path / "stats", rules)
    return tmp_path / "stats"


def _tiny():
    return synthesise(seed=3, start_year=2015, end_year=2019, scale=0.003)


def _one_newborn():
    frame = synthesise(seed=5, start_year=2016, end_year=2019, scale=0.02)
    age = (frame["issue_date"] - frame["child_birth_date"]).dt.days
    newborn = age < 7
    keep = frame.index[newborn][:1]
    return frame[~newborn | frame.index.isin(keep)].reset_index(drop=True)


def _empty_years():
    frame = synthesise(seed=9, start_year=2014, end_year=2019, scale=0.02)
    fy = frame["issue_date"].dt.year - (frame["issue_date"].dt.month < 4)
    return frame[~fy.isin([2015, 2016])].reset_index(drop=True)


SHAPES = {
    "scale 0.003": (_tiny, Rules()),
    "a single newborn": (_one_newborn, Rules()),
    "zero cases in two years": (_empty_years, Rules()),
    "threshold 5, rounded to 5": (
        lambda: synthesise(seed=11, start_year=2016, end_year=2019, scale=0.02),
        Rules(threshold=5, round_to=5),
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("shape", SHAPES)
def test_awkward_extracts_build_a_safe_store(shape, tmp_path):
    make, rules = SHAPES[shape]
    stats = _store(make(), tmp_path, rules)
    findings, checked = audit_store(stats, rules)
    assert findings == [], findings[:5]
    assert checked["suppressed"] > 0
    newborns = Store(stats).table("newborns")
    if shape == "a single newborn":
        assert (newborns["newborns"] == MARK).all()


@pytest.mark.slow
def test_a_private_law_only_extract_publishes_a_private_law_release(tmp_path, capsys):
    """The public-law topics are skipped and their outputs from an earlier extract
    withdrawn; profiles keep their private-law sections and say what they leave out; the
    release's files, audit and index cover what was published."""
    from bs4 import BeautifulSoup

    from fjo_analysis import publish, settings
    from fjo_analysis.build import build as build_briefing
    from fjo_analysis.disclosure.audit import csv_problems, workbook_problems
    from fjo_analysis.index import write_index
    from fjo_analysis.profiles import write_params
    from tests.conftest import project_copy

    root = project_copy(tmp_path / "root")
    config = settings.Settings(root=root, extract=None, suppress_below=10, round_to=0)
    frame = synthesise(seed=2, start_year=2017, end_year=2022, scale=0.03)
    write(frame[frame["law_type"] == "private"], tmp_path / "private.parquet")
    prepare(tmp_path / "private.parquet", config.processed_dir, synthetic=True)
    build(config.processed_dir, config.stats_dir, Rules())
    assert Store(config.stats_dir).manifest["law_types"] == ["private"]
    # the store's audit (which `fjo stats` runs) reads the public-law tables as empty
    findings, checked = audit_store(config.stats_dir, Rules())
    assert findings == [] and checked
    # a public-law briefing published from an earlier extract
    earlier = [
        root / "reports" / "wales" / f"care-proceedings.{end}"
        for end in ("html", "pdf", "xlsx", "csv", "disclosure.json")
    ]
    earlier.append(root / "build" / "disclosure" / "wales" / "care-proceedings.json")
    for path in earlier:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("from an earlier extract")
    public = ("care-proceedings", "infants", "timeliness", "outcomes", "recurrence")
    for topic in public:
        assert build_briefing("wales", topic, config) == 0.0
        assert "skipped: the extract has no public-law cases" in capsys.readouterr().out
        assert not (root / "reports" / "wales" / f"{topic}.html").exists()
    assert [p for p in earlier if p.exists()] == []

    build_briefing("wales", "private-law", config)
    write_params(config)
    for code in ("W06000015", "SWANSEA"):  # an authority and a family court area
        build_briefing("profiles", code, config)
    publish.write(config)
    rules = Rules()
    reports = root / "reports"
    assert workbook_problems(reports, config.stats_dir, rules) == []
    assert csv_problems(reports, config.stats_dir) == []

    page = BeautifulSoup((reports / "profiles" / "W06000015.html").read_text(), "html.parser")
    headings = [h.get_text(" ", strip=True) for h in page.find_all("h2")]
    assert "Children in child arrangements applications" in headings
    assert not {"Children in care proceedings", "Care proceedings in every authority"} & set(
        headings
    )
    left_out = page.find("h2", string="Not in this profile").find_next("p").get_text()
    assert "no public-law cases" in left_out and "care proceedings" in left_out
    links = [a["href"] for a in page.find_all("a")]
    assert "../wales/private-law.html" in links
    assert not [h for h in links if any(f"/{t}." in h for t in public)]

    write_index(config)
    index = BeautifulSoup((reports / "index.html").read_text(), "html.parser")
    not_built = index.find(id="not-built").find_next("p").get_text()  # only Wales was built
    assert "London: Children in private law" in not_built
    assert "care proceedings" not in not_built and "Wales" not in not_built
    listed = index.find(id="not-in-release").find_next("ul").find_all("li")
    assert len(listed) == len(public)
    assert all("no public-law cases" in li.get_text() for li in listed)
    assert "1 topic for" in index.find(class_="summary").get_text()


def test_an_extract_shorter_than_a_local_period_is_refused_plainly(tmp_path):
    """A single-year extract: local areas are published for pooled periods of three
    years, so there is nothing to publish for them; the statistics stop with a message
    that says so (a KeyError from deep in the local tables, before)."""
    write(synthesise(seed=4, start_year=2023, end_year=2023, scale=0.01), tmp_path / "x.parquet")
    prepare(tmp_path / "x.parquet", tmp_path / "processed", synthetic=True)
    with pytest.raises(ValueError, match=r"covers 1 complete financial year.*at least 3"):
        build(tmp_path / "processed", tmp_path / "stats", Rules())
    assert not (tmp_path / "stats").exists()


@pytest.mark.slow
def test_one_make_brings_a_private_law_only_release_up_to_date(tmp_path):
    """make plans a briefing with nothing to publish by its skip record: after one make
    the release is up to date (``make -q``), a second make builds nothing, and an extract
    with public-law cases again builds the skipped briefings in one make."""
    from tests.make_helpers import make, mini_project

    root = mini_project(tmp_path / "root", areas=("wales",), topics=("outcomes", "private-law"))
    frame = synthesise(seed=2, start_year=2018, end_year=2022, scale=0.02)
    private, both = tmp_path / "private.parquet", tmp_path / "both.parquet"
    write(frame[frame["law_type"] == "private"], private)
    write(frame, both)
    skipped = [root / "build" / "skipped" / "wales" / d for d in ("outcomes", "outcomes.cy")]

    first = make(root, "reports", extract=private)
    assert first.returncode == 0, first.stderr
    assert "wales/outcomes skipped: the extract has no public-law cases" in first.stdout
    assert all(p.read_text().startswith("the extract has no public-law") for p in skipped)
    assert (root / "reports" / "wales" / "private-law.cy.pdf").exists()
    assert not list((root / "reports" / "wales").glob("outcomes*"))
    assert make(root, "-q", "reports", extract=private).returncode == 0
    again = make(root, "reports", extract=private)
    assert again.returncode == 0, again.stderr
    assert "skipped" not in again.stdout and "index" not in again.stdout

    public = make(root, "reports", extract=both)
    assert public.returncode == 0, public.stderr
    for name in ("outcomes.html", "outcomes.cy.xlsx"):
        assert (root / "reports" / "wales" / name).exists()
    assert not [p for p in skipped if p.exists()]
    assert make(root, "-q", "reports", extract=both).returncode == 0
