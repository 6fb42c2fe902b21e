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

- **Two sources.** Document values (``source_kind`` = document, fact ids) and
  cited public figures (``tables["citations"]``, ``source_kind`` = citation,
  cite ids; see :mod:`hotlinecompare.harmonise.cited_panel`). A satisfaction
  value pairs with spending of its own source first, then of the other. A
  cited satisfaction that repeats a document value (same place, year, measure
  and basis) is not a second row: the document value is used and the citation
  is named in that row's ``panel_note``.
- **Actual, else budget.** An actual outcome pairs with actual spending (final
  account), else with the budget of the same year, labelled in
  ``spending_basis`` and ``panel_note``.
- **Ratios of one scope.** Spending per request or per call only when both are
  stated for the same centre (the same page of a citation); a document's
  requests are city-wide over all platforms, so no ratio is formed with one
  centre's spending. Spending per resident uses the place's population.

Every number keeps its fact ids or cite ids, per column and together in
``fact_ids`` and ``cite_ids``. Rows that cannot be paired stay, with null
spending and the reason in ``panel_note``: nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import polars as pl

from hotlinecompare.extract.cited import cited_measures
from hotlinecompare.harmonise.cited_panel import cited_denominators, cited_satisfaction, cited_spending
from hotlinecompare.schema import table_schema

__all__ = ["satisfaction_panel", "panel_tables", "PANEL_SCHEMA", "MODEL_OF", "SPENDING_BASIS"]

# Which spending a satisfaction value of each basis is paired with (best first), and what a fit on it models.
SPENDING_BASIS = {"actual": "actual", "target": "budget"}
SPENDING_BASES = {"actual": ("actual", "budget"), "target": ("budget",)}
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
CITE_ID_COLUMNS = ("satisfaction_cite_ids", "spending_cite_ids", "denominator_cite_ids")

PANEL_SCHEMA: dict[str, pl.DataType] = table_schema("satisfaction_panel")
DOCUMENT_REQUESTS_SCOPE = "city-wide, all platforms (as the document states it)"


