"""Any place: a document's place, parent and level from its title, issuer and metadata lines, never prose;
keys from pinyin; the registry in data/raw/places.csv, extended by `add`, read by the figures."""

import csv
import shutil
from pathlib import Path

import pytest

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.document import decode, split_lines
from hotlinecompare.extract.intake import add_document
from hotlinecompare.extract.place import place_of
from hotlinecompare.extract.place_names import admin_level, short_name
from hotlinecompare.extract.places import (
    load_registry,
    next_look,
    palette,
    parse_registry,
    record_places,
    registry_text,
    seed_registry,
)
from hotlinecompare.extract.trial import check_path, report_lines
from hotlinecompare.output.figures import style

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
GENRE = Path(__file__).resolve().parent / "fixtures" / "genre"
MALFORMED = Path(__file__).resolve().parent / "fixtures" / "malformed"
with (GENRE / "catalogue.csv").open(encoding="utf-8", newline="") as f:
    CATALOGUE = list(csv.DictReader(f))


def _lines(path: Path) -> tuple[str, ...]:
    return split_lines(decode(path.read_bytes(), path.name))


def _place(*lines: str, registry=None):
    return place_of(tuple(lines), "x.txt", year="2024", registry=registry or seed_registry())


# -- the development fixtures -------------------------------------------------------
@pytest.mark.parametrize("row", CATALOGUE, ids=[r["fixture"] for r in CATALOGUE])
def test_every_fixture_gets_its_place_parent_and_level(row):
    city = place_of(_lines(GENRE / row["fixture"]), row["fixture"], year="2024", registry=seed_registry()).city
    assert (city.full_name_zh, city.parent_full_zh, city.admin_level) == \
        (row["place_zh"], row["parent_zh"], row["admin_level"])


@pytest.mark.parametrize("row", CATALOGUE, ids=[r["fixture"] for r in CATALOGUE])
def test_every_fixture_gets_its_year_from_its_title(row):
    assert place_of(_lines(GENRE / row["fixture"]), row["fixture"], registry=seed_registry()).fiscal_year \
        == int(row["year"])


@pytest.mark.parametrize("lines, year, line", [
    # a site banner and navigation before the title (a saved web page)
    (("某某新区门户网站", "无障碍 | 长者模式", "首页", "政务公开", "当前位置：首页 > 部门预决算",
      "贵安新区政务服务中心2024年部门预算公开", "发布时间：2024-02-22"), 2024, 6),
    # a publication date is not the fiscal year
    (("发文日期： | 2023年05月10日 | 发文单位： | 西吉县政务服务中心", "项目支出绩效自评表", "（ 2022 年度）"), 2022, 3),
    # the month of a monthly bulletin stays with its year
    (("任城区12345热线2024年6月运行情况通报",), 2024, 1),
])
def test_the_year_is_the_titles_not_the_banners_or_a_date(lines, year, line):
    found = place_of(lines, "x.txt", city="綦江区", registry=seed_registry())
    assert (found.fiscal_year, found.year_from) == (year, f"the title, line {line}")


def test_checks_title_is_the_documents_not_the_sites_banner():
    result = check_path(ROOT / "tests" / "fixtures" / "genre_blind" / "self_evaluation_01_nanbu_sichuanform.txt")
    assert result.title == "南部县12345政务服务便民热线中心2023年度项目支出绩效自评表公开"
    assert result.place.year_from == "the title, line 3"


def test_a_workbook_without_a_year_takes_the_year_its_file_name_states():
    lines = ("收入支出决算总表", "编制单位：贺州市八步区政务服务中心\t公开01表\t单位：万元")
    found = place_of(lines, "八步区政务服务中心2023年部门决算.xlsx", registry=seed_registry())
    assert (found.fiscal_year, found.year_from) == (2023, "the file name (八步区政务服务中心2023年部门决算.xlsx)")
    for name in ("upload20250606.xlsx", "附件2.xlsx"):   # digits of an upload stamp are no year
        with pytest.raises(HotlineError, match="no fiscal year"):
            place_of(lines, name, registry=seed_registry())


def test_a_year_cell_of_a_public_tables_metadata_row_is_its_year():
    lines = ("支出决算表", "\t\t\t\t公开03表", "编制单位：德昌县信访局\t\t2023年度\t\t单位：元", "项目\t\t本年支出合计")
    found = place_of(lines, "x.xlsx", registry=seed_registry())
    assert (found.fiscal_year, found.year_from) == (2023, "a year cell, line 3")


