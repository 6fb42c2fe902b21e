"""Lines that hold a row on their own: ``label：value`` with a bare number, and the line after a label.

``资金总额：356`` under ``项目资金申请（万元）`` is 356 万元; ``一、预算资金：356`` is a row of the
same list, not a heading. A bare number's unit may also be implied by what it counts (派转量 in 件,
综合座席 in 个): those words are data (``implied_unit`` in ``data/genre_cues.csv``).
"""

from __future__ import annotations

import re

from hotlinecompare.extract.accounting import explained_spans
from hotlinecompare.extract.kinds.genre.cues import NUMBER, cues
from hotlinecompare.extract.kinds.genre.layout import is_empty_row, is_rule
from hotlinecompare.extract.numbers import all_units, normalise

# A short label without digits or sentence marks, a colon, one bare number and nothing after it.
LABEL_VALUE = re.compile(rf"^\s*(?P<label>[^：:，。；;,\d|\t]{{1,24}}?)\s*[：:]\s*(?P<num>{NUMBER})\s*$")
# A longer cell is a description (购买话务座席服务，保障…), not the name of what a number counts.
IMPLYING_NAME = 12
ENUMERATOR = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")


def label_and_number(text: str) -> tuple[str, int, int] | None:
    """(label, start, end of the number) of a ``label：number`` line, else None."""
    m = LABEL_VALUE.match(normalise(text))
    if m is None:
        return None
    label = ENUMERATOR.sub("", m.group("label")).strip()
    s, e = m.span("num")
    if not label or any(w in label for w in cues().skip_column) \
            or any(a <= s and e <= b for a, b, *_ in explained_spans(text)):
        return None
    return label, s, e


def next_line(lines: tuple[str, ...], n: int) -> str:
    """The first line after line ``n`` (1-based) that is not blank or a table's rule."""
    for text in lines[n:]:
        if text.strip() and not is_rule(text) and not is_empty_row(text):
            return text
    return ""


def implied_unit(*names: str) -> str:
    """The unit a column or row name implies for its bare numbers (派转量 → 件), else ""."""
    c = cues()
    for name in names:
        ratio = next((unit for word, unit in c.ratio_unit.items() if word in name), "")
        if ratio:
            return ratio
        if not name or len(name) > IMPLYING_NAME or any(w in name for w in c.implied_unit_not):
            continue
        for word, unit in c.implied_unit.items():
            if word in name:
                return unit
    return ""


def covers(note: str, implied: str) -> bool:
    """Does a document's unit note (单位：万元) speak for a column whose name implies ``implied``?"""
    a, b = all_units().get(note), all_units().get(implied)
    return not implied or a is None or b is None or a.kind == b.kind
