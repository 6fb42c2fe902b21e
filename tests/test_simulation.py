"""Tests for hotlinecompare.models.panel_simulation: synthetic panels, coverage and power."""

from __future__ import annotations

import math
import time

import numpy as np
import polars as pl
import pytest
from scipy import stats

from hotlinecompare.models import panel_simulation as simulation
from hotlinecompare.models import regression, simulation_studies

# --------------------------------------------------------------------- synthetic panels


def test_synthetic_panel_follows_the_panel_contract():
    panel = simulation.synthetic_panel(
        n_cities=4, years_per_city=[3, 1, 2, 1], effect=0.3, noise_sd=0.03, seed=1
    )
    assert panel.columns == ["city", "fiscal_year", "basis", "measure", "satisfaction",
                             "spending_yuan", "fact_ids"]
    assert panel.schema["fiscal_year"] == pl.Int64 and panel.schema["satisfaction"] == pl.Float64
    assert panel.height == 7
    assert panel.group_by("city").len().sort("city")["len"].to_list() == [3, 1, 2, 1]
    assert set(panel["basis"]) == {"actual"} and set(panel["fact_ids"]) == {"synthetic"}
    satisfaction = panel["satisfaction"].to_numpy()
    assert np.all((satisfaction > 0) & (satisfaction <= 1))
    assert panel["spending_yuan"].min() > 0
    assert regression.check_basis(panel) == "actual"


def test_synthetic_panel_is_deterministic_in_its_seed():
    kwargs = dict(n_cities=5, years_per_city=3, effect=0.02, noise_sd=0.02, outcome="linear")
    first = simulation.synthetic_panel(seed=42, **kwargs)
    assert first.equals(simulation.synthetic_panel(seed=42, **kwargs))
    assert not first.equals(simulation.synthetic_panel(seed=43, **kwargs))


def test_large_synthetic_panel_has_the_stated_slope():
    # One very large panel: the estimate must sit within a few standard errors.
    linear = simulation.synthetic_panel(n_cities=200, years_per_city=10, effect=0.02,
                                        noise_sd=0.02, outcome="linear", seed=3)
    fit = regression.fit_ols(linear)
    assert abs(fit.slope - 0.02) < 4 * fit.se
    logit = simulation.synthetic_panel(n_cities=200, years_per_city=10, effect=0.3,
                                       noise_sd=0.03, outcome="logit", seed=3)
    fit = regression.fit_fractional_logit(logit)
    assert abs(fit.slope - 0.3) < 4 * fit.se


def test_invalid_generator_settings_are_refused():
    with pytest.raises(ValueError, match="noise_sd"):
        simulation.synthetic_panel(n_cities=2, years_per_city=2, effect=0.1, noise_sd=0.5, seed=0)
    with pytest.raises(ValueError, match="outcome"):
        simulation.synthetic_panel(n_cities=2, years_per_city=2, effect=0.1, noise_sd=0.01,
                                   outcome="probit", seed=0)


# --------------------------------------------------------------------- coverage


def assert_recovers(row: dict, *, max_relative_bias: float, coverage_band=(0.90, 0.99)):
    assert row["n_failed"] == 0
    assert abs(row["bias"]) < max_relative_bias * abs(row["true_effect"]), row
    assert coverage_band[0] <= row["coverage"] <= coverage_band[1], row
    assert row["coverage_ci_low"] <= row["coverage"] <= row["coverage_ci_high"]


def test_ols_hc3_recovers_the_effect_with_nominal_coverage():
    row = simulation_studies.coverage_study(estimator="ols", n_reps=1000, n_cities=10, years_per_city=4,
                                    seed=11).row(0, named=True)
    assert row["n_obs"] == 40 and row["true_effect"] == 0.02
    assert_recovers(row, max_relative_bias=0.05)


def test_fractional_logit_recovers_the_logit_slope_with_nominal_coverage():
    row = simulation_studies.coverage_study(estimator="fractional_logit", cov_type="HC3", n_reps=800,
                                    n_cities=10, years_per_city=4, seed=12).row(0, named=True)
    assert row["outcome"] == "logit" and row["true_effect"] == 0.3
    assert_recovers(row, max_relative_bias=0.05)


def test_inverted_wild_bootstrap_interval_covers_with_six_rows():
    row = simulation_studies.coverage_study(estimator="wild_bootstrap", n_reps=400, n_cities=6,
                                    years_per_city=1, n_boot=399, weights="webb",
                                    seed=13).row(0, named=True)
    assert row["n_obs"] == 6
    assert_recovers(row, max_relative_bias=0.15)


def test_percentile_t_wild_interval_under_covers_with_six_rows():
    # Documents why test inversion is the default: same panels, same draws.
    row = simulation_studies.coverage_study(estimator="wild_bootstrap", n_reps=400, n_cities=6,
                                    years_per_city=1, n_boot=399, weights="webb",
                                    bootstrap_interval="percentile-t", seed=13).row(0, named=True)
    assert row["coverage_ci_high"] < 0.95


def test_mixed_model_is_unbiased_with_city_effects_in_the_data():
    row = simulation_studies.coverage_study(estimator="mixed", n_reps=100, n_cities=8, years_per_city=4,
                                    city_sd=0.02, seed=14).row(0, named=True)
    assert row["n_failed"] == 0
    assert abs(row["bias"]) < 0.1 * row["true_effect"]
    # Wald-z with 8 cities is allowed to under-cover a little, not badly.
    assert row["coverage"] >= 0.85


