"""Areas: England, Wales, regions, local authorities (April 2024), DFJ areas, code history.

Local authorities are the 175 children's-services (upper-tier) authorities of April 2024
(153 England, 22 Wales; ONS/DfE, ``reference/utla_2024_england_wales.csv``). Welsh
authorities carry Wales (``W92000004``) as their region, as DfE does. Each authority's
Designated Family Judge (DFJ) area uses the real HMCTS area names, but which authorities
each area covers is APPROXIMATE (``reference/la_dfj_areas_approximate.csv``): no official
lookup was found.

Code history. A real extract carries the local-authority code in force on the case's
date. :func:`map_codes` maps each code to a unit of the April-2024 geography
(``reference/utla_code_changes_2009_2025.csv``, chains followed):

* ``current``: a code in force in April 2024;
* ``retired→successor``: a retired code whose area went to one 2024 authority (a merge, a
  re-coding, a county that became a unitary authority);
* ``combined unit``: a retired code whose area SPLIT between 2024 authorities
  (Northamptonshire 2021, Cumbria 2023; Bedfordshire, Cheshire, Cornwall 2009). Its cases
  are reported under a combined unit of the successors (code as DfE writes it, e.g.
  ``E06000061 / E06000062`` "North Northamptonshire / West Northamptonshire"), never
  given to one successor;
* ``newer code→2024 unit``: a code created after April 2024 for a 2024 authority
  (Barnsley and Sheffield, May 2025), mapped back to the 2024 code;
* ``unknown``: neither current nor historical (see :func:`unknown_codes`).

Dorset 2019: Christchurch moved from Dorset county (E10000009) to Bournemouth, Christchurch
and Poole, but the code history maps the county to Dorset unitary authority; region and
country are right either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from fjo_analysis.settings import REFERENCE_DIR

ENGLAND = "E92000001"
WALES = "W92000004"
COUNTRY_CODES = {"England": ENGLAND, "Wales": WALES}
GEOGRAPHY_DATE = pd.Timestamp("2024-04-01")
#: What :func:`unknown_codes` names as the reference it checked against.
REFERENCE_VINTAGE = (
    "ONS/DfE upper-tier local authorities of April 2024, code changes 2009 to May 2025 "
    "(fjo_analysis/reference/utla_2024_england_wales.csv, utla_code_changes_2009_2025.csv)"
)
CURRENT = "current"
RETIRED = "retired→successor"
COMBINED = "combined unit"
NEWER = "newer code→2024 unit"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Area:
    """An area a briefing or table can be about.

    ``level`` is "country" or "region" (briefing areas), "la" (a 2024 local authority),
    "combined" (a combined unit of split authorities) or "dfj" (a family court area);
    ``parent`` is the region (Wales for a Welsh authority) an authority is part of, or the
    country of a family court area.
    """

    code: str
    name: str
    level: str
    country: str
    parent: str = ""


def read_reference(name: str, **kwargs) -> pd.DataFrame:
    """A shipped reference CSV, skipping its ``#`` provenance header lines."""
    path = REFERENCE_DIR / name
    with open(path, encoding="utf-8") as handle:
        skip = 0
        for line in handle:
            if not line.startswith("#"):
                break
            skip += 1
    return pd.read_csv(path, skiprows=skip, **kwargs)


@cache
def local_authorities() -> pd.DataFrame:
    """One row per 2024 children's-services authority: codes, names, region, country, DFJ."""
    utla = read_reference("utla_2024_england_wales.csv", dtype=str)
    dfj = read_reference("la_dfj_areas_approximate.csv", dtype=str)
    las = pd.DataFrame(
        {
            "la_code": utla["utla_code"],
            "la_name": utla["utla_name"],
            "la_name_welsh": utla["utla_name_welsh"],
            "region_code": utla["region_code"].fillna(WALES),
            "region_name": utla["region_name"].fillna("Wales"),
            "country": utla["country_name"],
            "la_type": utla["la_type"],
            "dfe_la_code": utla["dfe_old_la_code"],
            "code_from": pd.to_datetime(utla["code_live_from_dfe"], format="%d/%m/%Y"),
        }
    )
    las = las.merge(dfj[["la_code", "dfj_area_code", "dfj_area_name"]], on="la_code", how="left")
    return las.rename(columns={"dfj_area_name": "dfj_area"})


