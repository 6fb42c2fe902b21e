"""Properties of the number/operator/unit reader on generated input (hypothesis), beyond test_numbers.py.

Full-width forms read as their ASCII forms, thousands separators do not change a
value, nothing raises on arbitrary text, and every span lies inside the text and
covers what it claims to: the accounting of numeric tokens relies on that.
"""

from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from hotlinecompare.extract.numbers import (
    find_numbers,
    find_quantities,
    normalise,
    numeric_tokens,
    read_cell,
    standardise,
    units,
)

FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789.,%=<>-"}
OPERATORS = {"": "", ">=": ">=", "<=": "<=", "=": "=", ">": ">", "<": "<", "≥": ">=", "≤": "<="}
CELL_UNITS = ["", "%", "人", "席", "万元", "件/坐席/天", "次", "人次", "元/月", "万件"]

values = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
# Text that looks like the documents: CJK, digits in both widths, separators, operators, tabs.
doc_text = st.text(alphabet=st.sampled_from(list("0123456789０１２３４５６７８９.,，。%％=＝<>≥≤≦≧-－ \t年月日万元人席次件/")
                                            + ["苏", "州", "预", "算", "\u3000"]), max_size=60)


def full_width(text: str) -> str:
    return "".join(FULL_WIDTH.get(c, c) for c in text)


def with_separators(value: Decimal) -> str:
    return f"{value:,.2f}"


@given(op=st.sampled_from(sorted(OPERATORS)), value=values, unit=st.sampled_from(CELL_UNITS),
       space=st.sampled_from(["", " "]))
def test_a_full_width_cell_reads_as_its_ascii_form(op, value, unit, space):
    cell = f"{op}{value}{space}{unit}"
    ascii_reading, wide_reading = read_cell(cell), read_cell(full_width(cell))
    assert ascii_reading is not None and wide_reading is not None
    assert (wide_reading.operator, wide_reading.value, wide_reading.unit) == \
        (ascii_reading.operator, ascii_reading.value, ascii_reading.unit)
    assert (wide_reading.start, wide_reading.end) == (ascii_reading.start, ascii_reading.end)


@given(op=st.sampled_from(sorted(OPERATORS)), value=values, unit=st.sampled_from(CELL_UNITS))
def test_a_cell_reads_back_its_operator_value_and_unit(op, value, unit):
    r = read_cell(f"{op}{value}{unit}")
    assert (r.operator, r.value, r.unit) == (OPERATORS[op], float(value), unit)


@given(value=st.decimals(min_value=1000, max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_thousands_separators_do_not_change_the_value(value):
    cell = with_separators(value)
    assert read_cell(cell).value == float(value) == read_cell(str(value)).value
    assert read_cell(full_width(cell)).value == float(value)
    assert numeric_tokens(cell) == [(0, len(cell))]   # one token, not one per group


@given(value=values, unit=st.sampled_from([u for u in units() if u not in ("万",)]))
def test_a_quantity_in_prose_is_found_with_its_exact_span(value, unit):
    prose = f"全年累计受理 {value}{unit}，同比增长"
    found = find_quantities(prose)
    assert [(r.value, r.unit) for r in found][:1] == [(float(value), normalise(unit))]   # ％ reads as %
    assert prose[found[0].start:found[0].end] == f"{value}{unit}"


@settings(max_examples=300)
@given(text=st.one_of(st.text(max_size=80), doc_text))
@example(text="１２３，４５６．７８％")
@example(text="－5.17\t16. 35\t≧85％")
def test_nothing_raises_on_arbitrary_text_and_every_span_is_inside_it(text):
    assert len(normalise(text)) == len(text)   # offsets into the normalised text stay valid
    cell = read_cell(text)
    if cell is not None:
        assert 0 <= cell.start < cell.end <= len(text)
        assert any(ch.isdigit() for ch in normalise(text[cell.start:cell.end]))
    for r in find_quantities(text) + find_numbers(text):
        assert 0 <= r.start < r.end <= len(text)
        assert any(ch.isdigit() for ch in normalise(text[r.start:r.end]))
    for r in find_quantities(text):
        assert standardise(r.value, r.unit)[1] == units()[r.unit].unit_std


@settings(max_examples=300)
@given(text=st.one_of(st.text(max_size=80), doc_text))
def test_numeric_tokens_are_ordered_disjoint_and_cover_every_digit(text):
    tokens = numeric_tokens(text)
    assert all(0 <= s < e <= len(text) for s, e in tokens)
    assert all(e1 <= s2 for (_, e1), (s2, _) in zip(tokens, tokens[1:]))
    norm = normalise(text)
    covered = {i for s, e in tokens for i in range(s, e)}
    digits = {i for i, ch in enumerate(norm) if ch in "0123456789"}
    assert digits <= covered   # a digit outside every token could never be accounted for


@given(value=values)
def test_a_bare_number_in_prose_keeps_its_value(value):
    text = f"预算 {value} 万元，其中"
    assert [r.value for r in find_numbers(text)] == [float(value)]