def test_pooled_hc3_under_covers_when_cities_share_shocks():
    # Why the notes warn about within-city correlation: 4 cities x 10 years,
    # city shocks as large as the noise, and spending levels that are mostly
    # between-city. Pooled HC3 treats 40 rows as independent and over-claims.
    row = simulation_studies.coverage_study(estimator="ols", n_reps=400, n_cities=4, years_per_city=10,
                                    city_sd=0.02, spending_within_share=0.1, seed=15).row(0, named=True)
    assert row["coverage_ci_high"] < 0.95


def test_permutation_size_under_the_null_is_alpha():
    row = simulation_studies.coverage_study(estimator="permutation", effect=0.0, n_reps=1000, n_cities=12,
                                    years_per_city=1, n_permutations=99, seed=16).row(0, named=True)
    assert row["coverage"] is None
    low, high = stats.binom.ppf([0.0005, 0.9995], 1000, 0.05) / 1000
    assert low <= row["rejection_rate"] <= high


def test_coverage_study_is_deterministic_and_refuses_mismatched_outcomes():
    kwargs = dict(estimator="ols", n_reps=50, n_cities=4, years_per_city=3)
    assert simulation_studies.coverage_study(seed=5, **kwargs).equals(simulation_studies.coverage_study(seed=5, **kwargs))
    with pytest.raises(ValueError, match="true value"):
        simulation_studies.coverage_study(estimator="ols", outcome="logit", n_reps=5)
    with pytest.raises(ValueError, match="estimator"):
        simulation_studies.coverage_study(estimator="lasso", n_reps=5)


# --------------------------------------------------------------------- power


def test_vectorised_power_p_values_equal_fit_ols():
    truth = simulation._Truth(0.02, 0.02, 0.0, simulation.DEFAULT_SPENDING_LOG_MEAN, 0.5, 0.25, 0.9,
                              "linear")
    layout = simulation._layout_from_n_obs(9, 4)
    log_spending, satisfaction = simulation._draw(np.random.default_rng(0), layout, truth, 5)
    vectorised = simulation_studies._ols_hc3_p_values(log_spending, satisfaction)
    for rep in range(5):
        panel = simulation._panel_frame(layout, log_spending[rep], satisfaction[rep], 2019)
        assert vectorised[rep] == pytest.approx(regression.fit_ols(panel).p_value, rel=1e-8)


def test_power_curve_shape_monotonicity_and_size():
    curve = simulation_studies.power_curve(effects=[0.0, 0.01, 0.02, 0.04], n_obs_grid=[8, 20, 60],
                                   n_reps=1000, seed=3)
    assert curve.columns == ["method", "n_obs", "n_cities", "effect", "n_reps", "power",
                             "power_ci_low", "power_ci_high"]
    assert curve.height == 12
    for n_obs in (8, 20, 60):
        power = curve.filter(pl.col("n_obs") == n_obs).sort("effect")["power"].to_numpy()
        assert np.all(np.diff(power) >= -0.01), (n_obs, power)  # common random numbers
    at_large_effect = curve.filter(pl.col("effect") == 0.04).sort("n_obs")["power"].to_numpy()
    assert np.all(np.diff(at_large_effect) > 0) and at_large_effect[-1] > 0.95
    size = curve.filter((pl.col("effect") == 0.0) & (pl.col("n_obs") == 60)).row(0, named=True)
    assert size["power_ci_low"] <= 0.05 <= size["power_ci_high"]
    assert (curve["power_ci_low"] <= curve["power"]).all()
    assert (curve["power"] <= curve["power_ci_high"]).all()


def test_permutation_power_at_four_rows_lives_on_the_exact_grid():
    curve = simulation_studies.power_curve(effects=[0.0, 0.05], n_obs_grid=[4], n_reps=600,
                                   method="permutation", noise_sd=0.002, seed=4)
    # 4! = 24 orderings: only p = 1/24 is <= 0.05, so the exact size is 1/24, not 0.05.
    null = curve.filter(pl.col("effect") == 0.0).row(0, named=True)
    assert null["power_ci_low"] <= 1 / 24 <= null["power_ci_high"]
    strong = curve.filter(pl.col("effect") == 0.05).row(0, named=True)
    assert strong["power"] > 0.6


def test_power_curve_is_deterministic_and_fast_enough_for_a_notebook():
    kwargs = dict(effects=[0.0, 0.01, 0.02, 0.03, 0.05], n_obs_grid=[4, 8, 12, 20, 40, 80], n_reps=500)
    started = time.perf_counter()
    ols = simulation_studies.power_curve(seed=9, **kwargs)
    permutation = simulation_studies.power_curve(seed=9, method="permutation", **kwargs)
    elapsed = time.perf_counter() - started
    assert elapsed < 20, elapsed
    assert ols.equals(simulation_studies.power_curve(seed=9, **kwargs))
    assert permutation.height == ols.height == 30


def test_clopper_pearson_matches_scipy_exact_interval():
    for successes, trials in [(0, 10), (3, 10), (10, 10), (950, 1000)]:
        expected = stats.binomtest(successes, trials).proportion_ci(method="exact")
        low, high = simulation.clopper_pearson_interval(successes, trials)
        assert (low, high) == pytest.approx((expected.low, expected.high), abs=1e-12)
    assert math.isclose(simulation.clopper_pearson_interval(0, 10)[0], 0.0)
