"""Arithmetic identities of project target forms, checked on the fact table (failures reported, never fixed).

Per project (``section``): full-year line items sum to 资金总额 (or 小计 where
资金总额 has no value); no item plans more for the half-year than for the full
year; 资金总额 = 小计 = 一般公共预算资金; the half-year line items equal the
预算执行率 half-year target times the total. Per document with a multi-year
ceiling in prose (江宁): the ceiling equals the years times the annual request.
"""

from __future__ import annotations

import re

import polars as pl

from hotlinecompare.extract.checks import check_row, checks_frame
from hotlinecompare.extract.kinds.project_targets.labels import labels_with_role

# Amounts are stated to 2 decimals of 万元: half a unit of the last decimal.
TOLERANCE_WAN = 0.5 / 100
# 预算执行率 targets are whole percentages: the rate is exact to half a percentage point.
TOLERANCE_RATE = 0.5 / 100
_CHINESE_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def reconcile(facts: pl.DataFrame) -> pl.DataFrame:
    """One row per identity of every project target form in ``facts``."""
    return checks_frame(reconcile_rows(facts.to_dicts()))


def reconcile_rows(facts: list[dict]) -> list[dict]:
    """:func:`reconcile` on the fact table's rows as dicts (plain Python: no per-document frames)."""
    rows = []
    by_doc: dict[str, list[dict]] = {}
    for f in facts:
        by_doc.setdefault(f["doc_id"], []).append(f)
    marked = {f["doc_id"] for f in facts if f["table"] == "expenditure" and f["measure"] == "planned_execution"}
    for doc_id in sorted(marked):
        doc_facts = sorted(by_doc[doc_id], key=lambda f: (f["line"], f["char_start"]))
        sections = list(dict.fromkeys(f["section"] for f in doc_facts
                                      if f["table"] is not None and f["table"] != "prose"))
        for number, section in enumerate(sections, start=1):
            # (a null section matches no fact, as in a polars filter)
            rows.extend(_project_checks(doc_id, f"P{number:02d}", section,
                                        [f for f in doc_facts if section is not None
                                         and f["section"] == section]))
        rows.extend(_ceiling_checks(doc_id, [f for f in doc_facts if f["table"] == "prose"]))
    return rows


def _form_documents(facts: pl.DataFrame) -> list[str]:
    """Documents with a 半年(程) 计划执行数 column: the mark of this form among all documents."""
    marked = facts.filter((pl.col("table") == "expenditure") & (pl.col("measure") == "planned_execution"))
    return sorted(set(marked["doc_id"].to_list()))


def _label(role: str) -> str:
    return labels_with_role(role)[0]["label"]


def _project_checks(doc_id: str, key: str, section: str, facts: list[dict]) -> list[dict]:
    income = {f["item"]: f for f in facts if f["table"] == "income"}
    items = _line_items([f for f in facts if f["table"] == "expenditure"])
    total_label, sub_label, general_label = (_label(r) for r in
                                             ("income_total", "income_subtotal", "income_general"))
    base = income.get(total_label) or income.get(sub_label)
    rows = [_items_vs_total(doc_id, key, section, items, base)]
    rows.append(_half_not_above_full(doc_id, key, section, items))
    for (a, b), name in (((total_label, sub_label), "total_eq_subtotal"),
                         ((sub_label, general_label), "subtotal_eq_general")):
        if a in income and b in income:
            rows.append(_row(f"{key}-{name}", doc_id, f"{section}: {b} equals {a}",
                             income[a]["value"], income[b]["value"], TOLERANCE_WAN,
                             [income[a], income[b]]))
    rate = next((f for f in facts if f["table"] == "indicators" and f["period"] == "half_year"
                 and f["level3"] == _label("execution_rate") and f["value_std"] is not None), None)
    rows.append(_half_vs_execution_rate(doc_id, key, section, items, base, rate))
    return rows


def _line_items(expenditure: list[dict]) -> dict[str, dict[str, dict]]:
    """Expenditure facts by item name, then by period."""
    items: dict[str, dict[str, dict]] = {}
    for f in expenditure:
        items.setdefault(f["item"], {})[f["period"]] = f
    return items


