"""The genre, not five templates: fixtures of every family detected, read and given their meaning."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from hotlinecompare.extract.document import Document, split_lines
from hotlinecompare.extract.kinds import detect_scores, detection, parse
from hotlinecompare.extract.kinds.genre.quantities import find

ROOT = Path(__file__).resolve().parent.parent
GENRE = ROOT / "tests" / "fixtures" / "genre"
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_genre  # noqa: E402

CATALOGUE = list(csv.DictReader((GENRE / "catalogue.csv").open(encoding="utf-8")))
# Floors a little under what the reader reaches today (benchmarks/bench_genre.py prints the numbers).
FLOORS = {  # family: (recall %, precision %, basis % of matched facts)
    "budget_disclosure": (99.5, 99.5, 99),
    "final_accounts": (99.5, 99.5, 99.5),
    "operations_report": (99.5, 99.5, 99.5),
    "project_targets": (99.5, 99.5, 99.5),
    "self_evaluation": (99.5, 99.5, 99),
}
# Numeric tokens of all fixtures that no fact, skip or token pattern accounts for (1 today).
UNRECOGNISED_CEILING = 4


def lines_of(name: str) -> tuple[str, ...]:
    return split_lines((GENRE / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("row", CATALOGUE, ids=lambda r: r["fixture"])
def test_every_fixture_is_detected_as_its_family(row):
    best = detect_scores(lines_of(row["fixture"]))[0]
    assert (best.kind, best.score >= 0.5) == (row["family"], True), best


def test_the_seeds_keep_their_kinds():
    manifest = list(csv.DictReader((ROOT / "data" / "raw" / "manifest.csv").open(encoding="utf-8")))
    for row in manifest:
        d = detection(split_lines((ROOT / "data" / "raw" / row["file"]).read_text(encoding="utf-8")))
        assert d.best.kind == row["parser"] and d.margin > 0.2, (row["file"], d.scores[:3])


def test_detection_explains_itself():
    d = detection(lines_of("final_accounts_07_beijing_unit.txt"))
    assert d.best.kind == "final_accounts"
    assert any(e.startswith("title ") and "决算" in e for e in d.best.evidence)


def test_a_document_of_no_known_family_is_read_as_general():
    lines = ("关于热线工作的几点说明", "", "全年共受理来电约3.2万通，群众满意率98.1%。", "目标：接通率不低于95%。")
    best = detect_scores(lines)[0]
    assert (best.kind, best.score) == ("general", 0.5)
    doc = Document("g", "g.txt", "x", "x", 2024, "general", lines)
    facts = {f["quote"]: f for f in parse(doc).facts}
    assert facts["约3.2万通"]["operator"] == "~" and facts["约3.2万通"]["basis"] == ""
    assert facts["不低于95%"]["basis"] == "target" and facts["不低于95%"]["operator"] == ">="


@pytest.fixture(scope="module")
def evaluation():
    return bench_genre.evaluate()


@pytest.mark.parametrize("family", sorted(FLOORS))
def test_recall_precision_and_basis_reach_their_floors(evaluation, family):
    c = evaluation["families"][family]
    recall, precision, basis = FLOORS[family]
    assert c["refused"] == 0 and c["wrong_kind"] == 0
    assert 100 * c["matched"] / c["expected"] >= recall
    assert 100 * c["matched"] / c["found"] >= precision
    assert 100 * c["basis_ok"] / c["matched"] >= basis


def test_every_quote_is_verbatim_in_its_line(evaluation):
    for name, (_, facts, _, _) in evaluation["details"].items():
        lines = lines_of(name)
        for f in facts:
            assert lines[f["line"] - 1][f["char_start"]:].startswith(f["quote"]), (name, f["line"], f["quote"])


# text, quote, value, unit, operator (the qualifier read as an operator; changes signed)
QUANTITIES = [
    ("物业管理类约1200件", "约1200件", 1200, "件", "~"),
    ("重复来电占比不到5%", "不到5%", 5, "%", "<"),
    ("力争保持在98%以上", "保持在98%以上", 98, "%", ">="),
    ("等待时长控制在20秒以内", "控制在20秒以内", 20, "秒", "<="),
    ("全年受理8800余件", "8800余件", 8800, "件", ">"),
    ("环比下降2.1%", "下降2.1%", -2.1, "%", "="),
    ("较上年同期提高1.4个百分点", "提高1.4个百分点", 1.4, "个百分点", "="),
    ("话务量52.6万通", "52.6万通", 52.6, "万通", "="),
    ("登记来访1850件次", "1850件次", 1850, "件次", "="),
    ("自评得分95.5分", "95.5分", 95.5, "分", "="),
    ("较上年提升2倍", "提升2倍", 2, "倍", "="),
    ("支出总计 1 096.52 万元", "1 096.52 万元", 1096.52, "万元", "="),
    ("平均办理时长缩短0.9个工作日", "缩短0.9个工作日", -0.9, "个工作日", "="),
    ("超过86万件", "超过86万件", 86, "万件", ">"),
]


@pytest.mark.parametrize(("text", "quote", "value", "unit", "operator"), QUANTITIES, ids=[q[1] for q in QUANTITIES])
def test_the_reader_reads_qualified_quantities(text, quote, value, unit, operator):
    q = find(text)[-1]
    assert (text[q.start:q.end], q.value, q.unit, q.operator) == (quote, value, unit, operator)


def test_a_change_handed_to_several_numbers_is_signed_for_each():
    text = "批次、人次同比分别下降6.4%、9.1%"
    assert [(q.value, q.direction) for q in find(text)] == [(-6.4, -1), (-9.1, -1)]


@pytest.mark.parametrize("text", ["发布日期：2024-07-08 09:30    浏览量：1286", "鲁ICP备05009999号-2",
                                  "第一部分  部门概况 .............. 1", "— 2 —", "联系电话：0871-12345",
                                  "夜间（22时至次日7时）", "满意率=满意件数÷有效回访件数×100%", "单价 100 万元以上专用设备"])
def test_furniture_gives_no_quantity(text):
    assert find(text) == ()


def facts_of(kind: str, lines: tuple[str, ...], year: int = 2023) -> list[dict]:
    return parse(Document("t", "t.txt", "x", "x", year, kind, lines)).facts


def fact(facts: list[dict], line: int, value: float) -> dict:
    return next(f for f in facts if f["line"] == line and f["value"] == value)


# kind, lines, (line, value) of the fact, unit, operator, basis, measure — one rule of the reader each
# operator "" is a plain value (no qualifier written), as every reader writes it
LAYOUT_AND_MEANING = [
    # a heading-like row label (一、…) followed by its value is a row of a one-cell-per-line table
    ("budget_disclosure", ("单位：万元", "收入", "支出", "项目", "预算数", "一、一般公共预算拨款", "745.20"),
     (7, 745.2), "万元", "", "budget", "amount"),
    # a markdown table exported one cell per line (``20 |``); its rows end in 分值 then 得分
    ("self_evaluation", ("三级指标 |", "指标值 |", "完成值 |", "分值 |", "得分 |", "偏差原因 |", "||||",
                         "受理诉求量 |", "≥3万件 |", "3.42万件 |", "20 |", "18 |", "|"),
     (12, 18), "分", "", "actual", "score"),
    ("self_evaluation", ("三级指标 |", "指标值 |", "完成值 |", "分值 |", "得分 |", "偏差原因 |", "||||",
                         "受理诉求量 |", "≥3万件 |", "3.42万件 |", "20 |", "18 |", "|"),
     (11, 20), "分", "", "", "score"),
    # a header holding a text column (偏差原因) cannot be lined up: the indicator value keeps its qualifier
    ("self_evaluation", ("一级指标", "三级指标", "指标值", "完成值", "分值", "得分", "偏差原因分析",
                         "产出指标", "数量指标", "受理量", "≥12万件", "13.05万件", "20", "20"),
     (11, 12), "万件", ">=", "target", "count"),
    # a heading's unit in brackets is the unit of the list under it
    ("operations_report", ("三、工单量居前五位的镇街（件）", "古南街道", "2214"), (3, 2214), "件", "", "actual", "count"),
    # a column's name implies its unit (派转量 in 件), even under a money unit note
    ("operations_report", ("单位：万元", "| 街镇 | 派转量 | 满意率 |", "|---|---|---|", "| 新港街道 | 1115 | 98.5% |"),
     (4, 1115), "件", "", "actual", "count"),
    ("operations_report", ("类别", "话务人员", "综合座席", "州本级", "96", "72"), (6, 72), "个", "", "actual", "count"),
    # a cell stating its parts (96+118) gives each part
    ("operations_report", ("类别", "话务人员", "综合座席", "全州", "96+118", "151"), (5, 118), "人", "", "actual", "count"),
    # label：value with a bare number takes the unit of the bracketed unit line above
    ("project_targets", ("项目资金申请", "（万元）", "资金总额：356", "        一、预算资金：356"),
     (4, 356), "万元", "", "budget", "amount"),
    # a word a PDF spread with spaces (合    计) is one row label
    ("budget_disclosure", ("单位：元", "合    计", "4,587,600.00    3,625,600.00"), (3, 4587600), "元", "", "budget",
     "amount"),
    # a header row may name years; its columns still give the basis (2022年实际执行数)
    ("project_targets", ("单位：万元", "项目预算成本构成\t金额\t2022年实际执行数", "话务外包服务费\t186\t162.5"),
     (3, 162.5), "万元", "", "actual", "amount"),
    # a cue names the first number after it: 91 people in post are not 编制
    ("final_accounts", ("核定事业编制95名，年末在职人员91人。",), (1, 91), "人", "", "actual", "count"),
    # a change against a target is an outcome, not a target (较年初目标 is its base)
    ("self_evaluation", ("群众满意率87.5%，较年初目标低2.5个百分点。",), (1, -2.5), "个百分点", "", "actual", "change"),
    ("self_evaluation", ("支出3.42万元，比预算数4.50万元节约1.08万元。",), (1, -1.08), "万元", "", "actual", "change"),
    # parts after 其中 have the basis of their total
    ("budget_disclosure", ("截至2023年12月31日，本部门共有公务用车3辆，其中一般公务用车1辆、执法执勤用车2辆。",),
     (1, 2), "辆", "", "actual", "count"),
    # a share in a table has the basis of the amount before it
    ("project_targets", ("单位：万元", "收入构成\t当年金额\t占比", "财政拨款\t842.36\t96.2%"), (3, 96.2), "%", "",
     "budget", "share"),
    # a sentence wrapped onto the next line keeps its cue (年初预算为 / 980.00 万元)
    ("final_accounts", ("支出 1 031.80 万元，年初预算为", "980.00 万元，完成年初预算的 105.29%。"), (2, 980), "万元", "",
     "budget", "amount"),
    # an ideographic space separates paragraphs of a one-line Word export
    ("final_accounts", ("四、一般公共预算财政拨款支出决算情况　年初预算2,200.00万元，支出决算2,381.65万元。",), (1, 2200),
     "万元", "", "budget", "amount"),
    ("final_accounts", ("项目全年预算数15,200.00万元，执行数14,986.40万元，预算执行率98.59%。",), (1, 98.59), "%", "",
     "actual", "rate"),
    ("self_evaluation", ("产出指标（50分）",), (1, 50), "分", "", "", "score"),
    ("self_evaluation", ("群众满意率距离年初确定的97%目标仍有差距。",), (1, 97), "%", "", "target", "rate"),
    ("self_evaluation", ("合同约定话务座席42个。",), (1, 42), "个", "", "target", "count"),
    # a sub-heading stays in its parent's plan section
    ("operations_report", ("三、2024年工作计划", "（二）将平均等待时长控制在20秒以内。"), (2, 20), "秒", "<=", "target",
     "amount"),
    # 下降至 is a level reached, not a change; 达到 … 以上 keeps its 以上; 约占 is approximate
    ("operations_report", ("四、2024年工作目标", "重复信访率下降至8%以下。"), (2, 8), "%", "<=", "target", "rate"),
    ("operations_report", ("热线直接答复率达到52%以上。",), (1, 52), "%", ">=", "actual", "rate"),
    ("operations_report", ("不满意工单约占5%。",), (1, 5), "%", "~", "actual", "share"),
    # a unit price in a cost formula is a quantity (7×24 is not)
    ("project_targets", ("话务外包服务费按座席15个×12.4万元/席/年测算。",), (1, 12.4), "万元/席/年", "", "budget", "amount"),
]


@pytest.mark.parametrize(("kind", "lines", "where", "unit", "operator", "basis", "measure"), LAYOUT_AND_MEANING,
                         ids=[f"{r[0]}:{r[1][-1][:16]}:{r[2][1]}" for r in LAYOUT_AND_MEANING])
def test_the_reader_places_and_means_each_layout(kind, lines, where, unit, operator, basis, measure):
    f = fact(facts_of(kind, lines), *where)
    assert (f["unit"], f["operator"], f["basis"], f["measure"]) == (unit, operator, basis, measure)


def test_a_ratio_per_population_takes_no_implied_unit():
    facts = facts_of("operations_report", ("类别", "每十万人", "座席数", "全州", "5.71", "3"))
    assert not any(f["value"] == 5.71 for f in facts)


@pytest.mark.parametrize("lines", [("| 项目 | 行次 | 金额 |", "| 本年收入合计 | 9 | 384.62 |"),
                                   ("项目", "行次", "金额", "本年收入合计", "9", "384.62")])
def test_row_numbers_are_accounted_as_skipped_not_read(lines):
    ex = parse(Document("t", "t.txt", "x", "x", 2023, "final_accounts", ("单位：万元", *lines)))
    assert [f["value"] for f in ex.facts] == [384.62]
    assert any(s.reason_code == "row_number" for s in ex.skips)


@pytest.mark.parametrize("text", ["| 项目支出实施期 | 2025.01-2025.12 |", "联系电话：0574-8×××××××",
                                  "本部门共有车辆 1 辆，单价 100 万元以上专用设备 0 台。"])
def test_more_furniture_is_accounted(text):
    from hotlinecompare.extract.accounting import account

    doc = Document("t", "t.txt", "x", "x", 2023, "general", (text,))
    assert account(doc, parse(doc)).unrecognised == 0


def test_the_fixtures_leave_few_numbers_unaccounted(evaluation):
    from hotlinecompare.extract.accounting import account

    unrecognised = 0
    for row in CATALOGUE:
        lines = lines_of(row["fixture"])
        doc = Document(row["fixture"][:-4], row["fixture"], "x", row["place_zh"],
                       int(row["year"]) if row["year"] else None, row["family"], lines)
        unrecognised += account(doc, parse(doc)).unrecognised
    assert unrecognised <= UNRECOGNISED_CEILING


def facts_with(kind: str, lines: tuple[str, ...], year: int | None) -> list[dict]:
    return parse(Document("t", "t.txt", "x", "x", year, kind, lines)).facts


MONTHLY = ("任城区12345政务服务便民热线2024年6月运行情况通报", "", "一、总体情况")
QUARTERLY = ("綦江区12345政务服务便民热线", "2023年第三季度数据分析报告", "", "一、话务运行概况")
# kind, lines, year, (line, value) of the fact, the fields it must have — one rule each
WHEN_AND_WHAT = [
    # periods: the title's, unless the sentence, column or row names its own
    ("operations_report", (*MONTHLY, "区12345热线共受理群众诉求8426件。"), 2024, (4, 8426), {"period": "month:2024-06"}),
    ("operations_report", (*MONTHLY, "1-6月共受理群众诉求5.17万件，同比增长9.3%。"), 2024, (4, 9.3),
     {"period": "year_to_date:2024-01..2024-06", "measure": "change"}),
    ("operations_report", (*MONTHLY, "五、下步工作", "7月份话务接通率力争保持在98%以上。"), 2024, (5, 98),
     {"period": "month:2024-07", "basis": "target"}),
    ("operations_report", (*MONTHLY, "物业管理类约1200件，较上月增加186件。"), 2024, (4, 186), {"period": "month:2024-06"}),
    ("operations_report", ("热线运行情况", "6月份受理群众诉求8426件。"), 2024, (2, 8426), {"period": "month:2024-06"}),
    ("operations_report", ("热线运行情况", "1-9月累计受理群众诉求7.6万件。"), 2024, (2, 7.6),
     {"period": "year_to_date:2024-01..2024-09"}),
    ("operations_report", ("热线运行情况", "一季度受理群众诉求2.1万件，上半年受理4.3万件，前三季度受理6.5万件。"), 2024,
     (2, 2.1), {"period": "quarter:2024-Q1"}),
    ("operations_report", ("热线运行情况", "一季度受理群众诉求2.1万件，上半年受理4.3万件，前三季度受理6.5万件。"), 2024,
     (2, 4.3), {"period": "half_year:2024-H1"}),
    ("operations_report", ("热线运行情况", "一季度受理群众诉求2.1万件，上半年受理4.3万件，前三季度受理6.5万件。"), 2024,
     (2, 6.5), {"period": "year_to_date:2024-01..2024-09"}),
    ("operations_report", (*QUARTERLY, "指标", "本季度", "上季度", "环比", "来电总量", "（通）", "41236", "38914", "6.0%"),
     2023, (12, 38914), {"period": "quarter:2023-Q2", "item": "来电总量（通）", "unit": "通"}),
    ("operations_report", (*QUARTERLY, "受持续高温影响，本季度供水供电类诉求约3100件，较第二季度增长42.8%。"), 2023, (5, 42.8),
     {"period": "quarter:2023-Q3"}),
    ("operations_report", ("准格尔旗12345热线中心", "2023年工作总结", "2024年1月12日", "全年受理诉求约6.8万件。"), 2023, (4, 6.8),
     {"period": "annual"}),
    ("budget_disclosure", ("2024年部门预算", "2024年年初预算数986.40万元。"), 2024, (2, 986.4), {"period": "annual"}),
    # the year a fact refers to: a comparison's base year is the base's only
    ("budget_disclosure", ("基本支出517.63万元，比2023年增加13.94万元，其中人员经费452.90万元，公用经费64.73万元；",), 2024,
     (1, 64.73), {"fiscal_year": 2024, "basis": "budget"}),
    ("budget_disclosure", ("基本支出517.63万元，比2023年增加13.94万元，其中人员经费452.90万元，公用经费64.73万元；",), 2024,
     (1, 13.94), {"fiscal_year": 2024, "measure": "change"}),
    ("budget_disclosure", ("收入预算较2023年的1052.71万元减少66.31万元。",), 2024, (1, 1052.71), {"fiscal_year": 2023}),
    ("budget_disclosure", ("收入预算较2023年的1052.71万元减少66.31万元。",), 2024, (1, -66.31), {"fiscal_year": 2024}),
    ("budget_disclosure", ("单位：万元", "| 四、上年结转 | 15.00 |"), 2024, (2, 15), {"fiscal_year": 2024}),
    ("budget_disclosure", ("实有在职人员14 人，退休人员5 人（截至 2024 年 12 月）。",), 2025, (1, 14), {"fiscal_year": 2024}),
    # a plan's sub-heading keeps the plan's year and its targets
    ("operations_report", ("三、2024年工作计划", "（二）将平均等待时长控制在20秒以内，重复来电率控制在4%以内。"), 2023, (2, 4),
     {"fiscal_year": 2024, "basis": "target", "operator": "<="}),
    # labels and headers wrapped over two lines
    ("operations_report", ("指标", "本季度", "上季度", "环比", "平均等待", "时长（秒）", "14", "17", "-3"), 2023, (7, 14),
     {"item": "平均等待时长（秒）", "unit": "秒", "note": "column 本季度"}),
    ("operations_report", ("座席", "类别", "话务人员", "总数", "综合座席", "专席", "州本级", "96", "72", "9"), 2022, (8, 96),
     {"unit": "人", "note": "column 话务人员总数"}),
    ("operations_report", ("话务类别", "话务量", "（万通）", "接通率", "平均等待", "时长（秒）", "呼入", "152.64", "95.37%", "18",
                           "呼出", "41.09", "/", "/"), 2022, (10, 18), {"unit": "秒", "note": "column 平均等待时长（秒）"}),
    ("operations_report", ("话务类别", "话务量", "（万通）", "接通率", "平均等待", "时长（秒）", "呼入", "152.64", "95.37%", "18",
                           "呼出", "41.09", "/", "/"), 2022, (12, 41.09), {"unit": "万通", "note": "column 话务量（万通）"}),
    ("final_accounts", ("单位：万元", "项目", "2023年度", "决算数", "2022年度", "决算数", "增减", "公务用车购置", "及运行维护费",
                        "3.30", "4.00", "-0.70"), 2023, (11, 4),
     {"fiscal_year": 2022, "item": "公务用车购置及运行维护费", "note": "column 2022年度决算数"}),
    ("operations_report", ("座席类别", "话务人员总数", "综合座席", "专席", "州本级", "96", "72", "9", "每十万人", "座席数", "5.71"), 2022,
     (11, 5.71), {"unit": "个/十万人", "item": "每十万人座席数"}),
    # score tables: values line up with 指标值 / 完成值 / 分值 / 得分 past the text columns around them
    ("self_evaluation", ("三级指标", "年度", "指标值", "实际", "完成值", "分值", "得分", "偏差原因分析及改进措施", "全年工单受理量",
                         "12万件", "13.05万件", "20", "20", "", "总分", "100", "97.6"), 2021, (10, 12),
     {"basis": "target", "note": "column 年度指标值"}),
    ("self_evaluation", ("三级指标", "年度", "指标值", "实际", "完成值", "分值", "得分", "偏差原因分析及改进措施", "全年工单受理量",
                         "12万件", "13.05万件", "20", "20", "", "总分", "100", "97.6"), 2021, (11, 13.05),
     {"basis": "actual", "note": "column 实际完成值"}),
    ("self_evaluation", ("三级指标", "年度", "指标值", "实际", "完成值", "分值", "得分", "偏差原因分析及改进措施", "全年工单受理量",
                         "12万件", "13.05万件", "20", "20", "", "总分", "100", "97.6"), 2021, (16, 100),
     {"basis": "", "unit": "分", "note": "column 分值"}),
    # a target form's row is named by its indicator, not by the explanation beside it
    ("project_targets", ("一级指标\t二级指标\t指标内容\t绩效标准\t当年预期实现值",
                         "产出指标\t数量指标\t全年受理群众诉求量\t反映热线年度受理规模\t≥8万件"), 2024, (2, 8),
     {"item": "全年受理群众诉求量", "basis": "target", "operator": ">="}),
    ("project_targets", ("单位：万元", "项目预算成本构成\t金额\t测算（公式）依据\t2022年实际执行数",
                         "话务外包服务费\t186\t座席15个×12.4万元/席/年\t162.5"), 2024, (3, 162.5), {"item": "话务外包服务费", "basis": "actual", "fiscal_year": 2022}),
    ("project_targets", ("单位：万元", "项目预算成本构成\t金额\t测算（公式）依据\t2022年实际执行数",
                         "话务外包服务费\t186\t座席15个×12.4万元/席/年\t162.5"), 2024, (3, 15), {"basis": "budget"}),
    # bare numbers whose unit is elsewhere
    ("budget_disclosure", ("（二）支出预算：2025 年年初预算数 326.18", "万元，其中：基本支出"), 2025, (1, 326.18),
     {"unit": "万元", "basis": "budget"}),
    ("budget_disclosure", ("（二）“三公”经费预算：公务用车运行维护费 2.60 万元，因公出国（境）费和公务用车购置费均为 0。",), 2025, (1, 0),
     {"unit": "万元", "basis": "budget"}),
    # a level before and the level reached: in a plan, the one reached is a target
    ("budget_disclosure", ("主要原因是12345热线话务座席由40个增加至48个，相应增加话务服务外包经费。",), 2024, (1, 40),
     {"basis": "actual", "fiscal_year": 2023}),
    ("budget_disclosure", ("主要原因是12345热线话务座席由40个增加至48个，相应增加话务服务外包经费。",), 2024, (1, 48),
     {"basis": "target", "fiscal_year": 2024}),
    ("final_accounts", ("全年话务座席由40个增加至48个。",), 2023, (1, 48), {"basis": "actual"}),
    # a target in brackets after its name; a rate of completing it is an outcome
    ("self_evaluation", ("全年受理群众诉求9.46万件，完成年度目标（8万件）的118.3%；",), 2022, (1, 8), {"basis": "target"}),
    ("self_evaluation", ("全年受理群众诉求9.46万件，完成年度目标（8万件）的118.3%；",), 2022, (1, 118.3),
     {"basis": "actual", "measure": "rate"}),
    ("operations_report", ("初信初访、联名信访、越级访三类问题约占信访总量的58%。",), 2023, (1, 58), {"operator": "~", "measure": "share"}),
]


@pytest.mark.parametrize(("kind", "lines", "year", "where", "want"), WHEN_AND_WHAT,
                         ids=[f"{r[0]}:{r[1][-1][:14]}:{r[3][1]}" for r in WHEN_AND_WHAT])
def test_the_reader_says_when_and_what_each_fact_is(kind, lines, year, where, want):
    f = fact(facts_with(kind, lines, year), *where)
    assert {k: f[k] for k in want} == want


def test_a_table_of_a_monthly_bulletin_takes_the_titles_month():
    facts = facts_with("operations_report", (*MONTHLY, "| 单位 | 交办量（件） | 满意率 |", "| --- | --- | --- |",
                                             "| 南苑街道 | 612 | 98.4% |"), 2024)
    assert {f["period"] for f in facts} == {"month:2024-06"}


def test_seed_periods_are_unchanged_words():
    from hotlinecompare.extract.kinds.genre.periods import Period

    assert Period("annual", 2024).label() == "annual"
    assert Period("month", 2024, 1, 1).shifted(-1).label() == "month:2023-12"
