"""Shipped reference data (published ONS/DfE/HMCTS files, see each file's header) and the
denominators built from them.

Denominators, by local authority (the 175 authorities of April 2024) and year 2010-2025:

* Children 0-17 (``child_population``, by age band). England 2012-2024: ONS mid-year
  estimates as republished by DfE (the Census-2021-consistent series). England and Wales
  2011: ONS (Census-2011-based, on 2023 boundaries). Wales 2021-2023: ONS. Everything else
  is ESTIMATED (``estimated=True``):

  - an authority missing from a year's published geography (Northamptonshire before 2021,
    Cumbria before 2023, Bournemouth/Poole/Dorset before 2019): the total of the areas it
    came from (or, where DfE publishes ``x``, the region's total less its other
    authorities), shared between the 2024 authorities in proportions interpolated linearly
    between years where each is published (2011 on 2023 boundaries, and later years);
  - Wales 2012-2020: linear interpolation between 2011 and 2021 (the published mid-2020
    figures are the superseded pre-Census-2021 estimates and are not used);
  - 2010: 2011 x (2011 / 2012), a one-year geometric back-projection; years after the last
    published one (England 2025, Wales 2024-2025): the last published value carried
    forward;
  - age bands (under 1 = age 0, 1-4, 5-9, 10-15, 16-17): single years of age are published
    only for 2011 and 2021-2023 (and the superseded 2020). In those years, where the bands
    add up to the 0-17 series within 0.1%, they are published figures. Otherwise each
    band is the 0-17 total times that band's share, the shares interpolated linearly
    between the published years (the nearest one outside them); in 2012-2020 the under-1
    share comes instead from the cohort aged 2021 - year at mid-2021 (times a factor for
    net migration, linear between its 2011 value and 1), the other bands rescaled to keep
    the total.

* Live births (``live_births``) by calendar year of the mother's usual residence are NOT
  in the shipped files, so every value is ESTIMATED: the births of the 12 months to 30 June
  of a year are taken as the population aged under 1 at that mid-year times the authority's
  ratio of births (1 July 2022 to 30 June 2023, ONS components of change) to its population
  aged under 1 at mid-2023; a calendar year is the mean of the two mid-year periods that
  overlap it.

Rates use the mid-year population of the financial year's starting year (1 April to 31
March; mid-year is 30 June) and the live births of that calendar year.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from fjo_analysis.geography import code_lookup, local_authorities, read_reference

AGE_BANDS = ("under 1", "1-4", "5-9", "10-15", "16-17")
AGE_BAND_EDGES = (0, 1, 5, 10, 16, 18)
YEARS = range(2010, 2026)
DENOMINATOR_NOTE = (
    "Rates of children per 10,000 use the ONS mid-year estimate of children aged 0-17 (or of "
    "the age band) in the year the financial year starts; rates of newborns and infants per "
    "10,000 live births use live births in that calendar year. Population figures are ONS "
    "(as republished by DfE for England 2012-2024); where a year, area or age band is not "
    "published (England and Wales 2010, Wales 2012-2020, areas whose boundaries changed, age "
    "bands outside 2011 and 2021-2023) they are estimated by interpolation or apportionment "
    "and flagged as estimated denominators. Live births by calendar year are all estimated "
    "from the population aged under 1 and ONS mid-year births."
)
SINGLE_AGE_YEARS = (2011, 2021, 2022, 2023)  # 2020 is the superseded pre-Census-2021 estimate
BAND_TOLERANCE = 0.001


def _to_2024(frame: pd.DataFrame, code: str = "area_code") -> pd.DataFrame:
    """Rows whose code is a 2024 authority, or a retired code re-coded 1:1 into one (a
    county that became a unitary authority on the same boundary), under the 2024 code."""
    lookup = code_lookup()
    one_to_one = {"E10000002", "E10000023", "E10000027", "E06000048", "E08000020"}
    rename = lookup.loc[lookup.index.isin(one_to_one), "unit_code"].to_dict()
    frame = frame.assign(**{code: frame[code].replace(rename)})
    return frame[frame[code].isin(local_authorities()["la_code"])]


@cache
def single_year_ages() -> pd.DataFrame:
    """The shipped ONS single-year-of-age table (0-17 and "all"), as published."""
    return read_reference(
        "ons_mye_persons_age0_17_ew_2011_2020_2021_2022_2023.csv", dtype={"age": str}
    )


@cache
def children_0_17_published() -> pd.DataFrame:
    """Children 0-17 as published: England 2012-2024 (DfE/ONS), England and Wales 2011,
    Wales 2021-2023; by 2024 authority where the year's geography has it."""
    dfe = read_reference("dfe_ons_mye_children_0_17_by_la_england_2012_2024.csv", dtype=str)
    dfe = dfe[dfe["geographic_level"] == "Local authority"]
    dfe = dfe[dfe["population_estimate"] != "x"]
    england = pd.DataFrame(
        {
            "area_code": dfe["new_la_code"],
            "year": dfe["time_period"].astype(int),
            "population": dfe["population_estimate"].astype(float),
        }
    )
    ages = single_year_ages()
    ages = ages[ages["age"] != "all"]
    ons = ages.groupby(["year", "area_code"], as_index=False)["population"].sum()
    wales = ons[ons["area_code"].str.startswith("W") & ons["year"].isin([2021, 2022, 2023])]
    ons_2011 = ons[ons["year"] == 2011]
    published = pd.concat([england, ons_2011, wales], ignore_index=True)
    return _to_2024(published)[["area_code", "year", "population"]]