def panel_tables(tables: Mapping[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The analysis tables the build writes to data/clean: ``{"satisfaction_panel": frame}``."""
    return {"satisfaction_panel": satisfaction_panel(tables)}


def satisfaction_panel(tables: Mapping[str, pl.DataFrame], *,
                       families: Sequence[str] = ("satisfaction",)) -> pl.DataFrame:
    """One row per city, fiscal year, satisfaction measure, basis and source, with the spending it pairs with."""
    citations = tables.get("citations")
    if citations is None:
        citations = pl.DataFrame(schema=table_schema("citations"))
    documents = satisfaction_rows(tables["service"], families)
    cited = cited_satisfaction(citations, {k: r["metric_key"] for k, r in cited_measures().items()}) \
        if "satisfaction" in families else cited_satisfaction(citations.clear(), {})
    doc_keys = {tuple(k): i for i, k in enumerate(documents.select("city", "fiscal_year", "measure", "basis").rows())}
    also_cited: dict[int, list[str]] = {}
    rows = []
    for sat in cited.iter_rows(named=True):
        at = doc_keys.get((sat["city"], sat["fiscal_year"], sat["measure"], sat["basis"]))
        if at is not None:  # the document's value is the row; the citation is reported, not added
            also_cited.setdefault(at, []).append(
                f"also cited, document value used: {sat['satisfaction']:g} ({sat['satisfaction_cite_ids']})")
            continue
        rows.append(_paired(sat, "citation", tables, citations))
    for i, sat in enumerate(documents.iter_rows(named=True)):
        rows.append(_paired({**sat, "notes": sat["notes"] + also_cited.get(i, [])}, "document", tables, citations))
    frame = pl.DataFrame(rows, schema=PANEL_SCHEMA, orient="row")
    return frame.sort("city", "fiscal_year", "basis", "measure", "source_kind", nulls_last=True)


def duplicate_citations(panel: pl.DataFrame) -> pl.DataFrame:
    """Document rows whose value was also cited: the citation is reported in ``panel_note``, never a second row."""
    return panel.filter(pl.col("panel_note").str.contains("also cited, document value used"))


def _paired(sat: dict, kind: str, tables: Mapping[str, pl.DataFrame], citations: pl.DataFrame) -> dict:
    """One panel row: the satisfaction value and what of the same city and year pairs with it."""
    row = {name: sat.get(name) for name in PANEL_SCHEMA}
    row["source_kind"] = kind
    row["model_of"] = MODEL_OF.get(sat["basis"])
    notes = list(sat["notes"])
    if sat["fiscal_year"] is None:
        notes.append("no fiscal year stated: nothing of the same year to pair with")
    elif sat["basis"] not in SPENDING_BASIS:
        notes.append(f"basis {sat['basis']!r} has no spending pairing rule")
    else:
        city, year = sat["city"], sat["fiscal_year"]
        same_year = {name: _same_city_year(tables[name], city, year) for name in ("spending", "staffing", "service")}
        row |= _spending(same_year["spending"], citations, city, year, SPENDING_BASES[sat["basis"]], kind, notes)
        row |= _denominators(same_year["staffing"], same_year["service"], COUNT_BASES[sat["basis"]])
        if sat["basis"] == "actual":
            row |= _cited_denominators(row, cited_denominators(citations, city, year))
        row |= _per_unit(row, notes)
    row["scope_note"] = _join_ids([sat.get("scope_note"), row.get("spending_scope_note"),
                                   row.get("denominator_scope_note")])
    row["cited_scope"] = "; ".join(dict.fromkeys(s for s in (sat.get("satisfaction_scope"),
                                                              row.get("spending_cite_scope")) if s))
    row["fact_ids"] = _join_ids(row.get(name) for name in FACT_ID_COLUMNS)
    row["cite_ids"] = _join_ids(row.get(name) for name in CITE_ID_COLUMNS)
    row["panel_note"] = "; ".join(notes)
    return {name: row.get(name) for name in PANEL_SCHEMA}


def _spending(rows: pl.DataFrame, citations: pl.DataFrame, city: str, year: int, bases: tuple[str, ...],
              kind: str, notes: list[str]) -> dict:
    """Spending of the same city and year: the first basis stated, own source first, then the other."""
    reasons = []
    for basis in bases:
        from_documents = _spending_part(rows, basis, reasons)
        from_citations = cited_spending(citations, city, year, basis)
        if from_citations:
            from_citations["spending_cite_scope"] = from_citations.pop("spending_scope")
            from_citations["spending_scope"] = "cited: " + from_citations["spending_cite_scope"]
        order = (from_documents, from_citations) if kind == "document" else (from_citations, from_documents)
        found = next((part for part in order if part), None)
        if found:
            if basis != bases[0]:
                notes.append(f"no {bases[0]} spending stated for this city and year: paired with the {basis}")
            return {"spending_basis": basis, **found}
    notes.append(f"no {' or '.join(bases)} spending stated for this city and year (documents or citations)"
                 if not reasons or len(bases) > 1 else reasons[0])
    return {"spending_basis": bases[0]}
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


def _spending_part(rows: pl.DataFrame, basis: str, notes: list[str]) -> dict | None:
    """Total and project spending of one city-year on ``basis`` (best measure first), with fact ids; None
    (and the reason in ``notes``) when the documents state none."""
    out: dict = {"spending_source_kind": "document"}
    rows = rows.filter(pl.col("basis") == basis)
    measure = next((m for m in SPENDING_MEASURES[basis] if m in set(rows["measure"].to_list())), None)
    if measure is None:
        notes.append(f"no {basis} spending stated for this city and year")
        return None
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
        return None
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
        out |= {"requests": r["value"], "requests_basis": r["basis"], "requests_fact_ids": r["fact_ids"],
                "requests_scope": DOCUMENT_REQUESTS_SCOPE}
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


def _cited_denominators(row: dict, cited: dict) -> dict:
    """Cited requests (where the documents state none), calls, population and connection rate, with cite ids."""
    out: dict = {}
    ids = []
    if "requests" in cited and row.get("requests") is None:
        out |= {"requests": cited["requests"], "requests_basis": cited["requests_basis"],
                "requests_scope": "cited: " + cited["requests_scope"], "_requests_url": cited["requests_url"]}
        ids.append(cited["requests_cite_id"])
    if "calls" in cited:
        out |= {"calls": cited["calls"], "calls_basis": cited["calls_basis"], "_calls_url": cited["calls_url"]}
        ids.append(cited["calls_cite_id"])
    for column in ("population", "connection_rate"):
        if column in cited:
            out[column] = cited[column]
            ids.append(cited[f"{column}_cite_id"])
    out["denominator_cite_ids"] = _join_ids(ids)
    return out


def _per_unit(row: dict, notes: list[str]) -> dict:
    """Spending per seat, staff, request, call and resident, where numerator and denominator share a scope."""
    total = row.get("spending_yuan")
    out = {}
    if total is None:
        return out
    for denominator, column in (("seats", "spending_per_seat_yuan"), ("seat_staff", "spending_per_staff_yuan"),
                                ("population", "spending_per_resident_yuan")):
        if row.get(denominator):
            out[column] = total / row[denominator]
    for denominator, column in (("requests", "spending_per_request_yuan"), ("calls", "spending_per_call_yuan")):
        if not row.get(denominator):
            continue
        url = row.get(f"_{denominator}_url")
        if url is not None and url == row.get("spending_url"):
            out[column] = total / row[denominator]
        elif url is None:
            notes.append(f"{denominator} are {DOCUMENT_REQUESTS_SCOPE}, the spending one centre's: no ratio formed")
        else:
            notes.append(f"{denominator} and spending are cited from different pages: no ratio formed")
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
