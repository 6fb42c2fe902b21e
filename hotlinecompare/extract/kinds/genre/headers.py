"""Headers and row labels of a table laid out one cell per line, when a cell wraps over two lines.

``平均等待`` / ``时长（秒）`` is one header, ``话务人员`` / ``总数`` one, ``2023年度`` / ``决算数`` one,
``来电总量`` / ``（通）`` one: a line joins the line before when it is a unit in brackets, when it
starts with a word that continues a name (``label_tail`` in ``data/genre_cues.csv``) after a line
that does not end one (``label_end``), or when the line before is a bare year. The value columns are
then the last run of as many value-like names (a basis, score, rate, change or period word, a unit)
as the row has values, so that names of text columns (三级指标, 偏差原因) around them do not shift them.
"""

from __future__ import annotations

import re
import unicodedata

from hotlinecompare.extract.kinds.genre.cues import cues
from hotlinecompare.extract.kinds.genre.layout import PLACEHOLDERS, unit_in
from hotlinecompare.extract.kinds.genre.lines import implied_unit
from hotlinecompare.extract.kinds.genre.periods import periods_in

BARE_YEAR = re.compile(r"^(?:19|20)\d\d\s*年度?$")
YEAR_START = re.compile(r"^(?:19|20)\d\d")


def _continues(before: str, label: str) -> bool:
    c = cues()
    if label[:1] in "（(":
        return True
    if BARE_YEAR.match(before) and not YEAR_START.match(label):
        return True
    return any(label.startswith(w) for w in c.label_tail) and not any(before.endswith(w) for w in c.label_end)


def merge_fragments(labels: list[str]) -> list[str]:
    """Label lines with each wrapped name joined into one."""
    out: list[str] = []
    for label in labels:
        if out and _continues(out[-1], label):
            out[-1] += label
        else:
            out.append(label)
    return out


def join_row_label(labels: list[str], text_columns: int) -> list[str]:
    """A row with more label lines than its table has text columns: the extra lines are one wrapped
    name (每十万人 / 座席数, 社会保障和就业 / 支出), joined into its last label."""
    if text_columns < 1 or len(labels) <= text_columns:
        return labels
    return labels[:text_columns - 1] + ["".join(labels[text_columns - 1:])]


def is_value_name(name: str) -> bool:
    """Does a header name a column of values (预算数, 得分, 接通率, 同比, 本季度, 话务量（万通）)?"""
    c = cues()
    return bool(unit_in(name) or implied_unit(name)
                or any(w in name for w, _ in c.basis) or any(w in name for w in c.score_column)
                or any(w in name for w in c.rate + c.share + c.value_column)
                or periods_in(name, None))


def value_columns(header: list[str], width: int) -> tuple[list[str], int]:
    """(the value columns of a one-cell-per-line table, how many text columns come before them).

    The last run of ``width`` value-like names; else the header's last ``width`` names unless one of
    them names a column of text (偏差原因): then the row's cells cannot be lined up ([], 0)."""
    if not 1 < width < len(header):
        return [], 0
    flags = [is_value_name(h) for h in header]
    for end in range(len(header), width - 1, -1):
        if all(flags[end - width:end]):
            return header[end - width:end], end - width
    columns = header[-width:]
    c = cues()
    has_cue = [any(w in h for w, _ in c.basis) or any(w in h for w in c.score_column) for h in columns]
    if any(any(w in h for w in c.text_column) and not cue for h, cue in zip(columns, has_cue)):
        return [], 0
    return columns, len(header) - width


def header_shift(header: list[str], texts: list[str], numeric: list[bool]) -> int:
    """How many leading header cells stand over no cell of the row. A header wider than its row has
    merged cells at its left (预算执行情况(10分) over the row labels, 绩效指标(90分) beside 一级指标): of the
    shifts that drop leading header cells, the one that puts most value-like names over numbers and
    other names over words (placeholders such as ``/`` count for neither; ties: the least shift)."""
    def width(cells: list[str]) -> int:
        n = len(cells)
        while n and not cells[n - 1].strip():
            n -= 1
        return n

    extra = width(header) - width(texts)
    if extra <= 0:
        return 0
    # a column of values, or of row numbers (行次, 序号): numbers belong under it
    flags = [is_value_name(h) or any(w in h for w in cues().skip_column) for h in header]

    def fit(shift: int) -> int:
        return sum(flags[i + shift] == numeric[i] for i, t in enumerate(texts)
                   if t.strip() and t.strip() not in PLACEHOLDERS and i + shift < len(header))
    return max(range(extra + 1), key=lambda k: (fit(k), -k))


def display_span(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """A cell's columns on the page: a Chinese character is two columns wide, as a layout copy
    (pdftotext -layout) aligns it."""
    def width(part: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in part)
    start = width(text[:span[0]])
    return start, start + width(text[span[0]:span[1]])


def nearest_columns(header_text: str, header_spans: list[tuple[int, int]], row_text: str,
                    row_spans: tuple[tuple[int, int], ...]) -> list[int]:
    """For each cell of a space-aligned line, the header cell it stands under on the page (the one it
    overlaps most, else the nearest)."""
    heads = [display_span(header_text, s) for s in header_spans]

    def fit(cell: tuple[int, int], head: tuple[int, int]) -> tuple[int, int]:
        overlap = min(cell[1], head[1]) - max(cell[0], head[0])
        return overlap, -max(0, -overlap)

    cells = [display_span(row_text, span) for span in row_spans]
    return [max(range(len(heads)), key=lambda i: fit(cell, heads[i])) for cell in cells] if heads else []


def positional_header(header_text: str, header_spans: list[tuple[int, int]], header: list[str],
                      row_text: str, row_spans: tuple[tuple[int, int], ...]) -> list[str]:
    """A space-aligned row's columns by where its cells stand under the header's: empty cells of a
    layout copy leave no gap in the row."""
    return [header[i] for i in nearest_columns(header_text, header_spans, row_text, row_spans)]
