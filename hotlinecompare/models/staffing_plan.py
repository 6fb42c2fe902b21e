"""Staffing a planner would accept: hour by hour, Erlang A, capped occupancy, scheduling loss, seats.

Each hour of the day gets the fewest agents that meet, in that hour, the connection-rate target
(接通率 = 1 − P(abandon), Erlang A), an occupancy cap (offered load / agents ≤ cap; 1 = none) and, if set, a
service level (share answered within ``answer_seconds``). Calls arrive by the hourly profile
(``data/cost_arrival_profile.csv``, an assumption unless a centre's own counts replace it) raised to
``peak_concentration``. Scheduled agent-hours are the required ones over ``scheduling_efficiency``;
staff (FTE) = scheduled agent-hours a week / (paid hours × (1 − shrinkage)); seats = the larger of the
peak scheduled agents and staff / ``staff_per_seat`` (the documents' own ratios,
:func:`documented_staff_per_seat`).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from hotlinecompare.errors import HotlineError
from hotlinecompare.harmonise.knowledge import read_data_csv
from hotlinecompare.models import queueing

DAYS_PER_YEAR = 365
DAYS_PER_WEEK = 7
SECONDS_PER_HOUR = 3600
HOURS_PER_DAY = 24
PROFILE_FILE = "cost_arrival_profile.csv"
# A service-level search stops after this many extra agents per hour (the target is then unreachable).
MAX_EXTRA_AGENTS = 2000


def arrival_profile(table: pl.DataFrame | None = None) -> np.ndarray:
    """The 24 hourly shares of a day's calls (sum 1), from the data file or a table with hour and share_pct."""
    table = read_data_csv(PROFILE_FILE) if table is None else table
    hours = [int(h) for h in table["hour"].to_list()]
    if hours != list(range(HOURS_PER_DAY)):
        raise HotlineError("the arrival profile needs one row per hour 0–23, in order",
                           file=f"hotlinecompare/data/{PROFILE_FILE}", found=str(hours), expected="0, 1, …, 23")
    shares = np.array([float(s) for s in table["share_pct"].to_list()])
    if np.any(shares < 0) or shares.sum() <= 0:
        raise HotlineError("arrival shares must be ≥ 0 and not all zero", file=f"hotlinecompare/data/{PROFILE_FILE}",
                           found=str(shares.tolist()))
    return shares / shares.sum()


def hourly_calls(p: dict[str, np.ndarray], profile: np.ndarray, share: float = 1.0) -> np.ndarray:
    """Calls per hour in each hour of the day, shape (..., 24): the day's calls spread by profile^k."""
    weights = np.where(profile > 0, profile, 0.0) ** np.asarray(p["peak_concentration"])[..., None]
    weights = weights / weights.sum(axis=-1, keepdims=True)
    per_day = p["annual_requests"] * p["call_share"] / DAYS_PER_YEAR * share
    return np.asarray(per_day)[..., None] * weights


def peak_calls_per_hour(p: dict[str, np.ndarray], profile: np.ndarray) -> np.ndarray:
    """Calls in the busiest hour of the day."""
    return hourly_calls(p, profile).max(axis=-1)


def _service_level(agents, per_hour, aht, patience, seconds):
    result = queueing.erlang_a(agents=agents, arrival_rate=per_hour / SECONDS_PER_HOUR, aht=aht, patience=patience)
    return result, result.service_level(seconds)


def hourly_agents(per_hour: np.ndarray, target, p: dict[str, np.ndarray]) -> np.ndarray:
    """Fewest agents in each hour meeting the connection-rate target, the occupancy cap and the service level."""
    aht, patience = np.asarray(p["aht_seconds"])[..., None], np.asarray(p["patience_seconds"])[..., None]
    target = np.asarray(target, dtype=float)[..., None]
    by_rate = queueing.agents_needed(arrival_rate=per_hour / SECONDS_PER_HOUR, aht=aht, patience=patience,
                                     connection_rate_target=target)
    load = per_hour / SECONDS_PER_HOUR * aht
    cap = np.asarray(p["occupancy_cap"])[..., None]
    if np.any((cap <= 0) | (cap > 1)):
        raise ValueError("occupancy_cap must lie in (0, 1]")
    # cap 1 = no cap (Erlang A may staff below the offered load); the tolerance keeps a whole load whole
    by_occupancy = np.where(cap < 1, np.ceil(load / cap - 1e-9), 0.0)
    agents = np.maximum(by_rate, by_occupancy)
    level_target = np.broadcast_to(np.asarray(p["service_level_target"])[..., None], agents.shape)
    if np.any(level_target > 0):
        seconds = np.asarray(p["answer_seconds"])[..., None]
        for _ in range(MAX_EXTRA_AGENTS):
            short = _service_level(agents, per_hour, aht, patience, seconds)[1] < level_target
            if not short.any():
                break
            agents = agents + short
        else:
            raise ValueError("service_level_target not reachable: lower it or raise answer_seconds")
    return agents


