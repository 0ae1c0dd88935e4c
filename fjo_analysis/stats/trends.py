"""Trends in yearly counts: a quasi-Poisson GLM with a log-population offset.

Counts of children are over-dispersed (sibling groups, and year-to-year variation beyond
chance). A negative binomial chosen after a Pearson pre-test on a handful of degrees of
freedom has no power and its dispersion estimate collapses to 0; quasi-Poisson instead always
scales the Poisson standard errors by the dispersion, never less than 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fjo_analysis.years import years_label

MODEL = "quasi-Poisson GLM (log link, population offset)"


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
    dispersion: float = 1.0  # the scale used: max(1, Pearson estimate, known dispersion)
    df_resid: int = 0
    pearson_dispersion: float = float("nan")  # Pearson chi-squared / residual df

    @property
    def direction(self) -> str:
        if self.p_value >= 0.05:
            return "no clear trend"
        return "rising" if self.annual_change_pct > 0 else "falling"

    def table(self) -> pd.DataFrame:
        """One row for publication: estimate (% a year), 95% limits, p, model, dispersion."""
        years = years_label(self.first_year, self.last_year)
        return pd.DataFrame(
            {
                "estimate": [self.annual_change_pct],
                "lower": [self.lower_pct],
                "upper": [self.upper_pct],
                "p": [self.p_value],
                "model": [self.model],
                "dispersion": [self.dispersion],
                "years": [years],
                "df": [self.df_resid],
            }
        )


def annual_trend(
    years, counts, population, dispersion: float = 1.0, confidence: float = 0.95
) -> Trend | None:
    """Fit the trend; None where it cannot be estimated (fewer than 3 years, or no cases).

    ``dispersion`` is a dispersion known from elsewhere, e.g. sibling clustering
    (:func:`fjo_analysis.stats.rates.dispersion_from_clusters`); the larger of it and the
    Pearson estimate is used.

    Notes
    -----
    log E[count_t] = log(population_t) + a + b (year_t - first year), fitted by Poisson
    maximum likelihood; the annual change is ``exp(b) - 1``. Var(count_t) = phi E[count_t]
    with ``phi = max(1, X2 / (n - 2), dispersion)``, X2 the Pearson chi-squared. Standard
    errors are the Poisson ones times sqrt(phi), and the interval and p-value use Student's
    t on n - 2 degrees of freedom, as R's ``summary.glm`` does for quasi families
    (statsmodels: ``GLM(...).fit(scale=phi, use_t=True)``). Flooring phi at 1 keeps the
    interval from being narrower than Poisson when a short series happens to look smooth.

    References
    ----------
    McCullagh P, Nelder JA (1989). Generalized Linear Models, 2nd ed., sections 6.2 and 9.2.
    Wedderburn RWM (1974). Quasi-likelihood functions, generalized linear models, and the
    Gauss-Newton method. Biometrika 61:439-447.
    Ver Hoef JM, Boveng PL (2007). Quasi-Poisson vs. negative binomial regression. Ecology
    88:2766-2772.
    """
    import statsmodels.api as sm  # slow to import: only briefings with a trend pay for it

    years = np.asarray(years, dtype=float)
    counts = np.asarray(counts, dtype=float)
    population = np.asarray(population, dtype=float)
    keep = np.isfinite(counts) & (population > 0)
    years, counts, population = years[keep], counts[keep], population[keep]
    known = float(dispersion)
    if not np.isfinite(known) or known <= 0:
        raise ValueError(f"`dispersion` must be finite and positive, got {dispersion!r}")
    if len(years) < 3 or counts.sum() == 0:
        return None
    exog = sm.add_constant(years - years.min())
    model = sm.GLM(counts, exog, family=sm.families.Poisson(), offset=np.log(population))
    poisson = model.fit()
    df_resid = int(poisson.df_resid)
    pearson = float(poisson.pearson_chi2 / df_resid)
    phi = max(1.0, pearson, known)
    if phi == 1.0:
        reason = f"dispersion 1 (Pearson estimate {pearson:.2f}, never taken below 1)"
    elif phi == pearson:
        reason = f"dispersion {phi:.2f}: Pearson chi-squared / {df_resid} df"
    else:
        reason = (
            f"dispersion {phi:.2f} from sibling clustering "
            f"(larger than the Pearson estimate {pearson:.2f})"
        )
    slope = float(poisson.params[1])
    se = float(poisson.bse[1]) * np.sqrt(phi)
    from scipy import stats  # here: every page's text reads a Trend, few fit one

    t = stats.t.ppf(0.5 + confidence / 2, df_resid)
    p_value = float(2 * stats.t.sf(abs(slope / se), df_resid))
    as_pct = lambda b: float(np.expm1(b) * 100)  # noqa: E731
    return Trend(
        as_pct(slope),
        as_pct(slope - t * se),
        as_pct(slope + t * se),
        p_value,
        MODEL,
        reason,
        int(years.min()),
        int(years.max()),
        dispersion=phi,
        df_resid=df_resid,
        pearson_dispersion=pearson,
    )
