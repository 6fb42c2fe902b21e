"""The genre reader: any publication of the family read line by line into facts with their meaning.

Prose lines give every ``number unit`` with its qualifier; table rows (pipes, tabs, aligned spaces)
give their number cells under their column headers; a table laid out one cell per line gives its
values under the labels and headers read before them. The unit of a bare cell comes from its column
header (交办量（件）), its row label (来电总量（通）), the next line (``23580`` then ``件``) or the
table's unit note (单位：万元). What is not a quantity is left to ``data/token_patterns.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from hotlinecompare.extract.document import Document
from hotlinecompare.extract.kinds.genre.bare import bare_quantities
from hotlinecompare.extract.kinds.genre.cues import cell_pattern, cues
from hotlinecompare.extract.kinds.genre.facts import GenreExtraction
from hotlinecompare.extract.kinds.genre.headers import header_shift, join_row_label, merge_fragments, value_columns
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
    sum_cell,
    unit_in,
)
from hotlinecompare.extract.kinds.genre.lines import covers, implied_unit, label_and_number, next_line
from hotlinecompare.extract.kinds.genre.meaning import Context
from hotlinecompare.extract.kinds.genre.periods import YEAR, Period, title_period
from hotlinecompare.extract.kinds.genre.quantities import OPERATOR_SYMBOLS, Quantity, find, to_float
from hotlinecompare.extract.numbers import all_units, normalise

SENTENCE_END = "。；;！!？?：:"
# How many lines after its unit note (单位：元) a row copied with single spaces is read as a table row.
TABLE_REACH = 60


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


def read(doc: Document, kind: str) -> GenreExtraction:
    """Every quantity of ``doc`` read as the genre of ``kind`` (its default basis and cues)."""
    ex = GenreExtraction(doc)
    lines = doc.lines
    st = State(title_period=title_period(lines, doc.fiscal_year))
    for n, text in enumerate(lines, start=1):
        if not text.strip() or is_rule(text) or is_empty_row(text):
            continue
        note = UNIT_NOTE.search(normalise(text))
        if note:
            st.unit_note, st.unit_note_line = note.group(1), n
        if _label_value(ex, n, text, kind, doc, st):
            continue
        # a table a PDF viewer copied with single spaces between cells, under its unit note
        spaced = spaced_cells(text) if st.unit_note and n - st.unit_note_line <= TABLE_REACH \
            and not cells(text)[1:] else ()
        if spaced and (not HEADING.match(text) or sum(is_number_cell(text[s:e]) for s, e in spaced) >= 2):
            st.labels, st.block_header, st.column, st.columns, st.label_unit = [], [], 0, [], ""
            names = _spaced_header(lines, n)
            if len(names) == len(spaced) and names != st.header:
                st.header, st.header_shift = names, None
            _table_row(ex, n, text, spaced, kind, doc, st)
            continue
        # 一、一般公共预算拨款 then 745.20: a row label of a one-cell-per-line table, not a heading
        # 一、一般公共预算拨款收入 | 5,605.60 | …: a table row whose label is numbered, not a heading
        row = cells(text)
        heading = HEADING.match(text) and not (is_label(cell_text(text)) and is_value_line(next_line(lines, n))) \
            and not (row[1:] and any(is_number_cell(text[s:e]) for s, e in row[1:]))
        if heading or len(text.strip()) > 30 and not cells(text)[1:]:
            if heading:
                _enter_section(st, text)
            _end_block(st)
            if heading:
                st.block_unit = unit_in(text)   # 三、工单量居前五位的镇街（件）: the list's unit
            _prose(ex, n, text, 0, kind, doc, st)
            continue
        spans = cells(text)
        word = spaced_word(text, spans)
        if len(spans) >= 2 and not word and not is_value_line(text):
            st.labels, st.block_header, st.column, st.columns, st.label_unit = [], [], 0, [], ""
            _table_row(ex, n, text, spans, kind, doc, st)
        elif is_value_line(text):
            st.label_unit = ""
            _value_line(ex, n, text, spans, kind, doc, st, lines)
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
            st.header, st.header_shift = [], None
            _prose(ex, n, text, 0, kind, doc, st)
    return ex


def _spaced_header(lines: tuple[str, ...], n: int) -> list[str]:
    """The names of the header line above a row copied with single spaces (项目 行次 资产总额 …), past
    at most two rows of its table (栏次 1 2 3); [] when the line above is prose or a heading."""
    for back in range(n - 1, max(0, n - 4), -1):
        text = lines[back - 1]
        if not text.strip() or spaced_cells(text):
            continue
        if HEADING.match(text) or any(mark in text for mark in "，。；"):
            return []
        return text.split()
    return []


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


def _ctx(kind: str, doc: Document, st: State, text: str, column: str = "", label: str = "") -> Context:
    return Context(kind, doc.fiscal_year, text, column, label, st.plan_section, st.section_year,
                   title_period=st.title_period)


def _prose(ex: GenreExtraction, n: int, text: str, offset: int, kind: str, doc: Document, st: State) -> None:
    found = find(text)
    bare = bare_quantities(text, found, next_line(doc.lines, n))
    if not found and not bare:
        return
    ctx = replace(_ctx(kind, doc, st, text), lead=_lead(doc.lines, n))
    found = tuple(_unit_wrapped(q, text, next_line(doc.lines, n)) for q in found)
    for q, unit in sorted([(q, "") for q in found] + bare, key=lambda x: x[0].start):
        ex.quantity(n, q, ctx, table="text", section=st.section, unit=unit, unit_from="parser" if unit else "")


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


def _cell_quantity(text: str, s: int, e: int) -> Quantity | None:
    m = cell_pattern().match(normalise(text[s:e]))
    if not m:
        return None
    op = OPERATOR_SYMBOLS.get(m.group("op") or "", "=")
    start = s + (m.start("op") if m.group("op") else m.start("num"))
    end = s + (m.end("unit") if m.group("unit") else m.end("num"))
    return Quantity(start, end, s + m.start("num"), op, to_float(m.group("num")), m.group("unit") or "", 0, "")


def _unit_for(q: Quantity, column: str, label: str, st: State, following: str = "") -> tuple[str, str]:
    """A bare cell's unit: its header, its label, a score column, the next line, the list's unit,
    the document's unit note (unless the name implies a unit of another kind), the unit the name implies."""
    if q.unit:
        return q.unit, "cell"
    for where, unit in (("header", unit_in(column)), ("header", unit_in(label))):
        if unit:
            return unit, where
    if any(w in column or w == label for w in cues().score_column):
        return "分", "header"
    head = following.strip()
    for u in sorted(all_units(), key=len, reverse=True):
        if head.startswith(u) and (len(head) == len(u) or not head[len(u)].isalnum() or head[len(u)] in "，其"):
            return u, "parser"
    if st.block_unit:
        return st.block_unit, "header"
    # a column's name overrides a unit note of another kind (派转量 under 单位：万元); a row's name does not
    implied = implied_unit(column)
    if st.unit_note and covers(st.unit_note, implied):
        return st.unit_note, "document"
    implied = implied or implied_unit(label)
    return (implied, "parser") if implied else ("", "")


