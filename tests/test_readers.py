"""What a reader meets: alt text, charts, wording, the PDF layout, print, 320 px and focus.

Pages are the suite's built briefings (London and Wales, every topic), opened as a reader
would: HTML parsed, chart SVGs decoded, PDFs read with pdftotext and pikepdf, and pages
rendered by Debian's chromium (print to PDF, a 320 px viewport, keyboard focus, axe-core).
"""

from __future__ import annotations

import base64
import io
import re
import subprocess
import xml.etree.ElementTree as ET

import pandas as pd
import pikepdf
import pytest
from pypdf import PdfReader

from fjo_analysis import charts, language
from fjo_analysis.disclosure import small_counts_in
from fjo_analysis.i18n import Language
from fjo_analysis.render import pdf as pdf_render
from tests.chromium import RULES, launched
from tests.conftest import briefings

TREND_OR_COMPARISON = re.compile(
    r"\b(rose|fell|changed little|above|below|level with|higher|lower|highest|lowest"
    r"|no trend can be shown|no comparison can be shown)\b"
)
SVG = "{http://www.w3.org/2000/svg}"


def _svgs(soup):
    return [base64.b64decode(img["src"].split(",", 1)[1]).decode() for img in soup("img")]


def contrast(colour: str, against: str = "#ffffff") -> float:
    def luminance(hex_colour):
        channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(colour), luminance(against)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _table(values, years=("2010/11", "2011/12", "2012/13"), synthetic=True, **columns):
    frame = pd.DataFrame({"year": list(years), "rate": values, **columns})
    frame.attrs["synthetic"] = synthetic
    return frame


# --- alt text ---------------------------------------------------------------------------


def test_alt_text_leads_with_the_message_in_250_characters(pages):
    for (area, topic), soup in pages.items():
        for figure in soup("figure"):
            alt, caption = figure.img["alt"], figure.figcaption.get_text()
            where = f"{area}/{topic}: {alt!r}"
            assert len(alt) <= 250, where
            assert TREND_OR_COMPARISON.search(alt.split(".")[0]), where  # in the first sentence
            assert small_counts_in(alt, 10) == [], where
            if "middle half" in caption:  # interquartile bands are not confidence intervals
                assert "confidence" not in alt, where


def test_trend_alt_text_says_the_change_and_the_comparison():
    chart = charts.trend(
        {"London": _table([18.0, 21.0, 25.0]), "England": _table([27.0, 28.0, 30.0])},
        "rate",
        "Per 10,000 live births",
        "the newborn rate",
    )
    assert chart.alt.startswith(
        "The newborn rate in London rose from 18.0 in 2010/11 to 25.0 in 2012/13 "
        "and stays below England's (30.0 in 2012/13)."
    )
    north_east = charts.trend(
        {"North East": _table([30.0, 24.0, 20.0]), "England": _table([27.0, 20.0, 21.0])},
        "rate",
        "Per 10,000",
        "the rate",
    )
    assert north_east.alt.startswith("The rate in the North East fell from 30.0 in 2010/11 to")
    assert "is below England's (21.0 in 2012/13)" in north_east.alt


def test_alt_text_never_uses_a_suppressed_value_and_names_the_band():
    chart = charts.trend(
        {"Wales": _table([12.0, 15.0, "[c]"], lower=[10, 13, "[c]"], upper=[14, 17, "[c]"])},
        "rate",
        "Weeks",
        "the median duration in weeks",
        "lower",
        "upper",
        band_label="middle half of cases",
    )
    assert "rose from 12.0 in 2010/11 to 15.0 in 2011/12" in chart.alt
    assert "2012/13" not in chart.alt and "[c]" not in chart.alt
    assert "Shaded bands show the middle half of cases." in chart.alt
    assert "confidence" not in chart.alt
    hidden = charts.trend({"Wales": _table(["[c]", "[c]", "[c]"])}, "rate", "R", "the rate")
    assert hidden.alt == (
        "The rate: no trend can be shown, every value for Wales from 2010/11 to 2012/13 "
        "is suppressed."
    )


