"""Release information, spreadsheets' number formats and notes, CSV downloads, the methods
page and what changed since a previous release (issue 12, part B)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from pypdf import PdfReader

from fjo_analysis import settings
from fjo_analysis.check import check_file
from fjo_analysis.data.prepare import prepare
from fjo_analysis.data.synth import synthesise, write
from fjo_analysis.disclosure import Rules
from fjo_analysis.disclosure.audit import csv_problems
from fjo_analysis.figures.builder import build as build_store
from fjo_analysis.figures.tables import TABLES
from fjo_analysis.geography import area
from fjo_analysis.index import write_index
from fjo_analysis.params import topics
from fjo_analysis.profiles import profile_codes
from fjo_analysis.publish import write as write_release
from fjo_analysis.release import PLACEHOLDER_CONTACT
from fjo_analysis.render import parts
from fjo_analysis.revisions import compare
from fjo_analysis.stamps import stamp
from fjo_analysis.years import financial_year_label
from tests.conftest import BUILT_AREAS, EPOCH, SMALL

RELEASE_VARS = (
    "FJO_RELEASE_DATE",
    "FJO_NEXT_UPDATE",
    "FJO_STATISTICS_STATUS",
    "FJO_CONTACT",
    "FJO_PREVIOUS_RELEASE",
)


def briefings(suite):
    return [(a, t) for a in BUILT_AREAS for t in topics(suite.root)]


def store_table(config, name):
    return json.loads((config.stats_dir / "tables" / f"{name}.json").read_text())


# ------------------------------------------------------------------------ settings


@pytest.fixture
def clean_env(monkeypatch):
    for name in (*RELEASE_VARS, "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_release_settings_defaults_are_deterministic_under_source_date_epoch(clean_env):
    clean_env.setenv("SOURCE_DATE_EPOCH", EPOCH)
    config = settings.load()
    assert config.release_date is None  # the build date
    assert config.built_at().date() == dt.date(2026, 1, 1)
    assert config.statistics_status == "Research statistics, not official statistics"
    assert config.contact is None and config.next_update is None


@pytest.mark.parametrize(
    "name,value,message",
    [
        ("FJO_RELEASE_DATE", "27/11/2026", "FJO_RELEASE_DATE='27/11/2026': expected a date"),
        ("FJO_RELEASE_DATE", "2026-02-30", "FJO_RELEASE_DATE='2026-02-30': expected a date"),
        ("FJO_NEXT_UPDATE", "2025-12-31", "FJO_NEXT_UPDATE=2025-12-31: must be after"),
        ("FJO_CONTACT", "ring the office", "FJO_CONTACT='ring the office': expected an email"),
        ("FJO_PREVIOUS_RELEASE", "/no/such/dir", "FJO_PREVIOUS_RELEASE='/no/such/dir': no"),
        ("FJO_STATISTICS_STATUS", "x" * 201, "FJO_STATISTICS_STATUS="),
    ],
)
def test_bad_release_settings_name_the_variable(clean_env, name, value, message):
    clean_env.setenv("SOURCE_DATE_EPOCH", EPOCH)
    clean_env.setenv(name, value)
    with pytest.raises(settings.SettingsError) as err:
        settings.load()
    assert str(err.value).startswith(message)


def test_good_release_settings_are_read(clean_env, tmp_path):
    (tmp_path / "figures.csv").write_text("table\n")
    clean_env.setenv("FJO_RELEASE_DATE", "2026-03-05")
    clean_env.setenv("FJO_NEXT_UPDATE", "2027-03-04")
    clean_env.setenv("FJO_STATISTICS_STATUS", "Official statistics in development")
    clean_env.setenv("FJO_CONTACT", "Family justice team: fj.stats@example.org")
    clean_env.setenv("FJO_PREVIOUS_RELEASE", str(tmp_path))
    config = settings.load()
    assert config.release_date == dt.date(2026, 3, 5)
    assert config.next_update == dt.date(2027, 3, 4)
    assert config.statistics_status == "Official statistics in development"
    assert config.contact == "Family justice team: fj.stats@example.org"
    assert config.previous_release == tmp_path / "figures.csv"


def test_changing_release_information_rewrites_only_the_release_stamp(clean_env, tmp_path):
    clean_env.setenv("FJO_ROOT", str(tmp_path))
    clean_env.setenv("SOURCE_DATE_EPOCH", EPOCH)
    stamp(settings.load(), [])
    stamps = tmp_path / "build" / "stamps"
    before = {p.name: p.read_text() for p in stamps.iterdir()}
    assert json.loads(before["release.json"])["release_date"] == "2026-01-01"
    clean_env.setenv("FJO_NEXT_UPDATE", "2027-01-01")
    messages = stamp(settings.load(), [])
    after = {p.name: p.read_text() for p in stamps.iterdir()}
    assert [m.split(" ")[0] for m in messages] == ["release"]
    assert {n for n in after if after[n] != before[n]} == {"release.json"}
    assert json.loads(after["release.json"])["next_update"] == "2027-01-01"


# -------------------------------------------------------------- release information


def test_every_briefing_and_the_index_show_release_information(suite):
    pages = [suite.reports_dir / a / f"{t}.html" for a, t in briefings(suite)]
    for page in [*pages, suite.reports_dir / "index.html"]:
        soup = BeautifulSoup(page.read_text(), "html.parser")
        section = soup.find(id="release-information").find_parent("section")
        terms = {dt_.get_text(): dt_.find_next_sibling("dd").get_text() for dt_ in section("dt")}
        assert terms["Release date"] == "1 January 2026", page  # SOURCE_DATE_EPOCH
        assert terms["Next update"] == "Not yet announced"
        assert terms["Status"] == "Research statistics, not official statistics"
        assert terms["Contact"] == PLACEHOLDER_CONTACT and "Placeholder" in terms["Contact"]
        links = {a["href"] for a in soup("a")}
        prefix = "" if page.name == "index.html" else "../"
        assert f"{prefix}methods.html" in links, page
        for href in links - {"#main"}:
            if href.startswith("../profiles/"):  # profiles are not built in this suite
                assert Path(href).stem in profile_codes(), (page, href)
            elif not href.startswith("#"):
                assert (page.parent / href).exists(), (page, href)
    pdf = suite.reports_dir / "london" / "infants.pdf"
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Release information" in text and "1 January 2026" in text


# ------------------------------------------------------------------- spreadsheets


def _table_sheets(book):
    """(sheet, header cells, data rows) of each worksheet holding one table."""
    for ws in book.worksheets:
        if not ws.tables:
            continue
        (table,) = ws.tables.values()
        rows = list(ws[table.ref])
        yield ws, rows[0], rows[1:]


def test_workbook_numbers_are_formatted_by_what_they_are(suite):
    checked = {"#,##0": 0, "0.0": 0, "0.0000": 0, "0": 0}
    whole_rates = 0
    for a, t in briefings(suite):
        book = load_workbook(suite.reports_dir / a / f"{t}.xlsx")
        for ws, header, rows in _table_sheets(book):
            if ws.title == "Notes":
                continue
            for row in rows:
                for head, cell in zip(header, row, strict=True):
                    if not isinstance(cell.value, int | float):
                        assert cell.value is None or isinstance(cell.value, str)
                        continue
                    label = str(head.value)
                    if head.column == 1:  # the row's label (e.g. within 1, 3, 5 years)
                        expected = "0"
                        assert isinstance(cell.value, int)
                    elif label.endswith("(number)"):
                        expected = "#,##0"
                        assert isinstance(cell.value, int), (ws.title, label, cell.value)
                    elif label == "p-value":
                        expected = "0.0000"
                    else:
                        expected = "0.0"
                        assert cell.value == round(cell.value, 1)
                        whole_rates += cell.value == int(cell.value)
                    assert cell.number_format == expected, (a, t, ws.title, label, cell.value)
                    checked[expected] += 1
    assert checked["#,##0"] > 100 and checked["0.0"] > 100 and checked["0.0000"] > 0
    assert whole_rates > 0  # e.g. 25.0 is stored as 25.0 and shown with its decimal


def test_workbook_counts_are_the_store_counts(suite):
    """London's children in care proceedings, year by year, against the store."""
    book = load_workbook(suite.reports_dir / "london" / "care-proceedings.xlsx")
    london = area("E12000007").code
    expected = {
        financial_year_label(r["financial_year"]): r["children"]
        for r in store_table(suite, "care_children")
        if r["area_code"] == london
    }
    found = {}
    for _, header, rows in _table_sheets(book):
        labels = [h.value for h in header]
        if labels[:2] == ["Financial year", "Children (number)"]:
            found = {r[0].value: r[1].value for r in rows}
            break
    assert found == expected