def _label_value(ex, n, text, kind, doc, st: State) -> bool:
    """``资金总额：356``: a bare number after its label and a colon, in the unit its list or label states."""
    found = label_and_number(text)
    if found is None:
        return False
    label, s, e = found
    q = _cell_quantity(text, s, e)
    if q is None:
        return False
    unit = unit_in(label) or st.label_unit or implied_unit(label) or st.unit_note
    if unit:
        ex.quantity(n, q, _ctx(kind, doc, st, text, "", label), table="cells", section=st.section,
                    unit=unit, unit_from="header")
        return True
    return False


def _table_row(ex, n, text, spans, kind, doc, st: State) -> None:
    texts = [text[s:e] for s, e in spans]
    numeric = [bool(t) and is_number_cell(t) for t in texts]
    # a header row has no number but may name years (2022年实际执行数), weights and units in brackets
    # (预算执行情况(10分), 年度预算数(万元)); a weight is still a score
    if not any(numeric) and all(not any(ch.isdigit() for ch in BRACKETED.sub("", YEAR.sub("", t))) for t in texts):
        st.header = [a + b for a, b in zip(st.header, texts)] if st.header and len(st.header) == len(texts) \
                and any(t[:1] in "（(" for t in texts) else texts
        st.header_shift = None
        if all(t.strip() in cues().basis_header for t in texts):
            st.span_basis = [t.strip() for t in texts]
        for (s, _), t in zip(spans, texts):
            for q in find(t):
                if q.unit == "分":
                    ex.quantity(n, q, _ctx(kind, doc, st, t, "", ""), table="cells", section=st.section, offset=s)
        return
    skip = cues().skip_column
    # the rows of one table line up with its header alike: the first row with values says how
    if st.header_shift is None:
        st.header_shift = header_shift(st.header, texts, numeric)
    header = st.header[st.header_shift:]
    # the unit the header of the label column states (年度预算数(万元) over 总额, 其中:财政资金)
    label_unit = next((unit_in(h) for h in st.header[:st.header_shift + 1] if unit_in(h)), "")
    # a cell that is only an operator (指标性质 ≥) qualifies the number after it; a cell that is only a
    # unit (度量单位 万件) is the unit of the row's bare numbers
    row_unit = next((normalise(t).strip() for t in texts if normalise(t).strip() in all_units()), "")
    label, operator = "", ""
    for i, ((s, e), t) in enumerate(zip(spans, texts)):
        column = header[i] if i < len(header) else ""
        if not numeric[i]:
            bare = normalise(t).strip()
            if bare in OPERATOR_SYMBOLS:
                operator = OPERATOR_SYMBOLS[bare]
                continue
            if bare in all_units():
                continue
            if t.strip("—-/ "):
                label = label if _describes(column, t) else t
                for q in find(t):
                    ex.quantity(n, q, _ctx(kind, doc, st, t, column, ""), table="cells", section=st.section,
                                offset=s)
            continue
        if any(w in column or w == label for w in skip):
            ex.skip(n, "row_number", f"a cell of the {column or label} column: a row or column number",
                    start=s, end=e)
            continue
        if not column and i == 0 and not label:
            continue
        q = _cell_quantity(text, s, e)
        if operator and q.operator == "=":
            q = replace(q, operator=operator)
        operator = ""
        unit, unit_from = _unit_for(q, column, label, st)
        if row_unit and unit_from not in ("cell", "header"):
            unit, unit_from = row_unit, "header"
        elif label_unit and unit_from not in ("cell", "header"):
            unit, unit_from = label_unit, "header"
        if not unit:
            continue
        ex.quantity(n, q, _ctx(kind, doc, st, text, column, label), table="cells", section=st.section,
                    unit=unit, unit_from=unit_from)


