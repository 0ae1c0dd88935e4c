import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from fjo_analysis.data.synth import s31_applications, synthesise
from fjo_analysis.data.validate import check, parse
from fjo_analysis.geography import map_codes


def _fy(frame):
    return frame["issue_date"].dt.year - (frame["issue_date"].dt.month < 4)


def test_same_seed_same_bytes(tmp_path):
    paths = [tmp_path / f"{i}.parquet" for i in range(2)]
    for path in paths:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "fjo_analysis.cli",
                "data",
                "synth",
                "--seed",
                "1",
                "--start-year",
                "2019",
                "--end-year",
                "2020",
                "--scale",
                "0.05",
                "--out",
                str(path),
            ],
            check=True,
        )
    assert paths[0].read_bytes() == paths[1].read_bytes()


def test_different_seed_different_data():
    a = synthesise(1, 2019, 2019, 0.02)
    b = synthesise(2, 2019, 2019, 0.02)
    assert not a.equals(b)


def test_synthetic_extract_passes_its_own_schema(small_extract):
    frame, problems = parse(small_extract, "synthetic")
    assert problems == []
    assert check(frame, "synthetic", np.datetime64("2026-01-01")) == []


def test_national_scale_matches_published_ranges(national_cases):
    cases = national_cases
    public = cases[cases.law_type == "public"]
    private = cases[cases.law_type == "private"]
    eng = public[public.country == "England"]
    per_year = eng.groupby("financial_year")["child_id"].nunique()
    assert per_year.between(16_000, 28_000).all(), per_year  # 1.75 x 9,200-14,600 / 0.93
    assert per_year.idxmax() in (2015, 2016, 2017)  # rising then falling
    wales = public[public.country == "Wales"].groupby("financial_year")["child_id"].nunique()
    assert wales.between(800, 1_300).all(), wales
    infant_share = eng.groupby("financial_year")["infant"].mean()
    # Published: 2,447 newborns were 42% of infants in 2016/17, so about 5,800 infants among
    # about 25,000 children (23%); later years, with fewer newborns per birth, lower.
    assert infant_share.between(0.16, 0.28).all(), infant_share
    assert 0.19 <= infant_share[2016] <= 0.26, infant_share
    recent_private = private[(private.country == "England") & (private.financial_year >= 2021)]
    children = recent_private.groupby("financial_year")["child_id"].nunique()
    assert children.between(80_000, 90_000).all(), children
    assert (children > 3 * per_year.loc[children.index]).all()


def test_newborn_rates_and_regional_pattern(national_cases):
    from fjo_analysis.geography import local_authorities
    from fjo_analysis.reference import live_births

    public = national_cases[national_cases.law_type == "public"]
    births = live_births().merge(local_authorities(), on="la_code")
    newborns = public[public.newborn & (public.country == "England")]
    eng_births = births[births.country == "England"].groupby("year")["live_births"].sum()
    rate = newborns.groupby("financial_year").size() / eng_births * 1e4
    assert 15 <= rate[2010] <= 25 and 30 <= rate[2016] <= 40, rate
    share = (
        newborns.groupby("financial_year").size()
        / public[public.infant & (public.country == "England")].groupby("financial_year").size()
    )
    assert 0.3 < share[2010] < 0.4 and 0.38 < share[2016] < 0.48
    years = (public.financial_year >= 2010) & (public.financial_year <= 2016)
    by_region = public[years & public.newborn].groupby("region_name", observed=True).size()
    region_births = (
        births[births.year.between(2010, 2016)].groupby("region_name")["live_births"].sum()
    )
    regional_rate = by_region / region_births * 1e4
    assert regional_rate["London"] == regional_rate.min()
    assert regional_rate["North West"] > 27 and regional_rate["Yorkshire and The Humber"] > 27
    assert 14 < regional_rate["London"] < 22 and 16 < regional_rate["South East"] < 24


def test_durations_fall_around_2014_then_drift_up(national_cases):
    public = national_cases[(national_cases.law_type == "public") & ~national_cases.is_open]
    median = public.groupby("financial_year")["duration_weeks"].median()
    assert median[2011] > 45 and median[2014] < 30 and median[2021] > median[2015] + 8
    wales = public[(public.country == "Wales") & (public.financial_year == 2014)]
    assert 22 <= wales["duration_weeks"].mean() <= 28
    open_cases = national_cases[national_cases.is_open]
    open_share = national_cases.groupby("financial_year")["is_open"].mean()
    assert open_share[2015] == 0 and open_share[2024] > 0.5  # recent cases are still open
    assert open_cases["final_order"].isna().all()


def test_mothers_return_and_small_areas_have_small_counts(national_cases):
    public = national_cases[national_cases.law_type == "public"]
    first_year = public.groupby("mother_id")["financial_year"].transform("min")
    mothers = public.assign(returning=public.financial_year > first_year)
    recent = (
        mothers[mothers.financial_year >= 2018]
        .groupby(["financial_year", "mother_id"])["returning"]
        .any()
    )
    share = recent.groupby(level=0).mean()
    assert (share >= 0.2).all(), share
    per_la = public.groupby(["local_authority_code", "financial_year"], observed=True)
    assert (per_la.size() < 10).sum() >= 15  # the smallest authorities, e.g. Isles of Scilly
    assert (per_la["newborn"].sum() < 10).mean() > 0.3  # disclosure control has real work


def test_england_s31_series_matches_the_published_applications(national_cases):
    """Cafcass s31 care applications (cases) within 5% each year 2010/11-2018/19, and
    children within 6% of the applications x 1.75 children per application (court
    statistics: about 1.7-1.8)."""
    published = s31_applications()
    s31 = national_cases[
        (national_cases.application_type == "care_supervision_s31")
        & (national_cases.country == "England")
    ]
    per_year = s31.groupby("financial_year").agg(
        cases=("case_id", "nunique"), children=("child_id", "nunique")
    )
    years = [y for y in range(2010, 2019)]
    expected = pd.Series({y: published[y] for y in years})
    assert published[2009] == 8_832 and published[2016] == 14_597 and published[2018] == 13_556
    cases = per_year.loc[years, "cases"]
    children = per_year.loc[years, "children"]
    assert ((cases / expected - 1).abs() < 0.05).all(), cases / expected
    assert ((children / (1.75 * expected) - 1).abs() < 0.06).all(), children / expected
    assert (children / cases).between(1.65, 1.85).all(), children / cases


def test_each_row_carries_the_code_in_force_on_its_date(national_extract):
    frame = national_extract[["local_authority_code", "issue_date"]]
    code = frame["local_authority_code"].astype(str)
    for old, new, change in [
        ("E10000021", "E06000061", "2021-04-01"),  # Northamptonshire split
        ("E10000006", "E06000064", "2023-04-01"),  # Cumbria split
        ("E06000028", "E06000058", "2019-04-01"),  # Bournemouth (and Poole) merged
        ("E10000002", "E06000060", "2020-04-01"),  # Buckinghamshire
        ("E08000020", "E08000037", "2013-04-01"),  # Gateshead re-coded
    ]:
        assert (frame.issue_date[code == old] < change).all() and (code == old).sum() > 100
        assert (frame.issue_date[code == new] >= change).all() and (code == new).sum() > 50
    mapped = map_codes(frame["local_authority_code"], frame["issue_date"])
    assert mapped["code_in_force"].all() and mapped["unit_code"].notna().all()


@pytest.mark.parametrize("start,end", [(2020, 2019)])
def test_years_must_be_in_order(start, end):
    with pytest.raises(ValueError, match="before start year"):
        synthesise(1, start, end)