def test_each_table_refers_to_its_own_notes(suite):
    tables_with_notes = 0
    for a, t in briefings(suite):
        executed = nbformat.read(suite.build_dir / "executed" / a / f"{t}.ipynb", as_version=4)
        doc = parts.read(executed, a, t, suite)
        book = load_workbook(suite.reports_dir / a / f"{t}.xlsx")
        notes_ws = book["Notes"]
        rows = [[c.value for c in r] for r in notes_ws.iter_rows()]
        start = next(i for i, r in enumerate(rows) if r[:2] == ["Note number", "Note text"])
        notes = {int(r[0]): r[1] for r in rows[start + 1 :] if r[0] is not None}
        assert sorted(notes) == list(range(1, len(notes) + 1))
        referenced = set()
        for i, table in enumerate(doc.tables(), start=1):
            title = str(book[f"Table {i}"]["A1"].value)
            refs = [int(n) for n in re.findall(r"\[note (\d+)\]", title)]
            texts = {notes[n] for n in refs}  # every reference resolves
            referenced.update(refs)
            values = [v for row in table["rows"] for v in row]
            assert set(table["notes"]) <= texts, (a, t, i)
            assert ("[c]" in values) == any(n.startswith("[c]") for n in texts), (a, t, i)
            assert (None in values or "[x]" in values) == any(n.startswith("[x]") for n in texts), (
                a,
                t,
                i,
            )
            tables_with_notes += bool(table["notes"])
        assert referenced == set(notes)  # no note without a table referring to it
    assert tables_with_notes > 0