def test_a_weekly_notice_takes_the_year_of_the_period_it_covers():
    lines = ("12345政府服务热线一周情况通报", "（2024年5月13日—5月19日）", "安居区12345政府服务热线办公室 2024年5月20日")
    found = place_of(lines, "x.docx", registry=seed_registry())
    assert (found.fiscal_year, found.year_from) == (2024, "the period in the title, line 2")
    assert found.city.full_name_zh == "安居区"


def test_a_workbook_names_its_department_in_a_cell_and_its_year_in_a_forms_title():
    lines = ("表1", "收支预算总表", "部门：都昌县信访局\t\t\t单位：万元", "项目\t预算数", *["行\t1.00"] * 30,
             "部门整体支出绩效目标表", "（2025年度）")
    found = place_of(lines, "x.xlsx", registry=seed_registry())
    assert (found.city.full_name_zh, found.fiscal_year) == ("都昌县", 2025)


def test_a_sites_greeting_is_not_part_of_the_place():
    city = place_of(("欢迎访问柯城区人民政府门户网站", "柯城区12345热线2024年第二季度办理情况通报"), "x.html",
                    registry=seed_registry()).city
    assert city.full_name_zh == "柯城区"


def test_a_county_made_a_city_after_the_gazetteer_keeps_its_parent():
    city = place_of(("禄丰市2025年部门预算项目绩效目标表",), "x.txt", registry=seed_registry()).city
    assert (city.full_name_zh, city.parent_full_zh, city.admin_level) == ("禄丰市", "楚雄彝族自治州", "county_city")


def test_a_party_committee_names_its_place_once():
    city = place_of(("中共抚顺市委抚顺市人民政府信访局2023年度决算",), "x.txt", registry=seed_registry()).city
    assert (city.full_name_zh, city.parent_full_zh) == ("抚顺市", "辽宁省")


def test_a_document_without_a_year_in_its_title_is_refused_with_what_to_pass():
    with pytest.raises(HotlineError, match="no fiscal year") as e:
        place_of(("某某区信访局部门预算", "发布日期：2024年2月18日", "一、基本情况"), "x.txt", city="綦江区",
                 registry=seed_registry())
    assert "--year" in str(e.value)


# -- chains, short forms and levels --------------------------------------------------
@pytest.mark.parametrize("title, key, name, parent", [
    ("重庆市綦江区信访办公室2024年部门预算情况说明", "qijiang", "綦江", "重庆"),
    ("济宁市任城区12345政务服务便民热线中心2024年单位预算", "rencheng", "任城", "济宁"),
    ("鄂尔多斯市准格尔旗12345政务服务便民热线中心2023年工作总结", "zhungeer", "准格尔", "鄂尔多斯"),
    ("南京市江宁区数据局2026年项目绩效目标", "jiangning", "江宁", "南京"),
])
def test_the_title_chain_gives_the_parent(title, key, name, parent):
    city = _place(title).city
    assert (city.key, city.name_zh, city.parent) == (key, name, parent)


@pytest.mark.parametrize("full, short", [
    ("綦江区", "綦江"), ("准格尔旗", "准格尔"), ("滨海新区", "滨海"), ("清新区", "清新"),
    ("鄂温克族自治旗", "鄂温克"), ("黔东南苗族侗族自治州", "黔东南"), ("恩施土家族苗族自治州", "恩施"),
    ("城中区", "城中"), ("城区", "城区"), ("和县", "和县"), ("矿区", "矿区"),   # a one-character stem keeps its suffix
])
def test_short_names(full, short):
    assert short_name(full) == short


@pytest.mark.parametrize("name, tier, level", [
    ("綦江区", "county", "district"), ("安吉县", "county", "county"), ("准格尔旗", "county", "banner"),
    ("鄂温克族自治旗", "county", "banner"), ("阿拉善盟", "prefecture", "league"), ("贵安新区", "county", "new_area"),
    ("恩施土家族苗族自治州", "prefecture", "prefecture"), ("醴陵市", "county", "county_city"),
    ("柳州市", "prefecture", "city"), ("北京市", "province", "municipality"), ("神农架林区", "county", "forest_district"),
    ("六枝特区", "county", "special_district"), ("贵州省", "province", "province"), ("柳州市", "", "city"),
])
def test_the_admin_level_comes_from_the_suffix_and_tier(name, tier, level):
    assert admin_level(name, tier) == level


# -- never from prose -----------------------------------------------------------------
PROSE = "本部是试验区，收到市里转来的工单，转接各旗区办理，助力市场主体发展。"


@pytest.mark.parametrize("trap", ["部是试验区", "收到市", "转接各旗区", "助力市"])
def test_a_place_word_in_prose_is_not_a_place(trap):
    with pytest.raises(HotlineError, match="--city") as e:
        _place("关于2024年工作情况的报告", "一、基本情况", PROSE)
    assert trap in PROSE and "not taken" in str(e.value)


