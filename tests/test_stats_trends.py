"""Quasi-Poisson trends against statsmodels' GLM fitted directly."""

import math

import numpy as np
import pytest
import statsmodels.api as sm

from fjo_analysis.stats.trends import Trend, annual_trend

YEARS = np.arange(2010, 2020)
POP = np.linspace(1e5, 1.09e5, 10)
WOBBLY = np.array([100, 160, 90, 170, 95, 180, 100, 175, 110, 190])  # over-dispersed


def glm(counts, years, pop, scale):
    model = sm.GLM(
        counts,
        sm.add_constant(years - years.min()),
        family=sm.families.Poisson(),
        offset=np.log(pop),
    )
    return model.fit(scale=scale, use_t=True)


def pct(b):
    return (math.exp(b) - 1) * 100


def assert_matches(trend, fit):
    low, high = fit.conf_int()[1]
    assert trend.annual_change_pct == pytest.approx(pct(fit.params[1]))
    assert trend.lower_pct == pytest.approx(pct(low))
    assert trend.upper_pct == pytest.approx(pct(high))
    assert trend.p_value == pytest.approx(fit.pvalues[1])


def test_over_dispersed_series_matches_statsmodels_with_pearson_scale():
    trend = annual_trend(YEARS, WOBBLY, POP)
    fit = glm(WOBBLY, YEARS, POP, "X2")
    assert_matches(trend, fit)
    assert trend.dispersion == pytest.approx(fit.scale) and trend.dispersion > 10
    assert trend.pearson_dispersion == pytest.approx(fit.scale)
    assert trend.df_resid == 8
    assert trend.model == "quasi-Poisson GLM (log link, population offset)"
    assert "Pearson" in trend.reason
    assert trend.direction == "no clear trend"


def test_smooth_series_is_floored_at_poisson():
    counts = np.round(POP * 15e-4 * 1.05 ** (YEARS - 2010))
    trend = annual_trend(YEARS, counts, POP)
    assert trend.pearson_dispersion < 1 and trend.dispersion == 1
    assert_matches(trend, glm(counts, YEARS, POP, 1.0))
    assert trend.annual_change_pct == pytest.approx(5.0, abs=0.3)
    assert trend.direction == "rising" and "never taken below 1" in trend.reason


def test_known_dispersion_from_clustering_is_used_when_larger():
    counts = np.round(POP * 15e-4 * 0.97 ** (YEARS - 2010))
    trend = annual_trend(YEARS, counts, POP, dispersion=2.2)
    assert trend.dispersion == 2.2 and "sibling clustering" in trend.reason
    assert_matches(trend, glm(counts, YEARS, POP, 2.2))
    # the larger of the two is used: Pearson wins for the wobbly series
    assert annual_trend(YEARS, WOBBLY, POP, dispersion=2.2).dispersion > 10


def test_interval_widens_by_the_square_root_of_the_dispersion():
    counts = np.round(POP * 15e-4 * 0.97 ** (YEARS - 2010))
    plain = annual_trend(YEARS, counts, POP)
    wide = annual_trend(YEARS, counts, POP, dispersion=4.0)
    half = lambda t: math.log1p(t.upper_pct / 100) - math.log1p(t.lower_pct / 100)  # noqa: E731
    assert half(wide) / half(plain) == pytest.approx(2.0)
    assert wide.annual_change_pct == pytest.approx(plain.annual_change_pct)
    assert wide.p_value > plain.p_value


def test_table_is_one_row_for_publication():
    trend = annual_trend(YEARS, WOBBLY, POP)
    table = trend.table()
    assert list(table.columns) == [
        "estimate",
        "lower",
        "upper",
        "p",
        "model",
        "dispersion",
        "years",
        "df",
    ]
    row = table.iloc[0]
    assert len(table) == 1 and row.years == "2010/11 to 2019/20"
    assert (row.estimate, row.lower, row.upper, row.p) == (
        trend.annual_change_pct,
        trend.lower_pct,
        trend.upper_pct,
        trend.p_value,
    )


def test_positional_construction_still_works():
    trend = Trend(-2.14, -3.0, -1.3, 0.001, "Poisson GLM", "", 2019, 2024)
    assert trend.direction == "falling" and trend.dispersion == 1.0


@pytest.mark.parametrize("years,counts", [([2020], [5]), ([2019, 2020, 2021], [0, 0, 0])])
def test_no_trend_from_one_year_or_no_cases(years, counts):
    assert annual_trend(years, counts, np.full(len(years), 1e4)) is None


def test_years_without_population_are_left_out():
    pop = POP.copy()
    pop[3] = 0
    trend = annual_trend(YEARS, WOBBLY, pop)
    keep = pop > 0
    assert_matches(trend, glm(WOBBLY[keep], YEARS[keep], pop[keep], "X2"))
