"""Do the documents' own numbers hang together? What they imply, as ranges over the assumptions.

Each check returns tidy rows: check, city, quantity, unit, bound (how the implied value relates to
the truth: at_most, at_least or about), low, central, high, inputs (fact ids), varied (the
assumptions spanned) and a note. central is the value at the default assumptions; low and high are
the extremes over every combination of low, default and high of the varied assumptions, so
low ≤ central ≤ high. Targets stay targets: a check says what a target implies, not what happened.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl

from hotlinecompare.errors import HotlineError
from hotlinecompare.models import queueing
from hotlinecompare.models.costmodel import (
    DAYS_PER_WEEK,
    DAYS_PER_YEAR,
    SECONDS_PER_HOUR,
    Assumptions,
    ModelInputs,
    annual_cost,
    as_arrays,
    calls_per_hour,
    lookup,
    scenario_grid,
)

# 国务院关于职工工作时间的规定 (1995): 8 hours a day, 40 a week, so a full-time week has 5 working days.
WORKDAYS_PER_WEEK = 5
COLUMNS = ("check", "city", "quantity", "unit", "bound", "low", "central", "high", "inputs", "varied", "note")


def _one(rows: pl.DataFrame, column: str, what: str, table: str) -> tuple[float, list[str]]:
    """The single value the rows state (rows repeating one value count once) and all their fact ids."""
    values = set(rows[column].to_list())
    if len(values) != 1:
        raise HotlineError(f"expected one value of {what} in the {table} table", found=str(sorted(values)),
                           expected="one value (narrow by city, basis, fiscal year)")
    return float(values.pop()), sorted({i for ids in rows["fact_ids"] for i in ids.split(";") if i})


def _narrow(rows: pl.DataFrame, basis: str, fiscal_year: int | None) -> pl.DataFrame:
    rows = rows.filter((pl.col("basis") == basis) & pl.col("period").is_in(["full_year", "annual"]))
    return rows if fiscal_year is None else rows.filter(pl.col("fiscal_year") == fiscal_year)


def metric(service: pl.DataFrame, city: str, key: str, basis: str, fiscal_year: int | None = None):
    """One service value (full-year or annual rows) and its fact ids; an error names what is missing."""
    rows = _narrow(service.filter((pl.col("city") == city) & (pl.col("metric_key") == key)), basis, fiscal_year)
    return _one(rows, "value", f"{city} {key} ({basis}, {fiscal_year or 'any year'})", "service")


def count(staffing: pl.DataFrame, city: str, kind: str, basis: str, fiscal_year: int | None = None):
    """One staffing count (full-year or annual rows) and its fact ids."""
    rows = _narrow(staffing.filter((pl.col("city") == city) & (pl.col("kind") == kind)), basis, fiscal_year)
    return _one(rows, "count", f"{city} {kind} ({basis}, {fiscal_year or 'any year'})", "staffing")


def _assumption_ids(table: pl.DataFrame, name: str) -> list[str]:
    """The fact ids behind an assumption's default (none for a pure assumption)."""
    return [i for i in table.filter(pl.col("name") == name)["fact_ids"][0].split(";") if i]


def _row(check, city, quantity, unit, bound, values, central, inputs, varied, note) -> dict:
    values = np.atleast_1d(np.asarray(values, dtype=float))
    return {"check": check, "city": city, "quantity": quantity, "unit": unit, "bound": bound,
            "low": float(values.min()), "central": float(central), "high": float(values.max()),
            "inputs": ";".join(sorted(set(inputs))), "varied": ";".join(varied), "note": note}


def _frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows).select(COLUMNS)


