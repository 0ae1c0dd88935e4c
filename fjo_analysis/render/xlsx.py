"""Spreadsheet: every table of the briefing in one accessible workbook (gptables).

Follows the Government Statistical Service guidance on releasing statistics in
spreadsheets: a cover sheet (with release information, a methods summary and a contact),
a contents sheet, a notes sheet, one table per sheet with a title and source. Each table
refers to its own notes (``[note n]``, numbered in order of first use across the workbook,
each pointing at its text on the notes sheet). Numbers are numbers, formatted by what they
are: counts ``#,##0``, one-decimal figures (rates, shares, weeks) ``0.0``, p-values
``0.0000``, whole-number labels (years of follow-up) ``0``.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from pathlib import Path

import gptables
import pandas as pd
from gptables.core.wrappers import GPWorksheet

from fjo_analysis.disclosure import MARK, NOT_AVAILABLE, Rules
from fjo_analysis.i18n import N_, _
from fjo_analysis.methods import summary
from fjo_analysis.render.parts import SYNTHETIC_BANNER, BriefingDoc, format_cell

#: Excel number format by column kind (a number in a text column is a label: 1, 3, 5 years).
NUMBER_FORMATS = {
    "count": "#,##0",
    "rate": "0.0",
    "pct": "0.0",
    "weeks": "0.0",
    "p": "0.0000",
    "text": "0",
}
NOT_AVAILABLE_NOTE = N_(
    "[x] marks a figure that is not available (for example, repeat applications need "
    "three earlier years of data, or a comparison with itself)."
)


#: The cover sheet's headings, which gptables writes itself (in English).
COVER_HEADINGS = (N_("Introductory information"), N_("About these data"), N_("Contact"))


@contextlib.contextmanager
def _cover_headings_in_language():
    """gptables writes its cover headings as English literals: write them in the current
    language (unchanged in English) while a workbook is produced."""
    original = GPWorksheet._write_element

    def write(self, pos, element, format_dict):
        return original(
            self, pos, _(element) if element in COVER_HEADINGS else element, format_dict
        )

    GPWorksheet._write_element = write
    try:
        yield
    finally:
        GPWorksheet._write_element = original


def _cell(value, kind):
    if value is None:
        return NOT_AVAILABLE
    if kind == "text":
        return format_cell(value, kind)
    if kind == "count" and isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    if kind in ("rate", "pct", "weeks") and isinstance(value, int | float):
        return round(float(value), 1)
    if kind == "p" and isinstance(value, int | float):
        return round(float(value), 4)
    return value


def _frame(t: dict) -> pd.DataFrame:
    columns = [c["label"] for c in t["columns"]]
    frame = pd.DataFrame(t["rows"], columns=columns, dtype=object)
    for c, label in zip(t["columns"], columns, strict=True):
        frame[label] = frame[label].map(lambda v, kind=c["kind"]: _cell(v, kind))
    return frame


def _number_formats(t: dict) -> list[dict]:
    """gptables column formats: each numeric column by its kind (by position)."""
    return [
        {
            "column": {
                "columns": [i],
                "format": {"num_format": NUMBER_FORMATS[c["kind"]]},
                "include_names": False,
            }
        }
        for i, c in enumerate(t["columns"])
        if c["kind"] in NUMBER_FORMATS
    ]


def _table_name(index: int, caption: str) -> str:
    words = re.sub(r"[^A-Za-z0-9 ]", "", caption).split()[:4]
    return f"table_{index}_" + "_".join(w.lower() for w in words)


def table_notes(t: dict) -> list[str]:
    """A table's own notes, and the [x] note where it shows [x] (the [c] note is among
    its notes wherever it shows [c])."""
    notes = list(t["notes"])
    if any(v is None or v == NOT_AVAILABLE for row in t["rows"] for v in row):
        notes.append(_(NOT_AVAILABLE_NOTE))
    return notes


class _Notes:
    """Every distinct note text gets one reference; gptables numbers them by first use."""

    def __init__(self):
        self.refs: dict[str, str] = {}

    def refer(self, text: str) -> str:
        ref = self.refs.setdefault(text, f"note_{len(self.refs) + 1}")
        return f"$${ref}$$"

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            {_("Note reference"): list(self.refs.values()), _("Note text"): list(self.refs)}
        )


def render(doc: BriefingDoc, rules: Rules, path: Path) -> None:
    """Write the workbook to ``path``."""
    source = _("Source: {source} (SHA-256 {sha256})").format(
        source=doc.source_name, sha256=doc.manifest["source_sha256"]
    )
    subtitles = [_(SYNTHETIC_BANNER)] if doc.synthetic else []
    notes = _Notes()
    sheets = {}
    for i, t in enumerate(doc.tables(), start=1):
        refs = "".join(notes.refer(n) for n in table_notes(t))
        sheets[_("Table {number}").format(number=i)] = gptables.GPTable(
            table=_frame(t),
            table_name=_table_name(i, t["caption"]),
            title=t["caption"] + refs,
            subtitles=subtitles,
            instructions=_(
                "This worksheet contains one table. Some cells refer to notes, "
                "which can be found on the notes worksheet."
            ),
            source=source,
            index_columns={2: 0},
            additional_formatting=_number_formats(t),
        )
    if not notes.refs:  # no table refers to a note: the sheet still explains the symbols
        notes.refer(rules.note)
        notes.refer(NOT_AVAILABLE_NOTE)
    release = doc.release.items() if doc.release else []
    about = [f"{term}: {value}" for term, value in [*release[:3], *doc.provenance()]]
    cover = gptables.Cover(
        cover_label=_("Cover"),
        title=doc.title,
        intro=[*subtitles, doc.summary, _("Key findings:"), *doc.findings],
        about=[
            *about,
            _("Disclosure control: {note}").format(note=rules.note),
            _("Methods summary:"),
            *summary(rules),
            _("[c] and [x]: {c} and {x} are explained on the notes worksheet.").format(
                c=MARK, x=NOT_AVAILABLE
            ),
        ],
        contact=[doc.release.contact_text] if doc.release else None,
    )
    with warnings.catch_warnings(), _cover_headings_in_language():
        warnings.simplefilter("ignore")  # gptables' pandas deprecation warnings
        one_table = _("This worksheet contains one table.")
        workbook = gptables.produce_workbook(
            str(path),
            sheets=sheets,
            cover=cover,
            notes_table=notes.table(),
            # gptables' own words (its defaults, in the current language)
            contentsheet_label=_("Contents"),
            contentsheet_options={
                "title": _("Table of contents"),
                "column_names": [_("Sheet name"), _("Table description")],
                "instructions": one_table,
            },
            notesheet_label=_("Notes"),
            notesheet_options={"title": _("Notes"), "instructions": one_table},
        )
        workbook.set_properties(
            {
                "title": doc.title,
                "created": doc.built.replace(tzinfo=None),
                "author": "fjo_analysis",
            }
        )
        workbook.close()
