"""Consistency checks: implied ranges contain their central value and name the facts they rest on."""

from pathlib import Path

import polars as pl
import pytest

from hotlinecompare.errors import HotlineError
from hotlinecompare.models import consistency, costmodel

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def table(inputs):
    return consistency.consistency_table(inputs)


def test_every_check_city_is_covered(table):
    assert set(table["check"]) == {"jiangning_productivity", "guiyang_answered_calls", "guangzhou_capacity",
                                   "suzhou_shortfall"}


def test_ranges_contain_their_central_value(table):
    assert (table["low"] <= table["central"]).all() and (table["central"] <= table["high"]).all()


def test_every_row_names_its_facts_and_those_facts_exist(table, facts):
    known = set(facts["fact_id"])
    for r in table.iter_rows(named=True):
        ids = r["inputs"].split(";")
        assert ids and set(ids) <= known, r["quantity"]
        assert facts.filter(pl.col("fact_id").is_in(ids))["city"].is_in([r["city"], "suzhou"]).all()


def test_varied_assumptions_are_named_assumptions(table):
    names = set(costmodel.FIELDS)
    for varied in table["varied"]:
        assert set(varied.split(";")) <= names


def test_guiyang_offered_calls_are_answered_calls_over_the_connection_rate(table, inputs):
    answered, _ = consistency.metric(inputs.tables["service"], "guiyang", "answered_calls_per_day", "target")
    rate, _ = consistency.metric(inputs.tables["service"], "guiyang", "connection_rate", "target")
    row = table.filter(pl.col("check") == "guiyang_answered_calls").row(0, named=True)
    assert row["central"] == pytest.approx(answered / rate) and row["low"] == row["high"]


def test_guiyang_needs_more_agents_than_its_peak_load(table):
    rows = {r["quantity"]: r for r in table.filter(pl.col("check") == "guiyang_answered_calls").iter_rows(named=True)}
    load = rows["offered load in the peak hour"]
    agents = rows["agents on the phones in the peak hour"]
    # at a 95 % connection rate with impatient callers the agents roughly cover the load
    assert agents["central"] >= 0.9 * load["central"] and agents["high"] >= agents["low"] > 0


def test_guangzhou_calls_per_seat_are_capacity_over_seat_users(table, inputs):
    capacity, _ = consistency.metric(inputs.tables["service"], "guangzhou", "call_capacity", "target")
    seats, _ = consistency.count(inputs.tables["staffing"], "guangzhou", "concurrent_seat_users", "target")
    row = table.filter(pl.col("quantity") == "calls per seat per year at full capacity").row(0, named=True)
    assert row["central"] == pytest.approx(capacity / seats) and row["bound"] == "at_most"


def test_suzhou_shortfall_compares_the_2022_actual_with_the_2022_target(table, inputs):
    service = inputs.tables["service"]
    actual = service.filter((pl.col("city") == "suzhou") & (pl.col("metric_key") == "connection_rate")
                            & (pl.col("basis") == "actual"))
    row = table.filter(pl.col("quantity") == "agents short in the peak hour (target − actual)").row(0, named=True)
    assert actual["fact_ids"][0] in row["inputs"]
    target_2022 = service.filter((pl.col("city") == "suzhou") & (pl.col("metric_key") == "connection_rate")
                                 & (pl.col("basis") == "target") & (pl.col("fiscal_year") == 2022))
    assert target_2022["fact_ids"][0] in row["inputs"]
    assert row["low"] > 0  # a higher rate needs more agents under every assumption


def test_jiangning_cost_per_item_falls_as_the_price_buys_more_seats(table):
    rows = {r["quantity"]: r for r in table.filter(pl.col("check") == "jiangning_productivity").iter_rows(named=True)}
    seats, cost = rows["seats on duty per day (agent-days)"], rows["cost per item"]
    assert seats["low"] < seats["central"] < seats["high"]
    assert cost["low"] < cost["central"] < cost["high"]


def test_checks_are_rows_of_a_data_file_and_a_bad_row_is_named(inputs):
    from hotlinecompare.harmonise.knowledge import read_data_csv

    checks = read_data_csv(consistency.CHECKS_FILE)
    assert consistency.consistency_table(inputs)["check"].unique(maintain_order=True).to_list() == checks["check"].to_list()
    one = checks.head(1)
    renamed = one.with_columns(pl.lit("renamed_check").alias("check"))
    assert set(consistency.consistency_table(inputs, renamed)["check"]) == {"renamed_check"}
    with pytest.raises(HotlineError, match="unknown consistency template") as e:
        consistency.consistency_table(inputs, one.with_columns(pl.lit("no_such_template").alias("template")))
    assert e.value.line == 2
    with pytest.raises(HotlineError, match="unknown input source"):
        consistency.consistency_table(inputs, one.with_columns(pl.lit("price=nowhere:x").alias("inputs")))
