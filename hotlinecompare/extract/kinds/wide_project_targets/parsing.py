"""Parser for a wide project target table (项目支出绩效目标表), such as 广州 市长专线's.

One line per project: its name, money columns (总计, 财政拨款, 财政专户拨款,
其他资金, in the document's 单位：万元), the goal as prose and the indicators
as numbered clauses in one cell (``1、产出指标：接通率（%），年度指标值：≥95%。``).
The 合计 row and the centre's own row are totals (table ``summary``); project
rows are table ``projects``. The document states no year: facts keep
``fiscal_year`` empty. Knowledge lives in ``data/wide_project_targets_labels.toml``.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

from hotlinecompare.extract.basis_cues import basis_for_clause
from hotlinecompare.extract.document import Cell, Document
from hotlinecompare.extract.extraction import Extraction, clause_before
from hotlinecompare.extract.numbers import find_quantities, normalise, numeric_tokens, read_cell
from hotlinecompare.extract.patterns import compiled

KIND = "wide_project_targets"


@lru_cache(maxsize=1)
def labels() -> dict:
    path = resources.files("hotlinecompare").joinpath("data/wide_project_targets_labels.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))




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






