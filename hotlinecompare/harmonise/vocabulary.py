"""Indicator names → metric keys (``data/metric_vocabulary.csv``), and the indicators that map to nothing.

Names are matched with all whitespace removed (the PDF exports break names
with spaces: ``市级 12345 平台热线接通率``). Rules are regular expressions
tried in file order; the first match wins.
"""

from __future__ import annotations

import polars as pl

from hotlinecompare.harmonise.columns import GENRE_TABLES

# Fact tables whose rows are performance indicators (target or outcome values).
INDICATOR_TABLES = ("indicators", "self_evaluation", "project_targets")
# Measures that are an indicator's value; deviations and changes are left out.
INDICATOR_MEASURES = ("indicator_value", "target_value", "actual_value")
# Measures of the genre reader's facts that are an indicator's value (money is spending's, not an indicator).
GENRE_INDICATOR_MEASURES = ("rate", "count", "amount", "score")


def squashed(expr: pl.Expr) -> pl.Expr:
    """Text with every whitespace character removed, for matching names across line breaks."""
    return expr.str.replace_all(r"\s+", "")


def indicator_name() -> pl.Expr:
    """An indicator's name: 三级指标 where the fact has one, else its item."""
    return (pl.when(pl.col("level3") != "").then(pl.col("level3")).otherwise(pl.col("item")))


def is_indicator() -> pl.Expr:
    """Rows of indicator tables, and genre facts that state a quantity other than money."""
    seed = pl.col("table").is_in(INDICATOR_TABLES) & pl.col("measure").is_in(INDICATOR_MEASURES)
    genre = (pl.col("table").is_in(GENRE_TABLES) & pl.col("measure").is_in(GENRE_INDICATOR_MEASURES)
             & (pl.col("unit_std") != "yuan"))
    return seed | genre


def first_match(text: pl.Expr, rules: pl.DataFrame, pattern: str, value: str) -> pl.Expr:
    """``rules[value]`` of the first row (file order) whose regex ``rules[pattern]`` matches ``text``; null if none."""
    out = pl.lit(None, dtype=pl.String)
    for row in reversed(rules.filter(pl.col(pattern) != "").rows(named=True)):
        out = pl.when(text.str.contains(row[pattern])).then(pl.lit(row[value])).otherwise(out)
    return out


def with_metric_keys(frame: pl.DataFrame, vocabulary: pl.DataFrame, name: str = "indicator") -> pl.DataFrame:
    """Add ``metric_key`` and ``family`` from the vocabulary (null where nothing matches)."""
    keyed = frame.with_columns(first_match(squashed(pl.col(name)), vocabulary, "patterns", "key")
                               .alias("metric_key"))
    families = vocabulary.select(pl.col("key").alias("metric_key"), "family")
    return keyed.join(families, on="metric_key", how="left", maintain_order="left")


def indicator_names(facts: pl.DataFrame) -> pl.DataFrame:
    """Every distinct indicator name of the corpus (whitespace removed) with where it occurs."""
    ind = facts.filter(is_indicator()).with_columns(squashed(indicator_name()).alias("indicator"))
    return (ind.group_by("indicator")
            .agg(pl.col("city").unique().sort().str.join(";").alias("cities"),
                 pl.col("doc_id").unique().sort().str.join(";").alias("doc_ids"),
                 pl.len().cast(pl.Int64).alias("n_facts"),
                 pl.col("value").is_not_null().any().alias("numeric"),
                 pl.col("fact_id").sort().first().alias("example_fact_id"))
            .sort("indicator"))


def indicator_mapping(names: pl.DataFrame, vocabulary: pl.DataFrame, staffing_kinds: pl.DataFrame,
                      comments: pl.DataFrame) -> pl.DataFrame:
    """Every indicator name with what it maps to: a metric key, a staffing kind, or an unmapped group."""
    keyed = with_metric_keys(names, vocabulary).with_columns(
        first_match(pl.col("indicator"), staffing_kinds, "pattern", "kind").alias("staffing_kind"),
        first_match(pl.col("indicator"), comments, "pattern", "group").alias("group"))
    maps_to = (pl.when(pl.col("metric_key").is_not_null()).then(pl.lit("metric"))
               .when(pl.col("staffing_kind").is_not_null()).then(pl.lit("staffing"))
               .otherwise(pl.lit("unmapped")))
    key = pl.coalesce(pl.col("metric_key"), pl.col("staffing_kind"), pl.col("group"), pl.lit(""))
    return (keyed.with_columns(maps_to.alias("maps_to"), key.alias("key"))
            .select("indicator", "maps_to", "key", "cities", "doc_ids", "n_facts", "numeric", "example_fact_id")
            .sort("indicator"))


def unmapped_indicators(mapping: pl.DataFrame, comments: pl.DataFrame) -> pl.DataFrame:
    """Unmapped indicator names grouped by the comment that says why (``data/unmapped_comments.csv``).

    A name matching no comment pattern gets group ``""`` and an empty comment: the tests require none.
    """
    why = comments.select("group", "comment")
    return (mapping.filter(pl.col("maps_to") == "unmapped")
            .group_by(pl.col("key").alias("group"))
            .agg(pl.len().cast(pl.Int64).alias("n_indicators"), pl.col("n_facts").sum().alias("n_facts"),
                 pl.col("cities").str.split(";").list.explode(keep_nulls=False, empty_as_null=False).unique().sort()
                 .str.join(";").alias("cities"),
                 pl.col("numeric").any().alias("any_numeric"),
                 pl.col("indicator").sort().str.join(";").alias("indicators"))
            .join(why, on="group", how="left", maintain_order="left")
            .with_columns(pl.col("comment").fill_null(""))
            .select("group", "comment", "n_indicators", "n_facts", "cities", "any_numeric", "indicators")
            .sort(pl.col("group").replace_strict({g: i for i, g in enumerate(comments["group"])},
                                                 default=len(comments), return_dtype=pl.Int64)))
