"""The fact table as a hive-partitioned parquet dataset: ``facts/city=<city>/fiscal_year=<year>/part-<group>.parquet``.

One file per partition and group of about 1,024 documents, rows in reading order; a fact without
a fiscal year goes to ``fiscal_year=__HIVE_DEFAULT_PARTITION__``, which polars and Spark read as null.
Folders are written beside their target and swapped in whole, so a failed build leaves no half dataset.
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import polars as pl

from hotlinecompare.errors import HotlineError
from hotlinecompare.schema import fact_schema

# A corpus is cut into about this many chunks (enough to keep every core busy)…
TARGET_CHUNKS = 32
# …of at most this many documents (a worker holds one chunk's facts in memory).
MAX_CHUNK = 128
# The dataset's files hold about this many documents each (a file group of whole chunks, written from
# memory by the main process: fewer, larger files than one per chunk, in bounded memory).
GROUP_DOCS = 1024
PARTITION_COLUMNS = ("city", "fiscal_year")
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
DATASET = "facts"
_SAFE_VALUE = re.compile(r"[A-Za-z0-9_\-]+")


def chunk_size(n_docs: int) -> int:
    """Documents per chunk: a function of the corpus size only, so that output does not depend on jobs."""
    return max(1, min(MAX_CHUNK, math.ceil(n_docs / TARGET_CHUNKS)))


def partition_path(city: str, fiscal_year: int | None) -> str:
    """``city=suzhou/fiscal_year=2024``; a city key that is not a plain identifier is refused."""
    if not _SAFE_VALUE.fullmatch(city or ""):
        raise HotlineError(f"city key {city!r} cannot name a partition folder",
                           expected="letters, digits, _ or - (the manifest's city column)")
    year = NULL_PARTITION if fiscal_year is None else str(fiscal_year)
    return f"city={city}/fiscal_year={year}"


def dataset_group(n_docs: int) -> int:
    """Documents per file group of the dataset: whole chunks, about :data:`GROUP_DOCS` documents."""
    size = chunk_size(n_docs)
    return size * max(1, GROUP_DOCS // size)


def write_partitions(facts: pl.DataFrame, dataset_dir: Path, group: int) -> list[Path]:
    """Write one file group's facts into the dataset: one file per (city, fiscal_year), rows in reading order.

    The partition columns live in the folder names, not in the files (as Hive, Spark and DuckDB expect).
    """
    written = []
    if facts.height == 0:
        return written
    # One partition at a time (partition_by would copy them all at once: twice the memory).
    for city, year in facts.select(PARTITION_COLUMNS).unique(maintain_order=True).rows():
        folder = Path(dataset_dir) / partition_path(city, year)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"part-{group:05d}.parquet"
        part = facts.filter(pl.col("city") == city, pl.col("fiscal_year").eq_missing(year))
        part.drop(list(PARTITION_COLUMNS)).write_parquet(path, compression="zstd")
        written.append(path)
    return written


def write_dataset(facts: pl.DataFrame, doc_ids: list[str], out_dir: Path) -> Path:
    """The partitioned dataset of an in-memory build: the same files :func:`build_corpus` writes.

    ``doc_ids`` is the manifest order; the dataset ``out_dir/facts`` is replaced as a whole.
    """
    size = dataset_group(len(doc_ids))
    group_of = {d: i // size for i, d in enumerate(doc_ids)}
    staging = fresh_folder(Path(out_dir) / f".{DATASET}-tmp")
    with_group = facts.with_columns(pl.col("doc_id").replace_strict(group_of, return_dtype=pl.Int64)
                                    .alias("_group"))
    for (group,), part in with_group.partition_by("_group", maintain_order=True, as_dict=True).items():
        write_partitions(part.drop("_group"), staging, group)
    return swap_in(staging, Path(out_dir) / DATASET)


def scan_facts(dataset_dir: Path | str) -> pl.LazyFrame:
    """The partitioned fact table as a lazy frame with the fact table's columns, in their order."""
    schema = fact_schema()
    lazy = pl.scan_parquet(Path(dataset_dir), hive_partitioning=True,
                           hive_schema={"city": pl.String, "fiscal_year": pl.Int64})
    return lazy.select(list(schema))


def fresh_folder(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def swap_in(staging: Path, target: Path) -> Path:
    """Replace ``target`` by the finished ``staging`` folder, so a failed build leaves no half dataset."""
    old = target.with_name(f".{target.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target
