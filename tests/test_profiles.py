"""Local areas in the store and local profiles.

The pooled local counts are checked against an independent count of the processed rows
(pandas, not the measures), the local hierarchy (a region's authorities over a period =
the region's single years) against the relations the protection and the audit use, and a
differencing attack (region minus its other authorities) against the audit.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from pypdf import PdfReader

from fjo_analysis.disclosure import MARK, Rules
from fjo_analysis.disclosure.audit import audit_store, load_relations
from fjo_analysis.geography import (
    dfj_members,
    la_codes_in,
    local_areas,
    local_authorities,
    region_codes,
)
from fjo_analysis.years import local_periods


@pytest.fixture(scope="module")
def cells(project):
    return pd.read_parquet(project.stats_dir / "private" / "cells.parquet")


@pytest.fixture(scope="module")
def rows(project):
    return pd.read_parquet(project.processed_dir / "cases.parquet")


@pytest.fixture(scope="module")
def periods(project):
    manifest = json.loads((project.stats_dir / "manifest.json").read_text())
    return {int(end): years for end, years in manifest["local_periods"].items()}


def _care_children(rows: pd.DataFrame) -> pd.DataFrame:
    care = rows[
        (rows["law_type"] == "public") & (rows["application_type"] == "care_supervision_s31")
    ]
    return care.drop_duplicates(["financial_year", "child_id"])


def _cells(cells: pd.DataFrame, table: str, column: str, **where) -> pd.DataFrame:
    """The store's cells of one table's column, narrowed by area_code or key."""
    found = cells[(cells["table"] == table) & (cells["column"] == column)]
    for name, value in where.items():
        found = found[found[name] == value]
    return found


def test_periods_do_not_overlap_and_end_with_the_last_year():
    assert local_periods(2010, 2024) == {
        2012: [2010, 2011, 2012],
        2015: [2013, 2014, 2015],
        2018: [2016, 2017, 2018],
        2021: [2019, 2020, 2021],
        2024: [2022, 2023, 2024],
    }
    assert local_periods(2016, 2019) == {2019: [2017, 2018, 2019]}  # 2016 alone: left out


def test_local_counts_match_an_independent_count(cells, rows, periods):
    child_years = _care_children(rows)
    cases = rows[
        (rows["law_type"] == "public") & (rows["application_type"] == "care_supervision_s31")
    ].drop_duplicates("case_id")
    checked = 0
    for code in ("E08000025", "E09000033", "W06000015", "E06000053"):
        for end, years in periods.items():
            mine = child_years[
                (child_years["la_unit_code"] == code) & child_years["financial_year"].isin(years)
            ]
            theirs = _cells(cells, "care_children", "children", area_code=code, key=str(end))
            assert theirs["value"].tolist() == [float(len(mine))], (code, end)
            issued = cases[(cases["la_unit_code"] == code) & cases["financial_year"].isin(years)]
            stored = _cells(cells, "durations", "cases", area_code=code, key=str(end))["value"]
            assert stored.tolist() == [float(len(issued))], (code, end)
            checked += 1
    assert checked == 4 * len(periods)


def test_a_regions_authorities_add_up_to_its_years(project, cells, rows, periods):
    """The relation is declared (the protection and audit use it), and its constant is
    the independently counted double counting of children who moved between authorities."""
    relations = load_relations(project.stats_dir / "private" / "relations.npz")
    members = pd.Series(relations.cell).groupby(relations.row).agg(frozenset)
    child_years = _care_children(rows)
    children = _cells(cells, "care_children", "children")
    for parent in [*region_codes("England"), "W92000004"]:
        las = [c for c, a in local_areas().items() if a.parent == parent and a.level != "dfj"]
        for end, years in periods.items():
            local = children[children["area_code"].isin(las) & (children["key"] == str(end))]
            yearly = children[
                (children["area_code"] == parent) & children["key"].isin([str(y) for y in years])
            ]
            wanted = frozenset(local.index) | frozenset(yearly.index)
            row = members.index[members == wanted]
            assert len(row) == 1, (parent, end)
            in_area = child_years[
                (child_years["region_code"] == parent) & child_years["financial_year"].isin(years)
            ]
            moved = len(in_area.drop_duplicates(["financial_year", "child_id", "la_unit_code"]))
            assert relations.constant[row[0]] == moved - len(in_area)
            assert local["value"].sum() - yearly["value"].sum() == relations.constant[row[0]]


def test_every_authority_is_in_one_of_43_family_court_areas():
    courts = {c: a for c, a in local_areas().items() if a.level == "dfj"}
    assert len(courts) == 43
    assert sorted(a.country for a in courts.values()).count("Wales") == 3
    las = local_authorities()
    assert las["dfj_area_code"].notna().all() and set(las["dfj_area_code"]) == set(courts)
    for code, court in courts.items():
        members = las[las["dfj_area_code"] == code]
        assert set(la_codes_in(code)) == set(members["la_code"])
        assert members["country"].unique().tolist() == [court.country]
    assert courts["BIRMINGHAM"].name == "Birmingham family court area"
    assert courts["CENTRAL_LONDON"].name == "Central Family Court area"
    assert (
        courts["CLEVELAND_AND_SOUTH_DURHAM"].name == "Cleveland and South Durham family court area"
    )


def test_family_court_area_counts_match_an_independent_count(cells, rows, periods):
    """A family court area's pooled counts, recounted from the rows of its authorities
    (and of the combined units wholly inside it) with pandas."""
    las = local_authorities().set_index("la_code")["dfj_area_code"]
    units_in = {code: set(dfj_members(code)) for code in ("BIRMINGHAM", "EAST_LONDON", "SWANSEA")}
    assert {"E06000061 / E06000062"} <= set(dfj_members("NORTHAMPTON"))
    child_years = _care_children(rows)
    for code, members in units_in.items():
        assert {las[m] for m in members if m in las.index} == {code}
        for end, years in periods.items():
            mine = child_years[
                child_years["la_unit_code"].isin(members)
                & child_years["financial_year"].isin(years)
            ].drop_duplicates(["financial_year", "child_id"])
            theirs = _cells(cells, "care_children", "children", area_code=code, key=str(end))
            assert theirs["value"].tolist() == [float(len(mine))], (code, end)


def test_a_family_court_area_adds_up_its_authorities(project, cells, rows, periods):
    """The relation area = sum of its units is declared for every period, with the
    independently counted double counting of children who moved within the area."""
    relations = load_relations(project.stats_dir / "private" / "relations.npz")
    members = pd.Series(relations.cell).groupby(relations.row).agg(frozenset)
    child_years = _care_children(rows)
    children = _cells(cells, "care_children", "children")
    for code in ("EAST_LONDON", "NORTH_WALES", "WORCESTER"):
        units_in = dfj_members(code)
        for end, years in periods.items():
            parts = children[children["area_code"].isin(units_in) & (children["key"] == str(end))]
            total = children[(children["area_code"] == code) & (children["key"] == str(end))]
            row = members.index[members == frozenset(parts.index) | frozenset(total.index)]
            assert len(row) == 1, (code, end)
            in_area = child_years[
                child_years["la_unit_code"].isin(units_in)
                & child_years["financial_year"].isin(years)
            ]
            once = len(in_area.drop_duplicates(["financial_year", "child_id"]))
            assert relations.constant[row[0]] == once - len(in_area)


@pytest.fixture
def store(project, tmp_path):
    copy = tmp_path / "stats"
    shutil.copytree(project.stats_dir, copy)
    return copy


def test_a_suppressed_authority_cannot_be_recovered_from_its_region(store, cells, periods):
    """Region (its years) minus the region's other authorities: the store suppresses
    enough that the difference stays wide; publishing the others' true counts (a planted
    leak) is refused by the audit, naming the cell."""
    end = max(periods)
    children = _cells(cells, "care_children", "children", key=str(end))
    local = children[children["area_code"].isin(list(local_areas()))]
    parent_of = local["area_code"].map(lambda c: local_areas()[c].parent)
    years = [str(y) for y in periods[end]]
    published = set(children["area_code"]) - set(
        children[children["key"].isin(years) & children["suppressed"]]["area_code"]
    )
    target = local[(local["reason"] == "primary") & parent_of.isin(published)].iloc[0]
    parent = local_areas()[target["area_code"]].parent
    siblings = local[
        local["area_code"].map(lambda c: local_areas()[c].parent == parent)
        & (local["area_code"] != target["area_code"])
    ]
    assert siblings["suppressed"].any()  # something else in the region is suppressed too
    assert audit_store(store, Rules())[0] == []
    records = json.loads((store / "tables" / "care_children.json").read_text())
    truth = dict(zip(siblings["area_code"], siblings["value"], strict=True))
    for record in records:
        if record["area_code"] in truth and record["financial_year"] == end:
            record["children"] = int(truth[record["area_code"]])
    (store / "tables" / "care_children.json").write_text(json.dumps(records))
    findings, _ = audit_store(store, Rules())
    where = f"care_children {target['area_code']} {end} children"
    assert any(f.where == where and "narrower than 10" in f.what for f in findings), findings


def test_a_suppressed_authority_cannot_be_recovered_from_its_family_court_area(
    store, cells, periods
):
    """Family court area minus its other authorities: suppression keeps the difference
    wide; publishing the others' true counts (a planted leak) is refused by the audit."""
    end = max(periods)
    children = _cells(cells, "care_children", "children", key=str(end)).set_index("area_code")
    courts = [c for c, a in local_areas().items() if a.level == "dfj"]
    target, others = None, []
    for court in courts:
        members = [m for m in dfj_members(court) if m in children.index]
        primary = [m for m in members if children.loc[m, "reason"] == "primary"]
        if primary and len(members) > 1 and not children.loc[court, "suppressed"]:
            target, others = primary[0], [m for m in members if m != primary[0]]
            break
    assert target is not None
    assert children.loc[others, "suppressed"].any()
    assert audit_store(store, Rules())[0] == []
    records = json.loads((store / "tables" / "care_children.json").read_text())
    for record in records:
        if record["area_code"] in others and record["financial_year"] == end:
            record["children"] = int(children.loc[record["area_code"], "value"])
    (store / "tables" / "care_children.json").write_text(json.dumps(records))
    findings, _ = audit_store(store, Rules())
    where = f"care_children {target} {end} children"
    assert any(f.where == where and "narrower than 10" in f.what for f in findings), findings