def test_workbook_contents_link_every_table_and_each_table_is_marked(suite):
    """The contents sheet links to each table's sheet and describes it by its title; each
    table sheet holds one Excel table, exactly its header and rows, with no filter
    buttons, under its title, instruction and source."""
    for a, t in briefings(suite):
        book = load_workbook(suite.reports_dir / a / f"{t}.xlsx")
        contents = book["Contents"]
        (listed,) = contents.tables.values()
        rows = list(contents[listed.ref])[1:]
        assert [r[0].value for r in rows] == book.sheetnames[3:]
        for name_cell, description in rows:
            assert name_cell.hyperlink.location == f"'{name_cell.value}'!A1"
            sheet = book[name_cell.value]
            assert str(sheet["A1"].value).startswith(description.value)
            (table,) = sheet.tables.values()
            assert table.autoFilter is None
            first, last = table.ref.split(":")
            header_row = int(re.sub(r"\D", "", first))
            assert str(sheet.cell(header_row - 1, 1).value).startswith("Source: ")
            assert int(re.sub(r"\D", "", last)) == sheet.max_row  # nothing under the table
            assert [c.value for c in sheet[header_row]] == [col.name for col in table.tableColumns]


def test_a_table_without_rows_keeps_its_header(tmp_path):
    """Excel marks no table without a row: an empty table is still its header (it once
    vanished, header and all, since the header was written only with the table)."""
    from fjo_analysis.render.xlsx import _Book

    book = _Book(tmp_path / "x.xlsx")
    header, kinds = ["Financial year", "Children (number)"], ["text", "count"]
    book.table(book.sheet("Empty"), 3, "empty_table", header, [], kinds)
    book.table(book.sheet("Full"), 3, "full_table", header, [["2024/25", 12]], kinds)
    book.book.close()
    read = load_workbook(tmp_path / "x.xlsx")
    assert [c.value for c in read["Empty"][4]] == header and not read["Empty"].tables
    assert [c.value for c in read["Full"][4]] == header
    assert read["Full"].tables["full_table"].ref == "A4:B5"
    assert read["Full"]["B5"].number_format == "#,##0" and read["Full"]["A4"].font.b


