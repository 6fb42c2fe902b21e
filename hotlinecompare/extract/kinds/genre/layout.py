"""How a line of a publication arrives: cells of a pipe, tab or space-aligned row, or one cell per line.

A real export has no tabs: a markdown table (``| 灌云县 | 1115 |``), columns aligned with spaces, or
every cell on its own line. ``cells`` splits a line into (start, end) spans of its cells, keeping
empty pipe cells so that a cell's position matches its header's.
"""

from __future__ import annotations

import re
from functools import lru_cache

from hotlinecompare.extract.kinds.genre.cues import cell_pattern
from hotlinecompare.extract.numbers import normalise

_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SPACES = re.compile(r"[ \u3000]{2,}|\t")
HEADING = re.compile(r"^\s*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")
HEADING_LEVELS = (re.compile(r"^\s*第[一二三四五六七八九十]+部分"), re.compile(r"^\s*[一二三四五六七八九十]+、"),
                  re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]"))
UNIT_NOTE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元|亿元|万件|万通|万人次|件次|人次|批次|件|人|个|通|次|%)")
UNIT_IN_LABEL = re.compile(r"[（(]\s*(万元|元|亿元|件|通|人|个|秒|分钟|万件|万通|人次|件次|%|席|分|辆|台/套|台|名|次|条|项|户|平方米|宗|批)\s*[）)]"
                           r"|[^\d\s](%)\s*$")   # 完成预算%: a header ending in % names a column of percents
# A bracketed note in a header cell: a weight, a unit or a year (预算执行情况(10分), 年度预算数(万元)).
BRACKETED = re.compile(r"[（(][^）)]{0,12}[）)]")
NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
SUM_CELL = re.compile(r"^\s*\d+(?:\.\d+)?(?:\s?\+\s?\d+(?:\.\d+)?)+\s*$")
# A cell that says "none" in a table of values.
PLACEHOLDERS = frozenset({"/", "／", "—", "——", "-", "－", "--"})
PROSE_MARKS = re.compile(r"[，。；：！？,;]")
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def heading_level(text: str) -> int:
    """0 for 第一部分, 1 for 一、, 2 for （一）."""
    return next((i for i, p in enumerate(HEADING_LEVELS) if p.match(text)), len(HEADING_LEVELS))


def is_rule(text: str) -> bool:
    """A markdown table's separator row (``| --- | :-- |``)."""
    return "-" in text and bool(_PIPE_RULE.match(text))


@lru_cache(maxsize=16384)
def cells(text: str) -> tuple[tuple[int, int], ...]:
    """Cell spans of a row: pipes (empty cells kept), else tabs or runs of two or more spaces."""
    # a pipe row, or one cell of it per line (``20 |``: a markdown table split one cell per line)
    if text.lstrip().startswith("|") or text.count("|") >= 2 or text.rstrip().endswith("|"):
        spans, pos = [], 0
        parts = text.split("|")
        for i, part in enumerate(parts):
            s = pos + len(part) - len(part.lstrip())
            e = pos + len(part.rstrip())
            if 0 < i < len(parts) - 1 or part.strip():
                spans.append((s, max(s, e)))
            pos += len(part) + 1
        return tuple(spans)
    if "\t" in text:
        spans, pos = [], 0
        for part in text.split("\t"):
            s = pos + len(part) - len(part.lstrip())
            spans.append((s, max(s, pos + len(part.rstrip()))))
            pos += len(part) + 1
        while spans and spans[-1][0] == spans[-1][1]:
            spans.pop()
        return tuple(spans)
    spans, pos = [], 0
    stripped_start = len(text) - len(text.lstrip())
    for m in _SPACES.finditer(text):
        if m.start() > stripped_start and text[pos:m.start()].strip():
            spans.append((pos + len(text[pos:m.start()]) - len(text[pos:m.start()].lstrip()), m.start()))
        pos = m.end()
    rest = text[pos:].rstrip()
    if rest.strip():
        spans.append((pos + len(rest) - len(rest.lstrip()), pos + len(rest)))
    return tuple(spans)


def spaced_cells(text: str) -> tuple[tuple[int, int], ...]:
    """Cells of a row a PDF viewer copied with one space between cells (``一、一般公共预算拨款收入
    5016140.00 一、一般公共服务支出 4621380.00``): each number a cell, the words between numbers one
    label cell (``收 入 总 计``). () unless the line reads as such a row: no sentence punctuation, every
    label of two or more characters, and a number that only a table prints (decimals, a percent, or two
    numbers or more)."""
    if PROSE_MARKS.search(THOUSANDS.sub("", text)) or "|" in text or "\t" in text:   # 48,216 is no comma
        return ()
    spans: list[tuple[int, int]] = []
    label: tuple[int, int] | None = None
    numbers = empties = 0
    labels: list[str] = []
    for m in re.finditer(r"\S+", text):
        token = m.group(0)
        empty, number = token in PLACEHOLDERS, is_number_cell(token)
        if not (empty or number):   # a word: part of the label cell until the next number
            label = (label[0], m.end()) if label else m.span()
            continue
        if label:
            spans.append(label)
            labels.append(text[label[0]:label[1]])
            label = None
        spans.append(m.span())   # 合计 195,301 — — —: an empty cell keeps its place too
        numbers, empties = numbers + number, empties + empty
    if label:
        spans.append(label)
        labels.append(text[label[0]:label[1]])
    tabular = numbers >= 2 or empties or any(ch in text[s:e] for s, e in spans if is_number_cell(text[s:e])
                                             for ch in ".%")
    if not numbers or not labels or not tabular or any(len(t.replace(" ", "")) < 2 for t in labels):
        return ()
    return tuple(spans) if len(spans) >= 2 else ()


def is_empty_row(text: str) -> bool:
    """A row of empty pipe cells (``||||``) or a lone ``|``: a separator, read as a blank line."""
    return "|" in text and not text.strip(" |\t\u3000")


def cell_text(text: str) -> str:
    """A line's text without the pipe that ends a cell (``受理群众诉求量 |``)."""
    return text.strip().strip("|").strip()


def spaced_word(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """``合    计``: one word whose characters a PDF spread with spaces; "" if the line is not one."""
    if len(spans) < 2 or any(e - s != 1 for s, e in spans) or any(ch.isdigit() for ch in text):
        return ""
    return "".join(text[s:e] for s, e in spans)


def is_number_cell(text: str) -> bool:
    return bool(cell_pattern().match(normalise(text)))


def is_value_line(text: str) -> bool:
    """Every cell of the line is a number (``41236``, ``97.35%``, ``3,892,000.00    2,930,000.00``) or
    a placeholder for none (``/``, ``—``) that keeps the next cells under their columns."""
    spans = cells(text)
    return bool(spans) and all(is_number_cell(text[s:e]) or sum_cell(text[s:e]) or text[s:e] in PLACEHOLDERS
                               for s, e in spans if e > s) and any(e > s for s, e in spans)


def sum_cell(text: str) -> tuple[tuple[int, int], ...]:
    """``96+118``: a cell stating its parts; the (start, end) of each part, else ()."""
    m = SUM_CELL.match(normalise(text))
    if not m:
        return ()
    return tuple(n.span() for n in NUMBER_RE.finditer(text))


def unit_in(label: str) -> str:
    m = UNIT_IN_LABEL.search(normalise(label))
    return (m.group(1) or m.group(2)) if m else ""


def is_label(text: str) -> bool:
    """A short line without sentence punctuation: a cell of a table laid out one cell per line."""
    t = text.strip()
    return 0 < len(t) <= 30 and not PROSE_MARKS.search(t.replace("：", ""))
