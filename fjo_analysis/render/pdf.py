"""PDF: the briefing as a Typst document compiled to tagged PDF/UA-1 (A4, Liberation Sans)."""

from __future__ import annotations

import re
from functools import cache

import typst

from fjo_analysis.check import pdf_text
from fjo_analysis.disclosure import Rules
from fjo_analysis.i18n import N_, Language, _
from fjo_analysis.render.parts import SYNTHETIC_BANNER, BriefingDoc, format_cell
from fjo_analysis.render.typst_markup import escape, markdown, string

ACCENT = 'rgb("#12436D")'
#: Tables longer than this may break across pages (with their header repeated).
LONG_TABLE_ROWS = 30
#: Single-line table rows an A4 page holds (measured): a longer table cannot fit on one.
PAGE_ROWS = 65
#: Characters of a text cell on one printed line (measured on the profiles' tables).
WRAP_CHARS = 16
#: Chart widths tried in turn until no page holds fewer than MIN_LINES lines of text; at
#: each the smallest chart text is at least 9 pt (charts.FONT_PT at WIDTH_IN inches).
CHART_WIDTHS = ("50%", "45%", "56%")
MIN_LINES = 5
#: The A4 page's text width (21 cm less two 1.7 cm margins), the tallest chart that fits
#: on a page with its caption and the running header and footer, and the smallest chart
#: text a PDF prints (points).
TEXT_WIDTH_PT = (21 - 2 * 1.7) / 2.54 * 72
CHART_HEIGHT_PT = 600
MIN_TEXT_PT = 9
_SVG_SIZE = re.compile(r'<svg[^>]*?\swidth="([\d.]+)pt"\s+height="([\d.]+)pt"')
TOO_LONG = N_(
    "This chart is too long to print legibly: it is in the web version of this document, "
    "and the table under it gives every figure."
)
#: A chart's data table longer than this many pages is not printed (the chart is): it
#: is in the web page, the spreadsheet and the CSV file (the hex map's every authority).
TABLE_PAGES = 2
TABLE_TOO_LONG = N_(
    "This table is too long to print: it is in the web version of this document, in its "
    "spreadsheet and in its CSV file."
)


def chart_size(svg: str, width: str) -> str | None:
    """The Typst size of a chart: ``width`` (a share of the text width); for a chart that
    would then run past the page (a long list of bars), the page's chart height, while its
    text stays at least MIN_TEXT_PT; None for a chart that cannot fit a page legibly."""
    from fjo_analysis.charts import FONT_PT

    found = _SVG_SIZE.search(svg)
    if found is None:
        return f"width: {width}"
    natural_width, natural_height = (float(v) for v in found.groups())
    shown = TEXT_WIDTH_PT * float(width.rstrip("%")) / 100
    if shown * natural_height / natural_width <= CHART_HEIGHT_PT:
        return f"width: {width}"
    if CHART_HEIGHT_PT / natural_height * FONT_PT >= MIN_TEXT_PT:
        return f"height: {CHART_HEIGHT_PT}pt"
    return None


def _figure(part: dict, key: str, size: str | None, inputs: dict[str, str]) -> str:
    """A chart at its ``size`` (:func:`chart_size`) and its caption; a chart too long for
    the page (no size) is a sentence saying so (in the figure, so the figures are
    numbered as on the web page)."""
    caption = escape(part["caption"])
    if size is None:  # (its alt text, which PDF/UA asks of a figure: the note and the chart's)
        note = _(TOO_LONG)
        return (
            f"#figure(block[{escape(note)}], kind: image, caption: [{caption}], "
            f"alt: {string(note + ' ' + part['alt'])})\n\n"
        )
    inputs[key] = part["svg"]
    return (
        f'#figure(image(bytes(sys.inputs.at({string(key)})), format: "svg", '
        f"{size}, alt: {string(part['alt'])}),\n  caption: [{caption}])\n\n"
    )


