"""The self-evaluation report parser: snippets of 苏州 2022 for each behaviour, then the whole document."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from hotlinecompare.extract.accounting import account
from hotlinecompare.extract.document import Document
from hotlinecompare.extract.fact_build import table_frame
from hotlinecompare.extract.kinds.self_evaluation import detect, parse, reconcile
from hotlinecompare.extract.raw import load_document, read_manifest

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"

EXEC_HEADER = ("本年度预算资金（万元）\t年初预算数（万元）\t上年度结转及当年 预算追加追减数(万 元)\t"
               "调整预算数（万元）\t实际支出数（万元）\t执行率（%）")
SE_HEADER = "\t类别\t指标名称\t指标目标值\t指标完成值\t完成值来源\t偏差情况\t原因分析"


def make(*lines: str) -> Document:
    return Document(doc_id="t", source_file="t.txt", city="x", city_zh="x", fiscal_year=2022,
                    kind="self_evaluation", lines=tuple(lines))


def execution(*rows: str) -> Document:
    return make("七、预算信息", "", EXEC_HEADER, *rows)


def indicators(*rows: str) -> Document:
    return make("九、部门整体自评表", "", SE_HEADER, *rows)


def facts_of(doc: Document) -> list[dict]:
    return parse(doc).facts


def by_measure(facts: list[dict]) -> dict[str, dict]:
    return {f["measure"]: f for f in facts}


# -- execution table -----------------------------------------------------------
def test_execution_columns_give_measure_basis_and_header_unit():
    row = by_measure(facts_of(execution("基本支出\t708.81\t56.46\t765.27\t716.92\t93.68%")))
    assert [(m, f["basis"]) for m, f in row.items()] == [
        ("initial_budget", "budget"), ("adjustment", "budget"), ("adjusted_budget", "budget"),
        ("actual_spending", "actual"), ("execution_rate", "actual")]
    assert row["adjustment"]["unit"] == "万元" and row["adjustment"]["unit_from"] == "header"
    assert row["adjustment"]["value_std"] == pytest.approx(564600)
    assert (row["execution_rate"]["unit"], row["execution_rate"]["value_std"]) == ("%", pytest.approx(0.9368))


def test_execution_stray_tab_after_name_keeps_columns_in_place():
    row = by_measure(facts_of(execution("呼叫平台、热线电话费等\t\t106.83\t-5.75\t101.08\t100.76\t99.68%")))
    assert row["initial_budget"]["value"] == 106.83
    assert row["adjustment"]["value"] == -5.75
    assert row["execution_rate"]["value"] == 99.68


def test_execution_wrapped_name_is_kept_as_written_and_joined_in_note():
    facts = facts_of(execution("全市便民服务人员业务技能 培训\t15.6\t-3.15\t12.45\t12.45\t100.00%"))
    assert {f["item"] for f in facts} == {"全市便民服务人员业务技能 培训"}
    assert facts[0]["note"].endswith("全市便民服务人员业务技能培训")


def test_execution_rows_after_project_subtotal_are_projects():
    facts = facts_of(execution("基本支出\t708.81\t56.46\t765.27\t716.92\t93.68%",
                               "项目支出\t1758.28\t-5.17\t1753.11\t1732.93\t98.85%",
                               "体检经费\t7.94\t0\t7.94\t7.94\t100.00%"))
    assert {f["item"]: f["level1"] for f in facts} == {"基本支出": "", "项目支出": "", "体检经费": "项目支出"}


def test_execution_unreadable_value_is_skipped_not_guessed():
    ex = parse(execution("体检经费\t7.94\t0\t7.94\t7.94\t见附表"))
    assert len(ex.facts) == 4
    assert [s.reason_code for s in ex.skips] == ["unreadable_cell"]


# -- self-evaluation table -------------------------------------------------------
def test_indicator_row_gives_target_actual_and_deviation():
    row = by_measure(facts_of(indicators(
        "\t\t市级 12345 平台热线接通率\t>=80%\t70.15%\t部门业务统计\t-9.85%\t无")))
    assert (row["target_value"]["basis"], row["target_value"]["operator"], row["target_value"]["value"]) == ("target", ">=", 80)
    assert (row["actual_value"]["basis"], row["actual_value"]["value"]) == ("actual", 70.15)
    assert (row["deviation"]["basis"], row["deviation"]["value"], row["deviation"]["unit"]) == ("actual", -9.85, "%")


def test_indicator_rows_shifted_left_are_read_from_the_source_column():
    facts = facts_of(indicators("\t劳动合同制座席人员数量\t<=114 人\t112 人\t部门业务统计\t0.00%\t无"))
    assert [(f["item"], f["measure"], f["quote"]) for f in facts] == [
        ("劳动合同制座席人员数量", "target_value", "<=114 人"),
        ("劳动合同制座席人员数量", "actual_value", "112 人"),
        ("劳动合同制座席人员数量", "deviation", "0.00%")]


def test_category_is_carried_forward_and_table_label_is_not_a_category():
    facts = facts_of(indicators(
        "分解目标\t决策\t工作计划制定健全性\t健全\t健全\t部门业务评判\t0%\t无",
        "\t\t中长期规划制定健全性\t健全\t健全\t部门业务评判\t0%\t无"))
    assert {f["level1"] for f in facts} == {"决策"}


def test_qualitative_values_are_facts_with_value_text():
    row = by_measure(facts_of(indicators(
        "\t项目计划完成时间\t每年 12 月 31 日前完成\t每年 12 月 31 日前完成\t部门业务评判\t0%\t无")))
    assert row["target_value"]["value"] is None
    assert row["target_value"]["value_text"] == "每年 12 月 31 日前完成"


def test_wrapped_reason_quantity_takes_its_clause_from_the_previous_line():
    facts = facts_of(indicators(
        "\t“三公经费”变动率\t=0%\t447.96%\t部门业务统计\t100%\t2022年度较2021年度新增购置了公务",
        "", "\t\t\t\t\t\t\t用车 1 辆，因此三公经费有较大变动。"))
    vehicle = facts[-1]
    assert (vehicle["line"], vehicle["quote"], vehicle["basis"]) == (6, "1 辆", "actual")
    assert vehicle["item"] == "2022年度较2021年度新增购置了公务用车"
    assert vehicle["fiscal_year"] == 2022


def test_reason_reference_level_is_skipped():
    ex = parse(indicators(
        "\t\t预算执行率\t=100%\t97.28%\t部门业务统计\t-2.72%\t执行率",
        "", "\t\t\t\t\t\t\t较低，影响了整体执行率低于100%。"))
    assert [s.reason_code for s in ex.skips] == ["comparison_reference"]
    assert all(f["line"] != 6 for f in ex.facts)


def test_name_without_values_is_skipped_with_reason():
    ex = parse(indicators("\t\t系统故障修复响应及时性"))
    assert ex.facts == []
    assert [s.reason_code for s in ex.skips] == ["label_without_values"]


# -- prose ---------------------------------------------------------------------
def prose(line: str) -> Document:
    return make("二、年度履职目标完成情况：", line)


def test_prose_generic_clause_and_explicit_items_in_reading_order():
    facts = facts_of(prose("全年全市累计受理各类有效服务诉求 1703.24 万件，同比增长 34.74%，及时处办率 99.39%。"))
    assert [(f["item"], f["measure"], f["quote"]) for f in facts] == [
        ("全市累计受理各类有效服务诉求", "stated_value", "1703.24 万件"),
        ("全市累计受理各类有效服务诉求同比增长", "change", "34.74%"),
        ("及时处办率", "stated_value", "99.39%")]
    assert facts[0]["value_std"] == pytest.approx(17032400)


def test_prose_seats_are_counted_in_seats():
    facts = facts_of(prose("设置人社、医保、公积金、交通和综合服务等 5 个专区共 120 个座席，实现系统对接"))
    seats = facts[-1]
    assert (seats["quote"], seats["value"], seats["unit"], seats["unit_std"]) == ("120 个座席", 120, "席", "seat")
    assert facts[0]["item"] == "专区"


def test_prose_establishment_is_authorized():
    fact = facts_of(prose("为副处级、公益一类、财政全额拨款事业单位，编制15名，内设综合科"))[0]
    assert (fact["item"], fact["basis"], fact["value"], fact["unit_std"]) == ("编制", "authorized", 15, "person")


def test_prose_change_against_an_earlier_year_stays_in_the_report_year():
    fact = facts_of(prose("全市群众满意度89.7%，较2021年度提升32.2%。"))[1]
    assert (fact["measure"], fact["value"], fact["fiscal_year"]) == ("change", 32.2, 2022)
    assert "2021" in fact["note"]


def test_prose_lower_bound_keeps_its_operator_in_the_quote():
    fact = facts_of(prose("当年预算支出完成率达到95%以上，并对照2022年度目标"))[0]
    assert (fact["quote"], fact["operator"], fact["value"]) == ("95%以上", ">=", 95)


def test_prose_hotline_counts_are_items_not_messages():
    fact = facts_of(prose("归并热线以及 8 条市级公共事业服务热线开展第三方测评"))[0]
    assert (fact["unit"], fact["unit_std"]) == ("个", "item")
    assert "条" in fact["note"]


def test_prose_rule_thresholds_addresses_and_bare_years_are_skipped():
    ex = parse(make("八、年度重点任务",
                    "排名前 30%的，或者排名前 50%且全年无扣分",
                    "搬迁至苏州市市场监管局（平泷路 188 号）4 楼",
                    "2022全年共进行市民开放日相关活动6次。"))
    assert [(s.line, s.reason_code) for s in ex.skips] == [
        (2, "rule_threshold"), (2, "rule_threshold"), (3, "address"), (4, "year")]
    assert [(f["item"], f["value"]) for f in ex.facts] == [("市民开放日相关活动", 6)]


def test_every_prose_rule_matches_a_number_written_in_digits():
    """_prose skips a span without a digit: sound only while every rule needs one ({num} or \\d)."""
    from hotlinecompare.extract.kinds.self_evaluation.parsing import patterns

    rules = patterns()["prose_fact"] + patterns()["not_quantity"]
    assert rules and all("{num}" in r["regex"] or "\\d" in r["regex"] for r in rules)


# -- detection -----------------------------------------------------------------
def test_detect_scores_the_title_high_and_other_kinds_low():
    assert detect(("苏州市市级预算部门（单位）整体支出预算绩效自评报告", "（2022 年度）")) >= 0.6
    assert detect(("苏州市市级项目预算绩效目标表", "2024年度")) == 0


# -- reconciliation on a snippet ---------------------------------------------------
def test_reconcile_reports_a_deviation_that_does_not_follow_the_arithmetic():
    frame = table_frame(facts_of(indicators("满意度\t群众满意度\t>=85%\t97.21%\t部门业务统计\t0.00%\t无")), "facts")
    check = reconcile(frame).filter(pl.col("check_id") == "t:deviation-L0004").row(0, named=True)
    assert (check["expected"], check["found"], check["passed"]) == (pytest.approx(12.21), 0.0, False)
    assert "target is met" in check["description"]
    assert check["fact_ids"] == "t-L0004-1;t-L0004-2;t-L0004-3"


def test_reconcile_ignores_documents_of_other_kinds():
    frame = table_frame(facts_of(execution("基本支出\t708.81\t56.46\t765.27\t716.92\t93.68%")), "facts")
    assert reconcile(frame).height == 0
    assert reconcile(frame.clear()).columns[:2] == ["check_id", "doc_id"]


# -- the whole document ------------------------------------------------------------
@pytest.fixture(scope="module")
def whole():
    row = next(r for r in read_manifest(RAW) if r["doc_id"] == "sz2022se")
    doc = load_document(RAW, row)
    ex = parse(doc)
    return doc, ex, table_frame(ex.facts, "facts")


def value(frame: pl.DataFrame, **where) -> float:
    rows = frame.filter(**where)
    assert rows.height == 1, (where, rows)
    return rows.item(0, "value")


def test_whole_spot_checks_execution(whole):
    _, _, f = whole
    e = f.filter(table="execution")
    assert value(e, item="预算总金额", measure="adjusted_budget") == 2518.38
    assert value(e, item="预算总金额", measure="actual_spending") == 2449.85
    assert value(e, item="预算总金额", measure="execution_rate") == 97.28
    assert [value(e, item="基本支出", measure=m) for m in
            ("initial_budget", "adjustment", "adjusted_budget", "actual_spending", "execution_rate")] == [
        708.81, 56.46, 765.27, 716.92, 93.68]
    assert [value(e, item="项目支出", measure=m) for m in
            ("initial_budget", "adjustment", "adjusted_budget", "actual_spending", "execution_rate")] == [
        1758.28, -5.17, 1753.11, 1732.93, 98.85]
    # The document lists 15 projects under 项目支出 (18 rows × 5 columns).
    assert e.filter(level1="项目支出").get_column("item").n_unique() == 15
    assert e.height == 90


def test_whole_spot_checks_self_evaluation(whole):
    _, _, f = whole
    s = f.filter(table="self_evaluation")
    item = "市级 12345 平台热线接通率"
    assert s.filter(item=item, measure="target_value").select("operator", "value").row(0) == (">=", 80)
    assert value(s, item=item, measure="actual_value") == 70.15
    assert value(s, item=item, measure="deviation") == -9.85
    assert s.filter(item="劳动合同制座席人员数量", measure="target_value").select(
        "operator", "value", "unit").row(0) == ("<=", 114, "人")
    assert value(s, item="劳动合同制座席人员数量", measure="actual_value") == 112
    assert s.filter(item="群众满意度", measure="target_value").select("operator", "value").row(0) == (">=", 85)
    assert value(s, item="群众满意度", measure="actual_value") == 97.21
    assert s.filter(measure="target_value").height == 74
    assert s.filter(measure="target_value").get_column("level1").unique().sort().to_list() == sorted(
        ["决策", "过程", "效益", "满意度", "履职"])


def test_whole_spot_checks_prose(whole):
    _, _, f = whole
    p = f.filter(table="prose")
    assert value(p, item="全市累计受理各类有效服务诉求") == 1703.24
    assert p.filter(item="座席").select("value", "unit_std").row(0) == (120, "seat")
    assert p.filter(item="编制").select("value", "basis").row(0) == (15, "authorized")
    assert p.filter(item="年末中心座席人员数").select("value", "basis", "fiscal_year").row(0) == (112, "actual", 2022)
    assert p.height == 55


def test_whole_every_quote_is_in_its_line(whole):
    doc, ex, _ = whole
    bad = [f for f in ex.facts
           if doc.text(f["line"])[f["char_start"]:f["char_start"] + len(f["quote"])] != f["quote"]]
    assert bad == []


def test_whole_every_numeric_token_is_accounted_for(whole):
    doc, ex, _ = whole
    acct = account(doc, ex)
    leftovers = [(r["line"], r["tokens"]) for r in acct.unparsed if r["reason_code"] == "unrecognised"]
    assert acct.unrecognised == 0, leftovers
    assert (acct.tokens, acct.in_facts, acct.skipped, acct.explained) == (438, 288, 6, 144)


def test_whole_is_deterministic(whole):
    doc, ex, _ = whole
    assert parse(doc).facts == ex.facts


def test_whole_reconciliation(whole):
    _, _, f = whole
    checks = reconcile(f)
    assert checks.height == 68 and checks.get_column("check_id").n_unique() == 68
    failed = checks.filter(~pl.col("passed")).select("check_id", "expected", "found").rows()
    assert [(c, round(e, 2), x) for c, e, x in failed] == [
        ("sz2022se:deviation-L0132", 447.96, 100.0),   # “三公经费”变动率 =0% → 447.96%, reported 100%
        ("sz2022se:deviation-L0135", 2.08, 100.0),     # 预算调整率 =0% → 2.08%, reported 100%
        ("sz2022se:deviation-L0138", -15.29, 0.0),     # 公用经费控制率 <=100% → 84.71%, reported 0.00%
        ("sz2022se:deviation-L0144", 12.21, 0.0),      # 群众满意度 >=85% → 97.21%, reported 0.00%
        ("sz2022se:deviation-L0147", 5.0, 0.0),        # 培训考试通过率 >=95% → 100%, reported 0.00%
    ]
    rate = checks.filter(check_id="sz2022se:cross-budget-execution-rate").row(0, named=True)
    assert (rate["expected"], rate["found"], rate["passed"]) == (97.28, 97.28, True)
    total = checks.filter(check_id="sz2022se:execution-预算总金额-execution_rate").row(0, named=True)
    assert total["expected"] == pytest.approx(2449.85 / 2518.38 * 100) and total["passed"]
