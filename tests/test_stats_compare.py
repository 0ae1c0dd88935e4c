"""Two observed rates compared (England with Wales), against scipy and statsmodels."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats import rates as sm_rates

from fjo_analysis.stats.rates import compare_rates

# statsmodels divides by a zero rate when the second count is 0; harmless, and not our code
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning:statsmodels.stats.rates")

# (count1, population1, count2, population2): England-sized against Wales-sized, and small
CASES = [
    (12_400, 11_900_000, 760, 630_000),
    (12_400, 11_900_000, 690, 630_000),
    (1240, 527_000, 80, 31_000),
    (60, 30_000, 50, 30_000),
    (3, 10_000, 11, 12_000),
    (0, 5_000, 7, 5_000),
    (9, 5_000, 0, 6_000),
]


def central_p(x, n, p0):
    """Two-sided exact p-value as twice the smaller one-sided binomial p-value (scipy)."""
    greater = stats.binomtest(x, n, p0, alternative="greater").pvalue
    less = stats.binomtest(x, n, p0, alternative="less").pvalue
    return min(1.0, 2 * min(greater, less))


@pytest.mark.parametrize("c1,n1,c2,n2", CASES)
def test_exact_conditional_test_matches_scipy_binomtest(c1, n1, c2, n2):
    row = compare_rates(c1, n1, c2, n2).iloc[0]
    p0 = n1 / (n1 + n2)
    assert row.p_value == pytest.approx(central_p(c1, c1 + c2, p0), rel=1e-9, abs=1e-300)
    # the rate-ratio interval is the Clopper-Pearson interval for count1 / (count1 + count2)
    ci = stats.binomtest(c1, c1 + c2, p0).proportion_ci(0.95, method="exact")
    odds = lambda p: p / (1 - p) * n2 / n1 if p < 1 else math.inf  # noqa: E731
    assert row.ratio_lower == pytest.approx(odds(ci.low))
    assert row.ratio_upper == pytest.approx(odds(ci.high))
    if c2 > 0:
        assert row.rate_ratio == pytest.approx((c1 / n1) / (c2 / n2))


@pytest.mark.parametrize("c1,n1,c2,n2", CASES)
def test_one_sided_p_values_match_statsmodels_exact_conditional(c1, n1, c2, n2):
    test = sm_rates.test_poisson_2indep
    larger = test(c1, n1, c2, n2, method="exact-cond", alternative="larger")
    smaller = test(c1, n1, c2, n2, method="exact-cond", alternative="smaller")
    p = compare_rates(c1, n1, c2, n2).p_value[0]
    assert p == pytest.approx(min(1.0, 2 * min(larger.pvalue, smaller.pvalue)), abs=1e-12)
    # statsmodels' two-sided exact-cond p-value is "minlike": close to ours, never far
    minlike = test(c1, n1, c2, n2, method="exact-cond").pvalue
    assert minlike <= p + 1e-12 and p <= 2 * minlike + 1e-12


@pytest.mark.parametrize(
    "c1,n1,c2,n2", [(1240, 1_190_000, 91, 63_000), (1240, 1_190_000, 76, 63_000), *CASES[2:4]]
)  # the E-test is slow for counts in the thousands
def test_verdict_agrees_with_statsmodels_etest(c1, n1, c2, n2):
    row = compare_rates(c1, n1, c2, n2).iloc[0]
    etest = sm_rates.etest_poisson_2indep(c1, n1, c2, n2)[1]
    assert (row.p_value < 0.05) == (etest < 0.05)
    # a different (unconditional) test: p-values of the same order
    assert abs(math.log10(row.p_value / etest)) < 0.25


def test_verdict_matches_interval_and_direction():
    table = compare_rates(
        [12_400, 12_400, 1240, 60], [11.9e6, 11.9e6, 527e3, 3e4], [760, 690, 80, 50],
        [630e3, 630e3, 31e3, 3e4],
    )  # fmt: skip
    assert table.comparison.tolist() == [
        "lower",
        "not significantly different from",
        "not significantly different from",
        "not significantly different from",
    ]
    significant = table.comparison != "not significantly different from"
    excludes_one = (table.ratio_lower > 1) | (table.ratio_upper < 1)
    assert (significant == excludes_one).all()


def test_vectorised_over_years_equals_one_at_a_time():
    c1, n1, c2, n2 = (np.array(v) for v in zip(*CASES, strict=True))
    together = compare_rates(c1, n1, c2, n2)
    for i, case in enumerate(CASES):
        alone = compare_rates(*case).iloc[0]
        assert together.p_value[i] == alone.p_value
        assert together.comparison[i] == alone.comparison


def test_dispersion_equals_exact_test_on_halved_counts():
    # with dispersion 2 and even counts, the effective counts are whole: scipy directly
    c1, n1, c2, n2 = 1240, 527_000, 80, 31_000
    row = compare_rates(c1, n1, c2, n2, dispersion=2.0).iloc[0]
    assert row.p_value == pytest.approx(central_p(c1 // 2, (c1 + c2) // 2, n1 / (n1 + n2)))
    assert "dispersion 2.00" in row.method
    plain = compare_rates(c1, n1, c2, n2).iloc[0]
    assert row.ratio_lower < plain.ratio_lower and row.ratio_upper > plain.ratio_upper


def test_dispersion_one_per_year():
    table = compare_rates([1240, 1240], 527_000, [80, 80], 31_000, dispersion=[1.0, 2.0])
    assert table.p_value[0] == compare_rates(1240, 527_000, 80, 31_000).p_value[0]
    assert table.p_value[1] == compare_rates(1240, 527_000, 80, 31_000, dispersion=2).p_value[0]
    assert table.method.tolist() == [
        "exact conditional test",
        "exact conditional test on counts/dispersion (dispersion 2.00)",
    ]


def test_dispersion_agrees_with_quasi_poisson_z_test_for_large_counts():
    c1, n1, c2, n2, phi = 12_400, 11_900_000, 720, 630_000, 2.2
    row = compare_rates(c1, n1, c2, n2, dispersion=phi).iloc[0]
    log_rr = math.log((c1 / n1) / (c2 / n2))
    se = math.sqrt(phi * (1 / c1 + 1 / c2))
    z_p = 2 * stats.norm.sf(abs(log_rr) / se)
    assert row.p_value == pytest.approx(z_p, rel=0.3)
    assert row.ratio_lower == pytest.approx(math.exp(log_rr - 1.96 * se), rel=0.01)
    assert row.ratio_upper == pytest.approx(math.exp(log_rr + 1.96 * se), rel=0.01)
    # England's "lower than Wales" without allowing for siblings is not significant with it
    assert compare_rates(c1, n1, c2, n2).comparison[0] == "lower"
    assert row.comparison == "not significantly different from"


def test_missing_population_gives_no_verdict():
    table = compare_rates([5, 0], [0, 100], [3, 0], [100, 100])
    assert pd.isna(table.comparison[0]) and math.isnan(table.p_value[0])
    assert table.comparison[1] == "not significantly different from" and table.p_value[1] == 1


OPPOSITE = {
    "higher": "lower",
    "lower": "higher",
    "not significantly different from": "not significantly different from",
}


@settings(max_examples=300, deadline=None)
@given(
    c1=st.integers(0, 5000),
    c2=st.integers(0, 5000),
    n1=st.integers(1, 10_000_000),
    n2=st.integers(1, 10_000_000),
    phi=st.sampled_from([1.0, 1.7, 2.3]),
    confidence=st.sampled_from([0.95, 0.998]),
)
def test_verdict_is_symmetric(c1, c2, n1, n2, phi, confidence):
    ab = compare_rates(c1, n1, c2, n2, confidence, dispersion=phi).iloc[0]
    ba = compare_rates(c2, n2, c1, n1, confidence, dispersion=phi).iloc[0]
    assert ba.comparison == OPPOSITE[ab.comparison]
    assert ab.p_value == pytest.approx(ba.p_value, rel=1e-6, abs=1e-12)
