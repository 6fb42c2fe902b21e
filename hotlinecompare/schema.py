"""Every table's columns and polars types, from the data dictionary (one schema source).

``data/fact_fields.csv`` declares the fact table; ``data/table_fields.csv`` every other table
(a row with an empty ``name`` describes the table itself). No stage writes a schema literal: it
asks :func:`table_schema`, and a test holds every written table to its declared fields.
"""

from __future__ import annotations

import csv
from functools import cache, lru_cache
from importlib import resources

import polars as pl

TYPES = {"string": pl.String, "integer": pl.Int64, "float": pl.Float64, "boolean": pl.Boolean}


def data_rows(file: str) -> tuple[dict, ...]:
    """The rows of a package data CSV (``hotlinecompare/data/<file>``) as dicts of strings, in file order."""
    with resources.files("hotlinecompare").joinpath(f"data/{file}").open(encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


@lru_cache(maxsize=1)
def fact_fields() -> tuple[dict, ...]:
    """The data dictionary of the fact table (name, type, unit, description)."""
    return data_rows("fact_fields.csv")


def fact_schema() -> dict[str, pl.DataType]:
    return {f["name"]: TYPES[f["type"]] for f in fact_fields()}


@lru_cache(maxsize=1)
def table_fields() -> dict[str, tuple[dict, ...]]:
    """``data/table_fields.csv`` by table: each table's column rows in declared order."""
    out: dict[str, list[dict]] = {}
    for row in data_rows("table_fields.csv"):
        if row["name"]:
            out.setdefault(row["table"], []).append(row)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _table_schema(table: str) -> tuple[tuple[str, pl.DataType], ...]:
    if table == "facts":
        return tuple(fact_schema().items())
    fields = table_fields().get(table)
    if not fields:
        raise KeyError(f"table {table!r} is not declared in data/table_fields.csv")
    return tuple((f["name"], TYPES[f["type"]]) for f in fields)


def table_schema(table: str) -> dict[str, pl.DataType]:
    """The polars schema of a declared table (a fresh dict: callers may extend it)."""
    return dict(_table_schema(table))


def table_columns(table: str) -> tuple[str, ...]:
    return tuple(name for name, _ in _table_schema(table))


@lru_cache(maxsize=1)
def column_labels() -> dict[str, str]:
    """``data/column_labels.csv``: column name (or ``*_suffix``) → Chinese label."""
    return {r["name"]: r["label_zh"] for r in data_rows("column_labels.csv")}


def chinese_label(column: str) -> str:
    """A column's Chinese label: an exact row, else a ``*_suffix`` row after the rest of the name, else the name."""
    labels = column_labels()
    if column in labels:
        return labels[column]
    for pattern, label in labels.items():
        if pattern.startswith("*") and column.endswith(pattern[1:]):
            return f"{column[: -len(pattern) + 1]} {label}"
    return column
