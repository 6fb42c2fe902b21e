"""The indicator table (一级/二级/三级指标 with half-year and full-year values) of a project target form.

Label cells are often shifted between columns or separated from their rows by a
page break, so a cell's level is read from the vocabulary ``data/indicator_levels.csv``
(level, name, parent), not from its column: a 二级 name implies its 一级 parent, and
a standard 三级 name of the 决策/过程 stages implies its 二级.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from hotlinecompare.extract.document import Cell
from hotlinecompare.extract.extraction import Extraction

ONE_VALUE_NOTE = ("one value where the half-year and full-year columns are expected; "
                  "its column is not stated")


@dataclass(frozen=True)
class Level:
    level: int
    name: str
    parent: str


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Level]:
    """Indicator names by name: level (1–3) and parent name."""
    path = resources.files("hotlinecompare").joinpath("data/indicator_levels.csv")
    with path.open(encoding="utf-8") as f:
        return {r["name"]: Level(int(r["level"]), r["name"], r["parent"]) for r in csv.DictReader(f)}


@dataclass
class Levels:
    """The 一级 and 二级 labels in force, carried down the table."""

    level1: str = ""
    level2: str = ""


def read_indicator_row(ex: Extraction, cells: list[Cell], levels: Levels, section: str) -> None:
    """One row: update the carried levels, then record its values (targets) against its 三级 label."""
    vocab = vocabulary()
    named: dict[int, Cell] = {}
    rest: list[Cell] = []
    for cell in cells:
        known = vocab.get(cell.text)
        if not rest and known and known.level in (1, 2) and known.level not in named:
            named[known.level] = cell
        else:
            rest.append(cell)
    label, values = (rest[0], rest[1:]) if rest else (None, [])
    notes = _place(levels, named, label)
    if not values:
        return   # a levels-only row (经济效益 with no indicator) or a label with no value: nothing stated
    if label is None:
        for cell in values:
            ex.skip(cell.line, "orphan_value", f"indicator value {cell.text!r} with no 三级 label", cell=cell)
        return
    periods = ("half_year", "full_year") if len(values) >= 2 else ("unspecified",)
    if len(values) == 1:   # 苏州 l.189 市民开放日…活动场次 ≥1次: one value, column unknown
        notes.append(ONE_VALUE_NOTE)
    for cell, period in zip(values, periods):
        ex.cell_value(cell, basis="target", table="indicators", section=section, item=label.text,
                      measure="indicator_value", period=period, level1=levels.level1,
                      level2=levels.level2, level3=label.text, note="; ".join(notes))
    for cell in values[2:]:
        ex.skip(cell.line, "extra_cell", f"a third value cell {cell.text!r} on an indicator row "
                                         "with two value columns", cell=cell)


def _place(levels: Levels, named: dict[int, Cell], label: Cell | None) -> list[str]:
    """Update the carried 一级/二级 from the row's label cells; notes say where the vocabulary decided."""
    vocab, notes = vocabulary(), []
    if 1 in named:
        levels.level1 = named[1].text
        if levels.level2 and vocab[levels.level2].parent != levels.level1:
            levels.level2 = ""
    if 2 in named:
        levels.level2 = named[2].text
        parent = vocab[levels.level2].parent
        if 1 in named and named[1].text != parent:
            # 苏州 l.489 writes 成果 where the vocabulary has 决策 for 绩效目标: kept as written.
            notes.append(f"一级 {named[1].text} as written; the vocabulary places {levels.level2} under {parent}")
        elif 1 not in named and levels.level1 != parent:
            if levels.level1:   # the row's 一级 label sits on another line (page break, shifted cell)
                notes.append(f"一级 {parent} from the vocabulary ({levels.level2} belongs to it)")
            levels.level1 = parent
    known = vocab.get(label.text) if label is not None else None
    if known and known.level == 3 and not named and levels.level2 != known.parent:
        # 苏州 l.307/l.396: a standard 三级 row printed above its 二级 label after a page break.
        levels.level2, levels.level1 = known.parent, vocab[known.parent].parent
        notes.append(f"二级 {levels.level2} from the vocabulary ({label.text} belongs to it)")
    return notes
