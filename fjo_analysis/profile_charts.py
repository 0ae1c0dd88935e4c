"""The charts of a local profile that show every authority: the funnel plot of a country
and the hex map of England and Wales.

Drawn in the style of :mod:`fjo_analysis.charts` from published figures only. The funnel
plot uses each authority's published rate and denominator, the country's rate over the
same years, and the over-dispersion (``funnel_tau2``) the store estimated from the
authorities' published counts; suppressed authorities are left out. The hex map shades
each authority by its band of published rates and shows suppressed ones as such. In both
the highlighted authority is marked by shape and label as well as colour, and the alt text
says where it falls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fjo_analysis import hexmap, language, svg
from fjo_analysis.charts import (
    DASHES,
    FONT_PT,
    MAX_ALT,
    PAD,
    REFERENCE_INK,
    WIDTH,
    Chart,
    Entry,
    Scale,
    _capital,
    axis_range,
    dash,
    fill_sample,
    is_synthetic,
    legend,
    line_sample,
    marker,
    palette,
    synthetic_label,
    tick_labels,
    x_axis,
    x_ticks,
    y_axis,
    y_axis_width,
)
from fjo_analysis.disclosure import MARK, NOT_AVAILABLE, numbers
from fjo_analysis.geography import area, local_areas
from fjo_analysis.i18n import N_, SOURCE, Language, _, current, forms
from fjo_analysis.stats.funnel import funnel_limits

LEVELS = (0.95, 0.998)


@dataclass(frozen=True)
class Funnel:
    chart: Chart
    where: str  # "within the 95% limits", "above the 99.8% limit", ...


def limits(reference_rate: float, denominators, tau2: float, level: float):
    """Rate limits (per 10,000) at each denominator around the reference rate."""
    people = np.asarray(denominators, dtype=float)
    expected = reference_rate / 10_000 * people
    low, high = funnel_limits(expected, level, tau2=max(tau2, 0.0))
    return 10_000 * low / people, 10_000 * high / people


def where_it_falls(rate: float, people: float, reference: float, tau2: float) -> str:
    """Where a rate falls against the 95% and 99.8% limits at its denominator."""
    low95, high95 = (v[0] for v in limits(reference, [people], tau2, LEVELS[0]))
    low998, high998 = (v[0] for v in limits(reference, [people], tau2, LEVELS[1]))
    if rate > high998:
        return N_("above the 99.8% limit")
    if rate > high95:
        return N_("above the 95% limit")
    if rate < low998:
        return N_("below the 99.8% limit")
    if rate < low95:
        return N_("below the 95% limit")
    return N_("within the 95% limits")


def funnel(
    authorities: pd.DataFrame,
    denominator: str,
    reference: float,
    tau2: float,
    highlight: str,
    what: str,
    country: str,
    xlabel: str,
    dfj: bool = False,
) -> Funnel:
    """Funnel plot of ``authorities`` (columns ``area``, ``rate`` and ``denominator``):
    local authorities, or family court areas where ``dfj``."""
    rates = numbers(authorities["rate"])
    people = authorities[denominator].to_numpy(dtype=float)
    shown = ~np.isnan(rates) & (people > 0)
    names = authorities["area"].to_numpy()
    dark = palette("focus")[0]
    synthetic = is_synthetic(authorities)
    # names as the reader's language writes them (the table's stay as published)
    shown_name, country_name = _capital(current().value(highlight)), current().value(country)
    grid = np.linspace(np.nanmin(people[shown]) * 0.8, np.nanmax(people[shown]) * 1.05, 200)
    curves = {level: limits(reference, grid, tau2, level) for level in LEVELS}
    others = shown & (names != highlight)
    here = shown & (names == highlight)
    entries = [
        Entry(
            _("{level}% limits").format(level=f"{level * 100:g}"),
            line_sample(LIMIT_INK, 1.2, pattern),
        )  # fmt: skip
        for level, pattern in zip(LEVELS, LIMIT_DASHES, strict=True)
    ]
    # the country's rate is named in the legend, where no point's label can cover it
    entries.append(Entry(f"{country_name} {language.number(reference)}", line_sample(LIMIT_INK, 1)))
    others_label = _("Other family court areas") if dfj else _("Other authorities")
    entries.append(Entry(others_label, _point_sample("o", OTHERS_GREY, 5)))
    if here.any():
        entries.append(Entry(shown_name, _point_sample("D", dark, 8)))
    d = svg.Drawing(WIDTH)
    top = legend(d, PAD, entries) + 8
    y_values = [rates[shown], reference, *(c for pair in curves.values() for c in pair)]
    y_low, y_high = axis_range(np.concatenate([np.ravel(v) for v in y_values]))
    y_ticks = svg.nice_ticks(y_low, y_high)
    left = y_axis_width(y_ticks, 1)
    thousands = grid / 1000  # the x axis counts people in thousands
    x = Scale(thousands[0], thousands[-1], left, WIDTH - PAD - 4)
    y = Scale(y_low, y_high, top + FUNNEL_HEIGHT, top)
    y_axis(d, y, y_ticks, left, WIDTH - PAD, [_("Per 10,000")])
    d.open(cls="limits")
    for level, pattern in zip(LEVELS, LIMIT_DASHES, strict=True):
        for curve in curves[level]:
            inside = (curve >= y_low) & (curve <= y_high)
            xy = list(zip(x(thousands[inside]), y(curve[inside]), strict=True))
            d.line(xy, LIMIT_INK, 1.2, dash(pattern, 1.2))
    at = float(y(reference))
    d.line([(x.start, at), (x.end, at)], LIMIT_INK, 1)
    d.close()
    d.open(cls="others")
    for px, py in zip(x(people[others] / 1000), y(rates[others]), strict=True):
        marker(d, "o", px, py, OTHERS_GREY, 5)
    d.close()
    where = N_("not shown because its rate is suppressed")
    if here.any():
        i = int(np.flatnonzero(here)[0])
        where = where_it_falls(rates[i], people[i], reference, tau2)
        px, py = float(x(people[i] / 1000)), float(y(rates[i]))
        d.open(id="highlight")
        marker(d, "D", px, py, dark, 8)
        right_half = people[i] > np.median(grid)
        # its rate (the legend names it), towards the middle (inside the plot) and on the
        # far side of the country's line from it (clear of the line)
        below = rates[i] < reference
        d.text(px - 8 if right_half else px + 8,
               py + 8 + FONT_PT * svg.ASCENT if below else py - 8, language.number(rates[i]),
               FONT_PT, bold=True, anchor="end" if right_half else "start", halo=True)  # fmt: skip
        d.close()
    ticks = x_ticks(x)
    end = x_axis(d, x, ticks, tick_labels(ticks), top + FUNNEL_HEIGHT, xlabel)
    svg_text = d.svg(synthetic_label(d, end, synthetic))
    alt = (
        _(
            "Funnel plot of {what} for {n} family court areas of {country}, against "
            "their size, with {country}'s rate ({rate}) and 95% and "
            "99.8% limits widened for the variation between family court areas. "
        )
        if dfj
        else _(
            "Funnel plot of {what} for {n} authorities of {country}, against "
            "their size, with {country}'s rate ({rate}) and 95% and "
            "99.8% limits widened for the variation between authorities. "
        )
    ).format(
        what=what,
        n=int(shown.sum()),
        rate=language.number(reference),
        **forms("country", country_name),
    )
    alt += (
        _("{highlight} ({rate}) is {where}.").format(
            highlight=shown_name,
            rate=language.number(rates[np.flatnonzero(here)[0]]),
            where=_(where),
        )
        if here.any()
        else _("{highlight} is {where}.").format(highlight=shown_name, where=_(where))
    )
    return Funnel(Chart(svg_text, alt, synthetic), where)


FUNNEL_HEIGHT = 240  # the plot's height (points)
LIMIT_INK = "#3d3d3d"
LIMIT_DASHES = (DASHES[1], DASHES[2])  # 95% dashed, 99.8% dotted
OTHERS_GREY = "#757575"  # 4.6:1 against white


def _point_sample(kind: str, colour: str, size: float):
    def draw(d: svg.Drawing, x: float, y: float) -> None:
        marker(d, kind, x + 15, y, colour, size)

    return draw


BANDS = 5
#: Fill patterns of the bands, lowest first, and of suppressed and missing authorities:
#: no band is told from another, or from [c], by colour alone.
BAND_HATCHES = ("..", "//", "--", "xx", "++")
#: Hexagon outlines: 7.0:1 against the white page (WCAG 1.4.11 asks for 3:1).
OUTLINE = "#595959"
#: Light fills take dark hatching, dark fills white (the pattern stays visible on both).
LIGHT_FILLS = 2


@dataclass(frozen=True)
class HexMap:
    chart: Chart
    bands: list[str]  # each authority's, in the table's order: "3 of 5: 27.0 to 33.0", [c]
    band: str  # the highlighted authority's: "band 3 of 5 (27.0 to 33.0)", or [c] / [x]


def rate_bands(rates, n: int = BANDS) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Each rate's band (0 the lowest; -1 where it is not published) in ``n`` bands of
    (about) equal numbers of authorities, and each band's lowest and highest rate. Equal
    rates share a band, so there are fewer bands where rates repeat: rates as published (to
    one decimal place), so two that read the same are never in different bands and no band
    ends where the next begins ("18.0 to 21.3", "21.3 to 31.3")."""
    rates = np.array([language.rounded(r, 1) for r in np.asarray(rates, dtype=float)])
    band = np.full(len(rates), -1)
    known = ~np.isnan(rates)
    if not known.any():
        return band, []
    band[known] = pd.qcut(rates[known], n, labels=False, duplicates="drop")
    found = sorted(set(band[known]))
    band[known] = np.searchsorted(found, band[known])  # numbered without empty bins
    ranges = [(rates[band == k].min(), rates[band == k].max()) for k in range(len(found))]
    return band, ranges


