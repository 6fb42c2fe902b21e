"""Arithmetic of a wide project target table: projects add up to 合计, each row's sources add up to 总计."""

from __future__ import annotations

import re

import polars as pl

from hotlinecompare.extract.checks import check_row, checks_frame
from hotlinecompare.extract.kinds.wide_project_targets.parsing import labels
from hotlinecompare.extract.patterns import compiled


def _half_unit(f: dict) -> float:
    if not f["value"]:
        return 0.0
    m = re.search(r"\.(\d+)", f["quote"])
    return 0.5 * 10 ** -(len(m.group(1)) if m else 0)


def _check(doc_id, cid, description, expected, found, facts) -> dict:
    tolerance = sum(_half_unit(f) for f in facts)
    return check_row(doc_id, cid, description, expected, found, tolerance, facts)


def reconcile(facts: pl.DataFrame) -> pl.DataFrame:
    """Projects add up to 合计; each row's 总计 is the sum of its funding columns (empty = 0)."""
    return checks_frame(reconcile_rows(facts.to_dicts()))


def reconcile_rows(facts: list[dict]) -> list[dict]:
    """:func:`reconcile` on the fact table's rows as dicts (plain Python)."""
    cfg = labels()
    money = [c["measure"] for c in cfg["column"] if c["role"] == "money"]
    header = {c["measure"]: c["header"] for c in cfg["column"] if c["role"] == "money"}
    total_measure, sources = money[0], money[1:]
    rows: list[dict] = []
    by_doc: dict[str, list[dict]] = {}
    for f in facts:
        if f["table"] in ("projects", "summary") and f["measure"] in money:
            by_doc.setdefault(f["doc_id"], []).append(f)
    for doc_id in sorted(by_doc):
        doc = by_doc[doc_id]
        totals = [f for f in doc if f["table"] == "summary"]
        projects = [f for f in doc if f["table"] == "projects"]
        grand = [f for f in totals if compiled(cfg["document"]["total_label"]).search(f["section"])]
        for g in grand:
            parts = [f for f in projects if f["measure"] == g["measure"]]
            names = ", ".join(f"{f['section']} {f['quote']}" for f in parts)
            rows.append(_check(doc_id, f"projects_sum:{g['fact_id']}",
                               f"{g['section']} {g['item']} {g['quote']} = sum of the {len(parts)} listed "
                               f"projects' {g['item']} ({names})", g["value"],
                               sum(f["value"] for f in parts), [g, *parts]))
            for other in totals:
                if other is not g and other["measure"] == g["measure"]:
                    rows.append(_check(doc_id, f"total_rows:{other['fact_id']}",
                                       f"{other['section']} row {other['item']} {other['quote']} vs "
                                       f"{g['section']} {g['quote']}", g["value"], other["value"], [g, other]))
        by_row: dict[int, dict] = {}
        for f in doc:
            by_row.setdefault(f["line"], {})[f["measure"]] = f
        for line, row in sorted(by_row.items()):
            if total_measure not in row:
                continue
            total, parts = row[total_measure], [row[m] for m in sources if m in row]
            empty = [header[m] for m in sources if m not in row]
            rows.append(_check(doc_id, f"row_sources:{total['fact_id']}",
                               f"line {line} {total['section']}: {total['item']} {total['quote']} = "
                               + " + ".join(f"{f['item']} {f['quote']}" for f in parts)
                               + (f" (empty cells {', '.join(empty)} taken as 0)" if empty else ""),
                               total["value"], sum(f["value"] for f in parts), [total, *parts]))
    return rows
