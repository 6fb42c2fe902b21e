"""Collect facts and unparsed content from one document, with provenance by construction.

Parsers never build fact rows by hand: they hand a line and a character span
(or a :class:`~hotlinecompare.extract.document.Cell`) to :class:`Extraction`, which
reads the number, takes the quote from the line itself and standardises the
unit. What a parser cannot read it reports with :meth:`Extraction.skip`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hotlinecompare.extract.document import Cell, Document
from hotlinecompare.extract.numbers import Reading, find_quantities, read_cell, standardise

BASES = ("budget", "actual", "estimate", "target", "authorized")
PERIODS = ("half_year", "full_year", "annual", "unspecified")


@dataclass(frozen=True)
class Skip:
    """Content a parser saw and did not turn into a fact, with the reason why."""

    line: int
    start: int
    end: int
    reason_code: str
    reason: str


@dataclass
class Extraction:
    """Facts and skips for one document, in the order the parser found them."""

    doc: Document
    facts: list[dict] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    _on_line: dict[int, int] = field(default_factory=dict, repr=False)   # facts made so far per line
    # the token accounting of these facts and skips, when a reader already made it (not made again)
    accounting: object | None = field(default=None, repr=False)

    # -- numbers ---------------------------------------------------------
    def number(self, line: int, start: int, end: int, reading: Reading, *, basis: str,
               table: str, section: str = "", item: str = "", measure: str = "amount",
               period: str = "annual", level1: str = "", level2: str = "", level3: str = "",
               unit: str | None = None, unit_from: str | None = None,
               fiscal_year: int | None = None, note: str = "") -> dict:
        """Record the number ``reading`` read from ``line[start:end]``.

        ``unit`` supplies the unit in force when the text carries none (a column
        header's 万元); a unit written next to the number always wins.
        """
        if basis not in BASES:
            raise ValueError(f"basis {basis!r} is not one of {BASES}")
        if period not in PERIODS:
            raise ValueError(f"period {period!r} is not one of {PERIODS}")
        written = reading.unit
        unit_in_force = written or (unit or "")
        source = "cell" if written else (unit_from or ("header" if unit else ""))
        value_std, unit_std = standardise(reading.value, unit_in_force)
        return self._row(line, start, end, fiscal_year, basis, table, section, item, level1, level2, level3,
                         measure, period, note, reading.operator, reading.value, unit_in_force, source,
                         value_std, unit_std, "")

    def cell_number(self, cell: Cell, **kw) -> dict | None:
        """Read a cell that must hold one number; an unreadable cell becomes a skip, not a guess."""
        reading = read_cell(cell.text)
        if reading is None:
            self.skip(cell.line, "unreadable_cell",
                      f"expected a number in cell {cell.index}, found {cell.text!r}", cell=cell)
            return None
        return self.number(cell.line, cell.start, cell.end, reading, **kw)

    def cell_value(self, cell: Cell, **kw) -> dict:
        """A cell holding either a number (with operator and unit) or a qualitative value."""
        reading = read_cell(cell.text)
        if reading is not None:
            return self.number(cell.line, cell.start, cell.end, reading, **kw)
        return self.text_value(cell, **kw)

    def text_value(self, cell: Cell, *, basis: str, table: str, section: str = "",
                   item: str = "", measure: str = "indicator_value", period: str = "annual",
                   level1: str = "", level2: str = "", level3: str = "",
                   fiscal_year: int | None = None, note: str = "", **_unit) -> dict:
        """Record a qualitative value such as 充分, 合格 or 按时推进."""
        return self._row(cell.line, cell.start, cell.end, fiscal_year, basis, table, section, item, level1,
                         level2, level3, measure, period, note, "", None, "", "", None, "", cell.text)

    def prose(self, line: int, *, basis: str, table: str = "prose", section: str = "",
              fiscal_year: int | None = None, basis_rules=None, start: int = 0,
              end: int | None = None) -> list[dict]:
        """Every ``number unit`` in a prose line as a fact; the item is the clause before it.

        ``basis_rules`` is an optional callable ``(clause) -> (basis, fiscal_year)``
        overriding the defaults for a clause (e.g. 实际 → actual, 预计 → estimate).
        """
        text = self.doc.text(line)
        stop = len(text) if end is None else end
        out = []
        for reading in find_quantities(text[start:stop]):
            s, e = start + reading.start, start + reading.end
            clause = clause_before(text, s)
            b, fy = (basis, fiscal_year)
            if basis_rules is not None:
                b, fy = basis_rules(clause, basis, fiscal_year)
            out.append(self.number(line, s, e, reading, basis=b, table=table, section=section,
                                   item=clause, measure="stated_value", fiscal_year=fy))
        return out

    # -- what is not a fact ----------------------------------------------
    def skip(self, line: int, reason_code: str, reason: str, *, cell: Cell | None = None,
             start: int | None = None, end: int | None = None) -> None:
        """Report content that is not a fact: the whole line, a cell, or a span."""
        if cell is not None:
            start, end = cell.start, cell.end
        if start is None:
            start, end = 0, len(self.doc.text(line))
        self.skips.append(Skip(line, start, end, reason_code, reason))

    # -- internals -------------------------------------------------------
    def _row(self, line: int, start: int, end: int, fiscal_year, basis, table, section, item, level1,
             level2, level3, measure, period, note, operator, value, unit, unit_from, value_std, unit_std,
             value_text) -> dict:
        """Append and return a fact row: every column of ``data/fact_fields.csv``, typed, with its id.

        ``fact_id`` is ``{doc_id}-L{line:04d}-{n}``, n counting this document's facts on ``line``
        in the order they are made (which is the order of :attr:`facts`). Labels are cleaned
        (:func:`_clean`); the quote is the line's own text.
        """
        doc = self.doc
        quote = doc.lines[line - 1][start:end]
        if not quote.strip():
            raise ValueError(f"{doc.source_file}:{line}: empty quote span {start}:{end}")
        n = self._on_line[line] = self._on_line.get(line, 0) + 1
        ok, c = _CLEAN, _label   # most labels are clean already: a set lookup instead of a call
        row = {
            "fact_id": f"{doc.doc_id}-L{str(line).zfill(4)}-{n}",
            "doc_id": doc.doc_id, "source_file": doc.source_file, "line": line, "char_start": start,
            "quote": quote, "city": doc.city, "city_zh": doc.city_zh,
            "fiscal_year": doc.fiscal_year if fiscal_year is None else int(fiscal_year),
            "basis": basis if basis in ok else c(basis), "table": table if table in ok else c(table),
            "section": section if section in ok else c(section), "item": item if item in ok else c(item),
            "level1": level1 if level1 in ok else c(level1), "level2": level2 if level2 in ok else c(level2),
            "level3": level3 if level3 in ok else c(level3),
            "measure": measure if measure in ok else c(measure), "period": period if period in ok else c(period),
            "operator": operator, "value": value, "unit": unit, "unit_from": unit_from,
            "value_std": value_std, "unit_std": unit_std, "value_text": value_text,
            "note": note if note in ok else c(note), "location": None,
        }
        self.facts.append(row)
        return row


_CLAUSE_BREAK = re.compile(r"[，。；;：:、,（）()\t\n“”\"]|其中")


_ENUMERATOR = re.compile(r"^\s*(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*[.．、]\s*")
_SHORT_CLAUSE = 4


def clause_before(text: str, pos: int, max_chars: int = 40) -> str:
    """The clause that names a number in prose: text back to the previous punctuation mark.

    A clause too short to name anything (``维持`` in ``人员数量：维持114人``)
    takes in the label before its colon.
    """
    head = text[max(0, pos - max_chars):pos]
    parts = _CLAUSE_BREAK.split(head)
    clause = parts[-1].strip()
    if not clause and len(parts) > 1:
        clause = parts[-2].strip()
    elif len(clause) < _SHORT_CLAUSE and len(parts) > 1 and head[: len(head) - len(parts[-1])].endswith(("：", ":")):
        clause = _ENUMERATOR.sub("", parts[-2]).strip() + "：" + clause
    return _clean(clause)


def _clean(text: str) -> str:
    """Strip HTML paragraph tags the export left in cells; keep everything else as written."""
    return text.replace("<p>", "").replace("</p>", "").strip()


# Labels repeat across rows and documents: _row looks them up in these (bounded) caches.
_CACHE_SIZE = 65536
_CLEAN: set[str] = {""}           # labels that _clean leaves as they are
_CLEANED: dict[str, str] = {}     # the others, cleaned


def _label(value):
    """A label as the fact table holds it: text cleaned by :func:`_clean`, anything else (None) as given."""
    if not isinstance(value, str):
        return value
    cleaned = _CLEANED.get(value)
    if cleaned is None:
        cleaned = _clean(value)
        if cleaned == value and type(value) is str:
            if len(_CLEAN) < _CACHE_SIZE:
                _CLEAN.add(value)
        elif len(_CLEANED) < _CACHE_SIZE:
            _CLEANED[value] = cleaned
    return cleaned
