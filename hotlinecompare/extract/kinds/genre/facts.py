"""Facts of the genre reader: an :class:`Extraction` whose facts may have no basis (``general`` documents)."""

from __future__ import annotations

from dataclasses import replace

from hotlinecompare.extract.extraction import BASES, Extraction
from hotlinecompare.extract.kinds.genre.meaning import Context, basis_of, clause_of, measure_of, operator_of
from hotlinecompare.extract.kinds.genre.quantities import Quantity
from hotlinecompare.extract.kinds.genre.when import period_of, year_of
from hotlinecompare.extract.numbers import standardise


class GenreExtraction(Extraction):
    """Facts made from :class:`Quantity` readings with their meaning; an empty basis is allowed."""

    def quantity(self, line: int, q: Quantity, ctx: Context, *, table: str, section: str,
                 offset: int = 0, unit: str = "", unit_from: str = "") -> dict:
        written = q.unit
        q = q if q.unit or not unit else _with_unit(q, unit)
        ctx = self._after_previous(line, q, ctx, offset)
        measure = measure_of(q, ctx)
        basis = basis_of(q, ctx, measure)
        unit_in_force = q.unit
        value_std, unit_std = standardise(q.value, unit_in_force)
        item = ctx.label or clause_of(ctx.text, q.start).strip()
        if basis and basis not in BASES:
            raise ValueError(f"basis {basis!r} is not one of {BASES}")
        year = year_of(q, ctx, measure)
        return self._row(line, offset + q.start, offset + q.end, year, basis, table,
                         section, item, "", "", "", measure, period_of(q, ctx, year),
                         f"column {ctx.column}" if ctx.column else "",
                         _written_operator(operator_of(q, basis), self.doc.lines[line - 1][offset + q.start:offset + q.end]),
                         q.value, unit_in_force,
                         "cell" if written else unit_from, value_std, unit_std, "")


    def _after_previous(self, line: int, q: Quantity, ctx: Context, offset: int) -> Context:
        """``ctx`` knowing the quantity read before this one on the same line (its end and basis)."""
        prev = self.facts[-1] if self.facts and self.facts[-1]["line"] == line else None
        if prev is None:
            return ctx
        end = prev["char_start"] + len(prev["quote"]) - offset
        return replace(ctx, prev_end=end, prev_basis=prev["basis"]) if 0 <= end <= q.start else ctx


def _written_operator(operator: str, quote: str) -> str:
    """A plain value has no operator (empty, as the seed templates write it); "=" only where the text
    writes one (＝95%, 等于)."""
    if operator == "=" and not any(mark in quote for mark in ("=", "＝", "等于")):
        return ""
    return operator


def _with_unit(q: Quantity, unit: str) -> Quantity:
    return Quantity(q.start, q.end, q.num_start, q.operator, q.value, unit, q.direction, q.qualifier)
