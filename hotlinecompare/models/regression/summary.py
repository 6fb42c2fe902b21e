"""One tidy table of every method's estimate, for notebooks and figures."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from hotlinecompare.models.regression.fits import FitResult, fit_fractional_logit, fit_mixed, fit_ols
from hotlinecompare.models.regression.panel_checks import check_basis
from hotlinecompare.models.regression.permutation import PermutationResult, permutation_test
from hotlinecompare.models.regression.wild_bootstrap import BootstrapResult, wild_bootstrap_ci

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

