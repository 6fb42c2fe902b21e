"""The design matrix of one fit: y, (log) spending, optional city dummies.

Rows are sorted by (city, fiscal_year); column ``_SLOPE`` is always the
spending regressor. The checks here are the ones that need the design (rank,
degrees of freedom, leverage) rather than the raw panel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from hotlinecompare.models.regression.panel_checks import (
    _require_columns,
    _require_single_measure,
    _require_unique_city_years,
    _validate_values,
    check_basis,
)


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


def _numeric_columns(panel: pl.DataFrame, x: str):
    city = np.asarray(panel["city"].to_list(), dtype=object)
    year = panel["fiscal_year"].cast(pl.Float64).fill_null(float("nan")).to_numpy()
    y = panel["satisfaction"].cast(pl.Float64).fill_null(float("nan")).to_numpy()
    spending = panel[x].cast(pl.Float64).fill_null(float("nan")).to_numpy()
    row_basis = np.asarray(panel["basis"].to_list(), dtype=object)
    as_float = (np.asarray(values, dtype=float) for values in (year, y, spending))
    return (city, *as_float, row_basis)


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


def _checked_hat_values(design: _Design) -> np.ndarray:
    """Hat values of the design, refusing a row with leverage 1 (HC2/HC3 divide by 1 - h_ii)."""
    hat = _hat_values(design.exog)
    _require_leverage_below_one(design, hat)
    return hat


def _join_notes(*groups: Sequence[str]) -> str:
    return "; ".join(note for group in groups for note in group)

