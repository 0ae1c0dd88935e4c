"""Ranks of areas by rate, only ever with their uncertainty (rank intervals)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fjo_analysis.stats.rates import PER, _dispersion

DRAWS = 4000
SEED = 1996


def rank_intervals(
    count,
    population,
    confidence: float = 0.95,
    dispersion=1.0,
    draws: int = DRAWS,
    seed: int = SEED,
) -> pd.DataFrame:
    """Each area's rank by rate (1 = highest) with an interval for that rank.

    Columns ``rate`` (per 10,000), ``rank``, ``rank_lower``, ``rank_upper``, and
    ``p_top`` (the share of simulations in which the area ranks first). Areas without a
    population get no rank (NaN) and are not ranked against. Rank only separate areas: not
    an area among its own parts (England among its regions).

    Notes
    -----
    Each area's rate is simulated from the Jeffreys posterior of a quasi-Poisson rate,
    ``Gamma(count / phi + 1/2) * phi / population`` (phi = ``dispersion``, floored at 1,
    scalar or one per area), independently across areas; the areas are ranked in every
    draw and the interval is the central ``confidence`` range of each area's ranks
    (lower quantile rounded down, upper rounded up). Ties in the observed rates take the
    best rank. The draws use a fixed ``seed``, so the table is reproducible.

    References
    ----------
    Goldstein H, Spiegelhalter DJ (1996). League tables and their limitations: statistical
    issues in comparisons of institutional performance. JRSS A 159:385-443.
    Marshall EC, Spiegelhalter DJ (1998). Reliability of league tables of in vitro
    fertilisation clinics: retrospective analysis of live birth rates. BMJ 316:1701-1705.
    """
    count = np.atleast_1d(np.asarray(count, dtype=float))
    population = np.broadcast_to(np.asarray(population, dtype=float), count.shape)
    phi = np.broadcast_to(_dispersion(dispersion), count.shape)
    valid = (population > 0) & np.isfinite(count)
    rate = np.where(valid, count / np.where(valid, population, 1) * PER, np.nan)
    out = pd.DataFrame(
        {
            "rate": rate,
            "rank": np.nan,
            "rank_lower": np.nan,
            "rank_upper": np.nan,
            "p_top": np.nan,
        }
    )
    if not valid.any():
        return out
    c, pop, f = count[valid], population[valid], phi[valid]
    rng = np.random.default_rng(seed)
    simulated = rng.gamma(c / f + 0.5, size=(draws, len(c))) * f / pop
    # rank 1 = highest: the number of areas with a higher rate, plus one
    order = np.argsort(-simulated, axis=1)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, len(c) + 1), axis=1)
    alpha = 1 - confidence
    observed = rate[valid]
    out.loc[valid, "rank"] = 1 + (observed[None, :] > observed[:, None]).sum(axis=1)
    out.loc[valid, "rank_lower"] = np.floor(np.quantile(ranks, alpha / 2, axis=0))
    out.loc[valid, "rank_upper"] = np.ceil(np.quantile(ranks, 1 - alpha / 2, axis=0))
    out.loc[valid, "p_top"] = (ranks == 1).mean(axis=0)
    return out
