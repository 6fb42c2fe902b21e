"""Regression of hotline satisfaction on spending, honest at small n.

There are only a handful of cities and years, so every function here is built
to (a) refuse to answer when the data cannot support the model, (b) say how
uncertain the answer is, with small-sample methods beside the textbook ones,
and (c) never silently pool actual outcomes with targets.

All functions are pure: a polars panel plus keyword parameters in, a frozen
dataclass or a polars frame out. Random numbers come only from
``numpy.random.default_rng(seed)``; no dates, no file I/O, no module state.

Panel contract (built elsewhere in the package)::

    city (str), fiscal_year (int), basis ("actual" | "target"),
    measure (str), satisfaction (fraction in (0, 1]), spending_yuan (> 0),
    optional extra spending columns, fact_ids (';'-joined provenance ids)

The slope is always "change in satisfaction per unit of the regressor"; with
``log_x=True`` (the default) the regressor is ``ln(x)``, so a 10 % rise in
spending moves satisfaction by ``slope * ln(1.1)`` (fraction scale for OLS,
logit scale for the fractional logit).
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np
import polars as pl
from scipy import stats

__all__ = [
    "FitResult",
    "PermutationResult",
    "BootstrapResult",
    "check_basis",
    "fit_ols",
    "fit_fractional_logit",
    "fit_mixed",
    "permutation_test",
    "wild_bootstrap_ci",
    "leave_one_city_out",
    "influence",
    "summarise_fits",
    "compare_methods",
    "SMALL_N_THRESHOLD",
]

# Below this many observations HC-type intervals are unreliable even with the
# HC3 correction (MacKinnon & White 1985; Long & Ervin 2000 simulations).
SMALL_N_THRESHOLD = 20

# Webb (2013) six-point weights: mean 0, variance 1, symmetric; 6^G distinct
# draws instead of the 2^G that Rademacher weights give with G clusters.
_WEBB_WEIGHTS = np.array(
    [-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)]
)
_RADEMACHER_WEIGHTS = np.array([-1.0, 1.0])

_ROBUST_COV_TYPES = ("HC0", "HC1", "HC2", "HC3")


# --------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------


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


@dataclass(frozen=True)
class PermutationResult:
    """Permutation test of "no association" using the OLS slope as statistic."""

    model: str
    x: str
    log_x: bool
    city_effects: bool
    slope: float
    p_value: float
    p_value_method: str
    n_permutations: int
    exact: bool
    min_attainable_p_value: float
    n: int
    n_cities: int
    basis: str
    notes: str


@dataclass(frozen=True)
class BootstrapResult:
    """Wild (cluster) bootstrap interval and p-value for the OLS slope."""

    model: str
    x: str
    log_x: bool
    city_effects: bool
    cluster_by_city: bool
    weights: str
    slope: float
    se: float
    ci_low: float
    ci_high: float
    level: float
    p_value: float
    p_value_method: str
    interval_method: str
    n_boot: int
    enumerated: bool
    min_attainable_p_value: float
    n: int
    n_cities: int
    basis: str
    notes: str


# --------------------------------------------------------------------------
# Input checks and the design matrix
# --------------------------------------------------------------------------


def check_basis(panel: pl.DataFrame, allow_mixed: bool = False) -> str:
    """Return the panel's single basis, or "mixed" when pooling is allowed.

    Actual outcomes and targets measure different things (what happened vs
    what was promised), so a fit must not pool them unless asked explicitly.
    """
    if "basis" not in panel.columns:
        raise ValueError("panel has no 'basis' column; every row must say 'actual' or 'target'")
    if panel.height == 0:
        raise ValueError("panel is empty")
    n_missing = panel["basis"].null_count()
    if n_missing:
        raise ValueError(f"{n_missing} row(s) have no basis; label each row 'actual' or 'target'")
    bases = sorted(panel["basis"].unique().to_list())
    if len(bases) == 1:
        return bases[0]
    if not allow_mixed:
        raise ValueError(
            f"panel mixes bases {bases}: actual outcomes and targets must not be pooled in one "
            "fit; filter the panel to one basis, or pass allow_mixed=True to pool them deliberately"
        )
    return "mixed"


@dataclass(frozen=True)
class _Design:
    """Numeric arrays for one fit, rows sorted by (city, fiscal_year)."""

    y: np.ndarray
    regressor: np.ndarray
    exog: np.ndarray
    exog_names: tuple[str, ...]
    cities: np.ndarray
    city_codes: np.ndarray
    years: np.ndarray
    basis: str
    notes: tuple[str, ...]

    @property
    def n(self) -> int:
        return int(self.y.shape[0])

    @property
    def k(self) -> int:
        return int(self.exog.shape[1])

    @property
    def n_cities(self) -> int:
        return int(np.unique(self.cities).shape[0])


_SLOPE = 1  # column index of the spending regressor in every design


def _build_design(
    panel: pl.DataFrame,
    *,
    x: str,
    log_x: bool,
    city_effects: bool,
    allow_mixed: bool,
    extra_parameters: int = 0,
) -> _Design:
    """Validate the panel and build y, the regressor and the design matrix."""
    basis = check_basis(panel, allow_mixed=allow_mixed)
    notes: list[str] = []
    if basis == "mixed":
        notes.append("basis=mixed: actual outcomes and targets pooled on request")
    _require_columns(panel, ["city", "fiscal_year", "satisfaction", x])
    _require_single_measure(panel)

    city, year, y, spending, row_basis = _numeric_columns(panel, x)
    usable = np.isfinite(y) & np.isfinite(spending) & np.isfinite(year) & (city != None)  # noqa: E711
    if not usable.all():
        notes.append(f"dropped {int((~usable).sum())} row(s) with missing satisfaction, {x}, city or year")
        city, year, y, spending, row_basis = (a[usable] for a in (city, year, y, spending, row_basis))
    year = year.astype(np.int64)
    _validate_values(y, spending, x=x, log_x=log_x)
    _require_unique_city_years(city, year, row_basis)

    order = np.lexsort((row_basis, year, city))
    city, year, y, spending = city[order], year[order], y[order], spending[order]

    if city_effects:
        city, year, y, spending, dropped = _drop_single_row_cities(city, year, y, spending)
        if dropped:
            # A city seen once is fitted exactly by its own dummy (leverage 1):
            # it cannot inform the within-city slope and would break HC3.
            notes.append(
                f"city_effects: dropped {len(dropped)} single-row cit{'y' if len(dropped) == 1 else 'ies'} "
                f"({', '.join(dropped)}), which carry no within-city information"
            )

    regressor = np.log(spending) if log_x else spending
    city_names, city_codes = np.unique(city, return_inverse=True)
    columns = [np.ones_like(regressor), regressor]
    names = ["intercept", f"log({x})" if log_x else x]
    if city_effects:
        for code, name in enumerate(city_names[1:], start=1):
            columns.append((city_codes == code).astype(float))
            names.append(f"city[{name}]")
    exog = np.column_stack(columns)
    design = _Design(
        y=y,
        regressor=regressor,
        exog=exog,
        exog_names=tuple(names),
        cities=city,
        city_codes=city_codes,
        years=year,
        basis=basis,
        notes=tuple(notes),
    )
    _require_estimable(design, extra_parameters=extra_parameters, city_effects=city_effects)
    return design


def _require_columns(panel: pl.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in panel.columns]
    if missing:
        raise ValueError(f"panel is missing column(s) {missing}; it has {panel.columns}")


def _require_single_measure(panel: pl.DataFrame) -> None:
    # Different satisfaction measures (survey vs call-back) are not one outcome.
    if "measure" not in panel.columns:
        return
    measures = sorted(m for m in panel["measure"].unique().to_list() if m is not None)
    if len(measures) > 1:
        raise ValueError(
            f"panel mixes satisfaction measures {measures}; filter it to one measure before fitting"
        )


def _numeric_columns(panel: pl.DataFrame, x: str):
    city = np.asarray(panel["city"].to_list(), dtype=object)
    year = panel["fiscal_year"].cast(pl.Float64).fill_null(float("nan")).to_numpy()
    y = panel["satisfaction"].cast(pl.Float64).fill_null(float("nan")).to_numpy()
    spending = panel[x].cast(pl.Float64).fill_null(float("nan")).to_numpy()
    row_basis = np.asarray(panel["basis"].to_list(), dtype=object)
    as_float = (np.asarray(values, dtype=float) for values in (year, y, spending))
    return (city, *as_float, row_basis)


def _validate_values(y: np.ndarray, spending: np.ndarray, *, x: str, log_x: bool) -> None:
    if y.size == 0:
        raise ValueError("no usable rows after dropping missing values")
    if np.any((y <= 0) | (y > 1)):
        raise ValueError("satisfaction must be a fraction in (0, 1]; found values outside it")
    if log_x and np.any(spending <= 0):
        raise ValueError(f"{x} must be > 0 to take its logarithm (log_x=True)")


def _require_unique_city_years(city: np.ndarray, year: np.ndarray, row_basis: np.ndarray) -> None:
    # Two rows for one city-year (and basis) would count one document twice.
    keys = list(zip(city.tolist(), year.tolist(), row_basis.tolist()))
    if len(set(keys)) != len(keys):
        seen: set = set()
        duplicates = sorted({k for k in keys if k in seen or seen.add(k)}, key=str)
        raise ValueError(f"duplicate (city, fiscal_year, basis) rows: {duplicates[:5]}")


def _drop_single_row_cities(city, year, y, spending):
    names, counts = np.unique(city, return_counts=True)
    if counts.max() <= 1:
        raise ValueError(
            "city_effects=True needs at least one city observed in more than one year; "
            "every city has a single row, so the city dummies would absorb all the data"
        )
    singletons = names[counts == 1]
    keep = ~np.isin(city, singletons)
    return city[keep], year[keep], y[keep], spending[keep], [str(s) for s in singletons]


def _require_estimable(design: _Design, *, extra_parameters: int, city_effects: bool) -> None:
    n, k = design.n, design.k + extra_parameters
    if n <= k:
        raise ValueError(
            f"n={n} observation(s) but the model has {k} parameter(s) "
            f"({', '.join(design.exog_names)}{' + variance components' if extra_parameters else ''}); "
            "a fit needs n > parameters, otherwise there are no residual degrees of freedom"
        )
    if np.linalg.matrix_rank(design.exog) < design.k:
        where = "within cities" if city_effects else "across rows"
        raise ValueError(f"spending does not vary {where}: the slope is not identified")
    if np.ptp(design.y) == 0:
        raise ValueError("satisfaction is constant across rows: there is nothing to explain")


def _hat_values(exog: np.ndarray) -> np.ndarray:
    q, _ = np.linalg.qr(exog)
    return np.einsum("ij,ij->i", q, q)


def _require_leverage_below_one(design: _Design, hat: np.ndarray) -> None:
    # HC2/HC3 divide by (1 - h_ii); a row fitted exactly makes them undefined.
    at_one = np.flatnonzero(hat > 1 - 1e-10)
    if at_one.size:
        rows = [f"{design.cities[i]} {design.years[i]}" for i in at_one]
        raise ValueError(
            f"observation(s) {rows} have leverage 1 (fitted exactly); HC2/HC3 standard errors "
            "are undefined - add data or drop the city effects"
        )


# --------------------------------------------------------------------------
# Notes shared by the fits
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


def _join_notes(*groups: Sequence[str]) -> str:
    return "; ".join(note for group in groups for note in group)


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
        _require_leverage_below_one(design, _hat_values(design.exog))
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


def _logit_hc3_covariance(design: _Design, params: np.ndarray) -> np.ndarray:
    """GLM sandwich with scores scaled by 1 / (1 - h_ii) (HC3 analogue)."""
    exog = design.exog
    mean = 1.0 / (1.0 + np.exp(-(exog @ params)))
    weight = mean * (1.0 - mean)
    bread = np.linalg.inv(exog.T @ (weight[:, None] * exog))
    hat = weight * np.einsum("ij,jk,ik->i", exog, bread, exog)
    _require_leverage_below_one(design, hat)
    scaled_squared_scores = (design.y - mean) ** 2 / (1.0 - hat) ** 2
    meat = exog.T @ (scaled_squared_scores[:, None] * exog)
    return bread @ meat @ bread


def _average_marginal_effect(exog: np.ndarray, params: np.ndarray, covariance: np.ndarray):
    """AME of the regressor in a logit mean model, with a delta-method SE."""
    mean = 1.0 / (1.0 + np.exp(-(exog @ params)))
    density = mean * (1.0 - mean)
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


# --------------------------------------------------------------------------
# Permutation test
# --------------------------------------------------------------------------


def permutation_test(
    panel: pl.DataFrame,
    *,
    x: str = "spending_yuan",
    log_x: bool = True,
    city_effects: bool = False,
    n_permutations: int = 9999,
    seed: int = 0,
    allow_mixed: bool = False,
) -> PermutationResult:
    """Two-sided permutation test of no association, statistic = OLS slope.

    Satisfaction is permuted against spending. Without city effects the OLS
    slope is a monotone function of the correlation under permutation (the
    sums of squares do not change), so both statistics give the same p-value.

    With ``city_effects=True`` the statistic is the within-city slope and
    satisfaction is permuted only within each city (the null is exchangeable
    within cities, so city levels are kept); single-row cities are dropped.

    If the number of distinct permutations (n!, or the product of the
    per-city factorials) is <= ``n_permutations``, all of them are enumerated
    and the p-value is exact, on the grid k / (number of permutations).
    Otherwise ``n_permutations`` random permutations are drawn and
    p = (b + 1) / (m + 1), which counts the observed arrangement and keeps the
    test valid (Phipson & Smyth 2010).
    """
    if n_permutations < 1:
        raise ValueError("n_permutations must be >= 1")
    design = _build_design(
        panel, x=x, log_x=log_x, city_effects=city_effects, allow_mixed=allow_mixed
    )
    blocks = _permutation_blocks(design, city_effects)
    n_distinct = math.prod(math.factorial(len(block)) for block in blocks)
    exact = n_distinct <= n_permutations
    if exact:
        permutations = _all_permutations(blocks, design.n)
    else:
        permutations = _random_permutations(
            np.random.default_rng(seed), blocks, design.n, n_permutations
        )
    x_centred, y_centred = _centre(design, city_effects)
    observed, p_value = _permutation_p_value(x_centred, y_centred, permutations, exact=exact)
    count = permutations.shape[0]
    return PermutationResult(
        model="permutation (within-city slope)" if city_effects else "permutation (ols slope)",
        x=x,
        log_x=log_x,
        city_effects=city_effects,
        slope=observed,
        p_value=p_value,
        p_value_method=(
            f"permutation-exact ({count} permutations{', within city' if city_effects else ''})"
            if exact
            else f"permutation-monte-carlo (b+1)/(m+1), m={count}{', within city' if city_effects else ''}"
        ),
        n_permutations=count,
        exact=exact,
        min_attainable_p_value=1.0 / count if exact else 1.0 / (count + 1),
        n=design.n,
        n_cities=design.n_cities,
        basis=design.basis,
        notes=_join_notes(design.notes, _permutation_notes(design, city_effects)),
    )


def _permutation_notes(design: _Design, city_effects: bool) -> list[str]:
    notes = ["tests the sharp null of no association (exchangeable satisfaction)"]
    if design.n_cities < design.n and not city_effects:
        notes.append(
            "rows from one city are not exchangeable if cities differ in level; consider city_effects=True"
        )
    return notes


def _permutation_blocks(design: _Design, city_effects: bool) -> list[np.ndarray]:
    if not city_effects:
        return [np.arange(design.n)]
    return [np.flatnonzero(design.city_codes == code) for code in range(design.city_codes.max() + 1)]


def _all_permutations(blocks: list[np.ndarray], n: int) -> np.ndarray:
    """Every arrangement that permutes rows only within blocks (identity first)."""
    per_block = [list(itertools.permutations(block.tolist())) for block in blocks]
    rows = []
    for combination in itertools.product(*per_block):
        order = np.empty(n, dtype=np.intp)
        for block, arrangement in zip(blocks, combination):
            order[block] = arrangement
        rows.append(order)
    return np.array(rows, dtype=np.intp)


def _random_permutations(rng: np.random.Generator, blocks, n: int, count: int) -> np.ndarray:
    orders = np.tile(np.arange(n, dtype=np.intp), (count, 1))
    for block in blocks:
        orders[:, block] = rng.permuted(np.tile(block, (count, 1)), axis=1)
    return orders


def _centre(design: _Design, city_effects: bool):
    """Centre x and y overall, or within city when city effects are in the model."""
    if not city_effects:
        return design.regressor - design.regressor.mean(), design.y - design.y.mean()
    codes = design.city_codes
    counts = np.bincount(codes)
    x_means = np.bincount(codes, weights=design.regressor) / counts
    y_means = np.bincount(codes, weights=design.y) / counts
    return design.regressor - x_means[codes], design.y - y_means[codes]


def _permutation_p_value(
    x_centred: np.ndarray, y_centred: np.ndarray, permutations: np.ndarray, *, exact: bool
) -> tuple[float, float]:
    """Observed slope and two-sided permutation p-value for one dataset."""
    sxx = float(x_centred @ x_centred)
    observed = float(y_centred @ x_centred) / sxx
    permuted = (y_centred[permutations] @ x_centred) / sxx
    count = _count_at_least_as_extreme(permuted, observed)
    if exact:
        return observed, count / permutations.shape[0]
    # (b + 1) / (m + 1): the observed data are one of the arrangements (Phipson & Smyth 2010).
    return observed, (count + 1) / (permutations.shape[0] + 1)


def _count_at_least_as_extreme(statistics: np.ndarray, observed: float) -> int:
    # Relative tolerance so that arrangements with mathematically equal
    # |statistic| (e.g. the identity, computed by a different BLAS path) tie.
    threshold = abs(observed) * (1 - 1e-9)
    return int(np.count_nonzero(np.abs(statistics) >= threshold))


# --------------------------------------------------------------------------
# Wild bootstrap
# --------------------------------------------------------------------------


def wild_bootstrap_ci(
    panel: pl.DataFrame,
    *,
    x: str = "spending_yuan",
    log_x: bool = True,
    city_effects: bool = False,
    cluster_by_city: bool = False,
    n_boot: int = 1999,
    weights: str = "rademacher",
    interval: str = "test-inversion",
    level: float = 0.95,
    seed: int = 0,
    allow_mixed: bool = False,
) -> BootstrapResult:
    """Wild bootstrap-t p-value and interval for the OLS slope.

    * p-value: residuals from the model with the slope restricted to 0
      (WCR); bootstrap t-statistics compared with the observed |t|, p = share
      at least as extreme (MacKinnon & Webb 2017 recommend restricted
      residuals for tests).
    * ``interval="test-inversion"`` (default): the set of slopes b0 that the
      same restricted bootstrap test does not reject at 1 - level, found by
      searching outward from the estimate and bisecting (as Roodman et al.'s
      boottest does). It always agrees with the p-value (0 is inside iff
      p > 1 - level) and is unbounded when the data cannot reject any slope,
      e.g. 4 rows with Rademacher weights, where no p-value can fall below
      2/16.
    * ``interval="percentile-t"``: equal-tailed percentile-t with unrestricted
      residuals (WCU), [b - q(0.975) se, b - q(0.025) se]. Cheaper, but with
      very few rows it can be far too narrow and contradict the p-value.

    The t-statistics use HC3 (MacKinnon & White 1985), or with
    ``cluster_by_city=True`` the CRV1 cluster-robust variance with the
    weights drawn per city (wild cluster bootstrap).

    ``weights``: "rademacher" (+-1) or "webb" (Webb 2013 six-point weights).
    With G units (rows, or cities when clustering) there are only 2^G distinct
    Rademacher draws (6^G for Webb); when that number is <= ``n_boot`` every
    draw is enumerated instead of sampled, and the result does not depend on
    the seed. The weights are symmetric, so the smallest attainable p-value is
    then 2 / (number of draws).
    """
    if not 0 < level < 1:
        raise ValueError("level must be in (0, 1)")
    if interval not in ("test-inversion", "percentile-t"):
        raise ValueError(f"interval must be 'test-inversion' or 'percentile-t', got {interval!r}")
    weight_values = _bootstrap_weight_values(weights)
    design = _build_design(
        panel, x=x, log_x=log_x, city_effects=city_effects, allow_mixed=allow_mixed
    )
    # Centring spending leaves the slope unchanged and keeps the projections
    # well conditioned (ln spending ~ 17 with a spread of ~0.5).
    design = replace(design, exog=_with_centred_regressor(design.exog))
    variance = _slope_variance_function(design, cluster_by_city)
    exog, y = design.exog, design.y
    q, r = np.linalg.qr(exog)  # q spans the design: residuals are v - q q'v
    slope_weights = np.linalg.solve(r, q.T)[_SLOPE]  # row of (X'X)^-1 X'

    slope = float(slope_weights @ y)
    residuals = _residualise(y[None, :], q)[0]
    se = float(math.sqrt(variance(residuals[None, :])[0]))
    if se == 0:
        raise ValueError("the fit is exact (zero residual variance); no bootstrap is possible")

    units = design.city_codes if cluster_by_city else np.arange(design.n)
    n_units = int(units.max()) + 1
    draws, enumerated = _bootstrap_draws(weight_values, n_units, n_boot, seed)
    multipliers = draws[:, units]

    restricted_p = _RestrictedBootstrapTest(
        design, multipliers, slope_weights, q, variance, slope=slope, se=se
    )
    p_value = restricted_p(0.0)
    alpha = 1 - level
    if interval == "test-inversion":
        ci_low = restricted_p.bound(direction=-1.0, alpha=alpha)
        ci_high = restricted_p.bound(direction=1.0, alpha=alpha)
        interval_method = f"wild bootstrap test inversion {level:.0%}, restricted residuals"
    else:
        y_unrestricted = (y - residuals) + residuals * multipliers
        t_unrestricted = _bootstrap_t(y_unrestricted, slope_weights, q, variance, centre=slope)
        q_low, q_high = np.quantile(t_unrestricted, [alpha / 2, 1 - alpha / 2], method="inverted_cdf")
        ci_low, ci_high = slope - float(q_high) * se, slope - float(q_low) * se
        interval_method = f"wild percentile-t {level:.0%}, unrestricted residuals"

    draw_count = draws.shape[0]
    variance_name = "CRV1" if cluster_by_city else "HC3"
    draw_text = f"({weights}, {variance_name}, {'all ' if enumerated else ''}{draw_count} draws)"
    return BootstrapResult(
        model=f"wild-{'cluster-' if cluster_by_city else ''}bootstrap (ols-{variance_name.lower()})",
        x=x,
        log_x=log_x,
        city_effects=city_effects,
        cluster_by_city=cluster_by_city,
        weights=weights,
        slope=slope,
        se=se,
        ci_low=float(ci_low),
        ci_high=float(ci_high),
        level=level,
        p_value=float(p_value),
        p_value_method=f"wild bootstrap-t, restricted residuals {draw_text}",
        interval_method=f"{interval_method} {draw_text}",
        n_boot=draw_count,
        enumerated=enumerated,
        min_attainable_p_value=2.0 / draw_count if enumerated else 1.0 / draw_count,
        n=design.n,
        n_cities=design.n_cities,
        basis=design.basis,
        notes=_join_notes(
            design.notes,
            _bootstrap_notes(design, weights, n_units, cluster_by_city, enumerated, draw_count,
                             ci_low, ci_high),
        ),
    )


def _residualise(rows: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Rows times the residual maker M = I - q q' (q orthonormal), in O(n k) per row."""
    return rows - (rows @ q) @ q.T


