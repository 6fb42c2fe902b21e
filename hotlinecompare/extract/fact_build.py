"""raw → clean: parse every document of the manifest into the fact table and its reports.

``build_facts`` is pure (documents in, frames out); ``write_clean`` is the I/O edge
(:mod:`hotlinecompare.pipeline` runs the whole job). Outputs in ``data/clean/``:

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

from hotlinecompare.extract.accounting import account
from hotlinecompare.extract.document import Document
from hotlinecompare.extract.kinds import PARSER_MODULES, parse, parser_for
from hotlinecompare.extract.originals import locate
from hotlinecompare.schema import fact_schema, table_schema


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
        if doc.meta.get("locations"):   # converted from a PDF, Word, Excel or web page: where in the original
            locate(ex.facts, doc.lines, doc.meta["locations"])
        acct = ex.accounting or account(doc, ex)
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


def _columns(rows: list[dict], schema: dict) -> dict[str, list]:
    """Row dicts as column lists (every row holds every key of ``schema``)."""
    return {k: list(map(itemgetter(k), rows)) for k in schema}


def frames(rows: Rows) -> Build:
    """The typed frames of a build's rows."""
    return Build(*(table_frame(rows_, name) for name, rows_ in (
        ("facts", rows.facts), ("unparsed", rows.unparsed), ("checks", rows.checks), ("accounting", rows.accounting))))


def table_frame(rows: list[dict], table: str) -> pl.DataFrame:
    """Complete rows (every declared column present) as the typed frame of a declared table."""
    schema = table_schema(table)
    return pl.DataFrame(_columns(rows, schema), schema=schema)


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








