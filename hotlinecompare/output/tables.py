"""Clean-table frames as readable notebook tables: labelled columns, numbers formatted by unit.

``display_table(frame)`` renders a polars frame with great_tables: each column headed by its name
(the public contract, as code spells it) over its Chinese label (data/column_labels.csv, the
workbook's header row too), no dtype row, every column shown, and numbers written by the unit the
data dictionary (data/table_fields.csv, data/fact_fields.csv) gives the column:

- money in yuan (``*_yuan``) as 万元, the documents' unit, with two decimals: 1,234,500 → 123.45
  (the Chinese label says 万元, and a note under the table says the tables store yuan);
- fractions as percentages with two decimals: 0.8125 → 81.25%; ``*_pct`` columns likewise;
- counts (people, seats, tokens, facts …) and other integers with separators: 1,475;
- years, line numbers and character offsets as written: 2024 (a name ending in ``_year`` is a year
  only when it holds whole numbers: ``cost_per_agent_year`` is not);
- statistics with no unit (a slope, a p-value, a coverage) with the decimals they were rounded to,
  the same for the whole column: 0.0043, not 0.00 (values that need more than four, two);
- a ``value`` column whose unit is given row by row (``unit_std``/``unit``) as its unit says;
- operators as the documents print them: ≥, ≤.

The HTML has a fixed table id and no dates, so a re-run writes the same bytes (nbval compares it).
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from functools import cache

import polars as pl

from hotlinecompare import schema
from hotlinecompare.output.figures.labels import label

MAX_ROWS = 40
MAX_DECIMALS = 4  # a statistic with no unit is written with the decimals it has, up to this many
LONG_TEXT_CHARS = 40  # a text column whose values run longer than this wraps; shorter ones never do
_YUAN_PER_WAN = 1e4
_COUNT_UNITS = ("person", "seat", "staff", "token", "fact", "case", "call", "indicator", "document")
_AS_WRITTEN_UNITS = ("year", "line", "character")
_ROW_UNIT_COLUMNS = ("unit_std", "unit")
_OPERATOR_COLUMNS = ("operator", "value_operator", "satisfaction_operator")
_OPERATORS = {">=": "\u2265", "<=": "\u2264"}  # ≥80%, as the documents write a target


@dataclass(frozen=True)
class DisplayTable:
    """A formatted table for a notebook cell: HTML for the page, a one-line summary as plain text."""

    frame: pl.DataFrame
    html: str
    shown_rows: int

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        more = f" (first {self.shown_rows} shown)" if self.shown_rows < self.frame.height else ""
        return f"table: {self.frame.height} rows{more} × {self.frame.width} columns: {', '.join(self.frame.columns)}"


def display_table(frame: pl.DataFrame, *, title: str | None = None, max_rows: int = MAX_ROWS) -> DisplayTable:
    """``frame`` as a formatted table (at most ``max_rows`` rows, the rest counted in a note)."""
    from great_tables import GT, loc, style
    from great_tables import html as gt_html

    shown = frame.head(max_rows)
    shown = shown.with_columns(pl.col(c).list.join(", ") for c, t in shown.schema.items()
                               if isinstance(t, pl.List) and t.inner == pl.String)
    shown = shown.with_columns(pl.col(c).replace(_OPERATORS) for c in _OPERATOR_COLUMNS if c in shown.columns
                               and shown.schema[c] == pl.String)
    table = GT(shown, id=_table_id(frame)).sub_missing(missing_text="")
    for column in shown.columns:
        table = _format(table, shown, column)
    table = table.cols_label(**{c: gt_html(column_header(c)) for c in shown.columns})
    short = [c for c in shown.columns if not _is_long_text(shown[c])]
    if short:
        table = table.tab_style(style.css("white-space: nowrap"), loc.body(columns=short))
    if title:
        table = table.tab_header(title=title)
    if any(column_unit(c) == "yuan" for c in shown.columns):
        table = table.tab_source_note(label("table.money_note", "en"))
    if shown.height < frame.height:
        table = table.tab_source_note(label("table.more_rows", "en").format(shown=shown.height, rows=frame.height))
    table = table.tab_options(table_font_size="13px", data_row_padding="3px", column_labels_font_weight="bold")
    return DisplayTable(frame=frame, html=table.as_raw_html(inline_css=False), shown_rows=shown.height)


def column_header(column: str) -> str:
    """The column's name over its Chinese label (HTML); the name alone where there is no label."""
    chinese = column_label(column)
    if chinese == column:
        return html.escape(column)
    return f'{html.escape(column)}<br><span style="font-weight:normal">{html.escape(chinese)}</span>'


