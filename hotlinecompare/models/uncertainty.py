"""Uncertainty in the answer: every assumption's range propagated to both options' annual cost.

Sampling: a seeded Latin hypercube over every assumption with a range (low < high); each marginal is
triangular with its mode at the default (a document's figure or the stated assumption), so the
defaults stay the most likely values. Policy rows (occupancy cap, answer-time target, a stated price)
are held at their values. For each connection-rate target the same draws cost both options, so the
difference and P(outsourcing cheaper) carry no noise from separate draws. P's interval is the
Wilson score interval of the Monte Carlo proportion (sampling error of n draws, not model error).

Global sensitivity: first-order and total Sobol indices (Saltelli 2010 estimator for S1, Jansen 1999
for ST; Saltelli et al., Comput. Phys. Commun. 181, 2010) of the cost difference, on two independent
hypercubes A, B and the D hybrids A_B^(i): n (D + 2) evaluations. SALib gives the same estimates and
is used as an oracle in the tests when installed.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl

from hotlinecompare.models.cost_inputs import Assumptions, as_arrays
from hotlinecompare.models.costmodel import _cost_arrays
from hotlinecompare.models.staffing_plan import arrival_profile

SEED = 20261205
DEFAULT_SAMPLES = 400
DEFAULT_TARGETS = (0.80, 0.90, 0.95)
Z95 = 1.959963984540054
OPTIONS = ("in_house", "outsourced")


def ranged(assumption_table: pl.DataFrame) -> pl.DataFrame:
    """The assumptions that carry a range (low < high): what the sampling varies."""
    return assumption_table.filter(pl.col("low") < pl.col("high")).select("name", "low", "value", "high", "source_kind")


def latin_hypercube(n: int, dimensions: int, rng: np.random.Generator) -> np.ndarray:
    """n points in [0, 1)^d, one in each of n equal strata of every dimension, strata paired at random."""
    strata = np.argsort(rng.random((dimensions, n)), axis=1).T
    return (strata + rng.random((n, dimensions))) / n


def triangular_quantile(u: np.ndarray, low, mode, high) -> np.ndarray:
    """Inverse CDF of the triangular distribution on [low, high] with the given mode (columns broadcast)."""
    low, mode, high = (np.asarray(v, dtype=float) for v in (low, mode, high))
    width = high - low
    split = np.where(width > 0, (mode - low) / np.where(width > 0, width, 1.0), 0.5)
    left = low + np.sqrt(u * width * (mode - low))
    right = high - np.sqrt((1 - u) * width * (high - mode))
    return np.where(u < split, left, right)


def sample(assumptions: Assumptions, assumption_table: pl.DataFrame, n: int = DEFAULT_SAMPLES, *,
           seed: int = SEED, unit: np.ndarray | None = None) -> tuple[Assumptions, list[str]]:
    """n draws of every ranged assumption (Latin hypercube, triangular marginals) as array-valued Assumptions.

    ``unit`` (n × d points in [0, 1)) replaces the hypercube, e.g. for the Sobol hybrids.
    """
    rows = ranged(assumption_table)
    names = rows["name"].to_list()
    unit = latin_hypercube(n, len(names), np.random.default_rng(seed)) if unit is None else unit
    modes = [float(getattr(assumptions, name)) for name in names]
    draws = triangular_quantile(unit, rows["low"].to_numpy(), np.array(modes), rows["high"].to_numpy())
    return replace(assumptions, **{name: draws[:, i] for i, name in enumerate(names)}), names


def option_totals(target: float, draws: Assumptions, profile=None) -> dict[str, np.ndarray]:
    """Annual cost of each option for every draw (same staffing, same seats)."""
    p = as_arrays(draws)
    profile = arrival_profile() if profile is None else profile
    return {o: np.broadcast_to(_cost_arrays(target, p, o, 0.0, True, profile)["total_cost_yuan"],
                               np.broadcast_shapes(*(np.shape(v) for v in p.values()))).astype(float)
            for o in OPTIONS}


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion."""
    share = successes / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def monte_carlo(assumptions: Assumptions, assumption_table: pl.DataFrame, targets=DEFAULT_TARGETS, *,
                n: int = DEFAULT_SAMPLES, seed: int = SEED, profile=None, quantiles=(0.05, 0.5, 0.95)) -> pl.DataFrame:
    """Per target: each option's cost at the defaults and its 5–50–95 % quantiles over the draws, the
    difference (outsourced − in-house), and P(outsourcing cheaper) with its Wilson interval."""
    draws, _ = sample(assumptions, assumption_table, n, seed=seed)
    rows = []
    for target in targets:
        at_default = option_totals(target, assumptions, profile)
        totals = option_totals(target, draws, profile)
        difference = totals["outsourced"] - totals["in_house"]
        cheaper = int((difference < 0).sum())
        low, high = wilson_interval(cheaper, n)
        row = {"target_connection_rate": float(target), "samples": n, "seed": seed}
        for name, values, default in (("in_house", totals["in_house"], at_default["in_house"]),
                                      ("outsourced", totals["outsourced"], at_default["outsourced"]),
                                      ("difference", difference, at_default["outsourced"] - at_default["in_house"])):
            row[f"{name}_default_yuan"] = float(np.ravel(default)[0])
            for q, v in zip(quantiles, np.quantile(values, quantiles)):
                row[f"{name}_p{round(100 * q):02d}_yuan"] = float(v)
        row.update(p_outsourcing_cheaper=cheaper / n, p_low=low, p_high=high)
        rows.append(row)
    return pl.DataFrame(rows)


