"""Documents as governments publish them: PDF, Word, Excel and web pages through check, add, build and trace."""

import collections
import hashlib
import shutil
from pathlib import Path

import polars as pl
import pytest

from hotlinecompare import api
from hotlinecompare.cli import main
from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.raw import read_manifest
from hotlinecompare.extract.trial import check_path
from hotlinecompare.pipeline import add, build, remove
from hotlinecompare.project import init_project

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ROOT / "tests" / "fixtures" / "formats"
MANIFEST = {r["file"]: r for r in read_manifest(ROOT / "data" / "raw")}


def _key(f: dict) -> tuple:
    return f["value"], f["unit"], f["operator"], (f["item"] or "").replace(" ", "")


def _options(row: dict) -> dict:
    return {} if row["fiscal_year"] else {"year": "undated"}


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx", "html"])
@pytest.mark.parametrize("seed", sorted(MANIFEST))
def test_check_finds_in_each_rendering_the_facts_of_the_seed_text_with_their_location(seed, fmt):
    row = MANIFEST[seed]
    text = check_path(ROOT / "data" / "raw" / seed, **_options(row))
    rendered = check_path(FORMATS / f"{Path(seed).stem}.{fmt}", **_options(row))
    assert rendered.detection.kind == text.detection.kind and rendered.doc.doc_id == text.doc.doc_id
    expected = collections.Counter(_key(f) for f in text.facts.to_dicts())
    found = collections.Counter(_key(f) for f in rendered.facts.to_dicts())
    assert sum((expected & found).values()) >= 0.98 * sum(expected.values())
    assert rendered.facts["location"].null_count() == 0 and text.facts["location"].null_count() == text.facts.height
    assert rendered.original is not None and rendered.original.fmt == fmt


@pytest.mark.parametrize(("fixture", "message"), [
    ("scanned.pdf", "no text layer"),
    ("encrypted.pdf", "encrypt"),
    ("corrupt.xlsx", "damaged or truncated"),
])
def test_a_document_that_cannot_be_read_exits_2_with_a_message_not_a_traceback(fixture, message, capsys):
    assert (FORMATS / fixture).is_file()
    assert main(["check", str(FORMATS / fixture), "--city", "suzhou", "--year", "2024"]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and message in err.lower() and "Traceback" not in err


def test_a_binary_word_file_is_converted_with_libreoffice_or_refused_saying_how(capsys):
    code = main(["check", str(FORMATS / "legacy.doc"), "--city", "suzhou", "--year", "2024"])
    err = capsys.readouterr().err
    if shutil.which("soffice"):
        assert code in (0, 1), err
    else:
        assert code == 2 and "soffice --headless --convert-to docx" in err and "Traceback" not in err


@pytest.fixture()
def project(tmp_path):
    init_project(tmp_path / "p", seeds=False)
    return tmp_path / "p" / "data" / "raw", tmp_path / "p" / "data" / "clean"


def test_add_keeps_the_original_the_derived_text_and_the_locations_each_hashed(project):
    raw, clean = project
    pdf = FORMATS / "jiangning_2026_project_targets.pdf"
    addition, _ = add(pdf, raw, clean)
    row = read_manifest(raw)[0]
    assert row["original_file"] == "jiangning_2026_project_targets.pdf" and row["converter"].startswith("pdfplumber")
    assert (raw / row["original_file"]).read_bytes() == pdf.read_bytes()
    for name, digest in ((row["file"], row["sha256"]), (row["original_file"], row["original_sha256"]),
                         ("jiangning_2026_project_targets.locations.csv", row["locations_sha256"])):
        assert hashlib.sha256((raw / name).read_bytes()).hexdigest() == digest
    facts = api.load("facts", clean_dir=clean, raw_dir=raw)
    assert facts.height > 0 and facts["location"].null_count() == 0
    assert facts.filter(pl.col("location").str.starts_with("p.1")).height > 0
    assert "in the original: p.1" in api.trace(facts["fact_id"][0], clean_dir=clean, raw_dir=raw).summary()


def test_remove_takes_out_the_original_and_its_sidecar_too(project):
    raw, clean = project
    add(FORMATS / "jiangning_2026_project_targets.xlsx", raw, clean)
    remove("jn2026pt", raw, clean)
    assert sorted(p.name for p in raw.iterdir() if not p.name.startswith(".")) == ["manifest.csv"]


def test_an_edited_locations_file_is_refused_by_the_build(project):
    raw, clean = project
    add(FORMATS / "jiangning_2026_project_targets.html", raw, clean)
    sidecar = raw / "jiangning_2026_project_targets.locations.csv"
    sidecar.chmod(0o644)
    sidecar.write_bytes(sidecar.read_bytes().replace(b"table", b"TABLE", 1))
    with pytest.raises(HotlineError, match="locations file differs"):
        build(raw, clean)


def test_a_text_manifest_without_the_original_columns_still_reads():
    rows = read_manifest(ROOT / "data" / "raw")
    assert rows and all(r["original_file"] == "" for r in rows)
