"""Cited figures (the ``citations`` table) as rows and pairings of the satisfaction panel.

The citations table is published beside the fact table (``source_kind = citation``); this module reads it
the way :mod:`hotlinecompare.harmonise.satisfaction_panel` reads the harmonised document tables:

- ``cited_satisfaction``: yearly satisfaction figures on an actual or target basis, one per place, year,
  measure and basis, under the panel's measure key. ``data/cited_panel_measures.csv`` says which words of
  the phrase make a ``satisfaction_other`` figure a named measure (抽查满意率 → satisfaction_spot_check);
  other figures keep their cited measure key. Measures stay apart: nothing here pools them.
- ``cited_spending``: the place's spending of a year on a basis (``spending_total``, else the hotline
  operation project), with its cite ids and scope.
- ``cited_denominators``: requests, calls, resident population and connection rate of a place and year.

A ratio of spending to calls or requests is only formed when both come from the same page (the same centre
in the publisher's own words); population is the place's, so spending per resident needs no such match.
"""

from __future__ import annotations

import csv
from importlib import resources

import polars as pl

__all__ = ["cited_satisfaction", "cited_spending", "cited_denominators", "panel_measure_rules"]

SPENDING_ORDER = ("spending_total", "spending_hotline_operation")
REQUEST_MEASURES = ("requests_received", "work_orders")
# ">" and "<" are stated bounds (超过98%); they are kept with their operator, as a target's floor is.
OPERATOR_TEXT = {"=": "", "~": "~"}


def panel_measure_rules() -> list[dict]:
    """Rows of ``data/cited_panel_measures.csv``: cited measure, phrase term, panel measure, comment."""
    with resources.files("hotlinecompare").joinpath("data/cited_panel_measures.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _panel_measure(measure: str, metric_key: str | None, quote: str, rules: list[dict]) -> str:
    for rule in rules:
        if rule["cited_measure"] == measure and rule["phrase_contains"] in quote:
            return rule["panel_measure"]
    return metric_key or measure


def cited_satisfaction(citations: pl.DataFrame, metric_keys: dict[str, str],
                       bases: tuple[str, ...] = ("actual", "target")) -> pl.DataFrame:
    """Yearly cited satisfaction figures, one per place, year, panel measure and basis (first cite id wins;
    the others are named in ``notes``)."""
    rules = panel_measure_rules()
    rows = citations.filter((pl.col("family") == "satisfaction") & (pl.col("unit_std") == "fraction")
                            & pl.col("month").is_null() & pl.col("basis").is_in(list(bases)))
    out: dict[tuple, dict] = {}
    for r in rows.sort("cite_id").iter_rows(named=True):
        measure = _panel_measure(r["measure"], metric_keys.get(r["measure"]), r["quote"], rules)
        key = (r["city"], r["fiscal_year"], measure, r["basis"])
        if key in out:
            out[key]["notes"].append(f"also cited, not used: {r['value_std']:g} ({r['cite_id']})")
            continue
        out[key] = {"city": r["city"], "fiscal_year": r["fiscal_year"], "basis": r["basis"], "measure": measure,
                    "satisfaction": r["value_std"], "satisfaction_operator": OPERATOR_TEXT.get(r["operator"],
                                                                                               r["operator"]),
                    "period": "annual", "satisfaction_cite_ids": r["cite_id"],
                    "satisfaction_scope": r["scope"], "notes": []}
    return pl.DataFrame(list(out.values()), schema={
        "city": pl.String, "fiscal_year": pl.Int64, "basis": pl.String, "measure": pl.String,
        "satisfaction": pl.Float64, "satisfaction_operator": pl.String, "period": pl.String,
        "satisfaction_cite_ids": pl.String, "satisfaction_scope": pl.String, "notes": pl.List(pl.String)},
        orient="row")


def _same(citations: pl.DataFrame, city: str, year: int) -> pl.DataFrame:
    return citations.filter((pl.col("city") == city) & (pl.col("fiscal_year") == year) & pl.col("month").is_null())


def cited_spending(citations: pl.DataFrame, city: str, year: int, basis: str) -> dict | None:
    """The cited spending of one place and year on ``basis`` (spending_total first), or None."""
    rows = _same(citations, city, year).filter((pl.col("family") == "spending") & (pl.col("basis") == basis))
    for measure in SPENDING_ORDER:
        sel = rows.filter(pl.col("measure") == measure).sort("cite_id")
        if sel.height:
            r = sel.row(0, named=True)
            return {"spending_basis": basis, "spending_measure": measure, "spending_scope": r["scope"],
                    "spending_yuan": r["value_std"], "spending_cite_ids": r["cite_id"],
                    "spending_url": r["source_url"], "spending_source_kind": "citation"}
    return None


def cited_denominators(citations: pl.DataFrame, city: str, year: int) -> dict:
    """Requests, calls, population and connection rate a place states for a year (actual basis), with cite ids."""
    rows = _same(citations, city, year).filter(pl.col("basis") == "actual").sort("cite_id")
    out: dict = {}

    def first(measures: tuple[str, ...]) -> dict | None:
        for measure in measures:
            sel = rows.filter(pl.col("measure") == measure)
            if sel.height:
                return sel.row(0, named=True)
        return None

    for column, measures in (("requests", REQUEST_MEASURES), ("calls", ("call_volume",)),
                             ("population", ("population_resident",)), ("connection_rate", ("connection_rate",))):
        r = first(measures)
        if r is None:
            continue
        out[column] = r["value_std"]
        out[f"{column}_cite_id"] = r["cite_id"]
        out[f"{column}_url"] = r["source_url"]
        out[f"{column}_scope"] = r["scope"]
        if column in ("requests", "calls"):
            out[f"{column}_basis"] = r["basis"]
    return out
