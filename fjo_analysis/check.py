"""``fjo check``: scan finished outputs for disclosive numbers before they are published.

Independent of how an output was made, it reads what a reader would read:

* tables (HTML ``<table>``, spreadsheet sheets, CSV): every cell under a count column
  (a header ending "(number)", in Welsh "(nifer)") must be ``[c]``, ``[x]`` or a whole
  number at or above the threshold;
* running text (HTML text, alt text and chart labels, PDF text, spreadsheet text
  cells): no phrase such as "3 children" with a number under the threshold;
* the disclosure log beside each briefing: it must exist, and every cell it says was
  suppressed must show ``[c]`` in the HTML table of that name.

The threshold is the build's configured one, never the one written in a log being checked.
"""

from __future__ import annotations

import base64
import csv
import html
import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from lxml import etree

from fjo_analysis.disclosure import small_counts_in
from fjo_analysis.errors import BriefingError

COUNT_HEADER = re.compile(r"\((?:number|nifer)\)\s*$")  # English, Welsh
SAFE_MARKS = {"[c]", "[x]", ""}
CHART = "data:image/svg+xml;base64,"  # a chart, embedded in a page
_SVG_TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Leak:
    path: Path
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}: {self.where}: {self.what}"


def _bad_count(text: str, threshold: int) -> bool:
    text = text.strip()
    if text in SAFE_MARKS:
        return False
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return True  # a count column must hold a number or a marker
    return value < threshold


def check_rows(
    path: Path, name: str, header: list[str], rows: list[list[str]], threshold: int
) -> list[Leak]:
    """Cells under count headers that are not safe."""
    leaks = []
    counts = [i for i, h in enumerate(header) if COUNT_HEADER.search(str(h))]
    for r, row in enumerate(rows, start=1):
        for i in counts:
            if i < len(row) and _bad_count(str(row[i]), threshold):
                leaks.append(
                    Leak(
                        path,
                        f"{name}, row {r}, column {header[i]!r}",
                        f"count {row[i]!r} is under {threshold} or not a count",
                    )
                )
    return leaks


def check_text(path: Path, where: str, text: str, threshold: int) -> list[Leak]:
    return [
        Leak(path, where, f"text {phrase!r} publishes a count under {threshold}")
        for phrase in small_counts_in(text, threshold)
    ]


