"""Rank intervals against exact two-area probabilities (beta) and clear-cut cases."""

import numpy as np
import pytest
from scipy import stats

from fjo_analysis.stats.ranks import rank_intervals


def test_two_areas_top_probability_matches_the_beta_distribution():
    # rate A > rate B  <=>  G_A / (G_A + G_B) > pop_A / (pop_A + pop_B), a beta variable
    count, pop = np.array([60, 45]), np.array([30_000, 28_000])
    table = rank_intervals(count, pop, draws=40_000)
    exact = stats.beta.sf(pop[0] / pop.sum(), count[0] + 0.5, count[1] + 0.5)
    assert table.p_top[0] == pytest.approx(exact, abs=0.01)
    assert table.p_top[1] == pytest.approx(1 - exact, abs=0.01)
    assert table["rank"].tolist() == [1, 2]
    assert table.rank_lower.tolist() == [1, 1] and table.rank_upper.tolist() == [2, 2]


def test_dispersion_is_the_same_comparison_on_effective_counts():
    count, pop = np.array([60, 45]), np.array([30_000, 28_000])
    table = rank_intervals(count, pop, dispersion=2.0, draws=40_000)
    exact = stats.beta.sf(pop[0] / pop.sum(), 30 + 0.5, 22.5 + 0.5)
    assert table.p_top[0] == pytest.approx(exact, abs=0.01)


def test_clearly_separated_areas_have_exact_ranks():
    table = rank_intervals([5000, 100, 2000, 10], [1e6, 1e6, 1e6, 1e6])
    assert table["rank"].tolist() == [1, 3, 2, 4]
    assert (table.rank_lower == table["rank"]).all() and (table.rank_upper == table["rank"]).all()


def test_identical_areas_could_be_anywhere():
    table = rank_intervals(np.full(9, 400), np.full(9, 200_000))
    assert (table["rank"] == 1).all()  # ties take the best rank
    assert (table.rank_lower == 1).all() and (table.rank_upper == 9).all()
    assert table.p_top.to_numpy() == pytest.approx(np.full(9, 1 / 9), abs=0.02)


def test_reproducible_and_missing_population_not_ranked():
    a = rank_intervals([30, 50, 7], [10_000, 0, 9_000])
    b = rank_intervals([30, 50, 7], [10_000, 0, 9_000])
    assert a.equals(b)
    assert np.isnan(a["rank"][1]) and a["rank"][[0, 2]].tolist() == [1, 2]
