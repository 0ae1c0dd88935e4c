"""Funnel plots: an area's count against the count expected at a reference rate it is part of.

Areas differ by more than Poisson chance (regions show chi-squared/df in the hundreds), so
plain Poisson limits flag most areas. Spiegelhalter (2005) estimates the over-dispersion from
the areas' own z-scores, either as a multiplicative factor phi or as an additive
between-area variance tau^2, and widens the limits by it. We follow the NHS Summary
Hospital-level Mortality Indicator in working on the square-root scale, winsorising 10% of
z-scores at each end and preferring the additive (random-effects) version.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from fjo_analysis.stats import HIGHER, LOWER, NOT_SIGNIFICANT

SCALES = ("sqrt", "log", "rate")
WINSORISE = 0.10


def _check_scale(scale: str) -> None:
    if scale not in SCALES:
        raise ValueError(f"`scale` must be one of {SCALES}, got {scale!r}")


def _weights(expected: np.ndarray, scale: str) -> np.ndarray:
    """1 / s^2: the precision of the transformed ratio O/E under the null (target 1)."""
    return 4 * expected if scale == "sqrt" else expected


def _transformed(observed: np.ndarray, expected: np.ndarray, scale: str) -> np.ndarray:
    ratio = observed / expected
    if scale == "sqrt":
        return np.sqrt(ratio)
    if scale == "log":
        return np.log(ratio)
    return ratio


def _target(scale: str) -> float:
    return 0.0 if scale == "log" else 1.0


def funnel_z_scores(observed, expected, scale: str = "sqrt") -> np.ndarray:
    """Standardised z-scores of observed against expected counts under Poisson variation.

    On the square-root scale ``z = 2 (sqrt(O) - sqrt(E))``; on the log scale
    ``z = log(O / E) sqrt(E)``; on the rate scale ``z = (O - E) / sqrt(E)`` (Pearson).
    """
    _check_scale(scale)
    observed = np.asarray(observed, dtype=float)
    expected = np.asarray(expected, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = _transformed(observed, expected, scale)
        return (y - _target(scale)) * np.sqrt(_weights(expected, scale))


@dataclass(frozen=True)
class Overdispersion:
    """Spiegelhalter's estimates of over-dispersion among areas for one measure and year."""

    phi: float  # multiplicative factor: mean of squared (winsorised) z-scores
    tau2: float  # additive between-area variance on the transformed scale (0 if none)
    n_areas: int
    p_value: float  # test of no over-dispersion: n_areas * phi against chi-squared(n_areas)
    scale: str

    @property
    def overdispersed(self) -> bool:
        return self.p_value < 0.05


