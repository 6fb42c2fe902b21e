"""Numbers in the prose of a budget disclosure: totals, parts (其中), changes, staff counts.

A sentence such as ``2024年部门收入预算总额比 2023年预算减少 x万元,下降 y%,
主要原因是:…`` yields a ``change`` and a ``change_rate`` fact whose note keeps the
reason; ``…x万元,其中:本年收入 y万元`` yields parts whose ``level1``
names the whole they belong to; a change's ``level1`` names the amount it changes.
Keywords and patterns come from ``data/budget_disclosure_labels.toml``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources

from hotlinecompare.extract.basis_cues import basis_for_clause
from hotlinecompare.extract.extraction import Extraction
from hotlinecompare.extract.numbers import find_quantities, normalise
from hotlinecompare.extract.patterns import compiled

_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_OPEN_END = re.compile(r"[。:：;；]\s*$")


@lru_cache(maxsize=1)
def labels() -> dict:
    """The parser's knowledge file ``data/budget_disclosure_labels.toml``."""
    path = resources.files("hotlinecompare").joinpath("data/budget_disclosure_labels.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


@dataclass
class ProseState:
    """What a sentence carries over to the next number, and across a broken line."""

    parts_of: dict | None = None        # the fact a 其中 list belongs to, until the sentence ends
    last_fact: dict | None = None       # the last prose fact recorded
    as_of: tuple[int, str] | None = None  # (year, text) of a 截至…日 in the current sentence
    change: dict | None = None          # the last change in the current sentence (its rate follows)
    tail: str = ""                      # unfinished clause at the end of the previous prose line
    tail_line: int = 0
    facts: list[dict] = field(default_factory=list)


def _clause(text: str, pos: int, start: int) -> tuple[str, bool]:
    """The clause naming the number at ``pos`` and whether it reaches back to ``start`` unbroken."""
    cfg = labels()["prose"]
    head_start = max(start, pos - cfg["clause_max_chars"])
    head = text[head_start:pos]
    parts = compiled(cfg["clause_breaks"]).split(head)
    clause = parts[-1].strip()
    if not clause and len(parts) > 1:
        clause = parts[-2].strip()
    return clause, len(parts) == 1 and head_start == start


def _sentence(text: str, pos: int, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence (ended by 。) around ``pos`` within ``text[start:end]``."""
    stop = labels()["prose"]["sentence_end"]
    left = text.rfind(stop, start, pos)
    right = text.find(stop, pos, end)
    return (start if left < 0 else left + 1), (end if right < 0 else right)


def _direction(clause: str) -> tuple[str, int, str]:
    """("change" | "change_rate" | "", sign, the word) from the word the clause ends with."""
    cfg = labels()["prose"]
    for measure, words in (("change", cfg["change_words"]), ("change_rate", cfg["change_rate_words"])):
        for word, sign in words.items():
            if clause.rstrip().endswith(word):
                return measure, sign, word
    return "", 0, ""


def _basis(clause: str, default_basis: str, year: int | None) -> tuple[str, int | None]:
    for rule in labels()["prose"]["basis_overrides"]:
        if rule["phrase"] in clause:
            m = _YEAR.search(normalise(clause))
            return rule["basis"], int(m.group(1)) if m else year
    return basis_for_clause(normalise(clause), default_basis, year)


def skip_not_quantities(ex: Extraction, line: int, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Skip table references and month ranges in prose; return the skipped spans."""
    text = normalise(ex.doc.text(line))
    stop = len(text) if end is None else end
    spans = []
    for rule in labels()["prose"]["not_quantities"]:
        for m in compiled(rule["regex"]).finditer(text[start:stop]):
            s, e = start + m.start(), start + m.end()
            ex.skip(line, rule["reason_code"], rule["reason"], start=s, end=e)
            spans.append((s, e))
    return spans


def _events(text: str, start: int, end: int) -> list[tuple[int, str, re.Match | None]]:
    """Sentence ends, 其中 markers and 截至 dates in reading order."""
    cfg = labels()["prose"]
    stop, events = cfg["sentence_end"], []
    i = text.find(stop, start, end)
    while i >= 0:
        events.append((i, "end", None))
        i = text.find(stop, i + len(stop), end)
    for marker in cfg["parts_markers"]:
        events += [(m.end(), "parts", m) for m in compiled(marker).finditer(text[start:end])
                   if not m.groups() or not m.group(1).endswith("其")]
    events += [(m.start(), "as_of", m) for m in compiled(cfg["as_of"]).finditer(text[start:end])]
    shifted = [(pos if kind == "end" else pos + start, kind, m) for pos, kind, m in events]
    return sorted(shifted, key=lambda e: (e[0], e[1] != "end"))


def read_prose(ex: Extraction, line: int, state: ProseState, *, section: str,
               table: str = "prose", start: int = 0, end: int | None = None,
               default_basis: str | None = None) -> ProseState:
    """Every ``number unit`` of ``line[start:end]`` as a fact, in reading order."""
    cfg = labels()["prose"]
    doc_year = ex.doc.fiscal_year
    default_basis = default_basis or cfg["default_basis"]
    raw = ex.doc.text(line)
    stop = len(raw) if end is None else end
    text = normalise(raw)
    skipped = skip_not_quantities(ex, line, start, stop)
    readings = [r for r in find_quantities(text[start:stop])
                if not any(s <= start + r.start < e for s, e in skipped)]
    events = _events(text, start, stop)
    for reading in readings:
        pos = start + reading.start
        while events and events[0][0] <= pos:
            _apply(events.pop(0), state)
        clause, unbroken = _clause(raw, pos, start)  # the item as written
        note = []
        if unbroken and state.tail and start == 0:
            # A label broken over lines by the export ("一般" / "公共预算拨款收入"): join the halves.
            clause = state.tail + clause
            note.append(f"label split across lines {state.tail_line} and {line}")
        measure, sign, word = _direction(clause)
        basis, year = _basis(clause, default_basis, doc_year)
        begin = pos
        if measure and sign < 0:
            # 减少 2179.29万元: a fall is a negative change, quoted with the word when it stands right before
            before = raw[:pos].rstrip()
            begin = len(before) - len(word) if before.endswith(word) else pos
            reading = replace(reading, value=-reading.value)
        if measure:
            s_start, s_end = _sentence(raw, pos, start, stop)
            level1, year, more = _change_context(clause, raw[s_start:s_end], state, doc_year)
        else:
            measure = "count" if reading.unit in cfg["count_units"] else "amount"
            level1, basis, year, more = _amount_context(clause, basis, year, default_basis, state)
        note += more
        fact = ex.number(line, begin, start + reading.end, reading, basis=basis, table=table,
                         section=section, item=clause, measure=measure, level1=level1,
                         fiscal_year=year, note="; ".join(note))
        state.last_fact = fact
        state.facts.append(fact)
        if fact["measure"] == "change":
            state.change = fact
    for event in events:
        _apply(event, state)
    tail, _ = _clause(raw, stop, start)
    ends_open = stop > start and not _OPEN_END.search(text[start:stop])
    state.tail, state.tail_line = (tail, line) if ends_open and start == 0 else ("", 0)
    return state


def _change_context(clause: str, sentence: str, state: ProseState, doc_year: int | None):
    """(level1, year, notes) of a change or rate: the amount it changes, the year, the stated reason."""
    cfg = labels()["prose"]
    subject = compiled(cfg["comparison_words"]).split(clause)[0].strip()
    m = _YEAR.search(normalise(subject))
    year = int(m.group(1)) if m else doc_year
    level1 = subject if subject and not _direction(subject)[0] else ""
    if _direction(clause)[0] == "change_rate" and state.change is not None:
        # "减少 x万元,下降 y%": the rate belongs to the change just before it.
        level1, year = state.change["level1"], state.change["fiscal_year"]
    cmp = compiled(cfg["comparison_words"]).search(clause)
    notes = [f"change as stated: {clause[cmp.start():] if cmp else clause}"]
    reason = compiled(cfg["reason"]).search(sentence)
    if reason:
        notes.append(f"reason: {reason.group(1).strip()}")
    return level1, year, notes


def _amount_context(clause: str, basis: str, year: int | None, default_basis: str, state: ProseState):
    """(level1, basis, year, notes) of an amount or count: its whole (其中), as-of date, part-year months."""
    cfg = labels()["prose"]
    level1, notes = "", []
    if state.parts_of is not None:
        level1 = state.parts_of["item"]
        if basis == default_basis and state.parts_of["basis"] != default_basis:
            # A part of an authorised or actual whole (其中专业技术人员5名) shares its basis.
            basis, year = state.parts_of["basis"], state.parts_of["fiscal_year"]
    if state.as_of is not None:
        year = state.as_of[0]
        basis = cfg["as_of_basis"] if basis == default_basis else basis
        notes.append(f"as of {state.as_of[1]}")
    months = compiled(cfg["month_range"]).search(normalise(clause))
    if months:
        notes.append(f"part-year figure: months {months.group(1)}-{months.group(2)} "
                     f"of {year} only ({months.group(0)})")
    return level1, basis, year, notes


def _apply(event: tuple[int, str, re.Match | None], state: ProseState) -> None:
    _, kind, m = event
    if kind == "end":
        state.parts_of, state.as_of, state.change = None, None, None
    elif kind == "parts":
        named = m.group(1) if m.groups() else None
        if named is None:
            state.parts_of = state.last_fact
        else:
            state.parts_of = next((f for f in reversed(state.facts) if f["item"] == named), None)
    elif kind == "as_of":
        year, month, day = (int(g) for g in m.groups())
        state.as_of = (year, f"{year}-{month:02d}-{day:02d} ({m.group(0)})")