def staff_plan(target, p: dict[str, np.ndarray], profile: np.ndarray, share: float = 1.0) -> dict[str, np.ndarray]:
    """One queue taking ``share`` of the calls: agents by hour, FTE, seats, and what the staffing achieves."""
    per_hour = hourly_calls(p, profile, share)
    target = np.asarray(target, dtype=float)
    per_hour = np.broadcast_to(per_hour, np.broadcast_shapes(per_hour.shape, target.shape + (1,)))
    agents = hourly_agents(per_hour, target, p)
    efficiency = np.asarray(p["scheduling_efficiency"])
    if np.any((efficiency <= 0) | (efficiency > 1)):
        raise ValueError("scheduling_efficiency must lie in (0, 1]")
    scheduled_hours_week = DAYS_PER_WEEK * agents.sum(axis=-1) / efficiency
    fte = queueing.seats_to_staff(scheduled_hours_week / (DAYS_PER_WEEK * HOURS_PER_DAY),
                                  hours_open_per_week=DAYS_PER_WEEK * HOURS_PER_DAY,
                                  paid_hours_per_fte_per_week=p["paid_hours_per_fte_per_week"], shrinkage=p["shrinkage"])
    fte = np.asarray(fte)
    peak_scheduled = np.ceil(agents.max(axis=-1) / efficiency - 1e-9)
    seats = np.maximum(peak_scheduled, np.ceil(fte / p["staff_per_seat"] - 1e-9))
    result, within = _service_level(agents, per_hour, np.asarray(p["aht_seconds"])[..., None],
                                    np.asarray(p["patience_seconds"])[..., None], np.asarray(p["answer_seconds"])[..., None])
    calls = per_hour.sum(axis=-1)
    load = per_hour / SECONDS_PER_HOUR * np.asarray(p["aht_seconds"])[..., None]
    occupancy = load / np.maximum(agents, 1)
    busiest = np.argmax(np.broadcast_to(per_hour, occupancy.shape), axis=-1)[..., None]
    return {"agents_by_hour": agents, "agents_peak": agents.max(axis=-1), "agents_offpeak": agents.min(axis=-1),
            "peak_scheduled_agents": peak_scheduled, "fte": fte, "seats": seats,
            "answered_per_day": (per_hour * result.connection_rate).sum(axis=-1),
            "service_level": (per_hour * within).sum(axis=-1) / np.where(calls > 0, calls, 1.0),
            "peak_occupancy": np.take_along_axis(occupancy, busiest, axis=-1)[..., 0],
            "calls_per_day": calls}


def documented_staff_per_seat(staffing: pl.DataFrame, contract_prices: pl.DataFrame | None = None) -> pl.DataFrame:
    """Staff per seat where a document or a cited contract states both: the ratios staff_per_seat is checked against.

    From the staffing table: each hotline's outsourced staff (full-year target, a ceiling) over its rented
    seat licences in the same year. From contracts: contract_staff / contract_seats.
    """
    rows = []
    seats = staffing.filter(pl.col("kind") == "rented_seat_licences")
    staff = staffing.filter((pl.col("kind") == "outsourced_seat_staff") & (pl.col("period") == "full_year"))
    for s in seats.iter_rows(named=True):
        match = staff.filter((pl.col("hotline") == s["hotline"]) & (pl.col("fiscal_year") == s["fiscal_year"])
                             & (pl.col("city") == s["city"]))
        if match.height == 1:
            m = match.row(0, named=True)
            rows.append({"source": "document", "place": s["city"], "subject": s["hotline"], "year": s["fiscal_year"],
                         "staff": m["count"], "staff_operator": m["operator"] or "=", "seats": s["count"],
                         "staff_per_seat": m["count"] / s["count"], "ids": ";".join(sorted({m["fact_ids"], s["fact_ids"]}))})
    if contract_prices is not None:
        both = contract_prices.filter(pl.col("staff").is_not_null() & pl.col("seats").is_not_null())
        for r in both.iter_rows(named=True):
            rows.append({"source": "contract", "place": r["place_zh"], "subject": r["subject"], "year": r["year"],
                         "staff": r["staff"], "staff_operator": "=", "seats": r["seats"],
                         "staff_per_seat": r["staff"] / r["seats"], "ids": r["cite_ids"]})
    return pl.DataFrame(rows, schema={"source": pl.String, "place": pl.String, "subject": pl.String, "year": pl.Int64,
                                      "staff": pl.Float64, "staff_operator": pl.String, "seats": pl.Float64,
                                      "staff_per_seat": pl.Float64, "ids": pl.String})
