"""One schema source: every table the build publishes has exactly the columns and types its data dictionary declares."""

from pathlib import Path

import polars as pl
import pytest

from hotlinecompare.schema import fact_fields, table_columns, table_fields, table_schema


def test_every_published_table_is_declared(tables):
    assert set(tables) - {"facts"} <= set(table_fields())


@pytest.mark.parametrize("name", ["facts", "unparsed", "checks", "accounting", "spending", "staffing", "service",
                                  "unit_costs", "city_profile", "scope_notes", "metrics", "indicator_mapping",
                                  "unmapped_indicators", "unclassified_spending", "satisfaction_panel", "citations",
                                  "contract_prices"])
def test_a_published_table_has_its_declared_columns_in_order_and_types(tables, name):
    frame = tables[name]
    assert tuple(frame.columns) == table_columns(name)
    assert dict(frame.schema) == table_schema(name)


def test_the_fact_table_is_declared_in_fact_fields():
    assert [f["name"] for f in fact_fields()] == list(table_columns("facts"))


def test_an_undeclared_table_is_an_error_naming_it():
    with pytest.raises(KeyError, match="no_such_table"):
        table_schema("no_such_table")


def test_the_committed_clean_files_have_the_declared_columns():
    clean = Path(__file__).resolve().parent.parent / "data" / "clean"
    files = sorted(clean.glob("*.parquet"))
    assert len(files) >= 17
    for path in files:
        assert tuple(pl.read_parquet(path).columns) == table_columns(path.stem), path.name
