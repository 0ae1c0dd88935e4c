"""Plain-English numbers and sentences, so every briefing speaks the same way.

Every sentence is a template in the reader's language (:mod:`fjo_analysis.i18n`: English
is the source, Welsh comes from the catalogue), filled with whole phrases, never with
words a Welsh sentence would need to mutate: a place comes with its preposition already
applied (``{yn_area}``: yng Nghymru), and nothing follows a number but a unit or a colon.

Values come from the protected store: ``[c]`` (suppressed) stays ``[c]`` in running text
(it may hide any number, so it is never described as small) and ``[x]`` reads "not
available". Notebooks call these through their Briefing (``b.count(...)``), which binds
them to the build's disclosure rules (:class:`Phrases`).
"""

from __future__ import annotations

import math
import numbers
import re
from decimal import ROUND_HALF_UP, Decimal

from fjo_analysis.disclosure import MARK, NOT_AVAILABLE, DisclosureError, Rules
from fjo_analysis.i18n import N_, _, current, forms
from fjo_analysis.stats.trends import Trend
from fjo_analysis.years import financial_year_label

#: What ``[x]`` means, said wherever it appears (a table's notes, the page's symbols).
NOT_AVAILABLE_NOTE = N_(
    "[x]: not available, for example a year before the data allow the figure, or a "
    "comparison that does not apply."
)
#: A rate's unit as a whole phrase ("o blant": Welsh mutates the noun after "o").
PER_10K = {
    "children": N_("per 10,000 children"),
    "live births": N_("per 10,000 live births"),
}
#: Names that read with "the" in a sentence: the English regions named by a compass point,
#: and places named "Isle(s) of", "City of" or "Vale of" (the Isle of Wight, the City of
#: London, the Vale of Glamorgan). Every other area reads bare: England, London, Yorkshire
#: and The Humber, Kent, Cardiff.
TAKES_ARTICLE = re.compile(
    r"(North|South|East|West)( East| West| Midlands)?$|East of England$"
    r"|(Isle|Isles|City|Vale) of "
    r"|.+ area$"
)


def place(name: str) -> str:
    """An area's name as it reads in a sentence: 'the North East', 'London', 'Yorkshire
    and The Humber' (never 'the Yorkshire and The Humber'), 'Kent', 'the Isle of Wight',
    'the Birmingham family court area'."""
    return f"the {name}" if TAKES_ARTICLE.match(name) else name


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and not math.isnan(value)


def rounded(value: float, dp: int = 1) -> float:
    """``value`` to ``dp`` decimal places with halves rounded away from zero (12.5 -> 13,
    2.25 -> 2.3), as official statistics round: the one rounding of every published
    figure, so a chart, a sentence, a table and a workbook never read differently.
    (Python's own rounding takes halves to the even neighbour: 12.5 -> 12.)"""
    value = float(value)
    if not math.isfinite(value):
        return value
    step = Decimal(1).scaleb(-dp)
    return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))


def count(value) -> str:
    """1240 -> '1,240'; [c] stays '[c]'; missing -> 'not available'."""
    if value == MARK:
        return MARK
    if not _is_number(value):
        return _("not available")
    return f"{round(value):,}"


def number(value, dp: int = 1) -> str:
    """A rate or other figure: 23.456 -> '23.5'; [c] stays '[c]'."""
    if value == MARK:
        return MARK
    if not _is_number(value):
        return NOT_AVAILABLE
    return f"{rounded(value, dp):,.{dp}f}"


def percent(value, dp: int = 0) -> str:
    """41.66 -> '42%'; [c] stays '[c]'."""
    text = number(value, dp)
    return text if text in (MARK, NOT_AVAILABLE) else f"{text}%"


def interval(lower, upper, dp: int = 1, unit: str = "") -> str:
    """'(95% confidence interval 21.4 to 23.9)', or '' where either end is suppressed or
    missing (spelled out: a reader meets no unexplained 'CI')."""
    ends = [number(lower, dp), number(upper, dp)]
    if MARK in ends or NOT_AVAILABLE in ends:
        return ""
    return _("(95% confidence interval {lower}{unit} to {upper}{unit})").format(
        lower=ends[0], upper=ends[1], unit=unit
    )


def compared(rate, comparator_rate, comparison: str, comparator: str) -> str:
    """'higher than England (14.2)', or 'not significantly different from Wales (14.2)'."""
    names = forms("comparator", comparator)
    if MARK in (rate, comparison, comparator_rate):
        return _("not compared with {comparator} because a count is suppressed").format(**names)
    if comparison == NOT_AVAILABLE:
        return ""
    words = {
        "higher": N_("higher than {comparator} ({rate})"),
        "lower": N_("lower than {comparator} ({rate})"),
        "not significantly different from": N_(
            "not significantly different from {comparator} ({rate})"
        ),
    }
    template = (
        _(words[comparison]) if comparison in words else f"{comparison} {{comparator}} ({{rate}})"
    )
    return template.format(**names, rate=number(comparator_rate))


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
    text = _("In {year}, {count} {noun} in {area} {what}").format(
        year=current().value(year),
        count=count(children),
        noun=_(noun),
        what=what,
        **forms("area", area),
    )
    if rate != MARK and _is_number(rate):
        text += _(", {rate} {per_10k}").format(rate=number(rate), per_10k=_(PER_10K[per]))
    if comparison:
        text += f" — {comparison}"
    return text + "."


