"""The satisfaction–spending analysis on the published panel: size, fits per measure and pooled, the
headline estimate, its sensitivity to each choice, and coverage and power at the panel's own size.

Built on :func:`hotlinecompare.models.satisfaction_fits.fit_all`; pure functions, panel in, frames out.

- ``panel_size``: city-years and places per measure, basis, source and spending basis (paired or not).
- ``fit_panel``: ``fit_all`` per measure of one basis, and on all its measures pooled (a labelled choice).
- ``headline``: one row per fit with an estimate: OLS-HC3 slope per doubling of spending and its
  interval, with the wild-cluster bootstrap interval beside it.
- ``sensitivity``: the headline fit re-run with one choice changed at a time.
- ``panel_structure`` and ``coverage_at_panel``: synthetic panels with the real panel's cities, years per
  city and spread of ln spending, so the coverage and power statements are about the n we have.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from hotlinecompare.models import simulation_studies
from hotlinecompare.models.satisfaction_fits import LN2, MIN_CITY_YEARS, Fits, coverage_table, fit_all

__all__ = ["panel_size", "fit_panel", "headline", "sensitivity", "panel_structure", "coverage_at_panel",
           "power_at_panel", "POOLED", "PANEL_COVERAGE_RUNS"]

POOLED = "pooled"
HEADLINE_MODELS = ("ols-hc3", "wild-cluster-bootstrap (ols-crv1)")
# The estimators whose coverage is checked at the panel's size; the cluster bootstrap is the one recommended
# when cities repeat.
PANEL_COVERAGE_RUNS = (
    ("panel structure, independent", "ols", {}),
    ("panel structure, independent", "wild_bootstrap", {}),
    ("panel structure, independent", "wild_cluster_bootstrap", {}),
    ("panel structure, independent", "permutation", {}),
    ("panel structure, city sd 0.02", "ols", {"city_sd": 0.02}),
    ("panel structure, city sd 0.02", "wild_cluster_bootstrap", {"city_sd": 0.02}),
)


def _paired(panel: pl.DataFrame, x: str = "spending_yuan") -> pl.DataFrame:
    return panel.filter(pl.col("satisfaction").is_not_null() & (pl.col(x) > 0))


def panel_size(panel: pl.DataFrame, *, x: str = "spending_yuan") -> pl.DataFrame:
    """Per basis and measure: rows, rows paired with spending, their places, and the spending bases and
    sources used."""
    paired = pl.col(x).is_not_null() & (pl.col(x) > 0)
    return (panel.group_by("basis", "measure")
            .agg(pl.len().alias("city_years"), pl.col("city").n_unique().alias("places"),
                 paired.sum().cast(pl.Int64).alias("paired_city_years"),
                 pl.col("city").filter(paired).n_unique().alias("paired_places"),
                 pl.col("source_kind").unique().sort().str.join("/").alias("sources"),
                 pl.col("spending_basis").filter(paired).unique().sort().str.join("/").alias("spending_bases"))
            .sort("basis", "paired_city_years", "measure", descending=[False, True, False]))


def fit_panel(panel: pl.DataFrame, *, basis: str, x: str = "spending_yuan", min_n: int = MIN_CITY_YEARS,
              pool: bool = True, **kwargs) -> dict[str, Fits]:
    """``fit_all`` for every measure of ``basis`` and, with ``pool``, on all of them pooled (key ``pooled``).

    Pooling reads different measures as one outcome: a choice, labelled in every row of that fit.
    """
    rows = panel.filter(pl.col("basis") == basis)
    measures = sorted(rows["measure"].unique().to_list())
    out = {m: fit_all(rows, measure=m, basis=basis, x=x, min_n=min_n, **kwargs) for m in measures}
    if pool and len(measures) > 1:
        out[POOLED] = fit_all(rows, measure=measures, basis=basis, x=x, min_n=min_n, pool_measures=True, **kwargs)
    return out


def headline(fits: dict[str, Fits], *, models: Sequence[str] = HEADLINE_MODELS) -> pl.DataFrame:
    """One row per fit and model in ``models`` (without city effects): n, places, slope and 95 % interval per
    doubling of spending, p-value, or why it is not estimable."""
    frames = []
    for name, fit in fits.items():
        m = fit.methods.filter(pl.col("model").is_in(list(models)) & ~pl.col("city_effects"))
        frames.append(m.select(pl.lit(name).alias("fit"), "measure", "basis", "model_of", "spending_basis", "model",
                               "estimable", pl.col("n_available").alias("n"),
                               pl.col("n_cities_available").alias("places"), "slope_per_doubling",
                               "ci_low_per_doubling", "ci_high_per_doubling", "p_value", "notes"))
    return pl.concat(frames) if frames else pl.DataFrame()


def sensitivity(panel: pl.DataFrame, *, basis: str, measures: Sequence[str], n_permutations: int = 999,
                n_boot: int = 999, seed: int = 0) -> pl.DataFrame:
    """The OLS-HC3 slope per doubling on ``measures`` of ``basis`` (pooled if several), one choice changed at a
    time: the spending figure, the log scale, bounded values (≥, >) and the spending basis, then each place left
    out. A variant the rows cannot support is a row with its reason."""
    rows = panel.filter(pl.col("basis") == basis)
    pool = len(set(measures)) > 1
    variants = [("as published (ln total spending)", rows, "spending_yuan", True),
                ("project spending instead of the total", rows, "project_spending_yuan", True),
                ("spending in yuan, not its log (slope per million yuan)", rows, "spending_yuan", False),
                ("stated values only (no ≥, >, ≤ bounds)",
                 rows.filter(pl.col("satisfaction_operator").fill_null("").is_in(["", "~"])), "spending_yuan", True),
                ("same-basis spending only", rows.filter(pl.col("spending_basis") ==
                                                         {"actual": "actual"}.get(basis, "budget")),
                 "spending_yuan", True)]
    for place in sorted(_paired(rows.filter(pl.col("measure").is_in(list(measures))))["city"].unique().to_list()):
        variants.append((f"without {place}", rows.filter(pl.col("city") != place), "spending_yuan", True))
    out = []
    for name, sel, x, log_x in variants:
        fit = fit_all(sel, measure=list(measures) if pool else measures[0], basis=basis, x=x, log_x=log_x,
                      pool_measures=pool, n_permutations=n_permutations, n_boot=n_boot, seed=seed)
        r = fit.methods.filter((pl.col("model") == "ols-hc3") & ~pl.col("city_effects")).row(0, named=True)
        per = LN2 if log_x else 1e6
        out.append({"variant": name, "x": x, "log_x": log_x, "n": r["n_available"],
                    "places": r["n_cities_available"], "estimable": r["estimable"],
                    "slope": None if r["slope"] is None else r["slope"] * per,
                    "ci_low": None if r["ci_low"] is None else r["ci_low"] * per,
                    "ci_high": None if r["ci_high"] is None else r["ci_high"] * per,
                    "per": "doubling of x" if log_x else "million yuan of x",
                    "p_value": r["p_value"], "notes": r["notes"] or ""})
    return pl.DataFrame(out, schema={"variant": pl.String, "x": pl.String, "log_x": pl.Boolean, "n": pl.Int64,
                                     "places": pl.Int64, "estimable": pl.Boolean, "slope": pl.Float64,
                                     "ci_low": pl.Float64, "ci_high": pl.Float64, "per": pl.String,
                                     "p_value": pl.Float64, "notes": pl.String}, orient="row")


def panel_structure(rows: pl.DataFrame, *, x: str = "spending_yuan", default_log_sd: float = 0.5) -> dict:
    """Cities, years per city and the SD of ln spending of the rows a fit used (``Fits.rows``).

    With fewer than two distinct spending values the SD is ``default_log_sd`` (and ``log_sd_from_data`` False).
    """
    counts = rows.group_by("city").len().sort("city")["len"].to_list()
    logs = np.log(rows[x].to_numpy().astype(float)) if rows.height else np.array([])
    from_data = np.unique(logs).size >= 2
    return {"n_cities": len(counts), "years_per_city": counts, "n_obs": int(sum(counts)),
            "spending_log_sd": float(np.std(logs, ddof=1)) if from_data else default_log_sd,
            "log_sd_from_data": bool(from_data)}


def coverage_at_panel(rows: pl.DataFrame, *, effect: float = 0.05 / LN2, noise_sd: float = 0.03,
                      n_reps: int = 200, runs=PANEL_COVERAGE_RUNS, seed: int = 0) -> pl.DataFrame:
    """Coverage and power of each estimator on synthetic panels of the real rows' structure.

    ``effect``: true slope per unit of ln spending (default 0.05 per doubling); ``noise_sd``: residual SD of
    satisfaction (an assumption, not an estimate from a handful of rows).
    """
    s = panel_structure(rows)
    if s["n_obs"] < MIN_CITY_YEARS:
        raise ValueError(f"coverage at the panel's size needs at least {MIN_CITY_YEARS} city-years, "
                         f"the rows have {s['n_obs']}")
    return coverage_table(n_cities=s["n_cities"], years_per_city=s["years_per_city"], n_reps=n_reps,
                          noise_sd=noise_sd, runs=runs, seed=seed, effect=effect,
                          spending_log_sd=s["spending_log_sd"])


def power_at_panel(rows: pl.DataFrame, *, per_doubling: Sequence[float] = (0.01, 0.025, 0.05),
                   noise_sd: Sequence[float] = (0.02, 0.04), n_reps: int = 400, seed: int = 0) -> pl.DataFrame:
    """Power of the OLS-HC3 test (α = 0.05) at the rows' own size and spread of ln spending, per effect and noise."""
    s = panel_structure(rows)
    frames = []
    for noise in noise_sd:
        curve = simulation_studies.power_curve(effects=[d / LN2 for d in per_doubling], n_obs_grid=[s["n_obs"]],
                                               n_reps=n_reps, n_cities=s["n_cities"], noise_sd=noise,
                                               spending_log_sd=s["spending_log_sd"], seed=seed)
        frames.append(curve.select(pl.lit(noise).alias("noise_sd"),
                                   (pl.col("effect") * LN2).round(10).alias("effect_per_doubling"), pl.all()))
    return pl.concat(frames)
