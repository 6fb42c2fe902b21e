"""Spending, staffing, city profile and scope notes: levels that never double count, categories as data, notes with quotes."""

import csv
from pathlib import Path

import polars as pl
import pytest

from hotlinecompare.harmonise import load_knowledge
from hotlinecompare.harmonise.spending import classify

ROOT = Path(__file__).resolve().parent.parent
CITIES = {"suzhou", "guiyang", "guangzhou", "jiangning"}
WAN = 10_000  # 万元 → yuan, for readable spot checks


def items(spending, city, year, basis="budget", measure="amount"):
    return spending.filter((pl.col("city") == city) & (pl.col("fiscal_year") == year) & (pl.col("basis") == basis)
                           & (pl.col("measure") == measure) & (pl.col("level") == "item"))


# -- spending -------------------------------------------------------------------------
def test_wan_yuan_become_yuan(tables):
    row = tables["spending"].filter(pl.col("item") == "住房公积金“12329”热线服务外包").row(0, named=True)
    assert row["amount_yuan"] == 249.78 * WAN


@pytest.mark.parametrize("city, year, basis, measure", [
    ("suzhou", 2022, "actual", "actual_spending"), ("suzhou", 2022, "budget", "initial_budget"),
    ("guiyang", 2024, "budget", "amount"), ("guangzhou", None, "budget", "amount")])
def test_items_add_up_to_the_published_total(tables, city, year, basis, measure):
    sp = tables["spending"].filter((pl.col("city") == city) & (pl.col("basis") == basis)
                                   & (pl.col("measure") == measure)
                                   & (pl.col("fiscal_year").is_null() if year is None else pl.col("fiscal_year") == year))
    total = sp.filter(pl.col("level") == "department_total")["amount_yuan"].sum()
    assert sp.filter(pl.col("level") == "item")["amount_yuan"].sum() == pytest.approx(total, abs=1)


def test_suzhou_2024_items_add_up_to_the_project_totals_thanks_to_remainders(tables):
    sp = tables["spending"].filter((pl.col("city") == "suzhou") & (pl.col("fiscal_year") == 2024))
    totals = sp.filter(pl.col("level") == "project_total")["amount_yuan"].sum()
    assert sp.filter(pl.col("level") == "item")["amount_yuan"].sum() == pytest.approx(totals, abs=1)
    remainder = sp.filter(pl.col("scope").str.starts_with("project remainder"))
    assert remainder["item"].to_list() == ["工作服定制"]  # the form leaves its full-year cell empty
    assert remainder["category"].to_list() == ["staff_welfare"]


def test_half_year_plans_are_not_spending(tables, facts):
    half = set(facts.filter(pl.col("period") == "half_year")["fact_id"])
    used = {i for ids in tables["spending"]["fact_ids"] for i in ids.split(";")}
    assert not half & used


def test_guiyang_2023_total_is_reconstructed_from_facts_not_typed(tables, facts):
    row = tables["spending"].filter((pl.col("city") == "guiyang") & (pl.col("fiscal_year") == 2023)
                                    & (pl.col("level") == "department_total")).row(0, named=True)
    base_id, change_id = row["fact_ids"].split(";")
    value = dict(zip(facts["fact_id"], facts["value_std"]))
    assert row["amount_yuan"] == pytest.approx(value[base_id] - value[change_id])   # the change is signed: −2179.29
    assert row["amount_yuan"] == pytest.approx((575.61 + 2179.29) * WAN)


def test_categories_first_match_wins_in_file_order():
    cats = load_knowledge().spending_categories
    rows = pl.DataFrame({"level": ["item"] * 3, "scope": ["x"] * 3, "section": [""] * 3,
                         "item": ["公务用车运行维护费", "劳动合同制座席人员公用经费", "不存在的支出"]})
    # 公务用车运行维护费 also contains 维护 (IT maintenance): administration is listed first.
    assert classify(rows, cats)["category"].to_list() == ["administration", "seat_staff_in_house", "other"]


def test_every_item_has_a_category_and_every_other_has_a_reason(tables):
    sp = tables["spending"].filter(pl.col("level") == "item")
    assert (sp["category"] != "").all()
    assert set(sp["category"]) <= set(load_knowledge().spending_categories["category"])
    uncl = tables["unclassified_spending"]
    assert uncl.height == sp.filter(pl.col("category") == "other").height
    assert (uncl["reason"].str.len_chars() > 0).all()


def test_levels_are_from_the_vocabulary(tables):
    assert set(tables["spending"]["level"]) <= {"item", "project_total", "subtotal", "department_total",
                                                "cross_classification"}


def test_every_city_has_spending(tables):
    assert set(tables["spending"]["city"]) == CITIES