@cache
def code_changes() -> pd.DataFrame:
    """Every retired code and its successor(s), with the date the change took effect."""
    changes = read_reference("utla_code_changes_2009_2025.csv", dtype=str)
    changes["effective_date"] = pd.to_datetime(changes["effective_date"])
    return changes


def _current_unit(code: str, changes: pd.DataFrame, current: set[str]) -> set[str]:
    """The 2024 authorities a (possibly retired) code's area went to, following chains."""
    if code in current:
        return {code}
    successors = changes.loc[changes["old_code"] == code, "new_code"]
    return set().union(*(_current_unit(s, changes, current) for s in successors))


@cache
def units() -> pd.DataFrame:
    """The units cases are reported under: the 2024 authorities and the combined units of
    split authorities (``members``: the authorities a combined unit stands for)."""
    las = local_authorities().assign(members=lambda d: d["la_code"], combined=False)
    changes = code_changes()
    current = set(las["la_code"])
    by_code = las.set_index("la_code")
    rows = []
    for old in changes["old_code"].unique():
        members = sorted(_current_unit(old, changes, current))
        if len(members) < 2:
            continue
        parts = by_code.loc[members]
        if parts["region_code"].nunique() != 1:  # never happened since 2009; refuse to guess
            raise ValueError(f"split code {old} spans regions: {members}")
        same_dfj = parts["dfj_area_code"].nunique() == 1
        rows.append(
            {
                "la_code": " / ".join(members),
                "la_name": " / ".join(parts["la_name"]),
                "la_name_welsh": None,
                **parts.iloc[0][["region_code", "region_name", "country"]].to_dict(),
                "la_type": "Combined unit (authority split)",
                "dfe_la_code": None,
                "code_from": None,
                "dfj_area_code": parts["dfj_area_code"].iloc[0] if same_dfj else None,
                "dfj_area": parts["dfj_area"].iloc[0] if same_dfj else None,
                "members": ";".join(members),
                "combined": True,
            }
        )
    combined = pd.DataFrame(rows).drop_duplicates("la_code")
    return pd.concat([las, combined], ignore_index=True)


@cache
def code_lookup() -> pd.DataFrame:
    """Every known code (current, retired, newer) -> its 2024 unit, how it was mapped and
    the dates it was in force (``valid_from`` may be empty where the file does not say)."""
    las = local_authorities()
    changes = code_changes()
    current = set(las["la_code"])
    rows = [
        {"code": c, "unit_code": c, "mapping": CURRENT, "valid_from": d, "valid_to": pd.NaT}
        for c, d in zip(las["la_code"], las["code_from"], strict=True)
    ]
    starts = changes.groupby("new_code")["effective_date"].min()
    for old, group in changes.groupby("old_code", sort=True):
        end = group["effective_date"].min() - pd.Timedelta(days=1)
        if old in current:  # retired after April 2024: its newer code maps back to it
            for new in group["new_code"]:
                rows.append(
                    {
                        "code": new,
                        "unit_code": old,
                        "mapping": NEWER,
                        "valid_from": starts.get(new),
                        "valid_to": pd.NaT,
                    }
                )
            continue
        members = sorted(_current_unit(old, changes, current))
        rows.append(
            {
                "code": old,
                "unit_code": " / ".join(members),
                "mapping": COMBINED if len(members) > 1 else RETIRED,
                "valid_from": starts.get(old, pd.NaT),
                "valid_to": end,
            }
        )
    lookup = pd.DataFrame(rows).drop_duplicates("code").set_index("code")
    dfe = read_reference("dfe_las_history.csv", dtype=str).drop_duplicates("new_la_code")
    dfe = dfe.set_index("new_la_code")
    operation = pd.to_datetime(dfe["date_of_operation"], format="%d/%m/%Y")
    termination = pd.to_datetime(dfe["date_of_termination"], format="%d/%m/%Y")
    lookup["valid_from"] = lookup["valid_from"].fillna(operation.reindex(lookup.index))
    retired = lookup["mapping"].isin([RETIRED, COMBINED])
    lookup.loc[retired, "valid_to"] = lookup.loc[retired, "valid_to"].fillna(
        termination.reindex(lookup.index)[retired]
    )
    return lookup


