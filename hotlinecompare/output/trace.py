"""Provenance: follow a number from its raw line to every clean table that uses it, and summarise
what the build left out (unparsed lines), what it checked (reconciliation) and what it counted.

``trace("sz2024pt-L0230-2")`` returns the raw line, the fact row (with its verbatim quote and
offsets) and, per clean table, the rows citing that fact id: spending rows, the unit costs
computed from it, the checks it takes part in. ``trace_frames`` is the same without any I/O.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from hotlinecompare.errors import HotlineError

# Columns that cite facts: one id, or several joined with ';'.
FACT_ID_COLUMNS = ("fact_ids", "inputs", "numerator_fact_ids", "denominator_fact_ids", "example_fact_id")
# Downstream tables in the order a reader meets them (others follow by name).
TABLE_ORDER = ("spending", "staffing", "service", "unit_costs", "checks")
FACT_COLUMNS = ("fact_id", "source_file", "line", "char_start", "quote", "city", "fiscal_year", "basis",
                "table", "section", "item", "measure", "period", "operator", "value", "unit", "value_std",
                "unit_std", "location")
CELL_SEPARATOR = " | "  # how a tab (a table cell boundary) is shown in a marked line
QUOTE_MARKS = ("【", "】")


@dataclass(frozen=True)
class Trace:
    """One fact, the raw line it was read from, and the clean rows that use it."""

    fact_id: str
    source_file: str
    line: int
    raw_line: str
    fact: pl.DataFrame
    downstream: dict[str, pl.DataFrame] = field(default_factory=dict)

    @property
    def char_start(self) -> int:
        return int(self.fact["char_start"][0])

    @property
    def quote(self) -> str:
        return str(self.fact["quote"][0])

    @property
    def quote_matches(self) -> bool:
        """Whether the raw line holds the quote at the recorded offset (it always should)."""
        return self.raw_line[self.char_start:self.char_start + len(self.quote)] == self.quote

    def marked_line(self) -> str:
        """The raw line with the quote in 【】 and tabs shown as cell separators."""
        start, end = self.char_start, self.char_start + len(self.quote)
        text = self.raw_line[:start] + QUOTE_MARKS[0] + self.raw_line[start:end] + QUOTE_MARKS[1] + self.raw_line[end:]
        return text.replace("\t", CELL_SEPARATOR).strip(CELL_SEPARATOR + " ")

    def summary(self) -> str:
        """A few lines to print: where the number is, what it became, and where it is used."""
        f = self.fact.row(0, named=True)
        used = ", ".join(f"{name} ({frame.height})" for name, frame in self.downstream.items()) or "nothing"
        return "\n".join([
            f"{self.source_file}:{self.line}  (quote at characters {self.char_start}–"
            f"{self.char_start + len(self.quote)}; matches the raw line: {'yes' if self.quote_matches else 'NO'})",
            f"  {self.marked_line()}",
            f"fact {self.fact_id}: {_number(f['value'])} {f['unit']} → {_number(f['value_std'])} {f['unit_std']} "
            f"({f['basis']}, {f['measure']}, {f['period']})",
            *([f"in the original: {f['location']}"] if f.get("location") else []),
            f"used by: {used}",
        ])


def _number(value: float | None) -> str:
    """12,497,800 / 0.7015: thousands separated, no float noise, no exponent."""
    if value is None:
        return "—"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def cites(frame: pl.DataFrame, fact_id: str) -> pl.DataFrame:
    """Rows of ``frame`` whose fact-id columns (see FACT_ID_COLUMNS) name ``fact_id``."""
    columns = [c for c in FACT_ID_COLUMNS if c in frame.columns]
    if not columns:
        return frame.clear()
    hit = pl.any_horizontal(pl.col(c).fill_null("").str.split(";").list.contains(fact_id) for c in columns)
    return frame.filter(hit)


def downstream_rows(tables: Mapping[str, pl.DataFrame], fact_id: str) -> dict[str, pl.DataFrame]:
    """Every table (other than facts) with rows citing ``fact_id``, in reading order."""
    names = [t for t in TABLE_ORDER if t in tables] + sorted(t for t in tables if t not in TABLE_ORDER)
    out = {}
    for name in names:
        if name == "facts":
            continue
        rows = cites(tables[name], fact_id)
        if rows.height:
            out[name] = rows
    return out


def find_fact(facts: pl.DataFrame, fact_id: str) -> pl.DataFrame:
    """The fact row with ``fact_id``; an error naming the nearest ids if there is none."""
    row = facts.filter(pl.col("fact_id") == fact_id)
    if row.height == 1:
        return row
    close = difflib.get_close_matches(fact_id, facts["fact_id"].to_list(), n=3)
    raise HotlineError(f"no fact with id {fact_id!r}", found=fact_id,
                       expected="an id of the form {doc_id}-L{line}-{n}"
                                + (f", e.g. {', '.join(close)}" if close else ""))


def trace_frames(fact_id: str, tables: Mapping[str, pl.DataFrame], raw_lines: Sequence[str]) -> Trace:
    """Pure core of :func:`trace`: ``tables`` must include facts; ``raw_lines`` are the document's lines."""
    fact = find_fact(tables["facts"], fact_id)
    line = int(fact["line"][0])
    source = str(fact["source_file"][0])
    if not 1 <= line <= len(raw_lines):
        raise HotlineError(f"fact {fact_id} points past the end of its document", file=source, line=line,
                           expected=f"a line between 1 and {len(raw_lines)}")
    columns = [c for c in FACT_COLUMNS if c in fact.columns]
    return Trace(fact_id=fact_id, source_file=source, line=line, raw_line=raw_lines[line - 1],
                 fact=fact.select(columns), downstream=downstream_rows(tables, fact_id))


