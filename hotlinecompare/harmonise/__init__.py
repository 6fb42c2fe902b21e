"""Harmonise: the fact table → cross-city tables on one footing, with scope notes travelling with the numbers.

``build_tables(facts)`` returns every harmonised table by name (pure: the
knowledge files are read once, from the package, unless passed in):

- ``spending``: money by city, year, basis, level (item / totals) and category;
- ``staffing``: staff, seat and post counts by kind, hotline and basis;
- ``service``: service metrics under vocabulary keys, in standard units;
- ``unit_costs``: per staff-year, seat-year, centre-year and seat-user costs with formula and inputs;
- ``city_profile``: one row per city and fiscal year;
- ``scope_notes``, ``metrics``: the notes and the metric vocabulary the tables refer to;
- ``indicator_mapping``: every indicator name of the corpus and what it maps to;
- ``unmapped_indicators``, ``unclassified_spending``: what the vocabularies leave out, and why.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from hotlinecompare.harmonise.columns import own_values
from hotlinecompare.harmonise.knowledge import Knowledge, load_knowledge
from hotlinecompare.harmonise.profile import profile_table, with_note_texts
from hotlinecompare.harmonise.scope import attach_notes, scope_notes_table
from hotlinecompare.harmonise.service import service_table
from hotlinecompare.harmonise.spending import reconstructions, spending_table, unclassified_spending
from hotlinecompare.harmonise.staffing import staffing_table
from hotlinecompare.harmonise.unit_costs import unit_cost_table
from hotlinecompare.harmonise.vocabulary import indicator_mapping, indicator_names, unmapped_indicators

# Columns whose text a scope note's `match` regex is tried on, per table.
NOTE_LABELS = {
    "spending": ["section", "item", "scope", "category"],
    "staffing": ["kind", "hotline", "item", "basis"],
    "service": ["metric_key", "item", "section", "basis"],
    "unit_costs": ["employment_model", "measure", "variant", "per", "basis"],
    "city_profile": ["city", "total_scope"],
}
METRIC_COLUMNS = ("key", "family", "label_en", "label_zh", "unit_std", "direction", "definition")

__all__ = ["build_tables", "Knowledge", "load_knowledge"]


def build_tables(facts: pl.DataFrame, knowledge: Knowledge | None = None, *,
                 raw_dir: Path | str | None = None) -> dict[str, pl.DataFrame]:
    """Every harmonised table by name, in publication order; places from the registry beside ``raw_dir``."""
    k = knowledge or load_knowledge(raw_dir)
    notes = k.scope_notes
    rebuilt = reconstructions(facts, k.spending_reconstructions)
    spending = spending_table(facts, k.spending_rows, k.spending_categories, rebuilt.drop("base_fiscal_year"),
                              column_roles=k.column_roles)
    staffing = staffing_table(facts, k.staffing_kinds, k.column_roles)
    service = service_table(facts, k.vocabulary, column_roles=k.column_roles)
    unit_costs = unit_cost_table(k.unit_cost_recipes, spending, staffing, facts)
    profile = profile_table(spending, staffing, service, rebuilt, k.spending_categories, k.cities, notes)
    tables = {"spending": spending, "staffing": staffing, "service": service, "unit_costs": unit_costs,
              "city_profile": profile}
    tables = {name: attach_notes(frame, notes, name, NOTE_LABELS[name]) for name, frame in tables.items()}
    tables["city_profile"] = with_note_texts(tables["city_profile"], notes)
    tables["scope_notes"] = scope_notes_table(notes)
    tables["metrics"] = k.vocabulary.select(METRIC_COLUMNS)
    mapping = indicator_mapping(indicator_names(own_values(facts, k.column_roles)), k.vocabulary, k.staffing_kinds,
                                k.unmapped_comments)
    tables["indicator_mapping"] = mapping
    tables["unmapped_indicators"] = unmapped_indicators(mapping, k.unmapped_comments)
    tables["unclassified_spending"] = unclassified_spending(spending, k.spending_categories)
    return tables
