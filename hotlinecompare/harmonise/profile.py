"""City profile: one row per city and fiscal year — scope, spending, category shares, staff and headline metrics.

Every figure says its basis. Choices, in order of preference:

- spending: actual spending, else the budget (measure ``amount``), else the adjusted, else the initial budget;
  estimates (江宁 2025) where nothing else exists;
- total: the department total, else the sum of project totals (projects listed only), else the sum of
  items, else an annual cost stated in prose;
- counts and metrics: full-year or annual values; actual before target, budget and authorized.
"""

from __future__ import annotations

import polars as pl

from hotlinecompare.harmonise.scope import note_texts
from hotlinecompare.schema import table_schema

BASIS_ORDER = ("actual", "budget", "estimate", "target", "authorized")
SPENDING_MEASURE_ORDER = ("actual_spending", "amount", "adjusted_budget", "initial_budget")
COUNT_BASIS_ORDER = ("actual", "target", "budget", "authorized")
COUNT_KINDS = ("in_house_contract_seat_staff", "outsourced_seat_staff", "rented_seat_licences", "seats",
               "concurrent_seat_users", "authorized_posts", "actual_posts")
HEADLINE_METRICS = ("connection_rate", "satisfaction_public")
FULL_YEAR = ("full_year", "annual")


def _rank(column: str, order: tuple[str, ...]) -> pl.Expr:
    return pl.col(column).replace_strict({v: i for i, v in enumerate(order)}, default=len(order),
                                         return_dtype=pl.Int64)


def _same_year(frame: pl.DataFrame, city: str, year: int | None) -> pl.DataFrame:
    cond = pl.col("city") == city
    cond = cond & (pl.col("fiscal_year").is_null() if year is None else pl.col("fiscal_year") == year)
    return frame.filter(cond)


def _spending_part(rows: pl.DataFrame, categories: list[str]) -> dict:
    """Totals and category shares of one city-year's spending, on its preferred basis and measure."""
    out: dict = {"spending_basis": None, "spending_measure": None, "total_spending_yuan": None,
                 "total_scope": None, "project_spending_yuan": None, "itemised_yuan": None,
                 **{f"share_{c}_pct": None for c in categories}}
    if rows.height == 0:
        return out
    choice = (rows.select("basis", "measure").unique()
              .sort(_rank("basis", BASIS_ORDER), _rank("measure", SPENDING_MEASURE_ORDER)).row(0))
    rows = rows.filter((pl.col("basis") == choice[0]) & (pl.col("measure") == choice[1]))
    out["spending_basis"], out["spending_measure"] = choice

    def total(level: str, scope: str | None = None) -> float | None:
        sel = rows.filter(pl.col("level") == level)
        if scope is not None:
            sel = sel.filter(pl.col("scope") == scope)
        return round(float(sel["amount_yuan"].sum()), 2) if sel.height else None

    items = total("item")
    table_projects = total("project_total", "project total")
    candidates = [
        (total("department_total"), "; ".join(sorted(set(rows.filter(pl.col("level") == "department_total")["scope"])))),
        (table_projects, "sum of project totals (projects listed in the document only)"),
        (items, "sum of items"),
        (total("project_total"), "; ".join(sorted(set(rows.filter(pl.col("level") == "project_total")["scope"])))),
    ]
    out["total_spending_yuan"], out["total_scope"] = next(((v, s) for v, s in candidates if v is not None),
                                                          (None, None))
    # 项目支出 is a subtotal where the projects are itemised, an item of its own where it is one amount.
    projects = rows.filter(pl.col("level").is_in(["subtotal", "item"])
                           & pl.col("scope").str.starts_with("project expenditure"))
    out["project_spending_yuan"] = round(float(projects["amount_yuan"].sum()), 2) if projects.height else table_projects
    out["itemised_yuan"] = items
    if items:
        by_cat = dict(rows.filter(pl.col("level") == "item").group_by("category")
                      .agg(pl.col("amount_yuan").sum()).iter_rows())
        for c in categories:
            out[f"share_{c}_pct"] = round(100.0 * by_cat.get(c, 0.0) / items, 4)
    return out


