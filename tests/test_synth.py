import subprocess
import sys

import numpy as np
import pytest

from fjo_analysis.data.synth import synthesise
from fjo_analysis.data.validate import check, parse


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
    assert per_year.between(15_000, 22_000).all(), per_year
    assert per_year.idxmax() in (2015, 2016, 2017)  # rising then falling
    wales = public[public.country == "Wales"].groupby("financial_year")["child_id"].nunique()
    assert wales.between(800, 1_300).all(), wales
    infant_share = eng.groupby("financial_year")["infant"].mean()
    assert infant_share.between(0.19, 0.28).all(), infant_share
    recent_private = private[(private.country == "England") & (private.financial_year >= 2021)]
    children = recent_private.groupby("financial_year")["child_id"].nunique()
    assert children.between(80_000, 90_000).all(), children
    assert (children > 3 * per_year.loc[children.index]).all()


def test_newborn_rates_and_regional_pattern(national_cases):
    from fjo_analysis.data.reference import live_births

    public = national_cases[national_cases.law_type == "public"]
    births = live_births().merge(
        __import__("fjo_analysis.areas", fromlist=["x"]).local_authorities(), on="la_code"
    )
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


@pytest.mark.parametrize("start,end", [(2020, 2019)])
def test_years_must_be_in_order(start, end):
    with pytest.raises(ValueError, match="before start year"):
        synthesise(1, start, end)
