"""Arithmetic checks of a budget disclosure: parts add up, changes match their rates, tables agree.

Every check compares what the document states (``found``) with what its other
numbers imply (``expected``) within a rounding tolerance: half a unit of the
last written digit of every non-zero input (a printed zero is taken as
exact). Failures are reported as they are; nothing is corrected here.
"""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl

from hotlinecompare.extract.checks import check_row, checks_frame
from hotlinecompare.extract.kinds.budget_disclosure.prose import labels
from hotlinecompare.extract.kinds.budget_disclosure.tables import table_spec
from hotlinecompare.extract.numbers import normalise
from hotlinecompare.extract.patterns import compiled

_NUMBER = re.compile(r"\d[\d,]*(?:\.\s?(\d+))?")


def half_unit(fact: dict, std: bool = False) -> float:
    """Rounding error of a written number: half its last digit (0 for an exact zero or a head count)."""
    if not fact["value"] or fact["measure"] == "count":
        return 0.0
    digits = _decimals(fact["quote"])
    factor = fact["value_std"] / fact["value"] if std and fact["value_std"] is not None else 1.0
    return 0.5 * 10 ** -digits * abs(factor)


@lru_cache(maxsize=16384)
def _decimals(quote: str) -> int:
    """Digits after the decimal point of the first number written in ``quote``."""
    m = _NUMBER.search(normalise(quote))
    return len((m.group(1) or "").replace(" ", "")) if m else 0


def _check(doc_id: str, cid: str, description: str, expected: float, found: float,
           tolerance: float, facts: list[dict]) -> dict:
    return check_row(doc_id, cid, description, expected, found, tolerance, facts)


def _sum_check(doc_id, cid, description, total: dict, parts: list[dict], by: str = "item") -> dict | None:
    """``total`` = sum of ``parts`` (named by ``by``), skipped when everything is zero (nothing to learn)."""
    if not parts or all(not f["value"] for f in [total, *parts]):
        return None
    names = ", ".join(f"{p[by] or '(unlabelled)'} {p['quote'].strip()}" for p in parts[:8])
    more = f" and {len(parts) - 8} more" if len(parts) > 8 else ""
    return _check(doc_id, cid, f"{description}: {total[by] or '(unlabelled row)'} "
                  f"{total['quote'].strip()} = {names}{more}", total["value"],
                  sum(p["value"] for p in parts),
                  sum(half_unit(f) for f in [total, *parts]), [total, *parts])


def _path(f: dict) -> tuple[str, ...]:
    return tuple(x for x in (f["level1"], f["level2"], f["level3"]) if x)


def reconcile(facts: pl.DataFrame) -> pl.DataFrame:
    """All checks for every document whose facts come from this parser (annex titles as sections)."""
    return checks_frame(reconcile_rows(facts.to_dicts()))


def reconcile_rows(facts: list[dict]) -> list[dict]:
    """:func:`reconcile` on the fact table's rows as dicts (plain Python)."""
    rows: list[dict] = []
    by_doc: dict[str, list[dict]] = {}
    for f in facts:
        by_doc.setdefault(f["doc_id"], []).append(f)
    docs = sorted({f["doc_id"] for f in facts if table_spec(f["section"] or "")})
    for doc_id in docs:
        doc_facts = by_doc[doc_id]
        for checks in (_prose_parts, _changes, _restated_totals, _outlines, _identities,
                       _comparison_rows, _economic, _project):
            rows += [c for c in checks(doc_id, doc_facts) if c is not None]
    return rows


def _prose_parts(doc_id, facts):
    """``A x万元,其中:B y万元,C z万元``: A = B + C (parts carry A in level1)."""
    prose = [f for f in facts if f["table"] == "prose" and f["measure"] in ("amount", "count")]
    i = 0
    while i < len(prose):
        whole_name = prose[i]["level1"]
        j = i
        while j < len(prose) and prose[j]["level1"] == whole_name:
            j += 1
        if whole_name:
            before = [f for f in prose[:i] if f["item"] == whole_name]
            if before:
                yield _sum_check(doc_id, f"prose_parts:{before[-1]['fact_id']}",
                                 f"prose line {before[-1]['line']}: the whole equals its listed parts (其中)",
                                 before[-1], prose[i:j])
        i = max(j, i + 1)


