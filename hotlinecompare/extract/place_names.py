"""How a Chinese place name reads: its suffix and admin level, its short form, and the gazetteer.

Knowledge is package data: ``place_levels.csv`` (suffix and tier → admin level),
``place_evidence.toml`` (ethnic-group names stripped from autonomous names) and
``divisions.csv``, the gazetteer of China's provinces, prefectures and counties
(GB/T 2260 codes as published by the Ministry of Civil Affairs, from the MIT-licensed
``cpca`` package's table, plus the national-level new areas that have no code) that
gives a name's parent and tier when the document does not state them.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources

TIERS = ("province", "prefecture", "county")
# A short name keeps its suffix when the stem would be one character (城区, 和县, 矿区): one character
# alone is no name a reader recognises.
MIN_STEM_CHARS = 2


@dataclass(frozen=True)
class Level:
    suffix: str
    tier: str
    admin_level: str


@dataclass(frozen=True)
class Division:
    """One row of the gazetteer: 綦江区 (500110), tier county, under 重庆市 (500000)."""

    code: str
    full_name_zh: str
    tier: str
    parent_code: str


def _data(name: str):
    return resources.files("hotlinecompare").joinpath(f"data/{name}")


@cache
def evidence() -> dict:
    """``place_evidence.toml``: which lines may name the place, and the words of place names."""
    with _data("place_evidence.toml").open("rb") as f:
        return tomllib.load(f)


@cache
def levels() -> tuple[Level, ...]:
    """``place_levels.csv`` rows, longest suffix first (file order among rows of one suffix)."""
    with _data("place_levels.csv").open(encoding="utf-8", newline="") as f:
        rows = [Level(r["suffix"], r["tier"], r["admin_level"]) for r in csv.DictReader(f)]
    return tuple(sorted(rows, key=lambda lv: -len(lv.suffix)))


@cache
def suffixes() -> tuple[str, ...]:
    return tuple(dict.fromkeys(lv.suffix for lv in levels()))


def split_suffix(name: str) -> tuple[str, str]:
    """(stem, suffix): 綦江区 → (綦江, 区); 清新区 → (清新, 区), not (清, 新区): a stem has two characters."""
    for suffix in suffixes():
        if name.endswith(suffix) and len(name) - len(suffix) >= MIN_STEM_CHARS:
            return name[: -len(suffix)], suffix
    for suffix in suffixes():
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def tier_of(name: str) -> str:
    """The tier a name's suffix implies when nothing else is known (市 reads as a prefecture city)."""
    _, suffix = split_suffix(name)
    return next((lv.tier for lv in levels() if lv.suffix == suffix), "")


def admin_level(name: str, tier: str = "") -> str:
    """The admin level of a full name at a tier: 醴陵市 at county tier → county_city; 准格尔旗 → banner."""
    _, suffix = split_suffix(name)
    rows = [lv for lv in levels() if lv.suffix == suffix]
    chosen = next((lv for lv in rows if lv.tier == tier), rows[0] if rows else None)
    return chosen.admin_level if chosen else ""


def short_name(full_name: str) -> str:
    """The name without its suffix and ethnic groups: 綦江区 → 綦江, 鄂温克族自治旗 → 鄂温克, 城区 stays 城区."""
    stem, suffix = split_suffix(full_name)
    if not suffix:
        return full_name
    if suffix.startswith("自治"):
        stem = _strip_ethnic_groups(stem)
    return stem if len(stem) >= MIN_STEM_CHARS else full_name


def _strip_ethnic_groups(stem: str) -> str:
    groups = sorted(evidence()["ethnic_groups"], key=len, reverse=True)
    while True:
        for group in groups:
            for written in (group + "族", group if len(group) >= 2 else None):
                if written and stem.endswith(written):
                    rest = stem[: -len(written)]
                    if len(rest) < MIN_STEM_CHARS:   # the place is named after the group: 鄂温克族 → 鄂温克
                        return group if len(group) >= MIN_STEM_CHARS else stem
                    stem = rest
                    break
            else:
                continue
            break
        else:
            return stem


def aliases(full_name: str) -> tuple[str, ...]:
    """How a document may write a division: 黔东南苗族侗族自治州 → 黔东南州; 鄂温克族自治旗 → 鄂温克旗."""
    short = short_name(full_name)
    _, suffix = split_suffix(full_name)
    forms = {full_name}
    if short != full_name and suffix.startswith("自治") and len(suffix) > 2:
        forms.add(short + suffix[-1])
    return tuple(sorted(forms))


# -- the gazetteer -------------------------------------------------------------
@cache
def divisions() -> dict[str, Division]:
    """The gazetteer by code (a new area without a code is keyed by its name)."""
    with _data("divisions.csv").open(encoding="utf-8", newline="") as f:
        rows = [Division(r["code"], r["full_name_zh"], r["tier"], r["parent_code"]) for r in csv.DictReader(f)]
    return {d.code or d.full_name_zh: d for d in rows}


@cache
def divisions_by_name() -> dict[str, tuple[Division, ...]]:
    """Every way of writing a division (full name and aliases) → the divisions it may be."""
    index: dict[str, list[Division]] = defaultdict(list)
    for d in divisions().values():
        for form in aliases(d.full_name_zh):
            index[form].append(d)
    return {name: tuple(ds) for name, ds in index.items()}


def parent_division(d: Division) -> Division | None:
    return divisions().get(d.parent_code) if d.parent_code else None


def ancestors(d: Division) -> list[Division]:
    out, p = [], parent_division(d)
    while p is not None:
        out.append(p)
        p = parent_division(p)
    return out


# -- reading a chain of names ----------------------------------------------------
def fallback_name(text: str, at: int) -> str:
    """A name the gazetteer lacks, read from its suffix at ``text[at:]``: 贵安新区 in 贵安新区政务服务中心.

    It counts only when an institution word or a digit follows, and its stem has no function word.
    """
    words = evidence()["institution_words"]
    for end in range(at + MIN_STEM_CHARS + 1, min(len(text), at + 9) + 1):
        candidate = text[at:end]
        if not re.fullmatch(r"[\u4e00-\u9fff]+", candidate):
            return ""
        stem, suffix = split_suffix(candidate)
        if not suffix or len(stem) < MIN_STEM_CHARS or any(ch in stem for ch in evidence()["not_in_names"]):
            continue
        rest = text[end:]
        if rest and (rest[0].isdigit() or rest.startswith(tuple(words))):
            return candidate
    return ""