def test_an_all_suppressed_bar_chart_says_so():
    table = pd.DataFrame({"label": ["Within 1 year", "Within 2 years"], "pct": ["[c]", "[c]"]})
    chart = charts.bars(table, "label", "pct", "%", "mothers returning", ranked=False)
    assert chart.alt == (
        "Mothers returning: no comparison can be shown, all 2 values are suppressed."
    )


def test_bar_alt_text_ranks_the_area_against_the_reference():
    table = pd.DataFrame(
        {"area": ["North East", "England", "London", "Wales"], "rate": [40.2, 27.4, 18.6, "[c]"]}
    )
    chart = charts.bars(
        table, "area", "rate", "Per 10,000", "the newborn rate by area in 2024/25",
        highlight="London", reference=27.4, reference_label="England",
    )  # fmt: skip
    assert chart.alt == (
        "The newborn rate by area in 2024/25: London was 3rd highest of 3 (18.6), below "
        "England's 27.4; highest North East (40.2), lowest London (18.6)."
    )


# --- charts -------------------------------------------------------------------------------


def _font_sizes_and_width(svg: str) -> tuple[list[float], float]:
    root = ET.fromstring(svg)
    width = float(root.get("viewBox").split()[2])
    sizes = [float(t.get("font-size")) for t in root.iter(f"{SVG}text")]
    return sizes, width


def test_every_chart_says_it_is_synthetic_and_its_text_is_readable_at_320px(pages):
    for soup in pages.values():
        for svg in _svgs(soup):
            assert charts.SYNTHETIC_LABEL in svg
            sizes, width = _font_sizes_and_width(svg)
            assert sizes, "no text found in the chart"
            # the chart is shown charts.NARROW_PX wide on a 320 px page (measured in the
            # browser test below); SVG user units scale by that over the viewBox width
            assert min(sizes) * charts.NARROW_PX / width >= 12


def test_a_chart_from_real_data_carries_no_synthetic_label():
    real = charts.trend({"Wales": _table([1.0, 2.0, 3.0], synthetic=False)}, "rate", "R", "r")
    fake = charts.trend({"Wales": _table([1.0, 2.0, 3.0])}, "rate", "R", "r")
    assert charts.SYNTHETIC_LABEL not in real.svg and not real.synthetic
    assert charts.SYNTHETIC_LABEL in fake.svg and fake.synthetic


def test_the_area_is_drawn_on_top_and_overlapping_bands_stay_distinct():
    chart = charts.trend(
        {
            "London": _table([20.0, 21.0, 22.0], lo=[18, 19, 20], hi=[22, 23, 24]),
            "England": _table([20.5, 21.5, 22.5], lo=[18, 19, 20], hi=[23, 24, 25]),
        },
        "rate",
        "Per 10,000",
        "the rate",
        "lo",
        "hi",
    )
    area, england = charts.get_af_colours("categorical", number_of_colours=2)
    root = ET.fromstring(chart.svg)
    plot = [g for g in root.iter(f"{SVG}g") if g.get("class") == "series"]
    lines = [
        re.search(r"stroke: (#\w+)", path.get("style")).group(1)
        for g in plot
        for path in g.iter(f"{SVG}path")
        if "fill: none" in path.get("style")
    ]
    assert lines.index(area) > lines.index(england)  # drawn later: on top
    assert "<pattern" in chart.svg  # the comparator's band is hatched, not a second tint
    legend = "".join(ET.tostring(g, encoding="unicode") for g in root.iter(f"{SVG}g")
                     if g.get("id") == "legend")  # fmt: skip
    for label in ("London: 95% confidence", "England: 95% confidence"):
        assert label in legend


