"""What the cost model reads: the seat unit costs, the assumptions (with their sources) and the published tables.

- Unit costs: the harmonised ``unit_costs`` rows the question needs, plus the rows the recipes lack
  (``data/model_unit_cost_recipes.csv``), built with the same recipe machinery so each keeps its formula
  and fact ids.
- Assumptions: ``data/cost_assumptions.csv``. A document figure is read at run time by fact id (or
  ``unit_cost:`` recipe id); an assumption carries a low–high range; a policy (a planner's choice:
  occupancy cap, answer-time target, a price override) has a value and no range. ``Assumptions`` holds
  one value per field; fields may be numpy arrays, which broadcast (many scenarios at once).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields

import numpy as np
import polars as pl

from hotlinecompare.errors import HotlineError
from hotlinecompare.harmonise import NOTE_LABELS
from hotlinecompare.harmonise.knowledge import load_knowledge, read_data_csv
from hotlinecompare.harmonise.scope import attach_notes
from hotlinecompare.harmonise.unit_costs import unit_cost_table
from hotlinecompare.harmonise.vocabulary import squashed

ASSUMPTIONS_FILE = "hotlinecompare/data/cost_assumptions.csv"
ASSUMPTION_COLUMNS = ["name", "value", "unit", "low", "high", "source_kind", "fact_id", "citation", "description"]
SOURCE_KINDS = ("document", "assumption", "policy")
UNIT_COST_REF = "unit_cost:"
# The employment models of the harmonised unit costs that answer "what does a seat cost".
SEAT_MODELS = ("in_house_contract_staff", "outsourced_hotline_staff", "seat_platform_rental", "fully_outsourced_centre")
# Unit cost recipes only the cost model uses: rows of a data file, like the harmonised recipes.
MODEL_RECIPES = "model_unit_cost_recipes.csv"
# The published tables the model reads (data/clean: hotlinecompare.load, or a build's clean_tables).
MODEL_TABLES = ("facts", "unit_costs", "spending", "staffing", "service")


def references() -> dict[str, str]:
    """What the model and its figures refer to by role (reference city, the centre's recipes): a data file."""
    return dict(read_data_csv("cost_model_references.csv").select("role", "value").iter_rows())


@dataclass(frozen=True)
class Assumptions:
    """Every input of the cost model, one named field each (defaults, units and sources: data/cost_assumptions.csv).

    Demand: annual_requests × call_share inbound calls a year, spread over the hours of the day by the
    arrival profile (data/cost_arrival_profile.csv) raised to peak_concentration; aht_seconds and
    patience_seconds feed Erlang A.
    Staffing policy: occupancy_cap, service_level_target within answer_seconds (0 = none), on top of the
    connection-rate target. Scheduling: scheduling_efficiency, paid_hours_per_fte_per_week, shrinkage;
    seats from staff_per_seat.
    In-house: in_house_cost_per_fte_year (pay, insurance, per-head running costs), supervisors_per_agent
    × supervisor_cost_multiple, training_per_agent_year, management_overhead_share.
    Seats (both options): seat_cost_per_seat_year (platform rental), space_equipment_per_seat_year.
    Contractor price: contractor_pay_ratio × in-house cost, the same team leaders and training, then
    contractor_overhead_share, contractor_margin and vat_rate; contract_management_share is the centre's
    own cost of managing it; outsourced_price_per_fte_year > 0 replaces the built-up price.
    """

    annual_requests: float
    call_share: float
    aht_seconds: float
    patience_seconds: float
    peak_concentration: float
    occupancy_cap: float
    service_level_target: float
    answer_seconds: float
    scheduling_efficiency: float
    paid_hours_per_fte_per_week: float
    shrinkage: float
    staff_per_seat: float
    in_house_cost_per_fte_year: float
    supervisors_per_agent: float
    supervisor_cost_multiple: float
    training_per_agent_year: float
    management_overhead_share: float
    seat_cost_per_seat_year: float
    space_equipment_per_seat_year: float
    contractor_pay_ratio: float
    contractor_overhead_share: float
    contractor_margin: float
    vat_rate: float
    contract_management_share: float
    outsourced_price_per_fte_year: float

    @classmethod
    def from_table(cls, table: pl.DataFrame) -> Assumptions:
        """The defaults of a resolved assumption table (see resolve_assumptions)."""
        return cls(**dict(zip(table["name"].to_list(), table["value"].to_list())))

    @property
    def calls_per_year(self):
        return self.annual_requests * self.call_share


FIELDS = tuple(f.name for f in fields(Assumptions))


def as_arrays(a: Assumptions) -> dict[str, np.ndarray]:
    """The assumptions as float arrays by field name (array-valued fields keep their shape)."""
    return {name: np.asarray(value, dtype=float) for name, value in asdict(a).items()}


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
    A policy row has no range (low = high = value).
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
                               "an assumption or a policy gives a value", file=ASSUMPTIONS_FILE, line=line,
                               found=f"{kind}, value={row['value']!r}, fact_id={row['fact_id']!r}")
        if kind == "policy" and (row["low"] or row["high"]):
            raise HotlineError(f"{row['name']}: a policy is a choice, not an uncertainty: it has no range",
                               file=ASSUMPTIONS_FILE, line=line, found=f"low={row['low']!r}, high={row['high']!r}")
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
