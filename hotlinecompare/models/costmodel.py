"""What a connection-rate (接通率) target costs with in-house, outsourced or mixed seat staff.

- Unit costs: the harmonised ``unit_costs`` rows the question needs, plus the two rows the recipes
  lack (in-house pay with every per-head overhead of the 12345 running project; 江宁's three-year
  ceiling), built with the same recipe machinery so each keeps its formula and fact ids.
- Assumptions: ``data/cost_assumptions.csv``. A document figure is read at run time by fact id (or
  ``unit_cost:`` recipe id); an assumption carries a cited low–high range. ``Assumptions`` holds one
  value per field; fields may be numpy arrays, which broadcast with the target (many scenarios at once).
- Model: Erlang A, so 接通率 = 1 − P(abandon). A day has ``peak_hours_per_day`` at ``peak_factor`` × the
  average open-hour rate and the other open hours at the rest; each part is staffed for the target.
  Seats = agents on the peak; staff (FTE) = agent-hours / productive paid hours
  (``queueing.seats_to_staff``); cost = FTE × price per staff-year + seats × rental per seat-year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace

import numpy as np
import polars as pl

from hotlinecompare.errors import HotlineError
from hotlinecompare.harmonise import NOTE_LABELS
from hotlinecompare.harmonise.knowledge import load_knowledge, read_data_csv
from hotlinecompare.harmonise.scope import attach_notes
from hotlinecompare.harmonise.unit_costs import unit_cost_table
from hotlinecompare.harmonise.vocabulary import squashed
from hotlinecompare.models import queueing

DAYS_PER_YEAR = 365
DAYS_PER_WEEK = 7
SECONDS_PER_HOUR = 3600
MODELS = ("in_house", "outsourced", "mixed")
ASSUMPTIONS_FILE = "hotlinecompare/data/cost_assumptions.csv"
ASSUMPTION_COLUMNS = ["name", "value", "unit", "low", "high", "source_kind", "fact_id", "citation", "description"]
SOURCE_KINDS = ("document", "assumption")
UNIT_COST_REF = "unit_cost:"
# The employment models of the harmonised unit costs that answer "what does a seat cost".
SEAT_MODELS = ("in_house_contract_staff", "outsourced_hotline_staff", "seat_platform_rental", "fully_outsourced_centre")
# Unit cost recipes only the cost model uses (each may narrow the spending rows to one project's section
# and name the annual recipe that a whole-term price is divided by): rows of a data file, like the
# harmonised recipes.
MODEL_RECIPES = "model_unit_cost_recipes.csv"


def references() -> dict[str, str]:
    """What the model and its figures refer to by role (reference city, the centre's recipes): a data file."""
    return dict(read_data_csv("cost_model_references.csv").select("role", "value").iter_rows())


@dataclass(frozen=True)
class Assumptions:
    """Every input of the scenario model, one named field each (defaults: data/cost_assumptions.csv).

    annual_requests: requests received per year, all channels (苏州 2022 actual; document).
    call_share: share of those requests that are calls offered to the modelled queue.
    aht_seconds: mean handling time of an answered call; patience_seconds: mean caller patience.
    peak_factor: peak-hour volume / average open-hour volume; peak_hours_per_day: hours at that rate.
    hours_open_per_week: staffed hours (168 = 7×24); paid_hours_per_fte_per_week: contracted hours.
    shrinkage: share of paid time not available for calls.
    in_house_cost_per_fte_year, outsourced_price_per_fte_year: yuan per staff-year (documents).
    seat_cost_per_seat_year: platform rental per seat position (document), paid in every model.
    """

    annual_requests: float
    call_share: float
    aht_seconds: float
    patience_seconds: float
    peak_factor: float
    peak_hours_per_day: float
    hours_open_per_week: float
    paid_hours_per_fte_per_week: float
    shrinkage: float
    in_house_cost_per_fte_year: float
    outsourced_price_per_fte_year: float
    seat_cost_per_seat_year: float

    @classmethod
    def from_table(cls, table: pl.DataFrame) -> Assumptions:
        """The defaults of a resolved assumption table (see resolve_assumptions)."""
        return cls(**dict(zip(table["name"].to_list(), table["value"].to_list())))

    @property
    def calls_per_year(self):
        return self.annual_requests * self.call_share


FIELDS = tuple(f.name for f in fields(Assumptions))


# --- unit costs -------------------------------------------------------------------------------

def seat_unit_costs(unit_costs: pl.DataFrame, spending: pl.DataFrame, staffing: pl.DataFrame,
                    facts: pl.DataFrame) -> pl.DataFrame:
    """The unit costs of seat staff, seats and whole centres: harmonised rows plus the model's own recipes."""
    knowledge = load_knowledge()
    extras = []
    for recipe in read_data_csv(MODEL_RECIPES).iter_rows(named=True):
        section = recipe["numerator_section"]
        scoped = spending.filter(squashed(pl.col("section")).str.contains(section)) if section else spending
        extra = unit_cost_table(pl.DataFrame([recipe]).select(knowledge.unit_cost_recipes.columns), scoped,
                                staffing, facts)
        annual = unit_costs.filter(pl.col("unit_cost_id").str.starts_with(f"{recipe['annual_recipe']}-"))["value_yuan"]
        if recipe["annual_recipe"] and annual.len() == 1:  # a whole-term ceiling over the annual price: years
            years = pl.col("value_yuan") / annual[0]
            extra = extra.with_columns((pl.col("caveats") + pl.lit(" Ceiling / requested annual budget = ")
                                        + years.round(4).cast(pl.String) + pl.lit(" years.")).alias("caveats"))
        extras.append(extra)
    extra = attach_notes(pl.concat(extras, how="diagonal"), knowledge.scope_notes, "unit_costs",
                         NOTE_LABELS["unit_costs"])
    rows = pl.concat([unit_costs.with_columns(pl.lit("harmonised").alias("source")),
                      extra.with_columns(pl.lit("costmodel").alias("source"))], how="diagonal")
    return (rows.filter(pl.col("employment_model").is_in(SEAT_MODELS))
            .with_columns(pl.col("unit_cost_id").str.split("-").list.first().alias("recipe_id"))
            .sort("city", "measure", "employment_model", "fiscal_year", "unit_cost_id", nulls_last=True))


# --- assumptions ------------------------------------------------------------------------------

def read_assumption_table() -> pl.DataFrame:
    """data/cost_assumptions.csv as written (strings)."""
    table = read_data_csv("cost_assumptions.csv")
    if table.columns != ASSUMPTION_COLUMNS:
        raise HotlineError("unexpected columns", file=ASSUMPTIONS_FILE, line=1,
                           found=",".join(table.columns), expected=",".join(ASSUMPTION_COLUMNS))
    return table


def lookup(reference: str, facts: pl.DataFrame, unit_costs: pl.DataFrame) -> tuple[float, list[str]]:
    """The value a reference names and its fact ids: a fact id, or ``unit_cost:<recipe or unit cost id>``."""
    if reference.startswith(UNIT_COST_REF):
        key = reference[len(UNIT_COST_REF):]
        rows = unit_costs.filter(((pl.col("unit_cost_id") == key) | pl.col("unit_cost_id").str.starts_with(key + "-"))
                                 & pl.col("value_yuan").is_not_null())
        value, ids = "value_yuan", "inputs"
    else:
        rows = facts.filter((pl.col("fact_id") == reference) & pl.col("value_std").is_not_null())
        value, ids = "value_std", "fact_id"
    if rows.height != 1:
        raise HotlineError(f"reference {reference!r} names {rows.height} values", file=ASSUMPTIONS_FILE,
                           found=reference, expected="exactly one fact id or unit cost with a value")
    return float(rows[value][0]), sorted(i for i in rows[ids][0].split(";") if i)


def resolve_assumptions(table: pl.DataFrame, facts: pl.DataFrame, unit_costs: pl.DataFrame) -> pl.DataFrame:
    """Every assumption with numbers: value, low, high (document figures read by reference) and their fact ids.

    fact_ids are the facts behind the value; range_fact_ids those behind a documented low or high.
    """
    out = []
    for line, row in enumerate(table.rows(named=True), start=2):
        def number(cell: str, default: float | None, ids: set[str], row=row, line=line) -> float:
            if not cell:
                if default is None:
                    raise HotlineError(f"{row['name']}: empty value", file=ASSUMPTIONS_FILE, line=line)
                return default
            try:
                return float(cell)
            except ValueError:  # not a number: a reference to a fact or a unit cost
                found, found_ids = lookup(cell, facts, unit_costs)
                ids.update(found_ids)
                return found

        ids: set[str] = set()
        range_ids: set[str] = set()
        kind = row["source_kind"]
        document = kind == "document"
        if kind not in SOURCE_KINDS or document != bool(row["fact_id"]) or document == bool(row["value"]):
            raise HotlineError(f"{row['name']}: a document row names a fact_id and leaves value empty; "
                               "an assumption gives a value", file=ASSUMPTIONS_FILE, line=line,
                               found=f"{kind}, value={row['value']!r}, fact_id={row['fact_id']!r}")
        value = number(row["fact_id"] or row["value"], None, ids)
        low, high = number(row["low"], value, range_ids), number(row["high"], value, range_ids)
        if not low <= value <= high:
            raise HotlineError(f"{row['name']}: value outside its range", file=ASSUMPTIONS_FILE, line=line,
                               found=f"{low} ≤ {value} ≤ {high}", expected="low ≤ value ≤ high")
        out.append({"name": row["name"], "value": value, "unit": row["unit"], "low": low, "high": high,
                    "source_kind": kind, "reference": row["fact_id"], "fact_ids": ";".join(sorted(ids)),
                    "range_fact_ids": ";".join(sorted(range_ids)),
                    "citation": row["citation"], "description": row["description"]})
    frame = pl.DataFrame(out)
    if frame["name"].to_list() != list(FIELDS):
        raise HotlineError("assumption names differ from the Assumptions fields", file=ASSUMPTIONS_FILE,
                           found=", ".join(frame["name"]), expected=", ".join(FIELDS))
    return frame


@dataclass(frozen=True, eq=False)
class ModelInputs:
    """Everything the model reads: the fact table, harmonised tables, seat unit costs, resolved assumptions."""

    facts: pl.DataFrame
    tables: dict
    unit_costs: pl.DataFrame
    assumption_table: pl.DataFrame
    assumptions: Assumptions


# The published tables the model reads (data/clean: hotlinecompare.load, or a build's clean_tables).
MODEL_TABLES = ("facts", "unit_costs", "spending", "staffing", "service")


def model_inputs(tables: Mapping[str, pl.DataFrame], assumption_csv: pl.DataFrame | None = None) -> ModelInputs:
    """The published tables, the seat unit costs and the resolved assumptions (nothing is re-harmonised)."""
    missing = [t for t in MODEL_TABLES if t not in tables]
    if missing:
        raise HotlineError("the cost model needs more of the clean tables", found=", ".join(sorted(tables)),
                           expected=", ".join(MODEL_TABLES))
    facts = tables["facts"]
    costs = seat_unit_costs(tables["unit_costs"], tables["spending"], tables["staffing"], facts)
    resolved = resolve_assumptions(read_assumption_table() if assumption_csv is None else assumption_csv, facts, costs)
    return ModelInputs(facts, dict(tables), costs, resolved, Assumptions.from_table(resolved))


def documented_outsourced_share(staffing: pl.DataFrame, city: str | None = None) -> tuple[float, list[str]]:
    """Outsourced / all seat staff in the latest year's full-year target headcounts, and their fact ids
    (``city``: the reference city of ``cost_model_references.csv`` unless given)."""
    city = city or references()["reference_city"]
    kinds = ("in_house_contract_seat_staff", "outsourced_seat_staff")
    rows = staffing.filter((pl.col("city") == city) & pl.col("kind").is_in(kinds) & (pl.col("period") == "full_year"))
    rows = rows.filter(pl.col("fiscal_year") == rows["fiscal_year"].max())
    outsourced = rows.filter(pl.col("kind") == kinds[1])["count"].sum()
    return outsourced / rows["count"].sum(), sorted(rows["fact_ids"].to_list())


# --- the queueing and cost model --------------------------------------------------------------

def as_arrays(a: Assumptions) -> dict[str, np.ndarray]:
    """The assumptions as float arrays by field name (array-valued fields keep their shape)."""
    return {name: np.asarray(value, dtype=float) for name, value in asdict(a).items()}


def calls_per_hour(p: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Peak-hour and off-peak-hour call rates (per hour) and the off-peak hours per day."""
    open_hours = p["hours_open_per_week"] / DAYS_PER_WEEK
    per_day = p["annual_requests"] * p["call_share"] / DAYS_PER_YEAR
    peak = per_day / open_hours * p["peak_factor"]
    off_hours = open_hours - p["peak_hours_per_day"]
    rest = per_day - peak * p["peak_hours_per_day"]
    if np.any(off_hours < 0) or np.any(rest < -1e-9 * per_day) or np.any((off_hours == 0) & (rest > 1e-9 * per_day)):
        raise ValueError("peak_factor × peak_hours_per_day must fit in the open hours of a day "
                         "(and equal them when the peak hours are all the open hours)")
    off = np.where(off_hours > 0, np.maximum(rest, 0.0) / np.where(off_hours > 0, off_hours, 1.0), 0.0)
    return peak, off, off_hours


def _agents(per_hour, target, p):
    return np.asarray(queueing.agents_needed(arrival_rate=per_hour / SECONDS_PER_HOUR, aht=p["aht_seconds"],
                                             patience=p["patience_seconds"], connection_rate_target=target), float)


def _answered(agents, per_hour, p):
    return queueing.erlang_a(agents=agents, arrival_rate=per_hour / SECONDS_PER_HOUR, aht=p["aht_seconds"],
                             patience=p["patience_seconds"]).connection_rate * per_hour


def _queue(share, target, p) -> dict[str, np.ndarray]:
    """Staffing of one queue taking ``share`` of the calls: agents on and off the peak, FTE, answered calls/day."""
    peak, off, off_hours = calls_per_hour(p)
    peak, off = peak * share, off * share
    n_peak, n_off = _agents(peak, target, p), _agents(off, target, p)
    agent_hours_week = DAYS_PER_WEEK * (n_peak * p["peak_hours_per_day"] + n_off * off_hours)
    fte = queueing.seats_to_staff(agent_hours_week / p["hours_open_per_week"],
                                  hours_open_per_week=p["hours_open_per_week"],
                                  paid_hours_per_fte_per_week=p["paid_hours_per_fte_per_week"], shrinkage=p["shrinkage"])
    answered = _answered(n_peak, peak, p) * p["peak_hours_per_day"] + _answered(n_off, off, p) * off_hours
    return {"agents_peak": n_peak, "agents_offpeak": n_off, "fte": np.asarray(fte), "answered_per_day": answered}


def _cost_arrays(target, p, model: str, mixed_share: float, pooled: bool) -> dict[str, np.ndarray]:
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; expected one of {', '.join(MODELS)}")
    share = {"in_house": 0.0, "outsourced": 1.0}.get(model, mixed_share)
    if not 0.0 <= share <= 1.0:
        raise ValueError("mixed_share (the outsourced share of staff) must lie in [0, 1]")
    if model == "mixed" and not pooled:  # two separate queues, each meeting the target on its own calls
        parts = [_queue(1.0 - share, target, p), _queue(share, target, p)]
        q = {k: parts[0][k] + parts[1][k] for k in parts[0]}
        fte_in, fte_out = parts[0]["fte"], parts[1]["fte"]
    else:
        q = _queue(1.0, target, p)
        fte_in, fte_out = q["fte"] * (1.0 - share), q["fte"] * share
    calls_day = p["annual_requests"] * p["call_share"] / DAYS_PER_YEAR
    q.update(fte_in_house=fte_in, fte_outsourced=fte_out, seats=q["agents_peak"],
             in_house_staff_cost_yuan=fte_in * p["in_house_cost_per_fte_year"],
             outsourced_staff_cost_yuan=fte_out * p["outsourced_price_per_fte_year"],
             seat_cost_yuan=q["agents_peak"] * p["seat_cost_per_seat_year"],
             connection_rate=q["answered_per_day"] / calls_day, calls_per_year=calls_day * DAYS_PER_YEAR)
    q["total_cost_yuan"] = q["in_house_staff_cost_yuan"] + q["outsourced_staff_cost_yuan"] + q["seat_cost_yuan"]
    q["outsourced_share"] = np.asarray(share)
    return q


COST_COLUMNS = ("calls_per_year", "agents_peak", "agents_offpeak", "seats", "fte", "fte_in_house", "fte_outsourced",
                "connection_rate", "in_house_staff_cost_yuan", "outsourced_staff_cost_yuan", "seat_cost_yuan",
                "total_cost_yuan")


def annual_cost(target_connection_rate, assumptions: Assumptions, model: str = "in_house", *,
                mixed_share: float = 0.5, pooled: bool = True) -> pl.DataFrame:
    """Annual cost of meeting a connection-rate target, one row per target (and per array-valued assumption).

    model: in_house (all staff employed), outsourced (all staff bought per head) or mixed
    (``mixed_share`` of the staff outsourced; ``pooled=False`` runs two separate queues, each meeting
    the target). connection_rate is what the whole-number staffing achieves over the day (≥ target).
    """
    p = as_arrays(assumptions)
    target = np.asarray(target_connection_rate, dtype=float)
    q = _cost_arrays(target, p, model, mixed_share, pooled)
    shape = np.broadcast_shapes(target.shape, *(np.shape(v) for v in q.values()))
    data = {"target_connection_rate": np.broadcast_to(target, shape).ravel()}
    data.update({c: np.broadcast_to(q[c], shape).ravel().astype(float) for c in COST_COLUMNS})
    frame = pl.DataFrame(data).with_columns(pl.lit(model).alias("model"),
                                            pl.lit(float(q["outsourced_share"])).alias("outsourced_share"),
                                            pl.lit(pooled or model != "mixed").alias("pooled"))
    return frame.with_columns((pl.col("total_cost_yuan") / (pl.col("calls_per_year") * pl.col("connection_rate")))
                              .alias("cost_per_answered_call_yuan"))


def cost_curve(assumptions: Assumptions, targets=None, *, models=MODELS, mixed_share: float = 0.5,
               pooled: bool = True) -> pl.DataFrame:
    """annual_cost over targets (default 70 % → 99 % in steps of one point) for each model, stacked."""
    # rounded so that 0.8 is 0.8, not 0.7999999999999999 (the grid's targets are looked up by value)
    targets = np.round(np.linspace(0.70, 0.99, 30), 2) if targets is None else np.asarray(targets, dtype=float)
    return pl.concat([annual_cost(targets, assumptions, m, mixed_share=mixed_share, pooled=pooled) for m in models])


def break_even_price(target_connection_rate: float, assumptions: Assumptions) -> pl.DataFrame:
    """The outsourced price per staff-year at which buying staff costs what employing them costs.

    Outsourced cost is linear in the price (FTE × price + seats × rental), so the price solves
    cost_outsourced(price) = cost_in_house exactly. With the same queue on both sides it equals the
    in-house cost per staff-year; it moves away from it only if the two models staff differently.
    """
    inside = annual_cost(target_connection_rate, assumptions, "in_house").row(0, named=True)
    bought = annual_cost(target_connection_rate, assumptions, "outsourced").row(0, named=True)
    price = (inside["total_cost_yuan"] - bought["seat_cost_yuan"]) / bought["fte"]
    return pl.DataFrame([{
        "target_connection_rate": float(target_connection_rate), "fte": bought["fte"], "seats": bought["seats"],
        "in_house_total_yuan": inside["total_cost_yuan"], "outsourced_total_yuan": bought["total_cost_yuan"],
        "in_house_cost_per_fte_year": float(assumptions.in_house_cost_per_fte_year),
        "documented_outsourced_price": float(assumptions.outsourced_price_per_fte_year),
        "break_even_price_per_fte_year": price,
        "documented_price_over_break_even": float(assumptions.outsourced_price_per_fte_year) / price - 1.0}])


def break_even_volume(target_connection_rate: float, assumptions: Assumptions, fixed_annual_price: float,
                      model: str = "in_house", *, relative_tolerance: float = 1e-6) -> pl.DataFrame:
    """The calls per year at which staffing the queue (``model``) costs as much as a fixed annual price.

    Below it the per-head model is cheaper than a whole-centre contract at that price, above it dearer.
    Cost is a step function of volume (whole agents), so this is the smallest volume whose cost
    reaches the price: cost(calls_below) < price <= cost(calls_at) with the two within the tolerance.
    """
    def cost(calls):
        return annual_cost(target_connection_rate, replace(assumptions, annual_requests=calls, call_share=1.0),
                           model)["total_cost_yuan"][0]

    low, high = 0.0, 1000.0
    while cost(high) < fixed_annual_price:
        low, high = high, high * 2
    while high - low > relative_tolerance * high:
        middle = (low + high) / 2
        low, high = (middle, high) if cost(middle) < fixed_annual_price else (low, middle)
    at = annual_cost(target_connection_rate, replace(assumptions, annual_requests=high, call_share=1.0), model)
    return at.select("target_connection_rate", "model", pl.col("calls_per_year").alias("calls_at"),
                     (pl.col("calls_per_year") / DAYS_PER_YEAR).alias("calls_per_day"), "agents_peak", "fte",
                     "total_cost_yuan").with_columns(pl.lit(low).alias("calls_below"),
                                                     pl.lit(cost(low)).alias("cost_below_yuan"),
                                                     pl.lit(float(fixed_annual_price)).alias("fixed_annual_price"))


def sensitivity(target_connection_rate: float, assumptions: Assumptions, assumption_table: pl.DataFrame,
                model: str = "in_house", *, mixed_share: float = 0.5, points: int = 9) -> pl.DataFrame:
    """One-at-a-time ranges for a tornado: each assumption over its low–high range, the others at default.

    The cost is evaluated on ``points`` values spanning the range plus the default, so cost_min and
    cost_max bracket the default cost even where the cost is not monotone in the assumption.
    Assumptions without a range (low == high) are left out.
    """
    base = as_arrays(assumptions)
    default_cost = float(_cost_arrays(target_connection_rate, base, model, mixed_share, True)["total_cost_yuan"])
    rows = []
    for r in assumption_table.filter(pl.col("low") < pl.col("high")).rows(named=True):
        default = float(base[r["name"]])
        grid = np.unique(np.r_[np.linspace(r["low"], r["high"], points), default])
        varied = {**base, r["name"]: grid}
        totals = _cost_arrays(target_connection_rate, varied, model, mixed_share, True)["total_cost_yuan"]
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
