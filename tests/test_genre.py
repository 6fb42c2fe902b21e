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
    "budget_disclosure": (98, 99, 97),
    "final_accounts": (98.5, 98.5, 98.5),
    "operations_report": (96.5, 98, 98.5),
    "project_targets": (98.5, 98.5, 96),
    "self_evaluation": (98.5, 98.5, 96.5),
}
# Numeric tokens of all fixtures that no fact, skip or token pattern accounts for (6 today).
UNRECOGNISED_CEILING = 10


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
LAYOUT_AND_MEANING = [
    # a heading-like row label (一、…) followed by its value is a row of a one-cell-per-line table
    ("budget_disclosure", ("单位：万元", "收入", "支出", "项目", "预算数", "一、一般公共预算拨款", "745.20"),
     (7, 745.2), "万元", "=", "budget", "amount"),
    # a markdown table exported one cell per line (``20 |``); its rows end in 分值 then 得分
    ("self_evaluation", ("三级指标 |", "指标值 |", "完成值 |", "分值 |", "得分 |", "偏差原因 |", "||||",
                         "受理诉求量 |", "≥3万件 |", "3.42万件 |", "20 |", "18 |", "|"),
     (12, 18), "分", "=", "actual", "score"),
    ("self_evaluation", ("三级指标 |", "指标值 |", "完成值 |", "分值 |", "得分 |", "偏差原因 |", "||||",
                         "受理诉求量 |", "≥3万件 |", "3.42万件 |", "20 |", "18 |", "|"),
     (11, 20), "分", "=", "", "score"),
    # a header holding a text column (偏差原因) cannot be lined up: the indicator value keeps its qualifier
    ("self_evaluation", ("一级指标", "三级指标", "指标值", "完成值", "分值", "得分", "偏差原因分析",
                         "产出指标", "数量指标", "受理量", "≥12万件", "13.05万件", "20", "20"),
     (11, 12), "万件", ">=", "target", "count"),
    # a heading's unit in brackets is the unit of the list under it
    ("operations_report", ("三、工单量居前五位的镇街（件）", "古南街道", "2214"), (3, 2214), "件", "=", "actual", "count"),
    # a column's name implies its unit (派转量 in 件), even under a money unit note
    ("operations_report", ("单位：万元", "| 街镇 | 派转量 | 满意率 |", "|---|---|---|", "| 新港街道 | 1115 | 98.5% |"),
     (4, 1115), "件", "=", "actual", "count"),
    ("operations_report", ("类别", "话务人员", "综合座席", "州本级", "96", "72"), (6, 72), "个", "=", "actual", "count"),
    # a cell stating its parts (96+118) gives each part
    ("operations_report", ("类别", "话务人员", "综合座席", "全州", "96+118", "151"), (5, 118), "人", "=", "actual", "count"),
    # label：value with a bare number takes the unit of the bracketed unit line above
    ("project_targets", ("项目资金申请", "（万元）", "资金总额：356", "        一、预算资金：356"),
     (4, 356), "万元", "=", "budget", "amount"),
    # a word a PDF spread with spaces (合    计) is one row label
    ("budget_disclosure", ("单位：元", "合    计", "4,587,600.00    3,625,600.00"), (3, 4587600), "元", "=", "budget",
     "amount"),
    # a header row may name years; its columns still give the basis (2022年实际执行数)
    ("project_targets", ("单位：万元", "项目预算成本构成\t金额\t2022年实际执行数", "话务外包服务费\t186\t162.5"),
     (3, 162.5), "万元", "=", "actual", "amount"),
    # a cue names the first number after it: 91 people in post are not 编制
    ("final_accounts", ("核定事业编制95名，年末在职人员91人。",), (1, 91), "人", "=", "actual", "count"),
    # a change against a target is an outcome, not a target (较年初目标 is its base)
    ("self_evaluation", ("群众满意率87.5%，较年初目标低2.5个百分点。",), (1, -2.5), "个百分点", "=", "actual", "change"),
    ("self_evaluation", ("支出3.42万元，比预算数4.50万元节约1.08万元。",), (1, -1.08), "万元", "=", "actual", "change"),
    # parts after 其中 have the basis of their total
    ("budget_disclosure", ("截至2023年12月31日，本部门共有公务用车3辆，其中一般公务用车1辆、执法执勤用车2辆。",),
     (1, 2), "辆", "=", "actual", "count"),
    # a share in a table has the basis of the amount before it
    ("project_targets", ("单位：万元", "收入构成\t当年金额\t占比", "财政拨款\t842.36\t96.2%"), (3, 96.2), "%", "=",
     "budget", "share"),
    # a sentence wrapped onto the next line keeps its cue (年初预算为 / 980.00 万元)
    ("final_accounts", ("支出 1 031.80 万元，年初预算为", "980.00 万元，完成年初预算的 105.29%。"), (2, 980), "万元", "=",
     "budget", "amount"),
    # an ideographic space separates paragraphs of a one-line Word export
    ("final_accounts", ("四、一般公共预算财政拨款支出决算情况　年初预算2,200.00万元，支出决算2,381.65万元。",), (1, 2200),
     "万元", "=", "budget", "amount"),
    ("final_accounts", ("项目全年预算数15,200.00万元，执行数14,986.40万元，预算执行率98.59%。",), (1, 98.59), "%", "=",
     "actual", "rate"),
    ("self_evaluation", ("产出指标（50分）",), (1, 50), "分", "=", "", "score"),
    ("self_evaluation", ("群众满意率距离年初确定的97%目标仍有差距。",), (1, 97), "%", "=", "target", "rate"),
    ("self_evaluation", ("合同约定话务座席42个。",), (1, 42), "个", "=", "target", "count"),
    # a sub-heading stays in its parent's plan section
    ("operations_report", ("三、2024年工作计划", "（二）将平均等待时长控制在20秒以内。"), (2, 20), "秒", "<=", "target",
     "amount"),
    # 下降至 is a level reached, not a change; 达到 … 以上 keeps its 以上; 约占 is approximate
    ("operations_report", ("四、2024年工作目标", "重复信访率下降至8%以下。"), (2, 8), "%", "<=", "target", "rate"),
    ("operations_report", ("热线直接答复率达到52%以上。",), (1, 52), "%", ">=", "actual", "rate"),
    ("operations_report", ("不满意工单约占5%。",), (1, 5), "%", "~", "actual", "share"),
    # a unit price in a cost formula is a quantity (7×24 is not)
    ("project_targets", ("话务外包服务费按座席15个×12.4万元/席/年测算。",), (1, 12.4), "万元/席/年", "=", "budget", "amount"),
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
