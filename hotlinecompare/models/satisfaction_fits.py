"""Satisfaction on spending: every estimator the panel supports, and what it would take to learn more.

Thin layer over :mod:`hotlinecompare.models.regression` and :mod:`hotlinecompare.models.panel_simulation`
for the panel of :func:`hotlinecompare.harmonise.satisfaction_panel.satisfaction_panel`:

- ``fit_all(panel, measure=..., basis=...)``: OLS (HC3), fractional logit,
  mixed model, exact permutation test and wild bootstrap, leave-one-city-out
  and influence, as tidy frames; a method the rows cannot support is a row
  saying why, never an exception.
- ``estimability(panel)``: for every measure and basis, how many city-years
  there are and whether any method can use them.
- ``coverage_table``: bias and interval coverage on synthetic panels.
- ``power_by_city_years`` and ``city_years_needed``: how many city-years a
  given effect per doubling of spending needs before it is likely to be seen.

A fit on actual outcomes answers "does spending go with satisfaction?"; a fit
on targets answers "do centres that budget more promise more?" (``model_of``
= ambition). The two are never pooled unless ``allow_mixed=True``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from hotlinecompare.harmonise.satisfaction_panel import MODEL_OF
from hotlinecompare.models import regression, simulation_studies

__all__ = ["Fits", "fit_all", "estimability", "ols_band", "coverage_table", "power_by_city_years",
           "city_years_needed", "PowerAssumptions", "rounded", "METHODS", "MIN_CITY_YEARS"]

# A slope needs an intercept, the slope and one residual degree of freedom.
MIN_CITY_YEARS = 3
# The attempts of regression.compare_methods, in its order: (model, city_effects).
METHODS = (("ols-hc3", False), ("ols-hc3", True), ("fractional-logit-hc3", False),
           ("mixed-random-intercept", False), ("permutation (ols slope)", False),
           ("wild-bootstrap (ols-hc3)", False), ("wild-cluster-bootstrap (ols-crv1)", False))
LN2 = math.log(2.0)

_LOO_SCHEMA = {"city_left_out": pl.String, "slope": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64,
               "p_value": pl.Float64, "n": pl.Int64, "n_cities": pl.Int64, "error": pl.String}
_INFLUENCE_SCHEMA = {"city": pl.String, "fiscal_year": pl.Int64, "leverage": pl.Float64,
                     "cooks_distance": pl.Float64, "dfbeta_slope": pl.Float64,
                     "studentised_residual": pl.Float64, "error": pl.String}


@dataclass(frozen=True)
class Fits:
    """What ``fit_all`` found: one row per method, per city left out, per observation; and the rows used."""

    methods: pl.DataFrame
    leave_one_city_out: pl.DataFrame
    influence: pl.DataFrame
    rows: pl.DataFrame

    @property
    def estimable(self) -> pl.DataFrame:
        """The method rows with an estimate."""
        return self.methods.filter(pl.col("estimable"))


def fit_all(panel: pl.DataFrame, *, measure: str | Sequence[str], basis: str | Sequence[str],
            x: str = "spending_yuan", log_x: bool = True, pool_measures: bool = False,
            allow_mixed: bool = False, min_n: int = MIN_CITY_YEARS, n_permutations: int = 9999,
            n_boot: int = 1999, seed: int = 0) -> Fits:
    """Every method of regression.compare_methods, leave-one-city-out and influence, on one measure and basis.

    ``measure``: one satisfaction measure; several only with ``pool_measures=True`` (a deliberate choice,
    written into every row's notes). ``basis``: "actual" or "target"; both only with ``allow_mixed=True``.
    With fewer than ``min_n`` usable city-years no fit is attempted and every method row gives the reason.
    Method rows: context (measure, basis, model_of, spending_basis, x, n_available, n_cities_available),
    the columns of regression.summarise_fits, ``estimable``, and for fraction-scale slopes on ln(x) the
    slope and interval per doubling of x (slope × ln 2).
    """
    measures = [measure] if isinstance(measure, str) else list(measure)
    bases = [basis] if isinstance(basis, str) else list(basis)
    if len(set(bases)) > 1 and not allow_mixed:
        # The same refusal as regression.check_basis, before any filtering hides it.
        raise ValueError(f"fit_all on bases {sorted(set(bases))}: actual outcomes and targets must not be "
                         "pooled; fit one basis, or pass allow_mixed=True to pool them deliberately")
    if len(set(measures)) > 1 and not pool_measures:
        raise ValueError(f"fit_all on measures {measures}: different satisfaction measures are not one outcome; "
                         "fit one, or pass pool_measures=True to pool them deliberately")
    if x not in panel.columns:
        spending = [c for c in panel.columns if c.endswith("_yuan")]
        raise ValueError(f"panel has no column {x!r}; its spending columns are {spending}")
    rows = panel.filter(pl.col("measure").is_in(measures) & pl.col("basis").is_in(bases))
    notes = []
    label = measures[0]
    if len(set(measures)) > 1:
        label = "pooled: " + " + ".join(measures)
        notes.append(f"measures pooled deliberately ({', '.join(measures)}): read as one outcome only by choice")
        rows = rows.with_columns(pl.lit(label).alias("measure"))
    usable = rows.filter(pl.col("satisfaction").is_not_null() & (pl.col(x) > 0))
    context = _context(label, bases, rows, usable, x)
    if usable.height < min_n:
        reason = _too_few(rows, usable, x, min_n)
        methods = _refused(reason, x, log_x, context)
        loo = pl.DataFrame([{"error": reason}], schema=_LOO_SCHEMA)
        infl = pl.DataFrame([{"error": reason}], schema=_INFLUENCE_SCHEMA)
    else:
        common = {"x": x, "log_x": log_x, "allow_mixed": allow_mixed}
        methods = regression.compare_methods(usable, n_permutations=n_permutations, n_boot=n_boot, seed=seed,
                                             **common)
        loo = regression.leave_one_city_out(usable, **common)
        try:
            infl = regression.influence(usable, **common).with_columns(pl.lit(None, pl.String).alias("error"))
        except ValueError as error:
            infl = pl.DataFrame([{"error": f"not estimable: {error}"}], schema=_INFLUENCE_SCHEMA)
    methods = _with_context(methods, context, notes, log_x)
    return Fits(methods=methods, leave_one_city_out=_prepend(loo, context), influence=_prepend(infl, context),
                rows=usable)


def _context(label: str, bases: list[str], rows: pl.DataFrame, usable: pl.DataFrame, x: str) -> dict:
    distinct = sorted(set(bases))
    spending = sorted(v for v in rows["spending_basis"].unique().to_list() if v) if "spending_basis" in rows.columns \
        else []
    return {"measure": label, "basis": distinct[0] if len(distinct) == 1 else "mixed",
            "model_of": MODEL_OF.get(distinct[0], "") if len(distinct) == 1 else "mixed",
            "spending_basis": "/".join(spending), "x": x, "n_available": usable.height,
            "n_cities_available": usable["city"].n_unique()}


def _too_few(rows: pl.DataFrame, usable: pl.DataFrame, x: str, min_n: int) -> str:
    where = ", ".join(f"{c} {y}" for c, y in usable.select("city", "fiscal_year").rows()) or "none"
    unpaired = rows.height - usable.height
    text = (f"not estimable: {usable.height} usable city-year(s) ({where}); a slope needs at least {min_n} "
            "(intercept, slope and one residual degree of freedom), with different spending")
    if unpaired:
        text += f"; {unpaired} row(s) without a positive {x} left out"
    return text


def _refused(reason: str, x: str, log_x: bool, context: dict) -> pl.DataFrame:
    template = regression.summarise_fits([])
    rows = [{**{c: None for c in template.columns}, "model": model, "x": x, "log_x": log_x,
             "city_effects": city_effects, "basis": context["basis"], "notes": reason}
            for model, city_effects in METHODS]
    return pl.DataFrame(rows, schema=template.schema)


def _with_context(methods: pl.DataFrame, context: dict, notes: list[str], log_x: bool) -> pl.DataFrame:
    doubling = pl.lit(LN2) if log_x else pl.lit(None, pl.Float64)
    per_doubling = [(pl.when(pl.col("scale") == "fraction").then(pl.col(c) * doubling)).alias(f"{c}_per_doubling")
                    for c in ("slope", "ci_low", "ci_high")]
    extra = "; ".join(notes)
    methods = methods.with_columns(
        pl.col("basis").fill_null(context["basis"]),
        pl.col("slope").is_not_null().alias("estimable"),
        *per_doubling,
        (pl.col("notes") if not extra else pl.concat_str([pl.lit(extra), pl.col("notes")], separator="; ",
                                                          ignore_nulls=True)).alias("notes"))
    lead = {k: v for k, v in context.items() if k not in ("basis", "x")}
    front = ["measure", "basis", "model_of", "spending_basis", "x", "model", "estimand", "scale", "estimable",
             "n", "n_cities", "n_available", "n_cities_available", "slope", "ci_low", "ci_high",
             "slope_per_doubling", "ci_low_per_doubling", "ci_high_per_doubling", "p_value"]
    methods = _prepend(methods, lead)
    return methods.select(front + [c for c in methods.columns if c not in front])


def _prepend(frame: pl.DataFrame, context: dict) -> pl.DataFrame:
    columns = [pl.lit(v, dtype=pl.Int64 if isinstance(v, int) else pl.String).alias(k)
               for k, v in context.items() if k not in frame.columns]
    return frame.select(*columns, pl.all())


def estimability(panel: pl.DataFrame, *, x: str = "spending_yuan", min_n: int = MIN_CITY_YEARS,
                 n_permutations: int = 999, n_boot: int = 199, seed: int = 0) -> pl.DataFrame:
    """One row per measure and basis: city-years, cities, the methods that could run, and why not if none."""
    out = []
    for measure, basis in panel.select("measure", "basis").unique().sort("basis", "measure").rows():
        fits = fit_all(panel, measure=measure, basis=basis, x=x, min_n=min_n, n_permutations=n_permutations,
                       n_boot=n_boot, seed=seed)
        m = fits.methods
        ok = m.filter(pl.col("estimable"))
        out.append({"measure": measure, "basis": basis, "model_of": m["model_of"][0],
                    "n_city_years": m["n_available"][0], "n_cities": m["n_cities_available"][0],
                    "city_years": ", ".join(f"{c} {y}" for c, y in fits.rows.select("city", "fiscal_year").rows()),
                    "methods_estimable": ok["model"].unique(maintain_order=True).len(),
                    "methods_tried": len(METHODS),
                    "reason": "" if ok.height else m["notes"][0]})
    return pl.DataFrame(out, schema={"measure": pl.String, "basis": pl.String, "model_of": pl.String,
                                     "n_city_years": pl.Int64, "n_cities": pl.Int64, "city_years": pl.String,
                                     "methods_estimable": pl.Int64, "methods_tried": pl.Int64,
                                     "reason": pl.String})


def ols_band(rows: pl.DataFrame, grid: Sequence[float], *, x: str = "spending_yuan",
             level: float = 0.95) -> pl.DataFrame:
    """Fitted mean and its HC3 confidence band at ``grid`` (values of x), for a figure.

    The same OLS-HC3 fit as regression.fit_ols (ln x, t with n - 2 df), whose FitResult carries the
    slope's interval only; the band needs the full covariance.
    """
    import statsmodels.api as sm

    fit = regression.fit_ols(rows, x=x)  # validates the rows and refuses what fit_ols refuses
    design = sm.add_constant(np.log(rows[x].to_numpy().astype(float)))
    result = sm.OLS(rows["satisfaction"].to_numpy().astype(float), design).fit(cov_type="HC3", use_t=True)
    at = sm.add_constant(np.log(np.asarray(grid, dtype=float)), has_constant="add")
    low, high = result.get_prediction(at).conf_int(alpha=1 - level).T
    return pl.DataFrame({x: np.asarray(grid, dtype=float), "fitted": at @ result.params, "band_low": low,
                         "band_high": high, "slope": fit.slope, "n": fit.n})


# --------------------------------------------------------------------------
# Does the method work? Coverage and power on synthetic panels
# --------------------------------------------------------------------------

# (scenario, estimator, keyword arguments of simulation_studies.coverage_study)
COVERAGE_RUNS = (
    ("independent city-years", "ols", {}),
    ("independent city-years", "fractional_logit", {"cov_type": "HC3"}),
    ("independent city-years", "wild_bootstrap", {}),
    ("independent city-years", "wild_cluster_bootstrap", {}),
    ("independent city-years", "permutation", {}),
    ("city effects (sd 0.02)", "ols", {"city_sd": 0.02}),
    ("city effects (sd 0.02)", "mixed", {"city_sd": 0.02}),
    ("city effects (sd 0.02)", "wild_cluster_bootstrap", {"city_sd": 0.02}),
)


def coverage_table(*, n_cities: int = 10, years_per_city: int | Sequence[int] = 4, n_reps: int = 200,
                   noise_sd: float = 0.02, runs: Sequence[tuple[str, str, dict]] = COVERAGE_RUNS, seed: int = 0,
                   **common) -> pl.DataFrame:
    """Bias, RMSE, 95 % coverage (with its Clopper–Pearson interval) and rejection rate, one row per run.

    ``years_per_city``: one int, or one per city (the structure of a real panel); ``common``: further
    keyword arguments of simulation_studies.coverage_study for every run (e.g. spending_log_sd).
    """
    frames = []
    for scenario, estimator, kwargs in runs:
        study = simulation_studies.coverage_study(estimator=estimator, n_reps=n_reps, n_cities=n_cities,
                                                  years_per_city=years_per_city, noise_sd=noise_sd, seed=seed,
                                                  **{**common, **kwargs})
        frames.append(study.select(pl.lit(scenario).alias("scenario"), pl.all()))
    return pl.concat(frames)


@dataclass(frozen=True)
class PowerAssumptions:
    """What the power curves assume; every number is a parameter, none is estimated from four cities.

    - ``per_doubling``: true change in satisfaction (fraction) when spending doubles;
    - ``noise_sd``: residual SD of satisfaction around the line, one panel each (the corpus's values
      span 0.80–0.98, so 0.02–0.04 is a plausible range, not an estimate);
    - ``spending_log_sd``: SD of ln spending across city-years (simulation default 0.5; e.g. 2.4 vs
      0.58 million yuan would be 1.4 apart);
    - city-years independent (``city_sd`` 0): repeated years of one city carry less than this;
    - test: OLS slope, HC3 t-test, two-sided, ``alpha``; ``n_reps`` replications per point.
    """

    per_doubling: tuple[float, ...] = (0.01, 0.025, 0.05)
    noise_sd: tuple[float, ...] = (0.02, 0.04)
    n_obs_grid: tuple[int, ...] = (4, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64, 80, 100)
    spending_log_sd: float = 0.5
    n_cities: int = 10
    alpha: float = 0.05
    n_reps: int = 400
    seed: int = 0


def power_by_city_years(assumptions: PowerAssumptions = PowerAssumptions()) -> pl.DataFrame:
    """Power against city-years, one row per noise level, effect and panel size (simulation_studies.power_curve)."""
    a = assumptions
    frames = []
    for noise in a.noise_sd:
        curve = simulation_studies.power_curve(effects=[d / LN2 for d in a.per_doubling], n_obs_grid=list(a.n_obs_grid),
                                       n_reps=a.n_reps, alpha=a.alpha, n_cities=a.n_cities, noise_sd=noise,
                                       spending_log_sd=a.spending_log_sd, seed=a.seed)
        frames.append(curve.select(pl.lit(noise).alias("noise_sd"),
                                   (pl.col("effect") * LN2).round(10).alias("effect_per_doubling"), pl.all()))
    return pl.concat(frames)


def city_years_needed(power: pl.DataFrame, *, target: float = 0.8) -> pl.DataFrame:
    """Per noise level and effect: the fewest city-years on the grid whose power reaches ``target``
    (``n_point``), and whose Clopper–Pearson lower bound does (``n_sure``); null if the grid never does."""
    def first(condition: pl.Expr) -> pl.Expr:
        return pl.col("n_obs").filter(condition).min()

    return (power.group_by("noise_sd", "effect_per_doubling", maintain_order=True)
            .agg(first(pl.col("power") >= target).alias("n_point"),
                 first(pl.col("power_ci_low") >= target).alias("n_sure"),
                 pl.col("n_obs").max().alias("grid_max"))
            .with_columns(pl.lit(target).alias("target_power"))
            .sort("noise_sd", "effect_per_doubling"))


def rounded(frame: pl.DataFrame, digits: int = 4) -> pl.DataFrame:
    """Float columns rounded for display, so notebook output does not hang on the last bits of a BLAS
    (and a tiny negative number shows as 0.0, not -0.0)."""
    floats = [c for c, t in frame.schema.items() if t == pl.Float64]
    return frame.with_columns(pl.when(pl.col(c).round(digits) == 0).then(0.0).otherwise(pl.col(c).round(digits))
                              .alias(c) for c in floats)