def _sign(item: str, words: dict) -> int:
    return next((s for w, s in words.items() if item.rstrip().endswith(w)), 0)


def _changes(doc_id, facts):
    """A stated change and rate against the amount they change: rate = change / last year's amount."""
    cfg = labels()["prose"]
    amounts = [f for f in facts if f["table"] == "prose" and f["measure"] == "amount"]
    for i, change in enumerate(facts):
        if change["table"] != "prose" or change["measure"] != "change":
            continue
        later = facts[i + 1:]
        rate = next((f for f in later if f["line"] == change["line"]
                     and f["measure"] == "change_rate"), None)
        base = _base_of(change, amounts, facts[:i])
        if base is None:
            continue
        sign = _sign(change["item"], cfg["change_words"])
        # a change is stored signed (减少 2179.29万元 → −2179.29); one without a direction word is not used
        signed = change["value"] if sign else 0.0
        previous = base["value"] - signed
        what = f"{base['item']} {base['quote'].strip()} (line {base['line']})"
        stated = next((f for f in later if f["line"] == change["line"] and f["measure"] == "amount"
                       and f["fiscal_year"] == change["fiscal_year"] - 1), None)
        if stated is not None:
            yield _check(doc_id, f"change_previous:{change['fact_id']}",
                         f"line {change['line']}: {change['fiscal_year'] - 1} amount implied by {what} "
                         f"and the change {change['item']} {change['quote'].strip()} vs the stated "
                         f"{stated['item']} {stated['quote'].strip()}", previous, stated["value"],
                         half_unit(base) + half_unit(change) + half_unit(stated), [base, change, stated])
        if rate is not None and previous:
            # A rate whose direction word contradicts the change's (增加 … 下降) gets a negative expectation.
            agrees = _sign(rate["item"], cfg["change_rate_words"]) in (0, sign)
            expected = signed / previous * (1 if agrees else -1)
            # First-order rounding bound of change / (base ∓ change).
            slack = (half_unit(change) * abs(base["value"]) + half_unit(base) * abs(signed)) / previous ** 2
            yield _check(doc_id, f"change_rate:{rate['fact_id']}",
                         f"line {change['line']}: stated rate {rate['item']} {rate['quote'].strip()} vs "
                         f"change {change['quote'].strip()} / {change['fiscal_year'] - 1} amount "
                         f"{previous:.2f} implied by {what} (as a fraction)",
                         expected, rate["value_std"], half_unit(rate, std=True) + slack,
                         [base, change, rate])


def _base_of(change: dict, amounts: list[dict], before: list[dict]) -> dict | None:
    """The amount a change is measured on: named before 比/较, else the line's first amount."""
    earlier = {f["fact_id"] for f in before}
    subject = change["level1"].replace(" ", "")
    if subject:
        named = [f for f in amounts if f["fact_id"] in earlier and f["item"].replace(" ", "") == subject
                 and f["fiscal_year"] == change["fiscal_year"]]
        if named:
            return named[-1]
    same_line = [f for f in amounts if f["line"] == change["line"] and f["fact_id"] in earlier
                 and f["fiscal_year"] == change["fiscal_year"]]
    return same_line[0] if same_line else None


def _restated_totals(doc_id, facts):
    """Each prose restatement of the year's total equals the annex 收支预算总表's 收入总计."""
    annex = [f for f in facts if (spec := table_spec(f["section"] or "")) and spec["layout"] == "two_sided"
             and f["table"] == "income" and not _path(f)]
    if not annex:
        return
    total = annex[0]
    for f in facts:
        if f["table"] == "prose" and f["measure"] == "amount" and f["fiscal_year"] == total["fiscal_year"] \
                and compiled(labels()["checks"]["restated_total"]).search(f["item"].replace(" ", "")):
            yield _check(doc_id, f"restated_total:{f['fact_id']}",
                         f"line {f['line']}: restated total {f['item']} {f['quote'].strip()} vs the "
                         f"annex {total['section']} {total['item']} {total['quote']}",
                         total["value"], f["value"], half_unit(total) + half_unit(f), [total, f])


