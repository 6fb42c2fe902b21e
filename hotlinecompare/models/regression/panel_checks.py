"""Checks on the raw panel before any numbers are taken from it.

Refuse what a fit cannot honestly use: pooled actual and target rows, mixed
satisfaction measures, missing columns, values outside their range, and a
city-year counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl


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

