"""How long care proceedings take, against the 26-week limit.

Duration is per case (siblings share one). Open cases are censored at the extract date,
not dropped: medians, quartiles and the share concluded within 26 weeks come from the
Kaplan-Meier estimate, so a year with many open cases is not made to look quick.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fjo_analysis.measures.common import care_proceedings
from fjo_analysis.stats.survival import kaplan_meier, quantile_time, survival_at

LIMIT_WEEKS = 26
LIMIT_FROM = 2014  # the 26-week limit applied from April 2014 (Children and Families Act 2014)
#: A year's durations are settled once at most this share of its cases is still open.
SETTLED_OPEN_SHARE = 0.1


def by_year(rows: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Cases issued each year: how many, how many still open, how many concluded within
    26 weeks, and the Kaplan-Meier median, quartiles and % within 26 weeks."""
    per_case = care_proceedings(rows).drop_duplicates("case_id")
    out = []
    for year in years:
        cases = per_case[per_case["financial_year"] == year]
        weeks, closed = cases["duration_weeks"].to_numpy(), ~cases["is_open"].to_numpy()
        curve = kaplan_meier(weeks, closed)
        out.append(
            {
                "financial_year": year,
                "cases": len(cases),
                "open_cases": int((~closed).sum()),
                "within_26_weeks": int((closed & (weeks <= LIMIT_WEEKS)).sum()),
                "median_weeks": quantile_time(curve, 0.5),
                "lower_quartile_weeks": quantile_time(curve, 0.25),
                "upper_quartile_weeks": quantile_time(curve, 0.75),
                "within_26_weeks_pct": 100 * (1 - survival_at(curve, LIMIT_WEEKS)),
            }
        )
    return pd.DataFrame(out)


def disposals_by_year(rows: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Cases concluded (disposed of) each year, by the year of their final order (the basis
    of the court statistics): how many, how many within 26 weeks, and the median weeks."""
    per_case = care_proceedings(rows).drop_duplicates("case_id")
    closed = per_case[~per_case["is_open"]]
    close = closed["close_date"]
    year = close.dt.year - (close.dt.month < 4)
    out = []
    for y in years:
        weeks = closed.loc[year == y, "duration_weeks"].to_numpy()
        out.append(
            {
                "financial_year": y,
                "disposals": len(weeks),
                "disposals_within_26_weeks": int((weeks <= LIMIT_WEEKS).sum()),
                "disposal_median_weeks": float(np.median(weeks)) if len(weeks) else np.nan,
            }
        )
    return pd.DataFrame(out)
