"""Read numbers, comparison operators and units from document cells and prose.

A cell such as ``≥60 件/坐席/天``, ``16. 35``, ``=100%``, ``<=1000000 册`` or
``5,000,000`` becomes a :class:`Reading`: operator, value, unit as written and
the character span it came from, so that every fact can quote its source.
Units are standardised from ``data/units.csv``, never from code.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources

# Full-width ASCII (U+FF01–FF5E) and the ideographic space map one-to-one to
# ASCII, so offsets into the normalised text stay valid in the original.
_FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Further one-character look-alikes seen in Chinese government PDFs.
_LOOKALIKES = {ord("−"): ord("-"), ord("–"): ord("-"), ord("≧"): ord("≥"), ord("≦"): ord("≤")}
_TRANSLATE = _FULL_WIDTH | _LOOKALIKES

OPERATORS = {">=": ">=", "≥": ">=", "<=": "<=", "≤": "<=", "=": "=", ">": ">", "<": "<"}

# A number: thousands-separated, or digits with an optional decimal part; the
# PDF export sometimes puts a space after the decimal point (``16. 35``).
_NUMBER = r"-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.[ ]?\d+)?)"
_OPERATOR = r">=|<=|≥|≤|=|>|<"
_NUMBER_RE = re.compile(_NUMBER)
_CELL = re.compile(rf"^\s*(?P<op>{_OPERATOR})?\s*(?P<num>{_NUMBER})\s*(?P<unit>[^\d\s]\S*?)?\s*$")
# A number as written; scientific notation (1e308, 2.5E-3) is one token, read as such or left unrecognised.
_TOKEN = re.compile(r"\d+(?:,\d{3})*(?:\.[ ]?\d+)?(?:[eE][+-]?\d+)?")
# A unit written after a number in a cell: short, no digits, CJK or a few symbols.
_UNIT_SHAPE = re.compile(r"^(?:%|[\u4e00-\u9fff]{1,4}(?:/[\u4e00-\u9fff]{1,3}){0,2})$")


@dataclass(frozen=True)
class Reading:
    """One number read from text: ``operator value unit`` at ``text[start:end]``."""

    operator: str
    value: float
    unit: str
    start: int
    end: int


@dataclass(frozen=True)
class UnitInfo:
    unit: str
    unit_std: str
    factor: float
    kind: str
    not_before: str  # characters that, right after the unit, show it is part of a word (人 in 人工)


@lru_cache(maxsize=16384)
def normalise(text: str) -> str:
    """Map full-width digits and signs to ASCII, keeping every offset unchanged."""
    return text.translate(_TRANSLATE)


def _to_float(number: str) -> float:
    return float(number.replace(",", "").replace(" ", ""))


@lru_cache(maxsize=65536)
def read_cell(text: str) -> Reading | None:
    """Read a whole cell as ``[operator] number [unit]``; None if it is anything else.

    >>> read_cell("≥60 件/坐席/天")
    Reading(operator='>=', value=60.0, unit='件/坐席/天', start=0, end=10)
    """
    norm = normalise(text)
    m = _CELL.match(norm)
    if not m:
        return None
    unit = m.group("unit") or ""
    if unit and not (_UNIT_SHAPE.match(unit) or unit in units()):
        return None
    op = OPERATORS.get(m.group("op") or "", "")
    start = m.start("op") if m.group("op") else m.start("num")
    end = m.end("unit") if unit else m.end("num")
    return Reading(op, _to_float(m.group("num")), unit, start, end)


@lru_cache(maxsize=1)
def _prose_pattern() -> re.Pattern[str]:
    # Longest unit first so that 万件 wins over 万 and 件/坐席/天 over 件.
    known = sorted((u for u in units() if u not in {"万"}), key=len, reverse=True)
    alternatives = "|".join(re.escape(u) for u in known)
    return re.compile(rf"(?P<op>{_OPERATOR})?\s?(?P<num>{_NUMBER})\s?(?P<unit>{alternatives})")


def find_quantities(text: str) -> list[Reading]:
    """Every ``[operator] number unit`` in prose whose unit is a known unit."""
    return list(_find_quantities(text))


@lru_cache(maxsize=16384)
def _find_quantities(text: str) -> tuple[Reading, ...]:
    norm = normalise(text)
    found = []
    for m in _prose_pattern().finditer(norm):
        # A digit right before the match means we matched the tail of a longer number.
        if m.start() > 0 and norm[m.start() - 1].isdigit():
            continue
        following = norm[m.end():m.end() + 1]
        if following and following in units()[m.group("unit")].not_before:
            continue
        op = OPERATORS.get(m.group("op") or "", "")
        start = m.start("op") if m.group("op") else m.start("num")
        found.append(Reading(op, _to_float(m.group("num")), m.group("unit"), start, m.end("unit")))
    return tuple(found)


def find_numbers(text: str) -> list[Reading]:
    """Every bare number in text (no unit), e.g. two values merged into one cell (``1.25 0.5``)."""
    norm = normalise(text)
    return [
        Reading("", _to_float(m.group()), "", m.start(), m.end())
        for m in _NUMBER_RE.finditer(norm)
        if not (m.start() > 0 and norm[m.start() - 1].isdigit())
    ]


def numeric_tokens(text: str) -> list[tuple[int, int]]:
    """Spans of every run of digits (with decimals and separators): what must be accounted for."""
    return list(_numeric_tokens(text))


@lru_cache(maxsize=16384)
def _numeric_tokens(text: str) -> tuple[tuple[int, int], ...]:
    return tuple((m.start(), m.end()) for m in _TOKEN.finditer(normalise(text)))


@lru_cache(maxsize=1)
def units() -> dict[str, UnitInfo]:
    """The units every reader reads (``data/units.csv`` rows without a scope): as written → standard unit.

    Rows with scope ``genre`` are read only by the genre reader (the seed templates' parsers never
    saw 分, 秒 or 倍 as units and must keep reading their documents as before); :func:`standardise`
    knows them all.
    """
    return {u: info for u, info in all_units().items() if u not in _genre_scoped()}


@lru_cache(maxsize=1)
def _unit_rows() -> tuple[dict, ...]:
    with resources.files("hotlinecompare").joinpath("data/units.csv").open(encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


@lru_cache(maxsize=1)
def _genre_scoped() -> frozenset[str]:
    return frozenset(r["unit"] for r in _unit_rows() if r.get("scope") == "genre")


@lru_cache(maxsize=1)
def all_units() -> dict[str, UnitInfo]:
    """Every unit of ``data/units.csv``, whatever its scope."""
    return {r["unit"]: UnitInfo(r["unit"], r["unit_std"], float(r["factor"]), r["kind"], r["not_before"])
            for r in _unit_rows()}


def standardise(value: float, unit: str) -> tuple[float, str]:
    """Value and unit in standard form (万元 → yuan, % → fraction); unknown units pass through.

    A unit missing from ``data/units.csv`` keeps its value with ``unit_std`` of
    ``"?"+unit`` so it is visible, not silently mislabelled.
    """
    if not unit:
        return value, "number"
    info = all_units().get(normalise(unit))
    if info is None:
        return value, "?" + unit
    # Decimal arithmetic on the written digits: 66.07 万元 is 660700 yuan, not 660699.9999999999.
    return _scaled(repr(value), info.factor), info.unit_std


@lru_cache(maxsize=65536)
def _scaled(value_repr: str, factor: float) -> float:
    """``value × factor`` in Decimal arithmetic, cached (keyed by the value's repr, so -0.0 ≠ 0.0)."""
    return float(Decimal(value_repr) * Decimal(repr(factor)))