def draws_table(assumptions: Assumptions, assumption_table: pl.DataFrame, target: float, *,
                n: int = DEFAULT_SAMPLES, seed: int = SEED, profile=None) -> pl.DataFrame:
    """The draws themselves at one target: each ranged assumption and both options' costs (for figures)."""
    draws, names = sample(assumptions, assumption_table, n, seed=seed)
    totals = option_totals(target, draws, profile)
    data = {name: np.asarray(getattr(draws, name), dtype=float) for name in names}
    data.update({f"{o}_total_yuan": totals[o] for o in OPTIONS})
    return pl.DataFrame(data).with_columns(
        (pl.col("outsourced_total_yuan") - pl.col("in_house_total_yuan")).alias("difference_yuan"))


def sobol_estimates(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First-order (Saltelli 2010) and total (Jansen) indices from f(A), f(B) and f(A_B^(i)) (shape d × n)."""
    variance = np.var(np.r_[f_a, f_b])
    if variance == 0:
        return np.zeros(len(f_ab)), np.zeros(len(f_ab))
    first = np.mean(f_b * (f_ab - f_a), axis=1) / variance
    total = 0.5 * np.mean((f_a - f_ab) ** 2, axis=1) / variance
    return first, total


def saltelli_design(n: int, dimensions: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two independent hypercubes A, B and the hybrids A_B^(i) (A with column i from B), in [0, 1)."""
    rng = np.random.default_rng(seed)
    a, b = latin_hypercube(n, dimensions, rng), latin_hypercube(n, dimensions, rng)
    hybrids = np.repeat(a[None], dimensions, axis=0)
    for i in range(dimensions):
        hybrids[i, :, i] = b[:, i]
    return a, b, hybrids


def sobol_indices(assumptions: Assumptions, assumption_table: pl.DataFrame, target: float, *, n: int = 256,
                  seed: int = SEED, profile=None) -> pl.DataFrame:
    """S1 and ST of the cost difference (outsourced − in-house) and of each option's cost, per ranged assumption."""
    names = ranged(assumption_table)["name"].to_list()
    d = len(names)
    a, b, hybrids = saltelli_design(n, d, seed)
    unit = np.vstack([a, b, hybrids.reshape(d * n, d)])
    draws, _ = sample(assumptions, assumption_table, unit.shape[0], unit=unit)
    totals = option_totals(target, draws, profile)
    outputs = {"difference": totals["outsourced"] - totals["in_house"], **totals}
    frame = {"name": names}
    for key, values in outputs.items():
        first, total = sobol_estimates(values[:n], values[n:2 * n], values[2 * n:].reshape(d, n))
        frame[f"{key}_s1"], frame[f"{key}_st"] = first, total
    return (pl.DataFrame(frame).with_columns(pl.lit(float(target)).alias("target_connection_rate"),
                                             pl.lit(n).alias("base_samples"))
            .sort("difference_st", "name", descending=[True, False]))
