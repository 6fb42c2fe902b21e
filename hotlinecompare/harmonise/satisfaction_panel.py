"""The satisfaction–spending analysis panel: one row per city, fiscal year, satisfaction measure and basis.

``satisfaction_panel(tables)`` is pure: the harmonised tables (``service``,
``spending``, ``staffing``) in, one frame out, in the panel contract of
:mod:`hotlinecompare.models.regression`. The pairing rules:

- **Outcomes and targets stay apart.** ``basis`` is the satisfaction value's
  basis; an actual outcome is paired with *actual* spending, a target with the
  *budget* (``spending_basis``), and ``model_of`` says which question a fit on
  such rows answers: ``outcome`` (what happened) or ``ambition`` (what was
  promised for the money).
- **Same city, same fiscal year.** Nothing is borrowed from another year or
  city; a value whose document states no year cannot be paired.
- **Totals as in city_profile**: the department total, else the sum of the
  project totals (projects listed in the document only), else the sum of
  items, else a cost stated in prose; ``spending_scope`` says which.
- **Denominators of the same year**: seats, seat staff (in-house contract plus
  outsourced) and requests received; on basis actual for an outcome, planned
  (target, budget, authorized — in that order) for a target. A ceiling (≤) in
  the denominator makes the per-head figure a floor; ``seat_staff_operator``
  keeps the sign.
- Only the public-facing satisfaction family is used by default: the
  ``satisfaction_internal`` family (staff, trainees, facilities) is not an
  outcome of the hotline's service to the public.

Every number keeps its fact ids, per column and together in ``fact_ids``.
Rows that cannot be paired stay, with null spending and the reason in
``panel_note``: nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import polars as pl

__all__ = ["satisfaction_panel", "panel_tables", "PANEL_SCHEMA", "MODEL_OF", "SPENDING_BASIS"]

# Which spending a satisfaction value of each basis is paired with, and what a fit on it models.
SPENDING_BASIS = {"actual": "actual", "target": "budget"}
MODEL_OF = {"actual": "outcome", "target": "ambition"}
# Measures of a spending basis, best first. A target is set with the budget it was proposed with
# (年初预算), so the initial budget comes before the mid-year adjustment.
SPENDING_MEASURES = {"actual": ("actual_spending", "amount"),
                     "budget": ("amount", "initial_budget", "adjusted_budget")}
# Bases a denominator may have, best first, for an outcome and for a target.
COUNT_BASES = {"actual": ("actual",), "target": ("target", "budget", "authorized")}
SEAT_STAFF_KINDS = ("in_house_contract_seat_staff", "outsourced_seat_staff")
REQUEST_METRICS = ("requests_received_citywide",)
PERIOD_ORDER = ("full_year", "annual", "unspecified", "half_year")
FACT_ID_COLUMNS = ("satisfaction_fact_ids", "spending_fact_ids", "project_spending_fact_ids",
                   "seats_fact_ids", "seat_staff_fact_ids", "requests_fact_ids")

PANEL_SCHEMA: dict[str, pl.DataType] = {
    "city": pl.String, "fiscal_year": pl.Int64, "basis": pl.String, "model_of": pl.String,
    "measure": pl.String, "satisfaction": pl.Float64, "satisfaction_operator": pl.String,
    "period": pl.String, "spending_basis": pl.String, "spending_measure": pl.String,
    "spending_scope": pl.String, "spending_yuan": pl.Float64, "project_spending_yuan": pl.Float64,
    "seats": pl.Float64, "seats_basis": pl.String, "spending_per_seat_yuan": pl.Float64,
    "seat_staff": pl.Float64, "seat_staff_basis": pl.String, "seat_staff_operator": pl.String,
    "spending_per_staff_yuan": pl.Float64, "requests": pl.Float64, "requests_basis": pl.String,
    "spending_per_request_yuan": pl.Float64,
    **{name: pl.String for name in FACT_ID_COLUMNS},
    "fact_ids": pl.String, "scope_note": pl.String, "panel_note": pl.String,
}


def panel_tables(tables: Mapping[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The analysis tables the build writes to data/clean: ``{"satisfaction_panel": frame}``."""
    return {"satisfaction_panel": satisfaction_panel(tables)}


