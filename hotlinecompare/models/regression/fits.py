"""Model fits of satisfaction on spending: OLS, fractional logit, mixed model.

Each returns a :class:`FitResult` with the spending slope, an interval, a
p-value and the caveats (``notes``) that the sample size calls for.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats

from hotlinecompare.models.regression.design import (
    _SLOPE,
    _build_design,
    _checked_hat_values,
    _Design,
    _join_notes,
    _require_leverage_below_one,
)

# Below this many observations HC-type intervals are unreliable even with the
# HC3 correction (MacKinnon & White 1985; Long & Ervin 2000 simulations).
SMALL_N_THRESHOLD = 20

_ROBUST_COV_TYPES = ("HC0", "HC1", "HC2", "HC3")


@dataclass(frozen=True)
class FitResult:
    """One fitted model: the spending slope, its uncertainty and caveats.

    ``scale`` says what the slope measures: "fraction" (satisfaction as a
    fraction, OLS and mixed model) or "logit" (fractional logit). For the
    fractional logit the ``ame_*`` fields hold the average marginal effect on
    the fraction scale, comparable with the OLS slope.
    """

    model: str
    x: str
    log_x: bool
    city_effects: bool
    slope: float
    intercept: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    p_value_method: str
    interval_method: str
    n: int
    n_cities: int
    basis: str
    scale: str
    notes: str
    ame: float | None = None
    ame_se: float | None = None
    ame_ci_low: float | None = None
    ame_ci_high: float | None = None
    ame_p_value: float | None = None
    # Extra named scalars (e.g. variance components of the mixed model).
    extra: tuple[tuple[str, float], ...] = ()


# --------------------------------------------------------------------------
# Notes and intervals shared by the fits
# --------------------------------------------------------------------------


def _sample_size_notes(design: _Design, *, method: str, city_effects: bool) -> list[str]:
    notes = []
    if design.n < SMALL_N_THRESHOLD:
        notes.append(
            f"n={design.n}: {method} intervals are unreliable below ~{SMALL_N_THRESHOLD} "
            "observations; see permutation p-value and wild-bootstrap interval"
        )
    if design.n_cities < design.n and not city_effects:
        notes.append(
            f"{design.n} city-years from {design.n_cities} cities treated as independent; "
            "within-city correlation would make this interval too narrow "
            "(see leave_one_city_out, wild_bootstrap_ci(cluster_by_city=True))"
        )
    return notes


def _call_recording_warnings(function, *args, **kwargs):
    """Run a statsmodels call, returning (result, sorted unique warning texts)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function(*args, **kwargs)
    messages = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    return result, messages


def _t_interval(estimate: float, se: float, df: float, level: float = 0.95):
    half_width = float(stats.t.ppf(0.5 + level / 2, df)) * se
    p_value = 2 * stats.t.sf(abs(estimate / se), df) if se > 0 else float("nan")
    return float(estimate - half_width), float(estimate + half_width), float(p_value)


# --------------------------------------------------------------------------
# Fits
# --------------------------------------------------------------------------