def _describes(column: str, cell: str) -> bool:
    """A cell of a description column (绩效标准, 测算依据) or a description (反映…): not the row's name."""
    c = cues()
    return any(w in column for w in c.description_column) or any(cell.startswith(w) for w in c.description_cell)


def _value_line(ex, n, text, spans, kind, doc, st: State, lines) -> None:
    if not st.column:
        labels = merge_fragments(st.labels)
        if labels and not st.block_header and len(labels) >= 3:
            st.block_header, labels = labels[:-1], labels[-1:]
            st.columns, st.text_columns = value_columns(st.block_header, _values_ahead(lines, n))
            st.block_unit = next((u for u in map(unit_in, st.block_header) if u), st.block_unit)
        labels = join_row_label(labels, st.text_columns if st.columns else 0)
        st.current_label = labels[-1] if labels else ""
        # one value under several columns is not lined up with them (每十万人座席数 5.71): its label names it
        width = _values_ahead(lines, n)
        st.score_slots = _score_slots(_row_cells(lines, n))
        st.row_columns = st.columns if len(st.columns) < 2 or width > 1 else []
        if width < len(st.columns) and len(st.score_slots) == width:   # 总分 100 97.6: under 分值 and 得分
            st.row_columns = []
    # a row of values under a header of several lines: the table's title names it
    label = st.current_label or st.table_title
    columns = st.row_columns
    width_of_row = len(spans)
    following = lines[n] if n < len(lines) else ""
    scored = any(w in h for h in st.block_header for w in cues().score_column)
    row_numbers = any(w in h for h in st.block_header for w in cues().skip_column)
    for s, e in spans:
        column = columns[st.column] if st.column < len(columns) else st.basis_header
        if not column and st.span_basis and width_of_row % len(st.span_basis) == 0:
            column = st.span_basis[st.column * len(st.span_basis) // width_of_row]
        st.column += 1
        parts = sum_cell(text[s:e])
        quantities = [_cell_quantity(text, s + a, s + b) for a, b in parts] if parts else [_cell_quantity(text, s, e)]
        if quantities[0] is None:
            continue
        if any(w in column or w == label for w in cues().skip_column):
            ex.skip(n, "row_number", f"a cell of the {column or label} column: a row or column number",
                    start=s, end=e)
            continue
        q = quantities[0]
        if st.column == 1 and row_numbers and q.value.is_integer() and "." not in text[s:e] \
                and _values_ahead(lines, n) >= 2:
            ex.skip(n, "row_number", "the 行次 cell of a row: a row number, not a quantity", start=s, end=e)
            continue
        unit, unit_from = _unit_for(q, column, label, st, following if len(spans) == 1 else "")
        if not q.unit and not column and scored and st.column in st.score_slots:
            column, unit, unit_from = st.score_slots[st.column], "分", "header"
        if not unit or not (label or unit_from == "parser"):
            continue
        for q in quantities:   # 96+118: each part in the column's unit
            ex.quantity(n, q, _ctx(kind, doc, st, text, column, label), table="cells", section=st.section,
                        unit=unit, unit_from=unit_from)


def _values_ahead(lines: tuple[str, ...], n: int) -> int:
    """How many value lines follow from line ``n`` on (blank lines skipped): the width of a row."""
    return len(_row_cells(lines, n))


def _row_cells(lines: tuple[str, ...], n: int) -> list[str]:
    """The value cells of the row of a one-cell-per-line table that starts at line ``n``."""
    out = []
    for text in lines[n - 1:]:
        if not text.strip():
            continue
        if not is_value_line(text):
            break
        out += [text[s:e] for s, e in cells(text)]
    return out


def _score_slots(row: list[str]) -> dict[int, str]:
    """A score table's row ends in bare numbers 分值 then 得分 (the weight, then the score received):
    their 1-based positions in the row; a single bare number after other values is the 分值."""
    bare = []
    for i in range(len(row), 0, -1):
        m = cell_pattern().match(normalise(row[i - 1]))
        if not m or m.group("unit") or m.group("op") or to_float(m.group("num")) > 100 or len(bare) == 2:
            break
        bare.append(i)
    if len(bare) == 2:
        return {bare[1]: "分值", bare[0]: "得分"}
    return {bare[0]: "分值"} if bare and bare[0] > 1 else {}
