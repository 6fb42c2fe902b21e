"""Table rows (pipes, tabs, aligned or single spaces) and the values of a table laid out one cell per
line, each number under its column header and row label, in the unit they or the table state."""

from __future__ import annotations

import re
from dataclasses import replace

from hotlinecompare.extract.kinds.genre.cues import cell_pattern, cues
from hotlinecompare.extract.kinds.genre.headers import (
    header_shift,
    join_row_label,
    merge_fragments,
    nearest_columns,
    positional_header,
    value_columns,
)
from hotlinecompare.extract.kinds.genre.layout import (
    BRACKETED,
    HEADING,
    cells,
    is_number_cell,
    is_value_line,
    spaced_cells,
    sum_cell,
    unit_in,
)
from hotlinecompare.extract.kinds.genre.lines import implied_unit
from hotlinecompare.extract.kinds.genre.periods import YEAR
from hotlinecompare.extract.kinds.genre.quantities import OPERATOR_SYMBOLS, find, to_float
from hotlinecompare.extract.kinds.genre.state import State, cell_quantity, ctx, unit_for
from hotlinecompare.extract.numbers import all_units, normalise


def spaced_header(lines: tuple[str, ...], n: int) -> list[str]:
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


def table_row(ex, n, text, spans, kind, doc, st: State) -> None:
    texts = [text[s:e] for s, e in spans]
    numeric = [bool(t) and is_number_cell(t) for t in texts]
    # a header row has no number but may name years (2022年实际执行数), weights and units in brackets
    # (预算执行情况(10分), 年度预算数(万元)); a weight is still a score
    if not any(numeric) and all(not any(ch.isdigit() for ch in BRACKETED.sub("", YEAR.sub("", t))) for t in texts):
        if _wrapped_fragment(texts, st) or _row_continued(texts, n, st):
            _weights(ex, n, spans, texts, kind, doc, st)   # 产出指标 / （50分）
            return
        if st.header and st.header_line == n - 1 and len(texts) < len(st.header) \
                and len(st.header_spans) == len(st.header) and not any(not t.strip() for t in texts):
            # 值 | 及改进措施 under 年度指标 | 偏差原因分析: a header wrapped in a layout copy, each part
            # joined to the header cell it stands under
            joined = list(st.header)
            for at, t in zip(nearest_columns(st.header_text, st.header_spans, text, spans), texts):
                joined[at] += t
            st.header, st.header_line = joined, n
            return
        if st.header and st.header_line == n - 1 and any(not t.strip() for t in texts):
            # the second row of a two-level header (办结情况 over 已办结（件） | 按期办结（件）): each cell
            # under its parent, an empty cell keeping the name above it (交办件数)
            above = st.header + [""] * (len(texts) - len(st.header))
            st.header = [a + b if b.strip() else a for a, b in zip(above, texts + [""] * (len(above) - len(texts)))]
        elif st.header and len(st.header) == len(texts) and any(t[:1] in "（(" for t in texts):
            st.header = [a + b for a, b in zip(st.header, texts)]
        else:
            st.header = texts
        st.header_shift, st.header_line, st.header_spans, st.header_text = None, n, list(spans), text
        st.last_header = (st.header, st.header_spans, st.header_text)
        if all(t.strip() in cues().basis_header for t in texts):
            st.span_basis = [t.strip() for t in texts]
        _weights(ex, n, spans, texts, kind, doc, st)
        return
    skip = cues().skip_column
    st.value_row_line = n
    # the rows of one table line up with its header alike: the first row with values says how
    # (a row of fewer cells, such as the rest of a row whose cell wrapped, is lined up on its own)
    width = len(texts)
    if st.header_shift is None or width != st.shift_width:
        shift = header_shift(st.header, texts, numeric)
        if st.header_shift is None:
            st.header_shift, st.shift_width = shift, width
    else:
        shift = st.header_shift
    header = st.header[shift:]
    # a layout copy's row under a layout copy's header: columns by position
    if _space_aligned(text) and st.header_text and _space_aligned(st.header_text) \
            and len(st.header_spans) == len(st.header) and len(spans) < len(st.header):
        header = positional_header(st.header_text, st.header_spans, st.header, text, spans)
    # the unit the header of the label column states (年度预算数(万元) over 总额, 其中:财政资金)
    # or implies (诉求类别 | 本周 | 上周: counts of requests)
    label_unit = next((u for u in (unit_in(h) or implied_unit(h) for h in st.header[:shift + 1]) if u), "")
    # a cell that is only an operator (指标性质 ≥) qualifies the number after it; a cell that is only a
    # unit (度量单位 万件) is the unit of the row's bare numbers (before the label column's)
    row_unit = next((normalise(t).strip() for t in texts if normalise(t).strip() in all_units()), "")
    fallback_unit = row_unit or label_unit
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
                label = label if describes(column, t) else t
                for q in find(t):
                    ex.quantity(n, q, ctx(kind, doc, st, t, column, ""), table="cells", section=st.section,
                                offset=s)
            continue
        if any(w in column or w == label for w in skip):
            ex.skip(n, "row_number", f"a cell of the {column or label} column: a row or column number",
                    start=s, end=e)
            continue
        if not column and i == 0 and not label:
            continue
        q = cell_quantity(text, s, e)
        if operator and q.operator == "=":
            q = replace(q, operator=operator)
        operator = ""
        unit, unit_from = unit_for(q, column, label, st)
        if fallback_unit and unit_from not in ("cell", "header"):
            unit, unit_from = fallback_unit, "header"
        if not unit:
            continue
        ex.quantity(n, q, ctx(kind, doc, st, text, column, label), table="cells", section=st.section,
                    unit=unit, unit_from=unit_from)


