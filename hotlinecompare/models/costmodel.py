"""What a connection-rate (接通率) target costs with in-house, outsourced or mixed seat staff, like for like.

Staffing (``staffing_plan``): hour by hour with Erlang A, an occupancy cap, an optional service level,
scheduling loss, shrinkage, and seats from the documents' staff-per-seat ratios. The same staff and
seats are needed whoever employs them; the options differ in what the centre pays per agent:

- in-house: the agent's pay, insurance and per-head running costs (a document), plus team leaders
  (``supervisors_per_agent`` × ``supervisor_cost_multiple``), training, and management overhead;
- outsourced: the contract price per agent — the contractor's pay (``contractor_pay_ratio`` × the
  in-house cost), the same team leaders and training, its overhead, margin and VAT (or a stated price,
  ``outsourced_price_per_fte_year`` > 0) — plus the centre's own cost of managing the contract;
- both: seats × (platform rental + space and equipment).

Inputs and their sources: ``cost_inputs`` (re-exported here). Uncertainty: ``uncertainty``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl

from hotlinecompare.models.cost_inputs import (  # noqa: F401  (the model's public names, re-exported)
    FIELDS,
    MODEL_TABLES,
    UNIT_COST_REF,
    Assumptions,
    ModelInputs,
    as_arrays,
    documented_outsourced_share,
    lookup,
    model_inputs,
    read_assumption_table,
    references,
    resolve_assumptions,
    seat_unit_costs,
)
from hotlinecompare.models.staffing_plan import (  # noqa: F401
    DAYS_PER_WEEK,
    DAYS_PER_YEAR,
    SECONDS_PER_HOUR,
    arrival_profile,
    peak_calls_per_hour,
    staff_plan,
)

MODELS = ("in_house", "outsourced", "mixed")


# --- prices per agent ---------------------------------------------------------------------------

def team_factor(p: dict[str, np.ndarray]) -> np.ndarray:
    """Cost of an agent with their share of team leaders, per unit of an agent's cost."""
    return 1.0 + p["supervisors_per_agent"] * p["supervisor_cost_multiple"]


def in_house_cost_per_agent(p: dict[str, np.ndarray]) -> np.ndarray:
    """Fully loaded in-house cost of one agent-year: pay and per-head costs, team leaders, training, management."""
    direct = p["in_house_cost_per_fte_year"] * team_factor(p) + p["training_per_agent_year"]
    return direct * (1.0 + p["management_overhead_share"])


def built_up_contract_price(p: dict[str, np.ndarray]) -> np.ndarray:
    """Contract price per agent-year from its components: (pay + team leaders + training) × overhead × margin × VAT."""
    cost = p["in_house_cost_per_fte_year"] * p["contractor_pay_ratio"] * team_factor(p) + p["training_per_agent_year"]
    return cost * (1.0 + p["contractor_overhead_share"]) * (1.0 + p["contractor_margin"]) * (1.0 + p["vat_rate"])


def contract_price(p: dict[str, np.ndarray]) -> np.ndarray:
    """The contract price per agent-year the model uses: a stated price if > 0, else the built-up one."""
    stated = p["outsourced_price_per_fte_year"]
    return np.where(stated > 0, stated, built_up_contract_price(p))


def outsourced_cost_per_agent(p: dict[str, np.ndarray]) -> np.ndarray:
    """What the centre pays per outsourced agent-year: the contract price and its own contract management."""
    return contract_price(p) * (1.0 + p["contract_management_share"])


def seat_cost_per_seat(p: dict[str, np.ndarray]) -> np.ndarray:
    return p["seat_cost_per_seat_year"] + p["space_equipment_per_seat_year"]


# --- the model ----------------------------------------------------------------------------------

