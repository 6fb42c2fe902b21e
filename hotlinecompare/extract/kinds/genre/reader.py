"""The genre reader: any publication of the family read line by line into facts with their meaning.

Prose lines give every ``number unit`` with its qualifier; table rows (pipes, tabs, aligned spaces)
give their number cells under their column headers; a table laid out one cell per line gives its
values under the labels and headers read before them. The unit of a bare cell comes from its column
header (交办量（件）), its row label (来电总量（通）), the next line (``23580`` then ``件``) or the
table's unit note (单位：万元). What is not a quantity is left to ``data/token_patterns.toml``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from hotlinecompare.extract.document import Document
from hotlinecompare.extract.kinds.genre.bare import bare_quantities
from hotlinecompare.extract.kinds.genre.cues import cues
from hotlinecompare.extract.kinds.genre.facts import GenreExtraction
from hotlinecompare.extract.kinds.genre.layout import (
    BRACKETED,
    HEADING,
    UNIT_NOTE,
    cell_text,
    cells,
    heading_level,
    is_empty_row,
    is_label,
    is_number_cell,
    is_rule,
    is_value_line,
    spaced_cells,
    spaced_word,
    unit_in,
)
from hotlinecompare.extract.kinds.genre.lines import implied_unit, label_and_number, next_line
from hotlinecompare.extract.kinds.genre.periods import YEAR, title_period
from hotlinecompare.extract.kinds.genre.quantities import Quantity, find
from hotlinecompare.extract.kinds.genre.rows import key_value_row, spaced_header, table_row, value_line
from hotlinecompare.extract.kinds.genre.state import State, cell_quantity, ctx
from hotlinecompare.extract.numbers import all_units, normalise

SENTENCE_END = "。；;！!？?：:"
# How many lines after its unit note (单位：元) a row copied with single spaces is read as a table row.
TABLE_REACH = 60
# An annex's heading (附件1, 附表2 …): what follows reports, whatever plan section came before.
ANNEX = re.compile(r"^\s*附\s*(?:件|表)\s*[\d一二三四五六七八九十]*\s*[：:]?\s*$|^\s*附\s*(?:件|表)\s*[\d一二三四五六七八九十]+\s")
# The title of a table's continuation after a page break: 表3（续）, 续表, 收入支出决算总表(续)
CONTINUED = re.compile(r"[（(]\s*续\s*[）)]|续表")


def read(doc: Document, kind: str) -> GenreExtraction:
    """Every quantity of ``doc`` read as the genre of ``kind`` (its default basis and cues)."""
    ex = GenreExtraction(doc)
    lines = doc.lines
    st = State(title_period=title_period(lines, doc.fiscal_year))
    for n, text in enumerate(lines, start=1):
        if not text.strip() or is_rule(text) or is_empty_row(text):
            continue
        if ANNEX.match(text):
            st.plan_section, st.section_year = False, None
        note = UNIT_NOTE.search(normalise(text))
        if note:
            st.unit_note, st.unit_note_line = note.group(1), n
        if key_value_row(ex, n, text, kind, doc, st) or _label_value(ex, n, text, kind, doc, st):
            continue
        # a table a PDF viewer copied with single spaces between cells: under its unit note, or under a
        # header line of as many names (序号 诉求领域 诉求量（件） 占比 同比)
        row = cells(text)
        spaced = spaced_cells(text) if not row[1:] else ()
        names = spaced_header(lines, n) if spaced else []
        going_on = len(st.header) == len(spaced) and n - st.value_row_line <= 3   # the next row of that table
        if spaced and not (st.unit_note and n - st.unit_note_line <= TABLE_REACH) and len(names) != len(spaced) \
                and not going_on:
            spaced = ()
        if spaced and (not HEADING.match(text) or sum(is_number_cell(text[s:e]) for s, e in spaced) >= 2):
            st.labels, st.block_header, st.column, st.columns, st.label_unit = [], [], 0, [], ""
            if len(names) == len(spaced) and names != st.header:
                st.header, st.header_shift = names, None
            table_row(ex, n, text, spaced, kind, doc, st)
            continue
        # 一、一般公共预算拨款 then 745.20: a row label of a one-cell-per-line table, not a heading
        # 一、一般公共预算拨款收入 | 5,605.60 | …: a table row whose label is numbered, not a heading
        heading = HEADING.match(text) and not (is_label(cell_text(text)) and is_value_line(next_line(lines, n))) \
            and not (row[1:] and any(is_number_cell(text[s:e]) for s, e in row[1:]))
        if heading or len(text.strip()) > 30 and not row[1:]:
            if heading:
                _enter_section(st, text)
            # 一、乡镇（街道） as a row spanning a table (a cell of its own): a group of rows, same header
            if not (heading and st.header and ("\t" in text or "|" in text)):
                _end_block(st)
            if heading:
                st.block_unit = unit_in(text)   # 三、工单量居前五位的镇街（件）: the list's unit
            _prose(ex, n, text, 0, kind, doc, st)
            continue
        spans = row
        word = spaced_word(text, spans)
        # a row of values whose name is a merged cell above it (\t412.60\t468.35 under 年初预算数 | 全年预算数)
        unnamed_row = len(spans) == len(st.header) >= 3 and spans[0][0] == spans[0][1]
        if len(spans) >= 2 and not word and (not is_value_line(text) or unnamed_row):
            st.labels, st.block_header, st.column, st.columns, st.label_unit = [], [], 0, [], ""
            table_row(ex, n, text, spans, kind, doc, st)
        elif is_value_line(text):
            st.label_unit = ""
            value_line(ex, n, text, spans, kind, doc, st, lines)
        else:
            if st.column:   # a label after values starts the next row of a one-cell-per-line table
                st.labels, st.column = [], 0
            label = word or cell_text(text)
            if not (note and note.group(0) == normalise(label)):   # 单位：万元 is a note, not a cell
                st.labels.append(label)
            if label in cues().basis_header:
                st.basis_header = label
            if label.endswith("表") and not any(ch.isdigit() for ch in label):
                st.table_title = label
            st.label_unit = unit_in(label) or st.label_unit
            # the rest of a text cell that wrapped (偏差原因 over three lines) keeps the table's header;
            # a unit alone under a header (资金情况 / （万元）) is the unit of its label column
            if st.header and st.header_line == n - 1 and unit_in(label) and BRACKETED.fullmatch(normalise(label)):
                st.header[0] += label
            elif CONTINUED.search(label) and st.last_header:
                # 收入支出决算总表（续）after a page break: the table goes on under its header
                st.header, st.header_spans, st.header_text = st.last_header
                st.header_shift = None
            elif not (st.header and (_within_table(lines, n) or note)):   # 金额单位：元 keeps it too
                st.header, st.header_shift = [], None
            _prose(ex, n, text, 0, kind, doc, st)
    return ex


def _within_table(lines: tuple[str, ...], n: int) -> bool:
    """Do table rows of several cells stand right before and after line ``n`` (past other such lines)?"""
    def row_at(i: int) -> bool:
        return 0 <= i < len(lines) and len(cells(lines[i])) >= 3

    before, after = n - 2, n
    while before >= 0 and lines[before].strip() and not row_at(before) and n - before <= 3:
        before -= 1
    while after < len(lines) and lines[after].strip() and not row_at(after) and after - n <= 3:
        after += 1
    return row_at(before) and row_at(after)


def _enter_section(st: State, text: str) -> None:
    """A heading starts a section; a sub-heading ((一) under 三、工作计划) stays in its parent's plan."""
    level = heading_level(text)
    st.section = text.strip()[:40]
    if not (st.plan_section and level > st.plan_level):
        st.plan_section = any(w in text for w in cues().target_section)
        st.plan_level = level
    years = YEAR.findall(text)
    if years or not (st.plan_section and level > st.plan_level):   # a plan's sub-heading keeps its year
        st.section_year = int(years[-1]) if years else None