def map_codes(codes: pd.Series, dates: pd.Series) -> pd.DataFrame:
    """For each row: the April-2024 unit its local-authority code stands for, how it was
    mapped, and whether the code was in force on the row's date (codes unknown to the
    reference get ``unit_code`` empty and mapping ``unknown``). Vectorised over distinct
    codes, so it is fast on millions of rows."""
    codes = pd.Series(codes)
    lookup = code_lookup()
    as_cat = codes.astype("category")
    cats = pd.Index(as_cat.cat.categories.astype(str))
    known = cats.isin(lookup.index)
    unit_names = sorted(units()["la_code"])
    kinds = [CURRENT, RETIRED, COMBINED, NEWER, UNKNOWN]
    found = lookup.reindex(cats)
    # Per distinct code: positions in the unit and mapping categories (-1: no unit).
    unit_pos = pd.Index(unit_names).get_indexer(found["unit_code"].where(known, None))
    kind_pos = pd.Index(kinds).get_indexer(found["mapping"].where(known, UNKNOWN))
    start = found["valid_from"].to_numpy(dtype="datetime64[ns]")
    end = found["valid_to"].to_numpy(dtype="datetime64[ns]")
    # Per row, through the category codes (-1 for an empty code).
    index = as_cat.cat.codes.to_numpy()
    missing = index < 0
    if len(cats) == 0:
        unit_pos, kind_pos, known = np.array([-1]), np.array([kinds.index(UNKNOWN)]), [False]
        start = end = np.array(["NaT"], dtype="datetime64[ns]")
    safe = np.where(missing, 0, index)
    row_unit = np.where(missing, -1, unit_pos[safe])
    row_kind = np.where(missing, kinds.index(UNKNOWN), kind_pos[safe])
    when = pd.to_datetime(pd.Series(dates)).to_numpy(dtype="datetime64[ns]")
    row_start, row_end = start[safe], end[safe]
    in_force = (np.isnat(row_start) | (when >= row_start)) & (np.isnat(row_end) | (when <= row_end))
    return pd.DataFrame(
        {
            "unit_code": pd.Categorical.from_codes(row_unit, categories=unit_names),
            "mapping": pd.Categorical.from_codes(row_kind, categories=kinds),
            "code_in_force": in_force & np.asarray(known)[safe] & ~missing,
        },
        index=codes.index,
    )


def unknown_codes(codes: pd.Series) -> pd.DataFrame:
    """Codes neither current nor historical: each once, with its row count and the
    reference vintage it was checked against (empty codes are not listed here)."""
    codes = pd.Series(codes).dropna().astype(str)
    unknown = codes[~codes.isin(code_lookup().index)]
    counts = unknown.value_counts().rename_axis("code").reset_index(name="rows")
    counts = counts.sort_values(["rows", "code"], ascending=[False, True], ignore_index=True)
    return counts.assign(reference_vintage=REFERENCE_VINTAGE)


def mapping_counts(original: pd.Series, mapped: pd.DataFrame) -> pd.DataFrame:
    """Rows per (from code, to unit, mapping), for every code not mapped as itself."""
    frame = pd.DataFrame(
        {
            "from_code": pd.Series(original).astype(str).to_numpy(),
            "to_unit": mapped["unit_code"].astype(object).to_numpy(),
            "mapping": mapped["mapping"].astype(str).to_numpy(),
        }
    )
    frame = frame[frame["mapping"] != CURRENT]
    counts = frame.groupby(["from_code", "to_unit", "mapping"], dropna=False).size()
    return counts.reset_index(name="rows").sort_values("from_code", ignore_index=True)


