"""The funnel plot of a local profile: every authority of a country against its rate.

Drawn in the style of :mod:`fjo_analysis.charts` from published figures only: each
authority's published rate and denominator, the country's rate over the same years, and
the over-dispersion (``funnel_tau2``) the store estimated from the authorities' published
counts. Suppressed authorities are left out. The highlighted authority is marked by shape
and label as well as colour, and the alt text says where it falls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from afcharts.af_colours import get_af_colours

from fjo_analysis import language
from fjo_analysis.charts import Chart, _figure, _finish, is_synthetic
from fjo_analysis.disclosure import numbers
from fjo_analysis.i18n import N_, _, current, forms
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
) -> Funnel:
    """Funnel plot of ``authorities`` (columns ``area``, ``rate`` and ``denominator``)."""
    rates = numbers(authorities["rate"])
    people = authorities[denominator].to_numpy(dtype=float)
    shown = ~np.isnan(rates) & (people > 0)
    names = authorities["area"].to_numpy()
    dark, grey = get_af_colours("focus")
    synthetic = is_synthetic(authorities)
    fig, ax = _figure(5.5, synthetic)
    # names as the reader's language writes them (the table's stay as published)
    shown_name, country_name = current().value(highlight), current().value(country)
    grid = np.linspace(np.nanmin(people[shown]) * 0.8, np.nanmax(people[shown]) * 1.05, 200)
    for level, style in zip(LEVELS, ("--", ":"), strict=True):
        low, high = limits(reference, grid, tau2, level)
        label = _("{level}% limits").format(level=f"{level * 100:g}")
        ax.plot(grid, high, style, color="#3D3D3D", linewidth=1.2, label=label)
        ax.plot(grid, low, style, color="#3D3D3D", linewidth=1.2)
    ax.axhline(reference, color="#3D3D3D", linewidth=1)
    ax.text(grid[-1], reference, f" {country_name} {language.number(reference)}", va="bottom")
    others = shown & (names != highlight)
    others_label = _("Other authorities")
    ax.scatter(people[others] / 1000, rates[others], color=grey, s=22, label=others_label)
    ax.set_xscale("linear")
    here = shown & (names == highlight)
    where = N_("not shown because its rate is suppressed")
    if here.any():
        i = int(np.flatnonzero(here)[0])
        where = where_it_falls(rates[i], people[i], reference, tau2)
        ax.scatter(
            [people[i] / 1000], [rates[i]], color=dark, marker="D", s=90, zorder=3, label=shown_name
        )
        ax.annotate(
            f"{shown_name} {language.number(rates[i])}",
            (people[i] / 1000, rates[i]),
            xytext=(8, 8),
            textcoords="offset points",
            fontweight="bold",
        )
    for line in ax.get_lines():  # the limits were drawn against people, not thousands
        x = line.get_xdata()
        if len(x) == len(grid):
            line.set_xdata(np.asarray(x) / 1000)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(_("Per 10,000"))
    ax.legend(loc="upper right", frameon=False)
    alt = _(
        "Funnel plot of {what} for {n} authorities of {country}, against "
        "their size, with {country}'s rate ({rate}) and 95% and "
        "99.8% limits widened for the variation between authorities. "
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
