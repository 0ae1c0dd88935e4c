"""Statistical disclosure control: the rules, and the last checks before anything is written.

Counts under the threshold (10 by default, 0 included) are suppressed and shown as
``[c]``; optionally counts are rounded to the nearest ``round_to``. Protection is joint,
over the whole release, in the statistics store: :mod:`~fjo_analysis.disclosure.cells`
(the cells and the relations a reader could use), :mod:`~fjo_analysis.disclosure.ranges`
(what a reader can learn by linear programming), :mod:`~fjo_analysis.disclosure.joint`
(primary and secondary suppression) and :mod:`~fjo_analysis.disclosure.audit` (the
release audit). This module holds the rules, the markers, :func:`assert_safe` (no table
reaches an output with a small count) and :func:`small_counts_in` (nor does any text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fjo_analysis.settings import DEFAULT_ROUND_TO, DEFAULT_SUPPRESS_BELOW

MARK = "[c]"
NOT_AVAILABLE = "[x]"
COUNT_NOUNS = r"(?:children|child|newborns?|babies|baby|infants?|mothers?|cases?|applications?)"
# "3 children" (or "3 Children") is a count; "section 8 applications" is the name of an
# order. Across a line break only a lower-case noun counts: a sentence wrapping, not a
# chart's tick label above its axis title ("7" then "Mothers returned (%)").
SMALL_COUNT_IN_TEXT = re.compile(
    rf"(?<![\d.,%])(?<!section )(?<!Section )(\d+)"
    rf"(?:[ \t\xa0]+(?i:{COUNT_NOUNS})|[ \t]*\n\s*{COUNT_NOUNS})\b"
)

# Welsh sentences never put a noun after a number (it would need the numeral's mutation):
# a count follows its label and a colon, "Nifer y plant ... yn 2024/25: 3", or reads
# "(nifer: 3)". A number then ends the clause (a comma, semicolon, full stop or bracket),
# so a rate, share or year is not mistaken for it.
SMALL_COUNT_IN_WELSH = re.compile(
    r"(?i:\bnifer\b)[^:.;]{0,160}?:[ \t\xa0]*(\d+)(?![\d.,]*\d|%|/)(?=[,;.)\s]|$)"
)


@dataclass(frozen=True)
class Rules:
    """The disclosure rules for one build."""

    threshold: int = DEFAULT_SUPPRESS_BELOW
    round_to: int = DEFAULT_ROUND_TO

    def __deepcopy__(self, memo) -> Rules:
        return self  # immutable; pandas deep-copies a table's attrs at every operation

    @property
    def note(self) -> str:
        from fjo_analysis.i18n import _  # the current language's (see fjo_analysis.i18n)

        text = _(
            "[c] marks a figure suppressed to protect confidentiality: a count under "
            "{threshold}, a figure based on one, or a cell that would reveal one."
        ).format(threshold=self.threshold)
        if self.round_to > 1:
            text += _(" Counts are rounded to the nearest {round_to}.").format(
                round_to=self.round_to
            )
        return text


@dataclass(frozen=True)
class Spec:
    """Which columns of a published table are counts (attached to it as ``attrs``)."""

    counts: tuple[str, ...]

    def __deepcopy__(self, memo) -> Spec:
        return self  # immutable; pandas deep-copies a table's attrs at every operation


class DisclosureError(ValueError):
    """An output that would publish a disclosive figure."""


def spec_of(frame: pd.DataFrame) -> Spec:
    try:
        return frame.attrs["disclosure"]
    except KeyError:
        raise DisclosureError(
            "this table has no disclosure spec: build it with a measure (or call "
            "disclosure.declare) so its counts can be protected"
        ) from None


def numbers(values) -> np.ndarray:
    """Published values as floats, with ``[c]`` and ``[x]`` (and anything else not a
    number) as NaN."""
    series = pd.Series(values, dtype=object)
    return pd.to_numeric(
        series.where(~series.isin([MARK, NOT_AVAILABLE])), errors="coerce"
    ).to_numpy(dtype=float)


def assert_safe(published: pd.DataFrame, rules: Rules) -> None:
    """Refuse a table whose count columns hold a number under the threshold."""
    spec = spec_of(published)
    for column in spec.counts:
        values = numbers(published[column])
        bad = ~np.isnan(values) & (values < rules.threshold)
        if bad.any():
            raise DisclosureError(
                f"column {column!r} would publish {int(bad.sum())} count(s) under "
                f"{rules.threshold} (rows {list(np.flatnonzero(bad) + 1)})"
            )


def is_protected(frame: pd.DataFrame) -> bool:
    return "protected" in frame.attrs


def small_counts_in(text: str, threshold: int) -> list[str]:
    """Phrases such as '3 children' (in Welsh, 'Nifer y plant ...: 3') that would publish
    a count under the threshold."""
    return [
        m.group(0)
        for pattern in (SMALL_COUNT_IN_TEXT, SMALL_COUNT_IN_WELSH)
        for m in pattern.finditer(text)
        if int(m.group(1)) < threshold
    ]
