"""Service metrics: every indicator value and prose figure whose name the vocabulary maps to a metric key.

Values are in the vocabulary's standard unit (rates as fractions). Targets keep
basis ``target``; outcomes (苏州 2022, bulletins, final reports) basis ``actual``.
Facts of the genre reader (tables ``text`` and ``cells``) count when their
measure is a rate, count or amount, their column holds the row's own value
(``data/column_roles.csv``) and their unit is the metric's kind of unit: a
score in 分 under an indicator's name is its weight, not its value; minutes and
hours of a time in seconds are converted. A rate written without a
unit (广州: ``普通话语音识别准确率 ≥85``) is read as a percentage when
``unitless_rates_are_percent`` (default True) and the value exceeds 1; the row
says so in ``unit_note``.
"""

from __future__ import annotations

import polars as pl

from hotlinecompare.harmonise.columns import is_genre, own_values
from hotlinecompare.harmonise.vocabulary import indicator_name, with_metric_keys

# Measures that carry a metric's value (targets, outcomes, figures stated in prose).
VALUE_MEASURES = ("indicator_value", "target_value", "actual_value", "stated_value")
# Measures of the genre reader that carry a metric's value (not change, share, multiple or score).
GENRE_MEASURES = ("rate", "count", "amount")
# A duration in these units is converted to the vocabulary's seconds.
SECONDS = {"second": 1, "minute": 60, "hour": 3600}
# Counts of requests or calls: one may stand for another with a note (件次 for 件, 万 without a noun).
COUNT_UNITS = ("case", "case_time", "call", "unit_count", "person_time", "times")
SERVICE_COLUMNS = ("city", "fiscal_year", "basis", "metric_key", "family", "operator", "value", "unit_std",
                   "period", "item", "section", "unit_note", "doc_id", "fact_ids")


def standard_value(unitless_rates_are_percent: bool = True) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(value, unit_std, unit_note) in the vocabulary's unit; needs columns value_std, unit_std, unit_expected."""
    unitless_rate = ((pl.col("unit_expected") == "fraction") & (pl.col("unit_std") == "number")
                     & (pl.col("value_std") > 1))
    if not unitless_rates_are_percent:
        unitless_rate = pl.lit(False)
    value = pl.when(unitless_rate).then(pl.col("value_std") / 100).otherwise(pl.col("value_std"))
    unit = pl.when(unitless_rate).then(pl.col("unit_expected")).otherwise(pl.col("unit_std"))
    note = (pl.when(unitless_rate)
            .then(pl.lit("no unit written; read as a percentage (the metric is a rate and the value exceeds 1)"))
            .when(pl.col("unit_std") != pl.col("unit_expected"))
            .then(pl.concat_str([pl.lit("unit "), pl.col("unit_std"), pl.lit(" differs from the vocabulary's "),
                                 pl.col("unit_expected")]))
            .otherwise(pl.lit("")))
    return value, unit, note


def genre_units(keyed: pl.DataFrame) -> pl.DataFrame:
    """Genre facts in the metric's kind of unit only, durations converted to seconds; seed facts unchanged."""
    factor = pl.col("unit_std").replace_strict(SECONDS, default=None, return_dtype=pl.Float64)
    to_seconds = is_genre() & (pl.col("unit_expected") == "second") & factor.is_not_null()
    converted = keyed.with_columns(
        pl.when(to_seconds).then(pl.col("value_std") * factor).otherwise(pl.col("value_std")).alias("value_std"),
        pl.when(to_seconds & (pl.col("unit_std") != "second"))
        .then(pl.concat_str([pl.lit("converted from "), pl.col("unit_std"), pl.lit(" to seconds")]))
        .otherwise(pl.lit("")).alias("conversion"),
        pl.when(to_seconds).then(pl.lit("second")).otherwise(pl.col("unit_std")).alias("unit_std"))
    same_kind = ((pl.col("unit_std") == pl.col("unit_expected"))
                 | (pl.col("unit_std").is_in(COUNT_UNITS) & pl.col("unit_expected").is_in(COUNT_UNITS)))
    return converted.filter(~is_genre() | same_kind)


def service_table(facts: pl.DataFrame, vocabulary: pl.DataFrame, *, unitless_rates_are_percent: bool = True,
                  column_roles: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per metric value: city, year, basis, metric key, operator, value in standard units, source facts."""
    if column_roles is not None:
        facts = own_values(facts, column_roles)
    measures = pl.col("measure").is_in(VALUE_MEASURES) | (is_genre() & pl.col("measure").is_in(GENRE_MEASURES))
    candidates = (facts.filter(pl.col("value").is_not_null() & measures)
                  .with_columns(indicator_name().alias("indicator")))
    keyed = with_metric_keys(candidates, vocabulary).filter(pl.col("metric_key").is_not_null())
    units = vocabulary.select(pl.col("key").alias("metric_key"), pl.col("unit_std").alias("unit_expected"))
    value, unit, note = standard_value(unitless_rates_are_percent)
    note = pl.when(pl.col("conversion") != "").then(pl.col("conversion")).otherwise(note)
    return (genre_units(keyed.join(units, on="metric_key", how="left"))
            .with_columns(value.alias("value"), unit.alias("unit_std"), note.alias("unit_note"),
                          pl.col("indicator").alias("item"), pl.col("fact_id").alias("fact_ids"))
            .select(SERVICE_COLUMNS)
            .sort("city", "fiscal_year", "metric_key", "basis", "period", "fact_ids", nulls_last=True))