def summary_sentence(
    year: str, measure: str, area: str, rate, per: str, comparison: str, trend
) -> str:
    """The summary's synthesis of a rate, its comparison and its recent trend, worded apart
    from the findings: 'In 2024/25 the rate of ... in London was 18.6 per 10,000 live
    births, lower than England (27.4), and has fallen since 2020/21.'"""
    names, year = forms("area", area), current().value(year)
    if not _is_number(rate):
        return _(
            "In {year} the {measure} in {area} cannot be given because a count is suppressed."
        ).format(year=year, measure=measure, **names)
    text = _("In {year} the {measure} in {area} was {rate} {per_10k}").format(
        year=year, measure=measure, rate=number(rate), per_10k=_(PER_10K[per]), **names
    )
    if comparison:
        text += f", {comparison},"
    if isinstance(trend, Trend):
        moves = {
            "rising": N_(" and has risen since {since}"),
            "falling": N_(" and has fallen since {since}"),
        }
        move = moves.get(trend.direction, N_(" with no clear trend since {since}"))
        text += _(move).format(since=financial_year_label(trend.first_year))
    return text.rstrip(",") + "."


def trend_sentence(trend: Trend | str | None, measure: str) -> str:
    """'From 2019/20 to 2024/25 the rate of ... fell by 2.1% a year (95% CI ...).'"""
    if trend == MARK:
        return _(
            "No trend in {measure} is given because some of its counts are suppressed."
        ).format(measure=measure)
    if trend is None:
        return _("There are too few years or cases to estimate a trend in {measure}.").format(
            measure=measure
        )
    span = _("From {first} to {last}").format(
        first=financial_year_label(trend.first_year), last=financial_year_label(trend.last_year)
    )
    ci = interval(trend.lower_pct, trend.upper_pct, unit="%")
    if trend.direction == "no clear trend":
        return _(
            "{span} there was no clear trend in {measure} "
            "(an average change of {change}% a year, {interval})."
        ).format(
            span=span,
            measure=measure,
            change=number(trend.annual_change_pct),
            interval=ci.strip("()"),
        )
    verb = (
        N_("{span} {measure} rose by {change}% a year on average {interval}.")
        if trend.direction == "rising"
        else N_("{span} {measure} fell by {change}% a year on average {interval}.")
    )
    return _(verb).format(
        span=span, measure=measure, change=number(abs(trend.annual_change_pct)), interval=ci
    )


def peak_row(table, column: str):
    """The row with the largest published value in ``column`` (suppressed values skipped)."""
    values = [v if _is_number(v) else -math.inf for v in table[column]]
    return table.iloc[max(range(len(values)), key=values.__getitem__)]


def value_for(table, key_column: str, key, column: str):
    """One published value, looked up by a key column ([x] where the table has no such row,
    e.g. a category left out in a year)."""
    values = table.loc[table[key_column] == key, column]
    return values.iloc[0] if len(values) else NOT_AVAILABLE


def largest_sentence(table, label: str, column: str, what: str, where: str, year: str) -> str:
    """'Children aged 1-4 were the largest group (31%) ...'."""
    row = peak_row(table, column)
    return _("In {year}, {what} {group} were the largest group in {where} ({share}).").format(
        year=year,
        what=what,
        group=current().value(row[label]),
        share=percent(row[column]),
        **forms("where", where),
    )


def ordinal(n: int) -> str:
    """3 -> '3rd', 11 -> '11th'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def regions_sentence(table, what: str, year: str) -> str:
    """'In 2024/25, the rate of ... was higher than England's in 3 of the 9 English regions,
    lower in 4 and not significantly different in 2.' (from each region's comparison)"""
    regions = table[(table["area_code"].str.startswith("E12"))]
    verdicts = list(regions["comparison"])
    higher, lower = verdicts.count("higher"), verdicts.count("lower")
    similar = verdicts.count("not significantly different from")
    text = _(
        "In {year}, the {what} was higher than England's in {higher} of the "
        "{regions} English regions, lower in {lower} and not significantly different "
        "in {similar}"
    ).format(
        year=year, what=what, higher=higher, regions=len(verdicts), lower=lower, similar=similar
    )
    suppressed = len(verdicts) - higher - lower - similar
    if suppressed:
        text += _("; {suppressed} could not be compared because a count is suppressed").format(
            suppressed=suppressed
        )
    return text + "."


class Phrases:
    """The helpers above, bound to one build's disclosure rules: a Briefing is one, so a
    notebook writes ``b.count(...)``, ``b.rate_sentence(...)``. A count the rules would not
    publish (under the threshold, or not rounded to the base) is refused at the sentence
    that would print it, naming the configured rule."""

    rules: Rules

    number = staticmethod(number)
    percent = staticmethod(percent)
    interval = staticmethod(interval)
    compared = staticmethod(compared)
    trend_sentence = staticmethod(trend_sentence)
    peak_row = staticmethod(peak_row)
    value_for = staticmethod(value_for)
    largest_sentence = staticmethod(largest_sentence)
    regions_sentence = staticmethod(regions_sentence)
    summary_sentence = staticmethod(summary_sentence)

    def count(self, value) -> str:
        """:func:`count`, for a count these rules publish."""
        return count(self._publishable(value))

    def rate_sentence(self, year: str, children, *args, **kwargs) -> str:
        """:func:`rate_sentence`, for a count of children these rules publish."""
        return rate_sentence(year, self._publishable(children), *args, **kwargs)

    def _publishable(self, value):
        if not _is_number(value):
            return value
        if value < self.rules.threshold:
            raise DisclosureError(
                f"a count of {value:g} would be published, under the threshold "
                f"{self.rules.threshold}: read counts from the statistics store"
            )
        if self.rules.round_to > 1 and value % self.rules.round_to:
            raise DisclosureError(
                f"a count of {value:g} would be published, not rounded to the nearest "
                f"{self.rules.round_to}: read counts from the statistics store"
            )
        return value
