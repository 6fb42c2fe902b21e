"""Packaging: a Frictionless Data Package that validates against the files, one workbook, byte-identical rebuilds."""

import csv
import json
import zipfile
from pathlib import Path

import polars as pl
import pytest

from hotlinecompare.extract.raw import read_manifest
from hotlinecompare.output.publish import DATAPACKAGE, STAMP, WORKBOOK, write_tables

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="module")
def written(tables, tmp_path_factory):
    out = tmp_path_factory.mktemp("clean")
    write_tables(tables, out, raw_dir=RAW)
    return out


@pytest.fixture(scope="module")
def package(written):
    return json.loads((written / DATAPACKAGE).read_text(encoding="utf-8"))


def test_rebuild_is_byte_identical(tables, written, tmp_path):
    paths = write_tables(tables, tmp_path, raw_dir=RAW)
    assert {p.name for p in paths} == {p.name for p in written.iterdir()}
    for p in paths:
        assert p.read_bytes() == (written / p.name).read_bytes(), p.name


def test_every_table_is_a_resource_with_csv_and_parquet(tables, written, package):
    names = [r["name"] for r in package["resources"]]
    assert names == list(tables)
    assert {"facts", "unparsed", "checks", "spending", "staffing", "service", "unit_costs", "city_profile",
            "scope_notes", "unmapped_indicators", "unclassified_spending"} <= set(names)
    for name in names:
        assert (written / f"{name}.csv").exists() and (written / f"{name}.parquet").exists()


def test_the_package_validates_against_the_files(written):
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(written / DATAPACKAGE))
    errors = [(t.name, e.type, e.note) for t in report.tasks for e in t.errors][:5]
    assert report.valid, errors


def test_field_names_and_types_match_the_written_files(written, package):
    kinds = {pl.String: "string", pl.Int64: "integer", pl.Float64: "number", pl.Boolean: "boolean"}
    for res in package["resources"]:
        with (written / res["path"]).open(encoding="utf-8") as f:
            header = next(csv.reader(f))
        fields = res["schema"]["fields"]
        assert [f["name"] for f in fields] == header, res["name"]
        schema = pl.read_parquet_schema(written / f"{res['name']}.parquet")
        assert [f["type"] for f in fields] == [kinds[dt] for dt in schema.values()], res["name"]


def test_every_field_is_described_and_every_number_has_a_unit(package):
    for res in package["resources"]:
        assert res["description"], res["name"]
        for field in res["schema"]["fields"]:
            assert field["description"], (res["name"], field["name"])
            if field["type"] in ("integer", "number"):
                assert field.get("unit"), (res["name"], field["name"])


def test_money_fields_carry_currency_and_factor_like_a_fiscal_data_package(package):
    money = [(r["name"], f) for r in package["resources"] for f in r["schema"]["fields"] if f["name"].endswith("_yuan")]
    assert len(money) >= 8
    for name, field in money:
        assert (field["unit"], field["currency"], field["factor"]) == ("yuan", "CNY", 1), (name, field["name"])


def test_sources_are_the_raw_documents_with_their_sha256(package):
    manifest = read_manifest(RAW)
    assert [(s["path"], s["sha256"]) for s in package["sources"]] == [
        (f"data/raw/{r['file']}", r["sha256"]) for r in manifest]
    assert all(s["title"] for s in package["sources"])


def test_workbook_has_a_readme_and_one_sheet_per_table(tables, written):
    import fastexcel

    book = fastexcel.read_excel(str(written / WORKBOOK))
    assert book.sheet_names == ["README", *tables]
    sheet = pl.read_excel(written / WORKBOOK, sheet_name="unit_costs", read_options={"header_row": 1})   # row 0: Chinese labels
    assert sheet.height == tables["unit_costs"].height
    assert sheet.columns == tables["unit_costs"].columns


def test_workbook_creation_date_is_fixed(written):
    with zipfile.ZipFile(written / WORKBOOK) as z:
        core = z.read("docProps/core.xml").decode()
    assert "2024-01-01T00:00:00Z" in core


def test_stamp_records_the_manifest_hash(written):
    import hashlib

    stamp = json.loads((written / STAMP).read_text(encoding="utf-8"))
    assert stamp["manifest_sha256"] == hashlib.sha256((RAW / "manifest.csv").read_bytes()).hexdigest()