def test_comparison_bars_contrast_3_to_1_with_white(pages):
    checked = 0
    for soup in pages.values():
        for svg in _svgs(soup):
            for bar in ET.fromstring(svg).iter(f"{SVG}path"):
                if bar.get("class") == "bar":
                    fill = re.search(r"fill: (#\w+)", bar.get("style")).group(1)
                    assert contrast(fill) >= 3, fill
                    checked += 1
    assert checked > 20
    assert contrast(charts.COMPARISON_GREY) >= 3 and contrast("#bfbfbf") < 3


def test_value_labels_stay_clear_of_the_reference_line():
    """Values sit in a column right of the plot, so the reference line (inside it) never
    runs through one; each row's value is level with its bar."""
    table = pd.DataFrame({"area": ["North East", "England", "London"], "rate": [28.0, 27.4, 27.0]})
    chart = charts.bars(table, "area", "rate", "Per 10,000", "the rate", "London", 27.4, "England")
    root = ET.fromstring(chart.svg)
    (reference,) = [g for g in root.iter(f"{SVG}g") if g.get("class") == "reference"]
    line_x = float(reference.find(f"{SVG}path").get("d").split()[1])
    values = [t for t in root.iter(f"{SVG}text") if t.get("class") == "value"]
    assert [t.text for t in values] == ["28.0", "27.4", "27.0"]
    bars = [p for p in root.iter(f"{SVG}path") if p.get("class") == "bar"]
    for text, bar in zip(values, bars, strict=True):
        corners = [float(v) for v in re.findall(r"[\d.]+", bar.get("d"))]
        bar_right, bar_top, bar_bottom = corners[2], corners[1], corners[5]
        assert float(text.get("x")) > max(line_x, bar_right) + 4
        assert bar_top < float(text.get("y")) <= bar_bottom + 6
    assert line_x == pytest.approx(float(bars[1].get("d").split()[4]))  # England's bar's end


# --- wording ------------------------------------------------------------------------------


def test_area_names_take_the_right_article():
    assert language.place("Yorkshire and The Humber") == "Yorkshire and The Humber"
    assert language.place("North East") == "the North East"
    assert language.place("East of England") == "the East of England"
    assert language.place("Wales") == "Wales" and language.place("London") == "London"
    # local authorities read bare unless named as an isle, a city or a vale
    assert language.place("Kent") == "Kent" and language.place("Cardiff") == "Cardiff"
    assert language.place("North Yorkshire") == "North Yorkshire"
    assert language.place("Isles of Scilly") == "the Isles of Scilly"
    assert language.place("City of London") == "the City of London"
    assert language.place("Vale of Glamorgan") == "the Vale of Glamorgan"


def _visible_text(soup) -> str:
    return re.sub(r"\s+", " ", soup.body.get_text(" "))


def test_wales_cafcass_wording_is_right_and_spelled_out(pages):
    for soup in pages.values():
        text = _visible_text(soup)
        assert "public-law cases are supported by Cafcass Cymru" not in text
        if "Cafcass" in text:
            first = text.index("Cafcass")
            assert "Children and Family Court Advisory and Support Service" in text[first:][:120]
    assert "private-law" in _visible_text(pages[("wales", "private-law")]).split("Cafcass")[0]


def test_confidence_interval_spelled_out_before_any_ci(pages):
    for soup in pages.values():
        text = _visible_text(soup)
        if m := re.search(r"\bCI\b", text):
            assert "confidence interval" in text[: m.start()]


def test_every_x_and_c_is_explained(pages):
    for (area, topic), soup in pages.items():
        text = _visible_text(soup)
        for mark, meaning in (("[x]", "[x]: not available"), ("[c]", "[c] marks a figure")):
            if mark in text.split("About this briefing")[0]:
                assert meaning in text, f"{area}/{topic}: {mark} unexplained"
        for wrap in soup("div", class_="table-wrap"):
            notes = wrap.find_next_sibling("ul", class_="notes")
            cells = [td.get_text() for td in wrap("td")]
            if "[x]" in cells:
                assert notes and "[x]: not available" in notes.get_text(), f"{area}/{topic}"


