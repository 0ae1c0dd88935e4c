"""How care proceedings end: final orders by year of issue, and children still waiting.

Children are counted once a year, by their earliest case that year (as in the counts of
children in care proceedings), so the orders of a year and the children still waiting for
one add up to that year's children.
"""

from __future__ import annotations

import pandas as pd

from fjo_analysis.measures.common import care_proceedings, child_years

ORDER_LABELS = {
    "care": "Care order",
    "placement": "Placement order",
    "special_guardianship": "Special guardianship order",
    "supervision": "Supervision order",
    "child_arrangements": "Child arrangements order",
    "no_order_withdrawn": "No order or withdrawn",
    "other": "Other",
}
STILL_OPEN = "No final order yet"
ORDERS_OVER_TIME = ("Placement order", "Special guardianship order", "Supervision order")


def orders_by_year(rows: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Children by final order (or none yet) and year of issue."""
    children = child_years(care_proceedings(rows))
    order = children["final_order"].astype(object).map(ORDER_LABELS)
    order = order.where(~children["is_open"].to_numpy(), STILL_OPEN)
    labels = [*ORDER_LABELS.values(), STILL_OPEN]
    counts = children.assign(final_order=order).groupby(["financial_year", "final_order"]).size()
    index = pd.MultiIndex.from_product([years, labels])
    table = counts.reindex(index, fill_value=0).rename("children").reset_index()
    table.columns = ["financial_year", "final_order", "children"]
    return table