def funnel_overdispersion(
    observed, expected, scale: str = "sqrt", winsorise: float = WINSORISE
) -> Overdispersion:
    """Estimate over-dispersion among areas (multiplicative phi and additive tau^2).

    ``observed`` and ``expected`` are counts for the areas compared (one year); areas with
    no expected count are ignored.

    Notes
    -----
    z-scores (:func:`funnel_z_scores`) are winsorised: those below the ``winsorise``
    quantile (numpy's linear interpolation) are set to it, likewise above ``1 - winsorise``.
    With I areas,

    - multiplicative: ``phi = sum(z_w**2) / I``; I phi is compared with chi-squared on I
      degrees of freedom;
    - additive (random effects, DerSimonian-Laird moment estimator):
      ``tau2 = max(0, (I phi - (I - 1)) / (sum(w) - sum(w**2) / sum(w)))`` with
      ``w = 1 / s**2`` the precision of the transformed ratio O/E (4E on the square-root
      scale, E on the log and rate scales).

    The square-root scale is the default because it stabilises Poisson variance and allows
    zero counts; the log scale drops areas with no events.

    Winsorising guards against a few divergent areas inflating phi, but it also shrinks phi
    when there are none: for normally distributed z-scores the 10% winsorised mean square
    is about 0.68 of the true one. In our simulation of 150 areas with log-normal
    between-area variation the additive 95% limits then flag about 12% of areas (5% with
    ``winsorise=0``, 51% with plain Poisson limits). Pass ``winsorise=0`` for the plain
    moment estimator.

    References
    ----------
    Spiegelhalter DJ (2005). Handling over-dispersion of performance indicators. Quality and
    Safety in Health Care 14:347-351.
    Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance.
    Statistics in Medicine 24:1185-1202.
    DerSimonian R, Laird N (1986). Meta-analysis in clinical trials. Controlled Clinical
    Trials 7:177-188.
    NHS Digital. Summary Hospital-level Mortality Indicator (SHMI) methodology.
    """
    _check_scale(scale)
    observed = np.asarray(observed, dtype=float)
    expected = np.asarray(expected, dtype=float)
    keep = np.isfinite(observed) & np.isfinite(expected) & (expected > 0)
    if scale == "log":
        keep &= observed > 0
    z = funnel_z_scores(observed[keep], expected[keep], scale)
    areas = int(keep.sum())
    if areas < 2:
        return Overdispersion(float("nan"), float("nan"), areas, float("nan"), scale)
    low, high = np.quantile(z, [winsorise, 1 - winsorise])
    z_w = np.clip(z, low, high)
    phi = float(np.mean(z_w**2))
    w = _weights(expected[keep], scale)
    tau2 = max(0.0, (areas * phi - (areas - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    p_value = float(stats.chi2.sf(areas * phi, areas))
    return Overdispersion(phi, float(tau2), areas, p_value, scale)


def funnel_limits(
    expected, confidence: float, phi=1.0, tau2=0.0, scale: str = "sqrt"
) -> tuple[np.ndarray, np.ndarray]:
    """Control limits (lower, upper) for an observed count, given the count expected.

    Notes
    -----
    With no adjustment (``phi`` at most 1 and ``tau2`` 0) the limits are the exact Poisson
    quantiles around ``expected``. Otherwise they are normal limits on the transformed scale,
    mapped back to counts: ``target +/- z sqrt(phi s^2)`` (multiplicative) or
    ``target +/- z sqrt(s^2 + tau2)`` (additive), s^2 = 1 / w (see
    :func:`funnel_overdispersion`); on the square-root scale the upper count limit is
    ``E (1 + z sqrt(1 / (4E) + tau2))**2``. A lower limit below 0 is 0. Give phi or tau2,
    not both. ``phi`` below 1 is treated as 1 (no adjustment), as Spiegelhalter advises
    when there is no evidence of over-dispersion.

    References
    ----------
    Spiegelhalter DJ (2005). Handling over-dispersion of performance indicators. Quality and
    Safety in Health Care 14:347-351.
    """
    _check_scale(scale)
    expected = np.asarray(expected, dtype=float)
    phi = float(phi)
    tau2 = float(tau2)
    if phi > 1 and tau2 > 0:
        raise ValueError("give `phi` (multiplicative) or `tau2` (additive), not both")
    alpha = 1 - confidence
    if phi <= 1 and tau2 <= 0:
        return stats.poisson.ppf(alpha / 2, expected), stats.poisson.ppf(1 - alpha / 2, expected)
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.sqrt(max(phi, 1.0) / _weights(expected, scale) + tau2)
    if scale == "sqrt":
        low = expected * np.clip(1 - z * sd, 0, None) ** 2
        high = expected * (1 + z * sd) ** 2
    elif scale == "log":
        low, high = expected * np.exp(-z * sd), expected * np.exp(z * sd)
    else:
        low = expected * np.clip(1 - z * sd, 0, None)
        high = expected * (1 + z * sd)
    return low, high


def compare_with_reference(
    observed,
    expected,
    phi=1.0,
    tau2=0.0,
    scale: str = "sqrt",
    levels: tuple[float, float] = (0.95, 0.998),
) -> pd.DataFrame:
    """Each area against a reference rate it is part of, by (adjusted) funnel limits.

    ``expected`` is the reference rate times the area's population. Columns:
    ``expected``, ``lower_95``, ``upper_95``, ``lower_998``, ``upper_998``, ``comparison``
    (95% limits) and ``comparison_998`` (99.8%): "higher", "lower" or "not significantly
    different from" (missing where nothing is expected); ``method`` names the adjustment.
    Pass ``phi`` or ``tau2`` from :func:`funnel_overdispersion` (e.g. ``tau2=od.tau2`` for
    the additive version), estimated on the same ``scale``.
    """
    observed = np.atleast_1d(np.asarray(observed, dtype=float))
    expected = np.array(np.broadcast_to(np.asarray(expected, dtype=float), observed.shape))
    out: dict[str, object] = {"expected": expected}
    verdicts: dict[str, object] = {}
    for i, level in enumerate(levels):
        low, high = funnel_limits(expected, level, phi=phi, tau2=tau2, scale=scale)
        tag = f"{level * 100:g}".replace(".", "")
        out[f"lower_{tag}"] = low
        out[f"upper_{tag}"] = high
        verdict = np.select(
            [observed > high, observed < low], [HIGHER, LOWER], NOT_SIGNIFICANT
        ).astype(object)
        verdict[~(expected > 0) | ~np.isfinite(observed)] = None  # no population, no verdict
        verdicts["comparison" if i == 0 else f"comparison_{tag}"] = verdict
    out.update(verdicts)
    if float(tau2) > 0:
        method = f"funnel limits, additive over-dispersion (tau2 {float(tau2):.3g}, {scale} scale)"
    elif float(phi) > 1:
        method = f"funnel limits, multiplicative over-dispersion (phi {float(phi):.2f})"
    else:
        method = "exact Poisson funnel limits"
    out["method"] = method
    return pd.DataFrame(out)