def _range(low: float, high: float) -> str:
    return _("{low} to {high}").format(low=language.number(low), high=language.number(high))


def _hexagon(centre, radius: float) -> str:
    """A pointy-topped hexagon's outline (an SVG path) around ``centre``."""
    angles = np.radians(90 + 60 * np.arange(6))
    corners = np.column_stack([np.cos(angles), -np.sin(angles)]) * radius + centre
    return svg.points(corners) + " Z"


def _top_region(codes, band: np.ndarray, top: int) -> tuple[str, int, int]:
    """The region (or Wales) with the largest share of its published authorities in the
    top band, by name; how many of them are in it, and of how many."""
    parents = pd.Series([local_areas()[c].parent for c in codes])
    shown = band >= 0
    tally = pd.Series(band[shown] == top).groupby(parents[shown].to_numpy()).agg(["sum", "size"])
    best = tally.assign(share=tally["sum"] / tally["size"]).sort_values(
        ["share", "sum"], ascending=False, kind="stable"
    )
    return area(best.index[0]).name, int(best["sum"].iloc[0]), int(best["size"].iloc[0])


def _in_sentence(lang: Language, name: str) -> str:
    """A place as it reads in a sentence of ``lang`` ('the North East'; 'Gogledd-ddwyrain
    Lloegr')."""
    return language.place(name) if lang.code == SOURCE else lang.area_name(name)