def test_no_local_count_under_the_threshold_is_published(project):
    from fjo_analysis.figures.compute import LOCAL_TABLES
    from fjo_analysis.figures.tables import TABLES

    seen = 0
    for name in LOCAL_TABLES:
        records = json.loads((project.stats_dir / "tables" / f"{name}.json").read_text())
        for record in records:
            if record["area_code"] in local_areas():
                for column in TABLES[name].counts:
                    value = record[column]
                    assert value in (MARK, "[x]") or value >= 10, (name, record)
                    seen += 1
    assert seen > 175


def test_a_profile_is_published_in_three_formats(profiles):
    html = BeautifulSoup((profiles / "E08000025.html").read_text(), "html.parser")
    assert "Birmingham" in html.find("h1").get_text()
    headings = [h.get_text() for h in html.find_all(["h2", "h3"])]
    text = html.get_text(" ")
    assert "Illustrative synthetic data" in text
    assert "three financial years" in text
    pdf = " ".join(page.extract_text() for page in PdfReader(profiles / "E08000025.pdf").pages)
    assert "Family justice profile: Birmingham" in " ".join(pdf.split())
    book = load_workbook(profiles / "E08000025.xlsx", read_only=True)
    assert len(book.sheetnames) > 1
    assert headings


def test_the_hex_maps_table_is_on_the_web_and_in_the_spreadsheet_not_in_print(profiles):
    """Every authority's band (175 rows) is in the web page and the workbook; the PDF
    prints the map and says where its table is, in a figure numbered as the workbook's
    table, so each table keeps its number in both."""
    from python_calamine import CalamineWorkbook

    from fjo_analysis.geography import local_authorities
    from fjo_analysis.render.pdf import TABLE_TOO_LONG

    caption = "every authority of England and Wales"
    html = BeautifulSoup((profiles / "E08000025.html").read_text(), "html.parser")
    (table,) = [t for t in html.find_all("table") if caption in t.find("caption").get_text()]
    assert len(table.find("tbody").find_all("tr")) == len(local_authorities()) == 175

    book = CalamineWorkbook.from_path(str(profiles / "E08000025.xlsx"))
    titles = {}
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        if name.startswith("Table"):
            titles[int(name.split()[1])] = " ".join(str(rows[0][0]).split())
    (number,) = [n for n, title in titles.items() if caption in title]
    sheet = book.get_sheet_by_name(f"Table {number}").to_python()
    assert sum(1 for row in sheet if row and row[0] in set(local_authorities()["la_name"])) == 175

    pdf = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(profiles / "E08000025.pdf").pages
    )
    assert f"Table {number}: Data for: " in pdf and TABLE_TOO_LONG in pdf
    for n, title in titles.items():  # every table numbered as in the workbook
        assert f"Table {n}: {title[:40]}" in pdf, (n, title)
    assert "Isles of Scilly" not in pdf and "Northumberland" not in pdf  # not printed


