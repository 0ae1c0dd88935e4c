"""Kaplan-Meier estimates for times with censoring (open cases, mothers not yet returned)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def kaplan_meier(time, event, confidence: float = 0.95) -> pd.DataFrame:
    """Survival curve: one row per distinct event time, with numbers at risk and events.

    ``time`` is the follow-up time; ``event`` is True where the event happened at that
    time and False where the record was censored then (events come before censorings
    at a tied time, as usual). Columns ``time``, ``at_risk``, ``events``, ``survival``,
    ``std_err`` (Greenwood) and ``lower``, ``upper`` (pointwise interval, log-log).

    Notes
    -----
    S(t) = prod over event times t_i <= t of (1 - d_i / n_i). Greenwood's variance is
    ``S(t)**2 * sum(d_i / (n_i (n_i - d_i)))``; the interval is
    ``S(t) ** exp(+/- z sqrt(v))`` with ``v = sum(d_i / (n_i (n_i - d_i))) / log(S(t))**2``
    (Kalbfleisch and Prentice), which stays within 0 and 1; R's ``survfit`` default is the
    log scale, lifelines' the log-log one, as here. Where S(t) is 0 both limits are 0.

    References
    ----------
    Kaplan EL, Meier P (1958). Nonparametric estimation from incomplete observations. JASA
    53:457-481.
    Greenwood M (1926). The natural duration of cancer. Reports on Public Health and Medical
    Subjects 33, HMSO.
    Kalbfleisch JD, Prentice RL (2002). The Statistical Analysis of Failure Time Data, 2nd ed.,
    section 1.4.
    """
    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=bool)
    if len(time) == 0:
        return pd.DataFrame(
            {
                "time": [0.0],
                "at_risk": [0],
                "events": [0],
                "survival": [1.0],
                "std_err": [0.0],
                "lower": [1.0],
                "upper": [1.0],
            }
        )
    times, inverse = np.unique(time, return_inverse=True)
    events = np.bincount(inverse, weights=event, minlength=len(times))
    leaving = np.bincount(inverse, minlength=len(times))
    at_risk = len(time) - np.concatenate([[0], np.cumsum(leaving)[:-1]])
    keep = events > 0
    d, n = events[keep], at_risk[keep]
    survival = np.cumprod(1 - d / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(d / (n * (n - d)))
        std_err = np.where(survival > 0, survival * np.sqrt(greenwood), 0.0)
        z = stats.norm.ppf(0.5 + confidence / 2)
        log_s = np.log(survival)
        spread = z * np.sqrt(greenwood) / np.abs(log_s)
        lower = np.where(survival > 0, survival ** np.exp(spread), 0.0)
        upper = np.where(survival > 0, survival ** np.exp(-spread), 0.0)
    return pd.DataFrame(
        {
            "time": np.r_[0.0, times[keep]],
            "at_risk": np.r_[len(time), n].astype(int),
            "events": np.r_[0, d].astype(int),
            "survival": np.r_[1.0, survival],
            "std_err": np.r_[0.0, std_err],
            "lower": np.r_[1.0, lower],
            "upper": np.r_[1.0, upper],
        }
    )


def survival_at(curve: pd.DataFrame, t: float) -> float:
    """S(t): the share still without the event at time t (step function, right-continuous)."""
    index = np.searchsorted(curve["time"].to_numpy(), t, side="right") - 1
    return float(curve["survival"].to_numpy()[index])


def _first_time_at_or_below(curve: pd.DataFrame, column: str, level: float) -> float:
    reached = curve["time"][curve[column] <= level + 1e-12]
    return float(reached.iloc[0]) if len(reached) else float("nan")


def quantile_time(curve: pd.DataFrame, q: float) -> float:
    """The first time by which a share q has had the event (NaN if never reached)."""
    return _first_time_at_or_below(curve, "survival", 1 - q)


def quantile_time_ci(curve: pd.DataFrame, q: float = 0.5) -> tuple[float, float]:
    """Interval for the time by which a share q has had the event (q = 0.5: the median).

    The times at which the pointwise log-log interval of :func:`kaplan_meier` contains
    1 - q: from the first time its lower limit reaches 1 - q to the first time its upper
    limit does; an upper limit never reached is NaN (not estimable). This inverts the
    pointwise test of S(t) = 1 - q, as statsmodels' ``SurvfuncRight.quantile_ci`` does.

    References
    ----------
    Brookmeyer R, Crowley J (1982). A confidence interval for the median survival time.
    Biometrics 38:29-41.
    """
    return (
        _first_time_at_or_below(curve, "lower", 1 - q),
        _first_time_at_or_below(curve, "upper", 1 - q),
    )
