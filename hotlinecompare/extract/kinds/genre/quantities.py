"""Quantities in a stretch of prose: number, unit, operator from qualifiers, direction from change words.

``约1200件`` → (~, 1200, 件); ``控制在20秒以内`` → (<=, 20, 秒); ``下降2.1%`` → a change of −2.1 %;
``批次、人次同比分别下降6.4%、9.1%`` → two signed changes. The words are data (``data/genre_cues.csv``);
numbers inside furniture (dates, years, index numbers, …) are left to ``data/token_patterns.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from hotlinecompare.extract.accounting import explained_spans
from hotlinecompare.extract.kinds.genre.cues import cues, quantity_pattern
from hotlinecompare.extract.numbers import all_units, normalise

# After ×, a price is a factor of a cost formula (座席15个×12.4万元/席/年) and still a quantity.
PRICE_KINDS = ("money", "money_rate")
CLAUSE_BREAK = re.compile(r"[，。；;：:,、\d]")
OPERATOR_SYMBOLS = {">=": ">=", "≥": ">=", "<=": "<=", "≤": "<=", "=": "=", ">": ">", "<": "<"}


@dataclass(frozen=True)
class Quantity:
    """One quantity at ``text[start:end]`` (the quote); ``direction`` +1/−1 for a change, else 0."""

    start: int
    end: int
    num_start: int
    operator: str
    value: float
    unit: str
    direction: int
    qualifier: str


def to_float(number: str) -> float:
    return float(number.replace(",", "").replace(" ", ""))


def find(text: str) -> tuple[Quantity, ...]:
    """Every quantity with a known unit in ``text``, in reading order."""
    return _find(text)


@lru_cache(maxsize=16384)
def _find(text: str) -> tuple[Quantity, ...]:
    norm = normalise(text)
    c = cues()
    furniture = [(s, e) for s, e, *_ in explained_spans(text)]
    found: list[Quantity] = []
    for m in quantity_pattern().finditer(norm):
        n0, n1 = m.span("num")
        before = norm[n0 - 1] if n0 > 0 else " "
        unit = m.group("unit")
        if before.isdigit() or before.isascii() and before.isalpha() or before in ".×xX*" \
                and not (before in "×*" and all_units()[unit].kind in PRICE_KINDS):
            continue   # the tail of a longer number, a name (IE9, 5G) or a product (7×24; not ×12.4万元/席/年)
        if any(s <= n0 and n1 <= e for s, e in furniture):
            continue
        after = norm[m.end("unit"):m.end("unit") + 1]
        if after and after in all_units()[unit].not_before:
            continue
        if any(norm[max(0, n0 - len(w) - 1):n0].rstrip().endswith(w) for w in c.threshold_before):
            continue   # 单价 100 万元以上: a threshold that is part of a label
        pre = m.group("pre") or ""
        word = pre if pre in c.operator_before or pre in c.change else pre[:-1]
        if word == "增" and norm[m.start("pre") - 1:m.start("pre")] == "新":
            pre = word = ""   # 新增3个: newly added, not a change
        op = OPERATOR_SYMBOLS.get(m.group("op") or "", "")
        if not op and word in c.operator_before:
            op = c.operator_before[word]
        if not op and m.group("between"):
            op = c.operator_between[m.group("between")]
        if m.group("post"):
            op = c.operator_after[m.group("post")]
            if word in c.operator_before:
                word = ""   # 达到52%以上: the 以上 is the operator, 达到 only says "reached"
        if not op or op == "=":
            clause = CLAUSE_BREAK.split(norm[max(0, n0 - 16):n0])[-1]
            op = next((o for w, o in c.operator_clause.items() if w in clause), op)
        direction = c.change.get(word, 0)
        value = to_float(m.group("num"))
        start = m.start("pre") if pre else (m.start("op") if m.group("op") else n0)
        found.append(Quantity(start, m.end(), n0, op or "=", -value if direction < 0 and value > 0 else value,
                              unit, direction, word))
    return tuple(_distribute(norm, found))


def _distribute(norm: str, found: list[Quantity]) -> list[Quantity]:
    """``分别下降6.4%、9.1%``: numbers listed after a distributed change take its direction."""
    c = cues()
    out = list(found)
    for i in range(1, len(out)):
        prev, q = out[i - 1], out[i]
        if q.direction or not prev.direction or norm[prev.end:q.start].strip() not in ("、", "和", "，", ","):
            continue
        if any(w in norm[max(0, prev.start - 6):prev.start] for w in c.distributed):
            out[i] = Quantity(q.start, q.end, q.num_start, q.operator,
                              -q.value if prev.direction < 0 and q.value > 0 else q.value, q.unit,
                              prev.direction, prev.qualifier)
    return out
