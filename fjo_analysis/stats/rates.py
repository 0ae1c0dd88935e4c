"""Rates per 10,000 and proportions with intervals that allow for siblings, and comparisons.

Counts of children are over-dispersed: children come to court in sibling groups, so a count
of children varies about twice as much as a Poisson count would. Every interval here takes a
``dispersion`` (or ``design_effect``) that widens it as quasi-Poisson does; with the default 1
the intervals are the usual public-health ones (Byar from 10 on, exact Poisson below; Wilson).

Two observed rates (England with Wales) are compared by :func:`compare_rates`, a two-sample
exact conditional test; an area against a reference it is part of by funnel limits
(:mod:`fjo_analysis.stats.funnel`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from fjo_analysis.stats import HIGHER, LOWER, NOT_SIGNIFICANT

PER = 10_000
BYAR_FROM = 10


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2))


def _dispersion(value, name: str = "dispersion") -> np.ndarray:
    """A variance-inflation factor as an array, floored at 1 (never narrower than Poisson)."""
    value = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(value)) or np.any(value <= 0):
        raise ValueError(f"`{name}` must be finite and positive, got {value!r}")
    return np.maximum(value, 1.0)


def exact_poisson_ci(count, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for a Poisson count, from the chi-squared distribution.

    Notes
    -----
    ``lower = chi2.ppf(alpha/2, 2x) / 2`` and ``upper = chi2.ppf(1 - alpha/2, 2x + 2) / 2``.
    The formula is continuous in ``x``, so it also serves a non-integer effective count
    (a count divided by its dispersion).

    References
    ----------
    Garwood F (1936). Fiducial limits for the Poisson distribution. Biometrika 28:437-442.
    """
    count = np.asarray(count, dtype=float)
    alpha = 1 - confidence
    with np.errstate(invalid="ignore"):
        lower = np.where(count > 0, stats.chi2.ppf(alpha / 2, 2 * count) / 2, 0.0)
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return lower, upper


