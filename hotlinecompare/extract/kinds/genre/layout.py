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
UNIT_NOTE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元|亿元|件|人|个|通)")
UNIT_IN_LABEL = re.compile(r"[（(]\s*(万元|元|亿元|件|通|人|个|秒|分钟|万件|万通|人次|件次|%|席|分)\s*[）)]")
PROSE_MARKS = re.compile(r"[，。；：！？,;]")


def is_rule(text: str) -> bool:
    """A markdown table's separator row (``| --- | :-- |``)."""
    return "-" in text and bool(_PIPE_RULE.match(text))


@lru_cache(maxsize=16384)
def cells(text: str) -> tuple[tuple[int, int], ...]:
    """Cell spans of a row: pipes (empty cells kept), else tabs or runs of two or more spaces."""
    if text.lstrip().startswith("|") or text.count("|") >= 2:
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


def is_number_cell(text: str) -> bool:
    return bool(cell_pattern().match(normalise(text)))


def is_value_line(text: str) -> bool:
    """Every cell of the line is a number (``41236``, ``97.35%``, ``3,892,000.00    2,930,000.00``)."""
    spans = cells(text)
    return bool(spans) and all(is_number_cell(text[s:e]) for s, e in spans if e > s) \
        and any(e > s for s, e in spans)


def unit_in(label: str) -> str:
    m = UNIT_IN_LABEL.search(normalise(label))
    return m.group(1) if m else ""


def is_label(text: str) -> bool:
    """A short line without sentence punctuation: a cell of a table laid out one cell per line."""
    t = text.strip()
    return 0 < len(t) <= 30 and not PROSE_MARKS.search(t.replace("：", ""))
