"""The pipeline, in order: raw files → facts (extract) → harmonised tables → published outputs.

``run`` is what ``hotlinecompare build`` does for a corpus that fits in memory; ``publish`` takes
an in-memory build the rest of the way; ``publish_tables`` does the same from the single-file tables
the streaming corpus build wrote (read back with ``read_clean``).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from hotlinecompare.extract.dataset import write_dataset
from hotlinecompare.extract.fact_build import Build, build_facts, write_clean
from hotlinecompare.extract.raw import load_corpus
from hotlinecompare.output.publish import clean_tables, write_tables
from hotlinecompare.schema import table_schema


def publish(build: Build, raw_dir: Path, out_dir: Path) -> list[Path]:
    """Everything downstream of the fact table: the partitioned fact dataset, the harmonised tables,
    the satisfaction panel, ``datapackage.json``, the workbook and the build stamp (last)."""
    write_dataset(build.facts, build.accounting["doc_id"].to_list(), Path(out_dir))
    return publish_tables(build, raw_dir, out_dir)


def read_clean(out_dir: Path) -> Build:
    """The four single-file tables a build wrote, read back (the corpus build holds no Build in memory)."""
    out = Path(out_dir)
    unparsed = pl.read_csv(out / "unparsed.csv", infer_schema=False).with_columns(pl.col("line").cast(pl.Int64))
    return Build(pl.read_parquet(out / "facts.parquet"), unparsed,
                 pl.read_csv(out / "checks.csv", schema=table_schema("checks")),
                 pl.read_csv(out / "accounting.csv", schema=table_schema("accounting")))


def publish_tables(build: Build, raw_dir: Path, out_dir: Path) -> list[Path]:
    """The harmonised tables, panel, ``datapackage.json``, workbook and stamp of a build."""
    return write_tables(clean_tables(build), Path(out_dir), raw_dir=Path(raw_dir))


def run(raw_dir: Path, out_dir: Path) -> Build:
    """The whole raw → clean job: load and verify the raw corpus, build, write and publish ``out_dir``."""
    build = build_facts(load_corpus(Path(raw_dir)))
    write_clean(build, out_dir)
    publish(build, raw_dir, out_dir)
    return build