def column_label(column: str) -> str:
    """The Chinese label of a column (data/column_labels.csv), in 万元 where money is shown so; else the name."""
    text = schema.chinese_label(column)
    return text.replace("（元）", "（万元）") if column_unit(column) == "yuan" else text


def column_unit(column: str) -> str:
    """The unit the data dictionary gives ``column`` (the same in every table that has it), else ""."""
    unit = _units().get(column, "")
    if not unit:
        if column.endswith("_wan_yuan"):
            return "wan_yuan"
        for suffix, implied in (("_yuan", "yuan"), ("_pct", "percent"), ("_year", "year")):
            if column.endswith(suffix):
                return implied
    return unit


# --- formats --------------------------------------------------------------------------------------

def _format(table, frame: pl.DataFrame, column: str):
    dtype, unit = frame.schema[column], column_unit(column)
    if not dtype.is_numeric():
        return table
    if unit == "unit_std" or (column == "value" and not unit and set(_ROW_UNIT_COLUMNS) & set(frame.columns)):
        return _format_by_row(table, frame, column)
    if unit == "yuan":
        return table.fmt_number(columns=column, decimals=2, scale_by=1 / _YUAN_PER_WAN)
    if unit == "wan_yuan":
        return table.fmt_number(columns=column, decimals=2)
    if unit == "fraction":
        return table.fmt_percent(columns=column, decimals=2)
    if unit == "percent":
        return table.fmt_number(columns=column, decimals=2, pattern="{x}%")
    if unit in _AS_WRITTEN_UNITS and (dtype.is_integer() or _integral(frame[column])):
        return table.fmt_integer(columns=column, use_seps=False)
    if dtype.is_integer() or (_is_count(unit) and _integral(frame[column])):
        return table.fmt_integer(columns=column)
    if not unit or unit in _AS_WRITTEN_UNITS:
        return table.fmt_number(columns=column, decimals=_decimals(frame[column]))
    return table.fmt_number(columns=column, decimals=2)


def _format_by_row(table, frame: pl.DataFrame, column: str):
    """A value column whose unit is a column of its own: fractions as %, counts whole, the rest 2 decimals."""
    unit_column = next((c for c in _ROW_UNIT_COLUMNS if c in frame.columns), None)
    units = frame[unit_column].to_list() if unit_column else [""] * frame.height
    values = frame[column].to_list()
    fractions = [i for i, u in enumerate(units) if u == "fraction"]
    whole = [i for i, (u, v) in enumerate(zip(units, values)) if u != "fraction" and v is not None and v == int(v)]
    rest = [i for i in range(frame.height) if i not in fractions and i not in whole]
    for rows, fmt in ((fractions, "percent"), (whole, "integer"), (rest, "number")):
        if not rows:
            continue
        if fmt == "percent":
            table = table.fmt_percent(columns=column, rows=rows, decimals=2)
        elif fmt == "integer":
            table = table.fmt_integer(columns=column, rows=rows)
        else:
            table = table.fmt_number(columns=column, rows=rows, decimals=2)
    return table


def _decimals(series: pl.Series) -> int:
    """The fewest decimals that write every value of the column as it is stored (a statistic rounded
    to 3 or 4 places); two for a column whose values need more than MAX_DECIMALS (a computed amount)."""
    values = series.drop_nulls()
    for places in range(MAX_DECIMALS + 1):
        if values.len() == 0 or bool(((values - values.round(places)).abs() < 1e-12).all()):
            return places
    return 2


def _is_count(unit: str) -> bool:
    return any(word in unit for word in _COUNT_UNITS)


def _integral(series: pl.Series) -> bool:
    values = series.drop_nulls()
    return values.len() == 0 or bool((values == values.round(0)).all())


def _is_long_text(series: pl.Series) -> bool:
    if series.dtype != pl.String:
        return False
    longest = series.str.len_chars().max()
    return longest is not None and longest > LONG_TEXT_CHARS


def _table_id(frame: pl.DataFrame) -> str:
    """A stable id (the CSS is scoped to it): the same columns and row count give the same id."""
    key = f"{frame.height}|{'|'.join(frame.columns)}"
    return "hc-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]



@cache
def _units() -> dict[str, str]:
    """Column name → unit across the data dictionary (where a table leaves it blank, the others say);
    a name given different units in different tables has none."""
    found: dict[str, set[str]] = {}
    rows = [*schema.fact_fields(), *(r for fields in schema.table_fields().values() for r in fields)]
    for row in rows:
        found.setdefault(row["name"], set()).add(row.get("unit") or "")
    return {name: next(iter(units - {""}), "") for name, units in found.items() if len(units - {""}) <= 1}
