"""trace(): a number followed from its raw line to every clean row that uses it; and the summaries
notebook 01 shows (sources, unparsed lines, checks). Inputs are real facts of the corpus."""

from __future__ import annotations

import polars as pl
import pytest

from hotlinecompare import api, paths
from hotlinecompare.errors import HotlineError
from hotlinecompare.output import trace as provenance

# 苏州 2024, “12345”政府公共服务热线运行经费: 住房公积金“12329”热线服务外包, full-year budget 249.78 万元.
OUTSOURCED_12329 = "sz2024pt-L0230-2"
# The same project's indicator: “12329”热线服务外包的座席人员数量 ≤23人 (full year).
HEADCOUNT_12329 = "sz2024pt-L0258-2"


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    out = tmp_path_factory.mktemp("clean")
    api.rebuild(paths.raw_dir(), out)
    return out


@pytest.fixture(scope="module")
def tables(clean) -> dict[str, pl.DataFrame]:
    return {p.stem: pl.read_parquet(p) for p in sorted(clean.glob("*.parquet"))}


@pytest.fixture(scope="module")
def traced(tables) -> provenance.Trace:
    return provenance.trace(OUTSOURCED_12329, tables=tables)


# --- the raw line and the fact ----------------------------------------------------------------

def test_trace_reads_the_raw_line_the_fact_points_to(traced):
    assert traced.source_file == "data/raw/suzhou_2024_project_targets.txt"
    assert traced.line == 230
    assert traced.raw_line == "\t\t住房公积金“12329”热线服务外包\t\t124.89\t249.78"


def test_the_quote_sits_at_the_recorded_offset(traced):
    assert traced.quote == "249.78"
    assert traced.char_start == 29
    assert traced.quote_matches


def test_the_marked_line_brackets_the_quote_and_shows_cells(traced):
    assert traced.marked_line() == "住房公积金“12329”热线服务外包 |  | 124.89 | 【249.78】"


def test_the_fact_row_carries_value_unit_and_basis(traced):
    fact = traced.fact.row(0, named=True)
    assert (fact["value"], fact["unit"], fact["value_std"], fact["unit_std"]) == (249.78, "万元", 2497800.0, "yuan")
    assert (fact["basis"], fact["measure"], fact["period"]) == ("budget", "amount", "full_year")


def test_the_summary_names_the_place_and_the_tables_that_use_it(traced):
    summary = traced.summary()
    assert summary.startswith("data/raw/suzhou_2024_project_targets.txt:230")
    assert "249.78 万元 → 2,497,800 yuan" in summary
    assert "used by: spending (1), unit_costs (1), checks (" in summary


# --- downstream rows --------------------------------------------------------------------------

def test_the_harmonised_spending_row_is_the_outsourced_line_item(traced):
    spending = traced.downstream["spending"]
    assert spending.height == 1
    row = spending.row(0, named=True)
    assert (row["level"], row["category"], row["amount_yuan"]) == ("item", "seat_staff_outsourced", 2497800.0)


def test_the_unit_cost_derived_from_it_divides_by_the_target_headcount(traced):
    costs = traced.downstream["unit_costs"]
    assert costs["unit_cost_id"].to_list() == ["sz_outsourced_12329-2024-budget_target"]
    row = costs.row(0, named=True)
    assert row["value_yuan"] == pytest.approx(2497800 / 23)
    assert row["value_operator"] == ">="  # ≤23 staff is a ceiling: the cost per head is at least this
    assert set(row["inputs"].split(";")) == {OUTSOURCED_12329, HEADCOUNT_12329}


def test_the_checks_it_takes_part_in_are_listed(traced):
    checks = traced.downstream["checks"]
    assert checks.height >= 1
    assert all(OUTSOURCED_12329 in ids.split(";") for ids in checks["fact_ids"])


def test_the_denominator_leads_to_staffing_and_the_same_unit_cost(tables):
    t = provenance.trace(HEADCOUNT_12329, tables=tables)
    assert t.quote == "≤23人"
    assert t.downstream["staffing"]["count"].to_list() == [23.0]
    assert t.downstream["unit_costs"]["unit_cost_id"].to_list() == ["sz_outsourced_12329-2024-budget_target"]


def test_tables_not_citing_the_fact_are_left_out(traced):
    assert "service" not in traced.downstream and "facts" not in traced.downstream


def test_trace_loads_the_clean_tables_itself(clean):
    t = api.trace(OUTSOURCED_12329, clean_dir=clean)
    assert t.line == 230 and "unit_costs" in t.downstream