def _items_vs_total(doc_id, key, section, items, base) -> dict:
    full = [periods["full_year"] for periods in items.values() if "full_year" in periods]
    missing = [name for name, periods in items.items() if "full_year" not in periods]
    found = sum(f["value"] for f in full)
    description = f"{section}: full-year line items ({len(full)} of {len(items)}) sum to " + (
        f"{base['item']} (line {base['line']})" if base else "the project total, which has no value")
    if missing:
        description += "; missing full-year value of " + ", ".join(missing)
    row = _row(f"{key}-items_full_vs_total", doc_id, description,
               base["value"] if base else None, found, TOLERANCE_WAN, full + ([base] if base else []))
    row["passed"] = row["passed"] and not missing
    return row


def _half_not_above_full(doc_id, key, section, items) -> dict:
    both = {n: p for n, p in items.items() if "half_year" in p and "full_year" in p}
    above = [n for n, p in both.items() if p["half_year"]["value"] > p["full_year"]["value"] + TOLERANCE_WAN]
    skipped = [n for n in items if n not in both]
    description = (f"{section}: number of line items whose half-year plan exceeds the full-year budget "
                   f"({len(both)} items compared")
    description += f"; not compared, one value missing: {', '.join(skipped)})" if skipped else ")"
    if above:
        description += "; above: " + ", ".join(above)
    inputs = [f for p in both.values() for f in (p["half_year"], p["full_year"])]
    return _row(f"{key}-half_not_above_full", doc_id, description, 0.0, float(len(above)), 0.0,
                inputs)


def _half_vs_execution_rate(doc_id, key, section, items, base, rate) -> dict:
    half = [p["half_year"] for p in items.values() if "half_year" in p]
    missing = [n for n, p in items.items() if "half_year" not in p]
    found = sum(f["value"] for f in half)
    expected = rate["value_std"] * base["value"] if rate and base else None
    description = f"{section}: half-year line items sum to the 预算执行率 half-year target × the total"
    if rate and base:
        description += f" ({rate['quote']} × {base['item']} {base['value']:g})"
    else:
        description += "; missing: " + ("预算执行率 half-year target" if not rate else "project total")
    if missing:
        description += "; missing half-year value of " + ", ".join(missing)
    tolerance = TOLERANCE_RATE * base["value"] if base else TOLERANCE_WAN
    row = _row(f"{key}-half_vs_execution_rate", doc_id, description, expected, found,
               tolerance, half + [f for f in (rate, base) if f])
    row["passed"] = row["passed"] and not missing
    return row


def _ceiling_checks(doc_id: str, prose: list[dict]) -> list[dict]:
    """江宁: 三年总预算合计 (a multi-year ceiling) equals the years × the annual request (万元/年)."""
    rows = []
    keywords = [r["label"] for r in labels_with_role("multi_year_total")]
    annual = [f for f in prose if f["unit_std"] == "yuan_per_year" and f["basis"] == "budget"]
    for n, ceiling in enumerate((f for f in prose if any(k in f["item"] for k in keywords)), start=1):
        years = re.search(r"([一二三四五六七八九十])年", ceiling["item"])
        request = next((f for f in annual if f["section"] == ceiling["section"]), None)
        count = _CHINESE_DIGITS[years.group(1)] if years else None
        expected = count * request["value"] if request and count else None
        description = (f"{ceiling['section']}: {ceiling['item']} (line {ceiling['line']}) equals "
                       + (f"{count} × the annual request {request['quote']}" if request and count
                          else "the years × the annual request; missing: annual request (万元/年)"))
        rows.append(_row(f"C{n:02d}-multi_year_ceiling", doc_id, description, expected,
                         ceiling["value"], TOLERANCE_WAN, [f for f in (request, ceiling) if f]))
    return rows


def _row(name, doc_id, description, expected, found, tolerance, inputs) -> dict:
    return check_row(doc_id, name, description, expected, found, tolerance, inputs)