def _cost_arrays(target, p, model: str, mixed_share: float, pooled: bool, profile=None) -> dict[str, np.ndarray]:
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; expected one of {', '.join(MODELS)}")
    share = {"in_house": 0.0, "outsourced": 1.0}.get(model, mixed_share)
    if not 0.0 <= share <= 1.0:
        raise ValueError("mixed_share (the outsourced share of staff) must lie in [0, 1]")
    profile = arrival_profile() if profile is None else profile
    if model == "mixed" and not pooled:  # two separate queues, each meeting the target on its own calls
        parts = [staff_plan(target, p, profile, 1.0 - share), staff_plan(target, p, profile, share)]
        q = {k: parts[0][k] + parts[1][k] for k in parts[0] if k not in ("service_level", "peak_occupancy")}
        calls = parts[0]["calls_per_day"] + parts[1]["calls_per_day"]
        q["service_level"] = sum(x["service_level"] * x["calls_per_day"] for x in parts) / calls
        q["peak_occupancy"] = np.maximum(parts[0]["peak_occupancy"], parts[1]["peak_occupancy"])
        fte_in, fte_out = parts[0]["fte"], parts[1]["fte"]
    else:
        q = staff_plan(target, p, profile)
        fte_in, fte_out = q["fte"] * (1.0 - share), q["fte"] * share
    in_house = fte_in * p["in_house_cost_per_fte_year"] * team_factor(p) + fte_in * p["training_per_agent_year"]
    price = contract_price(p)
    q.update(fte_in_house=fte_in, fte_outsourced=fte_out, in_house_staff_cost_yuan=in_house,
             management_cost_yuan=in_house * p["management_overhead_share"],
             outsourced_staff_cost_yuan=fte_out * price,
             contract_management_cost_yuan=fte_out * price * p["contract_management_share"],
             seat_cost_yuan=q["seats"] * seat_cost_per_seat(p), contract_price_per_fte_year=price + 0.0 * q["fte"],
             connection_rate=q["answered_per_day"] / q["calls_per_day"], calls_per_year=q["calls_per_day"] * DAYS_PER_YEAR)
    q["total_cost_yuan"] = sum(q[c] for c in COST_PARTS)
    q["outsourced_share"] = np.asarray(share)
    return q


COST_PARTS = ("in_house_staff_cost_yuan", "management_cost_yuan", "outsourced_staff_cost_yuan",
              "contract_management_cost_yuan", "seat_cost_yuan")
COST_COLUMNS = ("calls_per_year", "agents_peak", "agents_offpeak", "peak_scheduled_agents", "seats", "fte",
                "fte_in_house", "fte_outsourced", "connection_rate", "service_level", "peak_occupancy",
                "contract_price_per_fte_year", *COST_PARTS, "total_cost_yuan")


def annual_cost(target_connection_rate, assumptions: Assumptions, model: str = "in_house", *,
                mixed_share: float = 0.5, pooled: bool = True, profile=None) -> pl.DataFrame:
    """Annual cost of meeting a connection-rate target, one row per target (and per array-valued assumption).

    model: in_house (all staff employed), outsourced (all staff bought per head) or mixed
    (``mixed_share`` of the staff outsourced; ``pooled=False`` runs two separate queues, each meeting
    the target). connection_rate is what the whole-number staffing achieves over the day (≥ target).
    profile: 24 hourly shares (default: data/cost_arrival_profile.csv).
    """
    p = as_arrays(assumptions)
    target = np.asarray(target_connection_rate, dtype=float)
    q = _cost_arrays(target, p, model, mixed_share, pooled, profile)
    shape = np.broadcast_shapes(target.shape, *(np.shape(q[c]) for c in COST_COLUMNS))
    data = {"target_connection_rate": np.broadcast_to(target, shape).ravel()}
    data.update({c: np.broadcast_to(q[c], shape).ravel().astype(float) for c in COST_COLUMNS})
    frame = pl.DataFrame(data).with_columns(pl.lit(model).alias("model"),
                                            pl.lit(float(q["outsourced_share"])).alias("outsourced_share"),
                                            pl.lit(pooled or model != "mixed").alias("pooled"))
    return frame.with_columns((pl.col("total_cost_yuan") / (pl.col("calls_per_year") * pl.col("connection_rate")))
                              .alias("cost_per_answered_call_yuan"))


def cost_curve(assumptions: Assumptions, targets=None, *, models=MODELS, mixed_share: float = 0.5,
               pooled: bool = True, profile=None) -> pl.DataFrame:
    """annual_cost over targets (default 70 % → 99 % in steps of one point) for each model, stacked."""
    # rounded so that 0.8 is 0.8, not 0.7999999999999999 (the grid's targets are looked up by value)
    targets = np.round(np.linspace(0.70, 0.99, 30), 2) if targets is None else np.asarray(targets, dtype=float)
    return pl.concat([annual_cost(targets, assumptions, m, mixed_share=mixed_share, pooled=pooled, profile=profile)
                      for m in models])


def break_even_price(target_connection_rate: float, assumptions: Assumptions, profile=None) -> pl.DataFrame:
    """The contract price per agent-year at which buying staff costs the centre what employing them costs.

    Both options need the same staff and seats, and the outsourced cost is linear in the price
    (FTE × price × (1 + contract management) + seats), so the price solves the equality exactly. It is
    the fully loaded in-house cost per agent over (1 + contract management): a like-for-like comparison
    of prices per agent, whatever the target.
    """
    inside = annual_cost(target_connection_rate, assumptions, "in_house", profile=profile).row(0, named=True)
    bought = annual_cost(target_connection_rate, assumptions, "outsourced", profile=profile).row(0, named=True)
    a = assumptions
    price = (inside["total_cost_yuan"] - bought["seat_cost_yuan"]) / (bought["fte"] * (1.0 + a.contract_management_share))
    model_price = bought["contract_price_per_fte_year"]
    return pl.DataFrame([{
        "target_connection_rate": float(target_connection_rate), "fte": bought["fte"], "seats": bought["seats"],
        "in_house_total_yuan": inside["total_cost_yuan"], "outsourced_total_yuan": bought["total_cost_yuan"],
        "in_house_cost_per_agent_year": float(in_house_cost_per_agent(as_arrays(a))),
        "model_contract_price": model_price, "break_even_price_per_fte_year": price,
        "model_price_over_break_even": model_price / price - 1.0}])