def test_the_summary_is_not_a_copy_of_a_finding(pages):
    for (area, topic), soup in pages.items():
        summary = soup.find("p", class_="summary").get_text()
        for finding in soup.find("section", class_="findings")("li"):
            assert finding.get_text() not in summary, f"{area}/{topic}"


def test_technical_details_hold_the_fingerprint_in_plain_words(pages):
    for soup in pages.values():
        text = _visible_text(soup)
        assert not re.search(r"\b\w+=\S", text)  # no key=value settings
        about = soup.find("section", class_="about")
        heading = about.find("h3", string="Technical details")
        assert heading is not None
        digest = re.search(r"\b[0-9a-f]{64}\b", text).group(0)
        assert text.index(digest) > text.index("Technical details")
        assert digest[:12] not in soup.footer.get_text()


# --- PDF layout ---------------------------------------------------------------------------


def _pdftotext(*args) -> str:
    return subprocess.run(
        ["pdftotext", *args, "-"], capture_output=True, text=True, check=True
    ).stdout


def _pages(path) -> list[list[str]]:
    """Each page's lines of text, without the running header and footer."""
    with pikepdf.open(path) as pdf:
        count = len(pdf.pages)
    pages = []
    for n in range(1, count + 1):
        lines = [x for x in _pdftotext("-f", str(n), "-l", str(n), str(path)).splitlines()]
        lines = [x for x in lines if x.strip()]
        pages.append(
            [x for x in lines if "not real statistics" not in x and f"Page {n} of" not in x]
        )
    return pages


def _text_sizes(path) -> list[tuple[float, str]]:
    """Every piece of text in a PDF with its size in points as printed: the font size times
    the scale of the text and transformation matrices (exact, and right for the rotated
    year labels of charts, whose pdftotext word boxes are not)."""
    sizes = []
    for page in PdfReader(path).pages:

        def visit(text, cm, tm, font, size):
            if text.strip():
                m = [
                    tm[0] * cm[0] + tm[1] * cm[2],
                    tm[0] * cm[1] + tm[1] * cm[3],
                    tm[2] * cm[0] + tm[3] * cm[2],
                    tm[2] * cm[1] + tm[3] * cm[3],
                ]
                sizes.append((size * abs(m[0] * m[3] - m[1] * m[2]) ** 0.5, text.strip()))

        page.extract_text(visitor_text=visit)
    return sizes


def test_pdf_text_is_at_least_9pt(suite):
    for area, topic in briefings(suite):
        path = suite.reports_dir / area / f"{topic}.pdf"
        sizes = _text_sizes(path)
        assert min(sizes)[0] >= 8.99, (area, topic, min(sizes))
        # the charts' own text (their tick labels) is in the PDF as text, at least 9 pt
        assert any(text == "0" for _, text in sizes)
        # cross-check one unrotated line with pdftotext's word boxes (ascent to descent:
        # 0.94 of the size in Liberation Sans)
        box = re.search(
            r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">Illustrative<',
            _pdftotext("-bbox", str(path)),
        )
        assert (float(box.group(2)) - float(box.group(1))) / 0.94 >= 8.95


def test_no_stranded_caption_and_no_nearly_empty_page(suite):
    for area, topic in briefings(suite):
        for n, lines in enumerate(_pages(suite.reports_dir / area / f"{topic}.pdf"), 1):
            assert len(lines) >= 5, f"{area}/{topic} page {n}: {lines}"
            assert not any(re.match(r"\s*Table \d+:", x) for x in lines[-3:]), (
                f"{area}/{topic} page {n} ends with a table caption: {lines[-3:]}"
            )


def _captions(node, parent, found):
    if node.get("/S") == "/Caption":
        found.append(str(parent))
    kids = node.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            _captions(kid, node.get("/S"), found)
    return found