PREAMBLE = """#set document(title: {title}, author: "Family justice briefings (fjo_analysis)")
#set text({language}, font: ("Liberation Sans", "DejaVu Sans"), size: 10.5pt)
#set page(paper: "a4", margin: (x: 1.7cm, y: 1.7cm), header: {header},
  footer: context [#set text(size: 9pt); {footer} #h(1fr)
    {page} #counter(page).display() {of} #counter(page).final().first()])
#set par(justify: false, leading: 0.6em)
#show heading.where(level: 1): set text(size: 20pt, fill: {accent})
#show heading.where(level: 2): set text(size: 14pt, fill: {accent})
#show figure.caption: set text(weight: "bold")
#show figure.where(kind: table): set figure.caption(position: top)
#set table(stroke: (x, y) => if y == 0 {{ (bottom: 1pt) }} else {{ (bottom: 0.4pt + luma(180)) }})
#show table: set text(size: 9pt)
#show table.cell.where(x: 0): set text(weight: "bold")
#set table(inset: (x: 4pt, y: 2.5pt))
"""


def printed_lines(t: dict) -> int:
    """About how many lines a table's rows take in print: a text cell wraps every
    WRAP_CHARS characters or so ("Northumbria and North Durham family court area" takes
    three, "not significantly different" two)."""
    texts = [i for i, c in enumerate(t["columns"]) if c["kind"] == "text"]
    return sum(
        max([1, *(-(-len(format_cell(row[i], "text")) // WRAP_CHARS) for i in texts)])
        for row in t["rows"]
    )


def _table(t: dict, flows: bool = False) -> str:
    align = ", ".join("right" if c["kind"] != "text" else "left" for c in t["columns"])
    header = ", ".join(f"[*{escape(c['label'])}*]" for c in t["columns"])
    cells = ", ".join(
        f"[{escape(format_cell(v, c['kind']))}]"
        for row in t["rows"]
        for v, c in zip(row, t["columns"], strict=True)
    )
    notes = "".join(f"\n#text(size: 9pt)[{escape(n)}]\n" for n in t["notes"])
    # a table that fits on a page is kept whole (on the next page if need be), so its
    # caption is never stranded at the foot of a page. Its figure is a block that does not
    # break unless told to: a table longer than a page is told, so it breaks with its
    # header repeated instead of running off the page's foot. A table that ``flows`` (the
    # data of a chart too long to print, which is a sentence) breaks wherever the page
    # ends: kept whole it would leave the sentence alone on a page
    breakable = "true" if flows or len(t["rows"]) > LONG_TABLE_ROWS else "false"
    figure_breaks = (
        "#show figure: set block(breakable: true)\n"
        if flows or printed_lines(t) > PAGE_ROWS
        else ""
    )
    return (
        f"#block(breakable: {breakable}, width: 100%)[{figure_breaks}#figure(kind: table, "
        f"caption: [{escape(t['caption'])}],\n"
        f"  table(columns: {len(t['columns'])}, align: ({align},),\n"
        f"    table.header({header}),\n    {cells}))]\n{notes}\n"
    )


def _not_printed(t: dict) -> str:
    """A chart's data table too long to print: a sentence saying where it is (in a
    figure, so the tables are numbered as in the web page and the spreadsheet)."""
    note = _(TABLE_TOO_LONG)
    return (
        f"#figure(block[{escape(note)}], kind: table, caption: [{escape(t['caption'])}], "
        f"alt: {string(note)})\n\n"
    )


def opening(title: str, built: str, lang: Language, synthetic: bool) -> str:
    """A document's Typst set-up (title, language, running header and footer) and, for
    synthetic data, the notice at the top of its first page."""
    banner = _("Illustrative synthetic data: not real statistics") if synthetic else ""
    header = f'[#set text(size: 9pt, weight: "bold"); {escape(banner)}]' if banner else "none"
    footer = escape(_("{title} · built {date}").format(title=title, date=built))
    language = 'lang: "en", region: "GB"' if lang.code == "en" else f'lang: "{lang.code}"'
    text = PREAMBLE.format(
        title=string(title),
        header=header,
        footer=footer,
        accent=ACCENT,
        language=language,
        page=escape(_("Page")),
        of=escape(_("of")),
    )
    if synthetic:
        label, notice = _("Illustrative synthetic data."), _(SYNTHETIC_BANNER)
        text += (
            f'#block(fill: rgb("#FFF4C2"), inset: 8pt, width: 100%)'
            f"[*{escape(label)}* {escape(notice)}]\n"
        )
    return text


def source(
    doc: BriefingDoc, rules: Rules, chart_width: str = CHART_WIDTHS[0]
) -> tuple[str, dict[str, str]]:
    """Typst source for the briefing and the SVG inputs it reads (by key)."""
    parts = [opening(doc.title, doc.build_date, doc.lang, doc.synthetic)]
    parts.append(f"= {escape(doc.title)}\n\n{escape(doc.summary)}\n\n")
    findings = "\n".join(f"- {escape(f)}" for f in doc.findings)
    key_findings = _("Key findings")
    parts.append(
        f"#block(fill: luma(243), inset: 10pt, width: 100%, stroke: (left: 4pt + "
        f"{ACCENT}))[\n== {escape(key_findings)}\n{findings}\n]\n\n"
    )
    inputs = {}
    for i, part in enumerate(doc.body):
        kind = part["kind"]
        if kind == "figure":
            size = chart_size(part["svg"], chart_width)
            parts.append(_figure(part, f"figure{i}", size, inputs))
            if size is not None and printed_lines(part["table"]) > TABLE_PAGES * PAGE_ROWS:
                parts.append(_not_printed(part["table"]))
            else:
                parts.append(_table(part["table"], flows=size is None))
        elif kind == "table":
            parts.append(_table(part))
        elif kind == "section":
            parts.append(f"== {escape(part['heading'])}\n\n{markdown(part['markdown'])}\n")
        elif kind == "markdown":
            parts.append(markdown(part["markdown"]) + "\n")
    # The closing sections are kept together on one page, so the last page is never a
    # stranded line or two of technical details.
    parts.append("#block(breakable: false)[\n")
    if doc.release:
        release = "\n".join(
            f"/ {escape(term)}: {escape(text)}" for term, text in doc.release.items()
        )
        heading, term = _("Release information"), _("Methods and quality")
        link = _("methods and quality information for this release")
        parts.append(
            f"== {escape(heading)}\n\n{release}\n/ {escape(term)}: "
            f'#link("../methods{doc.suffix}.pdf")[{escape(link)}]\n\n'
        )
    about = "\n".join(f"/ {escape(term)}: {escape(value)}" for term, value in doc.about())
    technical = "\n".join(f"/ {escape(term)}: {escape(value)}" for term, value in doc.technical())
    reproducing = _(
        "For anyone checking or reproducing this briefing: the fingerprint identifies the "
        "exact data file used, and the settings are those the briefing was built with."
    )
    about_heading, symbols = _("About this briefing"), _("Disclosure control and symbols")
    technical_heading = _("Technical details")
    parts.append(
        f"== {escape(about_heading)}\n\n#set text(size: 9pt)\n{about}\n"
        f"/ {escape(symbols)}: {escape(rules.note)} {escape(doc.not_available_note)}\n\n"
        f"=== {escape(technical_heading)}\n\n{escape(reproducing)}\n\n{technical}\n]\n"
    )
    return "".join(parts), inputs


def sparse_pages(pdf: bytes) -> list[int]:
    """Pages (from 1) holding fewer than MIN_LINES lines of text besides header and footer."""
    lines = [[x for x in page.splitlines() if x.strip()] for page in pdf_text(pdf)]
    return [i for i, page in enumerate(lines, 1) if len(page) - 2 < MIN_LINES]


@cache
def _compiler() -> typst.Compiler:
    """This process's Typst compiler, made on first use: it keeps the fonts it found and
    its layout caches from one document to the next (a warm builder's worker builds many).
    Never made in the warm server itself: Typst starts threads a forked worker would lack."""
    return typst.Compiler()


def compile_pdf(source: str, timestamp: int, inputs: dict[str, str] | None = None) -> bytes:
    """Typst ``source`` (with ``sys.inputs``) as a tagged PDF/UA-1 document dated
    ``timestamp``."""
    return _compiler().compile(
        input=source.encode("utf-8"),
        sys_inputs=inputs or {},
        pdf_standards=["ua-1"],
        timestamp=timestamp,
    )


def render(doc: BriefingDoc, rules: Rules) -> bytes:
    """The briefing as a tagged PDF/UA-1 document, at the first chart width that leaves
    no nearly empty page."""
    for width in CHART_WIDTHS:
        text, inputs = source(doc, rules, width)
        pdf = compile_pdf(text, int(doc.built.timestamp()), inputs)
        if not sparse_pages(pdf):
            break
    return pdf
