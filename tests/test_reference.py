"""Denominators: published ONS totals matched, derived values flagged, no gaps."""

import pandas as pd
import pytest

from fjo_analysis.data import prepare
from fjo_analysis.geography import la_codes_in, local_authorities
from fjo_analysis.reference import (
    AGE_BANDS,
    child_population,
    children_0_17,
    live_births,
    single_year_ages,
)

YEARS = set(range(2010, 2026))


def _country_total(year: int, country: str) -> float:
    pop = children_0_17()
    codes = la_codes_in("E92000001" if country == "England" else "W92000004")
    return pop[(pop.year == year) & pop.la_code.isin(codes)]["population"].sum()


def test_published_ons_totals_in_the_shipped_files():
    ages = single_year_ages()
    all_ages = ages[(ages.age == "all") & (ages.area_code == "E92000001")]
    assert all_ages.set_index("year").loc[2021, "population"] == 56_536_419  # ONS mid-2021
    assert all_ages.set_index("year").loc[2023, "population"] == 57_690_323


def test_children_0_17_match_the_published_totals():
    # England: ONS mid-year estimates as republished by DfE; 2011 and Wales: ONS MYE.
    assert _country_total(2024, "England") == pytest.approx(12_183_016, abs=1)
    assert _country_total(2015, "England") == pytest.approx(11_593_891, abs=1)
    assert _country_total(2011, "England") == pytest.approx(11_340_751, abs=1)
    assert _country_total(2011, "Wales") == pytest.approx(632_433, abs=1)
    assert _country_total(2021, "Wales") == pytest.approx(616_460, abs=1)
    assert _country_total(2023, "Wales") == pytest.approx(619_968, abs=1)


def test_regional_totals_hold_where_authorities_are_apportioned():
    # The South West 2015: Bournemouth, Poole and Dorset are "x" in the DfE file, so BCP
    # and Dorset are estimated as the region less its other authorities.
    pop = children_0_17()
    south_west = pop[(pop.year == 2015) & pop.la_code.isin(la_codes_in("E12000009"))]
    assert south_west["population"].sum() == pytest.approx(1_073_402, abs=1)  # DfE/ONS
    estimated = south_west.set_index("la_code")["estimated"]
    assert estimated["E06000058"] and estimated["E06000059"] and not estimated["E06000023"]


def test_estimated_flags_where_values_are_derived():
    pop = child_population().set_index(["la_code", "year", "age_band"])["estimated"]
    totals = children_0_17().set_index(["la_code", "year"])["estimated"]
    assert not totals[("E08000025", 2015)]  # Birmingham 0-17 2015: published (DfE)
    assert pop[("E08000025", 2015, "1-4")]  # ... but no single ages that year
    assert not pop[("E08000025", 2011, "1-4")]  # 2011 single ages are published
    assert totals[("W06000015", 2015)] and not totals[("W06000015", 2021)]  # Cardiff
    assert totals[("E06000061", 2015)] and not totals[("E06000061", 2022)]  # N Northants
    assert totals[("E06000063", 2022)] and not totals[("E06000063", 2024)]  # Cumberland
    assert not totals[("E06000060", 2015)]  # Buckinghamshire: the county's own figure
    assert totals.xs(2010, level="year").all() and totals.xs(2025, level="year").all()
    assert live_births()["estimated"].all()  # no calendar-year births are shipped


def test_no_gaps_for_any_authority_year_or_band():
    las = set(local_authorities()["la_code"])
    pop = child_population()
    assert len(pop) == len(las) * len(YEARS) * len(AGE_BANDS)
    full = pd.MultiIndex.from_product([sorted(las), sorted(YEARS), AGE_BANDS])
    assert (
        pop.set_index(["la_code", "year", "age_band"])
        .index.sort_values()
        .equals(full.sort_values())
    )
    assert (pop["population"] > 0).all() and pop["population"].notna().all()
    births = live_births()
    assert set(births["la_code"]) == las and set(births["year"]) == YEARS
    assert (births["live_births"] > 0).all() and len(births) == len(las) * len(YEARS)


def test_estimates_are_plausible_against_published_figures():
    # Live births are estimated; ONS mid-year births, England, July 2022 - June 2023: 570,747.
    births = live_births()
    england = births[births.la_code.isin(la_codes_in("E92000001"))].groupby("year")["live_births"]
    assert england.sum()[2022] == pytest.approx(570_747, rel=0.05)
    assert england.sum()[2010] == pytest.approx(687_000, rel=0.05)  # ONS registrations, 2010
    assert england.sum()[2012] == pytest.approx(694_000, rel=0.05)  # ... and the 2012 peak
    assert england.sum()[2012] > england.sum()[2014] > england.sum()[2018]
    # Under-1 population equals published age 0 where single ages exist (England 2011).
    pop = child_population()
    under_1 = pop[(pop.year == 2011) & (pop.age_band == "under 1")]
    assert under_1[under_1.la_code.str.startswith("E")]["population"].sum() == 679_102


def test_one_definition_of_the_age_bands():
    assert prepare.AGE_BANDS is AGE_BANDS
    assert list(child_population()["age_band"].unique()) == list(AGE_BANDS)
