"""Trends in yearly counts: Poisson GLM with a log-population offset, or negative binomial.

The Poisson model is used unless the data are over-dispersed (Pearson chi-squared over
residual degrees of freedom above 1.5), when a negative binomial model with its
dispersion estimated by maximum likelihood is fitted instead; the result says which and why.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

OVERDISPERSION = 1.5


@dataclass(frozen=True)
class Trend:
    """Annual percentage change in the rate, with its interval and the test for trend."""

    annual_change_pct: float
    lower_pct: float
    upper_pct: float
    p_value: float
    model: str
    reason: str
    first_year: int
    last_year: int

    @property
    def direction(self) -> str:
        if self.p_value >= 0.05:
            return "no clear trend"
        return "rising" if self.annual_change_pct > 0 else "falling"


def annual_trend(years, counts, population) -> Trend | None:
    """Fit the trend; None where it cannot be estimated (fewer than 3 years, or no cases)."""
    import statsmodels.api as sm  # slow to import: only briefings with a trend pay for it

    years = np.asarray(years, dtype=float)
    counts = np.asarray(counts, dtype=float)
    population = np.asarray(population, dtype=float)
    if len(years) < 3 or counts.sum() == 0:
        return None
    exog = sm.add_constant(years - years.min())
    offset = np.log(population)
    poisson = sm.GLM(counts, exog, family=sm.families.Poisson(), offset=offset).fit()
    dispersion = poisson.pearson_chi2 / poisson.df_resid
    model, reason, fit = "Poisson GLM", f"dispersion {dispersion:.2f} (not over-dispersed)", poisson
    if dispersion > OVERDISPERSION:
        start = np.r_[poisson.params, 0.01]
        nb = sm.NegativeBinomial(counts, exog, offset=offset).fit(
            start_params=start, method="bfgs", maxiter=2000, disp=0
        )
        model = "negative binomial"
        reason = f"dispersion {dispersion:.2f} > {OVERDISPERSION} (over-dispersed)"
        fit = nb
    slope = fit.params[1]
    low, high = fit.conf_int()[1]
    as_pct = lambda b: float((np.exp(b) - 1) * 100)  # noqa: E731
    return Trend(
        as_pct(slope),
        as_pct(low),
        as_pct(high),
        float(fit.pvalues[1]),
        model,
        reason,
        int(years.min()),
        int(years.max()),
    )