def byar_ci(count, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximation to the exact Poisson interval (for counts of 10 or more).

    References
    ----------
    Breslow NE, Day NE (1987). Statistical Methods in Cancer Research, vol. II, p. 69.
    Public Health England (2018). Technical Guide: Confidence Intervals.
    """
    o = np.asarray(count, dtype=float)
    z = _z(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    return np.where(o > 0, lower, 0.0), upper


def count_ci(
    count, confidence: float = 0.95, dispersion=1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Interval for a count, and the method used for each: Byar from 10 on, exact below.

    Notes
    -----
    With ``dispersion`` phi > 1 the interval is the quasi-Poisson one: the Poisson interval
    of the effective count ``count / phi`` (Byar where that is 10 or more), multiplied back
    by phi. Its variance is then phi times the Poisson variance, as for a count of children
    who arrive in sibling groups (see :func:`dispersion_from_clusters`). ``dispersion``
    below 1 is treated as 1.

    References
    ----------
    McCullagh P, Nelder JA (1989). Generalized Linear Models, 2nd ed., section 6.2.
    """
    count = np.asarray(count, dtype=float)
    phi = _dispersion(dispersion)
    effective = count / phi
    b_low, b_high = byar_ci(effective, confidence)
    e_low, e_high = exact_poisson_ci(effective, confidence)
    byar = effective >= BYAR_FROM
    method = np.where(byar, "Byar", "exact Poisson")
    quasi = np.broadcast_to(phi > 1, method.shape)
    if quasi.any():
        note = np.char.mod(
            " on count/dispersion (quasi-Poisson, dispersion %.2f)",
            np.broadcast_to(phi, method.shape),
        )
        method = np.where(quasi, np.char.add(method.astype(str), note), method)
    low = np.where(byar, b_low, e_low) * phi
    high = np.where(byar, b_high, e_high) * phi
    return low, high, method


def rate_per_10k(count, population, confidence: float = 0.95, dispersion=1.0) -> pd.DataFrame:
    """Rate per 10,000 with its interval and method, one row per count.

    Columns ``rate``, ``rate_lower``, ``rate_upper``, ``ci_method``; NaN where the population
    is 0. ``dispersion`` (scalar or one per row) widens the interval as in :func:`count_ci`.
    """
    count = np.atleast_1d(np.asarray(count, dtype=float))
    population = np.asarray(population, dtype=float)
    low, high, method = count_ci(count, confidence, dispersion)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(population > 0, PER / population, np.nan)
    return pd.DataFrame(
        {
            "rate": count * scale,
            "rate_lower": low * scale,
            "rate_upper": high * scale,
            "ci_method": np.array(np.broadcast_to(method, count.shape)),
        }
    )


def dispersion_from_clusters(sizes, groups=None):
    """Variance inflation of a count of children when each case brings ``sizes`` children.

    Returns ``sum(m**2) / sum(m)`` over the cases (a float), or, with ``groups`` (one label
    per case, e.g. area and year), one value per group as a Series. No cases gives 1.

    Notes
    -----
    If cases arrive as a Poisson process and case i brings m_i children, the number of
    children C = sum(m_i) is compound Poisson with Var(C) = E[N] E[m^2] while E[C] =
    E[N] E[m], so Var(C) / E(C) = E[m^2] / E[m], estimated by sum(m^2) / sum(m). It is 1
    when every case has one child and about 2 for sibling groups of 1.6-1.8 children. Used
    as ``dispersion`` in :func:`rate_per_10k`, :func:`compare_rates` and the trend model.

    References
    ----------
    Cox DR, Isham V (1980). Point Processes, section 3.2 (compound Poisson process).
    Kish L (1965). Survey Sampling, section 8.2 (design effect of cluster samples).
    """
    sizes = np.asarray(sizes, dtype=float)
    if np.any(sizes < 0) or not np.all(np.isfinite(sizes)):
        raise ValueError("`sizes` must be finite counts of children per case")
    if groups is None:
        total = sizes.sum()
        return float((sizes**2).sum() / total) if total > 0 else 1.0
    frame = pd.DataFrame({"m": sizes, "m2": sizes**2, "group": np.asarray(groups)})
    sums = frame.groupby("group", sort=True)[["m", "m2"]].sum()
    return (sums["m2"] / sums["m"].where(sums["m"] > 0)).fillna(1.0).rename("dispersion")


def design_effect_for_share(successes, sizes) -> float:
    """Design effect of a share of children, from the cases (clusters) they belong to.

    ``successes[i]`` of the ``sizes[i]`` children of case i have the characteristic. Returns
    the variance of the share allowing for clustering by case (the ratio-estimator,
    "cluster-robust" variance) over its variance under simple random sampling of children;
    1 where the share is 0 or 1 or there is one case.

    Notes
    -----
    With p = sum(y) / sum(m) over C cases, the clustered variance is
    ``C / (C - 1) * sum((y_i - p m_i)**2) / sum(m)**2`` and the simple-random-sampling
    variance ``p (1 - p) / sum(m)``. When siblings always share the outcome the design effect
    is about ``sum(m**2) / sum(m)``; when outcomes are independent within a case, about 1.

    References
    ----------
    Kish L (1965). Survey Sampling, sections 6.3 and 8.2.
    Cochran WG (1977). Sampling Techniques, 3rd ed., section 6.9 (ratio estimators).
    """
    y = np.asarray(successes, dtype=float)
    m = np.asarray(sizes, dtype=float)
    clusters, total = len(m), m.sum()
    if clusters < 2 or total <= 0:
        return 1.0
    p = y.sum() / total
    if p <= 0 or p >= 1:
        return 1.0
    clustered = clusters / (clusters - 1) * ((y - p * m) ** 2).sum() / total**2
    return float(clustered / (p * (1 - p) / total))


def wilson_ci(
    successes, n, confidence: float = 0.95, design_effect=1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion (0-1); NaN where n is 0.

    Notes
    -----
    With ``design_effect`` d > 1 (children clustered in cases) the interval is the Wilson
    interval for the effective sample: ``successes / d`` out of ``n / d``, which keeps the
    share and multiplies its variance by d. A design effect below 1 is treated as 1.

    References
    ----------
    Wilson EB (1927). Probable inference, the law of succession, and statistical inference.
    JASA 22:209-212.
    Kish L (1965). Survey Sampling, section 8.2 (effective sample size n / deff).
    """
    deff = _dispersion(design_effect, "design_effect")
    x = np.asarray(successes, dtype=float) / deff
    n = np.asarray(n, dtype=float) / deff
    z = _z(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return np.where(n > 0, centre - half, np.nan), np.where(n > 0, centre + half, np.nan)


def compare_rates(
    count1, pop1, count2, pop2, confidence: float = 0.95, dispersion=1.0
) -> pd.DataFrame:
    """Compare two observed rates (area 1 with area 2), one row per pair (e.g. per year).

    Columns: ``rate1``, ``rate2`` (per 10,000), ``rate_ratio`` (rate1 / rate2),
    ``ratio_lower``, ``ratio_upper``, ``p_value``, ``comparison`` ("higher", "lower" or
    "not significantly different from": area 1's rate compared with area 2's) and ``method``.
    Where a population is 0 or missing, the numbers are NaN and ``comparison`` is None.

    Notes
    -----
    For two separate populations (England and Wales, two regions). An area against a
    reference it is part of (a region against England) is not independent of it: use the
    funnel limits of :mod:`fjo_analysis.stats.funnel` instead.

    Both counts are random (unlike a funnel plot, where the reference is fixed). Given the
    total n = count1 + count2, count1 is binomial with probability
    pi = pop1 r1 / (pop1 r1 + pop2 r2), which is pop1 / (pop1 + pop2) when the rates are
    equal. The test is the exact conditional (binomial) test of that null; its two-sided
    p-value is twice the smaller one-sided p-value (capped at 1), the "central" p-value
    that matches the Clopper-Pearson interval for pi, which gives the interval for the rate
    ratio, ``RR = pi / (1 - pi) * pop2 / pop1``. So the verdict, the p-value and the
    interval always agree (the interval excludes 1 exactly when p < 1 - confidence), and
    swapping the two areas swaps "higher" and "lower".

    With ``dispersion`` phi > 1 (children in sibling groups, a common phi for both areas,
    scalar or one per row) both counts are divided by phi and the same test is run on the
    effective counts, through the beta-distribution form of the binomial tails, which is
    continuous in the counts: the quasi-Poisson analogue of the exact test. For large
    counts it agrees with the z-test of the log rate ratio with standard error
    ``sqrt(phi (1/count1 + 1/count2))``.

    References
    ----------
    Przyborowski J, Wilenski H (1940). Homogeneity of results in testing samples from
    Poisson series. Biometrika 31:313-323.
    Breslow NE, Day NE (1987). Statistical Methods in Cancer Research, vol. II, section 2.2.
    Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits illustrated in
    the case of the binomial. Biometrika 26:404-413.
    Gu K, Ng HKT, Tang ML, Schucany WR (2008). Testing the ratio of two Poisson rates.
    Biometrical Journal 50:283-298.
    """
    c1, n1, c2, n2 = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(v, dtype=float)) for v in (count1, pop1, count2, pop2))
    )
    phi = np.broadcast_to(_dispersion(dispersion), c1.shape)
    alpha = 1 - confidence
    valid = (n1 > 0) & (n2 > 0) & np.isfinite(c1) & np.isfinite(c2)
    x, y = c1 / phi, c2 / phi
    n = x + y
    with np.errstate(divide="ignore", invalid="ignore"):
        p0 = n1 / (n1 + n2)
        # P(X >= x) = I_p0(x, n - x + 1) and P(X <= x) = 1 - I_p0(x + 1, n - x)
        upper_tail = np.where(x > 0, stats.beta.cdf(p0, x, n - x + 1), 1.0)
        lower_tail = np.where(y > 0, stats.beta.sf(p0, x + 1, n - x), 1.0)
        p_value = np.minimum(1.0, 2 * np.minimum(upper_tail, lower_tail))
        pi_low = np.where(x > 0, stats.beta.ppf(alpha / 2, x, n - x + 1), 0.0)
        pi_high = np.where(y > 0, stats.beta.ppf(1 - alpha / 2, x + 1, n - x), 1.0)
        odds = n2 / n1
        ratio_lower = pi_low / (1 - pi_low) * odds
        ratio_upper = np.where(pi_high < 1, pi_high / (1 - pi_high) * odds, np.inf)
        rate1, rate2 = c1 / n1 * PER, c2 / n2 * PER
        ratio = np.where(n > 0, rate1 / rate2, np.nan)
    comparison = np.select(
        [2 * upper_tail < alpha, 2 * lower_tail < alpha], [HIGHER, LOWER], NOT_SIGNIFICANT
    ).astype(object)
    comparison[~valid] = None
    method = np.where(
        phi > 1,
        np.char.mod("exact conditional test on counts/dispersion (dispersion %.2f)", phi),
        "exact conditional test",
    )
    nan = lambda a: np.where(valid, a, np.nan)  # noqa: E731
    return pd.DataFrame(
        {
            "rate1": nan(rate1),
            "rate2": nan(rate2),
            "rate_ratio": nan(ratio),
            "ratio_lower": nan(ratio_lower),
            "ratio_upper": nan(ratio_upper),
            "p_value": nan(p_value),
            "comparison": comparison,
            "method": method,
        }
    )
