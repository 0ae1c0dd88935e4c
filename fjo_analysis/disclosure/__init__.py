"""Statistical disclosure control for every table, chart datum and sentence we publish.

Rules (defaults from ``settings``): counts under the threshold (10) are suppressed and
shown as ``[c]``; optionally counts are rounded to the nearest ``round_to``; secondary
suppression hides a further cell wherever a suppressed cell could otherwise be recovered
from a published total (a group of rows that adds up to a published figure); rates,
percentages, intervals and medians based on a suppressed count are suppressed with it.
Every suppression is logged with its reason.

A measure says which of its columns are counts, which are derived from which count, and
which rows add up to a published total, with :func:`declare`; :func:`protect` applies the
rules; :func:`assert_safe` is the last check before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from fjo_analysis import settings

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


@dataclass(frozen=True)
class Rules:
    """The disclosure rules for one build."""

    threshold: int = 10
    round_to: int = 0

    @classmethod
    def from_settings(cls) -> Rules:
        config = settings.load()
        return cls(threshold=config.suppress_below, round_to=config.round_to)

    @property
    def note(self) -> str:
        text = (
            f"[c] marks a figure suppressed to protect confidentiality: a count under "
            f"{self.threshold}, a figure based on one, or a cell that would reveal one."
        )
        if self.round_to > 1:
            text += f" Counts are rounded to the nearest {self.round_to}."
        return text


@dataclass(frozen=True)
class Spec:
    """Which columns are counts, which derive from a count, and which rows add up."""

    counts: tuple[str, ...]
    derived: dict[str, str] = field(default_factory=dict)  # column -> the count it is based on
    groups: tuple[str, ...] | None = None  # rows sharing these keys add up to a published total


@dataclass(frozen=True)
class LogEntry:
    """One suppressed or rounded cell: where, and why. ``value`` stays out of published logs."""

    table: str
    row: dict
    column: str
    reason: str
    value: float | None = None

    def public(self) -> dict:
        entry = asdict(self)
        entry.pop("value")
        return entry


class DisclosureError(ValueError):
    """An output that would publish a disclosive figure."""


def declare(frame: pd.DataFrame, counts, derived=None, groups=None) -> pd.DataFrame:
    """Attach the disclosure spec to a measure's table (returns the same frame)."""
    frame.attrs["disclosure"] = Spec(
        tuple(counts), dict(derived or {}), None if groups is None else tuple(groups)
    )
    return frame


def spec_of(frame: pd.DataFrame) -> Spec:
    try:
        return frame.attrs["disclosure"]
    except KeyError:
        raise DisclosureError(
            "this table has no disclosure spec: build it with a measure (or call "
            "disclosure.declare) so its counts can be protected"
        ) from None


def keys_of(frame: pd.DataFrame, spec: Spec) -> list[str]:
    """The columns that identify a row: all but counts and derived figures."""
    return [c for c in frame.columns if c not in spec.counts and c not in spec.derived]


def _secondary(counts: pd.Series, suppressed: pd.Series, group_ids: np.ndarray) -> pd.Series:
    """Cells to suppress so that no group has exactly one suppressed cell."""
    extra = pd.Series(False, index=counts.index)
    changed = True
    while changed:
        changed = False
        hidden = suppressed | extra
        for gid in np.unique(group_ids):
            members = group_ids == gid
            if members.sum() < 2 or hidden[members].sum() != 1:
                continue
            candidates = counts[members & ~hidden.to_numpy()]
            candidates = candidates[candidates.notna()]
            if candidates.empty:
                continue
            extra[candidates.idxmin()] = True
            changed = True
    return extra


def protect(frame: pd.DataFrame, name: str, rules: Rules) -> tuple[pd.DataFrame, list[LogEntry]]:
    """The publishable table (``[c]`` where suppressed) and the log of what was done."""
    spec = spec_of(frame)
    keys = keys_of(frame, spec)
    frame = frame.reset_index(drop=True)
    published = frame.astype(object)
    log: list[LogEntry] = []
    hidden: dict[str, pd.Series] = {}
    if spec.groups is None:
        group_ids = np.arange(len(frame))
    elif spec.groups:
        group_ids = frame.groupby(list(spec.groups), sort=False, observed=True).ngroup().to_numpy()
    else:
        group_ids = np.zeros(len(frame), dtype=int)

    def row_of(i: int) -> dict:
        return {k: _plain(frame.at[i, k]) for k in keys}

    for column in spec.counts:
        counts = pd.to_numeric(frame[column], errors="coerce")
        primary = counts.notna() & (counts < rules.threshold)
        secondary = _secondary(counts, primary, group_ids)
        hidden[column] = primary | secondary
        for i in np.flatnonzero(primary):
            log.append(
                LogEntry(
                    name,
                    row_of(i),
                    column,
                    f"primary: count under {rules.threshold}",
                    _plain(counts[i]),
                )
            )
        for i in np.flatnonzero(secondary):
            log.append(
                LogEntry(
                    name,
                    row_of(i),
                    column,
                    "secondary: would reveal a suppressed cell from a total",
                    _plain(counts[i]),
                )
            )
        shown = counts.where(~hidden[column])
        if rules.round_to > 1:
            rounded = np.floor(shown / rules.round_to + 0.5) * rules.round_to
            for i in np.flatnonzero(shown.notna() & (rounded != shown)):
                log.append(
                    LogEntry(
                        name,
                        row_of(i),
                        column,
                        f"rounded to the nearest {rules.round_to}",
                        _plain(counts[i]),
                    )
                )
            shown = rounded
        published[column] = [
            MARK if h else (NOT_AVAILABLE if pd.isna(v) else int(v))
            for h, v in zip(hidden[column], shown, strict=True)
        ]
    for column, basis in spec.derived.items():
        mask = hidden[basis].to_numpy()
        for i in np.flatnonzero(mask & frame[column].notna().to_numpy()):
            log.append(
                LogEntry(
                    name,
                    row_of(i),
                    column,
                    f"derived: based on a suppressed count ({basis})",
                    _plain(frame.at[i, column]),
                )
            )
        published[column] = [
            MARK if m else (NOT_AVAILABLE if _missing(v) else v)
            for m, v in zip(mask, frame[column], strict=True)
        ]
    published.attrs["disclosure"] = spec
    published.attrs["protected"] = rules
    assert_safe(published, rules)
    return published, log


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def _plain(value):
    """A JSON-friendly scalar."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def assert_safe(published: pd.DataFrame, rules: Rules) -> None:
    """Refuse a table whose count columns hold a number under the threshold."""
    spec = spec_of(published)
    for column in spec.counts:
        values = pd.to_numeric(
            published[column].replace({MARK: None, NOT_AVAILABLE: None}), errors="coerce"
        )
        bad = values.notna() & (values < rules.threshold)
        if bad.any():
            raise DisclosureError(
                f"column {column!r} would publish {int(bad.sum())} count(s) under "
                f"{rules.threshold} (rows {list(np.flatnonzero(bad) + 1)})"
            )


def is_protected(frame: pd.DataFrame) -> bool:
    return "protected" in frame.attrs


def small_counts_in(text: str, threshold: int) -> list[str]:
    """Phrases such as '3 children' that would publish a count under the threshold."""
    return [m.group(0) for m in SMALL_COUNT_IN_TEXT.finditer(text) if int(m.group(1)) < threshold]
