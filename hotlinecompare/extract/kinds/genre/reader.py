"""The genre reader: any publication of the family read line by line into facts with their meaning.

Prose lines give every ``number unit`` with its qualifier; table rows (pipes, tabs, aligned spaces)
give their number cells under their column headers; a table laid out one cell per line gives its
values under the labels and headers read before them. The unit of a bare cell comes from its column
header (交办量（件）), its row label (来电总量（通）), the next line (``23580`` then ``件``) or the
table's unit note (单位：万元). What is not a quantity is left to ``data/token_patterns.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hotlinecompare.extract.document import Document
from hotlinecompare.extract.kinds.genre.cues import cell_pattern, cues
from hotlinecompare.extract.kinds.genre.facts import GenreExtraction
from hotlinecompare.extract.kinds.genre.layout import (
    HEADING,
    UNIT_NOTE,
    cells,
    is_number_cell,
    is_rule,
    is_value_line,
    unit_in,
)
from hotlinecompare.extract.kinds.genre.meaning import YEAR, Context
from hotlinecompare.extract.kinds.genre.quantities import OPERATOR_SYMBOLS, Quantity, find, to_float
from hotlinecompare.extract.numbers import all_units, normalise


@dataclass
class State:
    """What the reader knows at a line: section, unit note, the current table's header and labels."""

    section: str = ""
    plan_section: bool = False
    section_year: int | None = None
    unit_note: str = ""
    header: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)     # label lines since the last value line
    block_header: list[str] = field(default_factory=list)
    column: int = 0                                      # values read since the last label
    current_label: str = ""
    bare_scores: int = 0
    basis_header: str = ""                               # a part of the table headed 预算数 / 决算数
    columns: list[str] = field(default_factory=list)     # the value columns of a one-cell-per-line table
    block_unit: str = ""                                 # a unit its header states (项目资金（万元）)


def read(doc: Document, kind: str) -> GenreExtraction:
    """Every quantity of ``doc`` read as the genre of ``kind`` (its default basis and cues)."""
    ex = GenreExtraction(doc)
    st = State()
    lines = doc.lines
    for n, text in enumerate(lines, start=1):
        if not text.strip() or is_rule(text):
            continue
        note = UNIT_NOTE.search(normalise(text))
        if note:
            st.unit_note = note.group(1)
        if HEADING.match(text) or len(text.strip()) > 30 and not cells(text)[1:]:
            if HEADING.match(text):
                _enter_section(st, text)
            _end_block(st)
            _prose(ex, n, text, 0, kind, doc, st)
            continue
        spans = cells(text)
        if len(spans) >= 2 and not is_value_line(text):
            st.labels, st.block_header, st.column, st.columns = [], [], 0, []
            _table_row(ex, n, text, spans, kind, doc, st)
        elif is_value_line(text):
            _value_line(ex, n, text, spans, kind, doc, st, lines)
        else:
            if st.column:   # a label after values starts the next row of a one-cell-per-line table
                st.labels, st.column = [], 0
            st.labels.append(text.strip())
            if text.strip() in cues().basis_header:
                st.basis_header = text.strip()
            st.header = []
            _prose(ex, n, text, 0, kind, doc, st)
    return ex


def _enter_section(st: State, text: str) -> None:
    st.section = text.strip()[:40]
    st.plan_section = any(w in text for w in cues().target_section)
    years = YEAR.findall(text)
    st.section_year = int(years[-1]) if years else None


def _end_block(st: State) -> None:
    st.labels, st.block_header, st.column, st.header, st.columns, st.block_unit = [], [], 0, [], [], ""
    st.basis_header = ""


def _ctx(kind: str, doc: Document, st: State, text: str, column: str = "", label: str = "") -> Context:
    return Context(kind, doc.fiscal_year, text, column, label, st.plan_section, st.section_year)


def _prose(ex: GenreExtraction, n: int, text: str, offset: int, kind: str, doc: Document, st: State) -> None:
    for q in find(text):
        ex.quantity(n, q, _ctx(kind, doc, st, text), table="text", section=st.section)


def _merge(labels: list[str]) -> list[str]:
    """Labels split over two lines: a line in brackets (（通）) joins the line before it."""
    out: list[str] = []
    for label in labels:
        if out and label[:1] in "（(":
            out[-1] += label
        else:
            out.append(label)
    return out


