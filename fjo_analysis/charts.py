"""One accessible chart style (UK Government Analysis Function, ``afcharts``).

Every chart function takes protected tables (``[c]`` where suppressed), draws suppressed
points as gaps, labels series directly rather than by colour alone, and returns a
:class:`Chart`: deterministic SVG plus default alt text that says what the chart shows and
its main numbers.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from afcharts.af_colours import get_af_colours  # noqa: E402

from fjo_analysis import language  # noqa: E402
from fjo_analysis.disclosure import numbers  # noqa: E402

plt.style.use("afcharts.afcharts")
plt.rcParams.update(
    {
        "svg.hashsalt": "fjo-analysis",  # stable ids: the same data gives the same bytes
        "svg.fonttype": "none",  # real text: smaller files, searchable labels
        "font.family": ["Liberation Sans", "DejaVu Sans", "sans-serif"],
        "font.size": 13,
        "figure.figsize": (8, 4.5),
    }
)
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
LINESTYLES = ["-", "--", ":", "-."]


@dataclass(frozen=True)
class Chart:
    """A rendered chart: SVG text and data-driven alt text."""

    svg: str
    alt: str


def _finish(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _series_text(labels, values, fmt) -> str:
    shown = [(label, v) for label, v in zip(labels, values, strict=True) if not np.isnan(v)]
    if not shown:
        return "all values are suppressed"
    first, last = shown[0], shown[-1]
    peak = max(shown, key=lambda item: item[1])
    text = f"{fmt(first[1])} in {first[0]}"
    if peak not in (first, last):
        text += f", a high of {fmt(peak[1])} in {peak[0]},"
    return text + f" and {fmt(last[1])} in {last[0]}"


def _label_line_ends(ax, ends: list[tuple]) -> None:
    """Label each line at its last point, nudged apart so that labels never overlap."""
    low, high = ax.get_ylim()
    gap = (high - low) * 0.07
    placed: list[float] = []
    for y, x, label, colour in sorted(ends, key=lambda end: end[0]):
        position = max([y, *(p + gap for p in placed)])
        placed.append(position)
        ax.annotate(
            label,
            (x, y),
            xytext=(x + 0.3, position),
            textcoords="data",
            va="center",
            color=colour,
            fontweight="bold",
            annotation_clip=False,
        )


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
    band_label: str = "95% confidence intervals",
) -> Chart:
    """Lines over financial years, one per area, with a band (by default the 95% CI)
    where ``lower`` and ``upper`` are given; ``band_label`` says what the band shows.

    ``series`` maps a label (the area first, then comparators) to a protected table with
    ``year`` and the value columns.
    """
    fig, ax = plt.subplots()
    colours = get_af_colours("categorical", number_of_colours=min(max(len(series), 2), 6))
    sentences, ends = [], []
    for i, (label, table) in enumerate(series.items()):
        x = np.arange(len(table))
        values = numbers(table[y])
        colour = colours[i % len(colours)]
        ax.plot(
            x,
            values,
            color=colour,
            marker=MARKERS[i % len(MARKERS)],
            linestyle=LINESTYLES[i % len(LINESTYLES)],
            linewidth=2.5,
            label=label,
        )
        if lower and upper:
            ax.fill_between(
                x,
                numbers(table[lower]),
                numbers(table[upper]),
                color=colour,
                alpha=0.15,
                linewidth=0,
            )
        last = np.flatnonzero(~np.isnan(values))
        if len(last):
            ends.append((values[last[-1]], x[last[-1]], label, colour))
        sentences.append(f"{label}: {_series_text(table['year'], values, fmt)}")
        ax.set_xticks(x[::2], table["year"].iloc[::2], rotation=45, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    _label_line_ends(ax, ends)
    if reference is not None:
        ax.axhline(reference, color="#3D3D3D", linestyle="--", linewidth=1.5)
        ax.annotate(
            reference_label,
            (0, reference),
            xytext=(4, 4),
            textcoords="offset points",
            color="#3D3D3D",
        )
    ax.margins(x=0.02)
    fig.subplots_adjust(right=0.78)
    years = next(iter(series.values()))["year"]
    band = f" Shaded bands show {band_label}." if lower else ""
    if reference is not None:
        band += f" A dashed line marks {reference_label} ({fmt(reference)})."
    alt = (
        f"Line chart of {what}, {years.iloc[0]} to {years.iloc[-1]}. "
        + ". ".join(sentences)
        + "."
        + band
    )
    return Chart(_finish(fig), alt)


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
    """Horizontal bars (largest first when ranked), values written on the bars, and an
    optional reference line (left out when the reference value is suppressed)."""
    if reference is not None and np.isnan(numbers([reference])[0]):
        reference = None
    values = numbers(table[value])
    order = (
        np.argsort(-np.nan_to_num(values, nan=-np.inf), kind="stable")
        if ranked
        else np.arange(len(values))
    )
    labels = table[label].to_numpy()[order]
    values = values[order]
    dark, grey = get_af_colours("focus")
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(labels) + 1.4))
    y = np.arange(len(labels))[::-1]
    colours = [dark if (highlight is None or name == highlight) else grey for name in labels]
    ax.barh(y, np.nan_to_num(values), color=colours)
    for yi, v, name in zip(y, values, labels, strict=True):
        text = "[c]" if np.isnan(v) else fmt(v)
        weight = "bold" if name == highlight else "normal"
        ax.text(np.nan_to_num(v), yi, f" {text}", va="center", fontweight=weight)
    ax.set_yticks(y, [f"{n} (highlighted)" if n == highlight else n for n in labels])
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    if reference is not None:
        ax.axvline(reference, color="#3D3D3D", linestyle="--", linewidth=1.5)
        ax.text(
            reference, len(labels) - 0.4, f" {reference_label} {fmt(reference)}", color="#3D3D3D"
        )
    ax.set_xlim(right=np.nanmax(np.r_[values, reference or 0, 1]) * 1.18)
    listed = "; ".join(
        f"{n} {('[c]' if np.isnan(v) else fmt(v))}" for n, v in zip(labels, values, strict=True)
    )
    alt = f"Bar chart of {what}{', highest first' if ranked else ''}: {listed}."
    if reference is not None:
        alt += f" A dashed line marks {reference_label} ({fmt(reference)})."
    return Chart(_finish(fig), alt)


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
    )
