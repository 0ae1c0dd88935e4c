"""Funnel limits with Spiegelhalter's over-dispersion adjustment, against hand computations."""

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from fjo_analysis.stats.funnel import (
    compare_with_reference,
    funnel_limits,
    funnel_overdispersion,
    funnel_z_scores,
)

EXPECTED = np.array([120.0, 340, 80, 560, 210, 95, 400, 150, 60, 260, 700])
OBSERVED = np.array([150.0, 300, 70, 640, 205, 130, 380, 120, 61, 300, 650])


def test_phi_and_tau2_by_hand():
    # 11 areas: numpy's 10th and 90th percentiles are the 2nd smallest and 2nd largest z
    z = sorted(2 * (np.sqrt(o) - np.sqrt(e)) for o, e in zip(OBSERVED, EXPECTED, strict=True))
    z[0], z[-1] = z[1], z[-2]
    phi = sum(v * v for v in z) / 11
    w = 4 * EXPECTED
    tau2 = (11 * phi - 10) / (w.sum() - (w**2).sum() / w.sum())
    od = funnel_overdispersion(OBSERVED, EXPECTED)
    assert od.phi == pytest.approx(phi) and od.tau2 == pytest.approx(tau2)
    assert od.n_areas == 11 and od.scale == "sqrt"
    assert od.p_value == pytest.approx(stats.chi2.sf(11 * phi, 11)) and od.overdispersed


def test_z_scores_on_each_scale_by_hand():
    o, e = 150.0, 120.0
    assert funnel_z_scores(o, e, "sqrt") == pytest.approx(2 * (np.sqrt(150) - np.sqrt(120)))
    assert funnel_z_scores(o, e, "rate") == pytest.approx(30 / np.sqrt(120))
    assert funnel_z_scores(o, e, "log") == pytest.approx(np.log(150 / 120) * np.sqrt(120))


def test_tau2_without_winsorising_is_dersimonian_laird_from_statsmodels():
    # expected counts at the pooled rate, so the target 1 is the weighted mean of O/E
    pooled = OBSERVED * EXPECTED.sum() / OBSERVED.sum()
    expected = EXPECTED * OBSERVED.sum() / EXPECTED.sum()
    od = funnel_overdispersion(OBSERVED, expected, scale="rate", winsorise=0.0)
    dl = combine_effects(OBSERVED / expected, 1 / expected, method_re="dl")
    assert od.tau2 == pytest.approx(dl.tau2)
    assert pooled.sum() == pytest.approx(EXPECTED.sum())


def test_no_adjustment_gives_exact_poisson_limits():
    low, high = funnel_limits(EXPECTED, 0.95)
    assert low == pytest.approx(stats.poisson.ppf(0.025, EXPECTED))
    assert high == pytest.approx(stats.poisson.ppf(0.975, EXPECTED))
    low2, high2 = funnel_limits(EXPECTED, 0.95, phi=0.8)  # phi < 1: none
    assert (low2 == low).all() and (high2 == high).all()


def test_adjusted_limits_by_hand():
    e, z = 400.0, stats.norm.ppf(0.975)
    low, high = funnel_limits(e, 0.95, tau2=0.01)
    sd = np.sqrt(1 / (4 * e) + 0.01)
    assert (low, high) == (
        pytest.approx(e * (1 - z * sd) ** 2),
        pytest.approx(e * (1 + z * sd) ** 2),
    )
    low, high = funnel_limits(e, 0.95, phi=3.0, scale="rate")
    assert (low, high) == (
        pytest.approx(e - z * np.sqrt(3 * e)),
        pytest.approx(e + z * np.sqrt(3 * e)),
    )
    low, high = funnel_limits(e, 0.95, tau2=0.02, scale="log")
    sd = np.sqrt(1 / e + 0.02)
    assert (low, high) == (pytest.approx(e * np.exp(-z * sd)), pytest.approx(e * np.exp(z * sd)))
    with pytest.raises(ValueError, match="not both"):
        funnel_limits(e, 0.95, phi=2.0, tau2=0.01)


def simulate_areas(rng, areas=150, sd_between=0.15):
    population = rng.integers(20_000, 600_000, size=areas)
    true_rate = 15e-4 * np.exp(rng.normal(0, sd_between, size=areas))
    observed = rng.poisson(population * true_rate)
    expected = population * observed.sum() / population.sum()  # reference: all areas
    return observed, expected


def flagged_shares(winsorise):
    rng = np.random.default_rng(2005)
    flagged = {"poisson": [], "additive": [], "multiplicative": []}
    for _ in range(20):
        observed, expected = simulate_areas(rng)
        od = funnel_overdispersion(observed, expected, winsorise=winsorise)
        for name, kwargs in (
            ("poisson", {}),
            ("additive", {"tau2": od.tau2}),
            ("multiplicative", {"phi": od.phi}),
        ):
            table = compare_with_reference(observed, expected, **kwargs)
            flagged[name].append(np.mean(table.comparison != "not significantly different from"))
    return {name: np.mean(shares) for name, shares in flagged.items()}


def test_adjusted_limits_flag_about_five_percent_of_areas_with_real_variation():
    shares = flagged_shares(winsorise=0.0)
    assert shares["poisson"] > 0.4
    assert shares["additive"] == pytest.approx(0.05, abs=0.02)
    assert shares["multiplicative"] == pytest.approx(0.05, abs=0.03)


def test_winsorised_estimate_flags_more_but_far_fewer_than_poisson():
    # winsorising 10% shrinks phi when no area is an outlier (documented): ~12% flagged
    shares = flagged_shares(winsorise=0.10)
    assert 0.05 < shares["additive"] < 0.2 and shares["multiplicative"] < 0.2
    assert shares["poisson"] > 3 * shares["additive"]


def test_no_real_variation_gives_no_adjustment_most_of_the_time():
    rng = np.random.default_rng(7)
    tau2 = [funnel_overdispersion(*simulate_areas(rng, sd_between=0.0)).tau2 for _ in range(50)]
    assert np.mean(np.array(tau2) == 0) > 0.5


def test_compare_with_reference_columns_and_wording():
    table = compare_with_reference([150, 200, 110, 176], 150.0)
    assert table.comparison.tolist() == [
        "not significantly different from",
        "higher",
        "lower",
        "higher",
    ]
    assert table.comparison_998.tolist()[3] == "not significantly different from"
    assert list(table.columns) == [
        "expected",
        "lower_95",
        "upper_95",
        "lower_998",
        "upper_998",
        "comparison",
        "comparison_998",
        "method",
    ]
    assert table.method[0] == "exact Poisson funnel limits"
    adjusted = compare_with_reference([150, 200, 110, 176], 150.0, tau2=0.02)
    assert adjusted.comparison.tolist() == ["not significantly different from"] * 4
    assert adjusted.method[0].startswith("funnel limits, additive over-dispersion")


def test_no_expected_count_gives_no_verdict():
    table = compare_with_reference([3, 4], [0.0, 5.0])
    assert table.comparison.isna().tolist() == [True, False]


def test_too_few_areas_or_unknown_scale():
    od = funnel_overdispersion([5], [4])
    assert od.n_areas == 1 and np.isnan(od.phi)
    with pytest.raises(ValueError, match="`scale`"):
        funnel_overdispersion([5, 6], [4, 4], scale="logit")