def _band_styles(n: int) -> list[dict]:
    """Fill, pattern and pattern colour of ``n`` bands, lowest first (light to dark)."""
    fills = palette("sequential")[::-1][:n]
    return [
        {
            "facecolor": fill,
            "hatch": BAND_HATCHES[k],
            "hatchcolor": REFERENCE_INK if k < LIGHT_FILLS else "white",
        }
        for k, fill in enumerate(fills)
    ]


SUPPRESSED = {"fill": "#ffffff"}
MISSING_DASH = "1.5 2"  # a missing authority's outline is dotted


def _tag(k: int, n: int, text: str) -> str:
    """A band's legend label: its range, marked where it is the highest or lowest."""
    if k == n - 1 and n > 1:
        return _("{range} (highest)").format(range=text)
    return _("{range} (lowest)").format(range=text) if k == 0 else text


def hex_map(
    authorities: pd.DataFrame,
    highlight: str,
    what: str,
    legend_title: str,
    what_source: str | None = None,
) -> HexMap:
    """Hex map of every 2024 authority of England and Wales, one hexagon each
    (:mod:`fjo_analysis.hexmap`), shaded and patterned by its band of published rates
    (``authorities``: columns ``area_code``, ``area`` and ``rate``). Suppressed
    authorities are white and named [c] in the legend; one missing from the table is [x].
    ``highlight`` (a code) gets a thick outline, a marker and a legend entry. The alt text
    says in any language what it says in English (``what_source``: ``what`` in English),
    so it is fitted to MAX_ALT as the English is."""
    cells = hexmap.layout()
    rates = numbers(authorities["rate"])
    band, ranges = rate_bands(rates)
    band_of = dict(zip(authorities["area_code"], band, strict=True))
    styles = _band_styles(len(ranges))
    name = current().area_name(local_areas()[highlight].name)
    d = svg.Drawing(WIDTH)
    # each band's fill: its colour under its pattern
    fills = [{"fill": d.hatch(s["hatch"], s["hatchcolor"], s["facecolor"])} for s in styles]
    entries = [
        Entry(_tag(k, len(ranges), _range(*ranges[k])), fill_sample(OUTLINE, **fills[k]))
        for k in reversed(range(len(ranges)))
    ]
    if (band < 0).any():
        label = _("{mark} suppressed").format(mark=MARK)
        entries.append(Entry(label, fill_sample(OUTLINE, **SUPPRESSED)))
    if set(cells["la_code"]) - set(band_of):
        label = _("{missing} not available").format(missing=NOT_AVAILABLE)
        entries.append(Entry(label, fill_sample(OUTLINE, outline_dash=MISSING_DASH, **SUPPRESSED)))
    entries.append(Entry(name, fill_sample(REFERENCE_INK, 3, fill="white")))
    top = legend(d, PAD, entries, title=legend_title) + 8
    xy = hexmap.centres(cells["q"], cells["r"])
    x0, y1 = xy[:, 0].min() - 0.6, xy[:, 1].max() + 0.6
    scale = (WIDTH - 2 * PAD) / (np.ptp(xy[:, 0]) + 1.2)
    places = np.column_stack([PAD + (xy[:, 0] - x0) * scale, top + (y1 - xy[:, 1]) * scale])
    radius = scale / np.sqrt(3)
    for code, centre in zip(cells["la_code"], places, strict=True):
        k = band_of.get(code)
        fill = SUPPRESSED if k is None or k < 0 else fills[k]
        d.open(id=f"hex-{code}")
        d.path(_hexagon(centre, radius), **fill, stroke=OUTLINE, stroke_width=0.8,
               stroke_dasharray=MISSING_DASH if k is None else None)  # fmt: skip
        d.close()
    here = places[list(cells["la_code"]).index(highlight)]
    d.path(_hexagon(here, radius), fill="none", stroke="white", stroke_width=6)
    d.open(id="highlight")
    d.path(_hexagon(here, radius), fill="none", stroke=REFERENCE_INK, stroke_width=3)
    marker(d, "o", *here, REFERENCE_INK, 6)
    d.close()
    end = top + (y1 - xy[:, 1].min() + 0.6) * scale
    synthetic = is_synthetic(authorities)
    svg_text = d.svg(synthetic_label(d, end, synthetic))
    k = band_of.get(highlight)
    where = _where(current(), k, ranges)
    rate = dict(zip(authorities["area_code"], rates, strict=True)).get(highlight)
    facts = (highlight, rate, k, ranges, authorities["area_code"], band)
    choice = _hex_alt_choice(what_source or what, facts) if ranges else None
    alt = _hex_alt(current(), what, facts, choice)
    labels = [
        _("{band} of {n}: {range}").format(band=k + 1, n=len(ranges), range=_range(*ranges[k]))
        if k >= 0
        else MARK
        for k in band
    ]
    return HexMap(Chart(svg_text, alt, synthetic), labels, where)


