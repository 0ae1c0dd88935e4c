"""What a notebook calls to put a finding, a figure or a table into its briefing.

Each call displays normally in Jupyter (the notebook stays readable, and Quarto-compatible)
and records a structured *part* in the output's metadata under ``"fjo"``; the renderers
read those parts from the executed notebook. Everything passes disclosure control first:
tables and chart data must come from the protected statistics store
(:meth:`Briefing.figures`), and text is checked for small counts before it is recorded.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import publish_display_data

from fjo_analysis import disclosure, i18n, language
from fjo_analysis.charts import Chart
from fjo_analysis.columns import COLUMNS
from fjo_analysis.figures.derive import comparator_of
from fjo_analysis.figures.store import Store
from fjo_analysis.figures.tables import TABLES
from fjo_analysis.geography import ENGLAND, area, briefing_areas, local_areas
from fjo_analysis.i18n import N_
from fjo_analysis.language import Phrases
from fjo_analysis.settings import DEFAULT_ROUND_TO, DEFAULT_SUPPRESS_BELOW
from fjo_analysis.stats.trends import Trend
from fjo_analysis.years import financial_year_label, period_label, years_label


def ranked(table: pd.DataFrame, year: int, codes: tuple[str, ...], rank_by: str) -> pd.DataFrame:
    """The rows of a store ``table`` for ``year`` and the areas ``codes``, each named
    (``area``), ordered by the published ``rank_by`` value; rows whose value is
    suppressed come last, in a fixed order (by name) that says nothing about them. Yours
    to change: a copy of what this process has ranked already for an earlier document."""
    return _ranked(_Same(table), year, codes, rank_by).copy()


class _Same:
    """A cache key that matches only the very object it holds (a store table, which the
    store reads once per version of its file and nobody changes)."""

    __slots__ = ("held",)

    def __init__(self, held: object):
        self.held = held

    def __hash__(self) -> int:
        return id(self.held)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.held is self.held


@lru_cache(maxsize=256)  # a release asks for about 60 rankings
def _ranked(table: _Same, year: int, codes: tuple[str, ...], rank_by: str) -> pd.DataFrame:
    frame = table.held
    frame = frame[(frame["financial_year"] == year) & frame["area_code"].isin(codes)].copy()
    frame.insert(0, "area", [area(c).name for c in frame["area_code"]])
    known = frame[rank_by].map(lambda v: isinstance(v, int | float))
    first = frame[known].sort_values(rank_by, ascending=False, kind="stable")
    return pd.concat([first, frame[~known].sort_values("area")], ignore_index=True)


class Briefing(Phrases):
    """One briefing: the protected figures it reads, the rules it follows, the parts it
    records, and the plain-English helpers bound to those rules (``b.count(...)``).
    Figures come from the statistics store only (``fjo stats``): a briefing never counts
    rows, so every figure it shows was protected with the whole release."""

    def __init__(
        self,
        area_code: str,
        topic: str,
        stats_dir: str | Path,
        suppress_below: int = DEFAULT_SUPPRESS_BELOW,
        round_to: int = DEFAULT_ROUND_TO,
        lang: str = i18n.SOURCE,
    ):
        self.area = area(area_code)
        self.topic = topic
        #: The briefing's language, also the current one for the sentence helpers.
        self.lang = i18n.activate(lang)
        self.rules = disclosure.Rules(threshold=suppress_below, round_to=round_to)
        self.store = Store(Path(stats_dir))
        stored = self.store.manifest["rules"]
        if (stored["threshold"], stored["round_to"]) != (suppress_below, round_to):
            raise disclosure.DisclosureError(
                f"the statistics store was protected with threshold {stored['threshold']} and "
                f"rounding {stored['round_to']}, but this build uses {suppress_below} and "
                f"{round_to}: run `fjo stats` again"
            )
        self.manifest = self.store.manifest["source"]
        self.extract_date = pd.Timestamp(self.manifest["extract_date"])
        self.last_year = int(self.manifest["last_year"])
        self.first_year = int(self.manifest["first_year"])
        self.settled_year = int(self.store.manifest["settled_year"])
        #: The law types the extract has cases of ("public", "private").
        self.law_types = frozenset(self.store.manifest["law_types"])
        self.comparator = area(comparator_of(area_code))
        self._names: set[str] = set()
        self._record(
            {"kind": "provenance", "manifest": self.manifest},
            {
                "text/plain": f"data: {self.manifest['source_name']} "
                f"(SHA-256 {self.manifest['source_sha256'][:12]}...)"
            },
        )

    def figures(self, table: str, area_code: str | None = None, **keys) -> pd.DataFrame:
        """One area's rows of a store table (this briefing's area unless named), in key
        order, optionally for one key value (``financial_year=2024``)."""
        code = area_code or self.area.code
        frame = self.store.table(table)
        frame = frame[frame["area_code"] == code]
        for key, value in keys.items():
            frame = frame[frame[key] == value]
        return self._published(frame, table, code)

    def areas(self, table: str, year: int, rank_by: str) -> pd.DataFrame:
        """Every area's row of a store table for one year, each compared with England (none
        for England itself), ordered by the published ``rank_by`` value; rows whose value
        is suppressed come last, in a fixed order that says nothing about them."""
        frame = ranked(self.store.table(table), year, tuple(briefing_areas()), rank_by)
        if "comparison" in frame:
            is_england = frame["area_code"] == ENGLAND
            frame.loc[is_england, "comparison"] = disclosure.NOT_AVAILABLE
        return self._published(frame, table, f"all-{year}", keys=["area"])

    def trend(self, table: str) -> Trend | str | None:
        """The trend of a table's rate in this area over the last five years: a Trend, the
        suppression mark where a count it rests on is suppressed, or None."""
        trends = self.store.trends()
        row = trends[(trends["table"] == table) & (trends["area_code"] == self.area.code)]
        if row.empty:
            return None
        row = row.iloc[0]
        if row["annual_change_pct"] == disclosure.MARK:
            return disclosure.MARK
        if row["annual_change_pct"] == disclosure.NOT_AVAILABLE:
            return None
        return Trend(
            float(row["annual_change_pct"]),
            float(row["lower_pct"]),
            float(row["upper_pct"]),
            float(row["p_value"]),
            row["model"],
            "",
            int(row["first_year"]),
            int(row["last_year"]),
        )

    def trend_table(self, table: str) -> pd.DataFrame:
        """The trend model's estimate for this area and its comparison area, as a table:
        annual % change with its 95% interval, p-value, model and dispersion."""
        trends = self.store.trends()
        codes = [self.area.code, self.comparator.code]
        rows = trends[(trends["table"] == table) & trends["area_code"].isin(codes)].copy()
        rows["order"] = rows["area_code"].map(codes.index)
        rows = rows.sort_values("order").drop(columns="order").reset_index(drop=True)
        rows.insert(0, "area", [area(c).name for c in rows["area_code"]])
        rows.insert(
            1,
            "years",
            [
                years_label(int(a), int(b))
                for a, b in zip(rows["first_year"], rows["last_year"], strict=True)
            ],
        )
        rows.attrs["disclosure"] = disclosure.Spec(())
        rows.attrs["protected"] = self.rules
        rows.attrs["table_name"] = f"trend:{table}"
        return rows

    def _published(
        self, frame: pd.DataFrame, table: str, code: str, keys: list[str] | None = None
    ) -> pd.DataFrame:
        spec = TABLES[table]
        frame = frame.reset_index(drop=True)
        if "financial_year" in frame:
            position = frame.columns.get_loc("financial_year") + 1
            frame.insert(position, "year", frame["financial_year"].map(financial_year_label))
        frame.attrs["disclosure"] = disclosure.Spec(spec.counts)
        frame.attrs["protected"] = self.rules
        frame.attrs["table_name"] = f"{table}:{code}"
        frame.attrs["synthetic"] = bool(self.manifest.get("synthetic"))
        if f"{table}:{code}" not in self._names:
            self._names.add(f"{table}:{code}")
            self._log(frame, spec, f"{table}:{code}", keys)
        return frame

    def _log(self, frame: pd.DataFrame, spec, name: str, keys: list[str] | None) -> None:
        """Record which of this table's counts are suppressed (which, never why)."""
        keys = keys or [k for k in (*spec.keys, "year") if k in frame]
        counts = list(spec.counts)
        # (row, column) of each [c], row by row: the order a reader meets them
        shown = [frame[c].to_numpy(dtype=object) == disclosure.MARK for c in counts]
        marked = np.argwhere(np.column_stack(shown)) if shown else []
        values = {k: frame[k].to_numpy(dtype=object) for k in keys}
        entries = [
            {"row": {k: _jsonable(values[k][r]) for k in keys}, "column": counts[c]}
            for r, c in marked
        ]
        self._record(
            {"kind": "disclosure", "table": name, "entries": entries},
            {"text/plain": f"{name}: {len(entries)} suppressed cell(s)"},
        )

    @property
    def name(self) -> str:
        """The area's name as it reads in a sentence ('the North East', 'England'; in
        Welsh, the Welsh name: 'Cymru')."""
        if self.lang.code == i18n.SOURCE:
            return language.place(self.area.name)
        return self.lang.area_name(self.area.name)

    @property
    def area_name(self) -> str:
        """The area's name in the briefing's language, as a title shows it."""
        return self.lang.area_name(self.area.name)

    def value(self, label):
        """A label of a table (an area, an age band, a final order) in this language."""
        return self.lang.value(label)

    def t(self, message: str, **values) -> str:
        """``message`` in the briefing's language, filled with ``values`` and the names a
        briefing's sentences use: ``{area}`` (as it reads in a sentence), ``{area_name}``
        (as a title shows it), ``{other}`` (the comparison area), each with its Welsh
        prepositional forms (``{yn_area}``: see :func:`fjo_analysis.i18n.forms`).
        Notebooks bind it as ``_ = b.t``, so ``make translations`` finds their strings."""
        names = {
            **i18n.forms("area", self.name),
            **i18n.forms("other", self.lang.area_name(self.comparator.name)),
            "area_name": self.area_name,
        }
        return self.lang.gettext(message).format(**{**names, **values})

    def long_date(self, day) -> str:
        """A date in running text: '05 March 2025' (English, as before); '5 Mawrth 2025'."""
        return f"{day:%d %B %Y}" if self.lang.code == i18n.SOURCE else self.lang.date(day)

    # -- local profiles: pooled periods of local areas ------------------------------------

    def period_label(self, last_year: int) -> str:
        """A local pooled period as text: '2022/23 to 2024/25'."""
        return period_label(int(last_year))

    def local_figures(self, table: str, area_code: str | None = None) -> pd.DataFrame:
        """A local area's pooled periods of a store table; ``year`` names each period."""
        frame = self.figures(table, area_code)
        frame["year"] = [self.period_label(y) for y in frame["financial_year"]]
        return frame

    def neighbours(
        self,
        table: str,
        last_year: int,
        rank_by: str,
        within: str = "region",
        level: str | None = None,
    ) -> pd.DataFrame:
        """Every authority (every family court area, for a family court area's profile, or
        where ``level`` says so) of this local area's region (or Wales), its
        ``"country"`` or ``"all"`` of England and Wales, for one pooled period, ordered by
        the published ``rank_by`` value; suppressed rows last, by name."""
        of = {
            "region": lambda a: a.parent,
            "country": lambda a: a.country,
            "all": lambda a: "England and Wales",
        }[within]
        parent = of(self.area)
        level = level or ("dfj" if self.area.level == "dfj" else "la")
        codes = tuple(c for c, a in local_areas().items() if a.level == level and of(a) == parent)
        frame = ranked(self.store.table(table), last_year, codes, rank_by)
        frame = self._published(frame, table, f"{parent}-{last_year}", keys=["area"])
        frame["year"] = self.period_label(last_year)
        return frame

    def _record(self, part: dict, data: dict) -> None:
        publish_display_data(data, metadata={"fjo": part})

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
        if self.manifest.get("synthetic") and not chart.synthetic:
            raise ValueError(
                f"figure {caption!r} is built from synthetic data but does not say so: "
                "draw it from tables read with Briefing.figures"
            )
        part = {
            "kind": "figure",
            "caption": self._safe_text(caption),
            "alt": self._safe_text(alt),
            "svg": chart.svg,
            "table": self._table_part(
                data, self.t(N_("Data for: {caption}"), caption=caption), columns, None
            ),
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
                f"table {caption!r} does not come from the statistics store (Briefing.figures)"
            )
        disclosure.assert_safe(published, self.rules)
        spec = disclosure.spec_of(published)
        unknown = [c for c in list(columns) if c not in published.columns]
        if unknown:
            raise KeyError(f"table {caption!r} has no column(s) {unknown}")
        overrides = columns if isinstance(columns, dict) else {}
        columns = list(columns)
        store_table = TABLES.get(published.attrs.get("table_name", "").partition(":")[0])
        keys = ("area_code", *(store_table.keys if store_table else ("financial_year",)))
        where = [k for k in keys if k in published.columns]
        # each column's values as Python objects, read once (pandas indexing is slow)
        values = {c: published[c].tolist() for c in dict.fromkeys([*columns, *where])}
        cols = []
        for c in columns:
            numeric = any(isinstance(v, float) for v in values[c])
            default = (c.replace("_", " ").capitalize(), "rate" if numeric else "text")
            label, kind = COLUMNS.get(c, default)
            label = overrides.get(c) or self.lang.gettext(label)
            if c in spec.counts:
                kind = "count"
                number = self.lang.gettext("(number)")
                label = label if label.endswith(number) else f"{label} {number}"
            cols.append({"name": c, "label": label, "kind": kind})
        # values as published (a label is translated where it is shown: parts.format_cell)
        rows = [[_jsonable(values[c][i]) for c in columns] for i in range(len(published))]
        has_mark = any(disclosure.MARK in row for row in rows)
        notes = list(notes or [])
        if has_mark:
            notes.append(self.rules.note)
        if any(v is None or v == disclosure.NOT_AVAILABLE for row in rows for v in row):
            notes.append(self.lang.gettext(language.NOT_AVAILABLE_NOTE))
        return {
            "name": published.attrs.get("table_name", caption),
            "caption": self._safe_text(caption),
            "columns": cols,
            "rows": rows,
            "notes": notes,
            # each row's area and keys, shown or not (the CSV download names every figure)
            "keys": [{k: _jsonable(values[k][i]) for k in where} for i in range(len(published))],
        }


def _jsonable(value):
    if isinstance(value, str) or value is None:
        return value
    if pd.isna(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value
