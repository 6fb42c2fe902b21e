"""Notebook tables: labelled columns in English and Chinese, numbers written by unit, every column,
no dtype row, the same HTML on every run."""

from __future__ import annotations

import re
import subprocess
import sys

import polars as pl
import pytest

from hotlinecompare.output.tables import column_label, column_unit, display_table

FRAME = pl.DataFrame({
    "city": ["suzhou", "guiyang"],
    "fiscal_year": [2024, 2023],
    "amount_yuan": [7_517_800.0, 7_250_000.0],
    "tokens": [1475, 562],
    "count": [114.0, 52.0],
    "connection_rate": [0.7015, 0.8],
    "accounted_pct": [100.0, 99.5],
    "note_en": ["The municipal platform only, not the county and district platforms of the city.", None],
})


def _cells(table) -> list[str]:
    return re.findall(r"<td[^>]*>([^<]*)</td>", table.html)


def _headers(table) -> list[str]:
    return re.findall(r'<th class="gt_col_heading[^>]*>(.*?)</th>', table.html, re.S)


def test_money_in_yuan_shows_as_wan_yuan_with_two_decimals():
    cells = _cells(display_table(FRAME))
    assert "751.78" in cells and "725.00" in cells


def test_counts_are_whole_numbers_and_years_have_no_separator():
    cells = _cells(display_table(FRAME))
    assert "1,475" in cells and "114" in cells and "52" in cells
    assert "2024" in cells and "2,024" not in cells


def test_statistics_without_a_unit_keep_the_decimals_they_were_rounded_to():
    frame = pl.DataFrame({"slope": [0.005, -0.17], "p_value": [0.0043, 0.5], "n": [4, 12], "ratio": [1.5, 2.0]})
    cells = _cells(display_table(frame))
    assert cells == ["0.005", "0.0043", "4", "1.5", "−0.170", "0.5000", "12", "2.0"]


def test_a_name_ending_in_year_is_a_year_only_when_it_holds_whole_numbers():
    frame = pl.DataFrame({"fiscal_year": [2024], "cost_per_agent_year": [76284.35]})
    assert _cells(display_table(frame)) == ["2024", "76,284.35"]


def test_fractions_and_percent_columns_show_as_percentages():
    cells = _cells(display_table(FRAME))
    assert "70.15%" in cells and "80.00%" in cells
    assert "100.00%" in cells and "99.50%" in cells


def test_a_value_column_is_formatted_by_the_unit_of_each_row():
    frame = pl.DataFrame({"value": [0.8, 114.0, 2.5], "unit_std": ["fraction", "person", "case_per_seat_day"]})
    assert _cells(display_table(frame))[::2] == ["80.00%", "114", "2.50"]


def test_columns_are_headed_by_their_name_over_the_chinese_label_of_the_workbook():
    headers = _headers(display_table(FRAME))
    assert headers[0] == 'city<br><span style="font-weight:normal">地区代码</span>'
    assert column_label("fiscal_year") == "年度"
    assert column_label("no_such_column") == "no_such_column"


def test_money_shown_in_wan_yuan_is_labelled_so_and_noted():
    assert column_label("amount_yuan") == "金额（万元）"
    assert "the tables store yuan" in display_table(FRAME).html
    assert "the tables store yuan" not in display_table(FRAME.select("city", "tokens")).html


def test_units_come_from_the_data_dictionary():
    assert column_unit("amount_yuan") == "yuan"
    assert column_unit("connection_rate") == "fraction"
    assert column_unit("fiscal_year") == "year"
    assert column_unit("total_wan_yuan") == "wan_yuan"


def test_every_column_is_shown_and_no_dtype_row():
    table = display_table(FRAME)
    assert len(_headers(table)) == FRAME.width
    assert not re.search(r">(str|f64|i64)<", table.html)


def test_short_columns_do_not_wrap_and_long_text_does():
    html = display_table(FRAME).html
    assert re.search(r'<td style="white-space: nowrap" headers="[^"]*-city"', html)
    assert not re.search(r'<td style="white-space: nowrap" headers="[^"]*-note_en"', html)


def test_missing_values_are_blank_and_strings_are_not_quoted():
    cells = _cells(display_table(FRAME))
    assert "" in cells and "suzhou" in cells and '"suzhou"' not in cells


def test_long_frames_are_cut_with_a_note():
    table = display_table(pl.DataFrame({"line": list(range(100))}), max_rows=10)
    assert len(_cells(table)) == 10
    assert "first 10 of 100 rows" in table.html
    assert repr(table).startswith("table: 100 rows (first 10 shown) × 1 columns: line")


@pytest.mark.parametrize("frame", [FRAME, FRAME.head(1)])
def test_the_html_is_the_same_in_another_process(frame):
    code = ("import polars as pl, sys; from hotlinecompare.output.tables import display_table; "
            "sys.stdout.write(display_table(pl.read_json(sys.stdin.buffer)).html)")
    again = subprocess.run([sys.executable, "-c", code], input=frame.write_json().encode(), capture_output=True,
                           check=True, env={"PYTHONHASHSEED": "7", "PATH": ""})
    assert again.stdout.decode() == display_table(frame).html
