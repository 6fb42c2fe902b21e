"""What the genre reader knows at a line, and how a cell's number and unit are read with it."""

from __future__ import annotations

from dataclasses import dataclass, field

from hotlinecompare.extract.document import Document
from hotlinecompare.extract.kinds.genre.bare import leading_unit
from hotlinecompare.extract.kinds.genre.cues import cell_pattern, cues
from hotlinecompare.extract.kinds.genre.layout import unit_in
from hotlinecompare.extract.kinds.genre.lines import covers, implied_unit
from hotlinecompare.extract.kinds.genre.meaning import Context
from hotlinecompare.extract.kinds.genre.periods import Period
from hotlinecompare.extract.kinds.genre.quantities import OPERATOR_SYMBOLS, Quantity, to_float
from hotlinecompare.extract.numbers import normalise


@dataclass
class State:
    """What the reader knows at a line: section, unit note, the current table's header and labels."""

    section: str = ""
    plan_section: bool = False
    plan_level: int = 0
    section_year: int | None = None
    unit_note: str = ""
    unit_note_line: int = 0
    header: list[str] = field(default_factory=list)
    header_shift: int | None = None                      # leading header cells over no cell of a row
    shift_width: int = 0                                 # how many cells the row had that set it
    header_line: int = 0                                 # the line of the last header row
    header_spans: list[tuple[int, int]] = field(default_factory=list)   # where its cells stand
    header_text: str = ""                                # the header row as written
    last_header: tuple = ()                              # (header, spans, text) of the table before
    value_row_line: int = 0                              # the line of the last table row with values
    money_units: dict[str, int] = field(default_factory=dict)   # money units of the prose, counted
    labels: list[str] = field(default_factory=list)     # label lines since the last value line
    block_header: list[str] = field(default_factory=list)
    column: int = 0                                      # values read since the last label
    current_label: str = ""
    score_slots: dict[int, str] = field(default_factory=dict)   # row position → 分值 / 得分
    basis_header: str = ""                               # a part of the table headed 预算数 / 决算数
    span_basis: list[str] = field(default_factory=list)  # 预算数 | 决算数 over equal halves of the row
    table_title: str = ""                                # 财政拨款“三公”经费支出决算表: a row's name of last resort
    columns: list[str] = field(default_factory=list)     # the value columns of a one-cell-per-line table
    text_columns: int = 0                                # how many columns of names come before them
    row_columns: list[str] = field(default_factory=list)  # the columns the current row's values line up with
    block_unit: str = ""                                 # a unit its header states (项目资金（万元）)
    label_unit: str = ""                                 # a label line's unit for ``label：value`` lines
    title_period: Period | None = None                   # the period the title names (2024年6月)


def ctx(kind: str, doc: Document, st: State, text: str, column: str = "", label: str = "") -> Context:
    return Context(kind, doc.fiscal_year, text, column, label, st.plan_section, st.section_year,
                   title_period=st.title_period)


def cell_quantity(text: str, s: int, e: int) -> Quantity | None:
    m = cell_pattern().match(normalise(text[s:e]))
    if not m:
        return None
    op = OPERATOR_SYMBOLS.get(m.group("op") or "", "=")
    start = s + (m.start("op") if m.group("op") else m.start("num"))
    end = s + (m.end("unit") if m.group("unit") else m.end("num"))
    return Quantity(start, end, s + m.start("num"), op, to_float(m.group("num")), m.group("unit") or "", 0, "")


def unit_for(q: Quantity, column: str, label: str, st: State, following: str = "") -> tuple[str, str]:
    """A bare cell's unit: its header, its label, a score column, the next line, the list's unit,
    the document's unit note (unless the name implies a unit of another kind), the unit the name implies."""
    if q.unit:
        return q.unit, "cell"
    for where, unit in (("header", unit_in(column)), ("header", unit_in(label))):
        if unit:
            return unit, where
    if any(w in column or w == label for w in cues().score_column):
        return "分", "header"
    unit = leading_unit(following)
    if unit:
        return unit, "parser"
    if st.block_unit:
        return st.block_unit, "header"
    # a column's name overrides a unit note of another kind (派转量 under 单位：万元); a row's name does not
    implied = implied_unit(column)
    if st.unit_note and covers(st.unit_note, implied):
        return st.unit_note, "document"
    # a money column of a table with no unit note (年初预算 | 全年执行): the money unit the prose uses
    if not implied and st.money_units and any(w in column for w in cues().money_column):
        return max(st.money_units, key=lambda u: (st.money_units[u], u)), "document"
    implied = implied or implied_unit(label)
    return (implied, "parser") if implied else ("", "")
