"""One accessible chart style (UK Government Analysis Function, ``afcharts``).

Every chart function takes protected tables (``[c]`` where suppressed), draws suppressed
points as gaps, tells series apart by colour, marker and line style (named in a legend),
and returns a :class:`Chart`: deterministic SVG plus alt text that leads with the message
(a trend or a comparison) in at most 250 characters, from published values only; the data
table beside each chart holds the full numbers.

Charts are drawn at a fixed size (:data:`WIDTH_IN` inches wide) with text large enough to
read at the narrowest page (:data:`NARROW_PX`): the smallest text, :data:`FONT_PT`, shows at
``FONT_PT * NARROW_PX / (WIDTH_IN * 72)`` CSS px there. A chart built from synthetic data
says so in the image itself, so that a copied chart never looks real.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from afcharts.af_colours import get_af_colours  # noqa: E402
from matplotlib.backends.backend_svg import FigureCanvasSVG  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from fjo_analysis import language  # noqa: E402
from fjo_analysis.disclosure import numbers  # noqa: E402
from fjo_analysis.i18n import N_, _, current, forms  # noqa: E402

WIDTH_IN = 5.0  # chart width in inches (SVG user units: 72 a inch)
FONT_PT = 16  # every piece of chart text
NARROW_PX = 288  # the least width a chart is shown at on a 320 px page (296 px there)
MAX_ALT = 250
SYNTHETIC_LABEL = N_("Illustrative synthetic data")
#: Grey for comparison bars: 3.95:1 against white (WCAG 1.4.11 asks for 3:1).
COMPARISON_GREY = "#808080"
REFERENCE_INK = "#0b0c0c"
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
LINESTYLES = ["-", "--", ":", "-."]
HATCHES = ["//", "\\\\", "xx", ".."]

plt.style.use("afcharts.afcharts")
plt.rcParams.update(
    {
        "svg.hashsalt": "fjo-analysis",  # stable ids: the same data gives the same bytes
        "svg.fonttype": "none",  # real text: smaller files, searchable labels
        "font.family": ["Liberation Sans", "DejaVu Sans", "sans-serif"],
        **{
            key: FONT_PT
            for key in (
                "font.size",
                "axes.labelsize",
                "axes.titlesize",
                "xtick.labelsize",
                "ytick.labelsize",
                "legend.fontsize",
                "figure.titlesize",
            )
        },
        "hatch.linewidth": 1.5,
    }
)


@dataclass(frozen=True)
class Chart:
    """A rendered chart: SVG text, alt text, and whether it says it is synthetic."""

    svg: str
    alt: str
    synthetic: bool = False


def is_synthetic(*tables: pd.DataFrame) -> bool:
    """Whether any table the chart is drawn from was read from a synthetic extract."""
    return any(bool(t.attrs.get("synthetic")) for t in tables)


def _figure(height: float, synthetic: bool):
    fig, ax = plt.subplots(figsize=(WIDTH_IN, height), layout="constrained")
    if synthetic:
        fig.supxlabel(_(SYNTHETIC_LABEL), x=0.02, ha="left", color="#3d3d3d", fontweight="bold")
    return fig, ax


def _finish(fig) -> str:
    """The figure as SVG text, drawn once: its constrained layout is worked out, then
    switched off, and the SVG canvas prints it (savefig would draw it twice, once only to
    lay it out; the same SVG, a third faster)."""
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
        fig.set_layout_engine("none")
    buffer = io.StringIO()
    FigureCanvasSVG(fig).print_svg(buffer, metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return buffer.getvalue()


def _wrap(text: str, width: int = 30) -> str:
    return textwrap.fill(text, width)


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
    fig, ax = _figure(4.6 + 0.45 * len(series) * (2 if lower else 1), synthetic)
    colours = get_af_colours("categorical", number_of_colours=min(max(len(series), 2), 6))
    handles = []
    for i, (label, table) in enumerate(series.items()):
        x = np.arange(len(table))
        values = numbers(table[y])
        colour = colours[i % len(colours)]
        depth = 2 * (len(series) - i)  # the first series on top of the others
        handles.append(
            ax.plot(
                x,
                values,
                color=colour,
                marker=MARKERS[i % len(MARKERS)],
                linestyle=LINESTYLES[i % len(LINESTYLES)],
                linewidth=2.5,
                label=_wrap(label),
                zorder=depth + 1,
            )[0]
        )
        if lower and upper:
            style = (
                {"color": colour, "alpha": 0.25, "linewidth": 0}
                if i == 0
                else {"facecolor": "none", "edgecolor": colour, "hatch": HATCHES[(i - 1) % 4]}
            )
            ax.fill_between(x, numbers(table[lower]), numbers(table[upper]), zorder=depth, **style)
            handles.append(Patch(**style, label=_wrap(f"{label}: {band_label}")))
        step = max(1, -(-len(table) // 5))
        ticks = x[::-1][::step][::-1]  # counted back from the latest year, which is labelled
        ax.set_xticks(ticks, table["year"].iloc[ticks], rotation=45, ha="right")
    ax.set_ylabel(_wrap(ylabel, 30))
    ax.set_ylim(bottom=0)
    if reference is not None:
        ax.axhline(reference, color=REFERENCE_INK, linestyle="--", linewidth=1.5, zorder=1)
        handles.append(
            Line2D([], [], color=REFERENCE_INK, linestyle="--", label=_wrap(reference_label))
        )
    ax.margins(x=0.02)
    fig.legend(handles=handles, loc="outside upper left", frameon=False, ncols=1)
    alt = _trend_alt(
        series, y, what, fmt, band_label if lower else "", reference, reference_label, by_area
    )
    return Chart(_finish(fig), alt, synthetic)


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


#: Characters of a bar's name that surely fit across the plot (at FONT_PT, bold).
SHORT_LABEL = 28


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
    fig, ax = _figure(0.58 * len(labels) + 1.9, synthetic)
    dark = get_af_colours("focus")[0]
    y = np.arange(len(labels))[::-1].astype(float)
    colours = [
        dark if (highlight is None or name == highlight) else COMPARISON_GREY for name in labels
    ]
    ax.barh(y, np.nan_to_num(values), height=0.5, color=colours, zorder=2)
    right = ax.get_yaxis_transform()  # x in axes fraction, y in data
    for yi, v, name in zip(y, values, labels, strict=True):
        weight = "bold" if name == highlight else "normal"
        shown = _("{name} (highlighted)").format(name=name) if name == highlight else str(name)
        ax.text(
            0,
            yi + 0.3,
            shown,
            va="bottom",
            fontweight=weight,
            transform=right,
            zorder=4,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
            # a short name stays inside the plot, so measuring it for the margins changes
            # nothing (and takes a third of the layout time); a long one may need them
            in_layout=len(shown) > SHORT_LABEL,
        )
        text = "[c]" if np.isnan(v) else fmt(v)
        ax.text(1.03, yi, text, va="center", fontweight=weight, transform=right)
    ax.set_yticks([])
    ax.set_ylim(-0.5, len(labels) - 0.2)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    if reference is not None:
        ax.axvline(reference, color=REFERENCE_INK, linestyle="--", linewidth=1.5, zorder=3)
        fig.legend(
            handles=[
                Line2D(
                    [],
                    [],
                    color=REFERENCE_INK,
                    linestyle="--",
                    label=f"{reference_label} {fmt(reference)}",
                )
            ],
            loc="outside upper left",
            frameon=False,
        )
    ax.set_xlim(0, np.nanmax(np.r_[values, reference or 0, 1]) * 1.05)
    alt = _bars_alt(labels, values, what, highlight, reference, reference_label, fmt, ranked)
    return Chart(_finish(fig), alt, synthetic)


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
