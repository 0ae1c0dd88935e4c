"""Rows kept but left out of a measure, part years, and what the processed manifest says
about them."""

import json
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from fjo_analysis.data.prepare import (
    derive,
    load,
    part_year_start,
    prepare,
    sha256,
    years_covered,
)
from fjo_analysis.data.synth import synthesise, write
from fjo_analysis.errors import ExtractError
from fjo_analysis.geography import ENGLAND
from fjo_analysis.measures import care_proceedings as cp
from fjo_analysis.measures import infants


def _cut(frame: pd.DataFrame, to: str) -> pd.DataFrame:
    """The extract as it would have been taken on ``to``: later cases absent, later
    closures still open."""
    to = pd.Timestamp(to)
    cut = frame[frame["issue_date"] <= to].copy()
    later = cut["close_date"] > to
    cut.loc[later, "close_date"] = pd.NaT
    cut.loc[later, "final_order"] = None
    return cut.reset_index(drop=True)


@pytest.mark.parametrize(
    "latest,first,last,part",
    [
        ("2020-03-31", 2016, 2019, None),
        ("2020-03-25", 2016, 2019, None),  # within the last week of March: complete
        ("2020-03-24", 2016, 2018, (2019, "2020-03-24", "(part year to 24 March 2020)")),
        ("2020-04-01", 2016, 2019, (2020, "2020-04-01", "(part year to 1 April 2020)")),
        ("2020-09-30", 2016, 2019, (2020, "2020-09-30", "(part year to 30 September 2020)")),
    ],
)
def test_years_covered_rule(latest, first, last, part):
    issued = pd.Series(pd.to_datetime(["2016-04-01", "2018-07-01", latest]))
    got_first, got_last, got_part = years_covered(issued)
    assert (got_first, got_last) == (first, last)
    if part is None:
        assert got_part is None
    else:
        assert got_part == dict(zip(("financial_year", "to", "label"), part, strict=True))


@pytest.mark.parametrize(
    "earliest,first,start",
    [
        ("2016-04-01", 2016, None),
        ("2016-04-07", 2016, None),  # within the first week of April: complete
        ("2016-04-08", 2017, (2016, "2016-04-08", "(part year from 8 April 2016)")),
        ("2016-01-04", 2016, (2015, "2016-01-04", "(part year from 4 January 2016)")),
    ],
)
def test_part_year_at_the_start(earliest, first, start):
    issued = pd.Series(pd.to_datetime([earliest, "2018-07-01", "2020-03-31"]))
    assert years_covered(issued)[:2] == (first, 2019)
    got = part_year_start(issued)
    if start is None:
        assert got is None
    else:
        assert got == dict(zip(("financial_year", "from", "label"), start, strict=True))


@pytest.fixture(scope="module")
def to_september_2020(tmp_path_factory):
    """An extract ending on 30 September 2020, prepared."""
    root = tmp_path_factory.mktemp("part")
    frame = _cut(synthesise(seed=7, start_year=2016, end_year=2020, scale=0.05), "2020-09-30")
    source = root / "to_september_2020.csv"
    write(frame, source)
    out = root / "processed"
    return prepare(source, out, synthetic=False), out, frame


def test_extract_ending_in_september_never_reports_a_full_year(to_september_2020):
    manifest, out, frame = to_september_2020
    assert manifest["first_year"] == 2016
    assert manifest["last_year"] == 2019
    assert manifest["part_year"] == {
        "financial_year": 2020,
        "to": "2020-09-30",
        "label": "(part year to 30 September 2020)",
    }
    # the part year's cases stay in data/processed/, but measures read complete years only
    everything, _ = load(out, part_year=True)
    assert len(everything) == len(frame) == manifest["rows"]
    assert everything["financial_year"].max() == 2020
    cases, stored = load(out)
    assert stored == manifest
    assert sorted(cases["financial_year"].unique()) == [2016, 2017, 2018, 2019]
    public, _ = load(out, law_type="public")
    assert set(public["law_type"]) == {"public"} and public["financial_year"].max() == 2019


def test_headline_trend_uses_complete_years_only(to_september_2020, tmp_path):
    from fjo_analysis.disclosure import Rules
    from fjo_analysis.figures.builder import build
    from fjo_analysis.figures.compute import population
    from fjo_analysis.figures.store import Store
    from fjo_analysis.stats.trends import annual_trend

    _, out, _ = to_september_2020
    build(out, tmp_path / "stats", Rules())
    store = Store(tmp_path / "stats")
    table = store.table("care_children")
    assert table[table["area_code"] == ENGLAND]["financial_year"].tolist() == [
        2016,
        2017,
        2018,
        2019,
    ]
    trends = store.trends()
    trend = trends[(trends["table"] == "care_children") & (trends["area_code"] == ENGLAND)].iloc[0]
    assert (trend["first_year"], trend["last_year"]) == (2016, 2019)
    # what happened before: half a year counted as a whole one makes the rate "fall"
    with_part, _ = load(out, part_year=True)
    years = [2016, 2017, 2018, 2019, 2020]
    counts = cp.children_by_year(with_part[with_part["country"] == "England"], years)
    wrong = annual_trend(years, counts["children"], population(ENGLAND, years)["population"])
    assert wrong.last_year == 2020
    assert wrong.annual_change_pct < trend["annual_change_pct"] - 5


