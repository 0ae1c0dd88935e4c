"""`fjo check` catches small counts planted in each kind of output."""

import json
import shutil
import subprocess
import sys

import pytest
import typst
from openpyxl import Workbook

from fjo_analysis import check as check_module
from fjo_analysis.check import check
from fjo_analysis.errors import BriefingError


def _log(path, threshold=10):
    path.with_name(path.stem + ".disclosure.json").write_text(
        json.dumps({"rules": {"threshold": threshold, "round_to": 0}, "suppressed": []})
    )


def _run(*paths):
    return subprocess.run(
        [sys.executable, "-m", "fjo_analysis.cli", "check", *map(str, paths)],
        capture_output=True,
        text=True,
    )


def test_published_suite_is_clean(suite):
    assert check([suite.reports_dir], 10) == []
    result = _run(suite.reports_dir)
    assert result.returncode == 0 and "no disclosive figures" in result.stdout


def test_leak_in_html_table_cell(suite, tmp_path):
    page = tmp_path / "infants.html"
    html = (suite.reports_dir / "wales" / "infants.html").read_text()
    cell = '<td data-column="newborns" class="count">'
    assert cell in html
    start = html.index(cell) + len(cell)
    leaked = html[:start] + "7" + html[html.index("</td>", start) :]
    page.write_text(leaked)
    shutil.copy(suite.reports_dir / "wales" / "infants.disclosure.json", tmp_path)
    leaks = check([page], 10)
    assert any("'7' is under 10" in str(leak) for leak in leaks)
    assert _run(page).returncode != 0


def test_leak_in_html_text_and_alt_text(tmp_path):
    page = tmp_path / "x.html"
    page.write_text(
        '<html><body><p>There were 4 newborns.</p><img alt="a bar of 3 mothers"></body></html>'
    )
    _log(page)
    found = [str(leak) for leak in check([page], 10)]
    assert any("4 newborns" in f for f in found) and any("3 mothers" in f for f in found)


@pytest.mark.parametrize(
    "paragraph",
    [
        "&#51;&#32;chil&#100;ren were seen",  # character references inside the phrase
        "x" * 70_000 + " 3 children",  # a text run longer than the parser's buffer
        "in <b>all</b> 3 children",  # text after a tag
    ],
)
def test_a_count_phrase_is_read_whole_however_the_page_spells_it(tmp_path, paragraph):
    """The HTML check reads a page's text as a reader would, from one tag to the next:
    a phrase split by character references or by the parser's buffer is still one."""
    page = tmp_path / "x.html"
    page.write_text(f"<!DOCTYPE html><html><body><p>{paragraph}</p></body></html>")
    _log(page)
    assert any("'3 children'" in str(leak) for leak in check([page], 10))


def test_a_page_is_read_whole_or_refused(tmp_path, monkeypatch):
    """libxml2 stops at anything over 10 MB in one piece unless told otherwise, and older
    versions misread a CR: the check reads past both; a page that is not UTF-8, or a
    libxml2 too old to trust, is refused rather than half read."""
    huge = tmp_path / "huge.html"
    huge.write_text(f'<p>x</p><img alt="{"y" * 11_000_000} 3 children"><p>4 babies</p>')
    _log(huge)
    found = " ".join(str(leak) for leak in check([huge], 10))
    assert "'3 children'" in found and "'4 babies'" in found
    crlf = tmp_path / "crlf.html"
    crlf.write_text("<p>There were 3\r\nchildren.</p>", newline="")
    _log(crlf)
    assert any("3\\nchildren" in str(leak) for leak in check([crlf], 10))
    latin = tmp_path / "latin.html"
    latin.write_bytes(b"<p>3\xa0children</p>")
    _log(latin)
    with pytest.raises(BriefingError, match=r"latin.html: not UTF-8 text \(byte 4\)"):
        check([latin], 10)
    monkeypatch.setattr(check_module.etree, "LIBXML_VERSION", (2, 13, 8), raising=False)
    with pytest.raises(BriefingError, match="needs libxml2 2.14 or later"):
        check([crlf], 10)


def test_leak_in_a_charts_labels(tmp_path):
    """A chart is an image of text: its labels (here the legend's) are read as a reader
    reads them."""
    import base64

    import pandas as pd

    from fjo_analysis import charts

    table = pd.DataFrame({"area": ["Cardiff", "Swansea"], "rate": [12.0, 9.5]})
    clean = charts.bars(table, "area", "rate", "Per 10,000", "rates", "Cardiff", 11.0, "Wales")
    leaky = clean.svg.replace(">Wales 11.0<", ">Wales: 6 newborns<")
    assert leaky != clean.svg
    page = tmp_path / "x.html"
    for svg, leaks in ((clean.svg, 0), (leaky, 1)):
        src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
        page.write_text(f'<html><body><img alt="Rates by area." src="{src}"></body></html>')
        _log(page)
        found = [str(leak) for leak in check([page], 10)]
        assert len(found) == leaks, found
    assert "chart 1" in found[0] and "6 newborns" in found[0]