def fit_ols(
    panel: pl.DataFrame,
    *,
    x: str = "spending_yuan",
    log_x: bool = True,
    city_effects: bool = False,
    cov_type: str = "HC3",
    allow_mixed: bool = False,
) -> FitResult:
    """OLS of satisfaction on (log) spending with heteroskedasticity-robust SEs.

    HC3 is the default because it is the least size-distorted HC estimator in
    small samples (MacKinnon & White 1985). Intervals and p-values use a t
    distribution with n - k degrees of freedom, not the normal, as a
    small-sample convention.

    ``city_effects=True`` adds a dummy per city (within-city slope). Cities
    with a single row are dropped with a note, because their dummy fits them
    exactly (they carry no within-city information and have leverage 1, which
    makes HC3 undefined); if no city has more than one row, ValueError.
    """
    import statsmodels.api as sm

    cov_type = _normalise_cov_type(cov_type)
    design = _build_design(
        panel, x=x, log_x=log_x, city_effects=city_effects, allow_mixed=allow_mixed
    )
    if cov_type in ("HC2", "HC3"):
        _checked_hat_values(design)
    result, warning_texts = _call_recording_warnings(
        sm.OLS(design.y, design.exog).fit, cov_type=cov_type, use_t=True
    )
    slope = float(result.params[_SLOPE])
    se = float(result.bse[_SLOPE])
    ci_low, ci_high = (float(v) for v in result.conf_int(alpha=0.05)[_SLOPE])
    df = int(result.df_resid)
    return FitResult(
        model=f"ols-{cov_type.lower()}",
        x=x,
        log_x=log_x,
        city_effects=city_effects,
        slope=slope,
        intercept=float(result.params[0]),
        se=se,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=float(result.pvalues[_SLOPE]),
        p_value_method=f"wald-t ({cov_type}, df={df})",
        interval_method=f"wald-t 95% ({cov_type}, df={df})",
        n=design.n,
        n_cities=design.n_cities,
        basis=design.basis,
        scale="fraction",
        notes=_join_notes(
            design.notes,
            _sample_size_notes(design, method=cov_type, city_effects=city_effects),
            warning_texts,
        ),
    )


def _normalise_cov_type(cov_type: str) -> str:
    normalised = cov_type.upper() if cov_type.lower() != "nonrobust" else "nonrobust"
    if normalised not in (*_ROBUST_COV_TYPES, "nonrobust"):
        raise ValueError(f"cov_type must be one of {_ROBUST_COV_TYPES + ('nonrobust',)}, got {cov_type!r}")
    return normalised


def fit_fractional_logit(
    panel: pl.DataFrame,
    *,
    x: str = "spending_yuan",
    log_x: bool = True,
    city_effects: bool = False,
    cov_type: str = "HC1",
    allow_mixed: bool = False,
) -> FitResult:
    """Fractional logit (Papke & Wooldridge 1996) of satisfaction on spending.

    A binomial GLM with logit link fitted to the fraction itself by
    quasi-maximum likelihood: consistent whenever E[satisfaction | x] is
    logistic, whatever the distribution of the fraction, provided the
    covariance is a robust sandwich. ``cov_type``:

    * "HC0" / "HC1": statsmodels' sandwich (HC1 scales by n / (n - k)); the
      default, HC1, is the usual Papke-Wooldridge choice.
    * "HC3": the same sandwich with each score inflated by 1 / (1 - h_ii),
      h the GLM (weighted) hat values - the HC3 idea of MacKinnon & White
      (1985) carried to the GLM. In this package's simulations HC1 covers
      ~0.91 at n = 12 and ~0.93 at n = 40, HC3 ~0.95 at both, so prefer HC3
      for the small panels we have.

    ``slope`` is on the logit scale; ``ame`` is the average marginal effect
    d E[satisfaction] / d regressor (fraction scale) with a delta-method
    interval. Intervals use t(n - k), a conservative small-sample convention
    on top of the asymptotic theory.
    """
    import statsmodels.api as sm

    cov_type = _normalise_cov_type(cov_type)
    if cov_type not in ("HC0", "HC1", "HC3"):
        raise ValueError(
            "fractional logit needs a robust sandwich covariance: cov_type 'HC0', 'HC1' or 'HC3'"
        )
    design = _build_design(
        panel, x=x, log_x=log_x, city_effects=city_effects, allow_mixed=allow_mixed
    )
    model = sm.GLM(design.y, design.exog, family=sm.families.Binomial())
    if cov_type == "HC3":
        result, warning_texts = _call_recording_warnings(model.fit)
        params = np.asarray(result.params, dtype=float)
        covariance = _logit_hc3_covariance(design, params)
    else:
        result, warning_texts = _call_recording_warnings(model.fit, cov_type=cov_type)
        params = np.asarray(result.params, dtype=float)
        covariance = np.asarray(result.cov_params(), dtype=float)
    df = design.n - design.k
    slope, se = float(params[_SLOPE]), float(math.sqrt(covariance[_SLOPE, _SLOPE]))
    ci_low, ci_high, p_value = _t_interval(slope, se, df)
    ame, ame_se = _average_marginal_effect(design.exog, params, covariance)
    ame_ci_low, ame_ci_high, ame_p_value = _t_interval(ame, ame_se, df)
    return FitResult(
        model=f"fractional-logit-{cov_type.lower()}",
        x=x,
        log_x=log_x,
        city_effects=city_effects,
        slope=slope,
        intercept=float(params[0]),
        se=se,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p_value,
        p_value_method=f"wald-t ({cov_type} sandwich, df={df})",
        interval_method=f"wald-t 95% ({cov_type} sandwich, df={df})",
        n=design.n,
        n_cities=design.n_cities,
        basis=design.basis,
        scale="logit",
        notes=_join_notes(
            design.notes,
            _sample_size_notes(design, method=f"{cov_type} sandwich", city_effects=city_effects),
            warning_texts,
        ),
        ame=ame,
        ame_se=ame_se,
        ame_ci_low=ame_ci_low,
        ame_ci_high=ame_ci_high,
        ame_p_value=ame_p_value,
    )