def _cell_quantity(text: str, s: int, e: int) -> Quantity | None:
    m = cell_pattern().match(normalise(text[s:e]))
    if not m:
        return None
    op = OPERATOR_SYMBOLS.get(m.group("op") or "", "=")
    start = s + (m.start("op") if m.group("op") else m.start("num"))
    end = s + (m.end("unit") if m.group("unit") else m.end("num"))
    return Quantity(start, end, s + m.start("num"), op, to_float(m.group("num")), m.group("unit") or "", 0, "")


def _unit_for(q: Quantity, column: str, label: str, st: State, following: str = "") -> tuple[str, str]:
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
    return (st.unit_note, "document") if st.unit_note else ("", "")


def _table_row(ex, n, text, spans, kind, doc, st: State) -> None:
    texts = [text[s:e] for s, e in spans]
    numeric = [bool(t) and is_number_cell(t) for t in texts]
    if not any(numeric) and all(not any(ch.isdigit() for ch in t) for t in texts):
        st.header = [a + b for a, b in zip(st.header, texts)] if st.header and len(st.header) == len(texts) \
                and any(t[:1] in "（(" for t in texts) else texts
        return
    skip = cues().skip_column
    label = ""
    for i, ((s, e), t) in enumerate(zip(spans, texts)):
        column = st.header[i] if i < len(st.header) else ""
        if not numeric[i]:
            if t.strip("—-/ "):
                label = t
                for q in find(t):
                    ex.quantity(n, q, _ctx(kind, doc, st, t, column, ""), table="cells", section=st.section,
                                offset=s)
            continue
        if any(w in column or w == label for w in skip) or (not column and i == 0 and not label):
            continue
        q = _cell_quantity(text, s, e)
        unit, unit_from = _unit_for(q, column, label, st)
        if not unit:
            continue
        ex.quantity(n, q, _ctx(kind, doc, st, text, column, label), table="cells", section=st.section,
                    unit=unit, unit_from=unit_from)


def _value_line(ex, n, text, spans, kind, doc, st: State, lines) -> None:
    if not st.column:
        labels = _merge(st.labels)
        if labels and not st.block_header and len(labels) >= 3:
            st.block_header, labels = labels[:-1], labels[-1:]
            width = _values_ahead(lines, n)
            st.columns = st.block_header[-width:] if 1 < width < len(st.block_header) else []
            st.block_unit = next((u for u in map(unit_in, st.block_header) if u), "")
        st.current_label = labels[-1] if labels else ""
        st.bare_scores = 0
    label = st.current_label
    columns = st.columns
    following = lines[n] if n < len(lines) else ""
    scored = any(w in h for h in st.block_header for w in cues().score_column)
    row_numbers = any(w in h for h in st.block_header for w in cues().skip_column)
    for s, e in spans:
        q = _cell_quantity(text, s, e)
        column = columns[st.column] if st.column < len(columns) else st.basis_header
        st.column += 1
        if q is None or any(w in column or w == label for w in cues().skip_column):
            continue
        if st.column == 1 and row_numbers and q.value.is_integer() and "." not in text[s:e] \
                and _values_ahead(lines, n) >= 2:
            continue   # the 行次 cell of a row: a row number, not a quantity
        unit, unit_from = _unit_for(q, column, label, st, following if len(spans) == 1 else "")
        if not q.unit and not column and scored and q.value <= 100 and st.column > 1:
            # a score table's rows end in 分值 then 得分 (weight, then the score received)
            column = ("分值", "得分")[min(st.bare_scores, 1)]
            st.bare_scores += 1
            unit, unit_from = "分", "header"
        elif not unit and st.block_unit:
            unit, unit_from = st.block_unit, "header"
        if not unit or not (label or unit_from == "parser"):
            continue
        ex.quantity(n, q, _ctx(kind, doc, st, text, column, label), table="cells", section=st.section,
                    unit=unit, unit_from=unit_from)


def _values_ahead(lines: tuple[str, ...], n: int) -> int:
    """How many value lines follow from line ``n`` on (blank lines skipped): the width of a row."""
    width = 0
    for text in lines[n - 1:]:
        if not text.strip():
            continue
        if not is_value_line(text):
            break
        width += len(cells(text))
    return width