def _wrapped_fragment(texts: list[str], st: State) -> bool:
    """``\t\t\t朝汉双语专席``: the first part of a row whose names wrapped inside their cells (a Word table
    pasted with tabs), under a header of more cells: not a new header."""
    filled = [t for t in texts if t.strip()]
    return bool(st.header) and len(texts) < len(st.header) and not texts[0].strip() and 1 <= len(filled) <= 2


def _space_aligned(text: str) -> bool:
    return "|" not in text and "\t" not in text


def _row_continued(texts: list[str], n: int, st: State) -> bool:
    """``（50分）   件次`` right under a row of values: the wrapped names of that row's cells, not a
    header (a new table's header has as many cells as its rows, or follows its title)."""
    filled = len([t for t in texts if t.strip()])
    return bool(st.header) and st.value_row_line == n - 1 and filled <= 2 and 2 * filled < len(st.header)


def _weights(ex, n, spans, texts, kind, doc, st: State) -> None:
    """A weight in a header or name cell (预算执行情况(10分), 产出指标（50分）) is still a score."""
    for (s, _), t in zip(spans, texts):
        for q in find(t):
            if q.unit == "分":
                ex.quantity(n, q, ctx(kind, doc, st, t, "", ""), table="cells", section=st.section, offset=s)


def describes(column: str, cell: str) -> bool:
    """A cell of a description column (绩效标准, 测算依据) or a description (反映…): not the row's name."""
    c = cues()
    return any(w in column for w in c.description_column) or any(cell.startswith(w) for w in c.description_cell)