def _with_centred_regressor(exog: np.ndarray) -> np.ndarray:
    centred = exog.copy()
    centred[:, _SLOPE] -= centred[:, _SLOPE].mean()
    return centred


class _RestrictedBootstrapTest:
    """p(b0) of the wild bootstrap-t test of slope = b0, restricted residuals.

    Imposing slope = b0, the restricted residuals are u0 = M_r y - b0 M_r x
    (M_r: residual maker without the spending column), so every bootstrap
    quantity is linear in b0 and is precomputed once; each p(b0) costs O(B n).
    """

    def __init__(self, design, multipliers, slope_weights, q, variance, *, slope, se):
        exog = design.exog
        restricted = np.delete(exog, _SLOPE, axis=1)
        restricted_q, _ = np.linalg.qr(restricted)
        base = multipliers * _residualise(design.y[None, :], restricted_q)
        direction = multipliers * _residualise(exog[None, :, _SLOPE], restricted_q)
        self._numerator = (base @ slope_weights, direction @ slope_weights)
        direction_residuals = _residualise(direction, q)
        # Draws with constant weights have exactly zero direction residuals;
        # clear their rounding noise, which b0 would otherwise amplify.
        noise = 1e-12 * max(float(np.max(np.abs(direction_residuals))), 1e-300)
        direction_residuals[np.abs(direction_residuals) <= noise] = 0.0
        self._residuals = (_residualise(base, q), direction_residuals)
        self._variance = variance
        self.slope, self.se = slope, se

    def __call__(self, slope_under_null: float) -> float:
        numerator = self._numerator[0] - slope_under_null * self._numerator[1]
        residual_rows = self._residuals[0] - slope_under_null * self._residuals[1]
        t_star = _safe_t(numerator, np.sqrt(self._variance(residual_rows)))
        observed = (self.slope - slope_under_null) / self.se
        return _count_at_least_as_extreme(t_star, observed) / t_star.size

    def bound(self, *, direction: float, alpha: float) -> float:
        """Outermost accepted slope on one side; +-inf if nothing is rejected."""
        accepted = self.slope
        # Beyond ~1e9 standard errors the slope is unbounded for any practical purpose.
        for power in range(-3, 31):
            candidate = self.slope + direction * self.se * 2.0**power
            if self(candidate) <= alpha:
                break
            accepted = candidate
        else:
            return direction * math.inf
        rejected = candidate
        while abs(rejected - accepted) > 1e-7 * self.se:  # bisect to 1e-7 standard errors
            middle = 0.5 * (accepted + rejected)
            if self(middle) <= alpha:
                rejected = middle
            else:
                accepted = middle
        return accepted