def _logit_mean_and_density(exog: np.ndarray, params: np.ndarray):
    """Fitted mean of the logit model and its derivative mean * (1 - mean)."""
    mean = 1.0 / (1.0 + np.exp(-(exog @ params)))
    return mean, mean * (1.0 - mean)


def _logit_hc3_covariance(design: _Design, params: np.ndarray) -> np.ndarray:
    """GLM sandwich with scores scaled by 1 / (1 - h_ii) (HC3 analogue)."""
    exog = design.exog
    mean, weight = _logit_mean_and_density(exog, params)
    bread = np.linalg.inv(exog.T @ (weight[:, None] * exog))
    hat = weight * np.einsum("ij,jk,ik->i", exog, bread, exog)
    _require_leverage_below_one(design, hat)
    scaled_squared_scores = (design.y - mean) ** 2 / (1.0 - hat) ** 2
    meat = exog.T @ (scaled_squared_scores[:, None] * exog)
    return bread @ meat @ bread


def _average_marginal_effect(exog: np.ndarray, params: np.ndarray, covariance: np.ndarray):
    """AME of the regressor in a logit mean model, with a delta-method SE."""
    mean, density = _logit_mean_and_density(exog, params)
    ame = params[_SLOPE] * density.mean()
    # d AME / d params = mean(density) e_slope + slope * mean(density (1 - 2 mean) x_i)
    gradient = params[_SLOPE] * ((density * (1.0 - 2.0 * mean))[:, None] * exog).mean(axis=0)
    gradient[_SLOPE] += density.mean()
    return float(ame), float(math.sqrt(gradient @ covariance @ gradient))


