"""Spreadsheet: every table of the briefing in one accessible workbook (gptables).

Follows the Government Statistical Service guidance on releasing statistics in
spreadsheets: a cover sheet, a contents sheet, a notes sheet, one table per sheet with a
title and source, ``[c]`` and ``[x]`` markers explained in the notes.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import gptables
import pandas as pd

from fjo_analysis.disclosure import Rules
from fjo_analysis.render.parts import SYNTHETIC_BANNER, BriefingDoc


def _frame(t: dict) -> pd.DataFrame:
    columns = [c["label"] for c in t["columns"]]
    frame = pd.DataFrame(t["rows"], columns=columns, dtype=object)
    for c, label in zip(t["columns"], columns, strict=True):
        frame[label] = frame[label].map(lambda v, kind=c["kind"]: _cell(v, kind))
    return frame


def _cell(value, kind):
    if value is None:
        return "[x]"
    if kind in ("rate", "pct", "weeks") and isinstance(value, float):
        return round(value, 1)
    if kind == "p" and isinstance(value, float):
        return round(value, 4)
    return value


def _table_name(index: int, caption: str) -> str:
    words = re.sub(r"[^A-Za-z0-9 ]", "", caption).split()[:4]
    return f"table_{index}_" + "_".join(w.lower() for w in words)


def render(doc: BriefingDoc, rules: Rules, path: Path) -> None:
    """Write the workbook to ``path``."""
    source = f"Source: {doc.manifest['source_name']} (SHA-256 {doc.manifest['source_sha256']})"
    subtitles = [SYNTHETIC_BANNER] if doc.synthetic else []
    sheets = {}
    for i, t in enumerate(doc.tables(), start=1):
        notes_ref = " [note 1]" if t["notes"] else ""
        sheets[f"Table {i}"] = gptables.GPTable(
            table=_frame(t),
            table_name=_table_name(i, t["caption"]),
            title=t["caption"] + notes_ref,
            subtitles=subtitles,
            instructions="This worksheet contains one table. Some cells refer to notes, "
            "which can be found on the notes worksheet.",
            source=source,
            index_columns={2: 0},
        )
    about = [f"{term}: {value}" for term, value in doc.provenance()]
    cover = gptables.Cover(
        title=doc.title,
        intro=[*subtitles, doc.summary, "Key findings:", *doc.findings],
        about=about + [f"Disclosure control: {rules.note}"],
        contact=["Family justice data partnership: see the briefing's web page."],
    )
    notes = pd.DataFrame(
        {
            "Note number": ["note 1", "note 2"],
            "Note text": [
                rules.note,
                "[x] marks a figure that is not available (for example, "
                "repeat applications need three earlier years of data).",
            ],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # gptables' pandas deprecation warnings
        workbook = gptables.produce_workbook(
            str(path), sheets=sheets, cover=cover, notes_table=notes
        )
        workbook.set_properties(
            {
                "title": doc.title,
                "created": doc.built.replace(tzinfo=None),
                "author": "fjo_analysis",
            }
        )
        workbook.close()
