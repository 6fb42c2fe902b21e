"""The annex tables of a budget disclosure, one reader per layout (see the labels file's ``[[table]]``).

Every cell holding a number becomes a fact or a skip with a reason; labels keep
their numbering (``(一) 财政拨款收入``) and the row's place in the table's
outline goes to ``level1..3`` (类/款/项 for classification tables, 一、/(一)/1、
for summaries), so that checks can add children up to their parent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from hotlinecompare.extract.document import Cell, Document
from hotlinecompare.extract.extraction import Extraction
from hotlinecompare.extract.kinds.budget_disclosure.prose import ProseState, labels, read_prose
from hotlinecompare.extract.numbers import find_numbers, read_cell
from hotlinecompare.extract.patterns import compiled

Unit = tuple[str, str, str]   # (unit, unit_from, note)
_DIGIT = re.compile(r"\d")
_CODE_DEPTH = {3: 0, 5: 1, 7: 2}   # 类 201 / 款 20103 / 项 2010350
_YEAR_PREFIX = re.compile(r"^(?:19|20)\d\d年")


@lru_cache(maxsize=4096)
def table_spec(text: str) -> dict | None:
    """The labels entry of the annex table whose title this line (or a fact's section) is."""
    if "\t" in text or not text.strip():
        return None
    bare = _YEAR_PREFIX.sub("", text.replace(" ", "").strip())
    return next((t for t in labels()["table"] if bare.startswith(t["title"])), None)


def unit_in_force(doc: Document, first: int, last: int, previous: Unit | None) -> Unit:
    """The unit a table states above (or on) its first data row; else the previous table's unit."""
    stop = min(last, first_data_line(doc, first, last) or last)
    for n in range(first, stop + 1):
        for pattern in labels()["units"]["patterns"]:
            m = compiled(pattern).search(doc.text(n))
            if m:
                return m.group(1), "header", ""
    if previous:
        return previous[0], "document", labels()["units"]["carried_note"]
    return "", "", ""


def first_data_line(doc: Document, first: int, last: int) -> int | None:
    """The first line with a readable number in a value column (tab column ≥ 1)."""
    for n in range(first, last + 1):
        if any(c.index >= 1 and read_cell(c.text) for c in doc.cells(n)):
            return n
    return None


def _note(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def garbled(text: str) -> bool:
    """Digits in OCR debris (1 VI, d, 24., 前11(半位)右你): no run of real words around them."""
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    longest = max((len(r) for r in runs), default=0)
    return bool(_DIGIT.search(text)) and longest <= labels()["tables"]["garbled_max_cjk_run"]


def _skip_header_debris(ex: Extraction, first: int, stop: int) -> None:
    """Digits in garbled header cells are debris; names and year headers are left to the token patterns."""
    for n in range(first, stop):
        for cell in ex.doc.cells(n):
            if garbled(cell.text):
                ex.skip(n, "header_debris", labels()["tables"]["header_debris"], cell=cell)


@dataclass
class Outline:
    """A row's place in a numbered outline: 一、 > (一) > 1、, or 合计/总计 rows."""

    first_top_owns_subrows: bool = False
    path: list[tuple[int, str]] = field(default_factory=list)
    first_top: tuple[int, str] | None = None

    def place(self, label: str) -> list[str]:
        """The labels from the top of the outline down to this row; [] for a 合计/总计 row."""
        cfg = labels()["tables"]
        depth = next((d for d, rx in enumerate(cfg["depth"]) if compiled(rx).match(label)), None)
        if depth is None and compiled(cfg["total_label"]).search(label):
            return []
        depth = depth or 0
        if depth == 0:
            self.path = [(0, label)]
            self.first_top = self.first_top or (0, label)
        elif depth == 1 and self.first_top_owns_subrows and self.first_top:
            # The (N) class list may continue below the 总计 rows (page order of the export).
            self.path = [self.first_top, (1, label)]
        else:
            self.path = [p for p in self.path if p[0] < depth] + [(depth, label)]
        return [text for _, text in self.path]


def _levels(levels: list[str]) -> dict:
    padded = (levels + ["", "", ""])[:3]
    return {"level1": padded[0], "level2": padded[1], "level3": padded[2]}


def read_table(ex: Extraction, title: str, spec: dict, first: int, last: int, unit: Unit) -> None:
    """Read one annex table with the reader its layout names."""
    readers = {"two_sided": _two_sided, "wide": _wide, "classified": _classified,
               "comparison": _comparison, "empty": _empty, "template": _template}
    base = {"basis": "budget", "section": title, "unit": unit[0], "unit_from": unit[1],
            "fiscal_year": ex.doc.fiscal_year}
    readers[spec["layout"]](ex, spec, first, last, base, unit[2])


def _two_sided(ex, spec, first, last, base, unit_note) -> None:
    """Income items left, expenditure classes right, both on one line."""
    data = first_data_line(ex.doc, first, last) or last + 1
    _skip_header_debris(ex, first, data)
    owns = labels()["tables"]["numbered_rows_belong_to_first_top"]
    outlines = [Outline(first_top_owns_subrows=owns) for _ in spec["sides"]]
    for n in range(data, last + 1):
        cells = {c.index: c for c in ex.doc.cells(n)}
        for side, outline in zip(spec["sides"], outlines):
            label, value = cells.get(side["label"]), cells.get(side["value"])
            if value is None:
                continue
            if label is None:
                ex.skip(n, "stray_value", labels()["tables"]["stray_value"], cell=value)
                continue
            ex.cell_number(value, **base, table=side["table"], item=label.text, measure="amount",
                           note=unit_note, **_levels(outline.place(label.text)))


def _wide(ex, spec, first, last, base, unit_note) -> None:
    """One row per unit (and 合计), one column per kind of money."""
    data = first_data_line(ex.doc, first, last) or last + 1
    _skip_header_debris(ex, first, data)
    for n in range(data, last + 1):
        cells = {c.index: c for c in ex.doc.cells(n)}
        label = cells.get(spec["label"])
        for col in spec["columns"]:
            if col["index"] in cells:
                ex.cell_number(cells[col["index"]], **base, table=spec["table"],
                               item=label.text if label else "", measure=col["measure"],
                               note=_note(unit_note, f"column: {col['header']}"))


def _row_code(cells: dict, spec: dict, current_class: str) -> str:
    """The full classification code of a row: 201 / 20103 / 2010350, or 类 + 款 (301 + 01)."""
    columns = spec["code"] if isinstance(spec["code"], list) else [spec["code"]]
    for position, index in enumerate(columns):
        cell = cells.get(index)
        if cell is not None and cell.text.isdigit():
            return cell.text if position == 0 else current_class + cell.text
    return ""


@dataclass(frozen=True)
class Row:
    """A classified row's label, outline levels and code note."""

    line: int
    label: str
    levels: list[str]
    note: str


def _classified(ex, spec, first, last, base, unit_note) -> None:
    """Rows by classification code (类/款/项) with one column per part of the budget."""
    doc = ex.doc
    data = first_data_line(doc, first, last) or last + 1
    _skip_header_debris(ex, first, data)
    path: dict[int, str] = {}
    current_class = ""
    for n in range(data, last + 1):
        cells = {c.index: c for c in doc.cells(n)}
        row, path, current_class = _place_row(n, cells, spec, path, current_class)
        for col in spec["columns"]:
            cell = cells.get(col["index"])
            if cell is None:
                continue
            kw = {**base, "table": spec["table"], "measure": col["measure"], **_levels(row.levels)}
            merged = find_numbers(cell.text)
            if read_cell(cell.text) is None and len(merged) == 2:
                below = _empty_row_below(doc, n, last, spec, path, current_class)
                if below is not None:
                    _merged_pair(ex, cell, merged, row, below, kw, unit_note)
                    continue
            ex.cell_number(cell, **kw, item=row.label, note=_note(unit_note, row.note))


def _place_row(n, cells, spec, path, current_class) -> tuple[Row, dict, str]:
    """The row's outline place from its code; rows without a code are the unit row or totals."""
    code = _row_code(cells, spec, current_class)
    label = cells[spec["label"]].text if spec["label"] in cells else ""
    if not code:
        note = "" if label else ("row without a label or code where the table's 合计 row stands "
                                 "(label missing in the export)")
        return Row(n, label, [], note), path, current_class
    depth = _CODE_DEPTH.get(len(code), 0)
    current_class = code if depth == 0 else current_class
    path = {d: t for d, t in path.items() if d < depth} | {depth: label}
    return Row(n, label, [path[d] for d in sorted(path)], f"科目编码 {code}"), path, current_class


def _empty_row_below(doc, n, last, spec, path, current_class) -> Row | None:
    """The next row if it has a label but no values: its values were merged into this row's cells."""
    if n + 1 > last:
        return None
    cells = {c.index: c for c in doc.cells(n + 1)}
    if spec["label"] not in cells or any(c["index"] in cells for c in spec["columns"]):
        return None
    row, _, _ = _place_row(n + 1, cells, spec, path, current_class)
    return row


def _merged_pair(ex, cell: Cell, merged, row: Row, below: Row, kw: dict, unit_note: str) -> None:
    """A cell holding two numbers (``a b``) has this row's value and the next row's, whose cells are empty."""
    first, second = merged
    ex.number(cell.line, cell.start + first.start, cell.start + first.end, first, **kw,
              item=row.label, note=_note(unit_note, row.note,
                                         f"cell {cell.text!r} holds two merged values; the second "
                                         f"belongs to {below.label} (line {below.line})"))
    ex.number(cell.line, cell.start + second.start, cell.start + second.end, second,
              **{**kw, **_levels(below.levels)}, item=below.label,
              note=_note(unit_note, below.note,
                         f"value printed on line {cell.line}, merged into {row.label}'s cell; "
                         f"line {below.line} ({below.label}) has empty cells"))


def _comparison(ex, spec, first, last, base, unit_note) -> None:
    """Last year's and this year's amounts, the change, its rate and the reason (the 三公 table)."""
    doc = ex.doc
    header_line, columns = None, {}
    for n in range(first, last + 1):
        found = {}
        for cell in doc.cells(n):
            bare = cell.text.replace(" ", "")
            col = next((c for c in spec["columns"] if c["header"] in bare), None)
            year = re.search(r"((?:19|20)\d\d)年", bare)
            if col and cell.index != spec["label"]:
                found[cell.index] = (col["measure"], int(year.group(1)) if year else base["fiscal_year"])
        if len(found) >= 2:
            header_line, columns = n, found
            break
    if header_line is None:
        return
    outline = Outline()
    for n in range(header_line + 1, last + 1):
        cells = {c.index: c for c in doc.cells(n)}
        if spec["label"] not in cells:
            continue
        label = cells[spec["label"]].text
        levels = outline.place(label)
        for index, (measure, year) in sorted(columns.items()):
            cell = cells.get(index)
            if cell is None or not _DIGIT.search(cell.text):
                continue
            if measure == "reason":
                read_prose(ex, n, ProseState(), section=base["section"], start=cell.start, end=cell.end)
                continue
            ex.cell_number(cell, **{**base, "fiscal_year": year}, table=spec["table"], item=label,
                           measure=measure, note=unit_note, **_levels(levels))


def _empty(ex, spec, first, last, base, unit_note) -> None:
    """A table that reports nothing (本表无发生数): no facts; its garbled header digits are debris."""
    cfg = labels()["tables"]
    for n in range(first + 1, last + 1):
        for cell in ex.doc.cells(n):
            if cell.text == cfg["empty_marker"]:
                ex.skip(n, "empty_table", cfg["empty_table"], cell=cell)
            elif garbled(cell.text):
                ex.skip(n, "header_debris", cfg["header_debris"], cell=cell)


def _template(ex, spec, first, last, base, unit_note) -> None:
    """A blank form (二级单位不涉及): its digits are placeholders (数量1) or OCR debris."""
    for n in range(first + 1, last + 1):
        for cell in ex.doc.cells(n):
            if _DIGIT.search(cell.text):
                ex.skip(n, "template_debris", labels()["tables"]["template_debris"], cell=cell)


def read_economic_list(ex: Extraction, lines: list[int], unit: Unit, section: str) -> None:
    """The narrative's list ``code | 基本工资 | a. bc``: 款 code, name, amount (OCR-spaced decimals)."""
    cfg = labels()["economic"]
    base = {"basis": "budget", "table": "economic", "section": section, "unit": unit[0],
            "unit_from": unit[1], "fiscal_year": ex.doc.fiscal_year}
    first_row = next((n for n in lines if compiled(cfg["code"]).match(ex.doc.cells(n)[0].text)), None)
    if first_row is None:
        return
    _skip_header_debris(ex, lines[0], first_row)
    for n in lines:
        cells = ex.doc.cells(n)
        if n < first_row or len(cells) < 3 or not compiled(cfg["code"]).match(cells[0].text):
            continue
        code, label, value = cells[0].text, cells[1].text, cells[2]
        ex.cell_number(value, **base, item=label, measure="amount",
                       level1=cfg["classes"].get(code[:3], ""), level2=label,
                       note=_note(unit[2], f"科目编码 {code}"))
