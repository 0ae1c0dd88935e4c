"""Who comes to court in private law: children in s8 applications, applicants, repeats.

A repeat application is a case in which at least one child was in an earlier private-law
case (anywhere) issued within the previous three years; years without three years of
earlier data are not available.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fjo_analysis.measures.common import child_years, per_year, private_law

REPEAT_YEARS = 3
REPEAT_WINDOW_DAYS = round(REPEAT_YEARS * 365.25)
S8_APPLICATION = "child_arrangements_s8"
APPLICANT_LABELS = {
    "father": "Father",
    "mother": "Mother",
    "both_parents": "Both parents",
    "other_relative": "Other relative",
    "other": "Other applicant",
}


def s8_children_by_year(rows: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Children in child arrangements (s8) applications each year (each child once)."""
    s8 = private_law(rows)
    s8 = s8[s8["application_type"] == S8_APPLICATION]
    counts = child_years(s8).groupby("financial_year").size()
    return pd.DataFrame({"financial_year": years, "children": per_year(counts, years)})


def applicants_by_year(rows: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Private-law cases each year by who applied (the applicants add up to all cases)."""
    per_case = private_law(rows).drop_duplicates("case_id")
    counts = per_case.groupby(["financial_year", "applicant_type"], observed=True).size()
    index = pd.MultiIndex.from_product([years, list(APPLICANT_LABELS)])
    table = counts.reindex(index, fill_value=0).rename("cases").reset_index()
    table.columns = ["financial_year", "applicant", "cases"]
    table["applicant"] = table["applicant"].map(APPLICANT_LABELS)
    return table


def repeat_flags(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per private-law case: its year, area and whether a child of it was in an
    earlier private-law case (in any area) in the previous three years."""
    private = private_law(rows)
    child = pd.factorize(private["child_id"])[0]  # integer keys sort much faster than text
    case = pd.factorize(private["case_id"])[0]
    day = private["issue_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    order = np.lexsort((case, day, child))
    child_o, day_o = child[order], day[order]
    # the previous *distinct* issue day of the same child (cases on one day are one event)
    new_day = np.r_[True, (child_o[1:] != child_o[:-1]) | (day_o[1:] != day_o[:-1])]
    day_start = np.maximum.accumulate(np.where(new_day, np.arange(len(day_o)), 0))
    before = np.maximum(day_start - 1, 0)
    has_previous = (day_start > 0) & (child_o[before] == child_o)
    gap = day_o - day_o[before]
    repeat = np.empty(len(order), dtype=bool)
    repeat[order] = has_previous & (gap <= REPEAT_WINDOW_DAYS)
    keys = ["case_id", "financial_year"]
    keys += [c for c in ("country", "region_code", "la_unit_code") if c in private]
    flags = private[keys].assign(repeat=repeat)
    return flags.groupby(keys, observed=True, sort=False)["repeat"].any().reset_index()


def repeats_by_year(flags: pd.DataFrame, years: list[int], data_from: int) -> pd.DataFrame:
    """Private-law cases each year and how many were repeat applications (not available
    for years less than three years after ``data_from``)."""
    grouped = flags.groupby("financial_year")
    table = pd.DataFrame(
        {
            "financial_year": years,
            "cases": per_year(grouped.size(), years),
            "repeat_cases": per_year(grouped["repeat"].sum(), years),
        }
    )
    table["repeat_cases"] = table["repeat_cases"].astype("Int64")
    table.loc[table["financial_year"] < data_from + REPEAT_YEARS, "repeat_cases"] = pd.NA
    return table
