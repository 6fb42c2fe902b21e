"""A budget_disclosure document: the seed template's parser for its own form, the genre reader for other layouts."""

from __future__ import annotations

from importlib import import_module

import polars as pl

from hotlinecompare.extract.checks import checks_frame
from hotlinecompare.extract.document import Document
from hotlinecompare.extract.extraction import Extraction
from hotlinecompare.extract.kinds.budget_disclosure import checks
from hotlinecompare.extract.kinds.budget_disclosure.detection import fits_template
from hotlinecompare.extract.kinds.genre.templates import reconcile_both, template_or_genre


def read(doc: Document) -> Extraction:
    # the package's ``parse`` looked up when called, so that what replaces it (a test's stub) is what runs
    return template_or_genre(doc, "budget_disclosure", fits_template,
                             lambda d: import_module("hotlinecompare.extract.kinds.budget_disclosure").parse(d))


def reconcile_rows(facts: list[dict]) -> list[dict]:
    return reconcile_both(facts, checks.reconcile_rows)


def reconcile(facts: pl.DataFrame) -> pl.DataFrame:
    return checks_frame(reconcile_rows(facts.to_dicts()))