def test_workbook_cover_has_release_information_contact_and_methods(suite):
    book = load_workbook(suite.reports_dir / "wales" / "outcomes.xlsx")
    cover = [str(c.value) for row in book["Cover"].iter_rows() for c in row if c.value]
    text = " ".join(cover)
    assert "Release date: 1 January 2026" in text
    assert "Status: Research statistics, not official statistics" in text
    assert "Contact" in cover and PLACEHOLDER_CONTACT in cover
    assert "Methods summary:" in cover and "secondary suppression" in text


# ---------------------------------------------------------------------------- CSV


def _csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_each_briefing_has_a_tidy_csv_of_its_store_figures(suite):
    for a, t in briefings(suite):
        rows = _csv(suite.reports_dir / a / f"{t}.csv")
        assert rows and list(rows[0]) == [
            "table",
            "area_code",
            "area",
            "year",
            "breakdown",
            "measure",
            "unit",
            "value",
        ]
        html = (suite.reports_dir / a / f"{t}.html").read_text()
        assert f'href="{t}.csv"' in html
    # Wales's children in care proceedings, independently from the store's JSON.
    rows = _csv(suite.reports_dir / "wales" / "care-proceedings.csv")
    got = {
        r["year"]: r["value"]
        for r in rows
        if r["table"] == "care_children"
        and r["area_code"] == "W92000004"
        and r["measure"] == "children"
    }
    want = {
        financial_year_label(r["financial_year"]): str(r["children"])
        for r in store_table(suite, "care_children")
        if r["area_code"] == "W92000004"
    }
    assert got == want


def test_release_figures_csv_holds_every_store_figure_with_a_dictionary(suite):
    rows = _csv(suite.reports_dir / "figures.csv")
    expected = sum(
        len(r) - 1 - len(TABLES[name].keys) for name in TABLES for r in store_table(suite, name)
    )
    assert len(rows) == expected
    marked = [r for r in rows if r["value"] == "[c]"]
    assert marked and all(
        r["unit"] in ("number", "per 10,000", "%", "weeks", "text") for r in marked
    )
    counts = [r for r in rows if r["unit"] == "number" and r["value"] not in ("[c]", "[x]")]
    assert min(int(r["value"]) for r in counts) >= 10
    dictionary = _csv(suite.reports_dir / "figures-dictionary.csv")
    measures = {(r["table"], r["name"]) for r in dictionary if r["entry"] == "measure"}
    assert measures == {(r["table"], r["measure"]) for r in rows}
    index = (suite.reports_dir / "index.html").read_text()
    assert 'href="figures.csv"' in index and 'href="figures-dictionary.csv"' in index


