"""`hotlinecompare check`: what a new document would add, read exactly as the build reads it."""

import csv
import io
import json
from pathlib import Path

import polars as pl
import pytest

import hotlinecompare.extract.kinds.project_targets as project_targets_kind
import hotlinecompare.extract.kinds.project_targets.parsing as project_targets
from hotlinecompare.cli import main
from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.document import split_lines
from hotlinecompare.extract.place import city_names, doc_id_for, find_city, place_of
from hotlinecompare.extract.raw import read_manifest
from hotlinecompare.extract.trial import MIN_SCORE, check_bytes, check_path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
MANIFEST = {r["doc_id"]: r for r in read_manifest(RAW)}
JN = RAW / "jiangning_2026_project_targets.txt"


def _options(row: dict) -> dict:
    return {} if row["fiscal_year"] else {"year": "undated"}


@pytest.mark.parametrize("doc_id", sorted(MANIFEST))
def test_check_reports_exactly_what_the_build_extracts_from_a_seed(doc_id, build, monkeypatch):
    row = MANIFEST[doc_id]
    monkeypatch.chdir(ROOT)   # the path as typed is the source_file, as data/raw/… is in the build
    result = check_path(f"data/raw/{row['file']}", **_options(row))
    assert result.doc.doc_id == doc_id
    assert result.detection.kind == row["parser"]
    mine = (pl.col("doc_id") == doc_id)
    assert result.facts.equals(build.facts.filter(mine))
    assert result.build.unparsed.equals(build.unparsed.filter(mine))
    assert result.build.checks.equals(build.checks.filter(mine))
    assert result.build.accounting.equals(build.accounting.filter(mine))
    assert result.duplicates.height == 0   # no seed states a table row twice


@pytest.mark.parametrize("doc_id, city, year, city_line, year_line", [
    ("sz2024pt", "suzhou", 2024, 3, 5),
    ("sz2022se", "suzhou", 2022, 3, 5),
    ("gy2024bd", "guiyang", 2024, 1, 1),
    ("jn2026pt", "jiangning", 2026, 3, 5),
])
def test_city_and_year_come_from_the_title(doc_id, city, year, city_line, year_line):
    result = check_path(RAW / MANIFEST[doc_id]["file"])
    assert (result.place.city.key, result.place.fiscal_year) == (city, year)
    assert result.place.city_from == f"the title, line {city_line}"
    assert result.place.year_from == f"the title, line {year_line}"


def test_a_document_without_a_year_asks_for_year_and_accepts_undated():
    path = RAW / MANIFEST["gzxxxxpt"]["file"]
    with pytest.raises(HotlineError, match="--year") as e:
        check_path(path)
    assert e.value.file == str(path)
    assert check_path(path, year="undated").place.fiscal_year is None


def test_options_override_the_title_and_accept_a_chinese_name():
    result = check_path(JN, city="苏州市", year="2019")
    assert (result.doc.city, result.doc.city_zh, result.doc.fiscal_year) == ("suzhou", "苏州", 2019)
    assert result.doc.doc_id == "sz2019pt"
    assert set(result.facts["city"].unique()) == {"suzhou"}


@pytest.mark.parametrize("options, fragment", [
    ({"city": "atlantis"}, "places.csv"),
    ({"year": "24"}, "not a year"),
    ({"kind": "annual_report"}, "no parser for document kind"),
])
def test_bad_options_are_refused_with_what_to_pass(options, fragment):
    with pytest.raises(HotlineError, match=fragment):
        check_path(JN, **options)


def test_a_text_with_no_evidence_of_a_kind_is_read_as_general_not_refused():
    result = check_bytes("这是一段没有任何种类线索的说明，全年受理 120 件。\n".encode(), "notes.txt",
                         city="suzhou", year="2024")
    assert result.detection.kind == "general" and result.detection.score >= MIN_SCORE
    assert set(result.detection.scores) >= {"project_targets", "self_evaluation", "budget_disclosure", "final_accounts"}
    assert any(f["value"] == 120 for f in result.facts.to_dicts())


def test_a_work_summary_is_an_operations_report_with_its_evidence():
    result = check_bytes("某某单位工作总结\n\n全年受理 120 件，办结率 98%。\n".encode(), "notes.txt",
                         city="suzhou", year="2024")
    assert result.detection.kind == "operations_report" and result.detection.evidence
    assert result.detection.margin > 0


def test_a_forced_kind_is_said_to_be_forced():
    result = check_path(JN, kind="self_evaluation")
    assert result.detection.forced and result.detection.kind == "self_evaluation"
    assert result.exit_code == 1 and result.unrecognised.height > 0