def value_line(ex, n, text, spans, kind, doc, st: State, lines) -> None:
    if not st.column:
        labels = merge_fragments(st.labels)
        if labels and not st.block_header and len(labels) >= 3:
            st.block_header, labels = labels[:-1], labels[-1:]
            st.columns, st.text_columns = value_columns(st.block_header, values_ahead(lines, n))
            st.block_unit = next((u for u in map(unit_in, st.block_header) if u), st.block_unit)
        labels = join_row_label(labels, st.text_columns if st.columns else 0)
        st.current_label = labels[-1] if labels else ""
        # one value under several columns is not lined up with them (每十万人座席数 5.71): its label names it
        width = values_ahead(lines, n)
        st.score_slots = score_slots(row_cells(lines, n))
        st.row_columns = st.columns if len(st.columns) < 2 or width > 1 else []
        if width < len(st.columns) and len(st.score_slots) == width:   # 总分 100 97.6: under 分值 and 得分
            st.row_columns = []
    # a row of values under a header of several lines: the table's title names it
    label = st.current_label or (st.table_title if values_ahead(lines, n) >= 2 else "")
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
        quantities = [cell_quantity(text, s + a, s + b) for a, b in parts] if parts else [cell_quantity(text, s, e)]
        if quantities[0] is None:
            continue
        if any(w in column or w == label for w in cues().skip_column):
            ex.skip(n, "row_number", f"a cell of the {column or label} column: a row or column number",
                    start=s, end=e)
            continue
        q = quantities[0]
        if st.column == 1 and row_numbers and q.value.is_integer() and "." not in text[s:e] \
                and values_ahead(lines, n) >= 2:
            ex.skip(n, "row_number", "the 行次 cell of a row: a row number, not a quantity", start=s, end=e)
            continue
        unit, unit_from = unit_for(q, column, label, st, following if len(spans) == 1 else "")
        if not q.unit and not column and scored and st.column in st.score_slots:
            column, unit, unit_from = st.score_slots[st.column], "分", "header"
        if not unit or not (label or unit_from == "parser"):
            continue
        for q in quantities:   # 96+118: each part in the column's unit
            ex.quantity(n, q, ctx(kind, doc, st, text, column, label), table="cells", section=st.section,
                        unit=unit, unit_from=unit_from)


def values_ahead(lines: tuple[str, ...], n: int) -> int:
    """How many value lines follow from line ``n`` on (blank lines skipped): the width of a row."""
    return len(row_cells(lines, n))


def row_cells(lines: tuple[str, ...], n: int) -> list[str]:
    """The value cells of the row of a one-cell-per-line table that starts at line ``n``."""
    out = []
    for text in lines[n - 1:]:
        if not text.strip():
            continue
        if not is_value_line(text):
            break
        out += [text[s:e] for s, e in cells(text)]
    return out


def score_slots(row: list[str]) -> dict[int, str]:
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


# ``年初预算数：428.60；全年预算数：446.20`` — a table row a portal exported as key：value pairs
_PAIR = re.compile(r"(?P<key>[^：:；;|\t]{1,14}?)\s*[：:]\s*(?P<value>[^：:；;|\t]*?)\s*(?=[；;]|\s{2,}|$)")


def key_value_row(ex, n: int, text: str, kind: str, doc, st: State) -> bool:
    """A row written as ``key：value`` pairs (three or more on the line): each number read under its key
    as a column (分值, 得分, 年初预算数, 年度指标值 …), the row named by its first value that is a word."""
    if text.count("：") + text.count(":") < 3:   # most lines: no row of pairs, and no regex run
        return False
    norm = normalise(text)
    pairs = [m for m in _PAIR.finditer(norm) if m.group("value")]
    if len(pairs) < 3 or sum(is_number_cell(m.group("value")) for m in pairs) < 2:
        return False
    label = next((m.group("value") for m in pairs if not is_number_cell(m.group("value"))
                  and m.group("value").strip("—-/ ")), "")
    for m in pairs:
        s, e = m.span("value")
        q = cell_quantity(text, s, e)
        if q is None or any(w in m.group("key") for w in cues().skip_column):
            continue
        unit, unit_from = unit_for(q, m.group("key"), label, st)
        if unit:
            ex.quantity(n, q, ctx(kind, doc, st, text, m.group("key"), label), table="cells", section=st.section,
                        unit=unit, unit_from=unit_from)
    return True