def jiangning_productivity(inputs: ModelInputs) -> pl.DataFrame:
    """江宁: what the annual price and the ≥ items per seat per day floor imply about seats and cost per item.

    The price buys at most price / (outsourced price per staff-year) staff (it also pays the platform
    and facilities); a 坐席 is read as one agent on duty for a day (a staff member works 5 of 7 days,
    less shrinkage). Items per day = floor × seats; cost per item = price / (items per day × 365).
    """
    a, table = inputs.assumptions, inputs.assumption_table
    price, price_ids = lookup("unit_cost:jn_centre_year", inputs.facts, inputs.unit_costs)
    floor, floor_ids = metric(inputs.tables["service"], "jiangning", "daily_items_per_seat", "target")
    varied = ["outsourced_price_per_fte_year", "shrinkage"]
    ids = price_ids + floor_ids + _assumption_ids(table, varied[0])

    def implied(x: Assumptions):
        staff = price / np.asarray(x.outsourced_price_per_fte_year)
        seats = staff * (1 - np.asarray(x.shrinkage)) * WORKDAYS_PER_WEEK / DAYS_PER_WEEK
        items = floor * seats
        return staff, seats, items, price / (items * DAYS_PER_YEAR)

    grid, centre = implied(scenario_grid(a, table, varied)), implied(a)
    note = ("江宁's price covers staff, managers, seat platform, facilities and platform O&M; staff are priced "
            "at 苏州's outsourced price per head, so the staff count is an upper bound. The item floor is a target.")
    quantities = [("staff the annual price can pay for", "staff", "at_most"),
                  ("seats on duty per day (agent-days)", "seat", "at_most"),
                  ("items per day at the items-per-seat floor", "case_per_day", "about"),
                  ("cost per item", "yuan_per_case", "about")]
    return _frame([_row("jiangning_productivity", "jiangning", q, u, b, g, c, ids, varied, note)
                   for (q, u, b), g, c in zip(quantities, grid, centre)])


def guiyang_answered_calls(inputs: ModelInputs) -> pl.DataFrame:
    """贵阳: agents and staff a ≥ answered-calls-per-day target needs at its ≥ connection-rate target (Erlang A)."""
    a, table, service = inputs.assumptions, inputs.assumption_table, inputs.tables["service"]
    answered, answered_ids = metric(service, "guiyang", "answered_calls_per_day", "target")
    target, target_ids = metric(service, "guiyang", "connection_rate", "target")
    offered_per_year = answered / target * DAYS_PER_YEAR  # answered = offered × connection rate
    varied = ["aht_seconds", "patience_seconds", "peak_factor", "peak_hours_per_day", "shrinkage",
              "paid_hours_per_fte_per_week"]
    ids = answered_ids + target_ids + _assumption_ids(table, "in_house_cost_per_fte_year")

    def implied(x: Assumptions):
        x = replace(x, annual_requests=offered_per_year, call_share=1.0)
        cost = annual_cost(target, x, "in_house")
        peak = calls_per_hour(as_arrays(x))[0]
        load = peak / SECONDS_PER_HOUR * np.asarray(x.aht_seconds)
        return (np.broadcast_to(offered_per_year / DAYS_PER_YEAR, np.shape(load)), load,
                cost["agents_peak"].to_numpy(), cost["fte"].to_numpy(), cost["total_cost_yuan"].to_numpy())

    grid, centre = implied(scenario_grid(a, table, varied)), [float(np.ravel(v)[0]) for v in implied(a)]
    note = ("Both figures are targets for 2024. 贵阳's seat staff service moved out of the centre's budget in "
            "2024, so the cost row prices the staff at 苏州's in-house cost per staff-year.")
    quantities = [("offered calls per day (answered ÷ connection rate)", "call_per_day", "at_least"),
                  ("offered load in the peak hour", "erlang", "at_least"),
                  ("agents on the phones in the peak hour", "agent", "at_least"),
                  ("full-time staff (FTE)", "staff", "at_least"),
                  ("annual staff and seat cost at 苏州's in-house unit costs", "yuan_per_year", "at_least")]
    return _frame([_row("guiyang_answered_calls", "guiyang", q, u, b, g, c, ids, varied, note)
                   for (q, u, b), g, c in zip(quantities, grid, centre)])