def test_a_parser_crash_becomes_an_error_naming_file_parser_and_line(monkeypatch):
    def broken(ex, cells, levels, section):
        raise KeyError("level2")

    monkeypatch.setattr(project_targets, "read_indicator_row", broken)
    with pytest.raises(HotlineError) as e:
        check_path(JN)
    first_indicator_row = 1 + next(i for i, t in enumerate(split_lines(JN.read_text(encoding="utf-8")))
                                   if t.startswith("决策"))
    assert e.value.file == str(JN) and e.value.line == first_indicator_row
    assert "project_targets parser crashed: KeyError" in str(e.value)
    assert "project_targets/parsing.py" in str(e.value) and "read_form()" in str(e.value)


def test_a_crash_that_names_its_line_keeps_that_line(monkeypatch):
    def broken(doc):
        raise ValueError(f"{doc.source_file}:7: cannot read the project name")

    monkeypatch.setattr(project_targets_kind, "parse", broken)
    with pytest.raises(HotlineError) as e:
        check_path(JN)
    assert e.value.line == 7


def test_the_cli_prints_no_traceback_for_a_parser_crash(monkeypatch, capsys):
    monkeypatch.setattr(project_targets_kind, "parse", lambda doc: 1 / 0)
    assert main(["check", str(JN)]) == 2
    out, err = capsys.readouterr()
    assert "ZeroDivisionError" in err and "Traceback" not in out + err
    assert "verdict: cannot be read" in out


def test_exit_codes_clean_needs_review_and_the_worst_of_several(capsys):
    assert main(["check", str(JN)]) == 0
    assert "verdict: clean" in capsys.readouterr().out
    suzhou = RAW / MANIFEST["sz2024pt"]["file"]   # the document's own arithmetic fails some checks
    assert main(["check", str(suzhou)]) == 1
    out = capsys.readouterr().out
    assert "verdict: needs review" in out and "checks failed" in out
    assert main(["check", str(JN), str(suzhou), str(RAW / "manifest.csv")]) == 2


def test_json_format_is_one_object_per_fact_with_the_fact_table_columns(capsys):
    assert main(["check", str(JN), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    rows = json.loads(out)
    facts = check_path(JN).facts
    assert len(rows) == facts.height
    assert list(rows[0]) == facts.columns
    assert [r["fact_id"] for r in rows] == facts["fact_id"].to_list()
    assert "verdict: clean" in err   # the report goes to stderr so stdout stays machine-readable


def test_csv_format_reads_back_as_the_facts(capsys):
    assert main(["check", str(JN), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out == check_path(JN).facts.write_csv()
    assert next(csv.reader(io.StringIO(out)))[:3] == ["fact_id", "doc_id", "source_file"]


def test_the_table_report_lists_facts_unparsed_lines_and_failed_checks(capsys):
    main(["check", str(RAW / MANIFEST["sz2024pt"]["file"])])
    out = capsys.readouterr().out
    assert "facts it would add (567)" in out
    assert "unparsed lines (" in out and "hotline_number" in out
    assert "failed checks (6 of 57)" in out and "sz2024pt:P09-items_full_vs_total" in out


def test_check_writes_nothing_under_data(tmp_path, monkeypatch):
    before = {p: p.stat().st_mtime_ns for p in (ROOT / "data").rglob("*")}
    main(["check", str(JN)])
    assert {p: p.stat().st_mtime_ns for p in (ROOT / "data").rglob("*")} == before


def test_city_names_give_unique_keys_and_id_prefixes():
    keys = [c.key for c in city_names()]
    prefixes = [c.id_prefix for c in city_names()]
    assert len(set(keys)) == len(keys) and len(set(prefixes)) == len(prefixes)
    assert all(k.isascii() and k.isalpha() and k.islower() for k in keys)


@pytest.mark.parametrize("doc_id", sorted(MANIFEST))
def test_city_names_agree_with_the_manifest_and_regenerate_its_ids(doc_id):
    row = MANIFEST[doc_id]
    city = find_city(row["city"])
    assert (city.name_zh, city.admin_level, city.parent) == (row["city_zh"], row["admin_level"],
                                                             row["parent_city_zh"])
    year = int(row["fiscal_year"]) if row["fiscal_year"] else None
    assert doc_id_for(city, year, row["parser"]) == doc_id


def test_the_title_block_stops_at_the_first_table_row():
    lines = ("南京市12345热线年度报告", "", "项目名称\t苏州市某项目", "2024年度")
    with pytest.raises(HotlineError, match="no fiscal year"):
        place_of(lines, "x.txt")
    assert place_of(lines, "x.txt", year="2024").city.key == "nanjing"


def test_an_unlisted_city_in_the_title_is_a_new_place_not_an_error():
    place = place_of(("遵义市 12345 热线中心 2024 年部门预算公开信息",), "gy.txt")
    assert (place.city.key, place.city.full_name_zh, place.city.new) == ("zunyi", "遵义市", True)
    assert place.city_from == "the title, line 1"