def satisfaction_panel(tables: Mapping[str, pl.DataFrame], *,
                       families: Sequence[str] = ("satisfaction",)) -> pl.DataFrame:
    """One row per city, fiscal year, satisfaction measure and basis, with the spending it pairs with."""
    service, spending, staffing = tables["service"], tables["spending"], tables["staffing"]
    rows = []
    for sat in satisfaction_rows(service, families).iter_rows(named=True):
        row = {name: sat.get(name) for name in PANEL_SCHEMA}
        row["model_of"] = MODEL_OF.get(sat["basis"])
        notes = list(sat["notes"])
        pairable = sat["fiscal_year"] is not None and sat["basis"] in SPENDING_BASIS
        if sat["fiscal_year"] is None:
            notes.append("no fiscal year stated: nothing of the same year to pair with")
        elif sat["basis"] not in SPENDING_BASIS:
            notes.append(f"basis {sat['basis']!r} has no spending pairing rule")
        if pairable:
            same_year = {name: _same_city_year(t, sat["city"], sat["fiscal_year"])
                         for name, t in (("spending", spending), ("staffing", staffing), ("service", service))}
            row |= _spending_part(same_year["spending"], SPENDING_BASIS[sat["basis"]], notes)
            row |= _denominators(same_year["staffing"], same_year["service"], COUNT_BASES[sat["basis"]])
            row |= _per_unit(row)
        row["scope_note"] = _join_ids([sat["scope_note"], row.get("spending_scope_note"),
                                       row.get("denominator_scope_note")])
        row["fact_ids"] = _join_ids(row.get(name) for name in FACT_ID_COLUMNS)
        row["panel_note"] = "; ".join(notes)
        rows.append({name: row.get(name) for name in PANEL_SCHEMA})
    frame = pl.DataFrame(rows, schema=PANEL_SCHEMA, orient="row")
    return frame.sort("city", "fiscal_year", "basis", "measure", nulls_last=True)


def satisfaction_rows(service: pl.DataFrame, families: Sequence[str]) -> pl.DataFrame:
    """Satisfaction values, one per city, year, measure and basis: the full-year value where there are several.

    Values of other periods, or a second value for the same period, are named in ``notes``.
    """
    rank = {p: i for i, p in enumerate(PERIOD_ORDER)}
    sat = (service.filter(pl.col("family").is_in(list(families)) & (pl.col("unit_std") == "fraction"))
           .with_columns(pl.col("period").replace_strict(rank, default=len(rank), return_dtype=pl.Int64)
                         .alias("_period"))
           .sort("city", "fiscal_year", "metric_key", "basis", "_period", "fact_ids", nulls_last=True))
    out = []
    for group in sat.partition_by("city", "fiscal_year", "metric_key", "basis", maintain_order=True):
        first = group.row(0, named=True)
        others = [f"also stated, not used: {r['period']} {_op(r['operator'])}{r['value']:g} ({r['fact_ids']})"
                  for r in group.iter_rows(named=True)][1:]
        out.append({"city": first["city"], "fiscal_year": first["fiscal_year"], "basis": first["basis"],
                    "measure": first["metric_key"], "satisfaction": first["value"],
                    "satisfaction_operator": first["operator"] or "", "period": first["period"],
                    "satisfaction_fact_ids": first["fact_ids"], "scope_note": first["scope_note"] or "",
                    "notes": others})
    return pl.DataFrame(out, schema={"city": pl.String, "fiscal_year": pl.Int64, "basis": pl.String,
                                     "measure": pl.String, "satisfaction": pl.Float64,
                                     "satisfaction_operator": pl.String, "period": pl.String,
                                     "satisfaction_fact_ids": pl.String, "scope_note": pl.String,
                                     "notes": pl.List(pl.String)}, orient="row")


def _same_city_year(frame: pl.DataFrame, city: str, year: int) -> pl.DataFrame:
    return frame.filter((pl.col("city") == city) & (pl.col("fiscal_year") == year))


