"""Wild (cluster) bootstrap-t p-value and interval for the OLS slope."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from hotlinecompare.models.regression.design import (
    _SLOPE,
    _build_design,
    _checked_hat_values,
    _Design,
    _join_notes,
)
from hotlinecompare.models.regression.permutation import _count_at_least_as_extreme

# Webb (2013) six-point weights: mean 0, variance 1, symmetric; 6^G distinct
# draws instead of the 2^G that Rademacher weights give with G clusters.
_WEBB_WEIGHTS = np.array(
    [-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)]
)
_RADEMACHER_WEIGHTS = np.array([-1.0, 1.0])


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

    hat = _checked_hat_values(design)
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