@pytest.mark.parametrize("where", ["wales/infants.csv", "figures.csv"])
def test_a_planted_small_count_in_a_csv_is_refused(suite, tmp_path, where):
    source = suite.reports_dir / where
    rows = _csv(source)
    i = next(i for i, r in enumerate(rows) if r["unit"] == "number" and r["value"] != "[c]")
    rows[i]["value"] = "3"
    planted = tmp_path / Path(where).name
    with open(planted, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    leaks = check_file(planted, 10)
    assert len(leaks) == 1 and "'3'" in str(leaks[0])
    # relabelled as something else, it is still a count of the store
    rows[i]["unit"] = "text"
    with open(planted, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert len(check_file(planted, 10)) == 1
    assert check_file(source, 10) == []


def test_the_release_audit_covers_csv_files(suite, tmp_path):
    assert csv_problems(suite.reports_dir, suite.stats_dir) == []
    reports = tmp_path / "reports"
    shutil.copytree(suite.reports_dir, reports)
    path = reports / "london" / "outcomes.csv"
    text = path.read_text().splitlines()
    i = next(i for i, line in enumerate(text) if ",number," in line and not line.endswith("[c]"))
    head, _, value = text[i].rpartition(",")
    text[i] = f"{head},{int(value) + 1}"  # a count that is not the published one
    path.write_text("\n".join(text) + "\n")
    findings = csv_problems(reports, suite.stats_dir)
    assert len(findings) == 1 and "differs from the statistics store" in str(findings[0])
    head, _, value = text[i].rpartition(",")
    table, rest = head.split(",", 1)
    text[i] = f"made_up_table,{rest},{value}"  # a count of no figure of the store
    path.write_text("\n".join(text) + "\n")
    findings = csv_problems(reports, suite.stats_dir)
    assert len(findings) == 1 and "not a figure of the statistics store" in str(findings[0])


# ------------------------------------------------------------------ methods page


def test_methods_page_follows_qmi_structure_with_real_figures(suite):
    page = suite.reports_dir / "methods.html"
    soup = BeautifulSoup(page.read_text(), "html.parser")
    headings = [h.get_text() for h in soup("h2")]
    assert headings == [
        "Output information",
        "Data source and coverage",
        "Definitions",
        "Methods",
        "Disclosure control",
        "Quality and known limitations",
        "Revisions",
        "Accessibility statement",
        "Welsh language",  # the Welsh version and whether its translation is reviewed
        "Technical details",
    ]
    stats = json.loads((suite.stats_dir / "manifest.json").read_text())
    source = stats["source"]
    terms = {d.get_text(): d.find_next_sibling("dd").get_text() for d in soup("dt")}
    assert terms["Suppressed counts"] == f"{stats['suppressed']:,}"
    assert terms["of which under 10 (primary)"] == f"{stats['primary']:,}"
    assert terms["Counts in the release"] == f"{stats['cells']:,}"
    first = financial_year_label(int(source["first_year"]))
    last = financial_year_label(int(source["last_year"]))
    assert terms["Years covered"].startswith(f"financial years {first} to {last}")
    assert source["source_sha256"] in terms["Data file SHA-256"]
    text = soup.get_text(" ")
    assert "Illustrative synthetic data" in text and "Wilson" in text and "quasi-Poisson" in text
    assert "No previous release was given" in text
    pdf = PdfReader(suite.reports_dir / "methods.pdf")
    root = pdf.trailer["/Root"]
    assert "/StructTreeRoot" in root and str(root["/Lang"]).startswith("en")
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    pdf_text = " ".join(p.extract_text() for p in pdf.pages)
    assert "Disclosure control" in pdf_text and f"{stats['suppressed']:,}" in pdf_text
    assert check_file(suite.reports_dir / "methods.pdf", 10) == []


# ------------------------------------------------------------------ what changed


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory, suite):
    """The suite's release and an earlier one, made from an extract a year shorter."""
    root = tmp_path_factory.mktemp("earlier")
    extract = root / "extract.csv"
    write(synthesise(**{**SMALL, "end_year": SMALL["end_year"] - 1}), extract)
    earlier = settings.Settings(root=root, extract=extract, suppress_below=10, round_to=0)
    prepare(extract, earlier.processed_dir, synthetic=True)
    build_store(earlier.processed_dir, earlier.stats_dir, Rules(10, 0))
    shutil.copytree(suite.root / "notebooks", root / "notebooks")
    shutil.copytree(suite.root / "params", root / "params")
    write_release(earlier)
    return earlier, suite


def test_revisions_list_changed_figures_and_new_years(two_releases):
    earlier, current = two_releases
    before = {
        tuple(r[k] for k in ("table", "area_code", "year", "breakdown", "measure")): r["value"]
        for r in _csv(earlier.reports_dir / "figures.csv")
    }
    after = {
        tuple(r[k] for k in ("table", "area_code", "year", "breakdown", "measure")): r["value"]
        for r in _csv(current.reports_dir / "figures.csv")
    }
    import pandas as pd

    frame = pd.read_csv(current.reports_dir / "figures.csv", dtype=str, keep_default_na=False)
    revisions = compare(frame, earlier.reports_dir / "figures.csv")
    listed = {
        tuple(r[k] for k in ("table", "area_code", "year", "breakdown", "measure")): r["change"]
        for _, r in revisions.changes.iterrows()
    }

    def kind(old, new):
        if old == new:
            return None
        if new == "[c]":
            return "newly suppressed"
        if old == "[c]":
            return "no longer suppressed"
        try:
            return "revised" if float(old) != float(new) else None
        except ValueError:
            return "revised"

    expected = {
        k: kind(before[k], after[k])
        for k in before.keys() & after.keys()
        if kind(before[k], after[k])
    }
    assert listed == expected and len(listed) > 0
    assert revisions.new_years == [new_year(earlier, current)]


def new_year(earlier, current) -> str:
    """The one year the current release covers and the earlier does not (from manifests)."""
    last = [
        json.loads((c.stats_dir / "manifest.json").read_text())["source"]["last_year"]
        for c in (earlier, current)
    ]
    assert last[1] == last[0] + 1
    return financial_year_label(int(last[1]))


def test_index_and_methods_page_list_the_revisions(two_releases, monkeypatch):
    earlier, current = two_releases
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    config = settings.Settings(
        root=current.root,
        extract=current.extract,
        suppress_below=10,
        round_to=0,
        previous_release=earlier.reports_dir / "figures.csv",
    )
    try:
        write_release(config)
        write_index(config)
        index = BeautifulSoup((config.reports_dir / "index.html").read_text(), "html.parser")
        section = index.find(id="what-changed")
        text = section.find_next("p").get_text()
        year = new_year(earlier, current)
        assert f"New years: {year}" in text
        changes = _csv(config.reports_dir / "revisions.csv")
        assert f"{sum(c['change'] == 'revised' for c in changes):,} figures revised" in text
        table = index.find(id="caption-revisions").find_parent("table")
        assert len(table.tbody("tr")) == min(20, len(changes))
        methods = (config.reports_dir / "methods.html").read_text()
        assert f"New years: {year}" in methods
        assert check_file(config.reports_dir / "revisions.csv", 10) == []
    finally:  # leave the suite as it was built: no previous release
        write_release(current)
        write_index(current)
    assert not (current.reports_dir / "revisions.csv").exists()


def test_a_previous_release_that_is_not_a_figures_csv_is_named(tmp_path, suite):
    bad = tmp_path / "figures.csv"
    bad.write_text("year,value\n2019/20,12\n")
    import pandas as pd

    frame = pd.read_csv(suite.reports_dir / "figures.csv", dtype=str, keep_default_na=False)
    with pytest.raises(ValueError, match=rf"{bad}: not a release's figures.csv"):
        compare(frame, bad)


def test_release_outputs_with_a_small_count_are_refused_and_nothing_changes(suite, monkeypatch):
    from fjo_analysis import publish
    from fjo_analysis.errors import BriefingError

    real = publish.tidy.release_rows

    def planted(tables):
        rows = real(tables)
        i = rows.index[(rows["unit"] == "number") & (rows["value"] != "[c]")][0]
        rows.loc[i, "value"] = "4"
        return rows

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(publish.tidy, "release_rows", planted)
    before = {p: p.read_bytes() for p in suite.reports_dir.iterdir() if p.is_file()}
    with pytest.raises(BriefingError, match=r"reports/figures.csv: line 2, value of"):
        write_release(suite)
    after = {p: p.read_bytes() for p in suite.reports_dir.iterdir() if p.is_file()}
    assert after == before  # nothing published, no temporary file left