def test_every_table_caption_is_inside_its_table_tag(suite, pages):
    for area, topic in briefings(suite):
        with pikepdf.open(suite.reports_dir / area / f"{topic}.pdf") as pdf:
            parents = _captions(pdf.Root.StructTreeRoot, None, [])
        tables = len(pages[(area, topic)]("table"))
        assert parents.count("/Table") == tables, (area, topic, parents)
        assert set(parents) <= {"/Table", "/Div"}  # a chart's caption sits with its Figure


def test_the_sparse_page_check_counts_lines():
    # a full page (15 lines), a page of 4 lines, then one of 1 (2 are header and footer)
    one_line = "\n".join(["#set page(height: 10cm)", "#lorem(300)", "#pagebreak()", "Alone."])
    pdf = pdf_render.typst.compile(one_line.encode())
    with pikepdf.open(io.BytesIO(pdf)) as document:
        last = len(document.pages)
    assert last == 3 and pdf_render.sparse_pages(pdf) == [2, 3]  # 4 lines, then 1


def _bars_of(n: int) -> charts.Chart:
    names = [f"Family court area number {i} of the country" for i in range(n)]
    table = pd.DataFrame({"area": names, "rate": [10.0 + i / 2 for i in range(n)]})
    return charts.bars(table, "area", "rate", "Per 10,000 children", "rates", names[3])


