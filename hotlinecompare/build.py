"""raw → clean: parse every document of the manifest into the fact table and its reports.

``build_facts`` is pure (documents in, frames out); ``write_clean`` and ``run``
are the I/O edges. Outputs in ``data/clean/``:

- ``facts.parquet`` / ``facts.csv`` — one row per extracted value, with provenance;
- ``unparsed.csv`` — every raw line holding a digit that is not (wholly) a fact, with the reason;
- ``checks.csv`` — every arithmetic identity the documents imply, passed or failed;
- ``accounting.csv`` — numeric tokens per document: in facts, skipped, explained, unrecognised.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

import polars as pl

from .accounting import UNPARSED_COLUMNS, account
from .document import Document
from .facts import fact_schema
from .parsing import PARSER_MODULES, parse, parser_for
from .raw import load_corpus

CHECK_SCHEMA = {
    "check_id": pl.String, "doc_id": pl.String, "description": pl.String,
    "expected": pl.Float64, "found": pl.Float64, "difference": pl.Float64,
    "tolerance": pl.Float64, "passed": pl.Boolean, "fact_ids": pl.String,
}
ACCOUNTING_SCHEMA = {
    "doc_id": pl.String, "city": pl.String, "kind": pl.String, "facts": pl.Int64,
    "numeric_facts": pl.Int64, "qualitative_facts": pl.Int64, "tokens": pl.Int64,
    "in_facts": pl.Int64, "skipped": pl.Int64, "explained": pl.Int64,
    "unrecognised": pl.Int64, "accounted_pct": pl.Float64,
}


@dataclass(frozen=True)
class Build:
    facts: pl.DataFrame
    unparsed: pl.DataFrame
    checks: pl.DataFrame
    accounting: pl.DataFrame


@dataclass
class Rows:
    """A build's tables as plain rows (fact rows typed as the fact table's and with ids)."""

    facts: list[dict]
    unparsed: list[dict]
    checks: list[dict]
    accounting: list[dict]


def build_facts(docs: list[Document]) -> Build:
    """Parse, account and reconcile a list of documents (pure: no file is read or written)."""
    return frames(build_rows(docs))


def build_rows(docs: list[Document]) -> Rows:
    """:func:`build_facts` without the frames: the same rows, in the same order."""
    fact_rows, unparsed_rows, acct_rows = [], [], []
    for doc in docs:
        ex = parse(doc)
        acct = account(doc, ex)
        numeric = sum(1 for f in ex.facts if f.get("value") is not None)
        fact_rows.extend(ex.facts)
        unparsed_rows.extend(acct.unparsed)
        acct_rows.append({
            "doc_id": doc.doc_id, "city": doc.city, "kind": doc.kind, "facts": len(ex.facts),
            "numeric_facts": numeric, "qualitative_facts": len(ex.facts) - numeric,
            "tokens": acct.tokens, "in_facts": acct.in_facts, "skipped": acct.skipped,
            "explained": acct.explained, "unrecognised": acct.unrecognised,
            "accounted_pct": round(100.0 * acct.accounted / acct.tokens, 2) if acct.tokens else 100.0,
        })
    facts = fact_rows   # Extraction makes every row complete, typed and with its fact_id
    kinds = sorted({d.kind for d in docs} & set(PARSER_MODULES))
    checks = []
    for k in kinds:
        module = parser_for(k)
        if hasattr(module, "reconcile_rows"):
            checks += module.reconcile_rows(facts)
        else:
            checks += module.reconcile(pl.DataFrame(facts, schema=fact_schema(), orient="row")).to_dicts()
    checks.sort(key=lambda c: (c["doc_id"], c["check_id"]))
    return Rows(facts, unparsed_rows, checks, acct_rows)


UNPARSED_SCHEMA = {c: (pl.Int64 if c == "line" else pl.String) for c in UNPARSED_COLUMNS}


def _columns(rows: list[dict], schema: dict) -> dict[str, list]:
    """Row dicts as column lists (every row holds every key of ``schema``)."""
    return {k: list(map(itemgetter(k), rows)) for k in schema}


def frames(rows: Rows) -> Build:
    """The typed frames of a build's rows."""
    schema = fact_schema()
    facts = pl.DataFrame(_columns(rows.facts, schema), schema=schema)
    unparsed = pl.DataFrame(_columns(rows.unparsed, UNPARSED_SCHEMA), schema=UNPARSED_SCHEMA)
    checks = pl.DataFrame(_columns(rows.checks, CHECK_SCHEMA), schema=CHECK_SCHEMA)
    accounting = pl.DataFrame(_columns(rows.accounting, ACCOUNTING_SCHEMA), schema=ACCOUNTING_SCHEMA)
    return Build(facts, unparsed, checks, accounting)


def write_clean(build: Build, out_dir: Path) -> list[Path]:
    """Write the build's tables; byte-identical for identical input."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "facts.parquet"]
    build.facts.write_parquet(written[0], compression="zstd", statistics=False)
    for name, frame in (("facts", build.facts), ("unparsed", build.unparsed),
                        ("checks", build.checks), ("accounting", build.accounting)):
        path = out / f"{name}.csv"
        frame.write_csv(path)
        written.append(path)
    return written


def summary_lines(build: Build) -> list[str]:
    """One line per document for the terminal: facts and how much of its numbers are accounted for."""
    lines = []
    for r in build.accounting.iter_rows(named=True):
        lines.append(
            f"{r['doc_id']:<10} {r['city']:<10} {r['numeric_facts']:>4} numeric + "
            f"{r['qualitative_facts']:>3} qualitative facts; numeric tokens accounted "
            f"{r['tokens'] - r['unrecognised']}/{r['tokens']} ({r['accounted_pct']:.1f} %)"
        )
    failed = build.checks.filter(~pl.col("passed")).height
    lines.append(f"checks: {build.checks.height - failed} passed, {failed} failed (see checks.csv)")
    return lines


def publish(build: Build, raw_dir: Path, out_dir: Path) -> list[Path]:
    """Everything downstream of the fact table: the partitioned fact dataset, the harmonised tables,
    the satisfaction panel, ``datapackage.json``, the workbook and the build stamp (last)."""
    from .corpus import write_dataset

    write_dataset(build.facts, build.accounting["doc_id"].to_list(), Path(out_dir))
    return publish_tables(build, raw_dir, out_dir)


def read_clean(out_dir: Path) -> Build:
    """The four single-file tables a build wrote, read back (the corpus build holds no Build in memory)."""
    out = Path(out_dir)
    unparsed = pl.read_csv(out / "unparsed.csv", infer_schema=False).with_columns(pl.col("line").cast(pl.Int64))
    return Build(pl.read_parquet(out / "facts.parquet"), unparsed,
                 pl.read_csv(out / "checks.csv", schema=CHECK_SCHEMA),
                 pl.read_csv(out / "accounting.csv", schema=ACCOUNTING_SCHEMA))


def publish_tables(build: Build, raw_dir: Path, out_dir: Path) -> list[Path]:
    """The harmonised tables, panel, ``datapackage.json``, workbook and stamp of a build."""
    from .publish import clean_tables, write_tables

    return write_tables(clean_tables(build), Path(out_dir), raw_dir=Path(raw_dir))


def run(raw_dir: Path, out_dir: Path) -> Build:
    """The whole raw → clean job: load and verify the raw corpus, build, write and publish ``out_dir``."""
    build = build_facts(load_corpus(Path(raw_dir)))
    write_clean(build, out_dir)
    publish(build, raw_dir, out_dir)
    return build
