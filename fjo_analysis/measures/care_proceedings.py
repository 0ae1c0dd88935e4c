"""How many children are subject to care proceedings (section 31), and at what ages."""

from __future__ import annotations

import pandas as pd

from fjo_analysis.measures.common import care_proceedings, child_years, per_year
from fjo_analysis.reference import AGE_BANDS

AGE_NOT_KNOWN = "not known"


def children_by_year(rows: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Children in care proceedings each year (each child once a year)."""
    counts = child_years(care_proceedings(rows)).groupby("financial_year").size()
    return pd.DataFrame({"financial_year": years, "children": per_year(counts, years)})


def children_by_age_band(rows: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Children by age band at issue each year ("not known" without a birth date)."""
    children = child_years(care_proceedings(rows))
    band = children["age_band"].astype(object).fillna(AGE_NOT_KNOWN)
    counts = children.assign(age_band=band).groupby(["financial_year", "age_band"]).size()
    index = pd.MultiIndex.from_product([years, [*AGE_BANDS, AGE_NOT_KNOWN]])
    table = counts.reindex(index, fill_value=0).rename("children").reset_index()
    table.columns = ["financial_year", "age_band", "children"]
    return table
