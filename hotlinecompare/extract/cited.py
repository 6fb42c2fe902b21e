"""Cited public figures: a second source beside the documents, one checked row per figure.

``data/cited/*.csv`` (columns in ``data/cited/README.md``) hold figures a researcher cites from
public pages — bulletins, work reports, final accounts, procurement notices — each with its URL and
the few words of the source that state it. :func:`read_citations` validates every row and returns
the ``citations`` table (columns declared in ``data/table_fields.csv``) with ``source_kind`` =
``citation``, the value in standard units and the place resolved against the place registry.

A row is refused, with its file, line and what was expected, when: a column is missing; the id is
not unique; the measure is not in ``data/cited_measures.csv``; the unit is not in ``data/units.csv``;
operator, basis, year or month is out of range; the phrase is longer than a citation
(:data:`MAX_PHRASE`) or does not state the value as written; the URL is not a web address.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path

import polars as pl

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.numbers import all_units, normalise, standardise
from hotlinecompare.extract.places import find_city, load_registry, new_city
from hotlinecompare.schema import data_rows, table_schema

CITED_DIR = Path("data") / "cited"
COLUMNS = ("cite_id", "subject", "place_zh", "parent_zh", "admin_level", "year", "month", "measure", "value",
           "unit", "operator", "basis", "scope", "source_url", "publisher", "published", "accessed", "phrase",
           "note")
OPERATORS = {"=": "=", "≥": ">=", "≤": "<=", ">": ">", "<": "<", "≈": "~"}
BASES = ("actual", "budget", "target", "estimate", "award", "authorised")
ADMIN_LEVELS = ("province", "municipality", "city", "district", "county")
# A citation is a few words, not article text.
MAX_PHRASE = 60
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def cited_measures() -> dict[str, dict]:
    """``data/cited_measures.csv`` by measure key (family, metric key, unit kind, description)."""
    return {r["measure"]: r for r in data_rows("cited_measures.csv")}


def cited_units() -> dict[str, tuple[str, float]]:
    """Units a citation may use that documents are not read with (``data/cited_units.csv``): unit → (std, factor)."""
    return {r["unit"]: (r["unit_std"], float(r["factor"])) for r in data_rows("cited_units.csv")}


def standard_value(value: float, unit: str) -> tuple[float, str]:
    extra = cited_units()
    if unit in extra:
        std, factor = extra[unit]
        return float(Decimal(repr(value)) * Decimal(repr(factor))), std
    return standardise(value, unit)


def states_value(phrase: str, value: str) -> bool:
    """True when ``phrase`` writes the number ``value`` (full-width forms and thousands separators folded)."""
    try:
        wanted = Decimal(value)
    except InvalidOperation:
        return False
    text = normalise(unicodedata.normalize("NFKC", phrase))
    for m in _NUMBER.finditer(text):
        try:
            if Decimal(m.group(0).replace(",", "")) == wanted:
                return True
        except InvalidOperation:
            continue
    return False


def _refuse(message: str, source: str, line: int, found: str, expected: str) -> HotlineError:
    return HotlineError(message, file=source, line=line, found=found, expected=expected)


def check_row(row: dict, source: str, line: int, measures: dict[str, dict]) -> None:
    """Refuse a row that is not a checked citation (see the module docstring)."""
    missing = [c for c in COLUMNS if c not in row]
    if missing:
        raise _refuse("missing columns", source, 1, ", ".join(missing), ", ".join(COLUMNS))
    if row["measure"] not in measures:
        raise _refuse(f"unknown measure {row['measure']!r}", source, line, row["measure"],
                      "a key of hotlinecompare/data/cited_measures.csv")
    if normalise(row["unit"]) not in all_units() and row["unit"] not in cited_units():
        raise _refuse(f"unknown unit {row['unit']!r}", source, line, row["unit"],
                      "a unit of data/units.csv or data/cited_units.csv")
    if row["operator"] not in OPERATORS:
        raise _refuse("unknown operator", source, line, row["operator"], " ".join(OPERATORS))
    if row["basis"] not in BASES:
        raise _refuse("unknown basis", source, line, row["basis"], ", ".join(BASES))
    if row["admin_level"] not in ADMIN_LEVELS:
        raise _refuse("unknown admin level", source, line, row["admin_level"], ", ".join(ADMIN_LEVELS))
    if not re.fullmatch(r"(19|20)\d\d", row["year"]):
        raise _refuse("the year is not a year", source, line, row["year"], "a four-digit year the figure refers to")
    if row["month"] and not (row["month"].isdigit() and 1 <= int(row["month"]) <= 12):
        raise _refuse("the month is not 1–12", source, line, row["month"], "empty (a yearly figure) or 1–12")
    if not row["source_url"].startswith(("http://", "https://")):
        raise _refuse("no source address", source, line, row["source_url"], "the http(s) address of the page")
    if not row["phrase"] or len(row["phrase"]) > MAX_PHRASE:
        raise _refuse("the phrase is not a citation", source, line, row["phrase"][:80],
                      f"the few words (1–{MAX_PHRASE} characters) of the source that state the figure")
    if not states_value(row["phrase"], row["value"]):
        raise _refuse(f"the phrase does not state the value {row['value']}", source, line, row["phrase"],
                      "a phrase that writes the value as the row gives it")


def read_rows(path: Path, root: Path) -> list[dict]:
    """One file's rows, each with its source file and line."""
    source = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    text = path.read_bytes().decode("utf-8-sig")
    rows = []
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        rows.append({**{k: (v or "").strip() for k, v in row.items() if k is not None}, "_file": source, "_line": line})
    return rows