def _bootstrap_weight_values(weights: str) -> np.ndarray:
    if weights == "rademacher":
        return _RADEMACHER_WEIGHTS
    if weights == "webb":
        return _WEBB_WEIGHTS
    raise ValueError(f"weights must be 'rademacher' or 'webb', got {weights!r}")


def _slope_variance_function(design: _Design, cluster_by_city: bool):
    """Return f(residual rows B x n) -> robust variance of the slope per row."""
    exog = design.exog
    projector = np.linalg.solve(exog.T @ exog, exog.T)
    slope_weights = projector[_SLOPE]
    if cluster_by_city:
        n_clusters = design.n_cities
        if n_clusters < 2:
            raise ValueError("cluster_by_city=True needs at least two cities")
        membership = np.eye(n_clusters)[design.city_codes]  # n x G indicator
        # CRV1 small-sample factor G/(G-1) * (n-1)/(n-k), as in Stata and statsmodels.
        factor = n_clusters / (n_clusters - 1) * (design.n - 1) / (design.n - design.k)

        def clustered(residual_rows: np.ndarray) -> np.ndarray:
            scores = (residual_rows * slope_weights) @ membership
            return factor * np.sum(scores**2, axis=1)

        return clustered

    hat = _hat_values(exog)
    _require_leverage_below_one(design, hat)
    # HC3 (MacKinnon & White 1985): residuals inflated by 1 / (1 - h_ii).
    hc3_weights = slope_weights**2 / (1.0 - hat) ** 2

    def hc3(residual_rows: np.ndarray) -> np.ndarray:
        return residual_rows**2 @ hc3_weights

    return hc3