def test_log_driven_check_finds_a_suppressed_cell_shown(suite, tmp_path):
    log = json.loads((suite.reports_dir / "wales" / "outcomes.disclosure.json").read_text())
    page = tmp_path / "outcomes.html"
    page.write_text(
        '<table data-table="orders_by_year"><thead><tr>'
        '<th data-column="year">Year</th><th data-column="final_order">Order</th>'
        '<th data-column="share_pct">Share (%)</th></tr></thead><tbody><tr>'
        '<th data-column="year">2017/18</th><td data-column="final_order">Other</td>'
        '<td data-column="share_pct">2.0</td></tr></tbody></table>'
    )
    log["suppressed"] = [
        {
            "table": "orders_by_year",
            "column": "share_pct",
            "reason": "derived",
            "row": {"financial_year": 2017, "year": "2017/18", "final_order": "Other"},
        }
    ]
    (tmp_path / "outcomes.disclosure.json").write_text(json.dumps(log))
    assert any("the log suppressed share_pct" in str(leak) for leak in check([page], 10))


def test_leak_in_pdf_text(tmp_path):
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(
        typst.compile(
            b'#set text(lang: "en")\nIn 2023/24, 6 children were in proceedings, 21.5 per 10,000.'
        )
    )
    _log(pdf)
    assert [leak.what for leak in check([pdf], 10)] == [
        "text '6 children' publishes a count under 10"
    ]


def test_leak_in_spreadsheet(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Table 1: children by year"])
    sheet.append(["Financial year", "Children (number)", "Rate per 10,000 children"])
    sheet.append(["2023/24", 120, 3.5])
    sheet.append(["2024/25", 4, 0.2])
    sheet.append(["2025/26", "[c]", "[c]"])
    path = tmp_path / "x.xlsx"
    book.save(path)
    _log(path)
    leaks = check([path], 10)
    assert len(leaks) == 1 and "row 2" in leaks[0].where and "'4'" in leaks[0].what


def test_output_without_its_log_is_refused(tmp_path):
    page = tmp_path / "y.html"
    page.write_text("<html></html>")
    assert [leak.what for leak in check([page], 10)] == ["missing: cannot tell what was protected"]


@pytest.mark.parametrize("configured,expected", [(5, 0), (10, 1), (20, 2)])
def test_the_configured_threshold_is_used_never_the_logs(tmp_path, configured, expected):
    page = tmp_path / "z.html"
    page.write_text("<p>7 children and 12 mothers</p>")
    _log(page, threshold=5)  # a log that claims a lower threshold changes nothing
    assert len(check([page], configured)) == expected


@pytest.mark.parametrize(
    "lang,title,page",
    [  # a sentence runs on after the footer / a count label ends the page before it
        ("en", "Profile: Swindon", "children in care proceedings: 120 in all."),
        ("cy", "Cymru", "Plant (nifer): 120\n\nNifer y plant mewn achosion"),
    ],
)
def test_a_page_footer_is_not_read_as_a_count(tmp_path, lang, title, page):
    """The real running footer (built at 09:04, page 3 of 4), read as text: '4' then a
    page going on with 'children' reads '4 children' (a footer and a 'Children' heading
    refused most small-extract infants briefings), and in Welsh a count label then the
    footer's minutes reads 'Nifer ...: 04'."""
    from fjo_analysis import i18n
    from fjo_analysis.check import pdf_text
    from fjo_analysis.disclosure import small_counts_in
    from fjo_analysis.render.pdf import opening

    language = i18n.activate(lang)
    try:
        start = opening(title, "2026-11-27 09:04 UTC", language, synthetic=False)
    finally:
        i18n.activate("en")
    pages = "\n#pagebreak()\n".join([page] * 4)
    pdf = tmp_path / "footer.pdf"
    pdf.write_bytes(typst.compile(f"{start}\n{pages}".encode()))
    _log(pdf)
    raw = " ".join(pdf_text(pdf.read_bytes()))
    assert "4 of 4" in raw or "4 o 4" in raw
    assert small_counts_in(raw, 10)  # read naively, the footer makes a "count"
    assert check([pdf], 10) == []


def test_a_pdf_that_cannot_be_read_is_refused_with_the_reason(tmp_path):
    from fjo_analysis.errors import BriefingError

    pdf = tmp_path / "cut.pdf"
    pdf.write_bytes(typst.compile(b"173 children.")[:200])  # cut short (a full disk)
    _log(pdf)
    with pytest.raises(BriefingError, match="PDFium could not read a PDF"):
        check([pdf], 10)