def _annex_groups(facts):
    """Annex table facts grouped by (section, table, measure, fiscal year), in reading order."""
    groups: dict[tuple, list[dict]] = {}
    for f in facts:
        spec = table_spec(f["section"] or "")
        if spec and f["table"] != "prose" and f["value"] is not None and f["measure"] != "change_rate":
            groups.setdefault((f["section"], f["table"], f["measure"], f["fiscal_year"]), []).append(f)
    return groups


def _outlines(doc_id, facts):
    """Parents equal the sum of their children (类 = Σ款, (一) = Σ1、…); total rows = Σ top rows."""
    for (section, table, measure, year), group in _annex_groups(facts).items():
        paths = [_path(f) for f in group]
        top = [f for f, p in zip(group, paths) if len(p) == 1]
        if not any(paths):
            totals = [f for f in group if compiled(labels()["tables"]["total_label"]).search(f["item"])]
            others = [f for f in group if f not in totals]
            for t in totals:
                yield _sum_check(doc_id, f"total_row:{t['fact_id']}",
                                 f"{section} [{table}, {measure}, {year}]: 合计 row equals the other rows", t, others)
            continue
        # children of a path: the rows one level deeper that start with it, in reading order
        children_of: dict[tuple, list[dict]] = {}
        for f, p in zip(group, paths):
            if p:
                children_of.setdefault(p[:-1], []).append(f)
        for parent, path in zip(group, paths):
            children = top if not path else children_of.get(path, [])
            kind = "total row equals the top-level rows" if not path else "row equals its sub-rows"
            yield _sum_check(doc_id, f"outline:{parent['fact_id']}",
                             f"{section} [{table}, {measure}, {year}]: {kind}", parent, children)


def _identities(doc_id, facts):
    """Within a row, column totals equal their parts (总计 = 基本支出 + 项目支出 …)."""
    rows: dict[tuple, dict] = {}
    for f in facts:
        spec = table_spec(f["section"] or "")
        if spec and spec.get("identities") and f["table"] != "prose":
            rows.setdefault((f["section"], f["line"], f["item"]), {"spec": spec})[f["measure"]] = f
    for (section, line, item), row in rows.items():
        for rule in row["spec"]["identities"]:
            if rule["total"] in row and all(p in row for p in rule["parts"]):
                yield _sum_check(doc_id, f"identity:{row[rule['total']]['fact_id']}",
                                 f"{section} line {line} ({item or 'unlabelled row'}): columns add up",
                                 row[rule["total"]], [row[p] for p in rule["parts"]], by="measure")


def _comparison_rows(doc_id, facts):
    """三公 table rows: change = this year − last year; rate = change / last year."""
    rows: dict[tuple, list[dict]] = {}
    for f in facts:
        spec = table_spec(f["section"] or "")
        if spec and spec["layout"] == "comparison" and f["table"] != "prose":
            rows.setdefault((f["line"], f["item"]), []).append(f)
    for (line, item), row in rows.items():
        amounts = sorted((f for f in row if f["measure"] == "amount"), key=lambda f: f["fiscal_year"])
        change = next((f for f in row if f["measure"] == "change"), None)
        rate = next((f for f in row if f["measure"] == "change_rate"), None)
        if len(amounts) != 2 or change is None:
            continue
        last, this = amounts
        if any(f["value"] for f in (last, this, change)):
            yield _check(doc_id, f"comparison_change:{change['fact_id']}",
                         f"line {line} {item}: stated change {change['quote']} vs {this['fiscal_year']} "
                         f"{this['quote']} − {last['fiscal_year']} {last['quote']} (if this fails the table "
                         f"is inconsistent: its change column is not the difference of its amount columns)",
                         this["value"] - last["value"], change["value"],
                         half_unit(this) + half_unit(last) + half_unit(change), [last, this, change])
        if rate is not None and last["value"]:
            slack = (half_unit(this) * last["value"] + half_unit(last) * this["value"]) / last["value"] ** 2
            yield _check(doc_id, f"comparison_rate:{rate['fact_id']}",
                         f"line {line} {item}: stated rate {rate['quote']} vs ({this['quote']} − "
                         f"{last['quote']}) / {last['quote']} (as a fraction)",
                         (this["value"] - last["value"]) / last["value"], rate["value_std"],
                         half_unit(rate, std=True) + slack, [last, this, rate])


