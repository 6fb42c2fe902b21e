"""Bare numbers in prose whose unit is elsewhere: at the end of a line whose next line starts with the
unit (``年初预算数 326.18`` / ``万元，其中…``, a PDF's wrapped line), or after ``均为`` in the unit
of the quantity before it in the sentence (``…2.60 万元，因公出国（境）费和公务用车购置费均为 0。``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from hotlinecompare.extract.accounting import explained_spans
from hotlinecompare.extract.kinds.genre.cues import NUMBER, cues
from hotlinecompare.extract.kinds.genre.quantities import Quantity, to_float
from hotlinecompare.extract.numbers import all_units, normalise

LINE_END = re.compile(rf"(?<![\d.,\-])(?P<num>{NUMBER})\s*$")


@lru_cache(maxsize=1)
def _after_words() -> re.Pattern[str]:
    words = "|".join(map(re.escape, cues().bare_value_after)) or "(?!)"
    return re.compile(rf"(?:{words})\s?(?P<num>{NUMBER})(?=\s*(?:[。；;，,]|$))")


def leading_unit(text: str) -> str:
    """The unit a line starts with (``万元，其中：``), else ""."""
    head = text.strip()
    for u in sorted(all_units(), key=len, reverse=True):
        if head.startswith(u) and (len(head) == len(u) or not head[len(u)].isalnum() or head[len(u)] in "，其以"):
            return u
    return ""


def bare_quantities(text: str, found: tuple[Quantity, ...], following: str) -> list[tuple[Quantity, str]]:
    """(quantity without a unit, the unit it is in) for the bare numbers of a prose line."""
    norm = normalise(text)
    out: list[tuple[Quantity, str]] = []
    if not norm.rstrip()[-1:].isdigit() and not any(w in norm for w in cues().bare_value_after):
        return out
    taken = [(q.start, q.end) for q in found] + [(s, e) for s, e, *_ in explained_spans(text)]

    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in taken)

    m = LINE_END.search(norm) if norm.rstrip()[-1:].isdigit() else None
    unit = leading_unit(following) if m else ""
    if m and unit and free(*m.span("num")):
        out.append((_bare(m), unit))
    for m in _after_words().finditer(norm) if any(w in norm for w in cues().bare_value_after) else ():
        before = [q for q in found if q.end <= m.start("num") and q.unit]
        if before and free(*m.span("num")):
            out.append((_bare(m), before[-1].unit))
    return out


def _bare(m: re.Match[str]) -> Quantity:
    s, e = m.span("num")
    return Quantity(s, e, s, "=", to_float(m.group("num")), "", 0, "")