def test_every_rate_column_names_its_own_unit(profiles):
    """A newborn rate is per 10,000 live births in each table that shows it (the section's,
    the region's and the funnel plot's), as the chart beside it says; a child rate is per
    10,000 children."""
    seen = []
    tables = [
        table
        for page in sorted(profiles.glob("*.html"))
        for table in BeautifulSoup(page.read_text(), "html.parser").find_all("table")
    ]
    for table in tables:
        caption = " ".join(table.find("caption").get_text(" ").split())
        headers = [" ".join(th.get_text(" ").split()) for th in table.find_all("th")]
        seen.append((caption, [h for h in headers if h.startswith("Rate per 10,000")]))
    newborns = [rates for caption, rates in seen if "Newborns in care proceedings" in caption]
    children = [rates for caption, rates in seen if "Children in care proceedings" in caption]
    assert len(newborns) >= 2 and len(children) >= 2, seen
    assert all(rates == ["Rate per 10,000 live births"] for rates in newborns), seen
    assert all(rates == ["Rate per 10,000 children"] for rates in children), seen


def test_a_mostly_suppressed_profile_says_why(profiles, project):
    html = BeautifulSoup((profiles / "E06000053.html").read_text(), "html.parser")
    text = " ".join(html.get_text(" ").split())
    assert "Isles of Scilly" in html.find("h1").get_text()
    assert "Why this profile shows so little" in text
    assert "fewer than 10" in text
    # no tables of [c]: no table of the authority's periods at all
    captions = [c.get_text() for c in html.find_all("caption")]
    assert not any("Isles of Scilly, three-year periods" in c for c in captions)
    assert any("Final orders for children, South West" in c for c in captions)  # regional
    assert np.sum([MARK in c for c in captions]) == 0


