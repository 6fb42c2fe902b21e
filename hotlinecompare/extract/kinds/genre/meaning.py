"""What a number means: its measure, basis and year, from its unit, its words and where it stands.

Basis, in order: the column header's cue (预算数, 决算数, 指标值 …); the first cue in the number's
clause; the last cue earlier in its sentence; a plan section (下步工作) makes targets; a floor or
ceiling (不低于, 以上, 控制在…以内) is a target in the kinds whose defaults say so; else the kind's
default (money may have its own). ``none`` is written as an empty basis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hotlinecompare.extract.kinds.genre.cues import cues, kind_defaults
from hotlinecompare.extract.kinds.genre.quantities import Quantity
from hotlinecompare.extract.numbers import all_units

CLAUSE_BREAK = re.compile(r"[，。；;：:,、（）()|\t]|其中|\s{2,}")
SENTENCE_BREAK = re.compile(r"[。；;！!？?]")
YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
UNIT_KIND_MEASURE = {"money": "amount", "money_rate": "amount", "duration": "amount", "count": "count",
                     "score": "score"}


@dataclass(frozen=True)
class Context:
    kind: str
    year: int | None
    text: str            # the line (or cell) the number stands in
    column: str = ""     # its column header, for a table value
    label: str = ""      # its row label, for a table value
    plan_section: bool = False
    section_year: int | None = None


def clause_of(text: str, pos: int) -> str:
    """The words before ``pos`` back to the previous clause break."""
    head = text[max(0, pos - 40):pos]
    parts = CLAUSE_BREAK.split(head)
    return parts[-1] if parts[-1].strip() or len(parts) == 1 else parts[-2]


def sentence_of(text: str, pos: int) -> str:
    return SENTENCE_BREAK.split(text[max(0, pos - 160):pos])[-1]


def measure_of(q: Quantity, ctx: Context) -> str:
    c = cues()
    info = all_units().get(q.unit)
    if q.unit == "倍":
        return "multiple"
    if q.unit == "个百分点" or q.direction:
        return "change"
    if info is not None and info.kind == "score":
        return "score"
    if q.unit in ("%", "％"):
        near = ctx.text[max(0, q.start - 4):q.start]
        words = ctx.column + clause_of(ctx.text, q.start)
        if any(w in near or w in ctx.column for w in c.share):
            return "share"
        if any(w in ctx.column for w in ("同比", "环比", "增减", "增幅", "增长")):
            return "change"
        if any(w in words for w in c.share) and not any(w in words for w in c.rate):
            return "share"
        return "rate"
    return UNIT_KIND_MEASURE.get(info.kind if info else "", "count")


def _plain(text: str) -> str:
    """``text`` without the names that contain a cue word but are no basis (一般公共预算 is a fund)."""
    for word in cues().not_basis:
        if word in text:
            text = text.replace(word, "·" * len(word))
    return text


def _first_cue(text: str) -> str | None:
    text = _plain(text)
    best = None
    for word, basis in cues().basis:
        i = text.find(word)
        if i >= 0 and (best is None or i < best[0]):
            best = (i, basis)
    return best[1] if best else None


def _last_cue(text: str) -> str | None:
    text = _plain(text)
    best = None
    for word, basis in cues().basis:
        i = text.rfind(word)
        if i >= 0 and (best is None or i + len(word) > best[0]):
            best = (i + len(word), basis)
    return best[1] if best else None


def basis_of(q: Quantity, ctx: Context, measure: str) -> str:
    d = kind_defaults(ctx.kind)
    before = clause_of(ctx.text, q.start)
    clause = before + ctx.text[q.start:q.num_start]
    basis = (_first_cue(ctx.column) if ctx.column else None) or _first_cue(clause) \
        or (_first_cue(ctx.label) if ctx.label else None) \
        or _last_cue(sentence_of(ctx.text, q.start)[:-len(before) or None])
    if basis is None and ctx.plan_section:
        basis = "target"
    if basis is None and d.qualifier_basis and q.operator in (">=", "<=", "<") and measure != "change":
        basis = d.qualifier_basis
    if basis is None:
        money = all_units().get(q.unit)
        basis = d.money_basis if money is not None and money.kind == "money" else d.default_basis
    if basis == "actual" and q.qualifier == "达到":
        return "actual"
    return "" if basis == "none" else basis


def operator_of(q: Quantity, basis: str) -> str:
    """达到 is a floor in a target and a plain value in a result."""
    return "=" if q.qualifier == "达到" and basis != "target" else q.operator


def year_of(q: Quantity, ctx: Context, measure: str) -> int | None:
    clause = clause_of(ctx.text, q.start)
    sentence = sentence_of(ctx.text, q.start)
    years = YEAR.findall(clause) or YEAR.findall(ctx.column) or YEAR.findall(sentence)
    if years:
        return int(years[-1])
    if measure != "change" and ctx.year is not None and any(w in clause + ctx.column for w in cues().previous_year):
        return ctx.year - 1
    if ctx.plan_section and ctx.section_year:
        return ctx.section_year
    return ctx.year