# -- staffing ------------------------------------------------------------------------
def test_rented_seats_by_hotline_add_up_to_the_indicator(tables):
    st = tables["staffing"].filter((pl.col("kind") == "rented_seat_licences") & (pl.col("city") == "suzhou"))
    by_hotline = dict(zip(st.filter(pl.col("period") == "annual")["hotline"],
                          st.filter(pl.col("period") == "annual")["count"]))
    assert by_hotline == {"12329": 23, "12328": 10, "12333": 19}
    ceiling = st.filter(pl.col("period") == "full_year").row(0, named=True)
    assert (ceiling["operator"], ceiling["count"]) == ("<=", sum(by_hotline.values()))


def test_outsourced_staff_by_hotline(tables):
    st = tables["staffing"].filter((pl.col("kind") == "outsourced_seat_staff") & (pl.col("period") == "full_year"))
    assert dict(zip(st["hotline"], st["count"])) == {"12328+12333": 25, "12329": 23, "尚贤": 5}
    approved = tables["staffing"].filter((pl.col("hotline") == "尚贤") & (pl.col("basis") == "authorized")
                                         & (pl.col("kind") == "outsourced_seat_staff"))
    assert approved["count"].to_list() == [12]


def test_staffing_covers_every_city_whose_documents_count_staff_or_seats(tables):
    # 江宁's form gives no staff or seat count (scope note jn_no_seat_count).
    assert set(tables["staffing"]["city"]) == CITIES - {"jiangning"}


# -- bases ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["spending", "staffing", "service", "unit_costs", "unclassified_spending"])
def test_tables_with_numbers_carry_a_basis_column(tables, name):
    frame = tables[name]
    assert "basis" in frame.columns
    assert (frame["basis"] != "").all()
    parts = {p for b in frame["basis"] for p in b.split("/") if p}
    assert parts <= {"budget", "actual", "estimate", "target", "authorized"}


def test_every_profile_number_has_a_basis_column(tables):
    profile = tables["city_profile"]
    spending_cols = {"total_spending_yuan", "project_spending_yuan", "itemised_yuan", "total_like_for_like_yuan"}
    for col, dtype in profile.schema.items():
        if dtype.is_numeric() and col != "fiscal_year":
            has_own = f"{col}_basis" in profile.columns
            assert has_own or col in spending_cols or col.startswith("share_"), col
    assert "spending_basis" in profile.columns


# -- city profile ---------------------------------------------------------------------
def test_profile_has_one_row_per_city_and_year(tables):
    profile = tables["city_profile"]
    assert profile.select("city", "fiscal_year").is_unique().all()
    assert set(profile["city"]) == CITIES


def test_guiyang_profile_offers_as_published_and_like_for_like_side_by_side(tables):
    gy = tables["city_profile"].filter((pl.col("city") == "guiyang") & (pl.col("fiscal_year") == 2024)).row(0, named=True)
    assert gy["total_spending_yuan"] == pytest.approx(575.61 * WAN)
    assert gy["total_like_for_like_yuan"] == pytest.approx((575.61 + 2179.29) * WAN)
    assert "gy_staff_moved" in gy["scope_note"]


def test_category_shares_add_up_to_100(tables):
    profile = tables["city_profile"].filter(pl.col("itemised_yuan").is_not_null())
    shares = profile.select(pl.sum_horizontal(pl.col("^share_.*_pct$").fill_null(0)))
    assert shares.to_series().to_list() == pytest.approx([100.0] * profile.height, abs=1e-3)


# -- scope notes -----------------------------------------------------------------------
def test_every_scope_note_quote_is_in_its_raw_line():
    with (ROOT / "hotlinecompare" / "data" / "scope_notes.csv").open(encoding="utf-8") as f:
        for note in csv.DictReader(f):
            if not note["city"]:   # a note on a kind of document, for any place: it rests on no one line
                assert not (note["source_file"] or note["line"] or note["quote"]), note["note_id"]
                continue
            lines = (ROOT / note["source_file"]).read_text(encoding="utf-8").split("\n")
            assert note["quote"] in lines[int(note["line"]) - 1], note["note_id"]


def test_scope_notes_travel_with_the_numbers(tables):
    notes = set(tables["scope_notes"]["note_id"])
    for name in ("spending", "staffing", "service", "unit_costs", "city_profile"):
        cited = {n for ids in tables[name]["scope_note"] for n in ids.split(";") if n}
        assert cited <= notes, name
    jn = tables["unit_costs"].filter(pl.col("city") == "jiangning")
    assert all("jn_fully_outsourced" in ids for ids in jn["scope_note"])
    sx = tables["unit_costs"].filter(pl.col("variant").str.contains("尚贤"))
    assert all("sz_shangxian_headcount" in ids for ids in sx["scope_note"])
