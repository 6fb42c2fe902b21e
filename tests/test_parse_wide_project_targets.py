"""The wide project-target parser (广州 项目支出绩效目标表): snippets, then the whole document."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from hotlinecompare.extract.accounting import account
from hotlinecompare.extract.document import Document
from hotlinecompare.extract.fact_build import table_frame
from hotlinecompare.extract.kinds import wide_project_targets as wpt
from hotlinecompare.extract.raw import load_document, read_manifest

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
HEAD = ("项目支出绩效目标表（含转移支付项目）", "单位名称：广州市市长专线电话受理中心", "单位：万元",
        "项目名称（资金使用单位）\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标")


def doc(*rows: str, year: int | None = None) -> Document:
    return Document(doc_id="t", source_file="t.txt", city="x", city_zh="x", fiscal_year=year,
                    kind="wide_project_targets", lines=HEAD + rows)


def row(name: str, amount: str, indicators: str = "", goal: str = "") -> str:
    return f"{name}\t{amount}\t{amount}\t\t\t{goal}\t{indicators}"


def test_money_columns_are_budget_in_the_documents_unit_without_a_year():
    total, appropriation = wpt.parse(doc(row("业务用房物业管理费", "268.66"))).facts
    assert (total["item"], total["measure"], total["value"], total["unit"], total["unit_from"]) == \
        ("总计", "total", 268.66, "万元", "document")
    assert (total["table"], total["section"], total["basis"], total["fiscal_year"]) == \
        ("projects", "业务用房物业管理费", "budget", None)
    assert appropriation["measure"] == "fiscal_appropriation"
    assert "year not stated in the text" in total["note"]


def test_total_row_and_the_centres_own_row_are_summary_not_projects():
    facts = wpt.parse(doc(row("合计", "620.57"), row("广州市市长专线电话受理中心", "620.57"))).facts
    assert {f["table"] for f in facts} == {"summary"}


def test_each_indicator_clause_is_one_target_fact():
    cell = "1、产出指标：可支持话务总量，年度指标值：1200万通。2、产出指标：坐席并发用户量，年度指标值：≥300。"
    calls, seats = wpt.parse(doc(row("项目", "19.30", cell))).facts[2:]
    assert (calls["item"], calls["level1"], calls["quote"], calls["value_std"], calls["unit_std"]) == \
        ("可支持话务总量", "产出指标", "1200万通", 12_000_000, "call")
    assert (seats["basis"], seats["table"], seats["operator"], seats["value"], seats["unit"]) == \
        ("target", "project_targets", ">=", 300, "")


def test_no_target_value_is_kept_as_text():
    cell = "2、效益指标：容灾备份恢复能力（定性），年度指标值：无。"
    (fact,) = wpt.parse(doc(row("项目", "19.30", cell))).facts[2:]
    assert (fact["item"], fact["value"], fact["value_text"]) == ("容灾备份恢复能力（定性）", None, "无")
    assert "no target value" in fact["note"]


def test_a_rate_without_unit_keeps_the_unit_empty_and_says_so():
    cell = "1、产出指标：普通话语音识别准确率，年度指标值：≥85。"
    (fact,) = wpt.parse(doc(row("项目", "43.11", cell))).facts[2:]
    assert (fact["value"], fact["unit"]) == (85, "") and "rate (率)" in fact["note"]


def test_formula_constant_in_a_name_is_skipped_and_the_name_kept_as_written():
    cell = "1、产出指标：物业巡检完成率（物业巡检完成率=实际数/计划数*100%），年度指标值：≥95%。"
    d = doc(row("项目", "268.66", cell))
    ex = wpt.parse(d)
    assert ex.facts[-1]["item"] == "物业巡检完成率（物业巡检完成率=实际数/计划数*100%）"
    assert [(s.reason_code, d.text(s.line)[s.start:s.end]) for s in ex.skips] == [("formula_constant", "100")]


def test_name_ending_in_a_full_stop_and_a_rate_per_day():
    cell = "1、产出指标：工作日平均日巡检数(次/日)，年度指标值：≥2次/日。2、效益指标：重大事故发生数。，年度指标值：0次。"
    daily, accidents = wpt.parse(doc(row("项目", "10.50", cell))).facts[2:]
    assert (daily["unit"], daily["value"]) == ("次/日", 2)
    assert (accidents["item"], accidents["value"], accidents["unit"]) == ("重大事故发生数。", 0, "次")


def test_detect_scores_the_title_and_header():
    assert wpt.detect(HEAD) >= 0.5
    assert wpt.detect(HEAD + (row("项目", "1.00", "1、产出指标：接通率，年度指标值：≥95%。"),)) == 1.0
    assert wpt.detect(("贵阳市 12345 政务服务便民热线事务中心 2024 年部门预算公开信息",)) == 0


# -- the whole document --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real():
    manifest_row = next(r for r in read_manifest(RAW) if r["doc_id"] == "gzxxxxpt")
    document = load_document(RAW, manifest_row)
    ex = wpt.parse(document)
    return document, ex, table_frame(ex.facts, "facts")


def _one(frame: pl.DataFrame, **where) -> dict:
    rows = frame.filter(pl.all_horizontal(pl.col(k) == v for k, v in where.items())).to_dicts()
    assert len(rows) == 1, (where, rows)
    return rows[0]


def test_spot_checks(real):
    _, _, f = real
    calls = _one(f, item="可支持话务总量")
    assert (calls["quote"], calls["value_std"]) == ("1200万通", 12_000_000)
    assert _one(f, item="坐席并发用户量")["quote"] == "≥300"
    assert _one(f, item="系统并发数")["quote"] == "≥700"
    assert _one(f, section="合计", measure="total")["value"] == 620.57
    assert _one(f, section="业务用房物业管理费", measure="total")["value"] == 268.66
    assert f["fiscal_year"].null_count() == f.height


def test_counts_and_quotes(real):
    document, _, f = real
    assert f.group_by("table").len().sort("table").rows() == [("project_targets", 35), ("projects", 14),
                                                            ("summary", 4)]
    bad = [r["fact_id"] for r in f.to_dicts()
           if document.text(r["line"])[r["char_start"]:r["char_start"] + len(r["quote"])] != r["quote"]]
    assert bad == []


def test_every_numeric_token_is_accounted_for(real):
    document, ex, _ = real
    a = account(document, ex)
    left = [(r["line"], r["tokens"]) for r in a.unparsed if r["reason_code"] == "unrecognised"]
    assert a.unrecognised == 0, left
    assert (a.tokens, a.in_facts, a.skipped, a.explained) == (104, 47, 1, 56)


def test_reconciliation_all_rows_add_up(real):
    _, _, f = real
    checks = wpt.reconcile(f)
    assert checks.height == 13 and checks["passed"].all()
    projects_sum = checks.filter(pl.col("check_id") == "gzxxxxpt:projects_sum:gzxxxxpt-L0010-1").row(0, named=True)
    assert (projects_sum["expected"], projects_sum["found"]) == (620.57, pytest.approx(620.57))
    assert "taken as 0" in checks.filter(pl.col("check_id").str.contains("row_sources"))["description"][0]