def _interpolate(known: pd.DataFrame, years) -> pd.DataFrame:
    """Linear interpolation by year (columns = series), the nearest value outside."""
    known = known.sort_index()
    out = pd.DataFrame(index=list(years), columns=known.columns, dtype=float)
    for column in known.columns:
        series = known[column].dropna()
        out[column] = np.interp(out.index, series.index, series.to_numpy())
    return out


@cache
def _totals() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Children 0-17 (year x authority) and whether each value is estimated."""
    las = local_authorities()
    codes = las["la_code"].tolist()
    years = list(range(2011, 2025))
    pub = children_0_17_published().pivot_table(
        index="year", columns="area_code", values="population"
    )
    pub = pub.reindex(index=years, columns=codes)
    total = pub.copy()
    estimated = pub.isna()
    # Wales 2012-2020: interpolate between the published years (2024: carried forward).
    wales = las.loc[las["country"] == "Wales", "la_code"]
    total[wales] = total[wales].fillna(_interpolate(pub[wales], years))
    # England authorities missing from a year's geography: apportion their group's total.
    _apportion_changed_areas(total, estimated)
    total.loc[2010] = total.loc[2011] * total.loc[2011] / total.loc[2012]
    total.loc[2025] = total.loc[2024]
    total = total.sort_index()
    estimated = estimated.reindex(total.index).fillna(True).astype(bool)
    if total.isna().any().any():
        missing = total.isna().stack()
        raise RuntimeError(f"children 0-17 not covered: {missing[missing].index.tolist()[:5]}")
    return total, estimated


# Groups of 2024 authorities whose boundaries changed in the period, and the codes the
# published DfE series uses for their area before the change.
CHANGED_AREAS = (
    (("E06000061", "E06000062"), ("E10000021",)),  # Northamptonshire, April 2021
    (("E06000063", "E06000064"), ("E10000006",)),  # Cumbria, April 2023
    (("E06000058", "E06000059"), ("E06000028", "E06000029", "E10000009")),  # Dorset, 2019
)


def _apportion_changed_areas(total: pd.DataFrame, estimated: pd.DataFrame) -> None:
    dfe = read_reference("dfe_ons_mye_children_0_17_by_la_england_2012_2024.csv", dtype=str)
    local = dfe[dfe["geographic_level"] == "Local authority"]
    regional = dfe[dfe["geographic_level"] == "Regional"]
    region_total = regional.set_index(["time_period", "region_code"])["population_estimate"]
    las = local_authorities().set_index("la_code")
    for members, old_codes in CHANGED_AREAS:
        members = list(members)
        shares = total[members].div(total[members].sum(axis=1), axis=0)
        shares = _interpolate(shares.dropna(), total.index)
        for year in total.index:
            if total.loc[year, members].notna().all():
                continue
            rows = local[(local["time_period"] == str(year)) & local["new_la_code"].isin(old_codes)]
            if len(rows) == len(old_codes) and (rows["population_estimate"] != "x").all():
                group = rows["population_estimate"].astype(float).sum()
            else:  # DfE publishes "x": the region's total less its other authorities
                region = las.loc[members[0], "region_code"]
                others = las.index[(las["region_code"] == region) & ~las.index.isin(members)]
                group = float(region_total[(str(year), region)]) - total.loc[year, others].sum()
            total.loc[year, members] = group * shares.loc[year, members]
            estimated.loc[year, members] = True


@cache
def _band_shares() -> tuple[dict[int, pd.DataFrame], pd.DataFrame]:
    """Published age-band populations by year (authority x band), and band shares
    interpolated for every year (MultiIndex (year, band) x authority)."""
    ages = single_year_ages()
    ages = ages[(ages["age"] != "all") & ages["year"].isin(SINGLE_AGE_YEARS)]
    ages = _to_2024(ages)
    band = pd.cut(
        ages["age"].astype(int), list(AGE_BAND_EDGES), right=False, labels=list(AGE_BANDS)
    )
    bands = (
        ages.assign(age_band=band)
        .groupby(["year", "age_band", "area_code"], observed=True, as_index=False)["population"]
        .sum()
    )
    published = {
        year: group.pivot(index="age_band", columns="area_code", values="population")
        for year, group in bands.groupby("year")
    }
    codes = local_authorities()["la_code"].tolist()
    shares = {}
    for band_name in AGE_BANDS:
        rows = {}
        for year, table in published.items():
            rows[year] = (table.loc[band_name] / table.sum()).reindex(codes)
        shares[band_name] = _interpolate(pd.DataFrame(rows).T, YEARS)
    stacked = pd.concat(shares, names=["age_band", "year"]).swaplevel().sort_index()
    return published, stacked


@cache
def _under_1_share_by_cohort() -> pd.DataFrame:
    """The under-1 share of children 0-17 in 2012-2020 (year x authority), estimated from
    the cohort: those aged 2021 - y at mid-2021, times a factor for net migration and
    deaths that moves linearly from its 2011 value (published age 0 in 2011 over those
    aged 10 in 2021) to 1 in 2021. This keeps the shape of births (the 2012 peak) that
    interpolating shares between 2011 and 2021 would lose."""
    ages = single_year_ages()
    ages = _to_2024(ages[ages["age"] != "all"])
    by_age = ages.pivot_table(index=["year", "age"], columns="area_code", values="population")
    f_2011 = by_age.loc[(2011, "0")] / by_age.loc[(2021, "10")]
    total = _totals()[0]
    rows = {}
    for year in range(2012, 2021):
        factor = f_2011 + (1 - f_2011) * (year - 2011) / 10
        cohort = by_age.loc[(2021, str(2021 - year))] * factor
        rows[year] = cohort / total.loc[year].reindex(cohort.index)
    return pd.DataFrame(rows).T


@cache
def child_population() -> pd.DataFrame:
    """Children by local authority (2024), year (mid-year, 2010-2025) and age band, with
    ``estimated`` True where the value is derived rather than published."""
    total, total_estimated = _totals()
    published, shares = _band_shares()
    under_1 = _under_1_share_by_cohort()
    frames = []
    for year in YEARS:
        year_shares = shares.loc[year].copy()
        if year in under_1.index:  # the cohort estimate, where 2021 single ages exist
            share = under_1.loc[year].reindex(total.columns)
            old = year_shares.loc["under 1"]
            rescale = ((1 - share) / (1 - old)).where(share.notna(), 1.0)
            year_shares = year_shares * rescale
            year_shares.loc["under 1"] = share.fillna(old)
        for band_name in AGE_BANDS:
            value = total.loc[year] * year_shares.loc[band_name]
            flag = pd.Series(True, index=total.columns)
            if year in published:
                table = published[year].reindex(columns=total.columns)
                agrees = (table.sum() / total.loc[year] - 1).abs() <= BAND_TOLERANCE
                exact = agrees & ~total_estimated.loc[year] & table.loc[band_name].notna()
                value = value.where(~exact, table.loc[band_name])
                flag = ~exact
            frames.append(
                pd.DataFrame(
                    {
                        "la_code": total.columns,
                        "year": year,
                        "age_band": band_name,
                        "population": value.to_numpy(dtype=float),
                        "estimated": flag.to_numpy(dtype=bool),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def children_0_17() -> pd.DataFrame:
    """Children aged 0-17 by local authority and year (the sum of the age bands), with
    ``estimated`` True where the 0-17 total itself is derived rather than published."""
    pop = child_population().groupby(["la_code", "year"], as_index=False)["population"].sum()
    flags = _totals()[1].rename_axis(index="year", columns="la_code").stack()
    return pop.merge(flags.rename("estimated").reset_index(), on=["la_code", "year"])


@cache
def live_births() -> pd.DataFrame:
    """Live births by local authority and calendar year 2010-2025: all ESTIMATED (see the
    module docstring), flagged ``estimated``."""
    pop = child_population()
    under_1 = pop[pop["age_band"] == "under 1"].pivot(
        index="year", columns="la_code", values="population"
    )
    births = read_reference("ons_mye_components_births_midyear_ew.csv")
    births = _to_2024(births[births["mid_year_end"] == 2023]).set_index("area_code")["births"]
    age0 = single_year_ages()
    age0 = _to_2024(age0[(age0["year"] == 2023) & (age0["age"] == "0")])
    ratio = births / age0.set_index("area_code")["population"]
    ratio = ratio.reindex(under_1.columns)
    mid_year = under_1 * ratio  # births in the 12 months to 30 June of each year
    mid_year.loc[max(YEARS) + 1] = mid_year.loc[max(YEARS)]
    calendar = (
        mid_year.loc[list(YEARS)].to_numpy() + mid_year.loc[[y + 1 for y in YEARS]].to_numpy()
    ) / 2
    frame = pd.DataFrame(calendar, index=list(YEARS), columns=under_1.columns)
    out = frame.rename_axis(index="year", columns="la_code").stack().rename("live_births")
    out = out.reset_index()[["la_code", "year", "live_births"]]
    return out.assign(estimated=True)