def _words_off_the_body(pdf: bytes, footer: str) -> list[str]:
    """Words printed outside a page's body (between the 1.7 cm margins, give or take a
    letter's ascent), as pdftotext's word boxes place them, but for the running footer's."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    margin, slack = 1.7 / 2.54 * 72, 3
    footer_words = set(footer.split()) | {"Page", "of"}
    word_box = r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<'
    off = []
    for height, words in re.findall(
        r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', boxes, re.S
    ):
        for y0, y1, word in re.findall(word_box, words):
            inside = float(y0) > margin - slack and float(y1) < float(height) - margin + slack
            if not inside and word not in footer_words and not word.isdigit():
                off.append(word)
    return off


@pytest.mark.parametrize("bars,expected", [(6, "width"), (22, "height"), (40, None)])
def test_a_chart_fits_its_page_legibly_or_gives_way_to_its_table(bars, expected):
    """6 bars print at the usual width; 22 are fitted to the page's height (text still at
    least 9 pt); 40 cannot be both on one page and legible, so the PDF says where the chart
    is and keeps its table: no word of chart or table runs into the margins."""
    chart = _bars_of(bars)
    size = pdf_render.chart_size(chart.svg, pdf_render.CHART_WIDTHS[0])
    assert (size.split(":")[0] if size else None) == expected
    if size and size.startswith("height"):
        natural = float(re.search(r'height="([\d.]+)pt"', chart.svg).group(1))
        assert pdf_render.CHART_HEIGHT_PT / natural * charts.FONT_PT >= 9
    table = {  # rows of two or three printed lines: 40 of them outrun a page
        "caption": "Data for: rates",
        "columns": [
            {"label": "Area", "kind": "text"},
            {"label": "Rate", "kind": "rate"},
            {"label": "Compared with England", "kind": "text"},
        ],
        "rows": [
            [f"Family court area number {i} of the country", 10.0, "not significantly different"]
            for i in range(bars)
        ],
        "notes": [],
    }
    part = {"svg": chart.svg, "alt": chart.alt, "caption": "Rates by family court area"}
    inputs: dict[str, str] = {}
    source = (
        pdf_render.opening("Profile", "2026-01-01 00:00 UTC", Language("en"), False)
        + "Opening paragraph.\n\n"
        + pdf_render._figure(part, "figure0", size, inputs)
        + pdf_render._table(table)
    )
    pdf = pdf_render.typst.compile(source.encode(), sys_inputs=inputs, pdf_standards=["ua-1"])
    text = " ".join(pdf_render.pdf_text(pdf))
    assert ("too long to print legibly" in text) == (expected is None)
    assert _words_off_the_body(pdf, "Profile · built 2026-01-01 00:00 UTC") == []


def test_the_data_of_a_chart_too_long_to_print_follows_its_sentence():
    """A chart too long to print is a sentence; its table (33 short rows: one page's worth)
    starts right under it, breaking where the page ends, instead of moving whole to the
    next page and leaving the sentence alone on a nearly empty one (London's borough
    profiles had such a page, and were compiled at every chart width trying to mend it)."""
    chart = _bars_of(33)
    assert pdf_render.chart_size(chart.svg, pdf_render.CHART_WIDTHS[0]) is None
    table = {
        "caption": "Data for: rates",
        "columns": [
            {"label": "Area", "kind": "text"},
            {"label": "Rate", "kind": "rate"},
            {"label": "Compared", "kind": "text"},
        ],  # fmt: skip
        "rows": [[f"Area {i}", 10.0 + i, "lower"] for i in range(33)],
        "notes": [],
    }
    assert pdf_render.LONG_TABLE_ROWS < 33 and pdf_render.printed_lines(table) < 65
    part = {"svg": chart.svg, "alt": chart.alt, "caption": "Rates by area", "table": table}
    doc_source = (
        pdf_render.opening("Profile", "2026-01-01 00:00 UTC", Language("en"), False)
        + "Opening paragraph.\n\n" * 30
    )
    inputs: dict[str, str] = {}
    body = pdf_render._figure(part, "figure0", None, inputs)
    body += pdf_render._table(table, flows=True)
    pdf = pdf_render.typst.compile((doc_source + body).encode(), sys_inputs=inputs)
    pages = pdf_render.pdf_text(pdf)
    assert "too long to print legibly" in pages[0] and "Area 0" in pages[0]
    assert pdf_render.sparse_pages(pdf) == []
    kept_whole = pdf_render.typst.compile(
        (doc_source + pdf_render._figure(part, "figure0", None, {}) + pdf_render._table(table))
        .encode()
    )  # fmt: skip
    assert "Area 0" not in pdf_render.pdf_text(kept_whole)[0]  # what flowing mends


def test_printed_lines_count_wrapped_cells():
    table = {
        "columns": [{"label": "Area", "kind": "text"}, {"label": "Rate", "kind": "rate"}],
        "rows": [["Northumbria and North Durham family court area", 1.0], ["Kent", 2.0]],
    }
    assert pdf_render.printed_lines(table) == 3 + 1


# --- in the browser -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    with launched() as browser:
        yield browser


def _open(browser, path, width=1280, media="screen"):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.emulate_media(media=media)
    page.goto(path.resolve().as_uri())
    return page


@pytest.mark.browser
def test_printing_a_briefing_includes_every_data_table(chromium, suite, pages, tmp_path):
    for area, topic in [("london", "infants"), ("wales", "timeliness"), ("wales", "outcomes")]:
        page = _open(chromium, suite.reports_dir / area / f"{topic}.html", media="print")
        out = tmp_path / f"{area}-{topic}.pdf"
        page.pdf(path=str(out), format="A4")
        page.close()
        printed = re.sub(r"\s+", " ", _pdftotext(str(out)))
        for table in pages[(area, topic)]("table"):
            caption = re.sub(r"\s+", " ", table.caption.get_text())
            first_cell = table.tbody.tr.th.get_text()
            assert caption[:60] in printed, (area, topic, caption)
            assert first_cell in printed


CLIPPED = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll(
      'h1, h2, h3, p, li, dt, dd, caption, figcaption, summary, .index-table th, '
      + '.index-table td')) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1) continue;  // not shown, or visually hidden for screen readers
    const region = el.closest('.table-wrap');
    const right = region && !el.closest('.index-table') ?
      (el.tagName === 'CAPTION' ? region.getBoundingClientRect().right : Infinity) : width;
    if (box.right > right + 0.5 || box.left < -0.5 || el.scrollWidth > el.clientWidth + 1)
      out.push(el.tagName + ': ' + el.textContent.slice(0, 40));
  }
  return out;
}"""


@pytest.mark.browser
def test_at_320px_nothing_is_clipped_and_no_page_scrolls_sideways(chromium, suite):
    paths = [suite.reports_dir / "index.html"] + [
        suite.reports_dir / a / f"{t}.html" for a, t in briefings(suite)
    ]
    for path in paths:
        page = _open(chromium, path, width=320)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        sideways = page.evaluate(
            "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
        )
        clipped = page.evaluate(CLIPPED)
        index_rows = page.evaluate(
            "[...document.querySelectorAll('.index-table')].filter("
            "t => t.closest('.table-wrap').scrollWidth > t.closest('.table-wrap').clientWidth"
            ").length"
        )
        charts_px = page.evaluate(
            "[...document.querySelectorAll('figure img')].map(i => i.getBoundingClientRect().width)"
        )
        page.close()
        assert sideways <= 0, path
        assert clipped == [], path
        assert index_rows == 0, path
        assert all(w >= charts.NARROW_PX for w in charts_px), (path, charts_px)


@pytest.mark.browser
def test_focus_has_a_dark_indicator_as_govuk(chromium, suite):
    page = _open(chromium, suite.reports_dir / "london" / "infants.html")
    styles = {}
    for selector in (".about a", "figure summary"):
        page.focus(selector)
        styles[selector] = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [s.backgroundColor, s.boxShadow, s.color]; }"
        )
    page.close()
    for background, shadow, colour in styles.values():
        assert background == "rgb(255, 221, 0)"
        assert "rgb(11, 12, 12) 0px 4px" in shadow  # the dark underline
        assert colour == "rgb(11, 12, 12)"
    assert contrast("#0b0c0c") >= 3 > contrast("#ffdd00")


