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
from afcharts.af_colours import get_af_colours
from matplotlib.patches import Patch, RegularPolygon

from fjo_analysis import hexmap, language
from fjo_analysis.charts import (
    MAX_ALT,
    REFERENCE_INK,
    WIDTH_IN,
    Chart,
    _capital,
    _figure,
    _finish,
    _wrap,
    is_synthetic,
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
    dark, grey = get_af_colours("focus")
    synthetic = is_synthetic(authorities)
    fig, ax = _figure(6.5, synthetic)
    # names as the reader's language writes them (the table's stay as published)
    shown_name, country_name = _capital(current().value(highlight)), current().value(country)
    grid = np.linspace(np.nanmin(people[shown]) * 0.8, np.nanmax(people[shown]) * 1.05, 200)
    thousands = grid / 1000  # the x axis counts people in thousands
    for level, style in zip(LEVELS, ("--", ":"), strict=True):
        low, high = limits(reference, grid, tau2, level)
        label = _("{level}% limits").format(level=f"{level * 100:g}")
        ax.plot(thousands, high, style, color="#3D3D3D", linewidth=1.2, label=label)
        ax.plot(thousands, low, style, color="#3D3D3D", linewidth=1.2)
    # the country's rate is named in the legend, where no point's label can cover it
    reference_label = f"{country_name} {language.number(reference)}"
    ax.axhline(reference, color="#3D3D3D", linewidth=1, label=reference_label)
    others = shown & (names != highlight)
    others_label = _("Other family court areas") if dfj else _("Other authorities")
    ax.scatter(people[others] / 1000, rates[others], color=grey, s=22, label=others_label)
    here = shown & (names == highlight)
    where = N_("not shown because its rate is suppressed")
    if here.any():
        i = int(np.flatnonzero(here)[0])
        where = where_it_falls(rates[i], people[i], reference, tau2)
        ax.scatter(
            [people[i] / 1000], [rates[i]], color=dark, marker="D", s=90, zorder=3, label=shown_name
        )
        right_half = people[i] > np.median(grid)
        ax.annotate(  # its rate (the legend names it), towards the middle: inside the plot
            language.number(rates[i]),
            (people[i] / 1000, rates[i]),
            xytext=(-8, 8) if right_half else (8, 8),
            ha="right" if right_half else "left",
            textcoords="offset points",
            fontweight="bold",
        )
    ax.set_xlabel(_wrap(xlabel, 40))
    ax.set_ylabel(_("Per 10,000"))
    # above the plot, where it covers no authority
    fig.legend(loc="outside upper left", frameon=False)
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
    return Funnel(Chart(_finish(fig), alt, synthetic), where)


BANDS = 5
#: Fill patterns of the bands, lowest first, and of suppressed and missing authorities:
#: no band is told from another, or from [c], by colour alone.
BAND_HATCHES = ("..", "//", "--", "xx", "++")
#: Hexagon outlines: 7.0:1 against the white page (WCAG 1.4.11 asks for 3:1).
OUTLINE = "#595959"
#: Light fills take dark hatching, dark fills white (the pattern stays visible on both).
LIGHT_FILLS = 2
LEGEND_ROW_IN = 0.34  # a legend row at FONT_PT, with its spacing


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
    rates = np.round(np.asarray(rates, dtype=float), 1)
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


def _hexagon(centre, **style) -> RegularPolygon:
    return RegularPolygon(centre, numVertices=6, radius=1 / np.sqrt(3), **style)


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
    fills = get_af_colours("sequential")[::-1][:n]
    return [
        {
            "facecolor": fill,
            "hatch": BAND_HATCHES[k],
            "hatchcolor": REFERENCE_INK if k < LIGHT_FILLS else "white",
        }
        for k, fill in enumerate(fills)
    ]


SUPPRESSED = {"facecolor": "white"}
MISSING = {"facecolor": "white", "linestyle": ":"}


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
    handles = [
        Patch(edgecolor=OUTLINE, label=_tag(k, len(ranges), _range(*ranges[k])), **styles[k])
        for k in reversed(range(len(ranges)))
    ]
    if (band < 0).any():
        label = _("{mark} suppressed").format(mark=MARK)
        handles.append(Patch(edgecolor=OUTLINE, label=label, **SUPPRESSED))
    if set(cells["la_code"]) - set(band_of):
        label = _("{missing} not available").format(missing=NOT_AVAILABLE)
        handles.append(Patch(edgecolor=OUTLINE, label=label, **MISSING))
    handles.append(Patch(facecolor="white", edgecolor=REFERENCE_INK, linewidth=3, label=name))

    xy = hexmap.centres(cells["q"], cells["r"])
    aspect = (np.ptp(xy[:, 1]) + 1.2) / (np.ptp(xy[:, 0]) + 1.2)
    synthetic = is_synthetic(authorities)
    fig, ax = _figure(WIDTH_IN * aspect + LEGEND_ROW_IN * (len(handles) + 3), synthetic)
    for code, centre in zip(cells["la_code"], xy, strict=True):
        k = band_of.get(code)
        style = MISSING if k is None else SUPPRESSED if k < 0 else styles[k]
        # (add_artist, not add_patch: the limits are set below, so none is worked out)
        ax.add_artist(
            _hexagon(centre, edgecolor=OUTLINE, linewidth=0.8, gid=f"hex-{code}", **style)
        )
    here = xy[list(cells["la_code"]).index(highlight)]
    ax.add_patch(_hexagon(here, facecolor="none", edgecolor="white", linewidth=6))
    ax.add_patch(
        _hexagon(here, facecolor="none", edgecolor=REFERENCE_INK, linewidth=3, gid="highlight")
    )
    ax.plot(*here, "o", color=REFERENCE_INK, markeredgecolor="white", markersize=6)
    ax.set_xlim(xy[:, 0].min() - 0.6, xy[:, 0].max() + 0.6)
    ax.set_ylim(xy[:, 1].min() - 0.6, xy[:, 1].max() + 0.6)
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig.legend(
        handles=handles,
        loc="outside upper left",
        frameon=False,
        title=_wrap(legend_title),
        alignment="left",
    )
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
    return HexMap(Chart(_finish(fig), alt, synthetic), labels, where)


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
