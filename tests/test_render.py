"""The published briefings, opened and read as a reader (and a screen reader) would."""

import dataclasses
import datetime as dt
import re
import shutil

import nbformat
import pikepdf
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from pypdf import PdfReader

from fjo_analysis.build import render
from fjo_analysis.data.prepare import sha256
from tests.conftest import EPOCH, briefings

BUILT_DATE = dt.datetime.fromtimestamp(int(EPOCH), dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def test_every_briefing_has_all_three_outputs(suite):
    for area, topic in briefings(suite):
        for suffix in ("html", "pdf", "xlsx", "disclosure.json"):
            assert (suite.reports_dir / area / f"{topic}.{suffix}").stat().st_size > 0
    assert not list(suite.reports_dir.rglob(".*tmp*"))


def test_html_structure(pages):
    for soup in pages.values():
        assert soup.html["lang"] == "en-GB"
        assert soup.title.string and soup.title.string == soup.h1.get_text()
        skip = soup.find("a", class_="skip-link")
        assert skip["href"] == "#main" and soup.find(id="main").name == "main"
        assert len(soup.find_all("main")) == 1 and len(soup.find_all("h1")) == 1
        levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
        assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
        findings = soup.find("section", class_="findings").find_all("li")
        assert 3 <= len(findings) <= 5
        # numbers in them (a number protected by disclosure control shows as [c])
        assert all(re.search(r"\d|\[c\]|suppressed", li.get_text()) for li in findings[:2])
        assert "Illustrative synthetic data" in soup.find("div", class_="banner").get_text()


def test_figures_have_real_alt_text_captions_and_data(pages):
    for soup in pages.values():
        figures = soup.find_all("figure")
        assert 2 <= len(figures) <= 4
        for fig in figures:
            alt = fig.img["alt"]
            assert len(alt) > 40 and "No description" not in alt
            assert re.search(r"\d", alt)  # data-driven: it states numbers
            assert fig.img["src"].startswith("data:image/svg+xml;base64,")
            assert fig.figcaption.get_text().strip()
            assert fig.find("details").find("table") is not None


def test_tables_are_captioned_with_header_scopes(pages):
    for soup in pages.values():
        for table in soup.find_all("table"):
            assert table.caption.get_text().strip()
            for th in table.find_all("th"):
                assert th.get_text().strip(), "empty header cell"
                assert th.get("scope") in ("col", "row")


def test_no_external_resources(pages, suite):
    index = BeautifulSoup((suite.reports_dir / "index.html").read_text(), "html.parser")
    assert all(not soup.find_all("script") for soup in pages.values())  # briefings: none
    for soup in [*pages.values(), index]:
        # the index's area search is inline, a progressive enhancement: it fetches nothing
        assert all(not tag.get("src") for tag in soup.find_all("script"))
        for tag in soup.find_all(src=True) + soup.find_all("link", href=True):
            assert not re.match(r"(https?:)?//", tag.get("src") or tag.get("href"))
        assert "@import" not in soup.style.get_text() and "url(http" not in soup.style.get_text()


def test_provenance_block(pages, suite):
    digest = sha256(suite.extract)
    for soup in pages.values():
        about = soup.find("section", class_="about").get_text(" ")
        assert digest in about and BUILT_DATE in about
        assert "fjo_analysis" in about and "area code: " in about
        assert "illustrative" in about


def test_pdf_is_tagged_pdf_ua_with_title_and_language(suite, pages):
    for area, topic in briefings(suite):
        path = suite.reports_dir / area / f"{topic}.pdf"
        with pikepdf.open(path) as pdf:
            root = pdf.Root
            assert "/StructTreeRoot" in root and bool(root.MarkInfo.Marked)
            assert str(root.Lang) == "en-GB"
            title = pages[(area, topic)].h1.get_text()
            assert str(pdf.docinfo["/Title"]) == title
            assert pdf.open_metadata().get("pdfuaid:part") == "1"
            assert 2 <= len(pdf.pages) <= 7  # 9 pt tables, charts with 11 pt text
        text = " ".join(p.extract_text() for p in PdfReader(path).pages)
        text = re.sub(r"\s+", " ", text).replace("\u2019", "'")  # Typst typesets smart quotes
        findings = [
            li.get_text()
            for li in pages[(area, topic)].find("section", class_="findings").find_all("li")
        ]
        positions = [text.find(f[:40]) for f in findings]
        assert all(p >= 0 for p in positions) and positions == sorted(positions)
        assert "Illustrative synthetic data" in text


def test_workbook_follows_gss_layout(suite, pages):
    marked = 0
    for area, topic in briefings(suite):
        book = load_workbook(suite.reports_dir / area / f"{topic}.xlsx")
        names = book.sheetnames
        assert names[:3] == ["Cover", "Contents", "Notes"] and len(names) >= 5
        cover = " ".join(str(c.value) for row in book["Cover"].iter_rows() for c in row if c.value)
        assert pages[(area, topic)].h1.get_text() in cover and "not real statistics" in cover
        notes = " ".join(str(c.value) for row in book["Notes"].iter_rows() for c in row if c.value)
        assert "[c]" in notes
        for name in names[3:]:
            values = [c.value for row in book[name].iter_rows() for c in row]
            if any(isinstance(v, str) and v.startswith("Trend in") for v in values):
                continue  # a model's estimates: no counts
            assert any(isinstance(v, str) and "(number)" in v for v in values)
            marked += "[c]" in values
    assert marked > 0  # small areas at small scale: some cells are suppressed


def test_rendering_twice_gives_identical_bytes(suite, tmp_path):
    area, topic = "wales", "timeliness"
    executed = nbformat.read(suite.build_dir / "executed" / area / f"{topic}.ipynb", 4)
    first = {
        s: (suite.reports_dir / area / f"{topic}.{s}").read_bytes() for s in ("html", "pdf", "xlsx")
    }
    copy = dataclasses.replace(suite, root=tmp_path)
    shutil.copytree(suite.processed_dir, copy.processed_dir)
    for folder in ("notebooks", "params"):  # what the project builds: its links to profiles
        shutil.copytree(suite.root / folder, tmp_path / folder)
    render(executed, area, topic, copy)
    for suffix, data in first.items():
        assert (copy.reports_dir / area / f"{topic}.{suffix}").read_bytes() == data, suffix
