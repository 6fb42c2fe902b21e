"""Service metrics: every indicator value and prose figure whose name the vocabulary maps to a metric key.

Values are in the vocabulary's standard unit (rates as fractions). Targets keep
basis ``target``; outcomes (苏州 2022) basis ``actual``. A rate written without a
unit (广州: ``普通话语音识别准确率 ≥85``) is read as a percentage when
``unitless_rates_are_percent`` (default True) and the value exceeds 1; the row
says so in ``unit_note``.
"""

from __future__ import annotations

import polars as pl

from hotlinecompare.harmonise.vocabulary import indicator_name, with_metric_keys

# Measures that carry a metric's value (targets, outcomes, figures stated in prose).
VALUE_MEASURES = ("indicator_value", "target_value", "actual_value", "stated_value")
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


def service_table(facts: pl.DataFrame, vocabulary: pl.DataFrame, *, unitless_rates_are_percent: bool = True
                  ) -> pl.DataFrame:
    """One row per metric value: city, year, basis, metric key, operator, value in standard units, source facts."""
    candidates = (facts.filter(pl.col("value").is_not_null() & pl.col("measure").is_in(VALUE_MEASURES))
                  .with_columns(indicator_name().alias("indicator")))
    keyed = with_metric_keys(candidates, vocabulary).filter(pl.col("metric_key").is_not_null())
    units = vocabulary.select(pl.col("key").alias("metric_key"), pl.col("unit_std").alias("unit_expected"))
    value, unit, note = standard_value(unitless_rates_are_percent)
    return (keyed.join(units, on="metric_key", how="left")
            .with_columns(value.alias("value"), unit.alias("unit_std"), note.alias("unit_note"),
                          pl.col("indicator").alias("item"), pl.col("fact_id").alias("fact_ids"))
            .select(SERVICE_COLUMNS)
            .sort("city", "fiscal_year", "metric_key", "basis", "period", "fact_ids", nulls_last=True))
