"""Regenerate the approximate denominator files shipped beside this module.

Run ``python -m fjo_analysis.reference.denominators`` to rewrite ``population.csv`` and
``live_births.csv``. Published ONS mid-year estimates and birth registrations cannot be
fetched here, so the files are APPROXIMATE: national live births per year are rounded
recollections of ONS totals; each local authority's share follows its rounded 2021
population (``areas.csv``), a regional child share and a regional birth-rate factor.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fjo_analysis.areas import local_authorities
from fjo_analysis.settings import REFERENCE_DIR

YEARS = range(2010, 2026)
# Live births, calendar year, thousands (rounded, approximate recollection of ONS figures).
BIRTHS_K = {
    "England": [687, 688, 694, 664, 661, 664, 663, 646, 626, 611, 585, 595, 578, 563, 567, 565],
    "Wales": [
        35.9,
        35.6,
        35.2,
        33.7,
        33.0,
        32.6,
        32.9,
        31.7,
        30.5,
        30.3,
        28.6,
        29.0,
        28.2,
        27.0,
        27.0,
        26.9,
    ],
}
# Children aged 0-17, millions, mid-year (rounded, approximate).
CHILDREN_M = {
    "England": np.linspace(11.33, 12.25, len(YEARS)),
    "Wales": np.linspace(0.628, 0.632, len(YEARS)),
}
CHILD_SHARE = {"London": 0.225, "South West": 0.195, "Wales": 0.200}
BIRTH_FACTOR = {"London": 1.2, "South West": 0.9, "North East": 0.93, "Wales": 0.95}
# Share of children aged 1-17 in each older band.
OLDER_BANDS = {"1-4": 0.225, "5-9": 0.30, "10-15": 0.35, "16-17": 0.125}
HEADER = (
    "# {what} by local authority and year. APPROXIMATE: not ONS figures. National totals are "
    "rounded recollections of ONS {source}; local shares follow rounded 2021 Census "
    "populations with regional factors (fjo_analysis/reference/denominators.py).\n"
)


def _shares(weights: pd.Series, country: pd.Series) -> pd.Series:
    return weights / weights.groupby(country).transform("sum")


def build() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The population and live-births tables, before writing."""
    las = local_authorities()
    pop = las["population_2021_k"].astype(float)
    child_w = pop * las["region_name"].map(CHILD_SHARE).fillna(0.213)
    birth_w = pop * las["region_name"].map(BIRTH_FACTOR).fillna(1.0)
    child_share = _shares(child_w, las["country"])
    birth_share = _shares(birth_w, las["country"])
    pop_rows, birth_rows = [], []
    for i, year in enumerate(YEARS):
        births = las["country"].map({c: v[i] for c, v in BIRTHS_K.items()}) * 1000 * birth_share
        children = las["country"].map({c: v[i] for c, v in CHILDREN_M.items()}) * 1e6 * child_share
        under_1 = births * 0.995
        bands = {"under 1": under_1} | {
            band: (children - under_1) * share for band, share in OLDER_BANDS.items()
        }
        for band, values in bands.items():
            pop_rows.append(
                pd.DataFrame(
                    {
                        "la_code": las["la_code"],
                        "year": year,
                        "age_band": band,
                        "population": np.round(values).astype(int),
                    }
                )
            )
        birth_rows.append(
            pd.DataFrame(
                {
                    "la_code": las["la_code"],
                    "year": year,
                    "live_births": np.round(births).astype(int),
                }
            )
        )
    return pd.concat(pop_rows, ignore_index=True), pd.concat(birth_rows, ignore_index=True)


def main() -> None:
    population, births = build()
    with open(REFERENCE_DIR / "population.csv", "w", encoding="utf-8") as out:
        out.write(HEADER.format(what="Children aged 0-17 by age band", source="mid-year estimates"))
        population.to_csv(out, index=False, lineterminator="\n")
    with open(REFERENCE_DIR / "live_births.csv", "w", encoding="utf-8") as out:
        out.write(HEADER.format(what="Live births (calendar year)", source="birth registrations"))
        births.to_csv(out, index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
