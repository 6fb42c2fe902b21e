"""Do the documents' own numbers hang together? What they imply, as ranges over the assumptions.

Each check returns tidy rows: check, city, quantity, unit, bound (how the implied value relates to
the truth: at_most, at_least or about), low, central, high, inputs (fact ids), varied (the
assumptions spanned) and a note. central is the value at the default assumptions; low and high are
the extremes over every combination of low, default and high of the varied assumptions, so
low ≤ central ≤ high. Targets stay targets: a check says what a target implies, not what happened.

Which checks run, for which place and on which inputs, is data (``data/consistency_checks.csv``:
check, template, city, inputs, note); this module holds the templates. An input is written
``name=source:key[:basis[:same_year]]`` with source ``unit_cost`` (a unit cost recipe id), ``service``
(a metric key) or ``staffing`` (a staffing kind); ``same_year`` takes the year of the check's first input.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl

from hotlinecompare.errors import HotlineError
from hotlinecompare.harmonise.knowledge import read_data_csv
from hotlinecompare.models import queueing
from hotlinecompare.models.costmodel import (
    DAYS_PER_WEEK,
    DAYS_PER_YEAR,
    SECONDS_PER_HOUR,
    Assumptions,
    ModelInputs,
    annual_cost,
    arrival_profile,
    as_arrays,
    contract_price,
    lookup,
    peak_calls_per_hour,
    scenario_grid,
)
from hotlinecompare.models.staffing_plan import HOURS_PER_DAY

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


def price_floor_productivity(inputs: ModelInputs, spec: dict) -> pl.DataFrame:
    """What an annual price and a ≥ items-per-seat-per-day floor imply about seats and cost per item.

    The price buys at most price / (the model's contract price per agent-year) staff (it also pays the platform
    and facilities); a 坐席 is read as one agent on duty for a day (a staff member works 5 of 7 days,
    less shrinkage). Items per day = floor × seats; cost per item = price / (items per day × 365).
    """
    a, table = inputs.assumptions, inputs.assumption_table
    values = resolve_inputs(inputs, spec)
    (price, price_ids), (floor, floor_ids) = values["price"], values["floor"]
    varied = ["contractor_pay_ratio", "shrinkage"]
    ids = price_ids + floor_ids + _assumption_ids(table, "in_house_cost_per_fte_year")

    def implied(x: Assumptions):
        staff = price / contract_price(as_arrays(x))
        seats = staff * (1 - np.asarray(x.shrinkage)) * WORKDAYS_PER_WEEK / DAYS_PER_WEEK
        items = floor * seats
        return staff, seats, items, price / (items * DAYS_PER_YEAR)

    grid, centre = implied(scenario_grid(a, table, varied)), implied(a)
    quantities = [("staff the annual price can pay for", "staff", "at_most"),
                  ("seats on duty per day (agent-days)", "seat", "at_most"),
                  ("items per day at the items-per-seat floor", "case_per_day", "about"),
                  ("cost per item", "yuan_per_case", "about")]
    return _frame([_row(spec["check"], spec["city"], q, u, b, g, c, ids, varied, spec["note"])
                   for (q, u, b), g, c in zip(quantities, grid, centre)])


def answered_calls_staffing(inputs: ModelInputs, spec: dict) -> pl.DataFrame:
    """Agents and staff a ≥ answered-calls-per-day target needs at its ≥ connection-rate target (Erlang A)."""
    a, table = inputs.assumptions, inputs.assumption_table
    values = resolve_inputs(inputs, spec)
    (answered, answered_ids), (target, target_ids) = values["answered"], values["rate"]
    offered_per_year = answered / target * DAYS_PER_YEAR  # answered = offered × connection rate
    varied = ["aht_seconds", "patience_seconds", "peak_concentration", "shrinkage", "paid_hours_per_fte_per_week"]
    profile = arrival_profile()
    ids = answered_ids + target_ids + _assumption_ids(table, "in_house_cost_per_fte_year")

    def implied(x: Assumptions):
        x = replace(x, annual_requests=offered_per_year, call_share=1.0)
        cost = annual_cost(target, x, "in_house")
        peak = peak_calls_per_hour(as_arrays(x), profile)
        load = peak / SECONDS_PER_HOUR * np.asarray(x.aht_seconds)
        return (np.broadcast_to(offered_per_year / DAYS_PER_YEAR, np.shape(load)), load,
                cost["agents_peak"].to_numpy(), cost["fte"].to_numpy(), cost["total_cost_yuan"].to_numpy())

    grid, centre = implied(scenario_grid(a, table, varied)), [float(np.ravel(v)[0]) for v in implied(a)]
    quantities = [("offered calls per day (answered ÷ connection rate)", "call_per_day", "at_least"),
                  ("offered load in the peak hour", "erlang", "at_least"),
                  ("agents on the phones in the peak hour", "agent", "at_least"),
                  ("full-time staff (FTE)", "staff", "at_least"),
                  ("annual staff and seat cost at the model's in-house unit costs", "yuan_per_year", "at_least")]
    return _frame([_row(spec["check"], spec["city"], q, u, b, g, c, ids, varied, spec["note"])
                   for (q, u, b), g, c in zip(quantities, grid, centre)])


def capacity_per_seat(inputs: ModelInputs, spec: dict) -> pl.DataFrame:
    """Calls per seat and erlangs implied by a call capacity and a ≥ count of concurrent seat users."""
    a, table = inputs.assumptions, inputs.assumption_table
    values = resolve_inputs(inputs, spec)
    (capacity, capacity_ids), (seats, seat_ids) = values["capacity"], values["seats"]
    varied = ["aht_seconds", "patience_seconds", "peak_concentration"]
    profile = arrival_profile()

    def implied(x: Assumptions):
        x = replace(x, annual_requests=capacity, call_share=1.0)
        peak = peak_calls_per_hour(as_arrays(x), profile)
        mean = capacity / DAYS_PER_YEAR / HOURS_PER_DAY
        aht = np.asarray(x.aht_seconds)
        peak_load = peak / SECONDS_PER_HOUR * aht
        answered = queueing.erlang_a(agents=seats, arrival_rate=peak / SECONDS_PER_HOUR, aht=aht,
                                     patience=x.patience_seconds).connection_rate
        per_seat = np.broadcast_to(capacity / seats, aht.shape)
        return (per_seat, per_seat / DAYS_PER_YEAR, mean / SECONDS_PER_HOUR * aht, peak_load, peak_load / seats, answered)

    grid, centre = implied(scenario_grid(a, table, varied)), [float(np.ravel(v)[0]) for v in implied(a)]
    quantities = [("calls per seat per year at full capacity", "call_per_seat_year", "at_most"),
                  ("calls per seat per day at full capacity", "call_per_seat_day", "at_most"),
                  ("average offered load at full capacity", "erlang", "about"),
                  ("peak-hour offered load at full capacity", "erlang", "about"),
                  ("peak-hour load per seat user (occupancy if all staffed)", "fraction", "at_most"),
                  ("connection rate with every seat user staffed at the peak", "fraction", "at_least")]
    return _frame([_row(spec["check"], spec["city"], q, u, b, g, c, capacity_ids + seat_ids, varied, spec["note"])
                   for (q, u, b), g, c in zip(quantities, grid, centre)])


def rate_shortfall(inputs: ModelInputs, spec: dict) -> pl.DataFrame:
    """The agents and staff between an actual connection rate and the same year's target, at the assumed volume.

    Staffed for the connection rate alone (no occupancy cap or answer-time target): the check asks what the
    two rates imply, not what a planner would staff.
    """
    a, table = inputs.assumptions, inputs.assumption_table
    values = resolve_inputs(inputs, spec)
    (actual, actual_ids), (target, target_ids), (in_post, post_ids) = (
        values["actual"], values["target"], values["in_post"])
    varied = ["call_share", "aht_seconds", "patience_seconds", "peak_concentration", "shrinkage"]
    ids = (actual_ids + target_ids + post_ids + _assumption_ids(table, "annual_requests")
           + _assumption_ids(table, "in_house_cost_per_fte_year"))

    def implied(x: Assumptions):
        x = replace(x, occupancy_cap=1.0, service_level_target=0.0)
        got, aim = annual_cost(actual, x, "in_house"), annual_cost(target, x, "in_house")
        short = [aim[c].to_numpy() - got[c].to_numpy() for c in ("agents_peak", "fte", "total_cost_yuan")]
        return (got["fte"].to_numpy(), got["fte"].to_numpy() - in_post, *short)

    grid, centre = implied(scenario_grid(a, table, varied)), [float(np.ravel(v)[0]) for v in implied(a)]
    quantities = [("staff (FTE) the model needs for the actual rate", "staff", "about"),
                  ("that, less the contract seat staff in post at year end", "staff", "about"),
                  ("agents short in the peak hour (target − actual)", "agent", "about"),
                  ("staff (FTE) short (target − actual)", "staff", "about"),
                  ("annual in-house cost of closing the gap", "yuan_per_year", "about")]
    return _frame([_row(spec["check"], spec["city"], q, u, b, g, c, ids, varied, spec["note"])
                   for (q, u, b), g, c in zip(quantities, grid, centre)])


TEMPLATES = {"price_floor_productivity": price_floor_productivity, "answered_calls_staffing": answered_calls_staffing,
             "capacity_per_seat": capacity_per_seat, "rate_shortfall": rate_shortfall}
CHECKS_FILE = "consistency_checks.csv"


def resolve_inputs(inputs: ModelInputs, spec: dict) -> dict[str, tuple[float, list[str]]]:
    """A check's inputs (``name=source:key[:basis[:same_year]]``, ';'-separated) as values with fact ids."""
    out: dict[str, tuple[float, list[str]]] = {}
    year = None
    for item in spec["inputs"].split(";"):
        name, _, ref = item.partition("=")
        source, key, basis, when = (ref.split(":") + ["", "", ""])[:4]
        fiscal_year = year if when == "same_year" else None
        if source == "unit_cost":
            out[name] = lookup(f"unit_cost:{key}", inputs.facts, inputs.unit_costs)
        elif source == "service":
            out[name] = metric(inputs.tables["service"], spec["city"], key, basis, fiscal_year)
            if year is None:
                ids = ";".join(out[name][1])
                year = int(inputs.tables["service"].filter(pl.col("fact_ids") == ids)["fiscal_year"][0] or 0) or None
        elif source == "staffing":
            out[name] = count(inputs.tables["staffing"], spec["city"], key, basis, fiscal_year)
        else:
            raise HotlineError(f"check {spec['check']}: unknown input source {source!r}", file=f"data/{CHECKS_FILE}",
                               found=item, expected="unit_cost:…, service:… or staffing:…")
    return out


def consistency_table(inputs: ModelInputs, checks: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every check of ``data/consistency_checks.csv`` (or ``checks``), stacked in file order."""
    checks = read_data_csv(CHECKS_FILE) if checks is None else checks
    frames = []
    for line, spec in enumerate(checks.iter_rows(named=True), start=2):
        if spec["template"] not in TEMPLATES:
            raise HotlineError(f"unknown consistency template {spec['template']!r}", file=f"data/{CHECKS_FILE}",
                               line=line, expected=", ".join(sorted(TEMPLATES)))
        frames.append(TEMPLATES[spec["template"]](inputs, spec))
    return pl.concat(frames)
