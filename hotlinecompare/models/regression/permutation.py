"""Permutation test of no association between satisfaction and spending."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from hotlinecompare.models.regression.design import _build_design, _Design, _join_notes


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

