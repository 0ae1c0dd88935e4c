"""How long care proceedings take, against the 26-week limit.

Duration is per case (siblings share one). Open cases are censored at the extract date,
not dropped: medians, quartiles and the share concluded within 26 weeks come from the
Kaplan-Meier estimate, so a year with many open cases is not made to look quick.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fjo_analysis.disclosure import declare
from fjo_analysis.measures.care_proceedings import public_law
from fjo_analysis.measures.common import in_area, with_year_label, years_of
from fjo_analysis.stats.survival import kaplan_meier, quantile_time, survival_at

COLUMNS = [
    "law_type",
    "case_id",
    "financial_year",
    "country",
    "region_code",
    "duration_weeks",
    "is_open",
]
LIMIT_WEEKS = 26
LIMIT_FROM = 2014  # the 26-week limit applied from April 2014 (Children and Families Act 2014)
MOSTLY_CONCLUDED_OPEN_SHARE = 0.1  # a year's figures are settled once 90% of cases have closed
DURATION_COLUMNS = [
    "mostly_concluded",
    "median_weeks",
    "lower_quartile_weeks",
    "upper_quartile_weeks",
    "within_26_weeks_pct",
]


def public_cases(cases: pd.DataFrame, code: str) -> pd.DataFrame:
    """One row per public-law case in the area (duration and status are per case)."""
    return in_area(public_law(cases), code).drop_duplicates("case_id")


def _durations(cases: pd.DataFrame, code: str) -> pd.DataFrame:
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
                "mostly_concluded": len(year_cases) > 0
                and year_cases["is_open"].mean() <= MOSTLY_CONCLUDED_OPEN_SHARE,
            }
        )
    return pd.DataFrame(rows)


def by_year(cases: pd.DataFrame, code: str, comparator: str | None = None) -> pd.DataFrame:
    """Cases issued per year: median weeks with interquartile range, % within 26 weeks;
    with a comparator area, its median and % within 26 weeks alongside."""
    table = _durations(cases, code)
    derived = dict.fromkeys(DURATION_COLUMNS, "cases")
    if comparator is not None:
        other = _durations(cases, comparator)
        for column in ("median_weeks", "within_26_weeks_pct"):
            table[f"comparator_{column}"] = other[column].to_numpy()
            derived[f"comparator_{column}"] = "cases"
    return declare(with_year_label(table), counts=["cases", "open_cases"], derived=derived)


def latest_settled(published: pd.DataFrame) -> pd.Series:
    """The latest year whose cases have mostly concluded (else the first year)."""
    settled = published[
        published["mostly_concluded"].map(lambda v: isinstance(v, bool | np.bool_) and bool(v))
    ]
    return settled.iloc[-1] if len(settled) else published.iloc[0]
