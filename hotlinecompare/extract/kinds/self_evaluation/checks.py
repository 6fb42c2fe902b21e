"""Arithmetic identities of a self-evaluation report: execution rates, deviations, prose vs tables."""

from __future__ import annotations

import polars as pl

from hotlinecompare.extract.checks import check_row, checks_frame
from hotlinecompare.extract.kinds.self_evaluation.parsing import _squash, patterns


def reconcile(facts: pl.DataFrame) -> pl.DataFrame:
    """Arithmetic identities of every self-evaluation document, passed or failed."""
    return checks_frame(reconcile_rows(facts.to_dicts()))


def reconcile_rows(facts: list[dict]) -> list[dict]:
    """:func:`reconcile` on the fact table's rows as dicts (plain Python)."""
    by_doc: dict[str, list[dict]] = {}
    for f in facts:
        by_doc.setdefault(f["doc_id"], []).append(f)
    docs = {f["doc_id"] for f in facts if f["table"] == "self_evaluation"}
    rows = []
    for doc_id in sorted(docs, key=lambda d: (d is not None, d)):   # polars sorts a null first
        own = by_doc[doc_id]
        rows += _execution_checks(doc_id, own) + _deviation_checks(doc_id, own)
        rows += _cross_checks(doc_id, own)
    return rows


def _check(check_id: str, doc_id: str, description: str, expected: float | None,
           found: float | None, tolerance: float, inputs: list[dict | None]) -> dict:
    return check_row(doc_id, check_id, description, expected, found, tolerance, inputs)


def _execution_checks(doc_id: str, facts: list[dict]) -> list[dict]:
    conf = patterns()["execution"]
    ids = conf["identities"]
    cell = {(f["item"], f["measure"]): f for f in facts if f["table"] == "execution"}
    items = list(dict.fromkeys(f["item"] for f in facts if f["table"] == "execution"))
    out = []
    for item in items:
        parts = [cell.get((item, m)) for m in ids["sum_parts"]]
        total = cell.get((item, ids["sum_total"]))
        if all(parts) and total:
            out.append(_check(f"execution-{_squash(item)}-{ids['sum_total']}", doc_id,
                              f"{item}: adjusted budget (调整预算数) = initial budget (年初预算数) + "
                              "carry-over and in-year changes (上年度结转及当年预算追加追减数), 万元, "
                              "tolerance half of the last digit",
                              sum(p["value"] for p in parts), total["value"],
                              ids["money_tolerance"], parts + [total]))
        num, den = cell.get((item, ids["rate_numerator"])), cell.get((item, ids["rate_denominator"]))
        rate = cell.get((item, ids["rate"]))
        if num and den and rate and den["value"]:
            out.append(_check(f"execution-{_squash(item)}-{ids['rate']}", doc_id,
                              f"{item}: execution rate (执行率) = actual spending (实际支出数) / "
                              "adjusted budget (调整预算数) × 100, compared at the "
                              "table's 2-decimal percent precision (tolerance "
                              f"{ids['percent_tolerance']:g} percentage points)",
                              100 * num["value"] / den["value"], rate["value"],
                              ids["percent_tolerance"], [num, den, rate]))
    projects = list(dict.fromkeys(f["item"] for f in facts if f["table"] == "execution"
                                  and f["level1"] == conf["project_row"]))
    for measure in ids["money"]:
        subtotal = cell.get((conf["project_row"], measure))
        if projects and subtotal:
            inputs = [cell.get((p, measure)) for p in projects]
            out.append(_check(f"execution-projects-sum-{measure}", doc_id,
                              f"sum of the {len(projects)} project rows = the subtotal {conf['project_row']} "
                              f"({measure}, 万元)", sum(f["value"] for f in inputs if f),
                              subtotal["value"], ids["money_tolerance"], inputs + [subtotal]))
        parts = [cell.get((conf[k], measure)) for k in ("basic_row", "project_row")]
        total = cell.get((conf["total_row"], measure))
        if all(parts) and total:
            out.append(_check(f"execution-total-{measure}", doc_id,
                              f"basic + project spending = total: {conf['basic_row']} + {conf['project_row']} = "
                              f"{conf['total_row']} ({measure}, 万元)", sum(p["value"] for p in parts), total["value"],
                              ids["money_tolerance"], parts + [total]))
    return out


_MET = {">=": lambda a, t: a >= t, "<=": lambda a, t: a <= t, "=": lambda a, t: a == t,
        ">": lambda a, t: a > t, "<": lambda a, t: a < t}


def _deviation_checks(doc_id: str, facts: list[dict]) -> list[dict]:
    """偏差情况 = 指标完成值 − 指标目标值 for rows whose target and actual are both percentages."""
    tolerance = patterns()["self_evaluation"]["deviation_tolerance"]
    by_line: dict[int, dict] = {}
    for f in facts:
        if f["table"] == "self_evaluation" and f["measure"] in ("target_value", "actual_value", "deviation"):
            by_line.setdefault(f["line"], {})[f["measure"]] = f
    out = []
    for line, row in sorted(by_line.items()):
        target, actual, dev = row.get("target_value"), row.get("actual_value"), row.get("deviation")
        if not (target and actual and dev) or not (target["unit"] == actual["unit"] == "%"):
            continue
        if dev["value"] is None:  # a shifted row put text (无) in the deviation column: nothing to compare
            continue
        expected = actual["value"] - target["value"]
        description = (f"{target['item']}: deviation (偏差情况) = actual (指标完成值) − target "
                       f"(指标目标值) in percentage points "
                       f"(actual {actual['quote']}, target {target['quote']})")
        if abs(dev["value"] - expected) > tolerance:
            met = _MET.get(target["operator"], lambda a, t: False)(actual["value"], target["value"])
            description += (f"; fails: the document reports {dev['quote']} instead of the difference"
                            + (", although the target is met" if met else ""))
        out.append(_check(f"deviation-L{line:04d}", doc_id, description, expected, dev["value"],
                          tolerance, [target, actual, dev]))
    return out


def _cross_checks(doc_id: str, facts: list[dict]) -> list[dict]:
    by_item: dict[str, list[dict]] = {}
    for f in facts:
        by_item.setdefault(f["item"], []).append(f)

    def find(spec: dict | None) -> dict | None:
        """The first fact (in reading order) with every field of ``spec``."""
        if not spec:
            return None
        candidates = by_item.get(spec["item"], ()) if "item" in spec else facts
        return next((f for f in candidates if all(f[k] == v for k, v in spec.items())), None)

    out = []
    for chk in patterns()["cross_check"]:
        found = find(chk["found"])
        if "expected" in chk:
            inputs = [find(chk["expected"])]
            expected = inputs[0]["value"] if inputs[0] else None
        else:
            inputs = [find(chk["numerator"]), find(chk["denominator"])]
            ok = all(inputs) and inputs[1]["value"]
            expected = 100 * inputs[0]["value"] / inputs[1]["value"] if ok else None
        description = chk["description"] + ("" if found and expected is not None
                                            else "; fails: an input fact is missing")
        out.append(_check(f"cross-{chk['id']}", doc_id, description, expected,
                          found["value"] if found else None, chk["tolerance"], inputs + [found]))
    return out
