"""Labels of the project budget performance target form and how a cell is matched to one.

The vocabulary lives in ``data/project_form_labels.csv`` (label as written, role);
cells match a label when they are equal after full-width → ASCII mapping and
with all whitespace removed, so ``全年（程） 预算数`` and ``全年(程)预算数`` are one label.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

from hotlinecompare.extract.numbers import normalise

_WHITESPACE = re.compile(r"\s+")
_BRACKETED = re.compile(r"\(([^()]+)\)")
PREFIX_ROLES = ("page_debris",)   # labels matched at the start of a cell, not as the whole cell
NON_CELL_ROLES = ("multi_year_total", "execution_rate")   # labels used by name, never matched to a cell


@lru_cache(maxsize=65536)
def label_key(text: str) -> str:
    """The form in which cells are compared with labels: ASCII brackets, no whitespace, no <p> tags."""
    return _WHITESPACE.sub("", normalise(text.replace("<p>", "").replace("</p>", "")))


@lru_cache(maxsize=1)
def _rows() -> tuple[dict, ...]:
    path = resources.files("hotlinecompare").joinpath("data/project_form_labels.csv")
    with path.open(encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


@lru_cache(maxsize=1)
def _roles_by_key() -> dict[str, str]:
    return {label_key(r["label"]): r["role"] for r in _rows()
            if r["role"] not in PREFIX_ROLES + NON_CELL_ROLES}


def labels_with_role(role: str) -> tuple[dict, ...]:
    """The CSV rows (label, role, note) of one role, in file order."""
    return tuple(r for r in _rows() if r["role"] == role)


@lru_cache(maxsize=65536)
def role_of(text: str) -> str:
    """The role of a cell's text (``income_row``, ``prose`` …), or ``""`` for anything else."""
    key = label_key(text)
    if key in _roles_by_key():
        return _roles_by_key()[key]
    for role in PREFIX_ROLES:
        if any(key.startswith(label_key(r["label"])) for r in labels_with_role(role)):
            return role
    return ""


def unit_in_brackets(text: str) -> str:
    """The last bracketed text of a label: ``项目资金 (万元)`` → ``万元``; ``""`` if none."""
    found = _BRACKETED.findall(normalise(text))
    return found[-1].strip() if found else ""
