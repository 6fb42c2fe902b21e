"""The genre reader's knowledge: qualifier, direction, share, basis and section words (``data/genre_cues.csv``)
and each kind's default basis (``data/genre_kinds.csv``)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from hotlinecompare.extract.numbers import all_units


@dataclass(frozen=True)
class KindDefaults:
    default_basis: str
    money_basis: str
    qualifier_basis: str
    stock_basis: str = ""   # the basis of a stock (people, vehicles, devices) no cue names; "" = default


@dataclass(frozen=True)
class Cues:
    operator_before: dict[str, str]
    operator_after: dict[str, str]
    operator_between: dict[str, str]
    change: dict[str, int]          # direction word → +1 or −1
    distributed: tuple[str, ...]
    share: tuple[str, ...]
    rate: tuple[str, ...]
    basis: tuple[tuple[str, str], ...]   # (word, basis), longest word first
    previous_year: tuple[str, ...]
    target_section: tuple[str, ...]
    skip_column: tuple[str, ...]
    score_column: tuple[str, ...]
    threshold_before: tuple[str, ...]
    not_basis: tuple[str, ...]
    basis_header: tuple[str, ...]
    text_column: tuple[str, ...]
    implied_unit: dict[str, str]    # a column or row name → the unit of its bare numbers
    implied_unit_not: tuple[str, ...]
    comparison: tuple[str, ...]     # 较, 比: the words that open a change's base
    basis_after: tuple[tuple[str, str], ...]   # (word, basis) right after a number: 97%目标
    part_of: tuple[str, ...]        # 其中: what follows is part of the number before
    bracket_basis: tuple[tuple[str, str], ...]   # (unit, basis) of a number in brackets after a name
    not_previous_year: tuple[str, ...]   # 上年结转: this year's money, though it names 上年
    label_tail: tuple[str, ...]     # a line starting with these continues the name on the line before
    label_end: tuple[str, ...]      # …unless that line already ends a name with one of these
    value_column: tuple[str, ...]   # a header naming values though no basis, unit or rate says so (增减)
    ratio_unit: dict[str, str]      # a name of a ratio → its unit (每十万人座席 → 个/十万人)
    description_column: tuple[str, ...]   # a column describing the row (绩效标准): not its name
    description_cell: tuple[str, ...]     # a cell starting so describes its row (反映…)
    rate_of: tuple[tuple[str, str], ...]  # (word, basis): 完成…的 118.3% is a rate of completion
    level_from: tuple[str, ...]     # 由, 从: the level a change starts from
    level_to: tuple[str, ...]       # 至, 到: a change word ending so names the level reached
    operator_clause: dict[str, str]   # 约占…的58%: a qualifier earlier in the clause
    bare_value_after: tuple[str, ...]   # 均为 0: a bare number in the unit of the quantity before
    stock_unit: tuple[str, ...]         # 人, 名, 辆, 台: counts of a stock held (genre_kinds.csv stock_basis)
    money_column: tuple[str, ...]       # 年初预算, 全年执行: a column of money (its unit the prose's, if none)


def _read(name: str) -> list[dict]:
    with resources.files("hotlinecompare").joinpath(f"data/{name}").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def cues() -> Cues:
    rows = _read("genre_cues.csv")

    def words(role: str) -> tuple[str, ...]:
        return tuple(sorted((r["cue"] for r in rows if r["role"] == role), key=len, reverse=True))

    def mapping(role: str) -> dict[str, str]:
        return {r["cue"]: r["value"] for r in sorted((r for r in rows if r["role"] == role),
                                                     key=lambda r: -len(r["cue"]))}
    change = {w: 1 for w in words("change_up")} | {w: -1 for w in words("change_down")}
    return Cues(mapping("operator_before"), mapping("operator_after"), mapping("operator_between"),
                dict(sorted(change.items(), key=lambda kv: -len(kv[0]))), words("change_distributed"),
                words("share"), words("rate"), tuple(mapping("basis").items()), words("previous_year"),
                words("target_section"), words("skip_column"), words("score_column"),
                words("threshold_before"), words("not_basis"), words("basis_header"), words("text_column"),
                mapping("implied_unit"), words("implied_unit_not"), words("comparison"),
                tuple(mapping("basis_after").items()), words("part_of"),
                tuple(mapping("bracket_basis").items()), words("not_previous_year"),
                words("label_tail"), words("label_end"), words("value_column"), mapping("ratio_unit"),
                words("description_column"), words("description_cell"), tuple(mapping("rate_of").items()),
                words("level_from"), words("level_to"), mapping("operator_clause"), words("bare_value_after"),
                words("stock_unit"), words("money_column"))


@cache
def kind_defaults(kind: str) -> KindDefaults:
    rows = {r["kind"]: r for r in _read("genre_kinds.csv")}
    r = rows.get(kind, rows["general"])
    return KindDefaults(r["default_basis"], r["money_basis"], r["qualifier_basis"], r.get("stock_basis") or "")


# A number: thousands by commas, thousands by spaces (PDF text, only with decimals: 1 096.52), or plain;
# a PDF may put a space after the decimal point (326. 18).
NUMBER = r"-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+\.\d+|\d+(?:\.[ ]?\d+)?)"
SYMBOL = r">=|<=|≥|≤|=|>|<"


def _alternatives(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def quantity_pattern() -> re.Pattern[str]:
    """``[qualifier|direction] [symbol] number [余|多] unit [以上|以内|左右]`` over normalised text."""
    c = cues()
    before = _alternatives(list(c.operator_before) + list(c.change))
    return re.compile(
        rf"(?P<pre>(?:{before})(?:了|为|到|至|占)?)?\s?(?P<op>{SYMBOL})?\s?(?P<num>{NUMBER})\s?"
        rf"(?P<between>{_alternatives(c.operator_between)})?\s?(?P<unit>{_alternatives(all_units())})"
        rf"(?P<post>{_alternatives(c.operator_after)})?")


@lru_cache(maxsize=1)
def cell_pattern() -> re.Pattern[str]:
    """A whole cell that is one number: ``[symbol] number [unit]`` (a bare table value)."""
    return re.compile(rf"^\s*(?P<op>{SYMBOL})?\s?(?P<num>{NUMBER})\s?(?P<unit>{_alternatives(all_units())})?\s*$")
