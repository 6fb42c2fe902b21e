"""The project target form of a budget disclosure (项目支出绩效目标批复表): funds and indicator targets.

Funds rows (资金总额(元), 其中:上级补助, 本级安排 …) are budget amounts in the
unit their header states; indicator rows (一级/二级/三级指标, 指标值) are targets
whose unit may sit in the next cell (``≥n | 条/天``). Level cells are merged in
the PDF, so a level is carried down until the next one is written.
"""

from __future__ import annotations

import re

from hotlinecompare.extract.extraction import Extraction
from hotlinecompare.extract.kinds.budget_disclosure.prose import ProseState, labels, read_prose
from hotlinecompare.extract.kinds.budget_disclosure.tables import Unit, _note, first_data_line, garbled
from hotlinecompare.extract.numbers import read_cell, units
from hotlinecompare.extract.patterns import compiled

_DIGIT = re.compile(r"\d")


def read_project(ex: Extraction, title: str, spec: dict, first: int, last: int, unit: Unit) -> None:
    """Facts of one project form, its name as the section."""
    doc, cfg = ex.doc, labels()["project"]
    name = _project_name(ex, first, last) or title
    header = next((n for n in range(first, last + 1)
                   if cfg["indicator_header"] in [c.text for c in doc.cells(n)]), last + 1)
    data = first_data_line(doc, first, header - 1) or header
    _skip_info_digits(ex, first, data)
    base = {"basis": "budget", "table": spec["table"], "section": name,
            "fiscal_year": doc.fiscal_year}
    for n in range(data, header):
        _funds_row(ex, n, base, unit)
    _indicators(ex, header, last, {**base, "basis": "target"})


def _project_name(ex: Extraction, first: int, last: int) -> str:
    """The cell after 项目名称 (split as 项目 / 目名称 by the export)."""
    for n in range(first, last + 1):
        cells = ex.doc.cells(n)
        for i, cell in enumerate(cells[:-1]):
            if cell.text.replace(" ", "") in labels()["project"]["name_labels"]:
                return cells[i + 1].text
    return ""


def _skip_info_digits(ex: Extraction, first: int, stop: int) -> None:
    """Digits in the form's information rows: identifiers and name fragments, else header debris."""
    cfg = labels()
    for n in range(first, stop):
        for cell in ex.doc.cells(n):
            if not _DIGIT.search(cell.text) or read_cell(cell.text):
                continue
            rule = next((r for r in cfg["project"]["debris"] if compiled(r["regex"]).search(cell.text)), None)
            if rule:
                m = compiled(rule["regex"]).search(cell.text)
                ex.skip(n, rule["reason_code"], rule["reason"],
                        start=cell.start + m.start(1), end=cell.start + m.end(1))
            elif garbled(cell.text):
                ex.skip(n, "header_debris", cfg["tables"]["header_debris"], cell=cell)


def _funds_row(ex: Extraction, n: int, base: dict, unit: Unit) -> None:
    """A funds row (资金总额(元): | x, or 其 | 中:上级补助 | y): its label is the text cells left of the value."""
    cells = ex.doc.cells(n)
    values = [c for c in cells if c.index >= 1 and read_cell(c.text)]
    if not values:
        goal = [c for c in cells if "总体目标" in c.text.replace(" ", "")]
        for cell in cells:
            if goal and cell.index > goal[0].index:
                read_prose(ex, n, ProseState(), section=base["section"], start=cell.start,
                           end=cell.end, table=base["table"], default_basis="target")
        return
    value = values[-1]
    words = [c.text for c in cells if 2 <= c.index < value.index and not read_cell(c.text)]
    note = ""
    if not words:
        words = [c.text for c in cells if c.index < value.index][-1:]
        note = "row label garbled in the export; kept as written"
    ex.cell_number(value, **base, item="".join(words).rstrip(":："), measure="amount",
                   unit=unit[0], unit_from=unit[1], note=_note(unit[2], note))


def _indicators(ex: Extraction, header: int, last: int, base: dict) -> None:
    """Indicator rows below the 一级指标 … 指标值 header: one target fact per row with a value."""
    cfg = labels()["project"]
    doc = ex.doc
    if header > last:
        return
    columns = {c.text: c.index for c in doc.cells(header)}
    value_col, name_col = columns[cfg["indicator_header"]], columns[cfg["name_header"]]
    level_cols = [columns[h] for h in cfg["level_headers"]]
    levels = [("", 0), ("", 0)]
    for n in range(header + 1, last + 1):
        cells = {c.index: c for c in doc.cells(n)}
        notes = []
        for k, (col, known) in enumerate(zip(level_cols, (cfg["level1"], cfg["level2"]))):
            text = cells[col].text if col in cells else ""
            if text in known:
                levels[k] = (text, n)
            elif text:
                notes.append(cfg["unreadable_level"].format(text=text))
        name = cells.get(name_col)
        if name is None:
            continue
        carried = sorted({line for _, line in levels if line and line != n})
        if carried:
            notes.insert(0, cfg["levels_note"].format(line=", ".join(map(str, carried))))
        note = _note(*notes)
        value = cells.get(value_col)
        if value is None:
            ex.skip(n, "no_target_value", cfg["no_value"], cell=name)
            continue
        kw = {**base, "item": name.text, "measure": "target_value",
              "level1": levels[0][0], "level2": levels[1][0]}
        reading = read_cell(value.text)
        unit_cell = cells.get(value_col + 1)
        if reading and not reading.unit and unit_cell and unit_cell.text in units():
            # The unit sits in the next cell (≥5000 | 条/天): the two cells are one merged 指标值.
            ex.cell_number(value, **kw, unit=unit_cell.text, unit_from="cell",
                           note=_note(note, f"unit {unit_cell.text} written in the next cell"))
        else:
            ex.cell_value(value, **kw, note=note)