def _bootstrap_draws(values: np.ndarray, n_units: int, n_boot: int, seed: int):
    """All |values|^G weight vectors when that is <= n_boot, else n_boot random ones."""
    if n_boot < 1:
        raise ValueError("n_boot must be >= 1")
    if values.size**n_units <= n_boot:
        return np.array(list(itertools.product(values, repeat=n_units)), dtype=float), True
    rng = np.random.default_rng(seed)
    return values[rng.integers(0, values.size, size=(n_boot, n_units))], False


def _bootstrap_t(y_star, slope_weights, q, variance, *, centre: float) -> np.ndarray:
    """Bootstrap t-statistics (b* - centre) / se* for rows of y_star."""
    numerator = y_star @ slope_weights - centre
    return _safe_t(numerator, np.sqrt(variance(_residualise(y_star, q))))


def _safe_t(numerator: np.ndarray, se_star: np.ndarray) -> np.ndarray:
    """numerator / se_star, with exact-fit draws mapped to 0 or +-inf."""
    scale = max(float(np.max(np.abs(numerator))), 1e-300)
    degenerate = se_star <= 1e-12 * scale
    t = np.divide(numerator, se_star, out=np.zeros_like(numerator), where=~degenerate)
    # A draw with no residual variation but a moved slope is infinitely extreme.
    moved = degenerate & (np.abs(numerator) > 1e-12 * scale)
    t[moved] = np.sign(numerator[moved]) * np.inf
    return t


