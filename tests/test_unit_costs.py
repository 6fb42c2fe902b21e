"""Unit costs: spot checks against the documents, and every derived value recomputed from its listed facts."""

from pathlib import Path

import polars as pl
import pytest

from hotlinecompare.extract.fact_build import build_facts
from hotlinecompare.extract.numbers import standardise
from hotlinecompare.extract.raw import load_corpus
from hotlinecompare.harmonise import build_tables
from hotlinecompare.harmonise.unit_costs import MONTHS_PER_YEAR, PER_YEAR, number_text

ROOT = Path(__file__).resolve().parent.parent
WAN = 10_000  # 万元 → yuan, for readable spot checks


@pytest.fixture(scope="module")
def facts():
    return build_facts(load_corpus(ROOT / "data" / "raw")).facts


@pytest.fixture(scope="module")
def costs(facts):
    return build_tables(facts)["unit_costs"]


def row(costs, recipe, year=None):
    sel = costs.filter(pl.col("unit_cost_id").str.starts_with(recipe + "-"))
    if year is not None:
        sel = sel.filter(pl.col("fiscal_year") == year)
    assert sel.height == 1, (recipe, sel["unit_cost_id"].to_list())
    return sel.row(0, named=True)


def test_outsourced_12329_hotline_costs_about_108600_yuan_per_staff_year(costs):
    r = row(costs, "sz_outsourced_12329")
    assert r["numerator_yuan"] == 249.78 * WAN and r["denominator"] == 23
    assert r["value_yuan"] == pytest.approx(108_600)
    assert r["formula"] == "2497800 yuan / 23 staff"
    assert (r["basis"], r["value_operator"], r["per"]) == ("budget/target", ">=", "staff_year")


def test_outsourced_12328_and_12333_together(costs):
    r = row(costs, "sz_outsourced_12328_12333")
    assert (r["numerator_yuan"], r["denominator"]) == (271.5 * WAN, 25)


def test_in_house_contract_staff_wages_over_at_most_114_staff(costs):
    r = row(costs, "sz_in_house_pay")
    assert (r["numerator_yuan"], r["denominator"]) == (982.43 * WAN, 114)
    assert r["value_yuan"] == pytest.approx(982.43 * WAN / 114, abs=0.01)
    assert r["value_operator"] == ">="  # ≤114 staff: at least this much per staff member
    with_overheads = row(costs, "sz_in_house_pay_overheads")
    assert with_overheads["numerator_yuan"] == pytest.approx((982.43 + 53) * WAN)


def test_shangxian_is_shown_over_both_headcounts_with_the_caveat(costs):
    target, approved = row(costs, "sz_outsourced_shangxian_target"), row(costs, "sz_outsourced_shangxian_approved")
    assert (target["denominator"], approved["denominator"]) == (5, 12)
    assert target["numerator_yuan"] == approved["numerator_yuan"] == 76.02 * WAN
    assert "not stated" in target["caveats"]


def test_seat_rental_480_yuan_per_seat_month_is_5760_per_seat_year(costs):
    r = row(costs, "sz_seat_rental_rate")
    assert (r["value_yuan"], r["annualisation"], r["per"]) == (5760, MONTHS_PER_YEAR, "seat_year")
    assert r["formula"] == "480 yuan per seat per month × 12 months / 1 seat"
    check = row(costs, "sz_seat_rental_crosscheck")
    assert (check["numerator_yuan"], check["denominator"]) == (29.96 * WAN, 52)
    assert check["value_yuan"] == pytest.approx(r["value_yuan"], rel=0.001)


def test_monthly_units_annualise_from_the_unit_table():
    assert standardise(480, "元/月") == (480, "yuan_per_month")
    assert PER_YEAR["yuan_per_month"] == 12 and PER_YEAR["yuan"] == 1
    assert standardise(249.78, "万元") == (2497800, "yuan")


def test_jiangning_buys_the_whole_seat_service_for_725_63_wan_a_year(costs):
    r = row(costs, "jn_centre_year")
    assert (r["value_yuan"], r["per"], r["fiscal_year"], r["basis"]) == (725.63 * WAN, "centre_year", 2026, "budget")


def test_jiangning_cost_history_keeps_its_bases(costs):
    hist = costs.filter(pl.col("unit_cost_id").str.starts_with("jn_centre_year_history-")).sort("fiscal_year")
    assert hist["fiscal_year"].to_list() == [2023, 2024, 2025, 2026]
    assert hist["basis"].to_list() == ["actual", "actual", "estimate", "budget"]
    assert hist["value_yuan"].to_list() == [751.78 * WAN, 750 * WAN, 730 * WAN, 725 * WAN]


def test_jiangning_per_seat_says_why_it_cannot_be_computed(costs):
    r = row(costs, "jn_per_seat")
    assert r["value_yuan"] is None and "no seat or staff count" in r["caveats"]


def test_guiyang_per_seat_says_why_and_established_staff_cost_is_labelled(costs):
    seat = row(costs, "gy_per_seat")
    assert seat["value_yuan"] is None and "moved to the city government office" in seat["caveats"]
    staff = row(costs, "gy_established_staff")
    assert staff["employment_model"] == "established_civil_service_staff"
    assert staff["numerator_yuan"] == pytest.approx(66.07 * WAN)
    assert (staff["denominator"], staff["basis"]) == (4, "budget/actual")
    assert "not seat agents" in staff["caveats"]


def test_guangzhou_intelligent_seat_build_cost_per_seat_user(costs):
    r = row(costs, "gz_intelligent_seat")
    assert (r["numerator_yuan"], r["denominator"], r["per"]) == (43.11 * WAN, 300, "seat_user")
    assert r["value_operator"] == "<="  # ≥300 users: at most this per user
    assert "One-off" in r["caveats"]


def test_every_city_has_a_unit_cost_or_a_row_saying_why_not(costs):
    for city in ("suzhou", "guiyang", "guangzhou", "jiangning"):
        rows = costs.filter(pl.col("city") == city)
        assert rows.filter(pl.col("value_yuan").is_not_null()).height >= 1, city
    missing = costs.filter(pl.col("value_yuan").is_null())
    assert (missing["caveats"].str.len_chars() > 0).all()
    assert missing["formula"].str.starts_with("not computable").all()


def test_every_derived_value_is_reproducible_from_its_listed_facts(costs, facts):
    value = dict(zip(facts["fact_id"], facts["value_std"]))
    for r in costs.filter(pl.col("value_yuan").is_not_null()).iter_rows(named=True):
        numerator = sum(value[i] for i in r["numerator_fact_ids"].split(";")) * r["annualisation"]
        den_ids = [i for i in r["denominator_fact_ids"].split(";") if i]
        denominator = sum(value[i] for i in den_ids) if den_ids else 1.0
        assert r["numerator_yuan"] == pytest.approx(numerator), r["unit_cost_id"]
        assert r["denominator"] == pytest.approx(denominator), r["unit_cost_id"]
        assert r["value_yuan"] == pytest.approx(numerator / denominator, abs=1e-3), r["unit_cost_id"]
        assert set(r["inputs"].split(";")) == set(r["numerator_fact_ids"].split(";")) | set(den_ids)
        assert f"/ {number_text(denominator)}" in r["formula"] or "+" in r["formula"], r["unit_cost_id"]


def test_unit_cost_ids_are_unique_and_rows_sorted(costs):
    assert costs["unit_cost_id"].n_unique() == costs.height
    assert costs.equals(costs.sort("city", "fiscal_year", "measure", "employment_model", "unit_cost_id",
                                   nulls_last=True))
