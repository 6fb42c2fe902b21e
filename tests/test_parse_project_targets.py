"""The project target form parser: snippets of 苏州 2024 / 江宁 2026 for each behaviour, then the whole documents."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from hotlinecompare.extract.accounting import account
from hotlinecompare.extract.document import Document
from hotlinecompare.extract.fact_build import table_frame
from hotlinecompare.extract.kinds.project_targets import detect, parse, reconcile
from hotlinecompare.extract.kinds.project_targets.detection import template_score
from hotlinecompare.extract.raw import load_document, read_manifest

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"

INCOME_HEADER = "项目资金 (万元)\t收入\t\t\t全年(程) 预算数\t"
INDICATOR_HEADER = "一级指标\t二级指标\t三级指标\t半年(程) 指标值\t全年(程) 指标值\t"


def make(*lines: str, year: int = 2024) -> Document:
    return Document(doc_id="t", source_file="t.txt", city="x", city_zh="x", fiscal_year=year,
                    kind="project_targets", lines=tuple(lines))


def facts_of(*lines: str, year: int = 2024) -> list[dict]:
    return parse(make(*lines, year=year)).facts


def cells(facts: list[dict], *keys: str) -> list[tuple]:
    return [tuple(f[k] for k in keys) for f in facts]


# -- income block --------------------------------------------------------------
def test_income_rows_are_full_year_budget_in_the_header_unit():
    facts = facts_of("项目名称\t体检经费\t主管部门\t苏州市行政审批局\t\t", INCOME_HEADER,
                     "\t\t资金总额\t\t7.74\t", "\t\t财政拨款\t小计\t\t7.74", "\t\t\t政府性基金\t\t",
                     "\t\t社保基金\t\t0\t")
    assert cells(facts, "table", "item", "value", "unit", "period", "basis", "section") == [
        ("income", "资金总额", 7.74, "万元", "full_year", "budget", "体检经费"),
        ("income", "小计", 7.74, "万元", "full_year", "budget", "体检经费"),
        ("income", "社保基金", 0.0, "万元", "full_year", "budget", "体检经费")]
    assert facts[0]["unit_from"] == "header"


def test_jiangning_total_alone_below_the_column_header_belongs_to_the_total_label():
    facts = facts_of("项目资金 (万元)\t收入\t资金总额\t", "\t\t\t全年(程)预算数 (万元)", "\t\t\t725",
                     "\t\t小计\t725")
    assert cells(facts, "line", "item", "value") == [(3, "资金总额", 725.0), (4, "小计", 725.0)]
    assert "label 资金总额 is on line 1" in facts[0]["note"]


def test_total_label_on_the_header_line_with_no_value_gives_no_total_fact():
    facts = facts_of("项目资金 (万元)\t收入\t资金总额\t\t全年(程) 预算数\t", "\t\t财政拨款\t小计\t\t3.2",
                     "\t\t\t一般公共预算资金\t\t3.2")
    assert [f["item"] for f in facts] == ["小计", "一般公共预算资金"]
    assert facts[0]["note"] == "资金总额 (line 1) has no value in this form"


def test_unit_comes_from_the_money_label_even_when_printed_after_the_values():
    # 苏州 l.217–225: 全年（程） brackets 程, which is not a unit; 项目资金 (万元) comes later.
    facts = facts_of("\t\t\t全年（程） 预算数", "\t资金总额\t\t1663.63", "项目资金 (万元)\t\t社保基金\t\t0\t")
    assert [f["unit"] for f in facts] == ["万元", "万元"]


# -- expenditure block -----------------------------------------------------------
EXP_HEADER = "支出\t\t\t半年(程) 计划执行数\t全年(程) 预算数\t"


def test_line_item_gives_half_year_plan_and_full_year_amount():
    facts = facts_of(INCOME_HEADER, EXP_HEADER, "\t\t“便民杯”考核经费\t24.5\t24.5\t")
    assert cells(facts, "table", "item", "measure", "period", "value", "unit") == [
        ("expenditure", "“便民杯”考核经费", "planned_execution", "half_year", 24.5, "万元"),
        ("expenditure", "“便民杯”考核经费", "amount", "full_year", 24.5, "万元")]


def test_items_before_the_expenditure_label_are_read_after_the_column_header():
    facts = facts_of(INCOME_HEADER, "\t\t半年（程） 计划执行数\t全年（程） 预算数\t\t",
                     "2023-2025年度苏州市12345话务平台租用服务\t\t44.4\t88.8\t\t", "",
                     "\t支出\t话务终端设备更新维护费\t0\t2")
    assert cells(facts, "item", "period", "value") == [
        ("2023-2025年度苏州市12345话务平台租用服务", "half_year", 44.4),
        ("2023-2025年度苏州市12345话务平台租用服务", "full_year", 88.8),
        ("话务终端设备更新维护费", "half_year", 0.0), ("话务终端设备更新维护费", "full_year", 2.0)]


def test_full_year_value_under_a_repeated_header_on_the_next_line():
    # 苏州 党团活动费 l.341–343.
    facts = facts_of(INCOME_HEADER, "\t支出\t半年(程) 计划执行数\t\t全年(程) 预算数\t",
                     "党团活动费\t\t0\t\t\t", "全年(程) 预算数\t\t3.2\t\t\t")
    assert cells(facts, "line", "item", "period", "value") == [
        (3, "党团活动费", "half_year", 0.0), (4, "党团活动费", "full_year", 3.2)]


def test_item_named_on_the_header_line_takes_the_values_of_the_next_line():
    # 苏州 一般宣传材料印刷费 l.387–388.
    facts = facts_of(INCOME_HEADER, "\t支出\t宣传制作费\t\t半年(程) 计划执行数\t全年(程) 预算数",
                     "\t\t0\t\t1.67\t")
    assert cells(facts, "line", "item", "period", "value") == [
        (3, "宣传制作费", "half_year", 0.0), (3, "宣传制作费", "full_year", 1.67)]


def test_missing_full_year_value_is_not_invented():
    # 苏州 工作服定制 l.433–434: the full-year slot holds only its header text.
    facts = facts_of(INCOME_HEADER, "支出\t\t\t\t半年(程) 计划执行数\t",
                     "\t工作服定制\t\t0\t全年(程) 预算数\t")
    assert cells(facts, "item", "period", "value") == [("工作服定制", "half_year", 0.0)]
    assert "no value" in facts[0]["note"]


def test_second_value_is_full_year_by_column_order_when_its_header_is_missing():
    # 苏州 热线系统软硬件维护 l.572–577.
    facts = facts_of(INCOME_HEADER, "\t支出\t\t\t半年(程) 计划执行数",
                     "2024年度苏州热线智能化软件系统维护\t\t12\t20\t")
    assert cells(facts, "period", "value") == [("half_year", 12.0), ("full_year", 20.0)]
    assert "by column order" in facts[1]["note"]


def test_item_with_one_value_and_nothing_after_it_is_unspecified():
    facts = facts_of(INCOME_HEADER, EXP_HEADER, "法律顾问\t\t5\t", "中长期目标\t项目当年完成。")
    assert cells(facts, "period", "value") == [("unspecified", 5.0)]
    assert "not stated" in facts[0]["note"]


# -- indicator table -------------------------------------------------------------
def test_indicator_levels_carry_forward_and_values_are_targets():
    facts = facts_of(INDICATOR_HEADER, "过程\t资金管理\t资金到位率\t序时进度\t100%\t",
                     "\t\t预算执行率\t=48%\t=100%", "制度执行有效性\t\t有效\t有效\t")
    assert cells(facts, "level1", "level2", "level3", "period", "quote", "basis") == [
        ("过程", "资金管理", "资金到位率", "half_year", "序时进度", "target"),
        ("过程", "资金管理", "资金到位率", "full_year", "100%", "target"),
        ("过程", "资金管理", "预算执行率", "half_year", "=48%", "target"),
        ("过程", "资金管理", "预算执行率", "full_year", "=100%", "target"),
        ("过程", "组织实施", "制度执行有效性", "half_year", "有效", "target"),
        ("过程", "组织实施", "制度执行有效性", "full_year", "有效", "target")]
    assert facts[0]["value_text"] == "序时进度" and facts[0]["value"] is None
    assert (facts[2]["operator"], facts[2]["value_std"]) == ("=", pytest.approx(0.48))


def test_second_level_name_in_the_first_column_implies_its_parent():
    # 苏州 l.253: 数量指标 shifted into the 一级 column, after rows of 过程.
    facts = facts_of(INDICATOR_HEADER, "过程\t资金管理\t预算执行率\t=45%\t=100%\t",
                     "数量指标\t市12345平台劳动合同制座席人员数量\t\t≤114人\t≤114人\t")
    assert cells(facts[2:], "level1", "level2", "quote", "unit") == [
        ("产出指标", "数量指标", "≤114人", "人"), ("产出指标", "数量指标", "≤114人", "人")]
    assert "from the vocabulary" in facts[2]["note"]


def test_standard_third_level_row_above_its_second_level_label_is_placed_by_the_vocabulary():
    # 苏州 l.307: 预算执行率 printed after 资金投入 rows, before the 过程/资金管理 labels.
    facts = facts_of(INDICATOR_HEADER, "\t资金投入\t预算编制科学性\t科学\t科学\t",
                     "\t\t预算执行率\t=0%\t=100%\t")
    assert cells(facts[2:], "level1", "level2") == [("过程", "资金管理")] * 2


def test_row_with_one_value_is_unspecified_with_a_note():
    # 苏州 l.189.
    facts = facts_of(INDICATOR_HEADER, "\t产出指标\t数量指标\t市民开放日交流活动举办活动场次\t≥1次")
    assert cells(facts, "level1", "level2", "period", "value", "unit") == [
        ("产出指标", "数量指标", "unspecified", 1.0, "次")]
    assert "not stated" in facts[0]["note"]


def test_page_debris_cell_is_skipped_and_the_row_still_read():
    ex = parse(make(INDICATOR_HEADER, "/ 山 1 日 1 个\t时效指标\t开展党团活动及时性\t及时\t及时"))
    assert [s.reason_code for s in ex.skips] == ["page_debris"]
    assert cells(ex.facts, "level1", "level2", "value_text") == [("产出指标", "时效指标", "及时")] * 2


def test_qualitative_value_with_digits_is_one_qualitative_fact_quoting_the_whole_cell():
    facts = facts_of(INDICATOR_HEADER, "\t时效指标\t培训完成时间\t按时推进\t当年12月底之前完成")
    assert cells(facts, "value_text", "quote", "value") == [
        ("按时推进", "按时推进", None), ("当年12月底之前完成", "当年12月底之前完成", None)]


def test_empty_indicator_rows_give_nothing():
    assert facts_of(INDICATOR_HEADER, "效益指标\t经济效益\t\t\t", "\t生态效益\t\t\t") == []


def test_first_level_as_written_wins_with_a_note_when_it_contradicts_the_vocabulary():
    # 苏州 l.489: 成果 in the 一级 column where 绩效目标 belongs to 决策.
    facts = facts_of(INDICATOR_HEADER, "成果\t绩效目标\t绩效指标明确性\t明确\t明确")
    assert facts[0]["level1"] == "成果" and "under 决策" in facts[0]["note"]


# -- prose -----------------------------------------------------------------------
JN_FEASIBILITY = ("项目可行性说明\t<p>2022 年，项目履行期限：3 年（首次合同签订之日起至 2025 年 10 月 31 日），"
                  "合同一年一签。其中，2023 年度实际产生费用为 751.78 万元，2024 年度实际产生费用为 750 万元，"
                  "2025 年度预计产生费用 730 万元。</p> <p>综合考虑运营成本，拟申请项目预算 725.63 万元/年，"
                  "计划按三年服务期采购，合同一年一签，三年总预算合计 2176.89 万元（最高限价）。</p>\t\t")


def test_prose_quantities_take_basis_and_year_from_their_clause():
    facts = facts_of(JN_FEASIBILITY, year=2026)
    assert cells(facts, "quote", "basis", "fiscal_year", "table", "period") == [
        ("751.78 万元", "actual", 2023, "prose", "annual"), ("750 万元", "actual", 2024, "prose", "annual"),
        ("730 万元", "estimate", 2025, "prose", "annual"),
        ("725.63 万元/年", "budget", 2026, "prose", "annual"),
        ("2176.89 万元", "budget", 2026, "prose", "unspecified")]
    assert "three-year" in facts[-1]["note"] and "最高限价" in facts[-1]["note"]


def test_a_duration_in_years_is_skipped_not_a_fact():
    ex = parse(make(JN_FEASIBILITY, year=2026))
    assert [(s.reason_code, JN_FEASIBILITY[s.start:s.end]) for s in ex.skips] == [("duration", "3")]


def test_schedule_and_ranking_numbers_in_prose_are_not_quantities():
    facts = facts_of("实施可行性\t<p>1、设立统一的服务热线平台，365天×24小时为市民提供服务；</p>\t\t",
                     "项目实施内容\t对年度总评得分在同类部门中排名前35%的，可以考核认定为年度优胜单位。\t")
    assert facts == []


def test_a_range_is_skipped_with_its_reason():
    ex = parse(make("实施可行性\t<p>（2）编排设计：乙方根据甲方提供的推文内容进行图文编排设计，每周一次，每次3-4篇。</p>"))
    assert ex.facts == [] and [s.reason_code for s in ex.skips] == ["range"]


def test_a_sentence_restated_later_in_the_form_gives_its_quantities_once():
    goal = "\t\t<p>一、保障座席人员相关经费：1. 劳动合同制座席人员数量：维持114人左右。</p>\t\t\t"
    ex = parse(make("中长期目标" + goal, "年度目标" + goal))
    assert cells(ex.facts, "line", "quote", "basis", "item") == [(1, "114人", "target", "劳动合同制座席人员数量：维持")]
    assert [(s.line, s.reason_code) for s in ex.skips] == [(2, "duplicate_restatement")]


# -- detection -------------------------------------------------------------------
def test_detect_scores_the_title_and_the_form_cells():
    assert detect(("", "苏州市市级项目预算绩效目标表", "2024年度")) == 1.0
    assert detect(("江宁区项目预算绩效目标申报表",)) == 1.0
    assert 0.5 < detect(("项目名称\tx", INCOME_HEADER, EXP_HEADER, INDICATOR_HEADER)) < 1.0
    # another form's title is the family's (the genre reader reads it), not this template's
    assert template_score(("项目支出绩效目标表（含转移支付项目）", "单位：万元")) == 0.0
    assert detect(("项目支出绩效目标表（含转移支付项目）", "单位：万元")) > 0.5


# -- whole documents ---------------------------------------------------------------
@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    rows = {r["doc_id"]: r for r in read_manifest(RAW)}
    return {d: load_document(RAW, rows[d]) for d in ("sz2024pt", "jn2026pt")}


@pytest.fixture(scope="module")
def extractions(docs):
    return {d: parse(doc) for d, doc in docs.items()}


@pytest.fixture(scope="module")
def frame(extractions) -> pl.DataFrame:
    return table_frame([f for ex in extractions.values() for f in ex.facts], "facts")


@pytest.fixture(scope="module")
def checks(frame) -> pl.DataFrame:
    return reconcile(frame)


def one(frame: pl.DataFrame, **where) -> dict:
    rows = frame.filter(**where).to_dicts()
    assert len(rows) == 1, (where, rows)
    return rows[0]


def test_every_quote_is_the_text_of_its_line(docs, extractions):
    for d, ex in extractions.items():
        for f in ex.facts:
            text = docs[d].text(f["line"])
            assert text[f["char_start"]:f["char_start"] + len(f["quote"])] == f["quote"], f


@pytest.mark.parametrize("doc_id", ["sz2024pt", "jn2026pt"])
def test_no_unrecognised_tokens(docs, extractions, doc_id):
    acct = account(docs[doc_id], extractions[doc_id])
    left = [(u["line"], u["tokens"]) for u in acct.unparsed if u["reason_code"] == "unrecognised"]
    assert acct.unrecognised == 0, left


def test_token_accounting_numbers(docs, extractions):
    got = {d: account(docs[d], ex) for d, ex in extractions.items()}
    assert [(a.tokens, a.in_facts, a.skipped, a.explained) for a in got.values()] == [
        (562, 251, 19, 292), (61, 33, 1, 27)]


def test_fact_counts(extractions):
    counts = {d: (sum(f["value"] is not None for f in ex.facts), sum(f["value"] is None for f in ex.facts))
              for d, ex in extractions.items()}
    assert counts == {"sz2024pt": (249, 318), "jn2026pt": (33, 21)}


def test_every_suzhou_form_is_a_section(frame):
    sections = frame.filter(pl.col("doc_id") == "sz2024pt")["section"].unique(maintain_order=True)
    assert len(sections) == 12 and sections[0] == "呼叫平台、热线电话费等" and sections[-1] == "热线系统软硬件维护"


def test_suzhou_call_platform_total_and_its_six_line_items(frame):
    sz = frame.filter((pl.col("doc_id") == "sz2024pt") & (pl.col("section") == "呼叫平台、热线电话费等"))
    assert one(sz, table="income", item="资金总额")["value"] == 161.96
    full = sz.filter(table="expenditure", period="full_year")["value"].to_list()
    assert full == [88.8, 29.96, 2.0, 30.0, 10.0, 1.2]
    assert sum(full) == pytest.approx(161.96)


def test_suzhou_seats(frame):
    sz = frame.filter(pl.col("doc_id") == "sz2024pt")
    seats = sz.filter(level3="座席资源个数")
    assert cells(seats.to_dicts(), "operator", "value", "unit_std", "basis") == [("<=", 52.0, "seat", "target")] * 2
    prose = sz.filter(table="prose", line=12)
    assert cells(prose.to_dicts(), "value", "unit") == [(23.0, "席"), (10.0, "席"), (19.0, "席"), (480.0, "元/月")]


def test_suzhou_staff_and_running_costs(frame):
    sz = frame.filter(pl.col("doc_id") == "sz2024pt")
    staff = sz.filter(level3="市12345平台劳动合同制座席人员数量", period="full_year").row(0, named=True)
    assert (staff["operator"], staff["value"], staff["unit"]) == ("<=", 114.0, "人")
    assert one(sz, table="prose", quote="114人")["basis"] == "target"
    assert one(sz, item="劳动合同制座席人员工资及社保公积金", period="full_year")["value"] == 982.43
    assert one(sz, item="住房公积金“12329”热线服务外包", period="full_year")["value"] == 249.78
    assert one(sz, level3="“12329”热线服务外包的座席人员数量", period="full_year")["quote"] == "≤23人"
    assert one(sz, level3="热线接通率", period="full_year")["quote"] == "≥80%"
    assert cells(sz.filter(table="prose", line=215).to_dicts(), "quote", "basis") == [
        ("3个", "budget"), ("12名", "budget")]
    assert one(sz, table="prose", quote="2500元")["unit_std"] == "yuan"
    assert one(sz, table="prose", quote="0.1万元/人")["value_std"] == pytest.approx(1000)


def test_jiangning_spot_checks(frame):
    jn = frame.filter(pl.col("doc_id") == "jn2026pt")
    prose = jn.filter(table="prose")
    assert cells(prose.to_dicts(), "value", "basis", "fiscal_year") == [
        (751.78, "actual", 2023), (750.0, "actual", 2024), (730.0, "estimate", 2025),
        (725.63, "budget", 2026), (2176.89, "budget", 2026)]
    assert one(jn, table="income", item="资金总额")["value"] == 725.0
    assert one(jn, table="expenditure", period="half_year")["value"] == 362.5
    assert one(jn, table="expenditure", period="full_year")["value"] == 725.0
    assert one(jn, level3="月均日产能", period="full_year")["quote"] == "≥60 件/坐席/天"
    assert one(jn, level3="热线话务接通率", period="full_year")["quote"] == "≥96%"


FAILING_CHECKS = {
    "sz2024pt:P01-half_vs_execution_rate",   # 79.38 planned vs =48% × 161.96
    "sz2024pt:P02-half_vs_execution_rate",   # 24.5 planned vs =90% × 24.5
    "sz2024pt:P04-half_vs_execution_rate",   # 32.2 planned vs =70% × 43.5
    "sz2024pt:P05-half_vs_execution_rate",   # 807.11 planned vs =45% × 1663.63
    "sz2024pt:P09-items_full_vs_total",      # 工作服定制: no full-year value for its only item
    "sz2024pt:P12-half_vs_execution_rate",   # 52.02 planned vs =58% × 86.71
}


def test_reconcile_outcomes(checks):
    assert checks.columns == ["check_id", "doc_id", "description", "expected", "found", "difference",
                              "tolerance", "passed", "fact_ids"]
    assert checks.height == 63
    assert set(checks.filter(~pl.col("passed"))["check_id"]) == FAILING_CHECKS


def test_reconcile_missing_full_year_value_is_a_failed_check_saying_so(checks):
    row = one(checks, check_id="sz2024pt:P09-items_full_vs_total")
    assert (row["expected"], row["found"], row["passed"]) == (10.5, 0.0, False)
    assert "missing full-year value of 工作服定制" in row["description"]


def test_reconcile_jiangning_identities(checks):
    jn = checks.filter(doc_id="jn2026pt")
    assert jn["passed"].all()
    ceiling = one(jn, check_id="jn2026pt:C01-multi_year_ceiling")
    assert (ceiling["expected"], ceiling["found"]) == (pytest.approx(2176.89), 2176.89)
    rate = one(jn, check_id="jn2026pt:P01-half_vs_execution_rate")
    assert (rate["expected"], rate["found"]) == (362.5, 362.5)
    assert rate["fact_ids"] == "jn2026pt-L0027-1;jn2026pt-L0035-1;jn2026pt-L0016-1"


def test_reconcile_falls_back_to_the_subtotal_when_the_total_has_no_value(checks):
    row = one(checks, check_id="sz2024pt:P07-items_full_vs_total")
    assert row["passed"] and "小计 (line 333)" in row["description"]
