"""Parser for a department budget disclosure (部门预算公开信息), such as 贵阳 12345 中心 2024.

The document is a narrative (totals, changes against last year with their reasons,
staffing, a list of economic classes) followed by annex tables, each under its
title: two-sided income/expenditure summaries, wide income and expenditure
tables, the functional and economic classification tables, the 三公 comparison,
empty tables (本表无发生数), a blank form template and the project's target form.
Layouts and column meanings live in ``data/budget_disclosure_labels.toml``;
prose is read by :mod:`.budget_disclosure_prose`, tables by
:mod:`.budget_disclosure_tables`, checks by :mod:`.budget_disclosure_checks`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hotlinecompare.extract.document import Document
from hotlinecompare.extract.extraction import Extraction
from hotlinecompare.extract.kinds.budget_disclosure import tables
from hotlinecompare.extract.kinds.budget_disclosure.project import read_project
from hotlinecompare.extract.kinds.budget_disclosure.prose import ProseState, labels, read_prose

KIND = "budget_disclosure"


@dataclass(frozen=True)
class Region:
    """Lines ``first..last`` of one part of the document: the narrative or one annex table."""

    title: str      # the title line as written ("" for the narrative)
    spec: dict      # the table's entry in the labels file ({} for the narrative)
    first: int
    last: int




def regions(doc: Document) -> list[Region]:
    """The narrative, then each annex table from its title to the line before the next title."""
    starts = [(n, tables.table_spec(doc.text(n))) for n in doc.line_numbers()]
    starts = [(n, spec) for n, spec in starts if spec is not None]
    last = len(doc.lines)
    out = [Region("", {}, 1, starts[0][0] - 1 if starts else last)]
    for i, (n, spec) in enumerate(starts):
        end = starts[i + 1][0] - 1 if i + 1 < len(starts) else last
        out.append(Region(doc.text(n).strip(), spec, n, end))
    return out


def parse(doc: Document) -> Extraction:
    """All facts of a budget disclosure, in reading order."""
    ex = Extraction(doc)
    unit: tuple[str, str, str] | None = None
    for region in regions(doc):
        if not region.spec:
            _narrative(ex, region)
            continue
        unit = tables.unit_in_force(doc, region.first, region.last, unit)
        if region.spec["layout"] == "project":
            read_project(ex, region.title, region.spec, region.first, region.last, unit)
        else:
            tables.read_table(ex, region.title, region.spec, region.first, region.last, unit)
    return ex


def _narrative(ex: Extraction, region: Region) -> None:
    """Prose lines, and the economic-class list that sits in the narrative as a small table."""
    doc = ex.doc
    headings = [re.compile(h) for h in labels()["prose"]["headings"]]
    state, section = ProseState(), ""
    list_lines = [n for n in range(region.first, region.last + 1) if "\t" in doc.text(n)]
    for n in range(region.first, region.last + 1):
        text = doc.text(n)
        if list_lines and n == list_lines[0]:
            unit = tables.unit_in_force(doc, list_lines[0], list_lines[-1], None)
            tables.read_economic_list(ex, list_lines, unit, section)
        if not text.strip() or "\t" in text:
            continue
        heading = next((m for h in headings if (m := h.match(text))), None)
        if heading:
            section = heading.group(1).strip()
        state = read_prose(ex, n, state, section=section)
        if heading:
            state.tail = ""  # a heading is not the first half of a label broken over lines