class _HTMLTables:
    """Collects tables (name, header, rows, cells by data-column) and the page's text: an
    lxml parser target (libxml2 reads the page, twice as fast as ``html.parser``).
    Text is passed on whole, from one tag to the next, however the parser splits it."""

    def __init__(self):
        self._pending: list[str] = []
        self.tables: list[dict] = []
        self.text: list[str] = []
        self.charts: list[str] = []  # each chart's labels
        self._cell: list[str] | None = None
        self._row: list[tuple[str, str]] | None = None
        self._in_head = False
        self._skip = 0

    def _flush(self) -> None:
        if self._pending:
            self._text("".join(self._pending))
            self._pending = []

    def data(self, data):
        self._pending.append(data)

    def comment(self, text):
        self._flush()

    def close(self):
        self._flush()
        return self

    def start(self, tag, attrs):
        self._flush()
        if tag in ("style", "script"):
            self._skip += 1
        if tag == "img" and attrs.get("alt"):
            self.text.append(attrs["alt"])
        if tag == "img" and (attrs.get("src") or "").startswith(CHART):
            self.charts.append(chart_labels(base64.b64decode(attrs["src"][len(CHART) :]).decode()))
        if tag == "table":
            self.tables.append(
                {
                    "name": attrs.get("data-table", f"table {len(self.tables) + 1}"),
                    "header": [],
                    "columns": [],
                    "rows": [],
                }
            )
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._column = attrs.get("data-column", "")

    def end(self, tag):
        self._flush()
        if tag in ("style", "script"):
            self._skip -= 1
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append((self._column, "".join(self._cell).strip()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            table = self.tables[-1]
            if self._in_head:
                table["header"] = [text for _, text in self._row]
                table["columns"] = [column for column, _ in self._row]
            else:
                table["rows"].append([text for _, text in self._row])
            self._row = None

    def _text(self, data):
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        else:
            self.text.append(data)


def chart_labels(svg: str) -> str:
    """Every piece of text an SVG chart shows (legend, axes, values), one line each."""
    return "\n".join(html.unescape(_TAG.sub(" ", t)) for t in _SVG_TEXT.findall(svg))


def _log_for(path: Path) -> dict | None:
    log = path.with_name(path.stem + ".disclosure.json")
    return json.loads(log.read_text(encoding="utf-8")) if log.exists() else None


def read_html(path: Path) -> _HTMLTables:
    """A page's tables, text and chart labels, read whole or not at all: libxml2 older than
    2.14 misreads some text (a CR, a NUL), and it stops at anything over 10 MB in one piece
    unless ``huge_tree``, saying so only in its error log."""
    if etree.LIBXML_VERSION < (2, 14):
        raise BriefingError(
            f"the disclosure check needs libxml2 2.14 or later (lxml 6 bundles it); this lxml "
            f"uses {'.'.join(map(str, etree.LIBXML_VERSION))}"
        )
    try:
        text = path.read_text(encoding="utf-8")  # (newlines as a browser reads them)
    except UnicodeDecodeError as err:
        raise BriefingError(f"{path}: not UTF-8 text (byte {err.start}): refused") from None
    parser = etree.HTMLParser(target=_HTMLTables(), huge_tree=True)
    page = etree.fromstring(text, parser)
    fatal = [e for e in parser.error_log if e.level == etree.ErrorLevels.FATAL]
    if fatal:
        raise BriefingError(f"{path}: could not read the whole page: {fatal[0].message}")
    return page


def check_html(path: Path, threshold: int, log: dict | None) -> list[Leak]:
    page = read_html(path)
    leaks = check_text(path, "text", " ".join(page.text), threshold)
    for i, labels in enumerate(page.charts, start=1):
        leaks += check_text(path, f"chart {i}", labels, threshold)
    by_name = {}
    for table in page.tables:
        by_name.setdefault(table["name"], []).append(table)
        leaks += check_rows(
            path, f"table {table['name']!r}", table["header"], table["rows"], threshold
        )
    for entry in (log or {}).get("suppressed", []):
        for table in by_name.get(entry["table"], []):
            leaks += _logged_cell_leaks(path, entry, table)
    return leaks


def _logged_cell_leaks(path: Path, entry: dict, table: dict) -> list[Leak]:
    """A cell the log says was suppressed must show [c] wherever its row is published."""
    columns = table["columns"]
    if entry["column"] not in columns:
        return []
    row_keys = dict(entry["row"])
    if "year" in row_keys:
        row_keys.pop("financial_year", None)  # the label says the same
    if not set(row_keys) <= set(columns):
        return []  # the row cannot be identified in this table (e.g. one year only)
    keys = {columns.index(k): str(v) for k, v in row_keys.items()}
    i = columns.index(entry["column"])
    return [
        Leak(
            path,
            f"table {entry['table']!r}, row {r}",
            f"the log suppressed {entry['column']} here but the cell shows {row[i]!r}",
        )
        for r, row in enumerate(table["rows"], start=1)
        if keys and all(row[k] == v for k, v in keys.items()) and row[i] != "[c]"
    ]


@cache
def _page_footer() -> re.Pattern:
    """The PDF's running footer after the title, in every language ("· built 2026-11-27
    09:05 UTC Page 3 of 4", "· adeiladwyd ... Tudalen 3 o 4"). Read as text, its numbers
    run into what follows: "4" then a "Children" heading reads "4 Children", and the
    minutes "05" can end a Welsh count label ("Nifer ...: 05")."""
    from fjo_analysis.i18n import LANGUAGES, Language

    date = r"\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}\s+UTC"
    footers = set()
    for code in LANGUAGES:
        language = Language(code)
        built = language.gettext("{title} · built {date}").split("{title}", 1)[1]
        built = r"\s+".join(re.escape(word) for word in built.split())
        page, of = (re.escape(language.gettext(word)) for word in ("Page", "of"))
        footers.add(built.replace(re.escape("{date}"), date) + rf"\s+{page}\s+\d+\s+{of}\s+\d+")
    return re.compile("|".join(sorted(footers)))


@lru_cache(maxsize=2)
def pdf_text(pdf: bytes) -> tuple[str, ...]:
    """A PDF's text, page by page, in the order it was written, lines apart (PDFium, in
    this process: half the CPU of poppler's ``pdftotext -raw`` in a process of its own,
    and the same counts found in every PDF of a release at thresholds 10, 20 and 100).
    Kept for the last two PDFs: the renderer reads a briefing's PDF to lay it out, then
    the check reads the same bytes."""
    import pypdfium2  # (here: the index and the audit never read a PDF)

    try:
        document = pypdfium2.PdfDocument(pdf)
    except pypdfium2.PdfiumError as err:
        raise BriefingError(f"PDFium could not read a PDF: {err}") from None
    pages = []
    try:
        for page in document:
            text = page.get_textpage()
            pages.append(text.get_text_range().replace("\r\n", "\n"))
            text.close()
            page.close()
    finally:
        document.close()
    return tuple(pages)


def check_pdf(path: Path, threshold: int) -> list[Leak]:
    text = " ".join(_page_footer().sub(" ", page) for page in pdf_text(path.read_bytes()))
    return check_text(path, "text", text, threshold)


def workbook_sheets(path: Path):
    """Each sheet of a workbook as (title, rows of cell values: '' where empty, whole
    numbers as int), read with calamine (Rust: a tenth of openpyxl's time)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    for title in book.sheet_names:
        rows = book.get_sheet_by_name(title).to_python()
        yield title, [[_whole(v) for v in row] for row in rows]


def _whole(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def check_xlsx(path: Path, threshold: int) -> list[Leak]:
    leaks = []
    for title, values in workbook_sheets(path):
        rows = [["" if v is None else str(v) for v in row] for row in values]
        header_at = next(
            (i for i, row in enumerate(rows) if any(COUNT_HEADER.search(v) for v in row)), None
        )
        if header_at is not None:
            leaks += check_rows(
                path, f"sheet {title!r}", rows[header_at], rows[header_at + 1 :], threshold
            )
        text = " | ".join(  # cells apart: "Table 3" then "Children ..." is not "3 Children"
            v for row in rows[: header_at if header_at is not None else len(rows)] for v in row
        )
        leaks += check_text(path, f"sheet {title!r}", text, threshold)
    return leaks


def check_csv(path: Path, threshold: int) -> list[Leak]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        return []
    if {"measure", "unit"} <= set(rows[0]):
        return check_tidy(path, rows[0], rows[1:], threshold)
    return check_rows(path, "csv", rows[0], rows[1:], threshold)


def count_measures() -> set[str]:
    from fjo_analysis.figures.tables import TABLES

    return {c for spec in TABLES.values() for c in (*spec.counts, *spec.hidden)}


TIDY_VALUES = ("value", "previous_value")


def check_tidy(path: Path, header: list[str], rows: list[list[str]], threshold: int) -> list[Leak]:
    """A tidy CSV (one figure a row): every value of a count (unit "number", or a measure
    that is a count of the store whatever its unit says) must be safe."""
    measure, unit = header.index("measure"), header.index("unit")
    values = [header.index(v) for v in TIDY_VALUES if v in header]
    counts = count_measures()
    leaks = []
    for r, row in enumerate(rows, start=2):
        if len(row) != len(header):
            leaks.append(Leak(path, f"line {r}", f"{len(row)} fields, expected {len(header)}"))
            continue
        if row[unit] != "number" and row[measure] not in counts:
            continue
        leaks += [
            Leak(
                path,
                f"line {r}, {header[i]} of {row[measure]!r}",
                f"count {row[i]!r} is under {threshold} or not a count",
            )
            for i in values
            if _bad_count(row[i], threshold)
        ]
    return leaks


CHECKERS = {".pdf": check_pdf, ".xlsx": check_xlsx, ".csv": check_csv}


#: The release's own pages (not briefings): they have no disclosure log of their own.
RELEASE_PAGES = {"index.html", "methods.html", "methods.pdf", "methods.cy.html", "methods.cy.pdf"}


def check_file(path: Path, threshold: int, log: dict | None = None) -> list[Leak]:
    """Leaks in one output, by the configured ``threshold`` (never the one a log states);
    a briefing output without its disclosure log is a leak too.

    The log is read from beside the file (``<topic>.disclosure.json``) unless given.
    """
    log = log or _log_for(path)
    if log is None and path.name not in RELEASE_PAGES and path.suffix != ".csv":
        return [Leak(path, "disclosure log", "missing: cannot tell what was protected")]
    if path.suffix == ".html":
        return check_html(path, threshold, log)
    return CHECKERS[path.suffix](path, threshold)


def outputs(paths: list[Path]) -> list[Path]:
    found = []
    for p in paths:
        if p.is_dir():
            found += sorted(
                f
                for f in p.rglob("*")
                if f.suffix in (".html", *CHECKERS) and not f.name.startswith(".")
            )  # hidden files are a builder's temporaries, never published
        else:
            found.append(p)
    return found


def check(paths: list[Path], threshold: int) -> list[Leak]:
    return [leak for path in outputs(paths) for leak in check_file(path, threshold)]
