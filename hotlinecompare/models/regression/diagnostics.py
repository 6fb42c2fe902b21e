"""How much the OLS slope rests on single cities and single observations."""

from __future__ import annotations

import numpy as np
import polars as pl

from hotlinecompare.models.regression.design import _SLOPE, _build_design, _checked_hat_values
from hotlinecompare.models.regression.fits import fit_ols
from hotlinecompare.models.regression.panel_checks import _require_columns, check_basis


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
    hat = _checked_hat_values(design)
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

