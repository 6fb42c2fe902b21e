"""Tests for hotlinecompare.models.regression: oracles, guards, permutation and bootstrap."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from hotlinecompare.models import regression
from hotlinecompare.models.panel_simulation import synthetic_panel


def make_panel(satisfaction, spending, cities=None, years=None, basis="actual", **extra):
    n = len(satisfaction)
    cities = cities if cities is not None else [f"city_{i:02d}" for i in range(n)]
    years = years if years is not None else [2020] * n
    frame = {
        "city": cities,
        "fiscal_year": years,
        "basis": [basis] * n if isinstance(basis, str) else basis,
        "measure": ["satisfaction_survey"] * n,
        "satisfaction": [float(v) for v in satisfaction],
        "spending_yuan": [float(v) for v in spending],
        "fact_ids": [f"fact-{i}" for i in range(n)],
    }
    frame.update(extra)
    return pl.DataFrame(frame)


def linear_panel(n_cities=6, years=4, seed=0, city_sd=0.0):
    return synthetic_panel(
        n_cities=n_cities, years_per_city=years, effect=0.02, noise_sd=0.02,
        city_sd=city_sd, outcome="linear", seed=seed,
    )


FOUR_CITIES = make_panel([0.91, 0.95, 0.93, 0.97], [2.1e7, 3.4e7, 2.8e7, 5.0e7])


# --------------------------------------------------------------------- OLS oracles


def test_ols_slope_equals_numpy_polyfit():
    panel = linear_panel(seed=1)
    fit = regression.fit_ols(panel)
    log_x = np.log(panel["spending_yuan"].to_numpy())
    slope, intercept = np.polyfit(log_x, panel["satisfaction"].to_numpy(), 1)
    assert fit.slope == pytest.approx(slope, rel=1e-10)
    assert fit.intercept == pytest.approx(intercept, rel=1e-10)
    assert (fit.n, fit.n_cities, fit.basis, fit.model) == (24, 6, "actual", "ols-hc3")


def test_ols_without_log_uses_raw_spending():
    panel = linear_panel(seed=2)
    fit = regression.fit_ols(panel, log_x=False)
    slope, _ = np.polyfit(panel["spending_yuan"].to_numpy(), panel["satisfaction"].to_numpy(), 1)
    assert fit.slope == pytest.approx(slope, rel=1e-8)


def test_hc3_standard_error_equals_hand_sandwich():
    panel = linear_panel(seed=3)
    fit = regression.fit_ols(panel)
    y = panel["satisfaction"].to_numpy()
    X = np.column_stack([np.ones(panel.height), np.log(panel["spending_yuan"].to_numpy())])
    bread = np.linalg.inv(X.T @ X)
    residuals = y - X @ (bread @ X.T @ y)
    leverage = np.diag(X @ bread @ X.T)
    meat = X.T @ np.diag(residuals**2 / (1 - leverage) ** 2) @ X  # MacKinnon-White HC3
    se = math.sqrt((bread @ meat @ bread)[1, 1])
    assert fit.se == pytest.approx(se, rel=1e-10)
    half_width = stats.t.ppf(0.975, panel.height - 2) * se
    assert fit.ci_low == pytest.approx(fit.slope - half_width, rel=1e-9)
    assert fit.ci_high == pytest.approx(fit.slope + half_width, rel=1e-9)
    assert fit.p_value == pytest.approx(2 * stats.t.sf(abs(fit.slope / se), panel.height - 2), rel=1e-9)


def test_city_effects_slope_equals_within_city_polyfit_and_drops_single_row_cities():
    panel = pl.concat([linear_panel(n_cities=4, years=3, seed=4),
                       make_panel([0.5], [1e7], cities=["lonely"], years=[2020])])
    fit = regression.fit_ols(panel, city_effects=True)
    within = linear_panel(n_cities=4, years=3, seed=4).with_columns(
        log_x=pl.col("spending_yuan").log()
    ).with_columns(
        x_w=pl.col("log_x") - pl.col("log_x").mean().over("city"),
        y_w=pl.col("satisfaction") - pl.col("satisfaction").mean().over("city"),
    )
    slope, _ = np.polyfit(within["x_w"].to_numpy(), within["y_w"].to_numpy(), 1)
    assert fit.slope == pytest.approx(slope, rel=1e-9)
    assert fit.n == 12 and fit.n_cities == 4
    assert "lonely" in fit.notes


def test_city_effects_with_only_single_row_cities_raises():
    with pytest.raises(ValueError, match="more than one year"):
        regression.fit_ols(FOUR_CITIES, city_effects=True)


def test_small_n_fit_is_returned_with_a_warning_note():
    fit = regression.fit_ols(FOUR_CITIES)
    assert math.isfinite(fit.se) and fit.ci_low < fit.slope < fit.ci_high
    assert "n=4" in fit.notes and "unreliable" in fit.notes
    assert fit.p_value_method == "wald-t (HC3, df=2)"


# --------------------------------------------------------------------- guards


def test_check_basis_names_the_bases_and_allows_explicit_pooling():
    mixed = make_panel([0.9, 0.8, 0.7], [1e7, 2e7, 3e7], basis=["actual", "target", "actual"])
    with pytest.raises(ValueError, match=r"\['actual', 'target'\]"):
        regression.check_basis(mixed)
    assert regression.check_basis(mixed, allow_mixed=True) == "mixed"
    assert regression.check_basis(FOUR_CITIES) == "actual"


MIXED_PANEL = pl.concat([
    linear_panel(seed=5),
    linear_panel(seed=6).with_columns(basis=pl.lit("target")),
])

FIT_FUNCTIONS = [
    regression.fit_ols,
    regression.fit_fractional_logit,
    regression.fit_mixed,
    regression.permutation_test,
    regression.wild_bootstrap_ci,
    regression.leave_one_city_out,
    regression.influence,
    regression.compare_methods,
]


@pytest.mark.parametrize("function", FIT_FUNCTIONS, ids=lambda f: f.__name__)
def test_every_fit_refuses_a_panel_mixing_actual_and_target(function):
    with pytest.raises(ValueError, match="actual.*target"):
        function(MIXED_PANEL)


def test_mixed_basis_is_fitted_and_labelled_only_when_asked():
    fit = regression.fit_ols(MIXED_PANEL, allow_mixed=True)
    assert fit.basis == "mixed" and fit.n == 48 and "pooled on request" in fit.notes


@pytest.mark.parametrize(
    ("function", "panel", "kwargs"),
    [
        (regression.fit_ols, FOUR_CITIES.head(2), {}),
        (regression.fit_fractional_logit, FOUR_CITIES.head(2), {}),
        (regression.permutation_test, FOUR_CITIES.head(2), {}),
        (regression.wild_bootstrap_ci, FOUR_CITIES.head(2), {}),
        # With city dummies the single-row city "b" is dropped, leaving 2 rows of "a".
        (regression.fit_ols,
         make_panel([0.9, 0.8, 0.7], [1e7, 2e7, 3e7], cities=["a", "a", "b"], years=[1, 2, 1]),
         {"city_effects": True}),
    ],
)
def test_n_not_above_parameter_count_raises_a_clear_error(function, panel, kwargs):
    with pytest.raises(ValueError, match=r"n=2 observation\(s\) but the model has 2 parameter"):
        function(panel, **kwargs)


def test_mixed_model_needs_repeated_cities():
    panel = make_panel(np.linspace(0.8, 0.95, 6), np.linspace(1e7, 3e7, 6))
    with pytest.raises(ValueError, match="more than one year"):
        regression.fit_mixed(panel)


def test_mixed_measures_duplicates_and_bad_values_are_refused():
    two_measures = FOUR_CITIES.with_columns(
        measure=pl.Series(["satisfaction_survey", "callback", "callback", "satisfaction_survey"])
    )
    with pytest.raises(ValueError, match="measures"):
        regression.fit_ols(two_measures)
    with pytest.raises(ValueError, match="duplicate"):
        regression.fit_ols(pl.concat([FOUR_CITIES, FOUR_CITIES.head(1)]))
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        regression.fit_ols(FOUR_CITIES.with_columns(satisfaction=pl.col("satisfaction") * 100))
    with pytest.raises(ValueError, match="does not vary"):
        regression.fit_ols(FOUR_CITIES.with_columns(spending_yuan=pl.lit(1e7)))


def test_rows_with_missing_values_are_dropped_with_a_note():
    panel = linear_panel(seed=7).with_columns(
        satisfaction=pl.when(pl.col("fiscal_year") == 2019).then(None).otherwise(pl.col("satisfaction"))
    )
    fit = regression.fit_ols(panel)
    assert fit.n == 18 and "dropped 6 row(s)" in fit.notes


# --------------------------------------------------------------------- other models


def test_fractional_logit_matches_statsmodels_and_its_ame():
    import statsmodels.api as sm

    panel = synthetic_panel(n_cities=8, years_per_city=4, effect=0.3, noise_sd=0.03, seed=8)
    fit = regression.fit_fractional_logit(panel, cov_type="HC1")
    X = sm.add_constant(np.log(panel["spending_yuan"].to_numpy()))
    reference = sm.GLM(panel["satisfaction"].to_numpy(), X, family=sm.families.Binomial()).fit(
        cov_type="HC1"
    )
    assert fit.slope == pytest.approx(reference.params[1], rel=1e-8)
    assert fit.se == pytest.approx(reference.bse[1], rel=1e-8)
    margins = reference.get_margeff(at="overall", method="dydx")
    assert fit.ame == pytest.approx(margins.margeff[0], rel=1e-8)
    assert fit.ame_se == pytest.approx(margins.margeff_se[0], rel=1e-6)
    assert fit.scale == "logit" and fit.ame_ci_low < fit.ame < fit.ame_ci_high


def test_fractional_logit_hc3_inflates_scores_by_glm_leverage():
    import statsmodels.api as sm

    panel = synthetic_panel(n_cities=6, years_per_city=2, effect=0.3, noise_sd=0.03, seed=9)
    y = panel["satisfaction"].to_numpy()
    X = sm.add_constant(np.log(panel["spending_yuan"].to_numpy()))
    beta = sm.GLM(y, X, family=sm.families.Binomial()).fit().params
    mu = 1 / (1 + np.exp(-X @ beta))
    W = np.diag(mu * (1 - mu))
    bread = np.linalg.inv(X.T @ W @ X)
    leverage = np.diag(np.sqrt(W) @ X @ bread @ X.T @ np.sqrt(W))
    meat = X.T @ np.diag((y - mu) ** 2 / (1 - leverage) ** 2) @ X
    fit = regression.fit_fractional_logit(panel, cov_type="HC3")
    assert fit.se == pytest.approx(math.sqrt((bread @ meat @ bread)[1, 1]), rel=1e-6)
    assert fit.model == "fractional-logit-hc3"


@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.ConvergenceWarning")
def test_mixed_model_se_is_ols_se_when_city_variance_is_zero_and_close_to_statsmodels_otherwise():
    import statsmodels.api as sm

    boundary = linear_panel(n_cities=5, years=4, seed=17)  # REML puts the city variance at ~0
    fit = regression.fit_mixed(boundary)
    assert dict(fit.extra)["city_sd"] < 1e-4 * dict(fit.extra)["residual_sd"] * 100
    assert "boundary" in fit.notes
    ols = regression.fit_ols(boundary, cov_type="nonrobust")
    assert fit.slope == pytest.approx(ols.slope, rel=1e-4)
    assert fit.se == pytest.approx(ols.se, rel=1e-4)

    interior = linear_panel(n_cities=8, years=4, seed=11, city_sd=0.03)
    fit = regression.fit_mixed(interior)
    assert dict(fit.extra)["city_sd"] > 0.005 and "boundary" not in fit.notes
    X = sm.add_constant(np.log(interior["spending_yuan"].to_numpy()))
    groups = interior["city"].to_numpy()
    reference = sm.MixedLM(interior["satisfaction"].to_numpy(), X, groups=groups).fit(reml=True)
    assert fit.slope == pytest.approx(reference.fe_params[1], rel=1e-6)
    assert fit.se == pytest.approx(reference.bse_fe[1], rel=0.05)


# --------------------------------------------------------------------- permutation


def brute_force_exact_p(panel):
    x = np.log(panel["spending_yuan"].to_numpy())
    y = panel["satisfaction"].to_numpy()
    observed = abs(np.polyfit(x, y, 1)[0])
    slopes = [abs(np.polyfit(x, y[list(order)], 1)[0]) for order in itertools.permutations(range(len(y)))]
    return np.mean(np.array(slopes) >= observed - 1e-12), len(slopes)


@pytest.mark.parametrize("n", [4, 5, 6])
def test_exact_permutation_enumerates_all_orders_and_matches_brute_force(n):
    rng = np.random.default_rng(n)
    panel = make_panel(rng.uniform(0.8, 0.99, n), np.exp(rng.normal(17, 0.5, n)))
    result = regression.permutation_test(panel)
    expected_p, count = brute_force_exact_p(panel)
    assert result.exact and result.n_permutations == math.factorial(n) == count
    assert result.p_value == pytest.approx(expected_p, abs=1e-12)
    on_grid = result.p_value * math.factorial(n)
    assert on_grid == pytest.approx(round(on_grid), abs=1e-9)


def test_n_of_eight_switches_to_monte_carlo_with_plus_one_correction():
    panel = linear_panel(n_cities=8, years=1, seed=12)
    result = regression.permutation_test(panel, n_permutations=999, seed=3)
    assert not result.exact and result.n_permutations == 999
    assert (result.p_value * 1000) == pytest.approx(round(result.p_value * 1000))
    assert result.p_value >= 1 / 1000
    again = regression.permutation_test(panel, n_permutations=999, seed=3)
    assert again == result


def test_permutation_p_values_are_uniform_under_the_null():
    rng = np.random.default_rng(2024)
    p_values = []
    for _ in range(300):
        panel = make_panel(rng.uniform(0.85, 0.99, 12), np.exp(rng.normal(17, 0.5, 12)))
        test = regression.permutation_test(panel, n_permutations=99, seed=int(rng.integers(1e9)))
        p_values.append(test.p_value)
    p_values = np.array(p_values)
    assert stats.kstest(p_values, "uniform").pvalue > 0.01
    deciles = np.histogram(p_values, bins=np.linspace(0, 1, 11))[0]
    low, high = stats.binom.ppf([0.0005, 0.9995], 300, 0.1)  # Bonferroni over 10 bins
    assert np.all((deciles >= low) & (deciles <= high)), deciles


def test_exact_permutation_p_values_are_uniform_on_their_grid_under_the_null():
    rng = np.random.default_rng(7)
    p_values = np.array([
        regression.permutation_test(
            make_panel(rng.uniform(0.85, 0.99, 4), np.exp(rng.normal(17, 0.5, 4)))
        ).p_value
        for _ in range(600)
    ])
    assert np.allclose(p_values * 24, np.round(p_values * 24))
    # P(p <= 6/24) = 6/24 exactly for exchangeable data without ties.
    share = np.mean(p_values <= 6 / 24 + 1e-12)
    assert stats.binomtest(int(share * 600), 600, 0.25).pvalue > 0.001


def test_within_city_permutation_enumerates_the_product_of_city_factorials():
    panel = linear_panel(n_cities=3, years=3, seed=13)
    result = regression.permutation_test(panel, city_effects=True)
    assert result.exact and result.n_permutations == 6**3
    assert "within city" in result.p_value_method
    fe_slope = regression.fit_ols(panel, city_effects=True).slope
    assert result.slope == pytest.approx(fe_slope, rel=1e-9)


# --------------------------------------------------------------------- wild bootstrap


def test_rademacher_draws_are_enumerated_for_four_rows_and_the_interval_is_unbounded():
    result = regression.wild_bootstrap_ci(FOUR_CITIES, weights="rademacher")
    assert result.enumerated and result.n_boot == 2**4
    assert result.min_attainable_p_value == pytest.approx(2 / 16)
    assert result.p_value >= 2 / 16 - 1e-12
    # No p-value can fall below 2/16 > 0.05, so no slope can be rejected.
    assert (result.ci_low, result.ci_high) == (-math.inf, math.inf)
    assert "unbounded" in result.notes
    assert result == regression.wild_bootstrap_ci(FOUR_CITIES, weights="rademacher", seed=99)


@pytest.mark.parametrize("seed", range(6))
def test_inverted_bootstrap_interval_agrees_with_the_bootstrap_p_value(seed):
    panel = synthetic_panel(n_cities=10, years_per_city=1, effect=0.02 * (seed % 3), noise_sd=0.02,
                            outcome="linear", seed=seed)
    result = regression.wild_bootstrap_ci(panel, weights="webb", n_boot=999, seed=seed)
    assert result.ci_low < result.slope < result.ci_high
    assert (result.ci_low <= 0 <= result.ci_high) == (result.p_value > 0.05)


def test_percentile_t_interval_is_available_and_labelled():
    panel = linear_panel(seed=18)
    result = regression.wild_bootstrap_ci(panel, interval="percentile-t", n_boot=499)
    assert result.ci_low < result.slope < result.ci_high
    assert result.interval_method.startswith("wild percentile-t 95%, unrestricted residuals")
    with pytest.raises(ValueError, match="interval"):
        regression.wild_bootstrap_ci(panel, interval="bca")


def test_webb_draws_are_enumerated_when_six_to_the_g_fits_in_n_boot():
    result = regression.wild_bootstrap_ci(FOUR_CITIES, weights="webb", n_boot=1999)
    assert result.enumerated and result.n_boot == 6**4
    sampled = regression.wild_bootstrap_ci(FOUR_CITIES, weights="webb", n_boot=999)
    assert not sampled.enumerated and sampled.n_boot == 999


def test_wild_bootstrap_se_matches_hc3_and_crv1_and_is_seeded():
    import statsmodels.api as sm

    panel = linear_panel(n_cities=6, years=4, seed=14, city_sd=0.01)
    hc3 = regression.wild_bootstrap_ci(panel, n_boot=499, seed=1)
    assert hc3.se == pytest.approx(regression.fit_ols(panel).se, rel=1e-9)
    assert hc3.ci_low < hc3.slope < hc3.ci_high
    assert hc3 == regression.wild_bootstrap_ci(panel, n_boot=499, seed=1)
    assert hc3 != regression.wild_bootstrap_ci(panel, n_boot=499, seed=2)

    clustered = regression.wild_bootstrap_ci(panel, cluster_by_city=True, weights="webb")
    X = sm.add_constant(np.log(panel["spending_yuan"].to_numpy()))
    groups = np.unique(panel["city"].to_numpy(), return_inverse=True)[1]
    reference = sm.OLS(panel["satisfaction"].to_numpy(), X).fit(
        cov_type="cluster", cov_kwds={"groups": groups}
    )
    assert clustered.se == pytest.approx(reference.bse[1], rel=1e-9)
    assert not clustered.enumerated and clustered.n_boot == 1999  # 6^6 draws > 1999: sampled


def test_wild_bootstrap_rejects_unknown_weights():
    with pytest.raises(ValueError, match="webb"):
        regression.wild_bootstrap_ci(FOUR_CITIES, weights="mammen")


# --------------------------------------------------------------------- diagnostics


def test_leave_one_city_out_returns_one_row_per_city():
    panel = linear_panel(n_cities=5, years=3, seed=15)
    table = regression.leave_one_city_out(panel)
    assert table["city_left_out"].to_list() == sorted(panel["city"].unique().to_list())
    assert table.height == 5 and table["n"].to_list() == [12] * 5
    first = table.row(0, named=True)
    expected = regression.fit_ols(panel.filter(pl.col("city") != first["city_left_out"]))
    assert first["slope"] == pytest.approx(expected.slope)


def test_leave_one_city_out_keeps_a_row_when_the_refit_is_impossible():
    table = regression.leave_one_city_out(FOUR_CITIES.head(3))
    assert table.height == 3
    assert table["slope"].null_count() == 3
    assert all("n=2" in message for message in table["error"].to_list())


def test_influence_matches_statsmodels_and_brute_force_deletion():
    import statsmodels.api as sm
    from statsmodels.stats.outliers_influence import OLSInfluence

    panel = linear_panel(n_cities=4, years=3, seed=16)
    table = regression.influence(panel)
    x = np.log(panel["spending_yuan"].to_numpy())
    y = panel["satisfaction"].to_numpy()
    reference = OLSInfluence(sm.OLS(y, sm.add_constant(x)).fit())
    np.testing.assert_allclose(table["leverage"].to_numpy(), reference.hat_matrix_diag, rtol=1e-9)
    np.testing.assert_allclose(table["cooks_distance"].to_numpy(), reference.cooks_distance[0], rtol=1e-8)
    np.testing.assert_allclose(
        table["studentised_residual"].to_numpy(), reference.resid_studentized_external, rtol=1e-8
    )
    full_slope = np.polyfit(x, y, 1)[0]
    deleted = [full_slope - np.polyfit(np.delete(x, i), np.delete(y, i), 1)[0] for i in range(len(y))]
    np.testing.assert_allclose(table["dfbeta_slope"].to_numpy(), deleted, rtol=1e-8)
    assert table.columns == ["city", "fiscal_year", "leverage", "cooks_distance",
                             "dfbeta_slope", "studentised_residual"]


# --------------------------------------------------------------------- summaries


def test_summarise_fits_is_tidy_and_deterministic():
    panel = synthetic_panel(n_cities=5, years_per_city=3, effect=0.3, noise_sd=0.03, seed=17)
    results = [
        regression.fit_ols(panel),
        regression.fit_fractional_logit(panel),
        regression.permutation_test(panel, n_permutations=199, seed=1),
        regression.wild_bootstrap_ci(panel, n_boot=199, seed=1),
    ]
    table = regression.summarise_fits(results)
    assert table.columns[:11] == ["model", "estimand", "scale", "n", "n_cities", "basis", "x",
                                  "log_x", "city_effects", "slope", "ci_low"]
    assert {"p_value", "p_value_method"} <= set(table.columns)
    assert table.height == 5  # the fractional logit contributes slope and AME rows
    assert table.filter(pl.col("estimand") == "average marginal effect")["scale"].to_list() == ["fraction"]
    assert table.filter(pl.col("model").str.starts_with("permutation"))["ci_low"].null_count() == 1
    assert table.equals(regression.summarise_fits(results))


def test_compare_methods_reports_every_method_and_why_some_fail():
    table = regression.compare_methods(FOUR_CITIES, n_permutations=999, n_boot=999)
    failed = table.filter(pl.col("slope").is_null())
    assert failed.select("model", "city_effects").rows() == [("ols-hc3", True),
                                                             ("mixed-random-intercept", False)]
    assert table.height == 8  # 7 methods, the fractional logit with an extra AME row
    assert all(note.startswith("not estimable:") for note in failed["notes"].to_list())
    assert table.equals(regression.compare_methods(FOUR_CITIES, n_permutations=999, n_boot=999))
    printed = str(table.to_dicts())
    assert not re.search(r"\d{4}-\d{2}-\d{2}", printed)  # no dates in anything shown


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(0.01, 100.0))
def test_ols_slope_ignores_row_order_and_spending_units_on_log_scale(seed, scale):
    panel = linear_panel(n_cities=4, years=2, seed=seed)
    shuffled = panel.sample(fraction=1.0, shuffle=True, seed=seed)
    rescaled = panel.with_columns(spending_yuan=pl.col("spending_yuan") * scale)
    base = regression.fit_ols(panel)
    assert regression.fit_ols(shuffled) == base
    assert regression.fit_ols(rescaled).slope == pytest.approx(base.slope, rel=1e-6, abs=1e-12)
    assert regression.permutation_test(shuffled, n_permutations=99) == regression.permutation_test(
        panel, n_permutations=99
    )
