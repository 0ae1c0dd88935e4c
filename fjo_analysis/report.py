"""What a notebook calls to put a finding, a figure or a table into its briefing.

Each call displays normally in Jupyter (the notebook stays readable, and Quarto-compatible)
and records a structured *part* in the output's metadata under ``"fjo"``; the renderers
read those parts from the executed notebook. Everything passes disclosure control first:
tables and chart data must be protected by :meth:`Briefing.protect`, and text is checked
for small counts before it is recorded.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from IPython.display import publish_display_data

from fjo_analysis import disclosure
from fjo_analysis.charts import Chart
from fjo_analysis.data.prepare import load
from fjo_analysis.geography import ENGLAND, WALES, area

# Column labels and formats shared by every briefing: counts say "(number)" so that the
# output checker can find them.
COLUMNS = {
    "year": ("Financial year", "text"),
    "area": ("Area", "text"),
    "age_band": ("Age at issue", "text"),
    "final_order": ("Final order", "text"),
    "applicant": ("Applicant", "text"),
    "group": ("Children", "text"),
    "notice": ("Notice of first hearing", "text"),
    "within_years": ("Within (years)", "text"),
    "children": ("Children (number)", "count"),
    "newborns": ("Newborns (number)", "count"),
    "infants": ("Infants (number)", "count"),
    "cases": ("Cases (number)", "count"),
    "open_cases": ("Cases still open (number)", "count"),
    "open": ("Children in open cases (number)", "count"),
    "mothers": ("Mothers (number)", "count"),
    "with_earlier_proceedings": ("Mothers with earlier proceedings (number)", "count"),
    "mothers_followed": ("Mothers followed up (number)", "count"),
    "mothers_returned": ("Mothers returned (number)", "count"),
    "with_notice_recorded": ("Children with notice recorded (number)", "count"),
    "repeat_cases": ("Repeat applications (number)", "count"),
    "rate": ("Rate per 10,000 children", "rate"),
    "rate_lower": ("Lower 95% limit", "rate"),
    "rate_upper": ("Upper 95% limit", "rate"),
    "newborn_rate": ("Newborns per 10,000 live births", "rate"),
    "newborn_rate_lower": ("Lower 95% limit", "rate"),
    "newborn_rate_upper": ("Upper 95% limit", "rate"),
    "infant_rate": ("Infants per 10,000 live births", "rate"),
    "newborn_share_pct": ("Newborns as % of infants", "pct"),
    "share_pct": ("Share (%)", "pct"),
    "share_lower": ("Lower 95% limit (%)", "pct"),
    "share_upper": ("Upper 95% limit (%)", "pct"),
    "open_pct": ("Still open (%)", "pct"),
    "repeat_pct": ("Repeat applications (%)", "pct"),
    "returned_pct": ("Returned (%)", "pct"),
    "within_26_weeks_pct": ("Concluded within 26 weeks (%)", "pct"),
    "median_weeks": ("Median duration (weeks)", "weeks"),
    "lower_quartile_weeks": ("Lower quartile (weeks)", "weeks"),
    "upper_quartile_weeks": ("Upper quartile (weeks)", "weeks"),
    "comparator_rate": ("Comparison area: rate per 10,000", "rate"),
    "comparator_share_pct": ("Comparison area: share (%)", "pct"),
    "comparator_median_weeks": ("Comparison area: median (weeks)", "weeks"),
    "comparator_within_26_weeks_pct": ("Comparison area: within 26 weeks (%)", "pct"),
    "newborn_share_lower": ("Lower 95% limit (%)", "pct"),
    "newborn_share_upper": ("Upper 95% limit (%)", "pct"),
    "repeat_lower": ("Lower 95% limit (%)", "pct"),
    "repeat_upper": ("Upper 95% limit (%)", "pct"),
    "comparison": ("Compared with comparison area (95% limits)", "text"),
}


def comparators(code: str) -> list[str]:
    """England for a region; England and Wales side by side for a country."""
    return [ENGLAND] if area(code).level == "region" else [ENGLAND, WALES]


class Briefing:
    """One briefing: the data it reads, the rules it follows, and the parts it records."""

    def __init__(
        self,
        area_code: str,
        topic: str,
        data_dir: str | Path,
        suppress_below: int = 10,
        round_to: int = 0,
        columns: list[str] | None = None,
        law_type: str | None = None,
    ):
        """Load the processed cases: only the columns a topic uses, and only public or
        private law when ``law_type`` says so (both make a briefing faster)."""
        self.area = area(area_code)
        self.topic = topic
        self.rules = disclosure.Rules(threshold=suppress_below, round_to=round_to)
        self.cases, self.manifest = load(Path(data_dir), columns, law_type)
        self.extract_date = pd.Timestamp(self.manifest["extract_date"])
        self.last_year = int(self.manifest["last_year"])
        self.first_year = int(self.manifest["first_year"])
        self.comparators = [area(c) for c in comparators(area_code) if c != area_code]
        self._names: set[str] = set()
        self._record(
            {"kind": "provenance", "manifest": self.manifest},
            {
                "text/plain": f"data: {self.manifest['source_name']} "
                f"(SHA-256 {self.manifest['source_sha256'][:12]}...)"
            },
        )

    @property
    def name(self) -> str:
        """The area's name as it reads in a sentence ('the North East', 'England')."""
        return (
            self.area.name
            if self.area.level == "country" or self.area.name == "London"
            else f"the {self.area.name}"
        )

    def _record(self, part: dict, data: dict) -> None:
        publish_display_data(data, metadata={"fjo": part})

    def protect(self, table: pd.DataFrame, name: str) -> pd.DataFrame:
        """Apply disclosure control to a measure's table and log what was done."""
        if name in self._names:
            raise ValueError(f"table name {name!r} is used twice in this briefing")
        self._names.add(name)
        published, log = disclosure.protect(table, name, self.rules)
        published.attrs["table_name"] = name
        entries = [
            {"row": e.row, "column": e.column, "reason": e.reason, "value": e.value} for e in log
        ]
        self._record(
            {
                "kind": "disclosure",
                "table": name,
                "entries": entries,
                "rules": {"threshold": self.rules.threshold, "round_to": self.rules.round_to},
            },
            {"text/plain": f"disclosure control on {name}: {len(log)} cell(s) changed"},
        )
        return published

    def _safe_text(self, text: str) -> str:
        leaks = disclosure.small_counts_in(text, self.rules.threshold)
        if leaks:
            raise disclosure.DisclosureError(
                f"text would publish a count under {self.rules.threshold}: {leaks}: {text!r}"
            )
        return text

    def headline(self, title: str, summary: str) -> None:
        """The briefing's title and its one-paragraph summary."""
        self._record(
            {
                "kind": "headline",
                "title": self._safe_text(title),
                "summary": self._safe_text(summary),
            },
            {"text/markdown": f"# {title}\n\n{summary}", "text/plain": title},
        )

    def finding(self, text: str) -> None:
        """A key finding in plain English, with its numbers."""
        self._record(
            {"kind": "finding", "text": self._safe_text(text)},
            {"text/markdown": f"- {text}", "text/plain": text},
        )

    def table(
        self,
        published: pd.DataFrame,
        caption: str,
        columns: list[str] | dict[str, str],
        notes: list[str] | None = None,
    ) -> None:
        """A data table from a protected table: the columns in order (a dict relabels them)."""
        self._record(
            {"kind": "table", **self._table_part(published, caption, columns, notes)},
            {"text/plain": caption},
        )

    def figure(
        self,
        chart: Chart,
        caption: str,
        data: pd.DataFrame,
        columns: list[str] | dict[str, str],
        alt: str | None = None,
    ) -> None:
        """A chart with alt text (default: the chart's own, from its data) and its data table."""
        alt = alt or chart.alt
        if not alt or not alt.strip():
            raise ValueError(f"figure {caption!r} has no alt text")
        part = {
            "kind": "figure",
            "caption": self._safe_text(caption),
            "alt": self._safe_text(alt),
            "svg": chart.svg,
            "table": self._table_part(data, f"Data for: {caption}", columns, None),
        }
        self._record(part, {"image/svg+xml": chart.svg, "text/plain": alt})

    def note(self, heading: str, text: str) -> None:
        """A titled section of plain text (Markdown), e.g. what the data cannot tell us."""
        self._record(
            {"kind": "section", "heading": heading, "markdown": self._safe_text(text)},
            {"text/markdown": f"## {heading}\n\n{text}", "text/plain": heading},
        )

    def _table_part(self, published, caption, columns, notes) -> dict:
        if not disclosure.is_protected(published):
            raise disclosure.DisclosureError(
                f"table {caption!r} has not been through Briefing.protect"
            )
        disclosure.assert_safe(published, self.rules)
        spec = disclosure.spec_of(published)
        unknown = [c for c in list(columns) if c not in published.columns]
        if unknown:
            raise KeyError(f"table {caption!r} has no column(s) {unknown}")
        overrides = columns if isinstance(columns, dict) else {}
        columns = list(columns)
        cols = []
        for c in columns:
            numeric = any(isinstance(v, float) for v in published[c])
            default = (c.replace("_", " ").capitalize(), "rate" if numeric else "text")
            label, kind = COLUMNS.get(c, default)
            label = overrides.get(c) or label
            if c in spec.counts:
                kind = "count"
                label = label if label.endswith("(number)") else f"{label} (number)"
            cols.append({"name": c, "label": label, "kind": kind})
        rows = [[_jsonable(v) for v in row] for row in published[columns].itertuples(index=False)]
        has_mark = any(disclosure.MARK in row for row in rows)
        notes = list(notes or [])
        if has_mark:
            notes.append(self.rules.note)
        return {
            "name": published.attrs.get("table_name", caption),
            "caption": self._safe_text(caption),
            "columns": cols,
            "rows": rows,
            "notes": notes,
        }


def _jsonable(value):
    if isinstance(value, str) or value is None:
        return value
    if pd.isna(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value