def _bootstrap_notes(design, weights, n_units, cluster_by_city, enumerated, draw_count, ci_low, ci_high):
    unit = "cities" if cluster_by_city else "rows"
    notes = []
    if enumerated:
        notes.append(
            f"{n_units} {unit}: all {draw_count} distinct {weights} draws enumerated; "
            f"smallest attainable p-value {2.0 / draw_count:.3g}"
        )
    if weights == "rademacher" and n_units <= 11:
        notes.append(
            f"only {n_units} {unit}: Webb weights (weights='webb') give more distinct draws (Webb 2013)"
        )
    if not (math.isfinite(ci_low) and math.isfinite(ci_high)):
        notes.append("interval is unbounded: these data cannot reject any slope that far from the estimate")
    if design.n_cities < design.n and not cluster_by_city:
        notes.append("rows resampled independently; cluster_by_city=True respects within-city correlation")
    return notes


# --------------------------------------------------------------------------
# Diagnostics
# --------------------------------------------------------------------------


def leave_one_city_out(
    panel: pl.DataFrame,
    *,
    x: str = "spending_yuan",
    log_x: bool = True,
    city_effects: bool = False,
    cov_type: str = "HC3",
    allow_mixed: bool = False,
) -> pl.DataFrame:
    """Refit OLS once per city with that city removed; one row per city.

    A fit that is impossible without the city (too few rows, no variation)
    gives null estimates and the reason in ``error`` rather than a missing row.
    """
    check_basis(panel, allow_mixed=allow_mixed)
    _require_columns(panel, ["city"])
    cities = sorted(c for c in panel["city"].unique().to_list() if c is not None)
    rows = []
    for city in cities:
        remaining = panel.filter(pl.col("city") != city)
        row = {"city_left_out": city, "n": remaining.height, "n_cities": len(cities) - 1}
        try:
            fit = fit_ols(
                remaining, x=x, log_x=log_x, city_effects=city_effects,
                cov_type=cov_type, allow_mixed=allow_mixed,
            )
        except ValueError as error:
            row.update(slope=None, ci_low=None, ci_high=None, p_value=None, error=str(error))
        else:
            row.update(
                slope=fit.slope, ci_low=fit.ci_low, ci_high=fit.ci_high, p_value=fit.p_value,
                n=fit.n, n_cities=fit.n_cities, error=None,
            )
        rows.append(row)
    schema = {
        "city_left_out": pl.String, "slope": pl.Float64, "ci_low": pl.Float64,
        "ci_high": pl.Float64, "p_value": pl.Float64, "n": pl.Int64,
        "n_cities": pl.Int64, "error": pl.String,
    }
    return pl.DataFrame([{name: row[name] for name in schema} for row in rows], schema=schema)


