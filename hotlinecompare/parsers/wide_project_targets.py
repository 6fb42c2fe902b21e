"""Parser for a wide project target table (项目支出绩效目标表), such as 广州 市长专线's.

One line per project: its name, money columns (总计, 财政拨款, 财政专户拨款,
其他资金, in the document's 单位：万元), the goal as prose and the indicators
as numbered clauses in one cell (``1、产出指标：接通率（%），年度指标值：≥95%。``).
The 合计 row and the centre's own row are totals (table ``summary``); project
rows are table ``projects``. The document states no year: facts keep
``fiscal_year`` empty. Knowledge lives in ``data/wide_project_targets_labels.toml``.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

import polars as pl

from ..document import Cell, Document
from ..extraction import Extraction, clause_before
from ..numbers import find_quantities, normalise, numeric_tokens, read_cell
from ..prose_basis import basis_for_clause
from ..regex import compiled

KIND = "wide_project_targets"
CHECK_COLUMNS = {"check_id": pl.String, "doc_id": pl.String, "description": pl.String,
                 "expected": pl.Float64, "found": pl.Float64, "difference": pl.Float64,
                 "tolerance": pl.Float64, "passed": pl.Boolean, "fact_ids": pl.String}


@lru_cache(maxsize=1)
def labels() -> dict:
    path = resources.files("hotlinecompare").joinpath("data/wide_project_targets_labels.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def detect(lines: tuple[str, ...]) -> float:
    """0–1: how much the text looks like a wide project target table (title and header words)."""
    text = "".join(lines).replace(" ", "")
    return min(1.0, round(sum(w["weight"] for w in labels()["detect"]["words"] if w["word"] in text), 6))


def _document_facts(doc: Document) -> tuple[int | None, str, str]:
    """(header line, unit, centre name) from the lines above the table."""
    cfg = labels()
    headers = {c["header"] for c in cfg["column"]}
    unit, centre, header = "", "", None
    for n in doc.line_numbers():
        text = doc.text(n)
        if (m := compiled(cfg["document"]["unit_note"]).search(text)) and not unit:
            unit = m.group(1)
        if (m := compiled(cfg["document"]["unit_name"]).search(text)) and not centre:
            centre = m.group(1)
        if headers <= {c.text for c in doc.cells(n)}:
            header = n
            break
    return header, unit, centre


def parse(doc: Document) -> Extraction:
    """All facts of the table, row by row, cells left to right."""
    cfg = labels()
    ex = Extraction(doc)
    header, unit, centre = _document_facts(doc)
    if header is None:
        return ex
    roles = {c["header"]: c for c in cfg["column"]}
    columns = {cell.index: roles[cell.text] for cell in doc.cells(header) if cell.text in roles}
    undated = cfg["document"]["undated_note"] if doc.fiscal_year is None else ""
    for n in range(header + 1, len(doc.lines) + 1):
        cells = doc.cells(n)
        if not cells or cells[0].index != 0:
            continue
        label = cells[0].text
        is_total = bool(compiled(cfg["document"]["total_label"]).search(label)) or label == centre
        base = {"section": label, "fiscal_year": None, "note": undated}
        for cell in cells[1:]:
            col = columns.get(cell.index)
            if col is None:
                continue
            if col["role"] == "money":
                ex.cell_number(cell, **base, basis="budget", table="summary" if is_total else "projects",
                               item=col["header"], measure=col["measure"], unit=unit,
                               unit_from="document")
            elif col["role"] == "goal":
                _goal(ex, cell, base)
            else:
                _indicators(ex, cell, base)
    return ex


def _goal(ex: Extraction, cell: Cell, base: dict) -> None:
    """The goal is prose: a ``number unit`` there is a target; its years and 12345 are not quantities."""
    text = ex.doc.text(cell.line)
    for reading in find_quantities(text[cell.start:cell.end]):
        start = cell.start + reading.start
        clause = clause_before(text, start)
        basis, year = basis_for_clause(clause, "target", None)
        ex.number(cell.line, start, cell.start + reading.end, reading, **{**base, "fiscal_year": year},
                  basis=basis, table="project_targets", item=clause, measure="stated_value")


def _indicators(ex: Extraction, cell: Cell, base: dict) -> None:
    """Each ``N、<一级>指标：<名称>，年度指标值：<值>。`` clause as one target fact."""
    cfg = labels()["indicators"]
    text = normalise(cell.text)
    covered = []
    for m in compiled(cfg["clause"]).finditer(text):
        covered.append((m.start(), m.end()))
        name = cell.text[m.start("name"):m.end("name")]  # as written (full-width brackets kept)
        _skip_name_digits(ex, cell, m.start("name"), name)
        s, e = cell.start + m.start("value"), cell.start + m.end("value")
        value_cell = Cell(cell.line, cell.index, cell.text[m.start("value"):m.end("value")], s, e)
        note = _value_note(name, value_cell.text)
        ex.cell_value(value_cell, **{**base, "note": "; ".join(p for p in (base["note"], note) if p)},
                      basis="target", table="project_targets", item=name, measure=cfg["measure"],
                      level1=cell.text[m.start("level1"):m.end("level1")])
    _skip_leftovers(ex, cell, text, covered)


def _value_note(name: str, value: str) -> str:
    """Why a value carries no unit, or what 无 means."""
    cfg = labels()["indicators"]
    reading = read_cell(value)
    if reading is None:
        return cfg["no_value"]["note"] if value.strip() == cfg["no_value"]["text"] else ""
    if reading.unit:
        return ""
    if compiled(cfg["percent_in_name"]).search(name):
        return cfg["percent_note"]
    if compiled(cfg["rate_name"]).search(name.strip()):
        return cfg["rate_note"]
    return ""


def _skip_name_digits(ex: Extraction, cell: Cell, offset: int, name: str) -> None:
    """Digits inside an indicator's name: a formula's constant (100%) or part of the name."""
    cfg = labels()["indicators"]
    formulas = [(m.start(), m.end()) for m in compiled(cfg["formula"]).finditer(normalise(name))]
    for start, end in numeric_tokens(name):
        inside = next(((s, e) for s, e in formulas if s <= start and end <= e), None)
        code, reason = ("formula_constant", cfg["formula_reason"]) if inside else \
            ("indicator_name_digits", cfg["name_digits_reason"])
        ex.skip(cell.line, code, reason, start=cell.start + offset + start, end=cell.start + offset + end)


def _skip_leftovers(ex: Extraction, cell: Cell, text: str, covered: list[tuple[int, int]]) -> None:
    """Digits in the indicator cell that no clause matched are skipped, never silently dropped."""
    for start, end in numeric_tokens(text):
        if not any(s <= start and end <= e for s, e in covered):
            ex.skip(cell.line, "unmatched_indicator_text", labels()["indicators"]["leftover_reason"],
                    start=cell.start + start, end=cell.start + end)


# -- reconciliation ------------------------------------------------------------------------
def _half_unit(f: dict) -> float:
    if not f["value"]:
        return 0.0
    m = re.search(r"\.(\d+)", f["quote"])
    return 0.5 * 10 ** -(len(m.group(1)) if m else 0)


def _check(doc_id, cid, description, expected, found, facts) -> dict:
    tolerance = sum(_half_unit(f) for f in facts)
    return {"check_id": f"{doc_id}:{cid}", "doc_id": doc_id, "description": description,
            "expected": round(expected, 10), "found": round(found, 10),
            "difference": round(found - expected, 10), "tolerance": round(tolerance, 10),
            "passed": abs(found - expected) <= tolerance + 1e-9,
            "fact_ids": ";".join(f["fact_id"] for f in facts)}


def reconcile(facts: pl.DataFrame) -> pl.DataFrame:
    """Projects add up to 合计; each row's 总计 is the sum of its funding columns (empty = 0)."""
    return pl.DataFrame(reconcile_rows(facts.to_dicts()), schema=CHECK_COLUMNS, orient="row")


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