def read_raw_lines(source_file: str, raw_dir: Path | str | None = None) -> tuple[str, ...]:
    """The lines of a raw document, numbered as the parsers number them (``source_file`` as in facts)."""
    from hotlinecompare import paths
    from hotlinecompare.extract.document import decode, split_lines

    raw = Path(raw_dir) if raw_dir is not None else paths.raw_dir()
    path = raw / Path(source_file).name
    if not path.exists():
        raise HotlineError("raw document not found", file=str(path), found=source_file,
                           hint="run from the project checkout, or pass raw_dir")
    return split_lines(decode(path.read_bytes(), source_file))


# The tables a trace reads: the fact table, then every table whose rows cite fact ids.
TRACED_TABLES = ("facts", *TABLE_ORDER)


def trace(fact_id: str, *, tables: Mapping[str, pl.DataFrame], raw_dir: Path | str | None = None) -> Trace:
    """Follow ``fact_id`` from data/raw to the clean ``tables`` (:func:`hotlinecompare.api.trace` loads them)."""
    fact = find_fact(tables["facts"], fact_id)
    return trace_frames(fact_id, tables, read_raw_lines(str(fact["source_file"][0]), raw_dir))


# --- the manifest, unparsed lines, checks ------------------------------------------------------

def sources_table(raw_dir: Path | str | None = None) -> pl.DataFrame:
    """The raw documents as listed in data/raw/manifest.csv: what each is, its years and basis."""
    from hotlinecompare import paths
    from hotlinecompare.extract.raw import read_manifest

    raw = Path(raw_dir) if raw_dir is not None else paths.raw_dir()
    rows = read_manifest(raw)
    return pl.DataFrame(
        {"doc_id": [r["doc_id"] for r in rows], "city": [r["city_zh"] for r in rows],
         "kind": [r["parser"] for r in rows], "years": [r["fiscal_years"].replace(";", ", ") or "—" for r in rows],
         "basis": [r["basis"] for r in rows], "notes": [r["notes"] for r in rows],
         "file": [f"data/raw/{r['file']}" for r in rows]},
        schema={c: pl.String for c in ("doc_id", "city", "kind", "years", "basis", "notes", "file")})


def unparsed_summary(unparsed: pl.DataFrame) -> pl.DataFrame:
    """Unparsed lines by reason: lines, numeric tokens and documents, most tokens first."""
    return (unparsed.with_columns(pl.col("tokens").fill_null("").str.split(" ").list.len().alias("_tokens"))
            .group_by("reason_code")
            .agg(pl.len().alias("lines"), pl.col("_tokens").sum().alias("tokens"),
                 pl.col("doc_id").n_unique().alias("documents"), pl.col("reason").first())
            .sort(["tokens", "reason_code"], descending=[True, False]))


def unparsed_examples(unparsed: pl.DataFrame, reason_codes: Sequence[str], *, width: int = 60) -> pl.DataFrame:
    """The first line of each listed reason (document order), its text cut to ``width`` characters."""
    cut = pl.when(pl.col("text").str.len_chars() > width).then(
        pl.col("text").str.slice(0, width) + pl.lit("…")).otherwise(pl.col("text"))
    rows = unparsed.filter(pl.col("reason_code").is_in(list(reason_codes)))
    order = {code: i for i, code in enumerate(reason_codes)}
    return (rows.with_columns(pl.col("reason_code").replace_strict(order, return_dtype=pl.Int64).alias("_order"))
            .sort("_order", "doc_id", "line").unique("reason_code", keep="first", maintain_order=True)
            .select("reason_code", "doc_id", "line", "tokens", cut.str.replace_all("\t", " ").alias("text")))


def checks_summary(checks: pl.DataFrame, doc_ids: Sequence[str] | None = None) -> pl.DataFrame:
    """Checks per document: total, passed, failed (documents in ``doc_ids`` order, else by id)."""
    counts = checks.group_by("doc_id").agg(pl.len().alias("checks"),
                                           pl.col("passed").sum().cast(pl.Int64).alias("passed"),
                                           (~pl.col("passed")).sum().cast(pl.Int64).alias("failed"))
    if doc_ids is None:
        return counts.sort("doc_id")
    docs = pl.DataFrame({"doc_id": list(doc_ids)}, schema={"doc_id": pl.String})
    return docs.join(counts, on="doc_id", how="left", maintain_order="left").fill_null(0)


def failed_checks(checks: pl.DataFrame, *, width: int = 90) -> pl.DataFrame:
    """The checks that fail, with expected and found values and the description cut to ``width``."""
    cut = pl.when(pl.col("description").str.len_chars() > width).then(
        pl.col("description").str.slice(0, width) + pl.lit("…")).otherwise(pl.col("description"))
    return (checks.filter(~pl.col("passed")).sort("doc_id", "check_id")
            .select("doc_id", "check_id", "expected", "found", cut.alias("description")))