def _economic(doc_id, facts):
    """The narrative's economic list against its own 人员经费/公用经费 split and against the annex."""
    cfg, classes = labels()["checks"], labels()["economic"]["classes"]
    listed = [f for f in facts if f["table"] == "economic" and not table_spec(f["section"] or "")]
    prose = [f for f in facts if f["table"] == "prose" and f["measure"] == "amount"]
    split = {part["item"] for part in cfg["economic_parts"]}
    # 基本支出 is the whole whose listed parts are 人员经费 and 公用经费 (其中人员经费…,公用经费…).
    basic = next((f for f in prose if f["item"].endswith(cfg["basic_item"]) and
                  any(p["level1"] == f["item"] and p["item"] in split for p in prose)), None)
    if listed and basic is not None:
        yield _sum_check(doc_id, f"economic_total:{basic['fact_id']}",
                         f"line {basic['line']}: 基本支出 equals the economic-class list (lines "
                         f"{listed[0]['line']}-{listed[-1]['line']})", basic, listed)
    for part in cfg["economic_parts"]:
        stated = next((f for f in prose if f["item"] == part["item"]), None)
        members = [f for f in listed if f["level1"] == classes[part["class"]]]
        if stated is not None and members:
            check = _sum_check(doc_id, f"economic_part:{stated['fact_id']}",
                               f"line {stated['line']}: {part['item']} vs the listed {classes[part['class']]} "
                               f"({part['class']}xx) items ({part['why']}; the annex economic table instead "
                               f"puts 邮电费 in the 人员经费 column)", stated, members)
            yield check
    annex = {(f["level1"], f["item"]): f for f in facts if f["table"] == "economic"
             and table_spec(f["section"] or "") and f["measure"] == "basic_subtotal"}
    for f in listed:
        other = annex.get((f["level1"], f["item"]))
        if other is not None:
            yield _check(doc_id, f"economic_restated:{f['fact_id']}",
                         f"line {f['line']} {f['item']} {f['quote']} vs annex {other['section']} "
                         f"line {other['line']} {other['quote']}", other["value"], f["value"],
                         half_unit(f) + half_unit(other), [other, f])


def _project(doc_id, facts):
    """The project form's funds rows add up, and its total in 元 equals 项目支出 in 万元."""
    cfg = labels()["checks"]
    funds = [f for f in facts if f["table"] == "project_targets" and f["measure"] == "amount"]
    for rule in cfg["project_funds"]:
        total = next((f for f in funds if rule["total"] in f["item"]), None)
        parts = [next((f for f in funds if p in f["item"]), None) for p in rule["parts"]]
        if total is not None and all(parts):
            yield _sum_check(doc_id, f"project_funds:{total['fact_id']}",
                             f"{total['section']}: funds row equals its parts", total, parts)
    total = next((f for f in funds if cfg["project_funds"][0]["total"] in f["item"]), None)
    annex = [f for f in facts if f["table"] == "classification" and not _path(f)
             and f["measure"] == cfg["project_total_measure"]
             and compiled(labels()["tables"]["total_label"]).search(f["item"])]
    if total is not None and annex:
        yield _check(doc_id, f"project_total_yuan:{total['fact_id']}",
                     f"project {total['section']} {total['item']} {total['quote']} {total['unit']} vs "
                     f"{annex[0]['section']} 合计 项目支出 {annex[0]['quote']} {annex[0]['unit']} (in yuan)",
                     annex[0]["value_std"], total["value_std"],
                     half_unit(annex[0], std=True) + half_unit(total, std=True), [annex[0], total])