def influence(
    panel: pl.DataFrame,
    *,
    x: str = "spending_yuan",
    log_x: bool = True,
    city_effects: bool = False,
    allow_mixed: bool = False,
) -> pl.DataFrame:
    """Per-observation OLS influence diagnostics.

    * leverage: hat value h_ii
    * cooks_distance: r_i^2 h_ii / (k (1 - h_ii)), r_i the internally
      studentised residual
    * dfbeta_slope: slope(all rows) - slope(without row i), unscaled, in
      slope units (positive = the row pulls the slope up)
    * studentised_residual: externally studentised (deleted) residual,
      e_i / (s_(i) sqrt(1 - h_ii))

    Needs n > k + 1 so that the deleted-residual variance exists.
    """
    design = _build_design(
        panel, x=x, log_x=log_x, city_effects=city_effects, allow_mixed=allow_mixed
    )
    n, k = design.n, design.k
    if n <= k + 1:
        raise ValueError(
            f"influence diagnostics need n > k + 1 (n={n}, k={k}): deleting a row must leave a "
            "fit with residual degrees of freedom"
        )
    exog, y = design.exog, design.y
    hat = _hat_values(exog)
    _require_leverage_below_one(design, hat)
    projector = np.linalg.solve(exog.T @ exog, exog.T)
    residuals = y - exog @ (projector @ y)
    sigma2 = residuals @ residuals / (n - k)
    internal = residuals / np.sqrt(sigma2 * (1 - hat))
    # Deleted variance from the internal residual, no refits needed.
    external = internal * np.sqrt((n - k - 1) / (n - k - internal**2))
    cooks = internal**2 * hat / (k * (1 - hat))
    dfbeta = projector[_SLOPE] * residuals / (1 - hat)
    return pl.DataFrame(
        {
            "city": [str(c) for c in design.cities],
            "fiscal_year": design.years.astype(np.int64),
            "leverage": hat,
            "cooks_distance": cooks,
            "dfbeta_slope": dfbeta,
            "studentised_residual": external,
        }
    )


