"""The hex map of the 2024 authorities: its derived layout, its drawing, and the profile map."""

from __future__ import annotations

import base64
import json
import re
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pikepdf
import pytest
from bs4 import BeautifulSoup
from matplotlib.colors import to_rgb
from openpyxl import load_workbook
from pypdf import PdfReader

from fjo_analysis import hexmap, language
from fjo_analysis.charts import MAX_ALT, REFERENCE_INK
from fjo_analysis.disclosure import MARK, NOT_AVAILABLE, numbers, small_counts_in
from fjo_analysis.geography import local_areas, local_authorities
from fjo_analysis.profile_charts import OUTLINE, _band_styles, hex_map, rate_bands
from fjo_analysis.settings import REFERENCE_DIR


def test_the_layout_has_one_cell_for_each_2024_authority():
    cells = hexmap.layout()
    codes = {c for c, a in local_areas().items() if a.level == "la"}
    assert len(cells) == 175 and set(cells["la_code"]) == codes
    assert not cells.duplicated(["q", "r"]).any()


def test_the_shipped_layout_is_what_the_derivation_gives():
    shipped = (REFERENCE_DIR / hexmap.LAYOUT_FILE).read_text(encoding="utf-8")
    assert shipped == hexmap.layout_csv()
    assert shipped.startswith("# ") and "Open Innovations" in shipped and "MIT" in shipped


def test_neighbours_stay_near():
    """Measured: 71.1% of touching pairs are neighbours, 95.6% within two cells (assigning
    the shrunk centroids without the relaxation keeps 67.8% and 90.1%)."""
    kept = hexmap.adjacency_kept(hexmap.layout())
    assert kept[1] >= 0.70 and kept[2] >= 0.95


def test_touching_pairs_by_hand():
    """Districts in neighbouring hexagons make their authorities touch; an authority's own
    districts do not pair with each other, and islands touch nothing."""
    found = hexmap.districts()
    pairs = hexmap.touching(found)
    as_set = set(zip(pairs["a"], pairs["b"], strict=True))
    assert ("E06000001", "E06000004") in as_set  # Hartlepool, Stockton-on-Tees
    assert ("E09000007", "E09000033") in as_set  # Camden, Westminster
    assert not (pairs["a"] == pairs["b"]).any() and (pairs["a"] < pairs["b"]).all()
    assert "E06000053" not in set(pairs["a"]) | set(pairs["b"])  # Isles of Scilly
    assert len(found) == 318 and found["la_code"].nunique() == 175


@pytest.mark.parametrize(
    ("a", "b", "steps"),
    [
        ((0, 0), (1, 0), 1),
        ((0, 0), (0, 1), 1),
        ((0, 0), (-1, 1), 1),
        ((0, 0), (1, 1), 2),
        ((0, 1), (1, 2), 1),
        ((0, 1), (1, 0), 1),
        ((0, 0), (3, 4), 5),
        ((2, -3), (2, -3), 0),
    ],
)
def test_hex_distance_matches_the_centres(a, b, steps):
    """Odd-r steps agree with geometry: neighbours are exactly one unit apart."""
    assert hexmap.hex_distance(np.array(a), np.array(b)) == steps
    gap = np.linalg.norm(np.subtract(*hexmap.centres([a[0], b[0]], [a[1], b[1]])))
    assert (gap == pytest.approx(1)) == (steps == 1)


def test_a_lookup_without_the_2024_authorities_is_refused(monkeypatch):
    real = hexmap.read_reference

    def dropped(name, **kwargs):
        frame = real(name, **kwargs)
        return frame[frame["UTLA23CD"] != "E06000001"] if name == hexmap.LOOKUP_FILE else frame

    monkeypatch.setattr(hexmap, "read_reference", dropped)
    with pytest.raises(ValueError, match="E06000001"):
        hexmap.districts()


# --- the drawing ----------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def _contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (an independent computation)."""

    def luminance(colour: str) -> float:
        rgb = to_rgb(colour)
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_bands_hold_equal_numbers_and_skip_suppressed():
    rates = [np.nan, *range(1, 11)]
    band, ranges = rate_bands(rates)
    assert band.tolist() == [-1, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert ranges == [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)]
    same, few = rate_bands([3.0, 3.0, 3.0, 7.0])
    assert same.tolist() == [0, 0, 0, 1] and few == [(3, 3), (7, 7)]  # ties share a band
    none, no_ranges = rate_bands([np.nan, np.nan])
    assert none.tolist() == [-1, -1] and no_ranges == []
    # as published: 21.28 and 21.32 both read 21.3, so they share a band
    close, bounds = rate_bands([18.0, 21.28, 21.32, 25.0], n=2)
    assert close[1] == close[2]
    assert all(high < low for (_, high), (low, _) in zip(bounds, bounds[1:], strict=False))


def _authorities(suppressed=("E06000053", "E09000001"), missing=("E06000063",)):
    """Every authority with a made-up published rate (a protected-looking table), some [c],
    some left out."""
    cells = hexmap.layout()
    rows = cells[~cells["la_code"].isin(missing)]
    rates = [
        MARK if c in suppressed else 5.0 + (i * 37 % 175) / 5 for i, c in enumerate(rows["la_code"])
    ]
    table = pd.DataFrame({"area_code": rows["la_code"], "area": rows["la_name"], "rate": rates})
    table.attrs["synthetic"] = True
    return table


