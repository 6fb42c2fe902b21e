"""What a number means: its measure, basis and year, from its unit, its words and where it stands.

Basis, in order: the column header's cue (预算数, 决算数, 指标值 …); the first cue in the number's
own clause (cut after the number before it: a cue names the first number after it, and in a change
the base it is compared with, 较年初目标, is not its basis); a cue right after it (97%目标); its row
label's cue; the number it is part of (其中 …, a list joined by 、, a share of the amount before
it); the last cue of a lead-in earlier in its sentence (a clause without a number of its own, or
the end of the line before when a sentence wraps); a plan section (下步工作) makes targets; a floor
or ceiling (不低于, 以上, 控制在…以内) is a target in the kinds whose defaults say so; else the kind's
default (money may have its own). ``none`` is written as an empty basis. Before the clause's cue: a
rate of completing something is an outcome (完成年度目标…的118.3%), the level a change starts from
is an outcome (由40个增加至48个) and the level it reaches is a target in a plan, and a number in
brackets after a name is that name's (年度目标（8万件）). The year and period are in :mod:`.when`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from hotlinecompare.extract.kinds.genre.cues import cues, kind_defaults
from hotlinecompare.extract.kinds.genre.periods import Period
from hotlinecompare.extract.kinds.genre.quantities import Quantity
from hotlinecompare.extract.numbers import all_units, normalise

# \u3000 separates paragraphs in a Word export put on one line
CLAUSE_BREAK = re.compile(r"[，。；;：:,、（）()|\t\u3000]|其中|\s{2,}")
# A quantity's digits (not a year's, a month's or a day's): a clause holding one has its own number.
QUANTITY_DIGITS = re.compile(r"\d+(?:\.\d+)?(?!\d|\.\d|\s*[年月日号])")
LAST_DIGIT = re.compile(r".*\d", re.S)
SENTENCE_BREAK = re.compile(r"[。；;！!？?]")
BRACKETED = re.compile(r"[（(][^（）()]*[）)]")
# A price (万元/席/年) is money too: a target form requests it as budget.
MONEY_KINDS = ("money", "money_rate")
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
    lead: str = ""             # the line before, when this line continues its sentence
    prev_end: int = -1         # where the quantity before this one in ``text`` ends (-1: none)
    prev_basis: str = ""       # that quantity's basis
    title_period: Period | None = None   # the period the document's title names


@lru_cache(maxsize=65536)
def clause_of(text: str, pos: int) -> str:
    """The words before ``pos`` back to the previous clause break."""
    head = text[max(0, pos - 40):pos]
    parts = CLAUSE_BREAK.split(head)
    return parts[-1] if parts[-1].strip() or len(parts) == 1 else parts[-2]


@lru_cache(maxsize=65536)
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
        near = ctx.text[max(0, q.num_start - 4):q.num_start]
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


def _own_clause(ctx: Context, q: Quantity, measure: str) -> str:
    """The words that name this number: its clause, after the number before it (a year's digits aside)."""
    before = clause_of(ctx.text, q.start)
    start = q.start - len(before)
    if ctx.prev_end > start:
        before = ctx.text[ctx.prev_end:q.start]
    if ctx.lead and not CLAUSE_BREAK.search(ctx.text[:q.start]) and ctx.prev_end < 0:
        before = CLAUSE_BREAK.split(ctx.lead)[-1] + before
    if QUANTITY_DIGITS.search(before):
        before = before[LAST_DIGIT.match(before).end():]
    if measure == "change":
        before = _comparison_base().sub("", before)
    return before


def _comparison_base() -> re.Pattern[str]:
    return _compiled_base(cues().comparison)


@lru_cache(maxsize=4)
def _compiled_base(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(map(re.escape, words)) + ").*$") if words else re.compile(r"(?!)")


def _bracketed(ctx: Context, q: Quantity) -> str | None:
    """What a number in brackets after a name is: a weight (产出指标（50分）) or the value of the name
    (年度目标（8万件）: the name's last cue)."""
    if ctx.text[q.start - 1:q.start] in ("（", "(") and ctx.text[q.end:q.end + 1] in ("）", ")"):
        return dict(cues().bracket_basis).get(q.unit) or _last_cue(clause_of(ctx.text, q.start - 1))
    return None


def _after_cue(ctx: Context, q: Quantity) -> str | None:
    """A cue right after the number (97%目标)."""
    tail = ctx.text[q.end:q.end + 4]
    return next((basis for word, basis in cues().basis_after if tail.startswith(word)), None)


def _inherited(ctx: Context, q: Quantity, measure: str) -> str | None:
    """The basis of the number this one is a part of: 其中 …, a list joined by 、, a share of the amount before."""
    if ctx.prev_end < 0 or not ctx.prev_basis:
        return None
    between = ctx.text[ctx.prev_end:q.start]
    if measure == "share" or any(w in between for w in cues().part_of):
        return ctx.prev_basis
    list_only = CLAUSE_BREAK.sub(lambda m: "" if m.group(0) == "、" else "|", between)
    return ctx.prev_basis if "、" in between and "|" not in list_only else None


def _lead_in_cue(ctx: Context, q: Quantity, before: str) -> str | None:
    """The last cue of the clauses earlier in the sentence that hold no number of their own."""
    sentence = sentence_of(ctx.text, q.start)
    earlier = sentence[:len(sentence) - len(clause_of(ctx.text, q.start))]
    if ctx.lead and not SENTENCE_BREAK.search(ctx.text[:q.start]):
        earlier = SENTENCE_BREAK.split(ctx.lead)[-1] + earlier
    kept = [part for part in CLAUSE_BREAK.split(earlier) if not QUANTITY_DIGITS.search(part)]
    return _last_cue("|".join(kept)) if kept else None


def _rate_of_completion(ctx: Context, q: Quantity, measure: str) -> str | None:
    """完成年度目标（8万件）的118.3%: a rate of completing something is an outcome, whatever it completes."""
    if measure != "rate":
        return None
    head = BRACKETED.sub("", sentence_of(ctx.text, q.start))
    return next((basis for word, basis in cues().rate_of if re.search(re.escape(word) + r"[^，,；;]*的\s*$", head)),
                None)


def is_plan_kind(kind: str) -> bool:
    """A kind whose figures are plans (a budget, a target form): a level to be reached is a target."""
    d = kind_defaults(kind)
    return d.default_basis in ("budget", "target") and d.qualifier_basis == "target"


def level_role(text: str, q: Quantity) -> str:
    """``由40个增加至48个``: "from" for the level before (40), "to" for the level reached (48), else ""."""
    c = cues()
    if q.qualifier and any(q.qualifier.endswith(w) for w in c.level_to):
        return "to"
    head = text[max(0, q.start - 4):q.start].rstrip()
    if any(head.endswith(w) for w in c.level_from) and _change_to().match(text, q.end):
        return "from"
    return ""


@lru_cache(maxsize=1)
def _change_to() -> re.Pattern[str]:
    c = cues()
    return re.compile(r"\s*(?:" + "|".join(map(re.escape, c.change)) + ")(?:" + "|".join(map(re.escape, c.level_to)) + ")")


def basis_of(q: Quantity, ctx: Context, measure: str) -> str:
    d = kind_defaults(ctx.kind)
    before = _own_clause(ctx, q, measure)
    clause = before + ctx.text[q.start:q.num_start]
    level = level_role(ctx.text, q)
    basis = (_first_cue(ctx.column) if ctx.column else None) or _rate_of_completion(ctx, q, measure) \
        or ("actual" if level == "from" else None) or _bracketed(ctx, q) or _first_cue(clause) or _after_cue(ctx, q) \
        or (_first_cue(ctx.label) if ctx.label else None) or _inherited(ctx, q, measure) \
        or _lead_in_cue(ctx, q, before)
    if basis is None and level == "to" and (ctx.plan_section or is_plan_kind(ctx.kind)):
        basis = "target"
    if basis is None and ctx.plan_section:
        basis = "target"
    if basis is None and d.qualifier_basis and q.operator in (">=", "<=", "<") and measure != "change":
        basis = d.qualifier_basis
    if basis is None and d.stock_basis and normalise(q.unit) in cues().stock_unit and measure == "count":
        basis = d.stock_basis
    if basis is None:
        money = all_units().get(q.unit)
        basis = d.money_basis if money is not None and money.kind in MONEY_KINDS else d.default_basis
    if basis == "actual" and q.qualifier == "达到":
        return "actual"
    return "" if basis == "none" else basis


def operator_of(q: Quantity, basis: str) -> str:
    """达到 is a floor in a target and a plain value in a result."""
    return "=" if q.qualifier == "达到" and basis != "target" else q.operator