def _spending_part(rows: pl.DataFrame, basis: str, notes: list[str]) -> dict:
    """Total and project spending of one city-year on ``basis`` (best measure first), with fact ids."""
    out: dict = {"spending_basis": basis}
    rows = rows.filter(pl.col("basis") == basis)
    measure = next((m for m in SPENDING_MEASURES[basis] if m in set(rows["measure"].to_list())), None)
    if measure is None:
        notes.append(f"no {basis} spending stated for this city and year")
        return out
    rows = rows.filter(pl.col("measure") == measure)
    listed = rows.filter((pl.col("level") == "project_total") & (pl.col("scope") == "project total"))
    # Same order as city_profile's total: department total, listed projects, items, prose.
    candidates = [
        (rows.filter(pl.col("level") == "department_total"), None),
        (listed, "sum of project totals (projects listed in the document only)"),
        (rows.filter(pl.col("level") == "item"), "sum of items"),
        (rows.filter(pl.col("level") == "project_total"), None),
    ]
    total, scope = next(((sel, s) for sel, s in candidates if sel.height), (None, None))
    if total is None:
        notes.append(f"no {basis} total stated for this city and year")
        return out
    projects = rows.filter((pl.col("level") == "subtotal") & pl.col("scope").str.starts_with("project expenditure"))
    projects = projects if projects.height else listed
    out |= {"spending_measure": measure,
            "spending_scope": scope or "; ".join(sorted(set(total["scope"].to_list()))),
            "spending_yuan": _sum(total["amount_yuan"]),
            "spending_fact_ids": _join_ids(total["fact_ids"]),
            "spending_scope_note": _join_ids(total["scope_note"])}
    if projects.height:
        out |= {"project_spending_yuan": _sum(projects["amount_yuan"]),
                "project_spending_fact_ids": _join_ids(projects["fact_ids"])}
    return out


def _denominators(staffing: pl.DataFrame, service: pl.DataFrame, bases: tuple[str, ...]) -> dict:
    out: dict = {}
    notes = []
    seats = _count(staffing, ("seats",), bases)
    if seats:
        out |= {"seats": seats["count"], "seats_basis": seats["basis"], "seats_fact_ids": seats["fact_ids"]}
        notes.append(seats["scope_note"])
    staff = _count(staffing, SEAT_STAFF_KINDS, bases)
    if staff:
        out |= {"seat_staff": staff["count"], "seat_staff_basis": staff["basis"],
                "seat_staff_operator": staff["operator"], "seat_staff_fact_ids": staff["fact_ids"]}
        notes.append(staff["scope_note"])
    requests = (service.filter(pl.col("metric_key").is_in(list(REQUEST_METRICS)) & pl.col("basis").is_in(list(bases))
                               & pl.col("period").is_in(["full_year", "annual"]))
                .sort(_rank("basis", bases), "fact_ids"))
    if requests.height:
        r = requests.row(0, named=True)
        out |= {"requests": r["value"], "requests_basis": r["basis"], "requests_fact_ids": r["fact_ids"]}
        notes.append(r["scope_note"])
    out["denominator_scope_note"] = _join_ids(notes)
    return out


def _count(staffing: pl.DataFrame, kinds: Iterable[str], bases: tuple[str, ...]) -> dict | None:
    """Sum over ``kinds`` of the full-year count on each kind's best allowed basis, one row per hotline
    (city_profile's rule), or None when no kind is stated."""
    rows = staffing.filter(pl.col("period").is_in(["full_year", "annual"]) & pl.col("basis").is_in(list(bases)))
    parts = []
    for kind in kinds:
        sel = rows.filter(pl.col("kind") == kind)
        if not sel.height:
            continue
        best = sel.sort(_rank("basis", bases))["basis"][0]
        parts.append(sel.filter(pl.col("basis") == best)
                     .sort(_rank("period", ("full_year", "annual")), "fact_ids")
                     .unique("hotline", keep="first", maintain_order=True))
    if not parts:
        return None
    used = pl.concat(parts)
    operators = sorted({o for o in used["operator"].to_list() if o})
    return {"count": _sum(used["count"]), "basis": "/".join(dict.fromkeys(used["basis"].to_list())),
            "operator": operators[0] if len(operators) == 1 else "mixed" if operators else "",
            "fact_ids": _join_ids(used["fact_ids"]), "scope_note": _join_ids(used["scope_note"])}


def _per_unit(row: dict) -> dict:
    total = row.get("spending_yuan")
    out = {}
    for denominator, column in (("seats", "spending_per_seat_yuan"), ("seat_staff", "spending_per_staff_yuan"),
                                ("requests", "spending_per_request_yuan")):
        if total is not None and row.get(denominator):
            out[column] = total / row[denominator]
    return out


def _rank(column: str, order: Sequence[str]) -> pl.Expr:
    return pl.col(column).replace_strict({v: i for i, v in enumerate(order)}, default=len(order),
                                         return_dtype=pl.Int64)


def _sum(values: pl.Series) -> float:
    return round(float(values.sum()), 2)


def _join_ids(groups: Iterable[str | None]) -> str:
    """';'-joined ids, each once, in order of first appearance."""
    ids = (i for g in groups if g for i in g.split(";") if i)
    return ";".join(dict.fromkeys(ids))


def _op(operator: str | None) -> str:
    return {">=": "≥", "<=": "≤"}.get(operator or "", operator or "")
