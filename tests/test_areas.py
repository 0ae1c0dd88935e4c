import pandas as pd
import pytest

from fjo_analysis.areas import ENGLAND, WALES, area, briefing_areas, la_codes_in, local_authorities
from fjo_analysis.data.reference import child_population, live_births


def test_eleven_briefing_areas_with_gss_codes():
    areas = briefing_areas()
    assert len(areas) == 11
    assert areas[ENGLAND].name == "England" and areas[WALES].name == "Wales"
    regions = [a for a in areas.values() if a.level == "region"]
    assert sorted(a.code for a in regions) == [f"E1200000{i}" for i in range(1, 10)]
    assert areas["E12000007"].name == "London"


def test_local_authorities_cover_england_and_wales_once():
    las = local_authorities()
    assert las["la_code"].is_unique
    assert (las["country"] == "Wales").sum() == 22
    assert (las["country"] == "England").sum() == 153
    assert las["la_code"].str.fullmatch(r"[EW]0[689]\d{6}|E10\d{6}").all()
    assert las["dfj_area"].notna().all()
    assert set(la_codes_in(WALES)) == set(las.loc[las.country == "Wales", "la_code"])
    assert len(la_codes_in("E12000001")) == 12  # the North East's 12 authorities


def test_unknown_area_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown area code 'X'.*E92000001"):
        area("X")


def test_denominators_cover_every_authority_and_year_and_match_national_scale():
    las = set(local_authorities()["la_code"])
    pop, births = child_population(), live_births()
    for table in (pop, births):
        assert set(table["la_code"]) == las
        assert set(range(2010, 2025)) <= set(table["year"])
    england_2021 = pop[(pop.year == 2021) & pop.la_code.str.startswith("E")]["population"].sum()
    assert 11.5e6 < england_2021 < 12.5e6  # ONS mid-2021: about 12.0 million aged 0-17
    b = births[births.year == 2016].assign(country=lambda d: d.la_code.str[0])
    totals = b.groupby("country")["live_births"].sum()
    assert totals["E"] == pytest.approx(663_000, rel=0.01)
    assert totals["W"] == pytest.approx(32_900, rel=0.01)
    # under-1 population tracks births
    under1 = pop[(pop.year == 2016) & (pop.age_band == "under 1")]["population"].sum()
    assert under1 == pytest.approx(totals.sum() * 0.995, rel=0.001)
    assert isinstance(pop, pd.DataFrame)