@pytest.fixture(scope="module")
def drawn():
    return hex_map(_authorities(), "E08000025", "a rate, 2022/23 to 2024/25", "Per 10,000")


def _svg(chart):
    return ElementTree.fromstring(chart.svg)


def _style(group, name: str) -> str:
    """A property of the style of the first path in an SVG group."""
    style = group.find(f".//{SVG}path").get("style")
    return re.search(rf"(?<![\w-]){name}: ([^;]+)", style).group(1)


def test_the_map_has_one_hexagon_per_authority_and_marks_the_highlighted_one(drawn):
    root = _svg(drawn.chart)
    hexes = {g.get("id")[4:]: g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("hex-")}
    assert set(hexes) == set(hexmap.layout()["la_code"])
    highlight = [g for g in root.iter(f"{SVG}g") if g.get("id") == "highlight"]
    assert len(highlight) == 1
    # drawn thick, on the highlighted hexagon
    thick, thin = (float(_style(g, "stroke-width")) for g in (highlight[0], hexes["E08000025"]))
    assert thick >= 3 * thin
    assert _style(highlight[0], "fill") == "none"
    corners = [
        set(re.findall(r"[\d.]+ [\d.]+", g.find(f".//{SVG}path").get("d")))
        for g in (highlight[0], hexes["E08000025"])
    ]
    assert len(corners[0]) == 6 and corners[0] == corners[1]
    assert drawn.chart.synthetic and "Illustrative synthetic data" in drawn.chart.svg


def test_the_legend_names_every_band_and_the_patterns_differ(drawn):
    root = _svg(drawn.chart)
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    band, ranges = rate_bands(numbers(_authorities()["rate"]))
    for low, high in ranges:
        assert any(t.startswith(f"{low:.1f} to {high:.1f}") for t in texts), (low, high)
    assert {"[c] suppressed", "[x] not available", "Birmingham"} <= set(texts)
    hexes = {
        g.get("id")[4:]: _style(g, "fill")
        for g in root.iter(f"{SVG}g")
        if g.get("id", "").startswith("hex-")
    }
    codes = list(_authorities()["area_code"])
    fills = {k: {hexes[c] for c, b in zip(codes, band, strict=True) if b == k} for k in range(5)}
    assert all(len(f) == 1 for f in fills.values())  # one pattern a band
    patterns = {f"url(#{p.get('id')})": p for p in root.iter(f"{SVG}pattern")}
    used = [next(iter(f)) for f in fills.values()]
    assert set(used) <= set(patterns) and len(set(used)) == 5
    drawings = {ElementTree.tostring(patterns[u].find(f"{SVG}path")) for u in used}
    assert len(drawings) == 5  # the patterns themselves differ, not only their colours
    assert hexes["E06000053"] == hexes["E09000001"] == "#ffffff"  # [c]: plain white
    assert hexes["E06000063"] == "#ffffff"  # missing: white, with a dotted outline


def test_outlines_and_patterns_contrast():
    assert _contrast(OUTLINE, "#ffffff") >= 3
    assert _contrast(REFERENCE_INK, "#ffffff") >= 3
    for style in _band_styles(5):
        assert _contrast(style["hatchcolor"], style["facecolor"]) >= 3, style


def test_alt_text_says_where_the_area_sits_and_where_rates_are_highest(drawn):
    alt = drawn.chart.alt
    assert alt.startswith("Birmingham (") and drawn.band in alt and "of 5" in drawn.band
    assert "Rates are highest in" in alt and len(alt) <= MAX_ALT
    table = _authorities()
    longest = max(table["area_code"], key=lambda c: len(local_areas()[c].name))
    for code in (longest, "E06000053"):
        what = "children in care proceedings per 10,000 children a year, 2022/23 to 2024/25"
        alt = hex_map(table, code, what, "Per 10,000").chart.alt
        assert alt.startswith(local_areas()[code].name) and len(alt) <= MAX_ALT
        assert "highest in" in alt
    assert "suppressed ([c])" in alt


def test_a_map_with_every_rate_suppressed_says_so():
    table = _authorities(suppressed=tuple(hexmap.layout()["la_code"]), missing=())
    drawn = hex_map(table, "E08000025", "a rate", "Per 10,000")
    assert drawn.band == MARK and "every authority's rate is suppressed" in drawn.chart.alt
    assert drawn.bands == [MARK] * 175


# --- in a profile ---------------------------------------------------------------------------

MAP_CAPTION = "every authority of England and Wales"


def _latest_rates(project, code: str) -> pd.DataFrame:
    """The store's care proceedings rows of every authority for the area's latest period."""
    store = pd.DataFrame(
        json.loads((project.stats_dir / "tables" / "care_children.json").read_text())
    )
    latest = store.loc[store["area_code"] == code, "financial_year"].max()
    las = {c for c, a in local_areas().items() if a.level == "la"}
    return store[store["area_code"].isin(las) & (store["financial_year"] == latest)]


