"""The budget-disclosure parser (贵阳 2024 部门预算公开信息): snippets, then the whole document."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from hotlinecompare.extract.accounting import account
from hotlinecompare.extract.document import Document
from hotlinecompare.extract.fact_build import table_frame
from hotlinecompare.extract.kinds import budget_disclosure as bd
from hotlinecompare.extract.raw import load_document, read_manifest

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def doc(*lines: str) -> Document:
    return Document(doc_id="t", source_file="t.txt", city="x", city_zh="x", fiscal_year=2024,
                    kind="budget_disclosure", lines=tuple(lines))


def facts_of(*lines: str) -> list[dict]:
    return bd.parse(doc(*lines)).facts


def skips_of(*lines: str) -> list[tuple[int, str, str]]:
    d = doc(*lines)
    return [(s.line, s.reason_code, d.text(s.line)[s.start:s.end]) for s in bd.parse(d).skips]


# -- narrative -------------------------------------------------------------------------------
def test_change_sentence_gives_change_and_rate_with_reason():
    line = ("2024年部门收入预算总额比 2023年预算减少 2179.29万元,下降 79.11%,主要原因是:"
            "2024年热线人员服务经费项目调整至贵阳市人民政府办公厅。")
    change, rate = facts_of(line)
    # a fall is a negative change, quoted with the word that says so (as the genre reader quotes it)
    assert (change["measure"], change["value"], change["fiscal_year"]) == ("change", -2179.29, 2024)
    assert (change["quote"], rate["quote"]) == ("减少 2179.29万元", "下降 79.11%")
    assert (rate["measure"], rate["value_std"]) == ("change_rate", pytest.approx(-0.7911))
    assert "2024年热线人员服务经费项目调整至贵阳市人民政府办公厅" in change["note"]
    assert change["level1"] == rate["level1"] == "2024年部门收入预算总额"


def test_staffing_sentence_separates_authorised_posts_from_staff_in_post():
    line = ("- (四)单位人员构成:贵阳市12345 政务服务便民热线事务中心核定编制15人,其中专业技术人员5名,"
            "管理人员10名。截至2023年12月31日,在职实有事业编制人员4人、离退休人员0人。")
    got = [(f["quote"], f["basis"], f["fiscal_year"]) for f in facts_of(line)]
    assert got == [("15人", "authorized", 2024), ("5名", "authorized", 2024), ("10名", "authorized", 2024),
                   ("4人", "actual", 2023), ("0人", "actual", 2023)]
    assert "2023-12-31" in facts_of(line)[3]["note"]


def test_parts_after_qizhong_name_their_whole():
    facts = facts_of("2024年一般公共预算基本支出75.61万元,其中人员经费66.07万元,公用经费9.54万元。")
    assert [(f["item"], f["level1"]) for f in facts] == [
        ("2024年一般公共预算基本支出", ""), ("人员经费", "2024年一般公共预算基本支出"),
        ("公用经费", "2024年一般公共预算基本支出")]


def test_part_year_figure_is_last_year_with_a_note_and_month_range_is_skipped():
    line = ("增加的主要原因是本单位为新成立单位,2023 年 1-5 月基本支出由原单位负责,"
            "2023 年 6-12 月基本支出 40.82 万元由原单位调整预算至本单位。")
    (fact,) = facts_of(line)
    assert (fact["value"], fact["basis"], fact["fiscal_year"]) == (40.82, "budget", 2023)
    assert "months 6-12" in fact["note"]
    assert (1, "month_range", "1-5") in skips_of(line)


def test_table_reference_is_skipped_not_a_fact():
    assert facts_of("(一) 部门收支总体情况(详见附表 1-3)") == []
    assert skips_of("(一) 部门收支总体情况(详见附表 1-3)") == [(1, "table_reference", "详见附表 1-3")]


def test_label_split_over_lines_is_joined_in_the_item():
    facts = facts_of("2024年部门财政拨款收入预算总额 575.61万元,其中:本年收入 575.61万元。本年收入中:一般",
                     "", "公共预算拨款收入575.61万元。")
    last = facts[-1]
    assert (last["line"], last["item"], last["level1"]) == (3, "一般公共预算拨款收入", "本年收入")
    assert "split across lines 1 and 3" in last["note"]


def test_economic_list_reads_ocr_spaced_decimals_and_not_the_code():
    (fact,) = facts_of("\t经济分类科目\t金额 (万元)", "编码\t科目名称\t並微(刀儿)", "30101\t基本工资\t16. 35")
    assert (fact["quote"], fact["value"], fact["unit"], fact["unit_from"]) == ("16. 35", 16.35, "万元", "header")
    assert (fact["item"], fact["level1"], fact["table"]) == ("基本工资", "工资福利支出", "economic")


# -- annex tables ------------------------------------------------------------------------------
TWO_SIDED = ("2024年部门收支预算总表", "收入\tA\t支出\t\t", "项目\t预算数 (万元)\t项目\t预算数 (万元)\t",
             "一、本年收入\t575.61\t一、本年支出\t575.61\t",
             "(一) 财政拨款收入\t575.61\t(一) 一般公共服务支出\t554.21\t")


def test_two_sided_table_reads_both_sides_of_a_line_with_their_outline():
    income, spend = facts_of(*TWO_SIDED)[2:]
    assert (income["table"], income["item"], income["level1"], income["level2"]) == \
        ("income", "(一) 财政拨款收入", "一、本年收入", "(一) 财政拨款收入")
    assert (spend["table"], spend["value"], spend["section"]) == ("expenditure", 554.21, "2024年部门收支预算总表")


def test_two_sided_table_skips_a_lone_number_without_a_label():
    assert (6, "stray_value", "3") in skips_of(*TWO_SIDED, "\t3\t(二十二)债务付息支出\t0.00")


def test_two_sided_class_rows_below_the_totals_still_belong_to_this_years_spending():
    facts = facts_of(*TWO_SIDED, "支出总计\t575.61", "二、上年结转结余\t0.00\t二、年终结转结余\t0.00",
                     "\t\t(十七) 住房保障支出\t5.93")
    assert (facts[-1]["item"], facts[-1]["level1"]) == ("(十七) 住房保障支出", "一、本年支出")


ECONOMIC = ("2024年一般公共预算基本支出预算表(按部门预算经济科目)", "单位:万元",
            "科目组\t编码\tA ← (利口) 互動\t基本支出\t\t\t", "类\t款\t単位(科目)名称 ——\t小计\t人员经费\t公用经费\t",
            "301\t\t工资福利支出\t65.51\t65.51\t0.00\t",
            "\t11\t公务员医疗补助缴费\t2.50 0.46\t2.50 0.46\t0.00\t", "\t12\t其他社会保障缴费\t\t\t\t")


def test_merged_cell_gives_each_row_its_value_on_the_line_where_it_is_printed():
    merged = [f for f in facts_of(*ECONOMIC) if f["line"] == 6]
    got = [(f["quote"], f["item"], f["measure"]) for f in merged]
    assert got == [("2.50", "公务员医疗补助缴费", "basic_subtotal"), ("0.46", "其他社会保障缴费", "basic_subtotal"),
                   ("2.50", "公务员医疗补助缴费", "basic_personnel"), ("0.46", "其他社会保障缴费", "basic_personnel"),
                   ("0.00", "公务员医疗补助缴费", "basic_public")]
    assert "line 7 (其他社会保障缴费) has empty cells" in merged[1]["note"]
    assert merged[1]["level1"] == "工资福利支出" and "30112" in merged[1]["note"]


def test_functional_classification_codes_give_the_outline_and_header_debris_is_skipped():
    lines = ("2024年一般公共预算支出预算表", "单位: 万元",
             "\t\t\t1 VI\t人员经费\t公用经货\tJVII\t支出\t项目支出\t",
             "201\t一般公共服务支出\t554.21\t54.21\t44.67\t9.54\t500.00\t500.00\t0.00\t",
             "20103\t政府办公厅(室)及相关机构 事务\t554.21\t54.21\t44.67\t9.54\t500.00\t500.00\t0.00\t",
             "2010350\t事业运行\t54.21\t54.21\t44.67\t9.54\t0.00\t0.00\t0.00\t")
    last = facts_of(*lines)[-7]
    assert (last["level1"], last["level2"], last["level3"], last["measure"]) == \
        ("一般公共服务支出", "政府办公厅(室)及相关机构 事务", "事业运行", "total")
    assert skips_of(*lines) == [(3, "header_debris", "1 VI")]


def test_sangong_table_reads_years_from_the_header_and_amounts_in_the_reason():
    lines = ("2024年财政拨款\"三公\"经费支出预算表",
             "単位(项目)名称\t2023 年财政拨款 \"三公\"经费预 算支出\t2024 年财政拨 款\"三公\"经费 预算支出\t"
             "2024 年较 2023 年增减变化额\t2024年较 2023年 增减变化率\t同比增减变化原因",
             "1、公务用车运行维护费\t1.34\t1.93\t1.93\t44.03%\t增加原因…,2023 年 6-12 月公务用车运行维护费 "
             "1.34 万元由原单位调整至本单位。")
    got = [(f["quote"], f["measure"], f["fiscal_year"]) for f in facts_of(*lines)]
    assert got == [("1.34", "amount", 2023), ("1.93", "amount", 2024), ("1.93", "change", 2024),
                   ("44.03%", "change_rate", 2024), ("1.34 万元", "amount", 2023)]


def test_empty_table_and_blank_template_give_no_facts_only_reasons():
    lines = ("2024 年政府性基金预算支出预算表", "\t贵阳市 12345 政务服务 便民热线事务中心\t本表无发生数\t\t",
             "2024年部门整体支出绩效目标批复表(二级单位不涉及)", "\t产出指标\t数量指标\t数量1\t\t\t")
    assert facts_of(*lines) == []
    assert skips_of(*lines) == [(2, "empty_table", "本表无发生数"), (4, "template_debris", "数量1")]


PROJECT = ("项目支出绩效目标批复表(项目一)", "项目\t 目名称\t综合业务保障经费\t\t",
           "主管部\t门及代码\t[103]贵阳\t实施单位\t\t345 政务服务 战事务中心\t\t",
           "\t\t资金总额(元):\t\t\t5,000,000\t\t",
           "\t一级指标\t二级指标\t三级指标\t指标值\t\t说明\t\t\t",
           "\t产出指标\t数量指标\t短信数量\t≥5000\t条/天\t\t\t\t",
           "\t\t\t系统运行故障率\t≤5\t%\t\t\t\t",
           "\t满意度指标\t满意度指标\t满意度指标 群众服务满意度\t\t\t\t\t\t")


def test_project_funds_are_in_yuan_as_the_header_says():
    funds = facts_of(*PROJECT)[0]
    assert (funds["section"], funds["item"], funds["unit"], funds["value_std"]) == \
        ("综合业务保障经费", "资金总额(元)", "元", 5_000_000)


def test_project_targets_take_their_unit_from_the_next_cell():
    sms, failure = facts_of(*PROJECT)[1:]
    assert (sms["basis"], sms["operator"], sms["value"], sms["unit"]) == ("target", ">=", 5000, "条/天")
    assert (failure["operator"], failure["value_std"], failure["level2"]) == ("<=", 0.05, "数量指标")


def test_project_form_identifiers_and_indicators_without_value_are_skipped():
    got = skips_of(*PROJECT)
    assert (3, "department_code", "103") in got and (3, "name_fragment", "345") in got
    assert (8, "no_target_value", "满意度指标 群众服务满意度") in got


def test_detect_scores_the_title():
    assert bd.detect(("贵阳市 12345 政务服务便民热线事务中心 2024 年部门预算公开信息",)) >= 0.6
    assert bd.detect(("项目支出绩效目标表（含转移支付项目）",)) == 0


# -- the whole document --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real():
    row = next(r for r in read_manifest(RAW) if r["doc_id"] == "gy2024bd")
    document = load_document(RAW, row)
    ex = bd.parse(document)
    return document, ex, table_frame(ex.facts, "facts")


def _one(frame: pl.DataFrame, **where) -> dict:
    rows = frame.filter(pl.all_horizontal(pl.col(k) == v for k, v in where.items())).to_dicts()
    assert len(rows) == 1, (where, rows)
    return rows[0]


def test_spot_checks(real):
    _, _, f = real
    assert _one(f, line=41, item="2024年部门收入预算总额")["value"] == 575.61
    assert _one(f, line=61, item="项目支出", measure="amount")["value"] == 500
    assert _one(f, line=61, item="基本支出", measure="amount")["value"] == 75.61
    assert (_one(f, line=65, item="人员经费")["value"], _one(f, line=65, item="公用经费")["value"]) == (66.07, 9.54)
    posts, staff = _one(f, line=27, quote="15人"), _one(f, line=27, quote="4人")
    assert (posts["basis"], staff["basis"], staff["fiscal_year"]) == ("authorized", "actual", 2023)
    drop, rate = _one(f, line=45, measure="change"), _one(f, line=45, measure="change_rate")
    assert (drop["value"], rate["value"], rate["unit"]) == (-2179.29, -79.11, "%")
    funds = _one(f, line=401)
    assert (funds["value"], funds["unit"], funds["value_std"]) == (5_000_000, "元", 5_000_000)
    answered = _one(f, item="接通率", table="project_targets")
    assert (answered["basis"], answered["operator"], answered["value_std"]) == ("target", ">=", 0.95)
    assert _one(f, line=69)["value"] == 16.35 and _one(f, line=69)["item"] == "基本工资"


def test_every_quote_is_taken_from_its_line(real):
    document, _, f = real
    bad = [r["fact_id"] for r in f.to_dicts()
           if document.text(r["line"])[r["char_start"]:r["char_start"] + len(r["quote"])] != r["quote"]]
    assert bad == []


def test_facts_are_in_reading_order_with_unique_ids(real):
    _, ex, f = real
    positions = [(x["line"], x["char_start"]) for x in ex.facts]
    assert positions == sorted(positions)
    assert f["fact_id"].n_unique() == f.height == 433


def test_every_numeric_token_is_accounted_for(real):
    document, ex, _ = real
    a = account(document, ex)
    left = [(r["line"], r["tokens"]) for r in a.unparsed if r["reason_code"] == "unrecognised"]
    assert a.unrecognised == 0, left
    assert (a.tokens, a.in_facts, a.skipped, a.explained) == (703, 433, 55, 215)


def test_reconciliation_fails_exactly_where_the_document_is_inconsistent(real):
    _, _, f = real
    checks = bd.reconcile(f)
    failed = set(checks.filter(~pl.col("passed"))["check_id"])
    assert checks.height == 213 and checks["check_id"].n_unique() == 213
    assert failed == {"gy2024bd:comparison_change:gy2024bd-L0348-3",   # 三公 change 1.93 ≠ 1.93 − 1.34
                      "gy2024bd:comparison_change:gy2024bd-L0349-3",
                      "gy2024bd:comparison_change:gy2024bd-L0351-3",
                      "gy2024bd:economic_part:gy2024bd-L0065-2",       # 人员经费 66.07 vs 工资福利 65.51
                      "gy2024bd:economic_part:gy2024bd-L0065-3"}       # 公用经费 9.54 vs 商品和服务 10.10
    by_id = {r["check_id"]: r for r in checks.to_dicts()}
    assert by_id["gy2024bd:comparison_change:gy2024bd-L0348-3"]["difference"] == pytest.approx(1.34)
    for passing in ("prose_parts:gy2024bd-L0061-1",        # 75.61 + 500 = 575.61
                    "prose_parts:gy2024bd-L0065-1",        # 66.07 + 9.54 = 75.61
                    "prose_parts:gy2024bd-L0043-2",        # 554.21 + 9.69 + 5.77 + 5.93 (575.60, rounding)
                    "change_rate:gy2024bd-L0045-2",        # 2179.29 / (575.61 + 2179.29) = 79.11%
                    "project_total_yuan:gy2024bd-L0401-1",  # 5,000,000 元 = 500.00 万元
                    "comparison_rate:gy2024bd-L0348-4"):   # 44.03% = 0.59 / 1.34
        assert by_id[f"gy2024bd:{passing}"]["passed"], passing


def test_reconcile_ignores_other_documents():
    other = table_frame(bd.parse(doc("2024年一般公共预算基本支出75.61万元,其中人员经费66.07万元,公用经费9.54万元。")).facts, "facts")
    assert bd.reconcile(other).height == 0
