"""The blind sets: fixtures written from other real pages by helpers who had not seen the reader.

Round 1 (tests/fixtures/genre_blind, 18 fixtures), measured before the reader changed for them
(benchmarks/bench_genre.py --fixtures tests/fixtures/genre_blind, code of 4e83197): recall 82.2 %,
precision 95.4 %, basis 96.3 %, one fixture of the wrong kind. Round 2 (genre_blind2, 10 fixtures from
other provinces), measured after the round-1 changes and before any for it: recall 92.5 %, precision
97.5 %, basis 87.0 %, one of the wrong kind. Round 3 (genre_blind3, 10 more, measured after the round-2
changes): recall 90.8 %, precision 94.0 %, basis 94.0 %, one of the wrong kind. Round 4 (genre_blind4, 10
more, after the round-3 changes): recall 93.0 %, precision 99.6 %, basis 97.2 %, one of the wrong kind.
Round 5 (genre_blind5, 10 more, after the round-4 changes): recall 77.9 %, precision 95.8 %, basis 72.4 %,
five of the wrong kind; three of its pages are mirrors in traditional characters (one with pinyin
annotations), which the reader then learned to read through their simplified form.
The reader was then changed for the shapes they showed, so no set is blind any more; the floors below hold what it reaches
now, and the tests after them pin each shape on its own.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hotlinecompare.extract.accounting import explained_spans
from hotlinecompare.extract.document import Document
from hotlinecompare.extract.kinds import parse
from hotlinecompare.extract.kinds.genre.headers import header_shift
from hotlinecompare.extract.kinds.genre.layout import spaced_cells, unit_in

ROOT = Path(__file__).resolve().parent.parent
BLIND = ROOT / "tests" / "fixtures" / "genre_blind"
BLIND2 = ROOT / "tests" / "fixtures" / "genre_blind2"
BLIND3 = ROOT / "tests" / "fixtures" / "genre_blind3"
BLIND4 = ROOT / "tests" / "fixtures" / "genre_blind4"
BLIND5 = ROOT / "tests" / "fixtures" / "genre_blind5"
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_genre  # noqa: E402

CATALOGUE = bench_genre.catalogue(BLIND)
# Over all fixtures of a set: (how many, recall %, precision %, basis % of matched facts); today
# 98.9, 99.2, 97.8 (round 1), 97.2, 97.8, 97.4 (round 2), 97.3, 97.9, 97.8 (round 3), 98.3, 99.7, 97.8 (round 4).
FLOORS = {BLIND: (18, 98.0, 98.5, 97.0), BLIND2: (10, 96.5, 97.0, 96.5), BLIND3: (10, 96.5, 97.0, 97.0),
          BLIND4: (10, 97.0, 99.0, 97.0), BLIND5: (10, 94.0, 96.0, 84.0)}


# Round 5 keeps two fixtures of another kind (a consultancy's copy of a target-table template read as
# general; a yearbook entry with no place where check looks, which needs --city) and that one place.
WRONG_KIND = {BLIND5: 2}
WRONG_PLACE = {BLIND5: 1}


@pytest.fixture(scope="module")
def evaluation():
    return bench_genre.evaluate(BLIND)


@pytest.mark.parametrize("folder", sorted(FLOORS), ids=lambda p: p.name)
def test_each_blind_set_is_whole(folder):
    names = {p.name for p in folder.glob("*.txt")}
    assert names == {r["fixture"] for r in bench_genre.catalogue(folder)} and len(names) == FLOORS[folder][0]
    assert set(bench_genre.expected(folder)) == names


@pytest.mark.parametrize("folder", sorted(FLOORS), ids=lambda p: p.name)
def test_recall_precision_and_basis_reach_their_floors(folder):
    families = bench_genre.evaluate(folder)["families"]
    total = {k: sum(c[k] for c in families.values())
             for k in ("matched", "expected", "found", "basis_ok", "refused", "wrong_kind", "fixtures", "place_ok",
                       "year_ok")}
    _, recall, precision, basis = FLOORS[folder]
    assert total["refused"] == 0 and total["wrong_kind"] == WRONG_KIND.get(folder, 0)
    assert 100 * total["matched"] / total["expected"] >= recall
    assert 100 * total["matched"] / total["found"] >= precision
    assert 100 * total["basis_ok"] / total["matched"] >= basis
    assert total["place_ok"] >= total["fixtures"] - WRONG_PLACE.get(folder, 0)
    assert total["year_ok"] >= total["fixtures"] - WRONG_PLACE.get(folder, 0)


def test_every_fixture_is_detected_as_its_family(evaluation):
    """Including a budget disclosure's page that holds only its project target table (郴州): the table is
    the document, the page title (部门预算公开) one piece of evidence, not two."""
    wrong = {name: kind for name, (kind, *_) in evaluation["details"].items()
             if kind != next(r["family"] for r in CATALOGUE if r["fixture"] == name)}
    assert wrong == {}


def _facts(lines: tuple[str, ...], kind: str) -> list[dict]:
    doc = Document("t", "t.txt", "x", "x", 2024, kind, lines)
    return [f for f in parse(doc).facts if f["value"] is not None]


def _at(facts: list[dict], line: int) -> list[tuple]:
    return [(f["value"], f["unit"], f["operator"], f["basis"]) for f in facts if f["line"] == line]


def test_a_row_copied_with_single_spaces_is_cut_into_cells():
    text = "一、一般公共预算拨款收入 5016140.00 一、一般公共服务支出 4621380.00"
    assert [text[s:e] for s, e in spaced_cells(text)] == \
        ["一、一般公共预算拨款收入", "5016140.00", "一、一般公共服务支出", "4621380.00"]
    total = "收 入 总 计 52.14 支 出 总 计 52.14"
    assert [total[s:e] for s, e in spaced_cells(total)][0] == "收 入 总 计"
    # prose, a page number and a single bare count are not rows
    for line in ("收入预算 52.14 万元，比上年增加 3.2 万元。", "第 7 页", "共 12 人"):
        assert spaced_cells(line) == (), line


def test_single_space_rows_under_a_unit_note_are_read_in_its_unit():
    lines = ("表1", "部门收支总表", "单位：元", "项目 预算数 项目 预算数",
             "一、一般公共预算拨款收入 5016140.00 一、一般公共服务支出 4621380.00", "7")
    facts = _facts(lines, "budget_disclosure")
    assert _at(facts, 5) == [(5016140.0, "元", "", "budget"), (4621380.0, "元", "", "budget")]
    assert _at(facts, 6) == []   # a page number under the table is not a value


def test_a_header_wider_than_its_row_is_lined_up_by_what_its_names_hold():
    header = ["预算执行情况(10分)", "年度预算数(万元)", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重",
              "得分", "原因"]
    row = ["总额", "386.00", "372.50", "365.84", "98.21%", "10", "9.82", "年中调减。"]
    assert header_shift(header, row, [False] + [True] * 6 + [False]) == 1
    assert header_shift(["项目", "预算数", "决算数", "备注"], ["合计", "10", "12", ""], [False, True, True, False]) == 0


def test_operator_and_unit_cells_of_an_indicator_row_qualify_its_values():
    lines = ("绩效指标(90分) | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 |",
             "产出指标 | 数量指标 | 年度受理量 | ≥ | 12 | 万件 | 13.42 | 10 | 9.5 |")
    facts = _facts(lines, "self_evaluation")
    assert _at(facts, 1) == [(90.0, "分", "", "")]
    assert _at(facts, 2) == [(12.0, "万件", ">=", "target"), (13.42, "万件", "", "actual"),
                             (10.0, "分", "", ""), (9.5, "分", "", "actual")]


def test_a_unit_wrapped_onto_the_next_line_is_joined():
    lines = ("“三公”经费支出决算 3.52 万元，比上年减少 0.64 万", "元，下降 15.38%。")
    facts = _facts(lines, "final_accounts")
    assert (-0.64, "万元", "", "actual") in _at(facts, 1)


def test_headers_name_units_by_a_trailing_percent_and_in_brackets():
    assert [unit_in(h) for h in ("完成预算%", "车辆数（辆）", "通用设备（台/套）", "办件量（宗）", "2024年预算数")] == \
        ["%", "辆", "台/套", "宗", ""]


def test_a_number_in_a_measures_name_is_not_a_quantity():
    for text, token in (("15秒接通率96.41%", "15"), ("15秒内接通率不低于90%", "15"), ("打造15分钟政务服务圈", "15")):
        assert any(text[s:e] == token for s, e, *_ in explained_spans(text)), text


def test_people_and_vehicles_a_budget_counts_are_stocks_held():
    lines = ("某某中心2024年单位预算", "本单位现有劳务派遣话务人员210人，公务用车2辆。", "预算安排人员经费45.6万元。")
    facts = _facts(lines, "budget_disclosure")
    assert _at(facts, 2) == [(210.0, "人", "", "actual"), (2.0, "辆", "", "actual")]
    assert _at(facts, 3) == [(45.6, "万元", "", "budget")]


def test_a_layout_copy_lines_rows_up_by_position_and_goes_on_after_a_page_break():
    """A pdftotext -layout copy: 行次 cells stand under 行次 though empty amount cells leave no gap, and
    the table continued after the page footer (收入支出决算总表（续）) keeps its header."""
    lines = ("收入支出决算总表", "金额单位：元",
             "项目                        行次  金额              项目                    行次  金额",
             "一、一般公共预算财政拨款收入  1   6,803,215.47      一、一般公共服务支出     32   5,918,266.09",
             "二、政府性基金预算财政拨款收  2                      二、外交支出             33",
             "                                                          1",
             "收入支出决算总表（续）", "金额单位：元",
             "六、其他收入                  7   40,000.00         八、社会保障和就业支出   37   563,918.40",
             "                                                    十、卫生健康支出         39   185,077.32")
    facts = _facts(lines, "final_accounts")
    assert [f["value"] for f in facts] == [6803215.47, 5918266.09, 40000.0, 563918.4, 185077.32]
    assert {f["unit"] for f in facts} == {"元"}


def test_a_row_exported_as_key_value_pairs_reads_each_number_under_its_key():
    lines = ("金额单位：万元",
             "资金项目：年度资金总额；年初预算数：428.60；全年预算数：446.20；全年执行数：439.75；分值：10；执行率：98.55%；得分：9.9",
             "二级指标：数量指标  三级指标：受理群众来信来访  年度指标值：≥2800件次  实际完成值：3016件次  分值：10  得分：10")
    facts = _facts(lines, "self_evaluation")
    assert _at(facts, 2) == [(428.6, "万元", "", "budget"), (446.2, "万元", "", "budget"), (439.75, "万元", "", "actual"),
                             (10.0, "分", "", ""), (98.55, "%", "", "actual"), (9.9, "分", "", "actual")]
    assert _at(facts, 3) == [(2800.0, "件次", ">=", "target"), (3016.0, "件次", "", "actual"), (10.0, "分", "", ""),
                             (10.0, "分", "", "actual")]


def test_an_annex_after_a_plan_section_reports_and_passing_a_target_is_an_outcome():
    lines = ("三、下一步工作", "力争10月份按期办结率保持100%，满意率稳定在99%以上。", "附件1",
             "| 序号 | 承办单位 | 转派量（件） | 满意率 |", "| 1 | 市城市管理局 | 538 | 99.44% |",
             "群众满意率96.3%，高于目标5.3个百分点。")
    facts = _facts(lines, "operations_report")
    assert {f["basis"] for f in facts if f["line"] == 2} == {"target"}
    assert _at(facts, 5) == [(538.0, "件", "", "actual"), (99.44, "%", "", "actual")]
    assert [f["basis"] for f in facts if f["line"] == 6] == ["actual", "actual"]


def test_a_mirror_in_traditional_characters_is_read_through_its_simplified_form():
    from hotlinecompare.extract.trial import check_path

    result = check_path(BLIND5 / "budget_disclosure_01_youxian_tradchar.txt")
    assert (result.place.city.full_name_zh, result.place.city.parent_full_zh) == ("攸县", "株洲市")
    assert result.detection.kind == "budget_disclosure" and result.unrecognised.height == 0
    assert result.original is not None and "t2s" in result.original.derived.converter
    assert "万元" in set(result.facts["unit"].to_list())
    # each quote stands where it stood in the original line: one character for one
    raw = (BLIND5 / "budget_disclosure_01_youxian_tradchar.txt").read_text(encoding="utf-8").split("\n")
    for f in result.facts.to_dicts():
        assert len(raw[f["line"] - 1]) >= f["char_start"] + len(f["quote"])


def test_simplified_text_with_a_few_listed_characters_is_left_as_it_is():
    from hotlinecompare.extract.formats.script import has_ruby, is_traditional, to_simplified, without_ruby

    assert not is_traditional("乾县信访局2024年部门预算" * 5)
    assert is_traditional("攸縣行政審批服務局2024年部門預算說明，收入預算總額萬元。" * 3)
    assert to_simplified("萬元") == "万元"
    text = "部門(mén)預算，實(shí)有人員，經(jīng)費"
    assert has_ruby(text) and without_ruby(text) == "部門預算，實有人員，經費"
