"""Cited figures in the satisfaction panel: their own rows and ids, measures kept apart, a duplicate of a
document value reported (not a second row), spending paired across sources, ratios only of one scope."""

import csv
from pathlib import Path

import polars as pl
import pytest

from hotlinecompare.extract.cited import COLUMNS, read_citations
from hotlinecompare.harmonise.satisfaction_panel import duplicate_citations, satisfaction_panel

ROOT = Path(__file__).resolve().parent.parent
BASE = {"subject": "测试中心", "parent_zh": "", "admin_level": "city", "month": "", "operator": "=",
        "basis": "actual", "scope": "test scope", "publisher": "test", "published": "2024", "accessed": "2026-12-05",
        "note": ""}


def citations_of(tmp_path: Path, rows: list[dict]) -> pl.DataFrame:
    """A cited folder with ``rows`` (other columns from BASE), read and checked as the build reads data/cited."""
    folder = tmp_path / "data" / "cited"
    folder.mkdir(parents=True)
    with (folder / "test.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        for i, r in enumerate(rows, start=1):
            writer.writerow({**BASE, "cite_id": f"test-{i:04d}", **r})
    return read_citations(folder, root=tmp_path, raw_dir=ROOT / "data" / "raw")


def one(panel, **where):
    sel = panel.filter(pl.all_horizontal(pl.col(k) == v for k, v in where.items()))
    assert sel.height == 1, sel
    return sel.row(0, named=True)


def test_the_build_publishes_the_citations_and_pairs_them_in_the_panel(tables):
    assert "citations" in tables and tables["citations"].height > 0
    cited = tables["satisfaction_panel"].filter(pl.col("source_kind") == "citation")
    assert cited.height > 0 and cited["fact_ids"].fill_null("").str.len_chars().max() == 0
    by_id = dict(zip(tables["citations"]["cite_id"], tables["citations"]["value_std"]))
    for r in cited.iter_rows(named=True):
        assert r["satisfaction"] == by_id[r["satisfaction_cite_ids"]]
        assert r["satisfaction_cite_ids"] in r["cite_ids"].split(";")


def test_measures_stay_apart_and_named_ones_join_the_document_vocabulary(tables):
    panel = tables["satisfaction_panel"]
    assert one(panel, city="suzhou", fiscal_year=2023, basis="actual")["measure"] == "satisfaction_spot_check"
    assert one(panel, city="donghai", fiscal_year=2020)["measure"] == "satisfaction_callback"
    assert one(panel, city="haian", fiscal_year=2021)["measure"] == "satisfaction_valid_ratings"
    assert one(panel, city="beijing", fiscal_year=2020)["measure"] == "satisfaction_other"


def test_a_citation_repeating_a_document_value_is_reported_not_added(tables, tmp_path):
    repeat = citations_of(tmp_path, [{"place_zh": "苏州", "year": "2022", "measure": "satisfaction_other",
                                      "value": "97.60", "unit": "%", "phrase": "抽查满意率97.60%",
                                      "source_url": "https://example.org/sz"}])
    panel = satisfaction_panel({**tables, "citations": repeat})
    r = one(panel, city="suzhou", fiscal_year=2022, basis="actual", measure="satisfaction_spot_check")
    assert (r["source_kind"], r["satisfaction"]) == ("document", 0.9758)
    assert "also cited, document value used: 0.976 (test-0001)" in r["panel_note"]
    assert duplicate_citations(panel).height == 1


def test_cited_spending_pairs_and_ratios_need_one_page(tables, tmp_path):
    page, other = "https://example.org/a", "https://example.org/b"
    rows = [{"place_zh": "海口", "year": "2020", "measure": "spending_total", "value": "3000", "unit": "万元",
             "phrase": "支出总计3000万元", "source_url": page, "scope": "centre final account, incl. outsourced seats"},
            {"place_zh": "海口", "year": "2020", "measure": "satisfaction_public", "value": "97.36", "unit": "%",
             "phrase": "满意率97.36%", "source_url": other},
            {"place_zh": "海口", "year": "2020", "measure": "call_volume", "value": "150", "unit": "万通",
             "phrase": "来电150万通", "source_url": page},
            {"place_zh": "海口", "year": "2020", "measure": "requests_received", "value": "302", "unit": "万件",
             "phrase": "受理办件302万件", "source_url": other},
            {"place_zh": "海口", "year": "2020", "measure": "population_resident", "value": "300", "unit": "万人",
             "phrase": "常住人口300万人", "source_url": other}]
    panel = satisfaction_panel({**tables, "citations": citations_of(tmp_path, rows)})
    r = one(panel, city="haikou", fiscal_year=2020)
    assert (r["spending_source_kind"], r["spending_basis"], r["spending_yuan"]) == ("citation", "actual", 3.0e7)
    assert r["spending_scope"] == "cited: centre final account, incl. outsourced seats"
    assert r["spending_per_call_yuan"] == pytest.approx(3.0e7 / 1.5e6)       # same page
    assert r["spending_per_request_yuan"] is None                            # another page
    assert "requests and spending are cited from different pages" in r["panel_note"]
    assert r["spending_per_resident_yuan"] == pytest.approx(10.0)
    assert r["cite_ids"].split(";") == ["test-0002", "test-0001", "test-0004", "test-0003", "test-0005"]


def test_a_cited_outcome_takes_document_spending_of_its_own_year_only(tables, tmp_path):
    rows = [{"place_zh": "苏州", "year": "2024", "measure": "satisfaction_public", "value": "98.1", "unit": "%",
             "phrase": "群众满意率98.1%", "source_url": "https://example.org/sz"},
            {"place_zh": "苏州", "year": "2021", "measure": "satisfaction_public", "value": "97.0", "unit": "%",
             "phrase": "群众满意率97.0%", "source_url": "https://example.org/sz"}]
    panel = satisfaction_panel({**tables, "citations": citations_of(tmp_path, rows)})
    r = one(panel, city="suzhou", fiscal_year=2024, basis="actual")
    assert (r["source_kind"], r["spending_source_kind"], r["spending_basis"]) == ("citation", "document", "budget")
    assert r["spending_yuan"] == pytest.approx(2046.51 * 10_000) and r["spending_fact_ids"]
    assert "no actual spending stated for this city and year: paired with the budget" in r["panel_note"]
    assert one(panel, city="suzhou", fiscal_year=2021, basis="actual")["spending_yuan"] is None