def guangzhou_capacity(inputs: ModelInputs) -> pl.DataFrame:
    """广州: calls per seat and erlangs implied by the call capacity and the ≥ concurrent seat users."""
    a, table = inputs.assumptions, inputs.assumption_table
    capacity, capacity_ids = metric(inputs.tables["service"], "guangzhou", "call_capacity", "target")
    seats, seat_ids = count(inputs.tables["staffing"], "guangzhou", "concurrent_seat_users", "target")
    varied = ["aht_seconds", "patience_seconds", "peak_factor"]

    def implied(x: Assumptions):
        x = replace(x, annual_requests=capacity, call_share=1.0)
        peak = calls_per_hour(as_arrays(x))[0]
        mean = capacity / DAYS_PER_YEAR / (np.asarray(x.hours_open_per_week) / DAYS_PER_WEEK)
        aht = np.asarray(x.aht_seconds)
        peak_load = peak / SECONDS_PER_HOUR * aht
        answered = queueing.erlang_a(agents=seats, arrival_rate=peak / SECONDS_PER_HOUR, aht=aht,
                                     patience=x.patience_seconds).connection_rate
        per_seat = np.broadcast_to(capacity / seats, aht.shape)
        return (per_seat, per_seat / DAYS_PER_YEAR, mean / SECONDS_PER_HOUR * aht, peak_load, peak_load / seats, answered)

    grid, centre = implied(scenario_grid(a, table, varied)), [float(np.ravel(v)[0]) for v in implied(a)]
    note = ("可支持话务总量 is a system capacity (a target, year not stated), not a volume handled; 广州 sets no "
            "connection-rate target (接通率: 无) and states no opening hours (the load uses hours_open_per_week). "
            "With ≥ seat users the per-seat figures are upper bounds.")
    quantities = [("calls per seat per year at full capacity", "call_per_seat_year", "at_most"),
                  ("calls per seat per day at full capacity", "call_per_seat_day", "at_most"),
                  ("average offered load at full capacity", "erlang", "about"),
                  ("peak-hour offered load at full capacity", "erlang", "about"),
                  ("peak-hour load per seat user (occupancy if all staffed)", "fraction", "at_most"),
                  ("connection rate with every seat user staffed at the peak", "fraction", "at_least")]
    return _frame([_row("guangzhou_capacity", "guangzhou", q, u, b, g, c, capacity_ids + seat_ids, varied, note)
                   for (q, u, b), g, c in zip(quantities, grid, centre)])


def suzhou_shortfall(inputs: ModelInputs) -> pl.DataFrame:
    """苏州 2022: the agents and staff between the actual connection rate and the target, at the assumed volume."""
    a, table, service = inputs.assumptions, inputs.assumption_table, inputs.tables["service"]
    actual, actual_ids = metric(service, "suzhou", "connection_rate", "actual")
    year = int(service.filter(pl.col("fact_ids") == ";".join(actual_ids))["fiscal_year"][0])
    target, target_ids = metric(service, "suzhou", "connection_rate", "target", year)  # the same year's target
    in_post, post_ids = count(inputs.tables["staffing"], "suzhou", "in_house_contract_seat_staff", "actual", year)
    varied = ["call_share", "aht_seconds", "patience_seconds", "peak_factor", "peak_hours_per_day", "shrinkage"]
    ids = (actual_ids + target_ids + post_ids + _assumption_ids(table, "annual_requests")
           + _assumption_ids(table, "in_house_cost_per_fte_year"))

    def implied(x: Assumptions):
        got, aim = annual_cost(actual, x, "in_house"), annual_cost(target, x, "in_house")
        short = [aim[c].to_numpy() - got[c].to_numpy() for c in ("agents_peak", "fte", "total_cost_yuan")]
        return (got["fte"].to_numpy(), got["fte"].to_numpy() - in_post, *short)

    grid, centre = implied(scenario_grid(a, table, varied)), [float(np.ravel(v)[0]) for v in implied(a)]
    note = ("The connection rate is the 2022 actual, the other rate its target. 2022 was an epidemic year: the "
            "volume holds 疫情 requests and the centre also bought third-party support, which the in-post count omits.")
    quantities = [("staff (FTE) the model needs for the actual rate", "staff", "about"),
                  ("that, less the contract seat staff in post at year end", "staff", "about"),
                  ("agents short in the peak hour (target − actual)", "agent", "about"),
                  ("staff (FTE) short (target − actual)", "staff", "about"),
                  ("annual in-house cost of closing the gap", "yuan_per_year", "about")]
    return _frame([_row("suzhou_shortfall", "suzhou", q, u, b, g, c, ids, varied, note)
                   for (q, u, b), g, c in zip(quantities, grid, centre)])


def consistency_table(inputs: ModelInputs) -> pl.DataFrame:
    """Every check, stacked."""
    return pl.concat([jiangning_productivity(inputs), guiyang_answered_calls(inputs), guangzhou_capacity(inputs),
                      suzhou_shortfall(inputs)])