def _end_block(st: State) -> None:
    st.labels, st.block_header, st.column, st.header, st.columns, st.block_unit = [], [], 0, [], [], ""
    st.basis_header = st.label_unit = st.table_title = ""
    st.span_basis = []
    st.header_shift = None


def _prose(ex: GenreExtraction, n: int, text: str, offset: int, kind: str, doc: Document, st: State) -> None:
    found = find(text)
    bare = bare_quantities(text, found, next_line(doc.lines, n))
    if not found and not bare:
        return
    context = replace(ctx(kind, doc, st, text), lead=_lead(doc.lines, n))
    found = tuple(_unit_wrapped(q, text, next_line(doc.lines, n)) for q in found)
    for q in found:
        if q.unit and all_units()[q.unit].kind == "money" and q.direction == 0:
            st.money_units[q.unit] = st.money_units.get(q.unit, 0) + 1
    for q, unit in sorted([(q, "") for q in found] + bare, key=lambda x: x[0].start):
        ex.quantity(n, q, context, table="text", section=st.section, unit=unit, unit_from="parser" if unit else "")


def _unit_wrapped(q: Quantity, text: str, following: str) -> Quantity:
    """``0.64 万`` / ``元，下降…``: a unit a PDF wrapped onto the next line, joined (万 + 元 = 万元)."""
    if not q.unit or text[q.end:].strip():
        return q
    head = following.strip()
    longer = [u for u in all_units() if u.startswith(q.unit) and len(u) > len(q.unit)
              and head.startswith(u[len(q.unit):])
              and (len(head) == len(u) - len(q.unit) or not head[len(u) - len(q.unit)].isalnum())]
    return replace(q, unit=max(longer, key=len)) if longer else q


def _lead(lines: tuple[str, ...], n: int) -> str:
    """The line before line ``n`` when line ``n`` continues its sentence (a PDF's wrapped line), else ""."""
    before = lines[n - 2].rstrip() if n >= 2 else ""
    if not before or before[-1] in SENTENCE_END or cells(before)[1:] or is_label(before):
        return ""
    return before


def _label_value(ex, n, text, kind, doc, st: State) -> bool:
    """``资金总额：356``: a bare number after its label and a colon, in the unit its list or label states."""
    found = label_and_number(text)
    if found is None:
        return False
    label, s, e = found
    q = cell_quantity(text, s, e)
    if q is None:
        return False
    unit = unit_in(label) or st.label_unit or implied_unit(label) or st.unit_note
    if unit:
        ex.quantity(n, q, ctx(kind, doc, st, text, "", label), table="cells", section=st.section,
                    unit=unit, unit_from="header")
        return True
    return False


