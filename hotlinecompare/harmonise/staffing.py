"""Staffing: seat staff by employment model, seats and seat licences, posts — one row per count in the documents.

Rules are data (``data/staffing_kinds.csv``): a regex over the item name
(whitespace removed), an optional regex over the section, the standard unit the
count must have, then the kind, the hotline and, where the document's wording
says more than the parser's default basis, the basis (e.g. a seat count
approved by the city government is ``authorized``).
"""

from __future__ import annotations

import polars as pl

from hotlinecompare.harmonise.columns import own_values
from hotlinecompare.harmonise.vocabulary import squashed

# Measures that are not a count of their own (a deviation or a change is not staff).
NOT_COUNTS = ("deviation", "change", "share", "execution_rate")
STAFFING_COLUMNS = ("city", "fiscal_year", "basis", "kind", "hotline", "operator", "count", "period", "item",
                    "doc_id", "fact_ids")


def _rule_index(rules: pl.DataFrame) -> pl.Expr:
    item, section = squashed(pl.col("item")), squashed(pl.col("section"))
    out = pl.lit(None, dtype=pl.Int64)
    for i, r in reversed(list(enumerate(rules.rows(named=True)))):
        cond = item.str.contains(r["pattern"]) & pl.col("unit_std").str.contains(f"^(?:{r['unit_std']})$")
        if r["section"]:
            cond = cond & section.str.contains(r["section"])
        out = pl.when(cond).then(pl.lit(i)).otherwise(out)
    return out


def staffing_table(facts: pl.DataFrame, rules: pl.DataFrame, column_roles: pl.DataFrame | None = None
                   ) -> pl.DataFrame:
    """Every staff, seat and post count the rules recognise, with kind, hotline and basis."""
    if column_roles is not None:
        facts = own_values(facts, column_roles)
    indexed = rules.with_row_index("rule").with_columns(pl.col("rule").cast(pl.Int64))
    counts = facts.filter(pl.col("value").is_not_null() & ~pl.col("measure").is_in(NOT_COUNTS))
    matched = (counts.with_columns(_rule_index(rules).alias("rule"))
               .filter(pl.col("rule").is_not_null())
               .join(indexed.select("rule", "kind", "hotline", pl.col("basis").alias("rule_basis")),
                     on="rule", how="left"))
    return (matched
            .with_columns(pl.when(pl.col("rule_basis") != "").then(pl.col("rule_basis"))
                          .otherwise(pl.col("basis")).alias("basis"),
                          pl.col("value_std").alias("count"), pl.col("fact_id").alias("fact_ids"))
            .select(STAFFING_COLUMNS)
            .sort("city", "fiscal_year", "kind", "hotline", "basis", "period", "fact_ids", nulls_last=True))