def _where(lang: Language, k: int | None, ranges) -> str:
    """The highlighted authority's band as ``lang`` says it, or [x] / [c]."""
    if k is None:
        return NOT_AVAILABLE
    if k < 0:
        return MARK
    low, high = (language.number(v) for v in ranges[k])
    return lang.gettext("band {band} of {n} ({range})").format(
        band=k + 1, n=len(ranges), range=lang.gettext("{low} to {high}").format(low=low, high=high)
    )


def _hex_sentences(lang: Language, what: str, facts) -> list[str]:
    """The alt text's sentences in ``lang``: where the area sits, where rates are highest
    (long and short), how many rates are suppressed ('' where none is)."""
    highlight, rate, k, ranges, codes, band = facts
    name = lang.area_name(local_areas()[highlight].name)
    where = _where(lang, k, ranges)
    if where == MARK:
        message = lang.gettext("{area}'s rate is suppressed ({mark}) on this hex map of {what}.")
    elif where == NOT_AVAILABLE:
        message = lang.gettext("{area} has no rate ({missing}) on this hex map of {what}.")
    else:
        message = lang.gettext("{area} ({rate}) is in {band} on this hex map of {what}.")
    message = message.format(
        mark=MARK,
        missing=NOT_AVAILABLE,
        rate=language.number(rate) if where not in (MARK, NOT_AVAILABLE) else "",
        band=where,
        what=what,
        **forms("area", name),
    )
    region, in_top, of = _top_region(codes, band, len(ranges) - 1)
    region = forms("region", _in_sentence(lang, region))
    highest = lang.gettext(
        "Rates are highest in {region} ({in_top} of its {n} authorities in the top band)."
    ).format(in_top=in_top, n=of, **region)
    short = lang.gettext("Rates are highest in {region}.").format(**region)
    suppressed = int((band < 0).sum())
    hidden = (
        lang.gettext("{n} authorities' rates are suppressed.").format(n=suppressed)
        if suppressed
        else ""
    )
    return [message, highest, short, hidden]