# --------------------------------------------------------------------------
# Summary table
# --------------------------------------------------------------------------

_SUMMARY_SCHEMA = {
    "model": pl.String,
    "estimand": pl.String,
    "scale": pl.String,
    "n": pl.Int64,
    "n_cities": pl.Int64,
    "basis": pl.String,
    "x": pl.String,
    "log_x": pl.Boolean,
    "city_effects": pl.Boolean,
    "slope": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "p_value": pl.Float64,
    "p_value_method": pl.String,
    "interval_method": pl.String,
    "notes": pl.String,
}


def summarise_fits(results: Sequence[FitResult | PermutationResult | BootstrapResult]) -> pl.DataFrame:
    """Tidy table of results, one row per estimate, for display in a notebook.

    A fractional logit gives two rows: the logit-scale slope and its average
    marginal effect (fraction scale, comparable with the OLS slope). Columns
    that a method does not produce (a permutation test has no interval) are
    null. Numbers are unrounded and deterministic.
    """
    rows = []
    for result in results:
        rows.extend(_summary_rows(result))
    return pl.DataFrame(rows, schema=_SUMMARY_SCHEMA)


def _summary_rows(result) -> list[dict]:
    common = {
        "model": result.model, "n": result.n, "n_cities": result.n_cities, "basis": result.basis,
        "x": result.x, "log_x": result.log_x, "city_effects": result.city_effects,
        "slope": result.slope, "p_value": result.p_value, "p_value_method": result.p_value_method,
        "notes": result.notes,
    }
    if isinstance(result, PermutationResult):
        return [{**common, "estimand": "slope", "scale": "fraction", "ci_low": None,
                 "ci_high": None, "interval_method": None}]
    if isinstance(result, BootstrapResult):
        return [{**common, "estimand": "slope", "scale": "fraction", "ci_low": result.ci_low,
                 "ci_high": result.ci_high, "interval_method": result.interval_method}]
    if not isinstance(result, FitResult):
        raise TypeError(f"cannot summarise {type(result).__name__}")
    rows = [{**common, "estimand": "slope", "scale": result.scale, "ci_low": result.ci_low,
             "ci_high": result.ci_high, "interval_method": result.interval_method}]
    if result.ame is not None:
        rows.append({
            **common, "model": f"{result.model} (AME)", "estimand": "average marginal effect",
            "scale": "fraction", "slope": result.ame, "ci_low": result.ame_ci_low,
            "ci_high": result.ame_ci_high, "p_value": result.ame_p_value,
            "p_value_method": result.p_value_method.replace("wald-t", "wald-t delta-method"),
            "interval_method": result.interval_method.replace("wald-t", "wald-t delta-method"),
        })
    return rows


