"""The Python API: load(name) builds data/clean when missing or stale; compare(metric) is a tidy city-by-metric view."""

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from hotlinecompare import api
from hotlinecompare.errors import HotlineError
from hotlinecompare.harmonise import load_knowledge
from hotlinecompare.output.publish import STAMP, builder_hash

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """A clean folder built by load() itself (it starts empty, so load must build it)."""
    out = tmp_path_factory.mktemp("clean")
    api.load("facts", clean_dir=out, raw_dir=RAW)
    return out


def test_import_is_fast_and_lazy():
    code = ("import sys, time; t = time.perf_counter(); import hotlinecompare; d = time.perf_counter() - t; "
            "print(d, 'polars' in sys.modules, callable(hotlinecompare.load), callable(hotlinecompare.compare))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    seconds, polars_loaded, load_ok, compare_ok = out.split()
    assert float(seconds) < 0.3
    assert polars_loaded == "False"  # load/compare are resolved lazily
    assert load_ok == compare_ok == "True"


def test_load_builds_a_missing_clean_folder(clean):
    assert (clean / STAMP).exists()
    facts = api.load("facts", clean_dir=clean, raw_dir=RAW)
    assert isinstance(facts, pl.DataFrame) and facts.height > 1000


def test_load_returns_every_harmonised_table(clean):
    for name in ("spending", "staffing", "service", "unit_costs", "city_profile", "scope_notes"):
        assert api.load(name, clean_dir=clean, raw_dir=RAW).height > 0, name


def test_load_does_not_rebuild_a_fresh_folder(clean):
    stamp = clean / STAMP
    before = stamp.stat().st_mtime_ns
    api.load("spending", clean_dir=clean, raw_dir=RAW)
    assert stamp.stat().st_mtime_ns == before


def test_a_stamp_from_another_manifest_is_stale(clean, tmp_path):
    assert not api.is_stale(clean, RAW)
    stamp = json.loads((clean / STAMP).read_text(encoding="utf-8"))
    stamp["manifest_sha256"] = "0" * 64
    (tmp_path / STAMP).write_text(json.dumps(stamp), encoding="utf-8")
    assert api.is_stale(tmp_path, RAW)
    assert api.is_stale(tmp_path / "missing", RAW)


def test_a_stamp_from_another_package_is_stale_and_load_rebuilds_it(clean, tmp_path):
    import shutil

    folder = tmp_path / "clean"
    shutil.copytree(clean, folder)
    stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    assert stamp["package_sha256"] == builder_hash()
    stamp["package_sha256"] = "0" * 64                    # as if a parser had changed since the build
    (folder / STAMP).write_text(json.dumps(stamp), encoding="utf-8")
    assert api.is_stale(folder, RAW)
    api.load("facts", clean_dir=folder, raw_dir=RAW)
    assert not api.is_stale(folder, RAW)


def test_the_package_hash_follows_parsers_and_knowledge_not_figures(tmp_path):
    import shutil

    package = tmp_path / "hotlinecompare"
    shutil.copytree(ROOT / "hotlinecompare", package, ignore=shutil.ignore_patterns("__pycache__"))
    before = builder_hash(package)
    assert before == builder_hash(ROOT / "hotlinecompare")
    (package / "output" / "figures" / "style.py").write_text("# a figure-only change\n", encoding="utf-8")
    assert builder_hash(package) == before
    patterns = package / "data" / "token_patterns.toml"
    patterns.write_bytes(patterns.read_bytes().replace(b"\n", b"\r\n"))   # a CRLF checkout: same hash
    assert builder_hash(package) == before
    patterns.write_text(patterns.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert builder_hash(package) != before


def test_the_committed_clean_folder_was_built_by_this_package():
    stamp = json.loads((ROOT / "data" / "clean" / STAMP).read_text(encoding="utf-8"))
    assert stamp["package_sha256"] == builder_hash(), (
        "data/clean was built by another version of the package: run `hotlinecompare build` and commit data/clean")


def test_an_unknown_table_names_the_known_ones(clean):
    with pytest.raises(HotlineError, match="unit_costs"):
        api.load("unit_cost", clean_dir=clean, raw_dir=RAW)


def test_compare_a_metric_across_cities(clean):
    view = api.compare("connection_rate", clean_dir=clean, raw_dir=RAW)
    assert view.columns == ["city", "city_label", "fiscal_year", "basis", "variant", "period", "operator", "value",
                            "unit", "scope_notes", "fact_ids"]
    assert {"suzhou", "guiyang", "jiangning"} <= set(view["city"])
    sz = view.filter((pl.col("city") == "suzhou") & (pl.col("basis") == "actual")).row(0, named=True)
    assert (sz["value"], sz["unit"], sz["city_label"]) == (pytest.approx(0.7015), "fraction", "Suzhou")
    assert "COVID" in sz["scope_notes"]


def test_compare_filters_by_basis_and_speaks_chinese(clean):
    view = api.compare("connection_rate", basis="target", lang="zh", clean_dir=clean, raw_dir=RAW)
    assert set(view["basis"]) == {"target"}
    assert "苏州" in set(view["city_label"])


def test_compare_a_unit_cost_measure(clean):
    view = api.compare("cost_per_staff_year", clean_dir=clean, raw_dir=RAW)
    assert {"suzhou", "guiyang"} <= set(view["city"])
    assert set(view["unit"]) == {"yuan per staff_year"}


def test_compare_an_unknown_metric_lists_the_known_ones(clean):
    with pytest.raises(HotlineError, match="connection_rate"):
        api.compare("connexion_rate", clean_dir=clean, raw_dir=RAW)


def test_compare_is_a_pure_function_of_frames():
    service = pl.DataFrame({"city": ["suzhou"], "fiscal_year": [2024], "basis": ["target"], "item": ["热线接通率"],
                            "period": ["full_year"], "operator": [">="], "value": [0.8], "unit_std": ["fraction"],
                            "scope_note": [""], "fact_ids": ["x"], "metric_key": ["connection_rate"]})
    unit_costs = pl.DataFrame(schema={"measure": pl.String})
    notes = pl.DataFrame(schema={"note_id": pl.String, "note_en": pl.String, "note_zh": pl.String})
    view = api.compare_frames("connection_rate", service, unit_costs, notes, load_knowledge().cities)
    assert view.select("city_label", "value").row(0) == ("Suzhou", 0.8)


def test_the_stamp_records_what_the_build_read_and_every_output_it_wrote(clean):
    import hashlib

    stamp = json.loads((clean / STAMP).read_text(encoding="utf-8"))
    assert stamp["manifest_sha256"] == hashlib.sha256((RAW / "manifest.csv").read_bytes()).hexdigest()
    for name, record in stamp["raw_files"].items():
        assert record["sha256"] == hashlib.sha256((RAW / name).read_bytes()).hexdigest(), name
    written = {p.relative_to(clean).as_posix() for p in clean.rglob("*") if p.is_file()} - {STAMP, ".verified.json"}
    assert set(stamp["outputs"]) == written and "facts/city=suzhou/fiscal_year=2024/part-00000.parquet" in written
    for name, record in stamp["outputs"].items():
        assert record["sha256"] == hashlib.sha256((clean / name).read_bytes()).hexdigest(), name
