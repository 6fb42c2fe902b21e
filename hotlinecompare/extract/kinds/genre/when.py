"""When a fact holds: the year it refers to and its period (:mod:`~hotlinecompare.extract.kinds.genre.periods`).

A fact's own words win (its column, its row, its sentence before it), then the title's period, then
``annual``; a year or a period in a comparison's base (比2023年, 较上月) belongs to the number inside
the base only.
"""

from __future__ import annotations

import re

from hotlinecompare.extract.kinds.genre.cues import cues
from hotlinecompare.extract.kinds.genre.meaning import Context, clause_of, is_plan_kind, level_role
from hotlinecompare.extract.kinds.genre.periods import ANNUAL, YEAR, is_base, own_words, periods_in, without_bases
from hotlinecompare.extract.kinds.genre.quantities import Quantity

AS_OF = re.compile(r"[^。；;！!？?]*?[（(]\s*截[至止]\s*((?:19|20)\d\d)\s*年")


def year_of(q: Quantity, ctx: Context, measure: str) -> int | None:
    """The year a fact refers to: a year in its clause, column or sentence before it (a comparison's
    base aside: it is the year of the number inside it only), an "as of" year after it, the year
    before for 上年, a plan section's year, else the document's."""
    if ctx.year is not None and is_plan_kind(ctx.kind) and level_role(ctx.text, q) == "from":
        return ctx.year - 1   # a plan's 由40个增加至48个: 40 is where the year before ended
    sentence = own_words(ctx.text, q.start, ctx.lead)
    if q.direction == 0 and measure != "change" and is_base(sentence):
        years = YEAR.findall(sentence[-16:])
        if years:
            return int(years[-1])
        if ctx.year is not None and any(w in sentence[-16:] for w in cues().previous_year):
            return ctx.year - 1
    plain = without_bases(sentence)   # blanked in place, so the clause is found at the same offset
    words = clause_of(ctx.text, q.start)
    at = sentence.rfind(words)
    clause = plain[at:at + len(words)] if at >= 0 else without_bases(words)
    years = YEAR.findall(clause) or YEAR.findall(ctx.column) or YEAR.findall(plain)
    if years:
        return int(years[-1])
    after = AS_OF.match(ctx.text, q.end) if "截" in ctx.text else None
    if after:
        return int(after.group(1))
    c = cues()
    named = _mask(clause + ctx.column, c.not_previous_year)
    if measure != "change" and ctx.year is not None and any(w in named for w in c.previous_year):
        return ctx.year - 1
    if ctx.plan_section and ctx.section_year:
        return ctx.section_year
    return ctx.year


def _mask(text: str, words: tuple[str, ...]) -> str:
    for w in words:
        text = text.replace(w, "·")
    return text


def period_of(q: Quantity, ctx: Context, year: int | None) -> str:
    """The period of a fact (``kind:span``): its column's, its row's, its sentence's, else the title's."""
    for words in (ctx.column, ctx.label, own_words(ctx.text, q.start, ctx.lead)):
        found = periods_in(without_bases(words), year, ctx.title_period) if words else ()
        if found:
            return found[-1][1].label()
    return ctx.title_period.label() if ctx.title_period else ANNUAL