def test_the_title_wins_over_prose():
    assert _place("安吉县信访局2023年度信访工作情况报告", PROSE).city.full_name_zh == "安吉县"


def test_a_table_cell_naming_a_county_does_not_replace_the_title_place():
    city = _place("黔东南州12345政务服务便民热线2022年度运行数据发布", "县市", "凯里市", "12").city
    assert city.full_name_zh == "黔东南苗族侗族自治州"


def test_a_place_inside_the_first_one_narrows_it():
    assert _place("济宁市人民政府", "任城区12345政务服务便民热线2024年6月运行情况通报").city.key == "rencheng"


# -- keys and prefixes ----------------------------------------------------------------
def test_same_name_under_different_parents_gets_the_parents_key_in_front():
    registry = seed_registry()
    first = _place("北京市朝阳区12345热线2024年运行情况", registry=registry)
    registry = registry + first.new_places
    second = _place("长春市朝阳区12345热线2024年运行情况", registry=registry)
    assert first.city.key == "chaoyang"   # read inside 朝阳区: chao-, not zhao-
    assert [c.key for c in second.new_places] == ["changchun", "changchunchaoyang"]
    assert second.city.parent == "长春"


def test_similar_names_get_distinct_keys_and_prefixes():
    registry = seed_registry()
    jiangling = _place("荆州市江陵县信访局2024年部门预算", registry=registry)
    assert (jiangling.city.key, jiangling.city.id_prefix) == ("jiangling", "jl")
    assert jiangling.city.key != "jiangning" and jiangling.city.id_prefix != "jn"
    keys = [c.key for c in registry + jiangling.new_places]
    assert len(keys) == len(set(keys)) and all(k.isascii() and k.isalpha() and k.islower() for k in keys)


def test_the_seed_keeps_the_seed_keys_and_prefixes():
    assert {c.key: c.id_prefix for c in seed_registry()[:4]} == {
        "suzhou": "sz", "guiyang": "gy", "guangzhou": "gz", "jiangning": "jn"}
    assert load_registry(RAW) == seed_registry()   # the project's registry starts as the seed


# -- check reports, add records ----------------------------------------------------------
def test_check_reports_a_new_place_instead_of_refusing_it():
    result = check_path(GENRE / "budget_disclosure_01_qijiang_web.txt", year="2024")
    assert result.place.city.new and result.doc.doc_id.startswith("qj2024")
    assert "new place: 綦江区, district under 重庆市" in "\n".join(report_lines(result, with_facts=False))


def test_a_chinese_city_option_names_a_new_place_and_an_unknown_latin_one_is_refused():
    lines = _lines(GENRE / "final_accounts_07_beijing_unit.txt")
    assert place_of(lines, "x", "重庆市綦江区", "2022").city.parent == "重庆"
    with pytest.raises(HotlineError, match="places.csv"):
        place_of(lines, "x", "atlantis", "2022")


def test_add_records_the_new_place_and_its_parent(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "places.csv").unlink()   # a project without a registry starts from the seed
    addition = add_document(MALFORMED / "unknown_city.txt", raw)
    registry = load_registry(raw)
    assert addition.row["city"] == "zunyi" and addition.row["parent_city_zh"] == "贵州"
    assert [c.key for c in registry][-2:] == ["guizhou", "zunyi"]
    assert registry[:len(seed_registry())] == seed_registry()
    assert sorted(p.name for p in raw.glob(".places-*")) == []   # the temp file was renamed into place


def test_recording_a_known_place_changes_nothing(tmp_path):
    (tmp_path / "places.csv").write_text(registry_text(seed_registry()), encoding="utf-8")
    before = (tmp_path / "places.csv").read_bytes()
    record_places(tmp_path, [seed_registry()[0]])
    assert (tmp_path / "places.csv").read_bytes() == before


def test_a_registry_row_with_an_unknown_parent_is_refused_with_its_line():
    text = registry_text(seed_registry()) + "foo,某,某区,district,nowhere,fo,Foo,Fōu,,,\n"
    with pytest.raises(HotlineError, match="parent_key") as e:
        parse_registry(text, "places.csv")
    assert e.value.line == len(seed_registry()) + 2


# -- figures ---------------------------------------------------------------------------
def test_a_new_place_gets_the_first_unused_look_and_figures_draw_only_places_with_one():
    assert next_look(seed_registry()) == palette()[0]
    new = _place("綦江区信访办2024年部门预算").city
    assert (new.colour_hex, new.hatch, new.marker) == palette()[0]
    assert style.city_keys() == ("suzhou", "guiyang", "guangzhou", "jiangning")
