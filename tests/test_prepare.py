import json

import pandas as pd
import pytest

from fjo_analysis.data.prepare import derive, load, prepare, sha256
from fjo_analysis.years import financial_year_label


def _one(issue, birth, close=None, la="E09000007"):
    return pd.DataFrame(
        {
            "issue_date": [pd.Timestamp(issue)],
            "close_date": [pd.Timestamp(close) if close else pd.NaT],
            "child_birth_date": [pd.Timestamp(birth)],
            "local_authority_code": [la],
            "law_type": ["public"],
            "application_type": ["care_supervision_s31"],
            "applicant_type": ["local_authority"],
            "sex": ["male"],
            "ethnicity": ["White"],
            "final_order": ["care" if close else None],
        }
    )


@pytest.mark.parametrize(
    "issue,birth,newborn,infant,band",
    [
        ("2020-05-10", "2020-05-04", True, True, "under 1"),  # 6 days: newborn
        ("2020-05-10", "2020-05-03", False, True, "under 1"),  # 7 days: not a newborn
        ("2020-05-10", "2019-05-11", False, True, "under 1"),  # 365 days, across 29 February
        ("2020-05-10", "2019-05-10", False, False, "1-4"),  # first birthday on the day
        ("2020-05-10", "2015-05-09", False, False, "5-9"),
        ("2020-05-10", "2004-05-11", False, False, "10-15"),  # 16 tomorrow
        ("2020-05-10", "2004-05-10", False, False, "16-17"),
    ],
)
def test_age_definitions(issue, birth, newborn, infant, band):
    out, _ = derive(_one(issue, birth))
    assert bool(out.newborn.iloc[0]) is newborn
    assert bool(out.infant.iloc[0]) is infant
    assert out.age_band.iloc[0] == band


def test_financial_year_region_and_duration():
    frame = pd.concat(
        [
            _one("2021-03-31", "2015-01-01", "2021-09-29"),
            _one("2021-04-01", "2015-01-01", la="W06000015"),
        ],
        ignore_index=True,
    )
    out, extract_date = derive(frame)
    assert out.financial_year.tolist() == [2020, 2021]
    assert financial_year_label(2020) == "2020/21" and financial_year_label(1999) == "1999/00"
    assert out.region_name.tolist() == ["London", "Wales"]
    assert out.dfj_area.iloc[1] == "South East Wales"  # the real DFJ area name
    assert extract_date == pd.Timestamp("2021-09-29")
    assert out.duration_weeks.iloc[0] == pytest.approx(182 / 7)
    # the open case is censored at the extract date, not dropped
    assert out.is_open.tolist() == [False, True]
    assert out.duration_weeks.iloc[1] == pytest.approx(
        (pd.Timestamp("2021-09-29") - pd.Timestamp("2021-04-01")).days / 7
    )


def test_prepare_writes_cases_and_manifest(tmp_path, small_extract_csv):
    manifest = prepare(small_extract_csv, tmp_path, synthetic=True)
    cases, stored = load(tmp_path)
    assert stored == manifest == json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["source_sha256"] == sha256(small_extract_csv)
    assert manifest["synthetic"] is True
    assert manifest["rows"] == len(cases) == len(pd.read_csv(small_extract_csv))
    assert (manifest["first_year"], manifest["last_year"]) == (2016, 2019)
    assert not list(tmp_path.glob(".*tmp"))