@cache
def briefing_areas() -> dict[str, Area]:
    """England, Wales and the nine English regions, by GSS code."""
    las = local_authorities()
    areas = {code: Area(code, name, "country", name) for name, code in COUNTRY_CODES.items()}
    regions = las.loc[las["country"] == "England", ["region_code", "region_name"]]
    for code, name in regions.drop_duplicates().sort_values("region_code").itertuples(index=False):
        areas[code] = Area(code, name, "region", "England")
    return areas


@cache
def local_areas() -> dict[str, Area]:
    """The 2024 authorities (level "la"), the combined units of split authorities (level
    "combined"), each with its region (Wales for Welsh authorities), and the family court
    (DFJ) areas (level "dfj"), each with its country; by code."""
    found = {
        row.la_code: Area(
            row.la_code,
            row.la_name,
            "combined" if row.combined else "la",
            row.country,
            row.region_code,
        )
        for row in units().itertuples(index=False)
    }
    las = local_authorities()
    for code, group in las.groupby("dfj_area_code", sort=True):
        (country,) = group["country"].unique()  # no area crosses the border
        found[code] = Area(
            code, dfj_name(group["dfj_area"].iloc[0]), "dfj", country, COUNTRY_CODES[country]
        )
    return found


def dfj_name(name: str) -> str:
    """A family court area's name as readers know it: 'Birmingham family court area',
    'Central Family Court area' (HMCTS calls them Designated Family Judge areas)."""
    name = name.replace(" & ", " and ")
    return f"{name} area" if name.endswith("Court") else f"{name} family court area"


def dfj_members(code: str) -> list[str]:
    """The units (authorities, and combined units wholly inside it) of a family court
    area: APPROXIMATE, see the module docstring."""
    return list(_members_by_dfj().get(code, ()))


@cache
def _members_by_dfj() -> dict[str, tuple[str, ...]]:
    return {
        code: tuple(sorted(group["la_code"]))
        for code, group in units().groupby("dfj_area_code", sort=True)
    }


def area(code: str) -> Area:
    """The area (briefing area or local area) with this GSS code, or a ValueError."""
    found = briefing_areas().get(code) or local_areas().get(code)
    if found is None:
        known = ", ".join(sorted(briefing_areas()))
        raise ValueError(
            f"unknown area code {code!r}; expected one of {known} or a 2024 local authority"
        ) from None
    return found


def years_in_force(code: str, years: list[int]) -> list[int]:
    """The financial years in which a local area's cases are reported under it: an
    authority created by a split only from its first April, a combined unit only before
    its members' split; every year for any other area (retired codes map to it)."""
    the_area = area(code)
    if the_area.level in ("country", "region", "dfj"):
        return list(years)
    by_code = units().set_index("la_code")
    if the_area.level == "combined":
        split = pd.to_datetime(by_code.loc[by_code.loc[code, "members"].split(";"), "code_from"])
        return [y for y in years if pd.Timestamp(y, 4, 1) < split.min()]
    split_members = set(";".join(by_code.loc[by_code["combined"], "members"]).split(";"))
    if code not in split_members:
        return list(years)
    start = pd.Timestamp(by_code.loc[code, "code_from"])
    return [y for y in years if pd.Timestamp(y, 4, 1) >= start]


def la_codes_in(code: str) -> list[str]:
    """The 2024 local-authority codes that make up an area."""
    the_area = area(code)
    if the_area.level in ("la", "combined"):
        return units().set_index("la_code").loc[code, "members"].split(";")
    if the_area.level == "dfj":
        return [c for c in dfj_members(code) if local_areas()[c].level == "la"]
    las = local_authorities()
    column = "country" if the_area.level == "country" else "region_code"
    value = the_area.name if the_area.level == "country" else the_area.code
    return las.loc[las[column] == value, "la_code"].tolist()


def region_codes(country: str = "England") -> list[str]:
    """The region codes of a country, in code order."""
    las = local_authorities()
    return sorted(las.loc[las["country"] == country, "region_code"].drop_duplicates())