def test_a_family_court_area_profile_lists_its_authorities_and_they_link_back(profiles, project):
    court = BeautifulSoup((profiles / "BIRMINGHAM.html").read_text(), "html.parser")
    assert court.find("h1").get_text(" ", strip=True).endswith("Birmingham family court area")
    text = " ".join(court.get_text(" ").split())
    assert "this membership is our approximation" in text
    assert "of the 40 family court areas in England" in text
    links = {a["href"]: a.get_text() for a in court.find_all("a")}
    assert links["E08000025.html"] == "Birmingham" and links["E08000029.html"] == "Solihull"
    assert "Care proceedings in every authority" not in text  # the hex map is of authorities
    authority = BeautifulSoup((profiles / "E08000025.html").read_text(), "html.parser")
    back = {a["href"]: a.get_text() for a in authority.find_all("a")}
    assert back["BIRMINGHAM.html"] == "Birmingham family court area"
    pdf = " ".join(page.extract_text() for page in PdfReader(profiles / "BIRMINGHAM.pdf").pages)
    assert "Family justice profile: Birmingham family court area" in " ".join(pdf.split())
    book = load_workbook(profiles / "BIRMINGHAM.xlsx", read_only=True)
    assert len(book.sheetnames) > 1
    from fjo_analysis.index import write_index

    page = BeautifulSoup(write_index(project).read_text(), "html.parser")
    courts = page.find(id="profiles-courts").find_next("ul").find_all("a")
    assert {a["href"] for a in courts} >= {"profiles/BIRMINGHAM.html"}


