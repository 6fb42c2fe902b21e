"""Parser for project budget performance target forms (苏州市市级项目预算绩效目标表, 江宁区项目预算绩效目标申报表).

A document holds one or more forms, each starting with its title line. A form has
header fields (项目名称 … 完成时间), prose cells (实施可行性, 年度目标 …), the money
blocks (收入 and 支出, :mod:`.project_money`) and the indicator table
(:mod:`.indicator_table`). Every fact's ``section`` is the form's 项目名称.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hotlinecompare.extract.accounting import _explained
from hotlinecompare.extract.basis_cues import basis_for_clause
from hotlinecompare.extract.document import Cell, Document
from hotlinecompare.extract.extraction import Extraction
from hotlinecompare.extract.kinds.project_targets.indicators import Levels, read_indicator_row
from hotlinecompare.extract.kinds.project_targets.labels import (
    label_key,
    labels_with_role,
    role_of,
    unit_in_brackets,
)
from hotlinecompare.extract.kinds.project_targets.money import MoneyBlock
from hotlinecompare.extract.numbers import find_quantities, units

HEADER_ROLES = ("project_name", "header_field", "contact")
DETECT_ROLES = ("project_name", "money_block", "income_total", "half_year_column", "full_year_column",
                "indicator_header")
_SENTENCE = re.compile(r"[^。；;]+[。；;]?")
# Numbers in prose that are not one quantity and that no shared token pattern explains yet.
_NOT_QUANTITIES = (
    (re.compile(r"(?<![\d.])\d{1,3}\s*[-~～]\s*\d{1,3}(?![\d.])"), "range",
     "a range (每次3-4篇, 每年进行1-2次): two bounds, not one quantity"),
    (re.compile(r"(?:^|(?<=[\s>。；;：:]))\d{1,2}(?=、\d)"), "enumerator",
     "a list number (1、2023-2025年度…; 5、12345热线…): the shared enumerator pattern refuses a digit after 、"),
    (re.compile(r"(?<![\d.])\d{1,2}(?=\s*年(?!度))"), "duration",
     "a duration in years (项目履行期限：3 年); 年 is not a unit of data/units.csv"),
)


@dataclass
class Form:
    """What is known while reading one form: its project name, money unit and reading state."""

    section: str
    unit: str
    in_indicators: bool = False
    levels: Levels = field(default_factory=Levels)
    sentences: dict[str, int] = field(default_factory=dict)   # prose sentence key → first line


def parse(doc: Document) -> Extraction:
    """Facts of every form of the document, in reading order."""
    ex = Extraction(doc)
    for first, last in form_spans(doc):
        read_form(ex, first, last)
    return ex


_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"\w")


def form_spans(doc: Document) -> list[tuple[int, int]]:
    """(first, last) line of each form: from one title line to the line before the next."""
    titles = {label_key(r["label"]) for r in labels_with_role("title")}
    starts = [n for n in doc.line_numbers() if label_key(doc.text(n)) in titles] or [1]
    ends = [s - 1 for s in starts[1:]] + [len(doc.lines)]
    return list(zip(starts, ends))


def read_form(ex: Extraction, first: int, last: int) -> None:
    """Read lines ``first..last`` (one form): header, prose, money blocks, then the indicator table."""
    doc = ex.doc
    form = Form(_project_name(doc, first, last), _money_unit(doc, first, last))
    money = MoneyBlock(ex, form.section, form.unit)
    for n in range(first, last + 1):
        cells = _without_debris(ex, doc.cells(n))
        roles = [role_of(c.text) for c in cells]
        if not cells or "title" in roles:
            continue
        if "indicator_header" in roles:
            money.finish()
            form.in_indicators = True
        elif form.in_indicators:
            read_indicator_row(ex, cells, form.levels, form.section)
        elif roles[0] in HEADER_ROLES:
            _read_header(ex, cells, roles)
        elif roles[0] == "prose":
            money.finish()
            _read_prose(ex, form, cells[0])
        else:
            money.read(cells, roles)
    money.finish()


def _project_name(doc: Document, first: int, last: int) -> str:
    for n in range(first, last + 1):
        cells = doc.cells(n)
        for label, value in zip(cells, cells[1:]):
            if role_of(label.text) == "project_name":
                return value.text
    return ""


def _money_unit(doc: Document, first: int, last: int) -> str:
    """The unit in 项目资金 (万元), wherever the form prints it (苏州 l.225 prints it after the values).

    A column header's bracket counts only if it holds a known unit: 全年(程) brackets 程, not a unit.
    """
    for roles in (("money_block",), ("full_year_column", "half_year_column")):
        for n in range(first, last + 1):
            for cell in doc.cells(n):
                if role_of(cell.text) in roles and unit_in_brackets(cell.text) in units():
                    return unit_in_brackets(cell.text)
    return ""


def _without_debris(ex: Extraction, cells: list[Cell]) -> list[Cell]:
    """Drop page-break debris cells (/ 山 1 日 1 个, -------), reporting each as skipped."""
    kept = []
    for cell in cells:
        if role_of(cell.text) == "page_debris":
            ex.skip(cell.line, "page_debris", f"page-break debris {cell.text!r} in a label column",
                    cell=cell)
        elif not _WORD.search(cell.text):   # 苏州 last line: ------- rule cells of the export
            ex.skip(cell.line, "page_debris", f"a rule cell {cell.text!r} of the export, no content",
                    cell=cell)
        else:
            kept.append(cell)
    return kept


def _read_header(ex: Extraction, cells: list[Cell], roles: list[str]) -> None:
    """Header fields are names and dates, not facts; a contact's phone number is skipped."""
    for label, role, value, value_role in zip(cells, roles, cells[1:], roles[1:]):
        if role == "contact" and not value_role and _DIGIT.search(value.text):
            ex.skip(value.line, "contact_details",
                    f"{label.text}: a person's name and phone number, not a quantity", cell=value)


