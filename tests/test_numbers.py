"""The number/operator/unit reader, as a table of cells seen in the documents."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotlinecompare.extract.numbers import find_quantities, numeric_tokens, read_cell, standardise

CELLS = [
    # cell as written,        operator, value,     unit,          value_std,   unit_std
    ("16. 35",                "",   16.35,       "",           16.35,        "number"),
    ("0. 46",                 "",   0.46,        "",           0.46,         "number"),
    ("≤52席",                 "<=", 52,          "席",          52,           "seat"),
    ("≥60 件/坐席/天",         ">=", 60,          "件/坐席/天",   60,           "case_per_seat_day"),
    ("=100%",                 "=",  100,         "%",          1.0,          "fraction"),
    ("<=1000000 册",          "<=", 1_000_000,   "册",          1_000_000,    "copy"),
    ("5,000,000",             "",   5_000_000,   "",           5_000_000,    "number"),
    (">=85%",                 ">=", 85,          "%",          0.85,         "fraction"),
    ("97.28%",                "",   97.28,       "%",          0.9728,       "fraction"),
    ("-5.17",                 "",   -5.17,       "",           -5.17,        "number"),
    ("-9.85%",                "",   -9.85,       "%",          -0.0985,      "fraction"),
    ("1200万通",               "",   1200,        "万通",        12_000_000,   "call"),
    ("≥600万",                ">=", 600,         "万",          6_000_000,    "unit_count"),
    ("≥2次/日",               ">=", 2,           "次/日",        2,            "times_per_day"),
    ("0次",                   "",   0,           "次",          0,            "times"),
    ("≥99.9%",                ">=", 99.9,        "%",          0.999,        "fraction"),
    ("=2 份",                 "=",  2,           "份",          2,            "copy"),
    ("≤0人/套",               "<=", 0,           "人/套",        0,            "person_or_set"),
    ("１２３％",               "",   123,         "%",          1.23,         "fraction"),
    ("＞＝85％",               ">=", 85,          "%",          0.85,         "fraction"),
    ("≥85",                   ">=", 85,          "",           85,           "number"),
    ("≤114人",                "<=", 114,         "人",          114,          "person"),
]


@pytest.mark.parametrize("cell, op, value, unit, value_std, unit_std", CELLS)
def test_read_cell(cell, op, value, unit, value_std, unit_std):
    r = read_cell(cell)
    assert (r.operator, r.value, r.unit) == (op, pytest.approx(value), unit)
    assert standardise(r.value, r.unit) == (pytest.approx(value_std), unit_std)
    assert cell[r.start:r.end].strip() == cell.strip()


@pytest.mark.parametrize("cell", ["充分", "合格", "序时进度", "按时推进", "无", "2.50 0.46",
                                  "当年12月底之前完成", "每年 12 月 31 日前完成", ""])
def test_qualitative_or_merged_cells_are_not_one_number(cell):
    assert read_cell(cell) is None


def test_unknown_unit_stays_visible():
    assert standardise(3.0, "斤") == (3.0, "?斤")


def test_wan_yuan_to_yuan():
    assert standardise(249.78, "万元") == (pytest.approx(2_497_800), "yuan")


def test_prose_quantities_keep_their_span():
    text = "全年全市累计受理各类有效服务诉求 1703.24 万件，同比增长 34.74%，每席480元/月"
    found = find_quantities(text)
    assert [(r.value, r.unit) for r in found] == [(1703.24, "万件"), (34.74, "%"), (480.0, "元/月")]
    assert [text[r.start:r.end] for r in found] == ["1703.24 万件", "34.74%", "480元/月"]


def test_prose_does_not_match_the_tail_of_a_longer_number():
    assert [r.value for r in find_quantities("热线12345人工")] == []


def test_numeric_tokens_keep_ocr_spaced_decimals_whole():
    text = "30101\t基本工资\t16. 35"
    assert [text[s:e] for s, e in numeric_tokens(text)] == ["30101", "16. 35"]


@given(op=st.sampled_from(["", "≥", "≤", "=", ">=", "<=", "＞＝"]),
       value=st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False),
       unit=st.sampled_from(["", "%", "人", "席", "万元", "件/坐席/天", "次"]),
       space=st.sampled_from(["", " "]))
def test_read_cell_roundtrip(op, value, unit, space):
    cell = f"{op}{value}{space}{unit}"
    r = read_cell(cell)
    assert r is not None
    assert r.value == pytest.approx(float(value))
    assert r.unit == unit
    assert r.operator == {"": "", "≥": ">=", "≤": "<=", "=": "=", ">=": ">=", "<=": "<=", "＞＝": ">="}[op]


@given(st.text(max_size=40))
def test_read_cell_never_raises(text):
    r = read_cell(text)
    assert r is None or 0 <= r.start < r.end <= len(text)


@pytest.mark.parametrize("value, unit, expected", [(66.07, "万元", 660700.0), (0.56, "万元", 5600.0),
                                                   (97.28, "%", 0.9728), (2176.89, "万元", 21768900.0)])
def test_standardise_is_exact_on_written_decimals(value, unit, expected):
    assert standardise(value, unit)[0] == expected


def test_scientific_notation_is_one_token_never_part_of_a_name():
    from hotlinecompare.extract.trial import check_bytes

    text = "某市12345热线中心2024年工作情况\n系数 1e308 和 2.5E-3，5G 平台\n"
    unparsed = check_bytes(text.encode(), "x.txt", city="suzhou", year="2024").build.unparsed
    rows = {r["tokens"]: r["reason_code"] for r in unparsed.iter_rows(named=True)}
    assert rows["1e308; 2.5E-3"] == "unrecognised"
    assert rows["5"] == "name_digits"
