"""The areas a briefing can be about, and the local-authority lookups behind them.

Briefing areas are England, Wales and the nine English regions. Local authorities
(children's services authorities, April 2024 boundaries) map to region, country and
Designated Family Judge area through the shipped ``reference/areas.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from fjo_analysis.settings import REFERENCE_DIR

ENGLAND = "E92000001"
WALES = "W92000004"
COUNTRY_CODES = {"England": ENGLAND, "Wales": WALES}


@dataclass(frozen=True)
class Area:
    """A briefing area: a country or an English region."""

    code: str
    name: str
    level: str  # "country" or "region"
    country: str


@cache
def local_authorities() -> pd.DataFrame:
    """Local authorities with region, country, DFJ area and an approximate population."""
    return pd.read_csv(REFERENCE_DIR / "areas.csv", comment="#", dtype={"la_code": str})


@cache
def briefing_areas() -> dict[str, Area]:
    """England, Wales and the nine English regions, by GSS code."""
    las = local_authorities()
    areas = {code: Area(code, name, "country", name) for name, code in COUNTRY_CODES.items()}
    regions = las.loc[las["country"] == "England", ["region_code", "region_name"]]
    for code, name in regions.drop_duplicates().itertuples(index=False):
        areas[code] = Area(code, name, "region", "England")
    return areas


def area(code: str) -> Area:
    """The briefing area with this GSS code, or a ValueError naming the known codes."""
    try:
        return briefing_areas()[code]
    except KeyError:
        known = ", ".join(sorted(briefing_areas()))
        raise ValueError(f"unknown area code {code!r}; expected one of {known}") from None


def la_codes_in(code: str) -> list[str]:
    """The local-authority codes that make up a briefing area."""
    the_area = area(code)
    las = local_authorities()
    column = "country" if the_area.level == "country" else "region_code"
    value = the_area.name if the_area.level == "country" else the_area.code
    return las.loc[las[column] == value, "la_code"].tolist()
