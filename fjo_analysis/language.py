"""Plain-English numbers and sentences, so every briefing speaks the same way.

Values come from protected tables: ``[c]`` (suppressed) becomes "fewer than 10" for a
count in running text (or "[c]" where a figure is expected) and ``[x]`` "not available".
"""

from __future__ import annotations

import math
import numbers

from fjo_analysis.data.prepare import financial_year_label
from fjo_analysis.disclosure import MARK, NOT_AVAILABLE
from fjo_analysis.stats.trends import Trend


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and not math.isnan(value)


def count(value, threshold: int = 10) -> str:
    """1240 -> '1,240'; [c] -> 'fewer than 10'; missing -> 'not available'."""
    if value == MARK:
        return f"fewer than {threshold}"
    if not _is_number(value):
        return "not available"
    return f"{round(value):,}"


def number(value, dp: int = 1) -> str:
    """A rate or other figure: 23.456 -> '23.5'; [c] stays '[c]'."""
    if value == MARK:
        return MARK
    if not _is_number(value):
        return NOT_AVAILABLE
    return f"{value:,.{dp}f}"


def percent(value, dp: int = 0) -> str:
    """41.66 -> '42%'; [c] stays '[c]'."""
    text = number(value, dp)
    return text if text in (MARK, NOT_AVAILABLE) else f"{text}%"


def interval(lower, upper, dp: int = 1, unit: str = "") -> str:
    """'(95% CI 21.4 to 23.9)', or '' where either end is suppressed or missing."""
    ends = [number(lower, dp), number(upper, dp)]
    if MARK in ends or NOT_AVAILABLE in ends:
        return ""
    return f"(95% CI {ends[0]}{unit} to {ends[1]}{unit})"


def compared(rate, comparator_rate, comparison: str, comparator: str) -> str:
    """'higher than England (14.2)' from a funnel-plot comparison."""
    if MARK in (rate, comparison):
        return f"not compared with {comparator} because the count is small"
    words = {"higher": "higher than", "lower": "lower than", "similar": "similar to"}
    return f"{words[comparison]} {comparator} ({number(comparator_rate)})"


def rate_sentence(
    year: str,
    children,
    area: str,
    what: str,
    rate,
    per: str,
    comparison: str | None = None,
    noun: str = "children",
) -> str:
    """'In 2023/24, 1,240 children in the North East were subject to care proceedings, 23.5
    per 10,000 children — higher than England (14.2).'"""
    text = f"In {year}, {count(children)} {noun} in {area} {what}"
    if rate != MARK and _is_number(rate):
        text += f", {number(rate)} per 10,000 {per}"
    if comparison:
        text += f" — {comparison}"
    return text + "."


def trend_sentence(trend: Trend | None, measure: str) -> str:
    """'From 2019/20 to 2024/25 the rate of ... fell by 2.1% a year (95% CI ...).'"""
    if trend is None:
        return f"There are too few years or cases to estimate a trend in {measure}."
    span = (
        f"From {financial_year_label(trend.first_year)} to {financial_year_label(trend.last_year)}"
    )
    ci = interval(trend.lower_pct, trend.upper_pct, unit="%")
    if trend.direction == "no clear trend":
        return (
            f"{span} there was no clear trend in {measure} "
            f"(an average change of {number(trend.annual_change_pct)}% a year, "
            f"{ci.strip('()')})."
        )
    verb = "rose" if trend.direction == "rising" else "fell"
    return (
        f"{span} {measure} {verb} by {number(abs(trend.annual_change_pct))}% a year "
        f"on average {ci}."
    )


def peak_row(table, column: str):
    """The row with the largest published value in ``column`` (suppressed values skipped)."""
    values = [v if _is_number(v) else -math.inf for v in table[column]]
    return table.iloc[max(range(len(values)), key=values.__getitem__)]


def value_for(table, key_column: str, key, column: str):
    """One published value, looked up by a key column."""
    return table.loc[table[key_column] == key, column].iloc[0]


def rank_sentence(
    table, label: str, column: str, name: str, what: str, year: str, display_name: str | None = None
) -> str:
    """'In 2024/25, the North East had the highest rate of ... of the 11 areas compared.'"""
    ranked = [(row[label], row[column]) for _, row in table.iterrows() if _is_number(row[column])]
    ranked.sort(key=lambda item: -item[1])
    names = [n for n, _ in ranked]
    shown = display_name or name
    if name not in names:
        return f"In {year} the {what} in {shown} cannot be ranked because the count is small."
    position = names.index(name) + 1
    words = {1: "the highest", len(names): "the lowest"}
    place = words.get(position, f"the {_ordinal(position)} highest")
    return f"In {year}, {shown} had {place} {what} of the {len(names)} areas compared."


def largest_sentence(table, label: str, column: str, what: str, where: str, year: str) -> str:
    """'Children aged 1-4 were the largest group (31%) ...'."""
    row = peak_row(table, column)
    return (
        f"In {year}, {what} {row[label]} were the largest group in {where} "
        f"({percent(row[column])})."
    )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
