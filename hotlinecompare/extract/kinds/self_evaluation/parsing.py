"""Parser for the department self-evaluation report (部门（单位）整体支出预算绩效自评报告).

The report has three kinds of content, each read by its own function:

- the budget execution table (七、预算信息): one row per budget line, five value columns;
- the self-evaluation table (九、部门整体自评表): target, actual and deviation per indicator,
  with reasons in prose;
- narrative prose: quantities with their clause, precise items from explicit patterns.

Column meanings, labels and prose patterns live in ``data/self_evaluation_patterns.toml``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from hotlinecompare.extract.basis_cues import basis_for_clause
from hotlinecompare.extract.document import Cell, Document
from hotlinecompare.extract.extraction import Extraction, clause_before
from hotlinecompare.extract.numbers import find_quantities, normalise, read_cell

# A number as numbers.py reads it: the PDF export may put a space after the point (16. 35).
_NUMBER = r"\d+(?:\.[ ]?\d+)?"
_PARENS = re.compile(r"[（(]([^（）()]+)[）)]\s*$")
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=1)
def patterns() -> dict:
    """The parser's knowledge: ``data/self_evaluation_patterns.toml``."""
    path = resources.files("hotlinecompare").joinpath("data/self_evaluation_patterns.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _prose_rules() -> tuple[list[tuple[re.Pattern, dict]], list[tuple[re.Pattern, dict]]]:
    def compiled(rows):
        return [(re.compile(r["regex"].replace("{num}", _NUMBER)), r) for r in rows]
    return compiled(patterns()["prose_fact"]), compiled(patterns()["not_quantity"])


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# -- detection ---------------------------------------------------------------


# -- parsing -----------------------------------------------------------------
def parse(doc: Document) -> Extraction:
    ex = Extraction(doc)
    tables = patterns()["sections"]
    for heading, lines in _sections(doc):
        if tables["execution"] in heading:
            _execution_table(ex, heading, lines)
        elif tables["self_evaluation"] in heading:
            _indicator_table(ex, heading, lines)
        else:
            for n in lines:
                _prose(ex, n, 0, len(doc.text(n)), _Context("prose", heading))
    return ex


def _sections(doc: Document) -> list[tuple[str, list[int]]]:
    """(heading, line numbers) for each part; lines before the first heading have heading ''."""
    heading_re = re.compile(patterns()["sections"]["heading"])
    parts: list[tuple[str, list[int]]] = [("", [])]
    for n in doc.line_numbers():
        text = doc.text(n)
        # A numbered phrase inside a table row (it has tabs) is a cell, not a heading.
        if heading_re.match(text) and "\t" not in text:
            parts.append((text.strip(), [n]))
        else:
            parts[-1][1].append(n)
    return parts


@dataclass(frozen=True)
class _Context:
    table: str
    section: str
    level1: str = ""
    note: str = ""


# -- 七、预算信息: the budget execution table ---------------------------------
def _execution_table(ex: Extraction, section: str, lines: list[int]) -> None:
    conf = patterns()["execution"]
    columns, group = None, ""
    for n in lines:
        cells = ex.doc.cells(n)
        if not cells or n == lines[0]:
            continue
        if columns is None:
            columns = _execution_columns(cells, conf) or None
            if columns is None:
                ex.skip(n, "before_header", "a line before the execution table's header row")
            continue
        # The value cells are the last ones: one row has an empty cell after its name (a stray tab).
        if len(cells) <= len(columns):
            ex.skip(n, "short_row", f"execution row with {len(cells)} cells, expected "
                    f"a name and {len(columns)} values")
            continue
        names, values = cells[:-len(columns)], cells[-len(columns):]
        item = " ".join(c.text for c in names)
        # Names wrapped in the PDF carry a space (业务技能 培训): item as written, joined name in note.
        note = f"name as wrapped in the source; joined: {_squash(item)}" if _squash(item) != item else ""
        for cell, col in zip(values, columns):
            ex.cell_number(cell, basis=col["basis"], table="execution", section=section, item=item,
                           measure=col["measure"], level1=group, unit=col["unit"], note=note)
        if _squash(item) == conf["project_row"]:
            group = conf["project_row"]


def _execution_columns(header: list[Cell], conf: dict) -> list[dict]:
    """The value columns of the header, in order, each with measure, basis and unit (from （万元）)."""
    columns = []
    for cell in header[1:]:
        text = _squash(cell.text)
        col = next((c for c in conf["columns"] if c["header"] in text), None)
        if col is None:
            continue
        unit = _PARENS.search(text)
        columns.append(col | {"unit": unit.group(1) if unit else None})
    return columns


# -- 九、部门整体自评表: the self-evaluation indicator table ----------------------
def _indicator_table(ex: Extraction, section: str, lines: list[int]) -> None:
    conf = patterns()["self_evaluation"]
    offsets, category, name, reason = None, "", "", ""
    for n in lines:
        cells = ex.doc.cells(n)
        if not cells or n == lines[0]:
            continue
        if offsets is None:
            offsets = _indicator_offsets(cells, conf)
            if offsets is None:
                ex.skip(n, "before_header", "a line before the self-evaluation table's header row")
            continue
        source = next((c for c in cells if c.text in conf["source_labels"]), None)
        if source is None:
            # Reasons wrap onto a line holding one cell in the reason column (or beyond).
            if len(cells) == 1 and reason and cells[0].index >= offsets["reason_index"]:
                ctx = _Context("self_evaluation", section, category, f"in 原因分析 of {name}, wrapped")
                _prose(ex, n, cells[0].start, cells[0].end, ctx, lead=reason)
                reason += cells[0].text
            else:
                for cell in cells:
                    ex.skip(n, "label_without_values", "an indicator name with no target, actual "
                            f"or deviation cells on its line: {cell.text!r}", cell=cell)
            continue
        # Rows start in different tab columns: cells are found relative to 完成值来源.
        at = {c.index: c for c in cells}
        role = {r: at.get(source.index + k) for r, k in offsets.items() if r != "reason_index"}
        if role["category"] is not None and role["category"].text in conf["categories"]:
            category = role["category"].text
        name = role["name"].text if role["name"] else ""
        fields = dict(table="self_evaluation", section=section, item=name, level1=category)
        for col in conf["columns"]:
            cell = role.get(col["role"])
            if "measure" in col and cell is not None:
                ex.cell_value(cell, basis=col["basis"], measure=col["measure"], **fields)
        reason = role["reason"].text if role["reason"] and role["reason"].text != conf["no_reason"] else ""
        if reason:
            ctx = _Context("self_evaluation", section, category, f"in 原因分析 of {name}")
            _prose(ex, n, role["reason"].start, role["reason"].end, ctx)
        used = {id(c) for c in role.values() if c is not None} | {id(source)}
        for cell in cells:
            if id(cell) not in used and _DIGIT.search(cell.text):
                ex.skip(n, "unassigned_cell", f"cell {cell.index} fits no column of the "
                        f"self-evaluation table: {cell.text!r}", cell=cell)


def _indicator_offsets(header: list[Cell], conf: dict) -> dict | None:
    """Each role's tab offset from the 完成值来源 column, read from the header row (None if not it)."""
    where = {h.text: h.index for h in header}
    if any(c["header"] not in where for c in conf["columns"]):
        return None
    index = {c["role"]: where[c["header"]] for c in conf["columns"]}
    offsets = {r: i - index["source"] for r, i in index.items() if r != "source"}
    return offsets | {"reason_index": index["reason"]}


# -- prose ------------------------------------------------------------------
def _prose(ex: Extraction, line: int, start: int, end: int, ctx: _Context, lead: str = "") -> None:
    """Every quantity in ``line[start:end]``, in reading order: explicit pattern, skip or clause.

    ``lead`` is the text this span continues (a reason wrapped onto the next line), so
    that the clause naming a number can start on the previous line.
    """
    text, doc = ex.doc.text(line), ex.doc
    norm = normalise(text)
    if not _DIGIT.search(norm, start, end):
        return   # every prose rule and every quantity is a number written in digits: nothing here
    explicit, excluded = _prose_rules()
    actions = []
    for regex, rule in excluded:
        for m in regex.finditer(norm, start, end):
            actions.append((m.start("q"), m.end("q"), "skip", rule, m))
    for regex, rule in explicit:
        for m in regex.finditer(norm, start, end):
            group = "quote" if "quote" in regex.groupindex else "q"
            actions.append((m.start(group), m.end(group), "explicit", rule, m))
    claimed = [(s, e) for s, e, *_ in actions]
    for r in find_quantities(text[start:end]):
        s, e = start + r.start, start + r.end
        if not any(s < ce and cs < e for cs, ce in claimed):
            actions.append((s, e, "clause", r, None))
    for s, e, kind, payload, m in sorted(actions, key=lambda a: (a[0], a[1])):
        if kind == "skip":
            ex.skip(line, payload["reason_code"], payload["reason"], start=s, end=e)
        elif kind == "explicit":
            _explicit_fact(ex, line, s, e, payload, m, ctx)
        else:
            joined = lead + text[start:end]
            clause = clause_before(joined, len(lead) + s - start)
            basis, year = basis_for_clause(clause, patterns()["prose"]["default_basis"], doc.fiscal_year)
            ex.number(line, s, e, payload, basis=basis, table=ctx.table, section=ctx.section,
                      item=clause, measure="stated_value", level1=ctx.level1, fiscal_year=year,
                      note=ctx.note)


def _explicit_fact(ex: Extraction, line: int, s: int, e: int, rule: dict, m: re.Match,
                   ctx: _Context) -> None:
    reading = read_cell(m.group("q"))
    if reading is None:
        ex.skip(line, "unreadable_quantity", f"pattern for {rule['item']!r} matched "
                f"{m.group('q')!r}, which is not one number", start=s, end=e)
        return
    if "operator" in rule:
        reading = replace(reading, operator=rule["operator"])
    unit, unit_from = None, None
    if "unit" in rule:
        # The written unit word names something else (个座席 = seats, 条 = hotlines): say so in note.
        reading, unit, unit_from = replace(reading, unit=""), rule["unit"], "parser"
    notes = [n for n in (rule.get("note", "").format(**m.groupdict()), ctx.note) if n]
    ex.number(line, s, e, reading, basis=rule.get("basis", patterns()["prose"]["default_basis"]),
              table=ctx.table, section=ctx.section, item=rule["item"],
              measure=rule.get("measure", "stated_value"), level1=ctx.level1, unit=unit,
              unit_from=unit_from, note="; ".join(notes))


# -- reconciliation -----------------------------------------------------------












