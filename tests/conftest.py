"""Shared fixtures: the seed corpus read, built and published once per test session."""

from pathlib import Path

import pytest

from hotlinecompare.extract.fact_build import build_facts
from hotlinecompare.extract.raw import load_corpus
from hotlinecompare.models import costmodel
from hotlinecompare.output.publish import clean_tables

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="session")
def docs():
    """The seed documents by id, verified against the manifest."""
    return {d.doc_id: d for d in load_corpus(RAW)}


@pytest.fixture(scope="session")
def build(docs):
    """The in-memory fact build of the seeds: facts, unparsed, checks, accounting."""
    return build_facts(list(docs.values()))


@pytest.fixture(scope="session")
def facts(build):
    return build.facts


@pytest.fixture(scope="session")
def tables(build):
    """Every clean table the build publishes (facts, reports, harmonised tables, satisfaction panel), by name."""
    return clean_tables(build)


@pytest.fixture(scope="session")
def inputs(tables):
    """The cost model's inputs at the default assumptions."""
    return costmodel.model_inputs(tables)