def fit_mixed(
    panel: pl.DataFrame,
    *,
    x: str = "spending_yuan",
    log_x: bool = True,
    reml: bool = True,
    allow_mixed: bool = False,
) -> FitResult:
    """Linear mixed model with a random intercept per city (statsmodels MixedLM).

    Needs at least two cities and at least one city observed in more than one
    year; otherwise the city variance cannot be told apart from the residual
    variance and ValueError is raised. ValueError too if the optimiser does
    not converge (its numbers would be arbitrary).

    The slope's standard error is the GLS one conditional on the estimated
    variance components, (sum_g X_g' V_g^-1 X_g)^-1, as nlme and lme4 report
    it; unlike statsmodels' Hessian-based ``bse_fe`` it stays defined when
    the city variance is estimated at its boundary of 0 (the model then
    reduces to pooled OLS with the usual OLS standard error). Intervals are
    Wald-z: they ignore the uncertainty in the variance components and are
    too narrow with few cities. ``extra`` holds the city and residual SDs.
    """
    import statsmodels.api as sm

    # Two variance components (city, residual) on top of the fixed effects.
    design = _build_design(
        panel, x=x, log_x=log_x, city_effects=False, allow_mixed=allow_mixed, extra_parameters=2
    )
    _require_repeated_cities(design)
    model = sm.MixedLM(design.y, design.exog, groups=design.city_codes)
    result, warning_texts = _call_recording_warnings(model.fit, reml=reml)
    if not result.converged:
        # A non-converged optimiser returns arbitrary numbers: refuse, do not report them.
        raise ValueError(
            f"MixedLM did not converge on these {design.n} rows from {design.n_cities} cities; "
            "the random-intercept model is not estimable here (use fit_ols or permutation_test)"
        )
    fixed = np.asarray(result.fe_params, dtype=float)
    residual_variance = float(result.scale)
    city_variance = max(float(np.asarray(result.cov_re)[0, 0]), 0.0)
    covariance = _random_intercept_gls_covariance(
        design.exog, design.city_codes, city_variance, residual_variance
    )
    slope, se = float(fixed[_SLOPE]), float(math.sqrt(covariance[_SLOPE, _SLOPE]))
    z = float(stats.norm.ppf(0.975))
    estimation = "REML" if reml else "ML"
    return FitResult(
        model="mixed-random-intercept",
        x=x,
        log_x=log_x,
        city_effects=False,
        slope=slope,
        intercept=float(fixed[0]),
        se=se,
        ci_low=slope - z * se,
        ci_high=slope + z * se,
        p_value=float(2 * stats.norm.sf(abs(slope / se))),
        p_value_method=f"wald-z ({estimation}, GLS se)",
        interval_method=f"wald-z 95% ({estimation}, GLS se)",
        n=design.n,
        n_cities=design.n_cities,
        basis=design.basis,
        scale="fraction",
        notes=_join_notes(
            design.notes, _mixed_notes(design, result, warning_texts, city_variance, residual_variance)
        ),
        extra=(("city_sd", math.sqrt(city_variance)), ("residual_sd", math.sqrt(residual_variance))),
    )


def _random_intercept_gls_covariance(exog, city_codes, city_variance, residual_variance):
    """(sum_g X_g' V_g^-1 X_g)^-1 with V_g = s2 I + t2 11' (closed-form inverse)."""
    information = np.zeros((exog.shape[1], exog.shape[1]))
    for code in range(city_codes.max() + 1):
        rows = exog[city_codes == code]
        size = rows.shape[0]
        shrink = city_variance / (residual_variance + size * city_variance)
        column_sums = rows.sum(axis=0)
        information += (rows.T @ rows - shrink * np.outer(column_sums, column_sums)) / residual_variance
    return np.linalg.inv(information)


def _mixed_notes(design: _Design, result, warning_texts, city_variance, residual_variance) -> list[str]:
    notes = [
        "Wald-z intervals ignore variance-component uncertainty; "
        f"with {design.n_cities} cities they are too narrow"
    ]
    # Judge the boundary from the estimate: statsmodels warns about it during
    # intermediate optimiser steps even when the final estimate is interior.
    if city_variance < 1e-4 * residual_variance:
        notes.append("city variance estimated at its boundary (~0): the fit is effectively pooled OLS")
    routine = ("boundary", "Retrying", "failed to converge", "singular")
    notes.extend(text for text in warning_texts if not any(word in text for word in routine))
    return notes


def _require_repeated_cities(design: _Design) -> None:
    counts = np.bincount(design.city_codes)
    if counts.size < 2:
        raise ValueError("a random intercept per city needs at least two cities; the panel has one")
    if counts.max() <= 1:
        raise ValueError(
            "a random intercept per city needs at least one city observed in more than one year; "
            "every city has a single row, so city variance is not separable from residual variance "
            "(use fit_ols)"
        )

