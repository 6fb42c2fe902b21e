"""The fact table: schema from ``data/fact_fields.csv``, stable ids, deterministic order."""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

import polars as pl

_TYPES = {"string": pl.String, "integer": pl.Int64, "float": pl.Float64, "boolean": pl.Boolean}


@lru_cache(maxsize=1)
def fact_fields() -> tuple[dict, ...]:
    """The data dictionary of the fact table (name, type, unit, description)."""
    path = resources.files("hotlinecompare").joinpath("data/fact_fields.csv")
    with path.open(encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


def fact_schema() -> dict[str, pl.DataType]:
    return {f["name"]: _TYPES[f["type"]] for f in fact_fields()}


def assign_ids(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``fact_id`` = ``{doc_id}-L{line:04d}-{n}``, n counting facts on a line in the order given."""
    n = pl.int_range(1, pl.len() + 1).over("doc_id", "line")
    fact_id = pl.format("{}-L{}-{}", pl.col("doc_id"), pl.col("line").cast(pl.String).str.zfill(4), n)
    return frame.with_columns(fact_id.alias("fact_id"))


def to_frame(rows: list[dict]) -> pl.DataFrame:
    """Fact rows (from :class:`~hotlinecompare.extraction.Extraction`) as a typed frame with ids.

    Row order is the parsers' reading order; ids depend on nothing else.
    """
    schema = fact_schema()
    body = {k: v for k, v in schema.items() if k != "fact_id"}
    frame = pl.DataFrame([{k: r.get(k) for k in body} for r in rows], schema=body, orient="row")
    return assign_ids(frame).select(list(schema))
