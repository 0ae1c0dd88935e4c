"""How care proceedings end: final orders by year (children in closed cases)."""

from __future__ import annotations

import pandas as pd

from fjo_analysis.disclosure import declare
from fjo_analysis.measures.care_proceedings import public_law
from fjo_analysis.measures.common import in_area, with_year_label, years_of
from fjo_analysis.stats.rates import wilson_ci

COLUMNS = ["law_type", "financial_year", "country", "region_code", "is_open", "final_order"]
ORDER_LABELS = {
    "care": "Care order",
    "placement": "Placement order",
    "special_guardianship": "Special guardianship order",
    "supervision": "Supervision order",
    "child_arrangements": "Child arrangements order",
    "no_order_withdrawn": "No order or withdrawn",
    "other": "Other",
}
ORDERS_OVER_TIME = ("Placement order", "Special guardianship order", "Supervision order")


def by_year(cases: pd.DataFrame, code: str) -> pd.DataFrame:
    """Children by final order and year of issue, with each order's share and Wilson interval.

    The orders of one year add up to the year's closed cases, so they form one group for
    secondary suppression.
    """
    closed = in_area(public_law(cases), code)
    closed = closed[~closed["is_open"]]
    years = years_of(cases)
    counts = (
        closed.groupby(["financial_year", "final_order"], observed=False)
        .size()
        .reindex(pd.MultiIndex.from_product([years, list(ORDER_LABELS)]), fill_value=0)
    )
    table = counts.rename("children").reset_index()
    table.columns = ["financial_year", "final_order", "children"]
    totals = table.groupby("financial_year")["children"].transform("sum")
    table["share_pct"] = 100 * table["children"] / totals.where(totals > 0)
    low, high = wilson_ci(table["children"], totals)
    table["share_lower"], table["share_upper"] = 100 * low, 100 * high
    table["final_order"] = table["final_order"].map(ORDER_LABELS)
    table = with_year_label(table)
    return declare(
        table,
        counts=["children"],
        derived={c: "children" for c in ("share_pct", "share_lower", "share_upper")},
        groups=["financial_year"],
    )


def open_share(cases: pd.DataFrame, code: str) -> pd.DataFrame:
    """Children whose proceedings were still open at the extract date, by year of issue."""
    public = in_area(public_law(cases), code)
    years = years_of(cases)
    grouped = public.groupby("financial_year")
    table = pd.DataFrame(
        {
            "financial_year": years,
            "children": grouped.size().reindex(years, fill_value=0).to_numpy(),
            "open": grouped["is_open"].sum().reindex(years, fill_value=0).astype(int).to_numpy(),
        }
    )
    table["open_pct"] = 100 * table["open"] / table["children"].where(table["children"] > 0)
    return declare(
        with_year_label(table), counts=["children", "open"], derived={"open_pct": "open"}
    )


def latest_settled_year(cases: pd.DataFrame, code: str, open_share: float = 0.1) -> int:
    """The latest year of issue in which at most ``open_share`` of children await an order."""
    public = in_area(public_law(cases), code)
    share = public.groupby("financial_year")["is_open"].mean()
    settled = share[share <= open_share]
    return int(settled.index.max() if len(settled) else share.index.min())