def _map_figure(page: BeautifulSoup):
    found = [f for f in page.find_all("figure") if MAP_CAPTION in f.find("figcaption").get_text()]
    assert len(found) == 1
    return found[0]


def _pdf_alts(path) -> list[str]:
    alts = []

    def visit(node):
        if node.get("/S") == "/Figure" and "/Alt" in node:
            alts.append(str(node["/Alt"]))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary):
                visit(kid)

    with pikepdf.open(path) as pdf:
        visit(pdf.Root.StructTreeRoot)
    return alts


def test_a_profile_shows_the_map_with_alt_text_a_sentence_and_every_rate(profiles, project):
    page = BeautifulSoup((profiles / "E08000025.html").read_text(), "html.parser")
    figure = _map_figure(page)
    alt = figure.find("img")["alt"]
    band = re.search(r"Birmingham \([\d.]+\) is in (band \d of \d \([\d.]+ to [\d.]+\))", alt)
    assert "Open Innovations" in figure.find("figcaption").get_text()
    text = " ".join(page.get_text(" ").split())
    own = _latest_rates(project, "E08000025").set_index("area_code").loc["E08000025", "rate"]
    if own == MARK:  # suppressed in this extract (jointly with its family court area)
        assert band is None and alt.startswith(f"Birmingham's rate is suppressed ({MARK})")
        assert f"Birmingham's rate is suppressed ({MARK})" in text
    else:
        assert band and f"Birmingham is in {band.group(1)}" in text
    rows = [
        [c.get_text() for c in tr.find_all(["th", "td"])]
        for tr in figure.find("table").find("tbody").find_all("tr")
    ]
    shown = {row[0]: row for row in rows}
    published = _latest_rates(project, "E08000025")
    # every hexagon has a row: an authority without figures for the period (created
    # since, in this 2016-2019 extract) is [x], as on the map
    assert len(rows) == len(local_authorities()) == 175 and len(published) > 150
    for record in published.itertuples():
        name, region, rate, in_band = shown[local_areas()[record.area_code].name]
        if record.rate == MARK:
            assert rate == in_band == MARK
        else:
            assert rate == language.number(record.rate)
            assert re.fullmatch(r"\d of 5: [\d.]+ to [\d.]+", in_band)
    absent = set(local_authorities()["la_code"]) - set(published["area_code"])
    assert absent
    for code in absent:
        assert shown[local_areas()[code].name][2:] == [NOT_AVAILABLE, NOT_AVAILABLE]
    pdf = profiles / "E08000025.pdf"
    assert alt in _pdf_alts(pdf)
    pdf_text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "Care proceedings in every authority" in pdf_text and "Open Innovations" in pdf_text


def test_the_maps_labels_hold_only_published_rates(profiles, project):
    """Every number the map's SVG shows is a published rate of the period (or part of the
    period and the unit): no count, and nothing under the threshold as a count."""
    page = BeautifulSoup((profiles / "E08000025.html").read_text(), "html.parser")
    svg = base64.b64decode(_map_figure(page).find("img")["src"].split(",", 1)[1]).decode()
    labels = " ".join("".join(t.itertext()) for t in ElementTree.fromstring(svg).iter(f"{SVG}text"))
    published = _latest_rates(project, "E08000025")["rate"]
    allowed = {language.number(r) for r in published if r != MARK} | {"10,000"}
    numbers_shown = re.findall(r"(?<![\d/])\d[\d,.]*(?![\d/])", labels)
    assert numbers_shown and set(numbers_shown) <= allowed, set(numbers_shown) - allowed
    assert small_counts_in(labels, 10) == []


def test_a_mostly_suppressed_profile_still_shows_the_map(profiles, project):
    page = BeautifulSoup((profiles / "E06000053.html").read_text(), "html.parser")
    alt = _map_figure(page).find("img")["alt"]
    assert alt.startswith(f"Isles of Scilly's rate is suppressed ({MARK})")
    assert alt in _pdf_alts(profiles / "E06000053.pdf")


def test_every_authoritys_rate_and_band_is_in_the_csv_and_the_workbook(profiles, project):
    published = _latest_rates(project, "E08000025")
    figures = pd.read_csv(profiles / "E08000025.csv", dtype=str)
    bands = figures[figures["measure"] == "band"]
    assert set(bands["area_code"]) == set(local_authorities()["la_code"])
    assert set(published["area_code"]) < set(bands["area_code"])
    assert bands["value"].str.fullmatch(r"\d of 5: [\d.]+ to [\d.]+|\[c\]|\[x\]").all()
    book = load_workbook(profiles / "E08000025.xlsx", read_only=True)
    sheets = [
        list(book[name].iter_rows(values_only=True))
        for name in book.sheetnames
        if MAP_CAPTION in str(next(book[name].iter_rows(values_only=True))[0])
    ]
    assert len(sheets) == 1
    header = next(i for i, row in enumerate(sheets[0]) if row[0] == "Area")
    assert sheets[0][header][-1] == "Band" and len(sheets[0]) - header - 1 == 175
