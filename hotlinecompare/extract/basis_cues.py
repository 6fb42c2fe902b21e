"""Which basis a number stated in prose has, from keywords in its clause (``data/basis_keywords.csv``)."""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")


@lru_cache(maxsize=1)
def basis_keywords() -> tuple[tuple[str, str], ...]:
    path = resources.files("hotlinecompare").joinpath("data/basis_keywords.csv")
    with path.open(encoding="utf-8") as f:
        return tuple((r["keyword"], r["basis"]) for r in csv.DictReader(f))


def basis_for_clause(clause: str, default_basis: str, default_year: int | None):
    """(basis, fiscal_year) of a prose number: the first keyword found wins; a year in the clause overrides."""
    basis = next((b for k, b in basis_keywords() if k in clause), default_basis)
    m = _YEAR.search(clause)
    return basis, int(m.group(1)) if m else default_year
