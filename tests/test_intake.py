"""`hotlinecompare add`: a checked document joins the corpus byte-for-byte, with its manifest row, and is built.

Every test works on a temporary copy of data/raw; the real corpus is never touched.
"""

import shutil
import stat
from pathlib import Path

import polars as pl
import pytest

from hotlinecompare.cli import main
from hotlinecompare.extract.fact_build import build_facts
from hotlinecompare.extract.intake import manifest_line, plan_addition
from hotlinecompare.extract.raw import MANIFEST_COLUMNS, load_corpus, read_manifest
from hotlinecompare.extract.trial import check_path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
MALFORMED = Path(__file__).resolve().parent / "fixtures" / "malformed"
JN_FILE = "jiangning_2026_project_targets.txt"


@pytest.fixture
def corpus(tmp_path):
    """A copy of data/raw without the 江宁 document (file and manifest row), and an output folder."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / JN_FILE).chmod(0o644)
    (raw / JN_FILE).unlink()
    lines = (RAW / "manifest.csv").read_bytes().split(b"\n")
    (raw / "manifest.csv").write_bytes(b"\n".join(line for line in lines if not line.startswith(b"jn2026pt,")))
    return raw, tmp_path / "clean"


def _add(raw, out, path, *options):
    return main(["add", str(path), "--raw", str(raw), "--out", str(out), *options])


def test_adding_the_jiangning_seed_recreates_its_manifest_row(corpus, capsys):
    raw, out = corpus
    assert _add(raw, out, RAW / JN_FILE, "--basis", "mixed") == 0
    original = next(r for r in read_manifest(RAW) if r["doc_id"] == "jn2026pt")
    added = next(r for r in read_manifest(raw) if r["doc_id"] == "jn2026pt")
    same = ("doc_id", "file", "sha256", "city", "city_zh", "admin_level", "parent_city_zh", "parser",
            "fiscal_year", "basis")
    assert {k: added[k] for k in same} == {k: original[k] for k in same}
    assert added["doc_kind"] == "江宁区项目预算绩效目标申报表" and added["source_seed"] == JN_FILE
    assert "added" in capsys.readouterr().out


def test_the_file_is_copied_byte_for_byte_and_read_only(corpus):
    raw, out = corpus
    _add(raw, out, RAW / JN_FILE)
    copy = raw / JN_FILE
    assert copy.read_bytes() == (RAW / JN_FILE).read_bytes()
    assert not copy.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_the_manifest_is_appended_not_rewritten(corpus):
    raw, out = corpus
    before = (raw / "manifest.csv").read_bytes()
    _add(raw, out, RAW / JN_FILE)
    after = (raw / "manifest.csv").read_bytes()
    assert before.endswith(b"\n") and after.startswith(before) and after.endswith(b"\n")
    assert len(read_manifest(raw)) == len(read_manifest(RAW))


def test_the_rebuild_puts_the_new_document_in_every_table(corpus):
    raw, out = corpus
    assert _add(raw, out, RAW / JN_FILE) == 0
    facts = pl.read_parquet(out / "facts.parquet").filter(pl.col("doc_id") == "jn2026pt")
    expected = build_facts([d for d in load_corpus(RAW) if d.doc_id == "jn2026pt"]).facts
    assert facts.equals(expected)
    assert "jn2026pt" in pl.read_csv(out / "accounting.csv")["doc_id"].to_list()
    assert (out / "facts" / "city=jiangning" / "fiscal_year=2026").is_dir()


def test_the_same_document_twice_is_refused(corpus, capsys):
    raw, out = corpus
    _add(raw, out, RAW / JN_FILE)
    before = (raw / "manifest.csv").read_bytes()
    capsys.readouterr()
    assert _add(raw, out, RAW / JN_FILE) == 2
    assert "already in the corpus as jn2026pt" in capsys.readouterr().err
    assert (raw / "manifest.csv").read_bytes() == before


def test_an_unreadable_file_is_refused_and_nothing_is_written(corpus, capsys):
    raw, out = corpus
    listing = sorted(p.name for p in raw.iterdir())
    manifest = (raw / "manifest.csv").read_bytes()
    assert _add(raw, out, MALFORMED / "binary_junk.txt", "--city", "jiangning", "--year", "2026") == 2
    err = capsys.readouterr().err
    assert "binary" in err and "Traceback" not in err
    assert sorted(p.name for p in raw.iterdir()) == listing
    assert (raw / "manifest.csv").read_bytes() == manifest
    assert not out.exists()


def test_a_second_document_of_the_same_city_year_and_kind_needs_a_suffix(corpus, capsys):
    raw, out = corpus
    _add(raw, out, RAW / JN_FILE)
    other = MALFORMED / "gb18030.txt"   # the same form, other bytes
    capsys.readouterr()
    assert _add(raw, out, other) == 2
    assert "--suffix" in capsys.readouterr().err
    assert _add(raw, out, other, "--suffix", "b") == 0
    row = read_manifest(raw)[-1]
    assert (row["doc_id"], row["file"]) == ("jn2026pt_b", "jiangning_2026_project_targets_b.txt")
    facts = pl.read_parquet(out / "facts.parquet")
    meaning = ["table", "item", "measure", "period", "value", "value_text"]
    assert (facts.filter(pl.col("doc_id") == "jn2026pt_b").select(meaning)
            .equals(facts.filter(pl.col("doc_id") == "jn2026pt").select(meaning)))


def test_a_stray_file_of_that_name_is_never_overwritten(corpus, capsys):
    raw, out = corpus
    (raw / JN_FILE).write_bytes(b"someone else's file")
    assert _add(raw, out, RAW / JN_FILE) == 2
    assert "never overwritten" in capsys.readouterr().err
    assert (raw / JN_FILE).read_bytes() == b"someone else's file"


def test_an_unknown_city_is_refused(corpus, capsys):
    raw, out = corpus
    assert _add(raw, out, RAW / JN_FILE, "--city", "atlantis") == 2
    assert "places.csv" in capsys.readouterr().err


def test_plan_defaults_the_basis_by_kind_and_names_the_file():
    path = RAW / "suzhou_2022_self_evaluation.txt"
    result = check_path(path)
    plan = plan_addition(result, path.read_bytes(), [], original_name=str(path))
    assert plan.row["basis"] == "actual"
    assert plan.file == "suzhou_2022_self_evaluation.txt" and plan.row["doc_id"] == "sz2022se"
    undated = check_path(RAW / "guangzhou_undated_project_targets.txt", year="undated")
    plan = plan_addition(undated, b"x", [], original_name="gz.txt", basis="budget")
    assert (plan.file, plan.row["fiscal_year"]) == ("guangzhou_undated_wide_project_targets.txt", "")


def test_a_manifest_line_quotes_like_the_manifest():
    row = {c: "" for c in MANIFEST_COLUMNS} | {"doc_id": "x", "notes": 'a, "b"'}
    assert manifest_line(row) == 'x' + "," * 14 + '"a, ""b"""\n'
