"""Reconciliation checks: one row per arithmetic identity a document implies, passed or failed.

Every document kind builds its rows here, so every row has the same columns (``checks`` in
``data/table_fields.csv``), the same id format ``{doc_id}:{name}`` and the same rounding.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from hotlinecompare.schema import table_schema

# Float noise below this many decimals is not a finding: values are rounded before they are written.
DECIMALS = 10
# A difference within tolerance by less than this passes (binary floating point of decimal amounts).
SLACK = 1e-9


def _rounded(x: float | None) -> float | None:
    return None if x is None else round(x, DECIMALS)


def check_row(doc_id: str, name: str, description: str, expected: float | None, found: float | None,
              tolerance: float, facts: Iterable[dict | None]) -> dict:
    """One check: ``found`` against ``expected`` within ``tolerance``; the facts it uses by id.

    A check with no expected or no found value fails (there was nothing to compare).
    """
    ok = expected is not None and found is not None
    difference = found - expected if ok else None
    return {"check_id": f"{doc_id}:{name}", "doc_id": doc_id, "description": description,
            "expected": _rounded(expected), "found": _rounded(found), "difference": _rounded(difference),
            "tolerance": _rounded(tolerance), "passed": bool(ok and abs(difference) <= tolerance + SLACK),
            "fact_ids": ";".join(f["fact_id"] for f in facts if f is not None)}


def checks_frame(rows: list[dict]) -> pl.DataFrame:
    """Check rows as the typed ``checks`` table."""
    return pl.DataFrame(rows, schema=table_schema("checks"), orient="row")
