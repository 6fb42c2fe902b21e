"""Periods a text names (a month, a quarter, the year to date …) and comparison bases.

A period is written ``kind:span`` (``data/fact_fields.csv``): ``month:2024-06``, ``quarter:2023-Q3``,
``half_year:2024-H1``, ``year_to_date:2024-01..2024-09``, ``months:2024-04..2024-06``; ``annual`` is
the whole fiscal year. The words are data (``data/genre_periods.csv``); 本月 and 上季度 count from the
title's period. A comparison's base (比2023年, 较上月, 较第二季度) names the base's year or period,
so :func:`without_bases` blanks it before a fact's own words are read.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from hotlinecompare.extract.kinds.genre.cues import cues

NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
SENTENCE_BREAK = re.compile(r"[。；;！!？?]")
# The title block: the first lines before the body starts (a heading or a sentence).
TITLE_LINES = 10
BODY_START = re.compile(r"[，。；]|^\s*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")
ANNUAL = "annual"


@dataclass(frozen=True)
class Period:
    """``kind`` with its year and first and last month (1–12); ``year`` None when nothing says it."""

    kind: str
    year: int | None
    first: int = 1
    last: int = 12

    def label(self) -> str:
        if self.kind == ANNUAL or self.year is None:
            return self.kind
        y = self.year
        if self.kind == "month":
            return f"month:{y}-{self.last:02d}"
        if self.kind == "quarter":
            return f"quarter:{y}-Q{self.last // 3}"
        if self.kind == "half_year":
            return f"half_year:{y}-H{self.last // 6}"
        return f"{self.kind}:{y}-{self.first:02d}..{y}-{self.last:02d}"

    def shifted(self, steps: int) -> Period:
        """The period ``steps`` of its own length later (−1: the month or quarter before)."""
        length = self.last - self.first + 1
        first = self.first + steps * length
        year = self.year
        while first < 1:
            first, year = first + 12, (year - 1 if year else year)
        return Period(self.kind, year, first, first + length - 1)


@dataclass(frozen=True)
class PeriodWord:
    pattern: re.Pattern[str]
    kind: str
    fixed: int | None      # half_year:1 → the first half
    relative: str          # "", "this" or "previous"


@lru_cache(maxsize=1)
def period_words() -> tuple[PeriodWord, ...]:
    path = resources.files("hotlinecompare").joinpath("data/genre_periods.csv")
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = []
    for r in rows:
        kind, _, fixed = r["period"].partition(":")
        year = "" if r["relative"] else r"(?:(?P<y>(?:19|20)\d\d)\s*年\s*)?"
        out.append(PeriodWord(re.compile(year + "(?:" + r["pattern"] + ")"), kind,
                              int(fixed) if fixed else None, r["relative"]))
    return tuple(out)


def _number(text: str | None) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + NUMERALS.get(text[1:], 0)
    return NUMERALS.get(text)


def _period(word: PeriodWord, m: re.Match[str], year: int | None, title: Period | None) -> Period | None:
    if word.relative:
        if title is None or title.kind != word.kind:
            return None
        return title if word.relative == "this" else title.shifted(-1)
    g = m.groupdict()
    year = int(g["y"]) if g.get("y") else year
    if word.kind == ANNUAL:
        return Period(ANNUAL, year)
    if word.kind == "half_year":
        return Period("half_year", year, 6 * word.fixed - 5, 6 * word.fixed)
    q = _number(g.get("q"))
    if word.kind == "quarter":
        return Period("quarter", year, 3 * q - 2, 3 * q) if q and q <= 4 else None
    last = _number(g.get("m2") or g.get("m")) or (3 * q if q else None)
    first = _number(g.get("m1")) or (last if word.kind == "month" else 1)
    if not last or not 1 <= first <= last <= 12:
        return None
    if word.kind == "month":
        return Period("month", year, last, last)
    if first == 1:
        return Period(ANNUAL, year) if last == 12 else Period("year_to_date", year, 1, last)
    return Period("months", year, first, last)


@lru_cache(maxsize=1)
def _anchors() -> tuple[str, ...]:
    """What every period word contains (``anchor`` in the data): most text holds none, and is passed by."""
    path = resources.files("hotlinecompare").joinpath("data/genre_periods.csv")
    with path.open(encoding="utf-8") as f:
        return tuple({a for r in csv.DictReader(f) for a in r["anchor"].split("|") if a})


def periods_in(text: str, year: int | None, title: Period | None = None) -> tuple[tuple[int, Period], ...]:
    """Every period named in ``text`` as (end offset, period), in reading order, overlaps resolved
    in favour of the word listed first in the data."""
    return _periods_in(text, year, title) if any(a in text for a in _anchors()) else ()


@lru_cache(maxsize=16384)
def _periods_in(text: str, year: int | None, title: Period | None) -> tuple[tuple[int, Period], ...]:
    taken: list[tuple[int, int]] = []
    found = []
    for word in period_words():
        for m in word.pattern.finditer(text):
            s, e = m.span()
            if s == e or any(s < b and a < e for a, b in taken):
                continue
            p = _period(word, m, year, title)
            if p is not None:
                taken.append((s, e))
                found.append((e, p))
    return tuple(sorted(found, key=lambda x: x[0]))


def title_period(lines: tuple[str, ...], year: int | None) -> Period | None:
    """The period the title names (2024年6月…通报, 2023年第三季度…), else None."""
    seen = 0
    for text in lines:
        if not text.strip():
            continue
        seen += 1
        if seen > TITLE_LINES or BODY_START.search(text):
            return None
        found = periods_in(text, year)
        if found:
            return found[0][1]
    return None


@lru_cache(maxsize=4)
def _base_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """A comparison's base: 较/比/与 and the year or period it names (比2023年, 较上月, 与上年同期相比)."""
    period = r"(?:(?:19|20)\d\d\s*年度?|上年度?|去年|上月|上个月|上季度?|上一季度|第?[一二三四1-4]季度|\d{1,2}月份?)"
    return re.compile("(?:" + "|".join(map(re.escape, words + ("与",))) + r")\s*" + period
                      + r"(?:\s*同期)?(?:\s*相比)?")


@lru_cache(maxsize=16384)
def without_bases(text: str) -> str:
    """``text`` with every comparison base blanked (its length kept)."""
    if not has_base_word(text):
        return text
    return _base_pattern(cues().comparison).sub(lambda m: "·" * len(m.group(0)), text)


def has_base_word(text: str) -> bool:
    return any(w in text for w in cues().comparison) or "与" in text


def is_base(before: str) -> bool:
    """Does the text before a number end in a comparison's base (较2023年的 309.46 万元)?"""
    if not has_base_word(before[-16:]):
        return False
    ends = [m.end() for m in _base_pattern(cues().comparison).finditer(before)]
    return bool(ends) and not before[ends[-1]:].strip(" 的")


@lru_cache(maxsize=16384)
def own_words(text: str, pos: int, lead: str = "") -> str:
    """The sentence before ``pos`` (with the line before when the sentence began there)."""
    head = text[max(0, pos - 200):pos]
    if lead and not SENTENCE_BREAK.search(head):
        head = lead + head
    return SENTENCE_BREAK.split(head[-200:])[-1]