def _read_prose(ex: Extraction, form: Form, label: Cell) -> None:
    """Stated quantities of a prose cell; a quantity restated from earlier in the form is skipped."""
    line, text = label.line, ex.doc.text(label.line)
    for m in _SENTENCE.finditer(text, label.end):
        start, end = _trimmed(text, m.start(), m.end())
        if not _DIGIT.search(text[start:end]):
            continue
        key = label_key(text[start:end])
        first_line = form.sentences.setdefault(key, line)
        # 苏州 年度目标 repeats 中长期目标 word for word; 实施可行性 and 项目实施内容 share sentences.
        _read_sentence(ex, form, line, start, end, restates=first_line if first_line != line else None)


def _read_sentence(ex: Extraction, form: Form, line: int, start: int, end: int,
                   restates: int | None) -> None:
    text = ex.doc.text(line)
    excluded = [(s, e) for s, e, *_ in _explained(text) if start <= s and e <= end]
    for pattern, code, reason in _NOT_QUANTITIES:
        for m in pattern.finditer(text, start, end):
            if not any(s < m.end() and m.start() < e for s, e in excluded):
                ex.skip(line, code, reason, start=m.start(), end=m.end())
                excluded.append((m.start(), m.end()))
    # Quantities are read between the spans that are not quantities (7×24, 前35%, 2023 年 …).
    pos = start
    for s, e in sorted(excluded) + [(end, end)]:
        if s > pos and _DIGIT.search(text[pos:s]):
            if restates is None:
                for fact in ex.prose(line, basis="budget", section=form.section,
                                     fiscal_year=ex.doc.fiscal_year, basis_rules=basis_for_clause,
                                     start=pos, end=s):
                    _annotate_multi_year(fact)
            else:
                for q in find_quantities(text[pos:s]):
                    ex.skip(line, "duplicate_restatement", f"restates the sentence of line {restates}, "
                            "where this quantity is a fact", start=pos + q.start, end=pos + q.end)
        pos = max(pos, e)


def _annotate_multi_year(fact: dict) -> None:
    """江宁 三年总预算合计 … 万元（最高限价）: a total over the service period, not one year's amount."""
    for row in labels_with_role("multi_year_total"):
        if row["label"] in fact["item"]:
            fact["period"], fact["note"] = "unspecified", row["note"]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t":
        start += 1
    while end > start and text[end - 1] in " \t":
        end -= 1
    return start, end


