"""Rates, intervals and the (superseded) comparison with a national rate, against
independent computations."""

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from fjo_analysis.stats.rates import (
    byar_ci,
    count_ci,
    exact_poisson_ci,
    rate_per_10k,
    wilson_ci,
)


@pytest.mark.parametrize("o", [1, 5, 9, 10, 57, 1240])
def test_exact_poisson_matches_chi_squared(o):
    low, high = exact_poisson_ci(o)
    assert low == pytest.approx(stats.chi2.ppf(0.025, 2 * o) / 2)
    assert high == pytest.approx(stats.chi2.ppf(0.975, 2 * o + 2) / 2)


def test_exact_poisson_zero_count():
    low, high = exact_poisson_ci(0)
    assert low == 0 and high == pytest.approx(-math.log(0.025))  # 3.689


@pytest.mark.parametrize("o", [10, 57, 1240])
def test_byar_matches_published_formula_by_hand(o):
    z = 1.959963985
    lower = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
    upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
    low, high = byar_ci(o)
    assert (low, high) == (pytest.approx(lower), pytest.approx(upper))
    # Byar approximates the exact interval closely from 10 on
    e_low, e_high = exact_poisson_ci(o)
    assert low == pytest.approx(e_low, rel=0.02) and high == pytest.approx(e_high, rel=0.02)


def test_count_ci_switches_method_at_ten():
    _, _, method = count_ci([9, 10])
    assert method.tolist() == ["exact Poisson", "Byar"]


def test_rate_per_10k_by_hand_and_zero_population():
    table = rate_per_10k([1240, 0], [527_000, 0])
    assert table.rate[0] == pytest.approx(1240 / 527_000 * 1e4)
    low, high = byar_ci(1240)
    assert table.rate_lower[0] == pytest.approx(low / 527_000 * 1e4)
    assert table.rate_upper[0] == pytest.approx(high / 527_000 * 1e4)
    assert np.isnan(table.rate[1])


@pytest.mark.parametrize("x,n", [(0, 10), (3, 10), (41, 98), (980, 1000), (10, 10)])
def test_wilson_matches_statsmodels(x, n):
    low, high = wilson_ci(x, n)
    ref_low, ref_high = proportion_confint(x, n, alpha=0.05, method="wilson")
    assert (float(low), float(high)) == (pytest.approx(ref_low), pytest.approx(ref_high))


def test_wilson_empty_denominator_is_nan():
    low, high = wilson_ci(0, 0)
    assert np.isnan(low) and np.isnan(high)
