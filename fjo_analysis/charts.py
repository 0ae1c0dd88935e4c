"""One accessible chart style (UK Government Analysis Function, ``afcharts``'s colours,
grid and type), drawn as SVG by :mod:`fjo_analysis.svg`.

Every chart function takes protected tables (``[c]`` where suppressed), draws suppressed
points as gaps, tells series apart by colour, marker and line style (named in a legend),
and returns a :class:`Chart`: deterministic SVG plus alt text that leads with the message
(a trend or a comparison) in at most 250 characters, from published values only; the data
table beside each chart holds the full numbers.

Charts are drawn at a fixed size (:data:`WIDTH_IN` inches wide) with text large enough to
read at the narrowest page (:data:`NARROW_PX`): the smallest text, :data:`FONT_PT`, shows at
``FONT_PT * NARROW_PX / (WIDTH_IN * 72)`` CSS px there. A chart built from synthetic data
says so in the image itself, so that a copied chart never looks real.

Layout runs top to bottom: the legend (each label wrapped to the chart's width), the plot
with its axes (margins measured from the tick labels and axis titles, so nothing is cut
off and nothing overlaps), then the synthetic-data label; the chart's height is what that
takes. Drawn groups carry names (``legend``, ``series``, ``bar``, ``value``,
``reference``, ``x-axis``) that the tests read.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from afcharts.af_colours import get_af_colours

from fjo_analysis import language, svg
from fjo_analysis.disclosure import numbers
from fjo_analysis.i18n import N_, _, current, forms

WIDTH_IN = 5.0  # chart width in inches
WIDTH = WIDTH_IN * 72  # in points: SVG user units
FONT_PT = 16  # every piece of chart text
NARROW_PX = 288  # the least width a chart is shown at on a 320 px page (296 px there)
MAX_ALT = 250
SYNTHETIC_LABEL = N_("Illustrative synthetic data")
#: Grey for comparison bars: 3.95:1 against white (WCAG 1.4.11 asks for 3:1).
COMPARISON_GREY = "#808080"
REFERENCE_INK = "#0b0c0c"
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
#: Line styles: solid, dashed, dotted, dash-dot (dash lengths in line widths).
DASHES = [None, (3.7, 1.6), (1, 1.65), (6.4, 1.6, 1, 1.6)]
HATCHES = ["//", "\\\\", "xx", ".."]
PAD = 6  # round the chart's edge
TICK = 4  # tick length, and the gap between a tick and its label
LINE = FONT_PT * svg.LINE_HEIGHT  # a line of chart text
HANDLE = 30  # a legend entry's sample of line or fill


@cache
def palette(name: str, number_of_colours: int | None = None) -> tuple[str, ...]:
    """An Analysis Function colour palette, in hex (afcharts reads its YAML at every call)."""
    return tuple(get_af_colours(name, number_of_colours=number_of_colours))


@dataclass(frozen=True)
class Chart:
    """A rendered chart: SVG text, alt text, and whether it says it is synthetic."""

    svg: str
    alt: str
    synthetic: bool = False


def is_synthetic(*tables: pd.DataFrame) -> bool:
    """Whether any table the chart is drawn from was read from a synthetic extract."""
    return any(bool(t.attrs.get("synthetic")) for t in tables)


# ------------------------------------------------------------------------- drawing


def dash(pattern, width: float) -> str | None:
    """An SVG dash array for a pattern in line widths (None: a solid line)."""
    return None if pattern is None else " ".join(svg.number(v * width) for v in pattern)


def marker(d: svg.Drawing, kind: str, x: float, y: float, colour: str, size: float = 7) -> None:
    """A filled marker of ``kind`` (matplotlib's letters) centred on ``x, y``."""
    r = size / 2
    if kind == "o":
        outline = (
            f"M {svg.number(x - r)} {svg.number(y)} a {r} {r} 0 1 0 {2 * r} 0 "
            f"a {r} {r} 0 1 0 {-2 * r} 0 Z"
        )
    else:
        outline = svg.points([(x + dx, y + dy) for dx, dy in _SHAPES[kind](r)]) + " Z"
    d.path(outline, fill=colour, stroke="white", stroke_width=0.5)


_PLUS = [(-1, -3), (1, -3), (1, -1), (3, -1), (3, 1), (1, 1), (1, 3), (-1, 3), (-1, 1), (-3, 1),
         (-3, -1), (-1, -1)]  # fmt: skip
#: Each marker's corners around its centre, for a marker of radius ``r``.
_SHAPES = {
    "s": lambda r: [(-r, -r), (r, -r), (r, r), (-r, r)],
    "^": lambda r: [(0, -r * 1.15), (r * 1.1, r * 0.75), (-r * 1.1, r * 0.75)],
    "v": lambda r: [(0, r * 1.15), (r * 1.1, -r * 0.75), (-r * 1.1, -r * 0.75)],
    "D": lambda r: [(0, -r * 1.3), (r * 1.3, 0), (0, r * 1.3), (-r * 1.3, 0)],
    "P": lambda r: [(a * r / 3, b * r / 3) for a, b in _PLUS],
    "X": lambda r: [(r / 3 * (a - b) * 0.75, r / 3 * (a + b) * 0.75) for a, b in _PLUS],
}


@dataclass(frozen=True)
class Entry:
    """A legend entry: its label and how its sample is drawn (at a point: the middle of
    the sample's left edge)."""

    label: str
    sample: Callable[[svg.Drawing, float, float], None]
    bold: bool = False


def line_sample(colour: str, width: float, pattern=None, mark: str | None = None):
    def draw(d: svg.Drawing, x: float, y: float) -> None:
        d.line([(x, y), (x + HANDLE, y)], colour, width, dash(pattern, width))
        if mark:
            marker(d, mark, x + HANDLE / 2, y, colour)

    return draw


def fill_sample(outline: str = "none", outline_width: float = 0.8, outline_dash=None, **fill):
    def draw(d: svg.Drawing, x: float, y: float) -> None:
        d.rect(x, y - 7, HANDLE, 14, stroke=outline, stroke_width=outline_width,
               stroke_dasharray=outline_dash, **fill)  # fmt: skip

    return draw


def legend(d: svg.Drawing, top: float, entries: list[Entry], title: str = "") -> float:
    """Entries stacked at the top left, each label wrapped to the chart's width; returns
    the legend's bottom."""
    y = top
    d.open(id="legend")
    if title:
        lines = svg.wrap(title, WIDTH - 2 * PAD, FONT_PT)
        d.text(PAD, y + FONT_PT * svg.ASCENT, lines, FONT_PT)
        y += LINE * len(lines) + 2
    text_x = PAD + HANDLE + 8
    for entry in entries:
        lines = svg.wrap(entry.label, WIDTH - PAD - text_x, FONT_PT, entry.bold)
        middle = y + LINE / 2
        entry.sample(d, PAD, middle)
        d.text(text_x, middle + FONT_PT * (svg.ASCENT / 2), lines, FONT_PT, entry.bold)
        y += LINE * len(lines) + 3
    d.close()
    return y


def synthetic_label(d: svg.Drawing, top: float, synthetic: bool) -> float:
    """Says 'Illustrative synthetic data' below the chart (where it is); returns the
    chart's height."""
    if not synthetic:
        return top + PAD
    d.text(PAD, top + 4 + FONT_PT * svg.ASCENT, _(SYNTHETIC_LABEL), FONT_PT, bold=True,
           colour="#3d3d3d")  # fmt: skip
    return top + 4 + LINE + PAD


@dataclass(frozen=True)
class Scale:
    """Data values (``low`` to ``high``) to points (``start`` to ``end``) along one axis;
    a y axis runs from a larger ``start`` to a smaller ``end``, upwards."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value):
        span = self.high - self.low or 1.0
        return self.start + (np.asarray(value, dtype=float) - self.low) / span * (
            self.end - self.start
        )


def axis_range(values, floor: float | None = None, margin: float = 0.05) -> tuple[float, float]:
    """An axis's range: the values' with a margin each side (from ``floor`` when given)."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    low = float(values.min()) if len(values) else 0.0
    high = float(values.max()) if len(values) else 1.0
    if floor is not None:
        low = min(low, floor)
    if high <= low:
        high = low + 1.0
    span = high - low
    return (low if floor is not None else low - margin * span), high + margin * span


def x_ticks(x: Scale) -> list[float]:
    """Round-numbered ticks for a horizontal axis, as many as have room for their labels."""
    for target in (6, 5, 4, 3, 2):
        ticks = svg.nice_ticks(x.low, x.high, target)
        widest = max(svg.text_width(t, FONT_PT) for t in tick_labels(ticks))
        if len(ticks) < 2 or abs(float(x(ticks[1]) - x(ticks[0]))) >= widest + 10:
            return ticks
    return ticks


def tick_labels(ticks: list[float]) -> list[str]:
    decimals = svg.tick_decimals(ticks)
    return [language.number(t, decimals) for t in ticks]


def y_axis_width(ticks: list[float], label_lines: int) -> float:
    """Points left of the plot that the y axis's label and tick labels take."""
    widest = max((svg.text_width(t, FONT_PT) for t in tick_labels(ticks)), default=0)
    return PAD + LINE * label_lines + 4 + widest + TICK


def y_axis(d: svg.Drawing, y: Scale, ticks, left: float, right: float, label: list[str]):
    """Grid lines across the plot at each tick, tick labels left of it, and the axis's
    label turned to read upwards at the chart's left edge."""
    d.open(cls="y-axis")
    for tick, text in zip(ticks, tick_labels(ticks), strict=True):
        at = float(y(tick))
        d.line([(left, at), (right, at)], svg.GRID, 0.6)
        d.text(left - TICK, at + FONT_PT * svg.ASCENT / 2, text, FONT_PT, anchor="end")
    if label:
        middle = (y.start + y.end) / 2
        # lines of a label turned a quarter left run upwards, their tops towards the left
        d.text(PAD + FONT_PT * svg.ASCENT, middle, label, FONT_PT, anchor="middle", rotate=-90)
    d.close()


def x_axis(d: svg.Drawing, x: Scale, ticks, labels, bottom: float, title: str) -> float:
    """The axis line along the plot's bottom with labelled ticks and the axis's title
    beneath, centred on the plot and wrapped to its width; returns the title's bottom."""
    title = svg.wrap(title, x.end - x.start, FONT_PT) if title else []
    d.open(cls="x-axis")
    d.line([(x.start, bottom), (x.end, bottom)], svg.GRID, 1)
    for tick, text in zip(ticks, labels, strict=True):
        at = float(x(tick))
        d.line([(at, bottom), (at, bottom + TICK)], svg.GRID, 1)
        d.text(at, bottom + TICK + 2 + FONT_PT * svg.ASCENT, text, FONT_PT, anchor="middle")
    y = bottom + TICK + 2 + LINE
    if title:
        d.text((x.start + x.end) / 2, y + 2 + FONT_PT * svg.ASCENT, title, FONT_PT,
               anchor="middle")  # fmt: skip
        y += 2 + LINE * len(title)
    d.close()
    return y


def runs(values: np.ndarray) -> list[np.ndarray]:
    """Indices of each run of published (not NaN) values: a line breaks at a gap."""
    shown = np.flatnonzero(~np.isnan(values))
    if not len(shown):
        return []
    return np.split(shown, np.flatnonzero(np.diff(shown) > 1) + 1)


def _fit(message: str, *extras: str) -> str:
    """The message, then each extra sentence while the whole stays within MAX_ALT (a
    fifth more in Welsh, which runs longer, so both languages say the same)."""
    text = message
    limit = MAX_ALT if current().code == "en" else MAX_ALT * 6 // 5
    for extra in extras:
        if extra and len(f"{text} {extra}") <= limit:
            text = f"{text} {extra}"
    return text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _published(years, values) -> list[tuple[str, float]]:
    return [(y, v) for y, v in zip(years, values, strict=True) if not np.isnan(v)]


def _change(shown, fmt) -> str:
    """'rose from 18.0 in 2010/11 to 25.0 in 2024/25' (or fell / changed little)."""
    (y0, v0), (y1, v1) = shown[0], shown[-1]
    span = _("from {first} in {first_year} to {last} in {last_year}").format(
        first=fmt(v0), first_year=y0, last=fmt(v1), last_year=y1
    )
    if fmt(v0) == fmt(v1) or abs(v1 - v0) <= 0.05 * max(abs(v0), abs(v1)):
        return _("changed little, {span}").format(span=span)
    return (_("rose {span}") if v1 > v0 else _("fell {span}")).format(span=span)


def _against(area: dict, other: dict, name: str, fmt) -> str:
    """'stays below England's (27.1 in 2024/25)' from the years both are published."""
    both = [y for y in area if y in other]
    if not both:
        return ""
    last = both[-1]
    above = [area[y] > other[y] for y in both]
    now = "above" if area[last] > other[last] else "below"
    if fmt(area[last]) == fmt(other[last]):
        now = "level with"
    stays = now != "level with" and len(set(above)) == 1 and len(both) > 1
    templates = {
        ("stays", "above"): N_("stays above {name}'s ({value} in {year})"),
        ("stays", "below"): N_("stays below {name}'s ({value} in {year})"),
        ("is", "above"): N_("is above {name}'s ({value} in {year})"),
        ("is", "below"): N_("is below {name}'s ({value} in {year})"),
        ("is", "level with"): N_("is level with {name}'s ({value} in {year})"),
    }
    return _(templates["stays" if stays else "is", now]).format(
        value=fmt(other[last]), year=last, **forms("name", name)
    )


def _trend_alt(series, y, what, fmt, band_label, reference, reference_label, by_area) -> str:
    labels = list(series)
    shown = {label: dict(_published(t["year"], numbers(t[y]))) for label, t in series.items()}
    first = labels[0]
    if not shown[first]:
        years = series[first]["year"]
        return _capital(
            _(
                "{what}: no trend can be shown, every value for {name} from {first} "
                "to {last} is suppressed."
            ).format(what=what, name=first, first=years.iloc[0], last=years.iloc[-1])
        )
    points = list(shown[first].items())
    if by_area:
        place = language.place(first) if current().code == "en" else first
        message = _("{What} in {place} {change}").format(
            What=_capital(what), change=_change(points, fmt), **forms("place", place)
        )
        if len(labels) > 1:
            against = _against(shown[first], shown[labels[1]], labels[1], fmt)
            message += _(" and {against}").format(against=against) if against else ""
        message += "."
    else:
        common = [year for year, _v in points if all(year in v for v in shown.values())]
        last_year = (common or [points[-1][0]])[-1]
        latest = {g: v[last_year] for g, v in shown.items() if last_year in v}
        top = max(latest, key=latest.get)
        message = _("{What}: in {year} {top} was highest ({value}); {top} {change}.").format(
            What=_capital(what),
            year=last_year,
            top=top,
            value=fmt(latest[top]),
            change=_change(list(shown[top].items()), fmt),
        )
    band = _("Shaded bands show the {band}.").format(band=band_label) if band_label else ""
    line = (
        _("A dashed line marks the {reference} ({value}).").format(
            reference=reference_label, value=fmt(reference)
        )
        if reference is not None
        else ""
    )
    return _fit(message, line, band)


def trend(
    series: dict[str, pd.DataFrame],
    y: str,
    ylabel: str,
    what: str,
    lower: str | None = None,
    upper: str | None = None,
    fmt=language.number,
    reference: float | None = None,
    reference_label: str = "",
    band_label: str = N_("95% confidence interval"),
    by_area: bool = True,
) -> Chart:
    """Lines over financial years, one per area (``by_area``) or category, with a band (by
    default the 95% confidence interval) where ``lower`` and ``upper`` are given.

    ``series`` maps a label (the area first, then comparators) to a protected table with
    ``year`` and the value columns. The first series is drawn last, on top; each band has
    its own fill or hatching and a legend entry, so overlapping bands stay distinct.
    """
    synthetic = is_synthetic(*series.values())
    # labels, the band and the reference line in the current language (Wales -> Cymru)
    series = {current().value(label): table for label, table in series.items()}
    band_label, reference_label = current().value(band_label), current().value(reference_label)
    colours = palette("categorical", min(max(len(series), 2), 6))
    entries, drawn = [], []
    for i, (label, table) in enumerate(series.items()):
        colour, pattern = colours[i % len(colours)], DASHES[i % len(DASHES)]
        mark = MARKERS[i % len(MARKERS)]
        entries.append(Entry(label, line_sample(colour, 2.5, pattern, mark)))
        band = None
        if lower and upper:  # the first series' band tinted, the others' hatched
            band = Band(colour, HATCHES[(i - 1) % len(HATCHES)] if i else None)
            entries.append(Entry(f"{label}: {band_label}", band.sample))
        drawn.append((table, colour, pattern, mark, band))
    if reference is not None:
        entries.append(Entry(reference_label, line_sample(REFERENCE_INK, 1.5, DASHES[1])))
    years = next(iter(series.values()))["year"].tolist()
    values = [numbers(t[c]) for t, *_ in drawn for c in (y, lower, upper) if c]
    low, high = axis_range([*np.concatenate(values), reference or 0], floor=0)
    ticks = svg.nice_ticks(low, high)
    label = svg.wrap(ylabel, PLOT_HEIGHT, FONT_PT)
    left = y_axis_width(ticks, len(label))
    d = svg.Drawing(WIDTH)
    top = legend(d, PAD, entries) + 8
    x = Scale(-0.02 * (len(years) - 1), (len(years) - 1) * 1.02, left, WIDTH - PAD - 4)
    yscale = Scale(low, high, top + PLOT_HEIGHT, top)
    y_axis(d, yscale, ticks, left, WIDTH - PAD, label)
    if reference is not None:
        at = float(yscale(reference))
        d.open(cls="reference")
        d.line([(left, at), (WIDTH - PAD, at)], REFERENCE_INK, 1.5, dash(DASHES[1], 1.5))
        d.close()
    for i, (table, colour, pattern, mark, band) in reversed(list(enumerate(drawn))):
        # the first series last: on top of the others
        d.open(cls="series", id=f"series-{i}")
        positions = np.arange(len(table))
        if band:
            lo, hi = numbers(table[lower]), numbers(table[upper])
            for run in runs(lo + hi):
                back = run[::-1]
                outline = [
                    *zip(x(run), yscale(hi[run]), strict=True),
                    *zip(x(back), yscale(lo[back]), strict=True),
                ]
                # a hatched band's edges are drawn too: one a few points tall still shows
                d.path(svg.points(outline) + " Z", **band.fill(d), stroke=band.edge,
                       stroke_width=0.8)  # fmt: skip
        values = numbers(table[y])
        for run in runs(values):
            xy = list(zip(x(positions[run]), yscale(values[run]), strict=True))
            d.line(xy, colour, 2.5, dash(pattern, 2.5), stroke_linecap="butt")
            for px, py in xy:
                marker(d, mark, px, py, colour)
        d.close()
    bottom = top + PLOT_HEIGHT
    step = max(1, -(-len(years) // 5))
    shown = list(range(len(years)))[::-1][::step][::-1]  # back from the latest year
    height = year_axis(d, x, [(i, years[i]) for i in shown], bottom)
    svg_text = d.svg(synthetic_label(d, height, synthetic))
    alt = _trend_alt(
        series, y, what, fmt, band_label if lower else "", reference, reference_label, by_area
    )
    return Chart(svg_text, alt, synthetic)


#: Height of a line chart's plot (points).
PLOT_HEIGHT = 190


@dataclass(frozen=True)
class Band:
    """A series' band: a tint of its colour, or ``hatch`` in its colour (whose edges are
    drawn too, so a band a few points tall still shows)."""

    colour: str
    hatch: str | None = None

    def fill(self, d: svg.Drawing) -> dict:
        if self.hatch:
            return {"fill": d.hatch(self.hatch, self.colour)}
        return {"fill": self.colour, "fill_opacity": 0.25}

    @property
    def edge(self) -> str:
        return self.colour if self.hatch else "none"

    def sample(self, d: svg.Drawing, x: float, y: float) -> None:
        fill_sample(self.edge, 1, **self.fill(d))(d, x, y)


def year_axis(d: svg.Drawing, x: Scale, ticks: list[tuple[int, str]], bottom: float) -> float:
    """The axis line with financial years turned 45 degrees under their ticks; returns
    the bottom of the longest."""
    d.open(cls="x-axis")
    d.line([(x.start, bottom), (x.end, bottom)], svg.GRID, 1)
    slant = math.sqrt(0.5)
    widest = 0.0
    for position, year in ticks:
        at = float(x(position))
        d.line([(at, bottom), (at, bottom + TICK)], svg.GRID, 1)
        # the label's end under its tick, reading up to the right
        d.text(at + FONT_PT * svg.ASCENT * slant / 2, bottom + TICK + 2 + FONT_PT * slant,
               year, FONT_PT, anchor="end", rotate=-45)  # fmt: skip
        widest = max(widest, svg.text_width(year, FONT_PT))
    d.close()
    return bottom + TICK + 2 + FONT_PT * slant + widest * slant + 2


def _bars_alt(labels, values, what, highlight, reference, reference_label, fmt, ranked) -> str:
    shown = [(n, v) for n, v in zip(labels, values, strict=True) if not np.isnan(v)]
    if not shown:
        return _capital(
            _("{what}: no comparison can be shown, all {n} values are suppressed.").format(
                what=what, n=len(labels)
            )
        )
    top = max(shown, key=lambda item: item[1])
    bottom = min(shown, key=lambda item: item[1])
    extremes = _("highest {top} ({top_value}), lowest {bottom} ({bottom_value})").format(
        top=top[0], top_value=fmt(top[1]), bottom=bottom[0], bottom_value=fmt(bottom[1])
    )
    values_of = dict(shown)
    if highlight in values_of and highlight != reference_label:
        rank = sorted(values_of.values(), reverse=True).index(values_of[highlight]) + 1
        message = _("{What}: {highlight} was {ordinal} highest of {n} ({value})").format(
            What=_capital(what),
            highlight=highlight,
            ordinal=language.ordinal(rank),
            rank=rank,
            n=len(shown),
            value=fmt(values_of[highlight]),
        )
        if reference is not None and fmt(reference) != fmt(values_of[highlight]):
            side = (
                N_(", above {reference}'s {value}")
                if values_of[highlight] > reference
                else N_(", below {reference}'s {value}")
            )
            message += _(side).format(value=fmt(reference), **forms("reference", reference_label))
        message += f"; {extremes}."
    else:
        message = f"{_capital(what)}: {extremes}."
        if reference is not None and highlight == reference_label:
            message = f"{message[:-1]}; {reference_label} {fmt(reference)}."
    listed = "; ".join(f"{n} {fmt(v)}" for n, v in shown)
    return _fit(message, _("All: {listed}.").format(listed=listed) if not ranked else "")


def bars(
    table: pd.DataFrame,
    label: str,
    value: str,
    xlabel: str,
    what: str,
    highlight: str | None = None,
    reference: float | None = None,
    reference_label: str = "",
    fmt=language.number,
    ranked: bool = True,
) -> Chart:
    """Horizontal bars (largest first when ranked), each named above its bar, its value in
    a column right of the plot (clear of any reference line), and an optional dashed
    reference line named in the legend (left out when the reference value is suppressed)."""
    if reference is not None and np.isnan(numbers([reference])[0]):
        reference = None
    values = numbers(table[value])
    order = (
        np.argsort(-np.nan_to_num(values, nan=-np.inf), kind="stable")
        if ranked
        else np.arange(len(values))
    )
    # labels in the current language (Wales -> Cymru; Care order -> Gorchymyn gofal)
    labels = np.array([current().value(n) for n in table[label].to_numpy()[order]], dtype=object)
    highlight, reference_label = current().value(highlight), current().value(reference_label)
    values = values[order]
    synthetic = is_synthetic(table)
    dark = palette("focus")[0]
    texts = ["[c]" if np.isnan(v) else fmt(v) for v in values]
    bold = [name == highlight for name in labels]
    column = max(svg.text_width(t, FONT_PT, b) for t, b in zip(texts, bold, strict=True))
    right = WIDTH - PAD - column - 8  # the plot's right edge: values in a column beyond
    high = float(np.nanmax(np.r_[values, reference or 0, 1])) * 1.05
    x = Scale(0, high, PAD, right)
    ticks = x_ticks(x)
    d = svg.Drawing(WIDTH)
    top = PAD
    if reference is not None:
        entry = Entry(f"{reference_label} {fmt(reference)}",
                      line_sample(REFERENCE_INK, 1.5, DASHES[1]))  # fmt: skip
        top = legend(d, PAD, [entry]) + 4
    rows = []
    for name, is_bold in zip(labels, bold, strict=True):
        shown = _("{name} (highlighted)").format(name=name) if is_bold else str(name)
        lines = svg.wrap(shown, WIDTH - 2 * PAD, FONT_PT, is_bold)
        rows.append((lines, top))
        top += LINE * len(lines) + BAR + 8
    plot_top, bottom = (rows[0][1] if rows else top), top
    d.open(cls="grid")
    for tick in ticks:
        at = float(x(tick))
        d.line([(at, plot_top), (at, bottom)], svg.GRID, 0.6)
    d.close()
    for (lines, row_top), v, text, is_bold, name in zip(rows, values, texts, bold, labels,
                                                         strict=True):  # fmt: skip
        bar_top = row_top + LINE * len(lines) + 1
        colour = dark if (highlight is None or name == highlight) else COMPARISON_GREY
        if not np.isnan(v) and v > 0:
            d.rect(PAD, bar_top, float(x(v)) - PAD, BAR, cls="bar", fill=colour, stroke="none")
        d.text(PAD, row_top + FONT_PT * svg.ASCENT + 2, lines, FONT_PT, is_bold, halo=True,
               cls="name")  # fmt: skip
        d.text(right + 8, bar_top + BAR / 2 + FONT_PT * svg.ASCENT / 2, text, FONT_PT, is_bold,
               cls="value")  # fmt: skip
    if reference is not None:
        at = float(x(reference))
        d.open(cls="reference")
        d.line([(at, plot_top), (at, bottom)], REFERENCE_INK, 1.5, dash(DASHES[1], 1.5))
        d.close()
    end = x_axis(d, x, ticks, tick_labels(ticks), bottom, xlabel)
    svg_text = d.svg(synthetic_label(d, end, synthetic))
    alt = _bars_alt(labels, values, what, highlight, reference, reference_label, fmt, ranked)
    return Chart(svg_text, alt, synthetic)


BAR = 16  # a bar's thickness (points)


def lines_by_group(
    table: pd.DataFrame, group: str, y: str, ylabel: str, what: str, fmt=language.number
) -> Chart:
    """Several categories over financial years (e.g. each final order's share)."""
    groups = list(dict.fromkeys(table[group]))
    return trend(
        {g: table[table[group] == g].reset_index(drop=True) for g in groups},
        y,
        ylabel,
        what,
        fmt=fmt,
        by_area=False,
    )
