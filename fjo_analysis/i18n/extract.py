"""A Babel extractor for notebooks: the published markdown cells, and the ``_("...")``
calls in code cells, become catalogue entries (``babel.cfg`` maps ``notebooks/*.ipynb``
here). Cells tagged ``internal`` are never published, so they are not translated."""

from __future__ import annotations

import io
import json

from babel.messages.extract import extract_python

#: Cells with this tag stay out of the published briefing.
INTERNAL = "internal"


def extract_notebook(fileobj, keywords, comment_tags, options):
    """Yield ``(lineno, funcname, message, comments)`` as Babel's extractors do; the line
    number is the cell's position (1-based), which is what a translator can find."""
    notebook = json.load(fileobj)
    fjo = notebook.get("metadata", {}).get("fjo", {})
    for key in ("title", "question"):  # the index and the methods page name topics by them
        if fjo.get(key):
            yield 0, None, fjo[key], [f"notebook {key}"]
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if INTERNAL in cell.get("metadata", {}).get("tags", []):
            continue
        source = "".join(cell.get("source", []))
        if cell.get("cell_type") == "markdown" and source.strip():
            yield number, None, source.strip(), [f"markdown cell {number}"]
        elif cell.get("cell_type") == "code":
            code = io.BytesIO(source.encode("utf-8"))
            for _, funcname, message, comments in extract_python(
                code, keywords, comment_tags, {"encoding": "utf-8"}
            ):
                yield number, funcname, message, [*comments, f"code cell {number}"]


def extract_params(fileobj, keywords, comment_tags, options):
    """An area's ``notes`` (``params/<slug>.yaml``): wording a briefing's summary shows."""
    import yaml

    notes = (yaml.safe_load(fileobj) or {}).get("notes")
    if notes:
        yield 1, None, notes.strip(), ["notes of the area (params)"]
