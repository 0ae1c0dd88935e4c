"""Siblings: dispersion and design effects, and intervals that allow for them (simulated)."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.proportion import proportion_confint

from fjo_analysis.stats.rates import (
    byar_ci,
    count_ci,
    design_effect_for_share,
    dispersion_from_clusters,
    exact_poisson_ci,
    rate_per_10k,
    wilson_ci,
)

# children per case: 1 to 5, mean 1.76 (as in care proceedings)
SIZES = np.arange(1, 6)
SHARES = np.array([0.55, 0.25, 0.12, 0.05, 0.03])
CASES_PER_YEAR = 200
REPS = 4000


def simulate_years(seed=11):
    """Cases by number of children (reps x 5): Poisson cases, each size a thinned Poisson."""
    rng = np.random.default_rng(seed)
    return rng.poisson(CASES_PER_YEAR * SHARES, size=(REPS, len(SIZES)))


def test_dispersion_from_clusters_by_hand():
    assert dispersion_from_clusters([1, 2, 3]) == pytest.approx(14 / 6)
    assert dispersion_from_clusters([1, 1, 1]) == 1
    assert dispersion_from_clusters([]) == 1
    grouped = dispersion_from_clusters([1, 2, 3, 1, 4], groups=["a", "a", "b", "c", "c"])
    assert grouped.to_dict() == pytest.approx({"a": 5 / 3, "b": 3.0, "c": 17 / 5})


def test_dispersion_matches_the_variance_of_simulated_child_counts():
    by_size = simulate_years()
    children = by_size @ SIZES
    direct = children.var(ddof=1) / children.mean()
    theory = (SHARES @ SIZES**2) / (SHARES @ SIZES)  # E[m^2] / E[m] = 2.375
    assert direct == pytest.approx(theory, rel=0.06)
    one_year = np.repeat(SIZES, by_size[0])  # the sizes of one year's cases
    assert dispersion_from_clusters(one_year) == pytest.approx(theory, rel=0.12)


def coverage(low, high, truth):
    return float(np.mean((low <= truth) & (truth <= high)))


def test_rate_intervals_cover_with_dispersion_and_not_without():
    by_size = simulate_years()
    children = by_size @ SIZES
    phi = (by_size @ SIZES**2) / children  # each year's own estimate from its cases
    truth = CASES_PER_YEAR * (SHARES @ SIZES)  # expected children; population 10,000
    adjusted = rate_per_10k(children, np.full(REPS, 10_000), dispersion=phi)
    plain = rate_per_10k(children, np.full(REPS, 10_000))
    assert coverage(adjusted.rate_lower, adjusted.rate_upper, truth) == pytest.approx(
        0.95, abs=0.015
    )
    assert coverage(plain.rate_lower, plain.rate_upper, truth) < 0.85  # about 0.80


def test_quasi_poisson_interval_by_hand():
    # count 30 with dispersion 2.5: effective count 12 (Byar), scaled back by 2.5
    low, high, method = count_ci([30, 30], dispersion=[1.0, 2.5])
    b_low, b_high = byar_ci(12)
    assert low[1] == pytest.approx(2.5 * b_low) and high[1] == pytest.approx(2.5 * b_high)
    assert method[0] == "Byar"
    assert method[1] == "Byar on count/dispersion (quasi-Poisson, dispersion 2.50)"
    # count 20 with dispersion 2.5: effective count 8, exact chi-squared interval
    low, high, method = count_ci(20, dispersion=2.5)
    e_low, e_high = exact_poisson_ci(8)
    assert (float(low), float(high)) == (pytest.approx(2.5 * e_low), pytest.approx(2.5 * e_high))
    assert str(method).startswith("exact Poisson on count/dispersion")


def test_dispersion_one_is_the_plain_interval_and_below_one_is_floored():
    plain = rate_per_10k([57, 1240], [30_000, 527_000])
    pd.testing.assert_frame_equal(plain, rate_per_10k([57, 1240], [30_000, 527_000], 1 - 0.05, 1))
    pd.testing.assert_frame_equal(plain, rate_per_10k([57, 1240], [30_000, 527_000], 0.95, 0.7))
    with pytest.raises(ValueError, match="`dispersion`"):
        rate_per_10k([5], [100], dispersion=np.nan)


@pytest.mark.parametrize("x,n,deff", [(41, 98, 1.0), (41, 98, 2.1), (300, 1000, 1.8), (0, 20, 2)])
def test_wilson_with_design_effect_matches_statsmodels_on_effective_sample(x, n, deff):
    low, high = wilson_ci(x, n, design_effect=deff)
    ref_low, ref_high = proportion_confint(x / deff, n / deff, alpha=0.05, method="wilson")
    assert (float(low), float(high)) == (pytest.approx(ref_low), pytest.approx(ref_high))


def test_design_effect_for_share_matches_statsmodels_cluster_robust_variance():
    rng = np.random.default_rng(3)
    sizes = rng.choice(SIZES, size=150, p=SHARES)
    # siblings usually share the outcome: a case-level probability, then children
    case_p = rng.beta(1, 2, size=150)
    successes = rng.binomial(sizes, case_p)
    case = np.repeat(np.arange(150), sizes)
    child_y = np.concatenate(
        [np.r_[np.ones(s), np.zeros(m - s)] for s, m in zip(successes, sizes, strict=True)]
    )
    fit = sm.OLS(child_y, np.ones_like(child_y)).fit(cov_type="cluster", cov_kwds={"groups": case})
    p = child_y.mean()
    expected = fit.bse[0] ** 2 / (p * (1 - p) / len(child_y))
    assert design_effect_for_share(successes, sizes) == pytest.approx(expected, rel=1e-9)
    assert 1 < expected < dispersion_from_clusters(sizes)


def test_design_effect_when_siblings_share_everything_is_the_cluster_dispersion():
    sizes = np.array([1, 2, 3, 1, 2, 4, 1, 1])
    successes = sizes * np.array([1, 0, 1, 0, 0, 1, 1, 0])
    # by hand: p = 9/15; sum((y - p m)^2) = sum(m^2 (1 - p)^2 or m^2 p^2)
    p = 9 / 15
    resid = np.where(successes > 0, sizes * (1 - p), -sizes * p)
    by_hand = 8 / 7 * (resid**2).sum() / 15**2 / (p * (1 - p) / 15)
    assert design_effect_for_share(successes, sizes) == pytest.approx(by_hand)
    assert design_effect_for_share([0, 0], [1, 2]) == 1 and design_effect_for_share([1], [1]) == 1


def test_wilson_intervals_for_shares_of_children_cover_with_design_effect():
    rng = np.random.default_rng(5)
    true_share, cases = 0.3, 150
    hits = []
    plain_hits = []
    for _ in range(1500):
        sizes = rng.choice(SIZES, size=cases, p=SHARES)
        outcome = rng.random(cases) < true_share  # siblings share the order made
        successes = sizes * outcome
        deff = design_effect_for_share(successes, sizes)
        low, high = wilson_ci(successes.sum(), sizes.sum(), design_effect=deff)
        hits.append(low <= true_share <= high)
        low, high = wilson_ci(successes.sum(), sizes.sum())
        plain_hits.append(low <= true_share <= high)
    assert np.mean(hits) == pytest.approx(0.95, abs=0.02)
    assert np.mean(plain_hits) < 0.87
