"""Cited public figures: every row of data/cited is a checked citation; a changed value or phrase is refused."""

import shutil
from pathlib import Path

import polars as pl
import pytest

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.cited import COLUMNS, MAX_PHRASE, read_citations, states_value
from hotlinecompare.schema import table_columns

ROOT = Path(__file__).resolve().parent.parent
CITED = ROOT / "data" / "cited"


@pytest.fixture(scope="module")
def citations():
    return read_citations(CITED, root=ROOT)


def test_every_cited_row_passes_validation_and_is_typed_as_declared(citations):
    files = sorted(CITED.glob("*.csv"))
    rows = sum(len(pl.read_csv(f, infer_schema=False)) for f in files)
    assert citations.height == rows > 0
    assert citations.columns == list(table_columns("citations"))
    assert set(citations["source_kind"]) == {"citation"}
    assert citations["cite_id"].is_unique().all()


def test_every_phrase_states_its_value_in_few_words(citations):
    for r in citations.iter_rows(named=True):
        assert len(r["quote"]) <= MAX_PHRASE and states_value(r["quote"], repr(r["value"]).removesuffix(".0")), r


@pytest.mark.parametrize(("phrase", "value", "states"), [
    ("满意率达98.56%", "98.56", True),
    ("满意率达９８．５６％", "98.56", True),          # full-width forms
    ("中标金额为13,959,663元", "13959663", True),   # thousands separators
    ("预算为960万元", "96", False),                 # a part of a number is not the number
    ("预算为960万元", "960.0", True),
    ("满意率达98.56%", "98.57", False),
])
def test_a_phrase_states_a_value_only_as_written(phrase, value, states):
    assert states_value(phrase, value) is states


def _copy_with(tmp_path: Path, column: str, new: str) -> Path:
    cited = tmp_path / "data" / "cited"
    cited.mkdir(parents=True)
    source = sorted(CITED.glob("*.csv"))[0]
    frame = pl.read_csv(source, infer_schema=False)
    frame.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(new)).otherwise(pl.col(column))
                       .alias(column)).write_csv(cited / source.name)
    return cited


@pytest.mark.parametrize(("column", "new", "message"), [
    ("value", "12345.678", "does not state the value"),
    ("phrase", "满意率达很高", "does not state the value"),
    ("phrase", "这" * (MAX_PHRASE + 1), "not a citation"),
    ("measure", "happiness", "unknown measure"),
    ("unit", "斤", "unknown unit"),
    ("basis", "hoped", "unknown basis"),
    ("year", "22", "not a year"),
    ("source_url", "a newspaper", "no source address"),
])
def test_a_changed_row_is_refused_naming_file_and_line(tmp_path, column, new, message):
    cited = _copy_with(tmp_path, column, new)
    with pytest.raises(HotlineError, match=message) as e:
        read_citations(cited, root=tmp_path)
    assert e.value.file.startswith("data/cited/") and e.value.line == 2


def test_a_duplicate_id_is_refused(tmp_path):
    cited = tmp_path / "data" / "cited"
    cited.mkdir(parents=True)
    source = sorted(CITED.glob("*.csv"))[0]
    shutil.copy(source, cited / "a.csv")
    shutil.copy(source, cited / "b.csv")
    with pytest.raises(HotlineError, match="used twice"):
        read_citations(cited, root=tmp_path)


def test_the_readme_documents_every_column():
    readme = (CITED / "README.md").read_text(encoding="utf-8")
    assert all(f"`{c}`" in readme for c in COLUMNS)
