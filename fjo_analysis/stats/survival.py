"""Kaplan-Meier estimates for times with censoring (open cases, mothers not yet returned)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def kaplan_meier(time, event) -> pd.DataFrame:
    """Survival curve: one row per distinct event time, with numbers at risk and events.

    ``time`` is the follow-up time; ``event`` is True where the event happened at that
    time and False where the record was censored then (events come before censorings
    at a tied time, as usual).
    """
    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=bool)
    if len(time) == 0:
        return pd.DataFrame({"time": [0.0], "at_risk": [0], "events": [0], "survival": [1.0]})
    times, inverse = np.unique(time, return_inverse=True)
    events = np.bincount(inverse, weights=event, minlength=len(times))
    leaving = np.bincount(inverse, minlength=len(times))
    at_risk = len(time) - np.concatenate([[0], np.cumsum(leaving)[:-1]])
    keep = events > 0
    survival = np.cumprod(1 - events[keep] / at_risk[keep])
    return pd.DataFrame(
        {
            "time": np.r_[0.0, times[keep]],
            "at_risk": np.r_[len(time), at_risk[keep]].astype(int),
            "events": np.r_[0, events[keep]].astype(int),
            "survival": np.r_[1.0, survival],
        }
    )


def survival_at(curve: pd.DataFrame, t: float) -> float:
    """S(t): the share still without the event at time t (step function, right-continuous)."""
    index = np.searchsorted(curve["time"].to_numpy(), t, side="right") - 1
    return float(curve["survival"].to_numpy()[index])


def quantile_time(curve: pd.DataFrame, q: float) -> float:
    """The first time by which a share q has had the event (NaN if never reached)."""
    reached = curve["time"][curve["survival"] <= 1 - q + 1e-12]
    return float(reached.iloc[0]) if len(reached) else float("nan")
