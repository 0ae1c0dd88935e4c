"""Kaplan-Meier curves, Greenwood errors and quantile intervals, by hand and via statsmodels."""

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight

from fjo_analysis.stats.survival import kaplan_meier, quantile_time, quantile_time_ci, survival_at

Z = stats.norm.ppf(0.975)
# statsmodels takes log(0) where the curve reaches 0; harmless, and not our code
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning:statsmodels.duration.survfunc")


def test_kaplan_meier_by_hand():
    # times 2, 3+, 4, 4, 5+, 6 (+ = censored)
    curve = kaplan_meier([2, 3, 4, 4, 5, 6], [1, 0, 1, 1, 0, 1])
    # S(2) = 5/6; S(4) = 5/6 * (1 - 2/4) = 5/12; S(6) = 5/12 * (1 - 1/1) = 0
    assert curve.time.tolist() == [0, 2, 4, 6]
    assert curve.at_risk.tolist() == [6, 6, 4, 1]
    assert curve.survival.tolist() == pytest.approx([1, 5 / 6, 5 / 12, 0])
    assert survival_at(curve, 3.9) == pytest.approx(5 / 6)
    assert quantile_time(curve, 0.5) == 4


def test_greenwood_and_log_log_interval_by_hand():
    curve = kaplan_meier([2, 3, 4, 4, 5, 6], [1, 0, 1, 1, 0, 1])
    # Greenwood sums: 1/(6*5) at t=2, then + 2/(4*2) at t=4
    g2, g4 = 1 / 30, 1 / 30 + 1 / 4
    assert curve.std_err.tolist() == pytest.approx(
        [0, 5 / 6 * math.sqrt(g2), 5 / 12 * math.sqrt(g4), 0]
    )
    for row, s, g in ((1, 5 / 6, g2), (2, 5 / 12, g4)):
        spread = Z * math.sqrt(g) / abs(math.log(s))
        assert curve.lower[row] == pytest.approx(s ** math.exp(spread))
        assert curve.upper[row] == pytest.approx(s ** math.exp(-spread))
    assert (curve.lower[3], curve.upper[3]) == (0, 0)  # S = 0: no spread
    # lower limit 0.27 at t=2, upper 0.77 at t=4 and 0 at t=6: median 4 (2 to 6)
    assert quantile_time_ci(curve, 0.5) == (2, 6)


def simulated(seed):
    rng = np.random.default_rng(seed)
    weeks = np.round(rng.gamma(4, 9, 300))  # weeks to disposal
    censor = np.round(rng.uniform(0, 90, 300))  # open at the extract date
    return np.minimum(weeks, censor), weeks <= censor


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_curve_and_greenwood_match_statsmodels(seed):
    time, event = simulated(seed)
    reference = SurvfuncRight(time, event)
    curve = kaplan_meier(time, event)
    assert curve.time[1:].tolist() == reference.surv_times.tolist()
    assert curve.survival[1:].to_numpy() == pytest.approx(reference.surv_prob)
    # where S reaches 0 statsmodels gives NaN, we give 0
    defined = np.isfinite(reference.surv_prob_se)
    assert curve.std_err[1:].to_numpy()[defined] == pytest.approx(reference.surv_prob_se[defined])
    assert (curve.std_err[1:].to_numpy()[~defined] == 0).all()


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("q", [0.25, 0.5, 0.75])
def test_quantile_and_interval_match_statsmodels(seed, q):
    time, event = simulated(seed)
    reference = SurvfuncRight(time, event)
    curve = kaplan_meier(time, event)
    assert quantile_time(curve, q) == reference.quantile(q)
    low, high = reference.quantile_ci(q, alpha=0.05, method="cloglog")
    assert quantile_time_ci(curve, q) == (pytest.approx(low), pytest.approx(high))


def test_kaplan_meier_all_open_and_empty():
    curve = kaplan_meier([10, 20], [False, False])
    assert survival_at(curve, 100) == 1 and math.isnan(quantile_time(curve, 0.5))
    assert all(math.isnan(v) for v in quantile_time_ci(curve, 0.5))
    assert survival_at(kaplan_meier([], []), 5) == 1
