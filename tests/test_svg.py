"""The hand-drawn SVG: text measured as the font measures it, round ticks, safe markup."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager, ft2font

from fjo_analysis import charts, svg

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("bold", [False, True])
@pytest.mark.parametrize("text", ["Tower Hamlets (highlighted)", "2024/25", "Ynys Môn 12.5%"])
def test_text_is_as_wide_as_freetype_lays_it_out(text, bold):
    """Widths from the font's advance widths agree with FreeType's layout of the same
    font (which also kerns: within 2%)."""
    props = font_manager.FontProperties(
        family=["Liberation Sans", "DejaVu Sans"], weight="bold" if bold else "normal"
    )
    font = ft2font.FT2Font(font_manager.findfont(props))
    font.set_size(16, 72)
    font.set_text(text, 0.0)
    freetype = font.get_width_height()[0] / 64  # 26.6 fixed point, at 72 dpi: points
    assert svg.text_width(text, 16, bold) == pytest.approx(freetype, rel=0.02)
    assert svg.text_width(text, 8, bold) == pytest.approx(svg.text_width(text, 16, bold) / 2)


def test_wrapped_lines_fit_and_keep_every_word():
    text = "Children in care proceedings per 10,000 children aged under 18, 2022/23 to 2024/25"
    lines = svg.wrap(text, 200, 16)
    assert len(lines) > 1 and " ".join(lines) == text
    assert all(svg.text_width(line, 16) <= 200 for line in lines)
    assert svg.wrap("Supercalifragilistic", 20, 16) == ["Supercalifragilistic"]  # no break


@pytest.mark.parametrize(
    "low,high,expected",
    [
        (0, 29.4, [0, 5, 10, 15, 20, 25]),
        (0, 87.0, [0, 20, 40, 60, 80]),
        (0, 1.3, [0, 0.25, 0.5, 0.75, 1.0, 1.25]),
        (13.6, 1071.0, [200, 400, 600, 800, 1000]),
        (-3.0, 12.0, [-2.5, 0, 2.5, 5, 7.5, 10]),
    ],
)
def test_ticks_are_round_and_inside_the_range(low, high, expected):
    ticks = svg.nice_ticks(low, high)
    assert ticks == pytest.approx(expected)
    assert low <= min(ticks) and max(ticks) <= high


def test_tick_labels_show_every_tick_exactly():
    assert svg.tick_decimals([0, 5, 10]) == 0
    assert svg.tick_decimals([0, 2.5, 5]) == 1
    assert svg.tick_decimals([0, 0.25, 0.5]) == 2
    assert charts.tick_labels([0, 2.5, 5.0]) == ["0.0", "2.5", "5.0"]
    assert charts.tick_labels([0, 500, 1000]) == ["0", "500", "1,000"]


def test_horizontal_ticks_leave_room_between_their_labels():
    x = charts.Scale(0, 1_234_567, 10, 200)
    ticks = charts.x_ticks(x)
    labels = charts.tick_labels(ticks)
    gap = float(x(ticks[1]) - x(ticks[0]))
    assert gap >= max(svg.text_width(t, charts.FONT_PT) for t in labels)


def test_names_with_markup_characters_stay_text():
    table = pd.DataFrame({"area": ["Brighton & Hove", "<b>Leeds</b>"], "rate": [12.0, 9.5]})
    chart = charts.bars(table, "area", "rate", "Per 10,000 & more", "rates", "Brighton & Hove")
    root = ET.fromstring(chart.svg)
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "Brighton & Hove (highlighted)" in texts and "<b>Leeds</b>" in texts


def test_a_chart_is_the_same_bytes_every_time_and_breaks_lines_at_gaps():
    table = pd.DataFrame(
        {"year": ["2020/21", "2021/22", "2022/23", "2023/24"], "rate": [5.0, "[c]", 6.0, 7.0]}
    )
    first = charts.trend({"Wales": table}, "rate", "Per 10,000", "the rate")
    assert first.svg == charts.trend({"Wales": table}, "rate", "Per 10,000", "the rate").svg
    root = ET.fromstring(first.svg)
    (series,) = [g for g in root.iter(f"{SVG}g") if g.get("class") == "series"]
    lines = [p for p in series.iter(f"{SVG}path") if "fill: none" in p.get("style")]
    # two runs (2020/21 alone, then 2022/23 to 2023/24): a line only where both ends show
    assert [p.get("d").count("L") for p in lines] == [0, 1]
    assert len(list(series.iter(f"{SVG}path"))) - len(lines) == 3  # a marker per value


def test_points_keep_their_order_and_place():
    scale = charts.Scale(0, 10, 100, 200)
    assert scale(np.array([0, 5, 10])).tolist() == [100, 150, 200]
    flipped = charts.Scale(0, 10, 300, 100)  # y: up the page
    assert flipped(np.array([0, 10])).tolist() == [300, 100]
    assert svg.points([(1, 2.345), (3.1, 4)]) == "M 1 2.35 L 3.1 4"


def _outside(chart_svg: str) -> list[str]:
    """Lines of (unturned) text that reach past the chart's left or right edge."""
    root = ET.fromstring(chart_svg)
    width = float(root.get("viewBox").split()[2])
    off = []
    for text in root.iter(f"{SVG}text"):
        if text.get("transform"):
            continue
        size, bold = float(text.get("font-size")), text.get("font-weight") == "bold"
        anchor = text.get("text-anchor", "start")
        lines = [t.text for t in text.findall(f"{SVG}tspan")] or [text.text]
        for line in lines:
            w = svg.text_width(line, size, bold)
            x = float(text.get("x"))
            left = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
            if left < 0 or left + w > width + 0.5:
                off.append(line)
    return off


def test_no_chart_text_runs_off_the_chart():
    """Long names, legend entries and axis titles wrap to fit (a Welsh funnel plot's axis
    title once ran 4 points past the right edge: it was wrapped to the chart, not the
    plot it is centred on)."""
    from fjo_analysis.profile_charts import funnel

    long = "Plant, wedi'u symio dros flynyddoedd y cyfnod (miloedd) " * 2
    names = ["Castell-nedd Port Talbot", "Rhondda Cynon Taf", "Bro Morgannwg"]
    table = pd.DataFrame({"area": names, "rate": [12.0, 30.5, 9.0], "children": [4e4, 6e4, 3e4]})
    drawn = funnel(table, "children", 14.0, 0.3, names[0], "plant", "Cymru", long)
    assert _outside(drawn.chart.svg) == []
    bars = charts.bars(table, "area", "rate", long, "rates", names[1], 14.0, long)
    assert _outside(bars.svg) == []
    years = pd.DataFrame({"year": ["2022/23", "2023/24", "2024/25"], "rate": [1.0, 2.0, 3.0]})
    trend = charts.trend({long: years, "Cymru": years}, "rate", long, "r", reference=2.0,
                         reference_label=long)  # fmt: skip
    assert _outside(trend.svg) == []
