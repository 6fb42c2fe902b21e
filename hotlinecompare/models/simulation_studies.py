"""Coverage and power studies on synthetic panels (:mod:`hotlinecompare.models.panel_simulation`).

* ``coverage_study`` repeats a fit many times and reports bias, RMSE and the 95 % interval's coverage
  (with a Clopper-Pearson interval for the coverage itself, so "0.93 from 200 reps" is not over-read).
* ``power_curve`` shows how many city-years are needed before an effect of a given size is likely to be
  detected; its OLS-HC3 path is vectorised with numpy so that a notebook can draw a useful curve in seconds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import polars as pl
from scipy import stats

from hotlinecompare.models import regression
from hotlinecompare.models.panel_simulation import (
    _DEFAULT_EFFECT,
    _ESTIMATOR_OUTCOME,
    DEFAULT_SPENDING_LOG_MEAN,
    _draw,
    _layout_from_n_obs,
    _layout_from_years,
    _panel_frame,
    _Truth,
    clopper_pearson_interval,
)
from hotlinecompare.models.regression import permutation


def _estimate_with(estimator: str, *, city_effects: bool, cov_type: str | None, level: float,
                   n_boot: int, weights: str, bootstrap_interval: str,
                   n_permutations: int) -> Callable:
    """Return f(panel, seed) -> (estimate, ci_low, ci_high, p_value) for one estimator."""
    cov_kwargs = {} if cov_type is None else {"cov_type": cov_type}
    if estimator == "ols":
        def run(panel, seed):
            fit = regression.fit_ols(panel, city_effects=city_effects, **cov_kwargs)
            return fit.slope, fit.ci_low, fit.ci_high, fit.p_value
    elif estimator == "fractional_logit":
        def run(panel, seed):
            fit = regression.fit_fractional_logit(panel, city_effects=city_effects, **cov_kwargs)
            return fit.slope, fit.ci_low, fit.ci_high, fit.p_value
    elif estimator == "mixed":
        def run(panel, seed):
            fit = regression.fit_mixed(panel)
            return fit.slope, fit.ci_low, fit.ci_high, fit.p_value
    elif estimator == "wild_bootstrap":
        def run(panel, seed):
            fit = regression.wild_bootstrap_ci(
                panel, city_effects=city_effects, n_boot=n_boot, weights=weights,
                interval=bootstrap_interval, level=level, seed=seed,
            )
            return fit.slope, fit.ci_low, fit.ci_high, fit.p_value
    elif estimator == "wild_cluster_bootstrap":
        # Weights drawn per city and CRV1 t-statistics: the interval notebook 04 recommends with repeated years.
        def run(panel, seed):
            fit = regression.wild_bootstrap_ci(
                panel, city_effects=city_effects, cluster_by_city=True, n_boot=n_boot, weights=weights,
                interval=bootstrap_interval, level=level, seed=seed,
            )
            return fit.slope, fit.ci_low, fit.ci_high, fit.p_value
    elif estimator == "permutation":
        def run(panel, seed):
            test = regression.permutation_test(
                panel, city_effects=city_effects, n_permutations=n_permutations, seed=seed
            )
            return test.slope, math.nan, math.nan, test.p_value
    else:
        raise ValueError(f"estimator must be one of {sorted(_ESTIMATOR_OUTCOME)}, got {estimator!r}")
    return run


def coverage_study(
    *,
    estimator: str = "ols",
    n_reps: int = 500,
    n_cities: int = 10,
    years_per_city: int | Sequence[int] = 4,
    effect: float | None = None,
    noise_sd: float = 0.02,
    city_sd: float = 0.0,
    outcome: str | None = None,
    city_effects: bool = False,
    cov_type: str | None = None,
    level: float = 0.95,
    n_boot: int = 199,
    weights: str = "webb",
    bootstrap_interval: str = "test-inversion",
    n_permutations: int = 199,
    baseline: float = 0.9,
    spending_log_mean: float = DEFAULT_SPENDING_LOG_MEAN,
    spending_log_sd: float = 0.5,
    spending_within_share: float = 0.25,
    seed: int = 0,
) -> pl.DataFrame:
    """Bias, RMSE, interval coverage and rejection rate of one estimator.

    ``estimator``: "ols" (fit_ols, HC3), "fractional_logit", "mixed",
    "wild_bootstrap" (``bootstrap_interval`` = "test-inversion" or
    "percentile-t"; ``n_boot`` draws of ``weights``), "wild_cluster_bootstrap"
    (the same with weights drawn per city and CRV1 t-statistics) or
    "permutation" (no interval: coverage is null, rejection rate only).
    ``cov_type`` is passed to fit_ols / fit_fractional_logit (None = their
    defaults, HC3 and HC1).

    ``outcome`` defaults to the model under which ``effect`` is the
    estimator's target ("linear" for OLS-type estimators, "logit" for the
    fractional logit); a mismatched pair is refused because the true value
    of the estimand would not be ``effect``. ``effect`` defaults to 0.02
    (linear) or 0.3 (logit). The rejection rate is the share of p-values
    below 1 - level: power when effect != 0, size when effect == 0.
    Fits that raise ValueError are counted in ``n_failed`` and left out.
    """
    if n_reps < 1:
        raise ValueError("n_reps must be >= 1")
    expected_outcome = _ESTIMATOR_OUTCOME.get(estimator)
    run = _estimate_with(estimator, city_effects=city_effects, cov_type=cov_type, level=level,
                         n_boot=n_boot, weights=weights, bootstrap_interval=bootstrap_interval,
                         n_permutations=n_permutations)
    outcome = outcome or expected_outcome
    if outcome != expected_outcome:
        raise ValueError(
            f"estimator {estimator!r} targets effect under outcome={expected_outcome!r}; "
            f"with outcome={outcome!r} its true value is not `effect`"
        )
    effect = _DEFAULT_EFFECT[outcome] if effect is None else effect
    truth = _Truth(effect, noise_sd, city_sd, spending_log_mean, spending_log_sd,
                   spending_within_share, baseline, outcome)
    layout = _layout_from_years(n_cities, years_per_city)
    rng = np.random.default_rng(seed)
    log_spending, satisfaction = _draw(rng, layout, truth, n_reps)
    rep_seeds = rng.integers(0, 2**31 - 1, size=n_reps)

    estimates = np.full((n_reps, 4), np.nan)
    failed = 0
    for rep in range(n_reps):
        panel = _panel_frame(layout, log_spending[rep], satisfaction[rep], first_year=2019)
        try:
            estimates[rep] = run(panel, int(rep_seeds[rep]))
        except ValueError:
            failed += 1
    return _coverage_row(estimator, outcome, layout, n_reps, failed, effect, estimates, 1 - level)


def _coverage_row(estimator, outcome, layout, n_reps, failed, effect, estimates, alpha) -> pl.DataFrame:
    ok = ~np.isnan(estimates[:, 0])
    slope, ci_low, ci_high, p_value = (estimates[ok, j] for j in range(4))
    successes = int(ok.sum())
    has_interval = successes > 0 and not np.all(np.isnan(ci_low))
    covered = int(np.sum((ci_low <= effect) & (effect <= ci_high)))
    rejected = int(np.sum(p_value <= alpha))
    coverage_low, coverage_high = clopper_pearson_interval(covered, max(successes, 1))
    rejection_low, rejection_high = clopper_pearson_interval(rejected, max(successes, 1))
    mean_estimate = float(slope.mean()) if successes else math.nan
    return pl.DataFrame(
        {
            "estimator": [estimator],
            "outcome": [outcome],
            "n_obs": [layout.n_obs],
            "n_cities": [layout.n_cities],
            "n_reps": [n_reps],
            "n_failed": [failed],
            "true_effect": [float(effect)],
            "mean_estimate": [mean_estimate],
            "bias": [mean_estimate - effect],
            "rmse": [float(np.sqrt(np.mean((slope - effect) ** 2))) if successes else math.nan],
            "coverage": [covered / successes if has_interval else None],
            "coverage_ci_low": [coverage_low if has_interval else None],
            "coverage_ci_high": [coverage_high if has_interval else None],
            "mean_ci_width": [float(np.mean(ci_high - ci_low)) if has_interval else None],
            "rejection_rate": [rejected / successes if successes else math.nan],
            "rejection_ci_low": [rejection_low],
            "rejection_ci_high": [rejection_high],
        },
        schema_overrides={
            "coverage": pl.Float64, "coverage_ci_low": pl.Float64,
            "coverage_ci_high": pl.Float64, "mean_ci_width": pl.Float64,
        },
    )


def _ols_hc3_p_values(log_spending: np.ndarray, satisfaction: np.ndarray) -> np.ndarray:
    """Two-sided HC3 t-test p-values of the slope, one per row (vectorised fit_ols)."""
    n = log_spending.shape[1]
    x_centred = log_spending - log_spending.mean(axis=1, keepdims=True)
    y_centred = satisfaction - satisfaction.mean(axis=1, keepdims=True)
    sxx = np.sum(x_centred**2, axis=1)
    slope = np.sum(x_centred * y_centred, axis=1) / sxx
    residuals = y_centred - slope[:, None] * x_centred
    leverage = 1.0 / n + x_centred**2 / sxx[:, None]
    # HC3 sandwich for a simple regression (MacKinnon & White 1985).
    variance = np.sum(x_centred**2 * residuals**2 / (1 - leverage) ** 2, axis=1) / sxx**2
    return 2 * stats.t.sf(np.abs(slope / np.sqrt(variance)), df=n - 2)


def _permutation_p_values(rng, log_spending, satisfaction, n_permutations) -> np.ndarray:
    """Permutation p-values per row, exactly as regression.permutation_test computes them."""
    n_reps, n = log_spending.shape
    exact = math.factorial(n) <= n_permutations
    blocks = [np.arange(n)]
    shared = permutation._all_permutations(blocks, n) if exact else None
    p_values = np.empty(n_reps)
    for rep in range(n_reps):
        orders = shared if exact else permutation._random_permutations(rng, blocks, n, n_permutations)
        x_centred = log_spending[rep] - log_spending[rep].mean()
        y_centred = satisfaction[rep] - satisfaction[rep].mean()
        _, p_values[rep] = permutation._permutation_p_value(x_centred, y_centred, orders, exact=exact)
    return p_values


def power_curve(
    *,
    effects: Sequence[float],
    n_obs_grid: Sequence[int],
    n_reps: int = 500,
    alpha: float = 0.05,
    method: str = "ols-hc3",
    n_cities: int = 4,
    noise_sd: float = 0.02,
    city_sd: float = 0.0,
    outcome: str = "linear",
    n_permutations: int = 199,
    baseline: float = 0.9,
    spending_log_mean: float = DEFAULT_SPENDING_LOG_MEAN,
    spending_log_sd: float = 0.5,
    spending_within_share: float = 0.25,
    seed: int = 0,
) -> pl.DataFrame:
    """Probability of rejecting "no association" at ``alpha``, by size and effect.

    ``n_obs_grid`` counts city-years, spread round-robin over ``n_cities``
    cities (a 4-city panel with 12 rows is 3 years per city). ``method``:
    "ols-hc3" (pooled OLS, HC3 t-test with n - 2 df, vectorised over
    replications; identical to fit_ols) or "permutation" (as
    permutation_test: exact enumeration when n! <= n_permutations, else
    Monte Carlo with (b+1)/(m+1)). Tiny panels have a floor on attainable
    p-values (1/n! for the permutation test), which caps their power.

    For each n_obs the generator is seeded with (seed, n_obs) and reused for
    every effect (common random numbers), so curves are smooth in the effect
    and a cell does not change when the grid around it changes.
    Columns: method, n_obs, n_cities, effect, n_reps, power, power_ci_low,
    power_ci_high (Clopper-Pearson 95 %).
    """
    if method not in ("ols-hc3", "permutation"):
        raise ValueError(f"method must be 'ols-hc3' or 'permutation', got {method!r}")
    if min(n_obs_grid) < 3:
        raise ValueError("every n_obs must be >= 3 (a slope and intercept need one residual df)")
    rows = []
    for n_obs in n_obs_grid:
        layout = _layout_from_n_obs(int(n_obs), n_cities)
        for effect in effects:
            truth = _Truth(float(effect), noise_sd, city_sd, spending_log_mean, spending_log_sd,
                           spending_within_share, baseline, outcome)
            rng = np.random.default_rng([seed, int(n_obs)])
            log_spending, satisfaction = _draw(rng, layout, truth, n_reps)
            if method == "ols-hc3":
                p_values = _ols_hc3_p_values(log_spending, satisfaction)
            else:
                p_values = _permutation_p_values(rng, log_spending, satisfaction, n_permutations)
            rejections = int(np.sum(p_values <= alpha))
            low, high = clopper_pearson_interval(rejections, n_reps)
            rows.append({
                "method": method, "n_obs": int(n_obs), "n_cities": layout.n_cities,
                "effect": float(effect), "n_reps": n_reps, "power": rejections / n_reps,
                "power_ci_low": low, "power_ci_high": high,
            })
    return pl.DataFrame(rows, schema={
        "method": pl.String, "n_obs": pl.Int64, "n_cities": pl.Int64, "effect": pl.Float64,
        "n_reps": pl.Int64, "power": pl.Float64, "power_ci_low": pl.Float64,
        "power_ci_high": pl.Float64,
    })