def test_an_extract_without_a_complete_year_is_refused(tmp_path, small_extract):
    source = tmp_path / "short.csv"
    write(_cut(small_extract, "2016-09-30"), source)
    with pytest.raises(ExtractError, match="expected at least one complete financial year"):
        prepare(source, tmp_path / "out", synthetic=False)


def test_missing_birth_dates_leave_rows_in_and_ages_out(tmp_path, small_extract):
    frame = small_extract.copy()
    public = frame.index[frame["law_type"] == "public"]
    missing = public[:40]
    frame.loc[missing, "child_birth_date"] = pd.NaT
    frame.loc[public[40:43], "first_hearing_notice_days"] = pd.array([-1, 400, 366])
    source = tmp_path / "gaps.parquet"
    write(frame, source)
    manifest = prepare(source, tmp_path / "out", synthetic=False)
    assert manifest["rows"] == len(frame)
    assert manifest["quality"]["missing_birth_date"]["count"] == 40
    assert manifest["quality"]["notice_days_out_of_range"]["count"] == 3
    assert all(v["description"] for v in manifest["quality"].values())
    assert any(
        "no birth date" in w and w.startswith("gaps.parquet, column") for w in manifest["warnings"]
    )
    cases, _ = load(tmp_path / "out")
    gaps = cases[cases["child_birth_date"].isna()]
    assert len(gaps) == 40
    assert gaps[["age_at_issue_days", "newborn", "infant", "age_band"]].isna().all().all()
    known = cases[cases["child_birth_date"].notna()]
    assert known[["age_at_issue_days", "newborn", "infant", "age_band"]].notna().all().all()
    # every age-based measure leaves them out, and none fails on them
    full, _ = derive(small_extract)
    years = [2016, 2017, 2018, 2019]
    bands = cp.children_by_age_band(cases, years).groupby("age_band")["children"].sum()
    full_bands = cp.children_by_age_band(full, years).groupby("age_band")["children"].sum()
    assert bands.get("not known", 0) > 0 and full_bands.get("not known", 0) == 0
    assert bands.sum() == full_bands.sum()  # every child counted, some in "not known"
    assert infants.by_year(cases, years)["infants"].sum() <= (
        infants.by_year(full, years)["infants"].sum()
    )
    notice = infants.notice_of_first_hearing(cases, 2016, 2019)
    assert notice["children"].sum() > 0
    days = cases.loc[public[40:43], "first_hearing_notice_days"]
    assert days.isna().all()


def test_missing_birth_date_in_derive():
    one = pd.DataFrame(
        {
            "issue_date": pd.to_datetime(["2020-05-10", "2020-05-10"]),
            "close_date": [pd.NaT, pd.NaT],
            "child_birth_date": [pd.Timestamp("2020-05-08"), pd.NaT],
            "local_authority_code": ["E09000007"] * 2,
            "law_type": ["public"] * 2,
            "application_type": ["care_supervision_s31"] * 2,
            "applicant_type": ["local_authority"] * 2,
            "sex": ["male"] * 2,
            "ethnicity": ["White"] * 2,
            "final_order": [None, None],
        }
    )
    out, _ = derive(one)
    assert out["newborn"].tolist()[0] is True and out["infant"].tolist()[0] is True
    assert out["age_band"].tolist()[0] == "under 1"
    assert out.loc[1, ["age_at_issue_days", "newborn", "infant", "age_band"]].isna().all()


def test_partitioned_directory_is_prepared(tmp_path, small_extract):
    directory = tmp_path / "extract"
    small_extract.to_parquet(directory, partition_cols=["law_type"])
    manifest = prepare(directory, tmp_path / "out", synthetic=False)
    assert manifest["rows"] == len(small_extract)
    assert manifest["source_file"] == "extract" and len(manifest["source_sha256"]) == 64
    (directory / "law_type=public" / "extra.parquet").write_bytes(b"x")
    assert sha256(directory) != manifest["source_sha256"]  # the hash follows the files


def test_prepare_prints_its_warnings(tmp_path, small_extract):
    frame = small_extract.copy()
    frame["case_id"] = frame["case_id"] + " "
    frame.loc[frame.index[:3], "child_birth_date"] = pd.NaT
    source = tmp_path / "spaced.parquet"
    write(frame, source)
    env = {**os.environ, "FJO_ROOT": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "fjo_analysis.cli", "data", "prepare", "--source", str(source)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"prepared {len(frame):,} rows")
    assert any(
        "warning: spaced.parquet, column case_id: spaces around IDs removed" in line
        for line in lines
    )
    assert any("column child_birth_date: rows with no birth date kept" in line for line in lines)
    manifest = json.loads((tmp_path / "data" / "processed" / "manifest.json").read_text())
    assert len(manifest["warnings"]) == 2


def test_england_briefing_from_an_extract_ending_in_september(tmp_path, to_september_2020):
    """End to end: the headline trend and every table stop at the last complete year."""
    from fjo_analysis import settings
    from fjo_analysis.build import build
    from fjo_analysis.disclosure import Rules
    from fjo_analysis.figures.builder import build as build_store
    from tests.conftest import EPOCH, project_copy

    _, out, _ = to_september_2020
    root = project_copy(tmp_path / "root")
    config = settings.Settings(root=root, extract=None, source_date_epoch=int(EPOCH))
    config.processed_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(out, config.processed_dir)
    build_store(config.processed_dir, config.stats_dir, Rules())
    build("england", "care-proceedings", config)
    html = (config.reports_dir / "england" / "care-proceedings.html").read_text()
    assert "2019/20" in html
    assert "2020/21" not in html  # the part year is never reported as a year
