"""Rates per 10,000 with confidence intervals, Wilson proportions and funnel-plot comparison.

Methods as in public-health indicator practice (e.g. the Public Health England technical
guidance): Byar's approximation to the Poisson interval for counts of 10 or more, the
exact Poisson interval (chi-squared) below that; Wilson score intervals for proportions;
funnel-plot control limits from the exact Poisson distribution around the national rate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

PER = 10_000
BYAR_FROM = 10


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2))


def exact_poisson_ci(count, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for a Poisson count, from the chi-squared distribution."""
    count = np.asarray(count, dtype=float)
    alpha = 1 - confidence
    lower = np.where(count > 0, stats.chi2.ppf(alpha / 2, 2 * count) / 2, 0.0)
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return lower, upper


def byar_ci(count, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximation to the exact Poisson interval (for counts of 10 or more)."""
    o = np.asarray(count, dtype=float)
    z = _z(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    return np.where(o > 0, lower, 0.0), upper


def count_ci(count, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Interval for a count: Byar from 10 on, exact below; and the method used for each."""
    count = np.asarray(count, dtype=float)
    b_low, b_high = byar_ci(count, confidence)
    e_low, e_high = exact_poisson_ci(count, confidence)
    byar = count >= BYAR_FROM
    method = np.where(byar, "Byar", "exact Poisson")
    return np.where(byar, b_low, e_low), np.where(byar, b_high, e_high), method


def rate_per_10k(count, population, confidence: float = 0.95) -> pd.DataFrame:
    """Rate per 10,000 with its interval and method, one row per count."""
    count = np.asarray(count, dtype=float)
    population = np.asarray(population, dtype=float)
    low, high, method = count_ci(count, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(population > 0, PER / population, np.nan)
    return pd.DataFrame(
        {
            "rate": count * scale,
            "rate_lower": low * scale,
            "rate_upper": high * scale,
            "ci_method": method,
        }
    )


def wilson_ci(successes, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion (0-1); NaN where n is 0."""
    x = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    z = _z(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return np.where(n > 0, centre - half, np.nan), np.where(n > 0, centre + half, np.nan)


def funnel_limits(expected, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Control limits for an observed count given the count expected at the national rate."""
    expected = np.asarray(expected, dtype=float)
    alpha = 1 - confidence
    low = stats.poisson.ppf(alpha / 2, expected)
    high = stats.poisson.ppf(1 - alpha / 2, expected)
    return low, high


def compare_with_national(
    count,
    population,
    national_rate: float,
    lower,
    upper,
    national_lower: float,
    national_upper: float,
) -> pd.DataFrame:
    """Higher / similar / lower than the national rate, by funnel limits and by CI overlap.

    ``comparison`` uses the 95% funnel limits; ``comparison_998`` the 99.8% limits (a
    stronger signal); ``overlap`` whether the two confidence intervals overlap.
    """
    count = np.asarray(count, dtype=float)
    expected = national_rate * np.asarray(population, dtype=float) / PER
    out = {}
    for name, level in (("comparison", 0.95), ("comparison_998", 0.998)):
        low, high = funnel_limits(expected, level)
        out[name] = np.select([count > high, count < low], ["higher", "lower"], "similar")
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    overlap = (lower <= national_upper) & (upper >= national_lower)
    out["overlap"] = np.where(
        overlap, "overlap", np.where(lower > national_upper, "higher", "lower")
    )
    return pd.DataFrame(out)
