"""Synthetic panels with a known effect, for bias, coverage and power studies.

With ~4 cities the real data cannot tell us whether a method is honest, so
we check the methods on panels whose true slope we set ourselves:

* ``synthetic_panel`` draws one panel in the package's panel schema.
* ``coverage_study`` and ``power_curve`` (in :mod:`hotlinecompare.models.simulation_studies`) repeat
  fits on such panels.

Everything is seeded through ``numpy.random.default_rng``; the same arguments
always give identical frames.

The true model, per city c and year t (regressor = ln spending_yuan):

    ln spending = spending_log_mean + a_c + w_ct
        a_c ~ N(0, spending_log_sd^2 (1 - spending_within_share))   city level
        w_ct ~ N(0, spending_log_sd^2 spending_within_share)        year-to-year
    outcome="linear":  satisfaction = baseline + effect (ln spending - spending_log_mean)
                                      + u_c + e_ct,   e_ct ~ N(0, noise_sd^2)
    outcome="logit":   E[satisfaction | x, c] = expit(logit(baseline)
                                      + effect (ln spending - spending_log_mean) + u_c),
                       satisfaction ~ Beta with that mean and a precision set so
                       that its SD at the baseline mean is noise_sd
    u_c ~ N(0, city_sd^2)  (on the fraction scale for "linear", logit scale for "logit")

So ``effect`` is the slope OLS estimates under "linear" and the slope the
fractional logit estimates under "logit" (the Beta draw makes the logistic
mean exact, which is the Papke-Wooldridge assumption). Under "linear",
values are clipped into (0, 1]; keep baseline and noise away from the bounds
(the defaults are) or the clipping bends the true slope.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats

__all__ = ["synthetic_panel", "clopper_pearson_interval", "DEFAULT_SPENDING_LOG_MEAN"]

# ln(30 million yuan): the order of magnitude of a city hotline centre budget.
DEFAULT_SPENDING_LOG_MEAN = math.log(3.0e7)
_SATISFACTION_FLOOR = 1e-6  # satisfaction must stay inside (0, 1]
_DEFAULT_EFFECT = {"linear": 0.02, "logit": 0.3}
_ESTIMATOR_OUTCOME = {
    # Which outcome model makes `effect` the estimator's target.
    "ols": "linear",
    "mixed": "linear",
    "wild_bootstrap": "linear",
    "wild_cluster_bootstrap": "linear",
    "permutation": "linear",
    "fractional_logit": "logit",
}


# --------------------------------------------------------------------------
# Data generation
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Truth:
    effect: float
    noise_sd: float
    city_sd: float
    spending_log_mean: float
    spending_log_sd: float
    spending_within_share: float
    baseline: float
    outcome: str

    def __post_init__(self) -> None:
        if self.outcome not in ("linear", "logit"):
            raise ValueError(f"outcome must be 'linear' or 'logit', got {self.outcome!r}")
        if not 0 < self.baseline < 1:
            raise ValueError("baseline must be a fraction in (0, 1)")
        if self.noise_sd <= 0:
            raise ValueError("noise_sd must be > 0")
        if self.city_sd < 0 or self.spending_log_sd < 0:
            raise ValueError("city_sd and spending_log_sd must be >= 0")
        if not 0 <= self.spending_within_share <= 1:
            raise ValueError("spending_within_share must be in [0, 1]")
        if self.outcome == "logit" and self.noise_sd**2 >= self.baseline * (1 - self.baseline):
            raise ValueError(
                "outcome='logit' needs noise_sd < sqrt(baseline (1 - baseline)) "
                f"= {math.sqrt(self.baseline * (1 - self.baseline)):.3g} for a Beta distribution"
            )


@dataclass(frozen=True)
class _Layout:
    """Which city and year each row of a panel belongs to."""

    city_of_row: np.ndarray
    year_of_row: np.ndarray
    n_cities: int

    @property
    def n_obs(self) -> int:
        return int(self.city_of_row.shape[0])


def _layout_from_years(n_cities: int, years_per_city: int | Sequence[int]) -> _Layout:
    if n_cities < 1:
        raise ValueError("n_cities must be >= 1")
    if isinstance(years_per_city, numbers.Integral):
        years = [int(years_per_city)] * n_cities
    else:
        years = [int(count) for count in years_per_city]
    if len(years) != n_cities or min(years) < 1:
        raise ValueError("years_per_city must be a positive int or one positive int per city")
    city_of_row = np.repeat(np.arange(n_cities), years)
    year_of_row = np.concatenate([np.arange(count) for count in years])
    return _Layout(city_of_row=city_of_row, year_of_row=year_of_row, n_cities=n_cities)


def _layout_from_n_obs(n_obs: int, n_cities: int) -> _Layout:
    """Spread n_obs city-years round-robin over at most n_cities cities."""
    cities_used = min(n_cities, n_obs)
    rows = np.arange(n_obs)
    return _Layout(city_of_row=rows % cities_used, year_of_row=rows // cities_used, n_cities=cities_used)


def _draw(rng: np.random.Generator, layout: _Layout, truth: _Truth, n_reps: int):
    """Draw n_reps panels at once: (ln spending, satisfaction), each n_reps x n_obs."""
    cities, n_obs = layout.city_of_row, layout.n_obs
    between_sd = truth.spending_log_sd * math.sqrt(1 - truth.spending_within_share)
    within_sd = truth.spending_log_sd * math.sqrt(truth.spending_within_share)
    city_spending = rng.normal(0.0, between_sd, size=(n_reps, layout.n_cities))
    log_spending = truth.spending_log_mean + city_spending[:, cities] + rng.normal(
        0.0, within_sd, size=(n_reps, n_obs)
    )
    city_level = rng.normal(0.0, truth.city_sd, size=(n_reps, layout.n_cities))[:, cities]
    centred = log_spending - truth.spending_log_mean
    if truth.outcome == "linear":
        noise = rng.normal(0.0, truth.noise_sd, size=(n_reps, n_obs))
        satisfaction = truth.baseline + truth.effect * centred + city_level + noise
    else:
        logit_mean = math.log(truth.baseline / (1 - truth.baseline)) + truth.effect * centred + city_level
        mean = 1.0 / (1.0 + np.exp(-logit_mean))
        # Beta precision giving SD = noise_sd at the baseline mean: var = m (1 - m) / (1 + phi).
        precision = truth.baseline * (1 - truth.baseline) / truth.noise_sd**2 - 1
        satisfaction = rng.beta(mean * precision, (1 - mean) * precision)
    return log_spending, np.clip(satisfaction, _SATISFACTION_FLOOR, 1.0)


def _panel_frame(layout: _Layout, log_spending: np.ndarray, satisfaction: np.ndarray,
                 first_year: int) -> pl.DataFrame:
    width = max(2, len(str(layout.n_cities)))
    return pl.DataFrame(
        {
            "city": [f"city_{c + 1:0{width}d}" for c in layout.city_of_row],
            "fiscal_year": (first_year + layout.year_of_row).astype(np.int64),
            "basis": ["actual"] * layout.n_obs,
            "measure": ["satisfaction_survey"] * layout.n_obs,
            "satisfaction": satisfaction.astype(float),
            "spending_yuan": np.exp(log_spending),
            "fact_ids": ["synthetic"] * layout.n_obs,
        }
    )


def synthetic_panel(
    *,
    n_cities: int,
    years_per_city: int | Sequence[int],
    effect: float,
    noise_sd: float,
    city_sd: float = 0.0,
    spending_log_mean: float = DEFAULT_SPENDING_LOG_MEAN,
    spending_log_sd: float = 0.5,
    spending_within_share: float = 0.25,
    baseline: float = 0.9,
    outcome: str = "logit",
    first_year: int = 2019,
    seed: int,
) -> pl.DataFrame:
    """One synthetic panel in the package schema with a known spending slope.

    ``effect`` is the true slope of satisfaction on ln(spending_yuan): on the
    logit scale for ``outcome="logit"``, on the fraction scale for
    ``outcome="linear"`` (see the module docstring for the full model).
    ``years_per_city`` may be one int or one int per city (unbalanced panel).
    Rows are sorted by city then fiscal_year; basis="actual",
    measure="satisfaction_survey", fact_ids="synthetic".
    """
    truth = _Truth(effect, noise_sd, city_sd, spending_log_mean, spending_log_sd,
                   spending_within_share, baseline, outcome)
    layout = _layout_from_years(n_cities, years_per_city)
    log_spending, satisfaction = _draw(np.random.default_rng(seed), layout, truth, n_reps=1)
    return _panel_frame(layout, log_spending[0], satisfaction[0], first_year)


# --------------------------------------------------------------------------
# Binomial intervals
# --------------------------------------------------------------------------


def clopper_pearson_interval(successes, trials, level: float = 0.95):
    """Exact (Clopper-Pearson) binomial interval; works on scalars or arrays."""
    successes = np.asarray(successes, dtype=float)
    trials = np.asarray(trials, dtype=float)
    tail = (1 - level) / 2
    with np.errstate(invalid="ignore"):
        low = np.where(successes > 0, stats.beta.ppf(tail, successes, trials - successes + 1), 0.0)
        high = np.where(successes < trials, stats.beta.ppf(1 - tail, successes + 1, trials - successes), 1.0)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high