def _axe(page):
    from axe_playwright_python.sync_playwright import Axe

    return [
        (v["id"], [n["target"] for n in v["nodes"]])
        for v in Axe().run(page, options=RULES).response["violations"]
    ]


@pytest.mark.browser
def test_axe_finds_nothing_with_sections_open_and_at_320px(chromium, suite):
    paths = [suite.reports_dir / "index.html"] + [
        suite.reports_dir / a / f"{t}.html" for a, t in briefings(suite)
    ]
    for path in paths:
        for width, opened in ((1280, False), (1280, True), (320, False), (320, True)):
            page = _open(chromium, path, width=width)
            if opened:
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            violations = _axe(page)
            page.close()
            assert violations == [], (path, width, opened)


def test_a_synthetic_briefing_refuses_a_chart_that_does_not_say_so(project):
    from fjo_analysis.report import Briefing

    b = Briefing("W92000004", "outcomes", project.stats_dir)
    orders = b.figures("final_orders")
    assert orders.attrs["synthetic"] and charts.is_synthetic(orders)
    unlabelled = charts.Chart("<svg/>", "Care orders rose from 40% to 42% of final orders.")
    with pytest.raises(ValueError, match="synthetic data but does not say so"):
        b.figure(unlabelled, caption="Orders", data=orders, columns=["year"])


def test_comparison_cells_read_whole_under_their_heading(pages, suite):
    """Under "Compared with England (95% level)" a cell says "not significantly different",
    never the sentence fragment "not significantly different from", in HTML and workbook."""
    import openpyxl

    cells = [td.get_text(" ", strip=True) for soup in pages.values() for td in soup("td")]
    assert "not significantly different" in cells
    assert not [c for c in cells if c.endswith(" from")]
    for area, topic in briefings(suite):
        path = suite.reports_dir / area / f"{topic}.xlsx"
        book = openpyxl.load_workbook(path, read_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                assert not [v for v in row if isinstance(v, str) and v.endswith(" from")], path