def _counts_part(rows: pl.DataFrame) -> dict:
    """Per kind: the count on the best basis (summed over hotlines, one row per hotline) and a readable detail."""
    out: dict = {}
    details = []
    rows = rows.filter(pl.col("period").is_in(FULL_YEAR))
    for kind in COUNT_KINDS:
        sel = rows.filter(pl.col("kind") == kind)
        out[kind], out[f"{kind}_basis"] = None, None
        if sel.height == 0:
            continue
        basis = sel.sort(_rank("basis", COUNT_BASIS_ORDER))["basis"][0]
        per_hotline = (sel.filter(pl.col("basis") == basis)
                       .sort(_rank("period", FULL_YEAR), "fact_ids").unique("hotline", keep="first", maintain_order=True)
                       .sort("hotline"))
        out[kind], out[f"{kind}_basis"] = float(per_hotline["count"].sum()), basis
        parts = [f"{h or 'centre'} {r['operator']}{r['count']:g}" for h, r in
                 zip(per_hotline["hotline"], per_hotline.iter_rows(named=True))]
        details.append(f"{kind}: {', '.join(parts)} ({basis})")
    out["staffing_detail"] = "; ".join(details)
    return out


def _metrics_part(rows: pl.DataFrame) -> dict:
    """Headline metrics (value, operator, basis) and the other satisfaction measures present, as text."""
    out: dict = {}
    rows = rows.filter(pl.col("period").is_in(FULL_YEAR))
    for key in HEADLINE_METRICS:
        sel = rows.filter(pl.col("metric_key") == key).sort(_rank("basis", COUNT_BASIS_ORDER), "fact_ids")
        first = sel.row(0, named=True) if sel.height else None
        out[key] = first["value"] if first else None
        out[f"{key}_operator"] = first["operator"] if first else None
        out[f"{key}_basis"] = first["basis"] if first else None
    others = (rows.filter((pl.col("family") == "satisfaction") & ~pl.col("metric_key").is_in(HEADLINE_METRICS))
              .sort("metric_key", _rank("basis", COUNT_BASIS_ORDER)))
    out["other_satisfaction"] = "; ".join(f"{r['metric_key']} {r['operator']}{r['value']:g} ({r['basis']})"
                                          for r in others.iter_rows(named=True))
    return out


def profile_table(spending: pl.DataFrame, staffing: pl.DataFrame, service: pl.DataFrame,
                  reconstructed: pl.DataFrame, categories: pl.DataFrame, cities: pl.DataFrame,
                  notes: pl.DataFrame) -> pl.DataFrame:
    """One row per city and fiscal year found in any harmonised table."""
    category_keys = categories["category"].to_list()
    keys = (pl.concat([t.select("city", "fiscal_year") for t in (spending, staffing, service)])
            .unique().sort("city", "fiscal_year", nulls_last=True))
    doc_scope = notes.filter(pl.col("topic") == "document_scope")
    names = dict(zip(cities["city_key"], cities["name_zh"]))
    rows = []
    for city, year in keys.iter_rows():
        sp, st, sv = (_same_year(t, city, year) for t in (spending, staffing, service))
        docs = sorted(set(sp["doc_id"]) | set(st["doc_id"]) | set(sv["doc_id"]))
        scope = doc_scope.filter((pl.col("city") == city)
                                 & ((pl.col("fiscal_year") == "") | (pl.col("fiscal_year") == str(year))))
        lfl = reconstructed.filter((pl.col("city") == city) & (pl.col("level") == "department_total")
                                   & (pl.col("base_fiscal_year") == year if year is not None else pl.lit(False)))
        row = {"city": city, "city_zh": names.get(city, ""), "fiscal_year": year, "doc_ids": ";".join(docs),
               "document_scope": " ".join(scope["note_en"])}
        row |= _spending_part(sp, category_keys)
        row["total_like_for_like_yuan"] = float(lfl["amount_yuan"][0]) if lfl.height else None
        row["like_for_like_scope"] = lfl["scope"][0] if lfl.height else ""
        row |= _counts_part(st)
        row |= _metrics_part(sv)
        rows.append(row)
    frame = pl.DataFrame(rows, schema=table_schema("city_profile"), orient="row")
    return frame.sort("city", "fiscal_year", nulls_last=True)


def with_note_texts(profile: pl.DataFrame, notes: pl.DataFrame) -> pl.DataFrame:
    """Add ``scope_notes_en``: the text of the row's scope notes (after :func:`scope.attach_notes`)."""
    return profile.with_columns(note_texts(pl.col("scope_note"), notes, "en").alias("scope_notes_en"))