def test_regional_briefings_and_profiles_link_to_each_other(profiles, suite):
    """Wales's briefings list its 22 authorities' and 3 family court areas' profiles; a
    profile lists its region's briefings."""
    from fjo_analysis.params import topics

    wales = BeautifulSoup(
        (suite.reports_dir / "wales" / "outcomes.html").read_text(), "html.parser"
    )
    nav = wales.find("nav", class_="related")
    hrefs = [a["href"] for a in nav.find_all("a")]
    welsh = [
        c for c, a in local_areas().items() if a.country == "Wales" and a.level in ("la", "dfj")
    ]
    assert sorted(hrefs) == sorted(f"../profiles/{c}.html" for c in welsh) and len(hrefs) == 25
    profile = BeautifulSoup((profiles / "E08000025.html").read_text(), "html.parser")
    back = profile.find("nav", class_="related")
    assert back.find("h2").get_text() == "Briefings for West Midlands"
    assert [a["href"] for a in back.find_all("a")] == [
        f"../west-midlands/{t}.html" for t in topics(suite.root)
    ]
    london = BeautifulSoup(
        (suite.reports_dir / "london" / "outcomes.html").read_text(), "html.parser"
    )
    to_profile = london.find("nav", class_="related").find(
        "a", string="Birmingham family court area"
    )
    assert to_profile is None  # only London's own areas
    for href in ["../profiles/E09000033.html", "../profiles/CENTRAL_LONDON.html"]:
        assert london.find("nav", class_="related").find("a", href=href) is not None


def test_profile_csvs_label_local_periods_and_match_the_store(profiles, project):
    """Every local figure in a profile's CSV names its three-year period (its own and its
    neighbours'), and the release audit finds each one in the store."""
    from fjo_analysis.disclosure.audit import csv_problems
    from fjo_analysis.figures.store import tables
    from fjo_analysis.render.csv import release_rows

    rows = pd.read_csv(profiles / "BIRMINGHAM.csv", dtype=str, keep_default_na=False)
    local = rows[rows["area_code"].isin(list(local_areas()))]
    assert len(local) > 100 and local["year"].str.fullmatch(r"\d{4}/\d\d to \d{4}/\d\d").all()
    assert set(local["area_code"]) > {"BIRMINGHAM", "CENTRAL_LONDON"}
    assert csv_problems(profiles, project.stats_dir) == []
    figures = release_rows(tables(project.stats_dir))
    births = figures[(figures["area_code"] == "E08000025") & (figures["table"] == "newborns")]
    assert len(births) and births["year"].str.fullmatch(r"\d{4}/\d\d to \d{4}/\d\d").all()


def test_a_family_court_area_beside_a_tiny_authority_says_why_it_is_suppressed(profiles):
    """Truro's area is Cornwall plus the Isles of Scilly: where its figures are mostly
    suppressed, its profile says why without calling the area small."""
    text = " ".join(
        BeautifulSoup((profiles / "TRURO.html").read_text(), "html.parser").get_text(" ").split()
    )
    assert "so few family court cases" not in text
    if "Why this profile shows so little" in text:
        assert "are not small" in text and "by subtraction" in text
    notes = load_workbook(profiles / "TRURO.xlsx", read_only=True)["Notes"]
    explained = " ".join(str(v) for row in notes.iter_rows(values_only=True) for v in row)
    assert f"{MARK} marks a figure suppressed" in explained and "[x] marks" in explained


def test_the_index_finds_an_authority_without_javascript(profiles, project):
    from fjo_analysis.index import write_index

    page = BeautifulSoup(write_index(project).read_text(), "html.parser")
    listed = page.find("ul", id="profile-list").find_all("li")
    names = [li.find("a").get_text() for li in listed]
    assert names == sorted(names) and {"Birmingham", "Isles of Scilly"} <= set(names)
    birmingham = next(li for li in listed if li.find("a").get_text() == "Birmingham")
    assert birmingham.find("a")["href"] == "profiles/E08000025.html"
    assert (project.reports_dir / birmingham.find("a")["href"]).exists()
    assert page.find(id=f"az-{names[0][0]}") is not None  # A-Z jump targets exist
    regions = [s.get_text() for s in page.find_all("summary")]
    assert any(r.startswith("West Midlands") for r in regions)
    # the search box is added by a small inline script: nothing is fetched
    assert page.find(id="area-search") is None
    assert all(not s.get("src") for s in page.find_all("script"))


@pytest.mark.browser
def test_profile_pages_have_no_axe_violations_and_fetch_nothing(profiles, project):
    from fjo_analysis.index import write_index
    from tests.chromium import launched, problems

    pages = [
        profiles / "E08000025.html",
        profiles / "E06000053.html",
        profiles / "BIRMINGHAM.html",
        write_index(project),
    ]
    with launched() as browser:
        assert {page.name: problems(browser, page) for page in pages} == {
            page.name: [] for page in pages
        }