def _hex_alt_choice(what_source: str, facts) -> tuple[str, bool, bool]:
    """Which sentences the English alt text has within MAX_ALT: the long or short
    'highest' sentence, and whether each extra fits."""
    message, highest, short, hidden = _hex_sentences(Language(SOURCE), what_source, facts)
    which = "long" if len(f"{message} {highest}") <= MAX_ALT else "short"
    extra = highest if which == "long" else short
    with_highest = len(f"{message} {extra}") <= MAX_ALT
    text = f"{message} {extra}" if with_highest else message
    with_hidden = bool(hidden) and len(f"{text} {hidden}") <= MAX_ALT
    return which, with_highest, with_hidden


def _hex_alt(lang: Language, what: str, facts, choice) -> str:
    """Where the area sits and where rates are highest: the sentences the English alt
    text has within MAX_ALT characters (:func:`_hex_alt_choice`), in ``lang``."""
    if not facts[3]:  # no band: nothing published
        return lang.gettext("Hex map of {what}: every authority's rate is suppressed.").format(
            what=what
        )
    message, highest, short, hidden = _hex_sentences(lang, what, facts)
    which, with_highest, with_hidden = choice
    parts = [message]
    if with_highest:
        parts.append(highest if which == "long" else short)
    if with_hidden:
        parts.append(hidden)
    return " ".join(parts)
