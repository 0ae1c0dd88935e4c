"""Newborns (under 7 days at issue) and infants (under 1 year) in care proceedings.

Rates are per 10,000 live births in the calendar year in which the financial year starts.
Urgent first hearings are among children with a recorded notice period: same day (0
days), emergency (under 3 days) and short notice (under 7 days).
"""

from __future__ import annotations

import pandas as pd

from fjo_analysis.areas import ENGLAND, area
from fjo_analysis.disclosure import declare
from fjo_analysis.measures.care_proceedings import public_law
from fjo_analysis.measures.common import (
    RATE_DERIVED,
    add_comparison,
    area_codes_compared,
    births,
    compare_areas,
    in_area,
    rate_table,
    trend_of,
    with_year_label,
    years_of,
)
from fjo_analysis.stats.rates import wilson_ci
from fjo_analysis.stats.trends import Trend

COLUMNS = [
    "law_type",
    "child_id",
    "financial_year",
    "country",
    "region_code",
    "newborn",
    "infant",
    "first_hearing_notice_days",
]
URGENCY = {"same day": 1, "under 3 days": 3, "under 7 days": 7}


def _children(cases: pd.DataFrame, code: str) -> pd.DataFrame:
    return in_area(public_law(cases), code).drop_duplicates(["financial_year", "child_id"])


def _newborn_rates(cases: pd.DataFrame, code: str) -> pd.DataFrame:
    years = years_of(cases)
    counts = _children(cases, code).groupby("financial_year")["newborn"].sum()
    return rate_table(years, counts, births(code, years), "newborns")


def by_year(cases: pd.DataFrame, code: str, comparator: str | None = None) -> pd.DataFrame:
    """Newborns and infants per year, newborns per 10,000 live births (with a comparator's
    rate and a funnel comparison), infants per 10,000 live births, newborn share of infants."""
    table = _newborn_rates(cases, code)
    if comparator is not None:
        table = add_comparison(table, _newborn_rates(cases, comparator), "newborns")
    years = years_of(cases)
    table["infants"] = (
        _children(cases, code)
        .groupby("financial_year")["infant"]
        .sum()
        .reindex(years, fill_value=0)
        .astype(int)
        .to_numpy()
    )
    table["infant_rate"] = table["infants"] / table["population"] * 1e4
    table["newborn_share_pct"] = (
        100 * table["newborns"] / table["infants"].where(table["infants"] > 0)
    )
    low, high = wilson_ci(table["newborns"], table["infants"])
    table["newborn_share_lower"], table["newborn_share_upper"] = 100 * low, 100 * high
    table = with_year_label(table.drop(columns="population"))
    derived = {c: "newborns" for c in RATE_DERIVED if c in table}
    derived |= {
        c: "newborns" for c in ("newborn_share_pct", "newborn_share_lower", "newborn_share_upper")
    }
    derived["infant_rate"] = "infants"
    return declare(table, counts=["newborns", "infants"], derived=derived)


def trend(cases: pd.DataFrame, code: str, since: int) -> Trend | None:
    """Annual % change in newborns per 10,000 live births from ``since``."""
    return trend_of(_newborn_rates(cases, code), "newborns", since)


def areas_compared(cases: pd.DataFrame, year: int) -> pd.DataFrame:
    """Newborns per 10,000 live births in the regions, England and Wales, against England."""
    tables = {area(code).name: _newborn_rates(cases, code) for code in area_codes_compared()}
    table = compare_areas(tables, area(ENGLAND).name, year, "newborns")
    return declare(
        table,
        counts=["newborns"],
        derived={c: "newborns" for c in RATE_DERIVED if c in table},
        groups=[],
    )


def urgent_hearings(cases: pd.DataFrame, code: str, first_year: int) -> pd.DataFrame:
    """Newborns and older children by notice of the first hearing, from ``first_year`` on."""
    public = in_area(public_law(cases), code)
    public = public[
        (public["financial_year"] >= first_year)
        & public["first_hearing_notice_days"].notna()
        & public["newborn"].notna()  # a child with no birth date has no age group
    ]
    rows = []
    for group, members in (
        ("Newborns", public[public["newborn"]]),
        ("Children aged 1 week and over", public[~public["newborn"]]),
    ):
        days = members["first_hearing_notice_days"].astype(float)
        for label, limit in URGENCY.items():
            hits = int((days < limit).sum())
            low, high = wilson_ci(hits, len(days))
            rows.append(
                {
                    "group": group,
                    "notice": label,
                    "children": hits,
                    "with_notice_recorded": len(days),
                    "share_pct": 100 * hits / len(days) if len(days) else float("nan"),
                    "share_lower": 100 * float(low),
                    "share_upper": 100 * float(high),
                }
            )
    table = pd.DataFrame(rows)
    table.insert(0, "label", table["group"] + ": " + table["notice"])
    return declare(
        table,
        counts=["children", "with_notice_recorded"],
        derived={"share_pct": "children", "share_lower": "children", "share_upper": "children"},
    )