def read_citations(cited_dir: Path | str, *, root: Path | str | None = None,
                   raw_dir: Path | str | None = None) -> pl.DataFrame:
    """Every row of ``cited_dir/*.csv`` (file name order), checked and typed as the ``citations`` table."""
    cited_dir = Path(cited_dir)
    root = Path(root) if root is not None else cited_dir.parent.parent
    measures, registry = cited_measures(), load_registry(raw_dir)
    out, seen = [], {}
    for path in sorted(cited_dir.glob("*.csv")):
        for row in read_rows(path, root):
            check_row(row, row["_file"], row["_line"], measures)
            if row["cite_id"] in seen:
                raise _refuse(f"cite_id {row['cite_id']} is used twice", row["_file"], row["_line"], row["cite_id"],
                              f"a unique id (first used at {seen[row['cite_id']]})")
            seen[row["cite_id"]] = f"{row['_file']}:{row['_line']}"
            out.append(_typed(row, measures, registry))
    return pl.DataFrame(out, schema=table_schema("citations"), orient="row")


def _typed(row: dict, measures: dict[str, dict], registry) -> dict:
    parent = find_city(row["parent_zh"], registry) if row["parent_zh"] else None
    city = find_city(row["place_zh"], registry) or new_city(row["place_zh"], row["admin_level"], registry, parent,
                                                            styled=False)
    value = float(row["value"])
    value_std, unit_std = standard_value(value, normalise(row["unit"]))
    return {"cite_id": row["cite_id"], "source_kind": "citation", "source_file": row["_file"], "line": row["_line"],
            "subject": row["subject"], "city": city.key, "city_zh": row["place_zh"], "parent_zh": row["parent_zh"],
            "admin_level": row["admin_level"], "fiscal_year": int(row["year"]),
            "month": int(row["month"]) if row["month"] else None, "measure": row["measure"],
            "family": measures[row["measure"]]["family"], "operator": OPERATORS[row["operator"]], "value": value,
            "unit": row["unit"], "value_std": value_std, "unit_std": unit_std, "basis": row["basis"],
            "scope": row["scope"], "source_url": row["source_url"], "publisher": row["publisher"],
            "published": row["published"], "accessed": row["accessed"], "quote": row["phrase"], "note": row["note"]}