def compare_methods(
    panel: pl.DataFrame,
    *,
    x: str = "spending_yuan",
    log_x: bool = True,
    n_permutations: int = 9999,
    n_boot: int = 1999,
    seed: int = 0,
    allow_mixed: bool = False,
) -> pl.DataFrame:
    """Run every method that the panel can support and summarise them.

    Methods the data cannot support (e.g. a mixed model when every city has
    one year) appear as a row with null estimates and the reason in
    ``notes``, so the table always shows what was attempted. A mixed
    actual/target panel is refused up front unless ``allow_mixed=True``.
    """
    check_basis(panel, allow_mixed=allow_mixed)
    common = {"x": x, "log_x": log_x, "allow_mixed": allow_mixed}
    attempts = [
        ("ols-hc3", False, lambda: fit_ols(panel, **common)),
        ("ols-hc3", True, lambda: fit_ols(panel, city_effects=True, **common)),
        ("fractional-logit-hc3", False,
         lambda: fit_fractional_logit(panel, cov_type="HC3", **common)),
        ("mixed-random-intercept", False, lambda: fit_mixed(panel, **common)),
        ("permutation (ols slope)", False,
         lambda: permutation_test(panel, n_permutations=n_permutations, seed=seed, **common)),
        ("wild-bootstrap (ols-hc3)", False,
         lambda: wild_bootstrap_ci(panel, n_boot=n_boot, weights="webb", seed=seed, **common)),
        ("wild-cluster-bootstrap (ols-crv1)", False,
         lambda: wild_bootstrap_ci(panel, n_boot=n_boot, weights="webb", cluster_by_city=True,
                                   seed=seed, **common)),
    ]
    rows = []
    for name, city_effects, attempt in attempts:
        try:
            rows.extend(_summary_rows(attempt()))
        except ValueError as error:
            rows.append(_failed_row(name, x, log_x, city_effects, f"not estimable: {error}"))
    return pl.DataFrame(rows, schema=_SUMMARY_SCHEMA)


def _failed_row(model: str, x: str, log_x: bool, city_effects: bool, reason: str) -> dict:
    row = {name: None for name in _SUMMARY_SCHEMA}
    row.update(model=model, x=x, log_x=log_x, city_effects=city_effects, notes=reason)
    return row
