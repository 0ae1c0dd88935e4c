"""How long care proceedings take, against the 26-week limit.

Duration is per case (siblings share one). Open cases are censored at the extract date,
not dropped: medians, quartiles and the share concluded within 26 weeks come from the
Kaplan-Meier estimate, so a year with many open cases is not made to look quick.
"""

from __future__ import annotations

import pandas as pd

from fjo_analysis.disclosure import declare
from fjo_analysis.measures.care_proceedings import public_law
from fjo_analysis.measures.common import in_area, with_year_label, years_of
from fjo_analysis.measures.survival import kaplan_meier, quantile_time, survival_at

LIMIT_WEEKS = 26


def public_cases(cases: pd.DataFrame, code: str) -> pd.DataFrame:
    """One row per public-law case in the area (duration and status are per case)."""
    return in_area(public_law(cases), code).drop_duplicates("case_id")


def by_year(cases: pd.DataFrame, code: str) -> pd.DataFrame:
    """Cases issued per year: median weeks with interquartile range, % within 26 weeks."""
    per_case = public_cases(cases, code)
    rows = []
    for year in years_of(cases):
        year_cases = per_case[per_case["financial_year"] == year]
        curve = kaplan_meier(year_cases["duration_weeks"], ~year_cases["is_open"])
        rows.append(
            {
                "financial_year": year,
                "cases": len(year_cases),
                "open_cases": int(year_cases["is_open"].sum()),
                "median_weeks": quantile_time(curve, 0.5),
                "lower_quartile_weeks": quantile_time(curve, 0.25),
                "upper_quartile_weeks": quantile_time(curve, 0.75),
                "within_26_weeks_pct": 100 * (1 - survival_at(curve, LIMIT_WEEKS)),
            }
        )
    table = with_year_label(pd.DataFrame(rows))
    derived = {
        c: "cases"
        for c in (
            "median_weeks",
            "lower_quartile_weeks",
            "upper_quartile_weeks",
            "within_26_weeks_pct",
        )
    }
    return declare(table, counts=["cases", "open_cases"], derived=derived)
