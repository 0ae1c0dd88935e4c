"""The tables of the statistics store: their keys, counts and what derives from them.

Every table has one row per area and key. ``counts`` are published counts; ``hidden``
counts are never published but follow from published ones (``infants - newborns``), so
they are protected like any other. ``rates`` and ``shares`` are derived from the
protected counts; ``estimates`` are figures computed from case-level data (medians,
Kaplan-Meier shares) that may be published only where every count they rest on is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Rate:
    """A rate per 10,000 of a public denominator, with a 95% interval when ``interval``."""

    count: str
    denominator: str
    interval: bool = True


@dataclass(frozen=True)
class Share:
    """``numerator`` as a % of a denominator: a count in the same row, a published total
    in another table (``total``: table and column, matched by area and year), or the sum
    of ``numerator`` over the breakdown ``over``; with a Wilson interval when ``interval``.
    """

    numerator: str
    denominator: str | None = None
    total: tuple[str, str] | None = None
    over: str | None = None
    interval: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    keys: tuple[str, ...]
    counts: tuple[str, ...]
    hidden: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (total, part)
    rates: dict[str, Rate] = field(default_factory=dict)
    shares: dict[str, Share] = field(default_factory=dict)
    estimates: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column -> its counts
    trend: str | None = None  # the count whose rate gets a trend
    comparison: str | None = None  # the rate compared with the comparison area

    @property
    def breakdown(self) -> str | None:
        """The key below the year (age band, final order...), if any."""
        rest = [k for k in self.keys if k != "financial_year"]
        return rest[-1] if rest else None


def row_keys(frame: pd.DataFrame, columns) -> pd.Series:
    """Each row's key as text ("2019" or "2019|under 1"): how cells are named."""
    columns = list(columns)
    if not columns or frame.empty:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[columns].astype(str).agg("|".join, axis=1)


def children_by_year(name: str, title: str) -> Table:
    """Children by year, with their rate per 10,000 children, its trend and comparison."""
    return Table(
        name,
        title,
        ("financial_year",),
        ("children",),
        rates={"rate": Rate("children", "population")},
        trend="children",
        comparison="rate",
    )


TABLES = {
    t.name: t
    for t in (
        children_by_year("care_children", "Children in care proceedings by year"),
        Table(
            "care_age_bands",
            "Children in care proceedings by age at issue",
            ("financial_year", "age_band"),
            ("children",),
            rates={"rate": Rate("children", "population", interval=False)},
            shares={
                "share_pct": Share("children", total=("care_children", "children"), interval=False)
            },
        ),
        Table(
            "newborns",
            "Newborns and infants in care proceedings by year",
            ("financial_year",),
            ("newborns", "infants"),
            hidden={"older_infants": ("infants", "newborns")},
            rates={
                "rate": Rate("newborns", "live_births"),
                "infant_rate": Rate("infants", "live_births", interval=False),
            },
            shares={"newborn_share_pct": Share("newborns", "infants")},
            trend="newborns",
            comparison="rate",
        ),
        Table(
            "first_hearing_notice",
            "Notice of the first hearing, newborns and older children",
            ("group", "notice"),
            ("children",),
            shares={"share_pct": Share("children", over="notice")},
        ),
        Table(
            "durations",
            "Duration of care proceedings by year of issue",
            ("financial_year",),
            ("cases", "open_cases", "within_26_weeks"),
            hidden={
                "closed_cases": ("cases", "open_cases"),
                "beyond_26_weeks": ("cases", "within_26_weeks"),
            },
            # a duration's quartiles bound how many cases ended within 26 weeks (a median
            # over 26 weeks says fewer than half did): they rest on that count too
            estimates={
                "median_weeks": ("cases", "within_26_weeks"),
                "lower_quartile_weeks": ("cases", "within_26_weeks"),
                "upper_quartile_weeks": ("cases", "within_26_weeks"),
                "within_26_weeks_pct": ("cases", "within_26_weeks"),
            },
        ),
        Table(
            "disposals",
            "Care proceedings concluded by year of final order",
            ("financial_year",),
            ("disposals", "disposals_within_26_weeks"),
            hidden={"disposals_beyond_26_weeks": ("disposals", "disposals_within_26_weeks")},
            shares={
                "disposals_within_26_weeks_pct": Share(
                    "disposals_within_26_weeks", "disposals", interval=False
                )
            },
            estimates={"disposal_median_weeks": ("disposals", "disposals_within_26_weeks")},
        ),
        Table(
            "final_orders",
            "Final orders (or none yet) for children by year of issue",
            ("financial_year", "final_order"),
            ("children",),
            shares={"share_pct": Share("children", total=("care_children", "children"))},
        ),
        Table(
            "mothers",
            "Mothers in care proceedings with earlier proceedings in the previous five years",
            ("financial_year",),
            ("mothers", "with_earlier_proceedings"),
            hidden={"without_earlier_proceedings": ("mothers", "with_earlier_proceedings")},
            shares={"share_pct": Share("with_earlier_proceedings", "mothers")},
        ),
        Table(
            "time_to_return",
            "Mothers back in court within 1, 3, 5 and 7 years of their first proceedings",
            ("within_years",),
            ("mothers_followed", "mothers_returned"),
            estimates={"returned_pct": ("mothers_followed", "mothers_returned")},
        ),
        children_by_year(
            "s8_children", "Children in child arrangements (section 8) applications by year"
        ),
        Table(
            "applicants",
            "Private-law cases by applicant",
            ("financial_year", "applicant"),
            ("cases",),
            shares={
                "share_pct": Share("cases", total=("repeat_applications", "cases"), interval=False)
            },
        ),
        Table(
            "repeat_applications",
            "Repeat private-law applications within three years",
            ("financial_year",),
            ("cases", "repeat_cases"),
            hidden={"first_applications": ("cases", "repeat_cases")},
            shares={"repeat_pct": Share("repeat_cases", "cases")},
        ),
    )
}