def test_local_comparisons_are_against_the_country_over_the_same_years(project, periods):
    """An authority's comparator rate is its country's rate over the period's years, from
    the country's published yearly counts; the verdict is [c] wherever a count is."""
    table = pd.DataFrame(
        json.loads((project.stats_dir / "tables" / "care_children.json").read_text())
    )
    checked = 0
    for row in table[table["area_code"].isin(list(local_areas()))].itertuples():
        the_area = local_areas()[row.area_code]
        country = "E92000001" if the_area.country == "England" else "W92000004"
        assert row.comparator_code == country
        years = table[
            (table["area_code"] == country)
            & table["financial_year"].isin(periods[row.financial_year])
        ]
        if (years["children"] == MARK).any():
            assert row.comparator_rate == MARK
            continue
        expected = 10_000 * years["children"].sum() / years["population"].sum()
        assert row.comparator_rate == pytest.approx(expected, rel=1e-12)
        if row.children == MARK:
            assert row.comparison == MARK and row.funnel_tau2 == MARK
        checked += 1
    assert checked > 100


@pytest.mark.parametrize("highlight,dfj", [("Small", False), ("Large", True)])
def test_a_funnel_plot_shows_every_area_and_its_labels_inside_the_figure(
    monkeypatch, highlight, dfj
):
    """The x axis is in thousands of people, as its label says, and spans the areas (it
    once also spanned a label placed in people, squeezing every point against zero under
    a '1e6'); the highlighted area's rate and the legend stay inside the figure, wherever
    the area falls; family court areas are called that, not authorities."""
    from xml.etree import ElementTree

    from fjo_analysis import charts, profile_charts, svg

    people = np.array([20_000, 60_000, 150_000, 300_000, 500_000], dtype=float)
    table = pd.DataFrame(
        {
            "area": ["Small", "B", "C", "D", "Large"],
            "rate": [18.0, 14.0, 15.5, 16.0, 13.0],
            "children": people,
        }
    )
    drawn = profile_charts.funnel(
        table, "children", 15.0, 0.5, highlight, "children in care proceedings",
        "England", "Children, summed over the period's years (thousands)", dfj=dfj,
    )  # fmt: skip
    ns = "{http://www.w3.org/2000/svg}"
    root = ElementTree.fromstring(drawn.chart.svg)
    groups = {g.get("class") or g.get("id"): g for g in root.iter(f"{ns}g")}
    *tick_texts, title = ["".join(t.itertext()) for t in groups["x-axis"].findall(f"{ns}text")]
    assert "thousands" in title
    ticks = [float(t.replace(",", "")) for t in tick_texts]  # no '1e6' under the axis
    assert ticks and min(ticks) >= people.min() / 1000 * 0.8 and max(ticks) <= 500 * 1.05
    others = list(groups["others"].iter(f"{ns}path"))
    assert len(others) == 4  # every other area, as a point
    rate = "18.0" if highlight == "Small" else "13.0"
    (label,) = [t for t in groups["highlight"].iter(f"{ns}text") if t.text == rate]
    width = svg.text_width(rate, charts.FONT_PT, bold=True)
    x = float(label.get("x"))
    left = x - width if label.get("text-anchor") == "end" else x
    assert left >= 0 and left + width <= charts.WIDTH
    # the label is on the far side of the country's line (the last of the limits' lines)
    line_y = float(list(groups["limits"].iter(f"{ns}path"))[-1].get("d").split()[2])
    baseline = float(label.get("y"))
    top = baseline - charts.FONT_PT * svg.ASCENT
    assert not top - 2 <= line_y <= baseline + charts.FONT_PT * svg.DESCENT + 2
    legend = [t.text for t in groups["legend"].iter(f"{ns}text")]
    others_name = "Other family court areas" if dfj else "Other authorities"
    assert {"England 15.0", highlight, others_name} <= set(legend)
    for t in groups["legend"].iter(f"{ns}text"):
        assert float(t.get("x")) + svg.text_width(t.text, charts.FONT_PT) <= charts.WIDTH
    unit = "family court areas" if dfj else "authorities"
    assert f"for 5 {unit} of England" in drawn.chart.alt
    assert f"{highlight} ({rate}) is within the 95% limits." in drawn.chart.alt