def break_even_volume(target_connection_rate: float, assumptions: Assumptions, fixed_annual_price: float,
                      model: str = "in_house", *, relative_tolerance: float = 1e-6, profile=None) -> pl.DataFrame:
    """The calls per year at which staffing the queue (``model``) costs as much as a fixed annual price.

    Cost is a step function of volume (whole agents), so this is the smallest volume whose cost
    reaches the price: cost(calls_below) < price <= cost(calls_at) with the two within the tolerance.
    Only like for like when the fixed price buys what the model prices (staff, seats, space, management).
    """
    def cost(calls):
        return annual_cost(target_connection_rate, replace(assumptions, annual_requests=calls, call_share=1.0),
                           model, profile=profile)["total_cost_yuan"][0]

    low, high = 0.0, 1000.0
    while cost(high) < fixed_annual_price:
        low, high = high, high * 2
    while high - low > relative_tolerance * high:
        middle = (low + high) / 2
        low, high = (middle, high) if cost(middle) < fixed_annual_price else (low, middle)
    at = annual_cost(target_connection_rate, replace(assumptions, annual_requests=high, call_share=1.0), model,
                     profile=profile)
    return at.select("target_connection_rate", "model", pl.col("calls_per_year").alias("calls_at"),
                     (pl.col("calls_per_year") / DAYS_PER_YEAR).alias("calls_per_day"), "agents_peak", "fte",
                     "total_cost_yuan").with_columns(pl.lit(low).alias("calls_below"),
                                                     pl.lit(cost(low)).alias("cost_below_yuan"),
                                                     pl.lit(float(fixed_annual_price)).alias("fixed_annual_price"))


def sensitivity(target_connection_rate: float, assumptions: Assumptions, assumption_table: pl.DataFrame,
                model: str = "in_house", *, mixed_share: float = 0.5, points: int = 9, profile=None) -> pl.DataFrame:
    """One-at-a-time ranges for a tornado: each assumption over its low–high range, the others at default.

    The cost is evaluated on ``points`` values spanning the range plus the default, so cost_min and
    cost_max bracket the default cost even where the cost is not monotone in the assumption.
    Assumptions without a range (low == high) are left out.
    """
    base = as_arrays(assumptions)
    profile = arrival_profile() if profile is None else profile
    default_cost = float(_cost_arrays(target_connection_rate, base, model, mixed_share, True, profile)["total_cost_yuan"])
    rows = []
    for r in assumption_table.filter(pl.col("low") < pl.col("high")).rows(named=True):
        default = float(base[r["name"]])
        grid = np.unique(np.r_[np.linspace(r["low"], r["high"], points), default])
        varied = {**base, r["name"]: grid}
        totals = _cost_arrays(target_connection_rate, varied, model, mixed_share, True, profile)["total_cost_yuan"]
        rows.append({"name": r["name"], "unit": r["unit"], "source_kind": r["source_kind"], "low": r["low"],
                     "default": default, "high": r["high"], "cost_at_low_yuan": float(totals[0]),
                     "cost_at_high_yuan": float(totals[-1]), "cost_min_yuan": float(totals.min()),
                     "cost_max_yuan": float(totals.max()), "default_cost_yuan": default_cost})
    return (pl.DataFrame(rows).with_columns((pl.col("cost_max_yuan") - pl.col("cost_min_yuan")).alias("swing_yuan"),
                                            pl.lit(model).alias("model"),
                                            pl.lit(float(target_connection_rate)).alias("target_connection_rate"))
            .sort("swing_yuan", "name", descending=[True, False]))


def scenario_grid(assumptions: Assumptions, assumption_table: pl.DataFrame, names) -> Assumptions:
    """Every combination of low, default and high of the named assumptions, as array-valued Assumptions."""
    ranges = {r["name"]: sorted({r["low"], float(getattr(assumptions, r["name"])), r["high"]})
              for r in assumption_table.filter(pl.col("name").is_in(list(names))).rows(named=True)}
    mesh = np.meshgrid(*ranges.values(), indexing="ij")
    return replace(assumptions, **{name: grid.ravel() for name, grid in zip(ranges, mesh)})
