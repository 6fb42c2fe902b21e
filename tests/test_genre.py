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
    "budget_disclosure": (93, 99, 95),
    "final_accounts": (96, 96, 95),
    "operations_report": (88, 98, 96),
    "project_targets": (92, 99, 80),
    "self_evaluation": (85, 99, 82),
}


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
