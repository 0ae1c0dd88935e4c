"""Newborns (under 7 days at issue) and infants (under 1 year) in care proceedings.

Rates are per 10,000 live births in the calendar year in which the financial year starts.
Urgent first hearings are among children with a recorded notice period: same day (0
days), emergency (under 3 days) and short notice (under 7 days).
"""

from __future__ import annotations

import pandas as pd

from fjo_analysis.disclosure import declare
from fjo_analysis.measures.care_proceedings import public_law
from fjo_analysis.measures.common import births, in_area, with_year_label, years_of
from fjo_analysis.measures.rates import rate_per_10k, wilson_ci

URGENCY = {"same day": 1, "under 3 days": 3, "under 7 days": 7}


def by_year(cases: pd.DataFrame, code: str) -> pd.DataFrame:
    """Newborns and infants per year, rates per 10,000 live births, newborn share of infants."""
    public = in_area(public_law(cases), code).drop_duplicates(["financial_year", "child_id"])
    years = years_of(cases)
    grouped = public.groupby("financial_year")
    newborns = grouped["newborn"].sum().reindex(years, fill_value=0).astype(int)
    infants = grouped["infant"].sum().reindex(years, fill_value=0).astype(int)
    live = births(code, years).to_numpy()
    table = pd.DataFrame(
        {"financial_year": years, "newborns": newborns.to_numpy(), "infants": infants.to_numpy()}
    )
    nb_rate = rate_per_10k(table["newborns"], live)
    inf_rate = rate_per_10k(table["infants"], live)
    table["newborn_rate"] = nb_rate["rate"]
    table["newborn_rate_lower"] = nb_rate["rate_lower"]
    table["newborn_rate_upper"] = nb_rate["rate_upper"]
    table["infant_rate"] = inf_rate["rate"]
    low, high = wilson_ci(table["newborns"], table["infants"])
    table["newborn_share_pct"] = (
        100 * table["newborns"] / table["infants"].where(table["infants"] > 0)
    )
    table["newborn_share_lower"] = 100 * low
    table["newborn_share_upper"] = 100 * high
    derived = {
        c: "newborns"
        for c in (
            "newborn_rate",
            "newborn_rate_lower",
            "newborn_rate_upper",
            "newborn_share_pct",
            "newborn_share_lower",
            "newborn_share_upper",
        )
    }
    derived["infant_rate"] = "infants"
    return declare(with_year_label(table), counts=["newborns", "infants"], derived=derived)


def urgent_hearings(cases: pd.DataFrame, code: str, first_year: int) -> pd.DataFrame:
    """Newborns and older children by notice of the first hearing, from ``first_year`` on."""
    public = in_area(public_law(cases), code)
    public = public[
        (public["financial_year"] >= first_year) & public["first_hearing_notice_days"].notna()
    ]
    rows = []
    for group, members in (
        ("newborns", public[public["newborn"]]),
        ("children aged 1 week and over", public[~public["newborn"]]),
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
    return declare(
        table,
        counts=["children", "with_notice_recorded"],
        derived={"share_pct": "children", "share_lower": "children", "share_upper": "children"},
    )