# --- every fact, and the edges ----------------------------------------------------------------

def test_every_fact_quote_is_found_at_its_offset_in_its_raw_line(tables):
    facts = tables["facts"]
    lines = {f: provenance.read_raw_lines(f) for f in facts["source_file"].unique().to_list()}
    misplaced = [r["fact_id"] for r in facts.iter_rows(named=True)
                 if lines[r["source_file"]][r["line"] - 1][r["char_start"]:r["char_start"] + len(r["quote"])]
                 != r["quote"]]
    assert misplaced == []


def test_an_id_is_matched_whole_not_as_a_prefix():
    frame = pl.DataFrame({"fact_ids": ["sz2024pt-L0230-21", "sz2024pt-L0012-1;sz2024pt-L0230-2", None]})
    assert provenance.cites(frame, "sz2024pt-L0230-2")["fact_ids"].to_list() == ["sz2024pt-L0012-1;sz2024pt-L0230-2"]


def test_a_table_without_fact_id_columns_cites_nothing():
    assert provenance.cites(pl.DataFrame({"note_id": ["a"]}), OUTSOURCED_12329).height == 0


def test_an_unknown_id_is_an_error_suggesting_near_ids(tables):
    with pytest.raises(HotlineError, match=r"no fact with id 'sz2024pt-L0230-9'") as info:
        provenance.trace("sz2024pt-L0230-9", tables=tables)
    assert "sz2024pt-L0230-" in str(info.value).split("expected:")[1]


def test_trace_frames_needs_no_files():
    facts = pl.DataFrame({"fact_id": ["x-L0002-1"], "source_file": ["data/raw/x.txt"], "line": [2],
                          "char_start": [3], "quote": ["7席"], "value": [7.0], "unit": ["席"], "value_std": [7.0],
                          "unit_std": ["seat"], "basis": ["budget"], "measure": ["stated_value"],
                          "period": ["annual"]})
    staffing = pl.DataFrame({"kind": ["seats"], "fact_ids": ["x-L0002-1"]})
    t = provenance.trace_frames("x-L0002-1", {"facts": facts, "staffing": staffing}, ["title", "座席：7席"])
    assert t.quote_matches and t.marked_line() == "座席：【7席】"
    assert list(t.downstream) == ["staffing"]


def test_a_fact_pointing_past_the_end_of_its_document_is_refused():
    facts = pl.DataFrame({"fact_id": ["x-L0009-1"], "source_file": ["data/raw/x.txt"], "line": [9],
                          "char_start": [0], "quote": ["1"]})
    with pytest.raises(HotlineError, match="points past the end"):
        provenance.trace_frames("x-L0009-1", {"facts": facts}, ["only line"])


# --- the summaries of notebook 01 -------------------------------------------------------------

def test_sources_list_the_manifest_in_order_with_relative_paths():
    sources = provenance.sources_table()
    assert sources["doc_id"].to_list() == ["sz2024pt", "sz2022se", "gy2024bd", "gzxxxxpt", "jn2026pt"]
    assert all(f.startswith("data/raw/") for f in sources["file"])
    assert sources.filter(pl.col("doc_id") == "gzxxxxpt")["years"].to_list() == ["—"]  # no year stated


def test_unparsed_summary_counts_every_unparsed_line_and_token(tables):
    unparsed = tables["unparsed"]
    summary = provenance.unparsed_summary(unparsed)
    assert summary["lines"].sum() == unparsed.height
    assert summary["tokens"].sum() == unparsed["tokens"].str.split(" ").list.len().sum()
    assert summary["tokens"].to_list() == sorted(summary["tokens"].to_list(), reverse=True)


def test_unparsed_examples_give_one_line_per_reason_in_the_order_asked(tables):
    examples = provenance.unparsed_examples(tables["unparsed"], ["date", "year"], width=20)
    assert examples["reason_code"].to_list() == ["date", "year"]
    assert all(len(t) <= 21 for t in examples["text"])


def test_checks_summary_adds_up_and_keeps_documents_without_checks():
    checks = pl.DataFrame({"doc_id": ["a", "a", "b"], "passed": [True, False, True]})
    summary = provenance.checks_summary(checks, ["a", "b", "c"])
    assert summary.rows() == [("a", 2, 1, 1), ("b", 1, 1, 0), ("c", 0, 0, 0)]


def test_failed_checks_are_only_the_failures(tables):
    failed = provenance.failed_checks(tables["checks"])
    assert failed.height == tables["checks"].filter(~pl.col("passed")).height > 0
