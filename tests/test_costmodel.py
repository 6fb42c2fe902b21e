"""The cost model: unit costs recomputed from their facts, assumptions traced to documents, model behaviour."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from hotlinecompare.errors import HotlineError
from hotlinecompare.models import costmodel
from hotlinecompare.models.costmodel import (
    Assumptions,
    annual_cost,
    break_even_price,
    break_even_volume,
    sensitivity,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def defaults(inputs) -> Assumptions:
    return inputs.assumptions


def fact_sum(facts, ids: str) -> float:
    wanted = [i for i in ids.split(";") if i]
    rows = facts.filter(pl.col("fact_id").is_in(wanted))
    assert rows.height == len(wanted), ids
    return float(rows["value_std"].sum())


# --- unit costs -------------------------------------------------------------------------------

def test_every_unit_cost_is_reproducible_from_the_facts_it_lists(inputs, facts):
    valued = inputs.unit_costs.filter(pl.col("value_yuan").is_not_null())
    assert valued.height >= 15
    for r in valued.iter_rows(named=True):
        numerator = fact_sum(facts, r["numerator_fact_ids"]) * r["annualisation"]
        denominator = fact_sum(facts, r["denominator_fact_ids"]) if r["denominator_fact_ids"] else 1.0
        assert r["numerator_yuan"] == pytest.approx(numerator), r["unit_cost_id"]
        assert r["value_yuan"] == pytest.approx(numerator / denominator), r["unit_cost_id"]


def test_fully_loaded_in_house_cost_adds_the_running_projects_per_head_lines_to_pay(inputs, facts):
    costs = inputs.unit_costs
    loaded = costs.filter(pl.col("recipe_id") == "sz_in_house_fully_loaded").row(0, named=True)
    pay = costs.filter(pl.col("recipe_id") == "sz_in_house_pay").row(0, named=True)
    items = facts.filter(pl.col("fact_id").is_in(loaded["numerator_fact_ids"].split(";")))["item"].to_list()
    assert sorted(items) == sorted(["劳动合同制座席人员工资及社保公积金", "劳动合同制座席人员公用经费", "体检费", "党团活动费"])
    assert loaded["denominator_fact_ids"] == pay["denominator_fact_ids"]  # the same headcount
    assert loaded["value_yuan"] > pay["value_yuan"] and loaded["value_operator"] == ">="
    # the separate 体检经费 and 党团活动费 projects (the established staff's) are not in it
    projects = facts.filter(pl.col("fact_id").is_in(loaded["numerator_fact_ids"].split(";")))["section"].unique()
    assert projects.len() == 1 and "运行经费" in projects[0]


def test_jiangning_ceiling_spans_three_years_of_the_requested_annual_budget(inputs):
    ceiling = inputs.unit_costs.filter(pl.col("recipe_id") == "jn_contract_ceiling").row(0, named=True)
    annual = inputs.unit_costs.filter(pl.col("recipe_id") == "jn_centre_year").row(0, named=True)
    assert ceiling["value_yuan"] / annual["value_yuan"] == pytest.approx(3.0)
    assert "3.0 years" in ceiling["caveats"]


# --- assumptions ------------------------------------------------------------------------------

def test_document_defaults_resolve_to_the_facts_they_cite(inputs, facts):
    documents = inputs.assumption_table.filter(pl.col("source_kind") == "document")
    assert documents.height >= 3
    for r in documents.iter_rows(named=True):
        if r["reference"].startswith(costmodel.UNIT_COST_REF):
            cost = inputs.unit_costs.filter(pl.col("recipe_id") == r["reference"].split(":")[1]).row(0, named=True)
            numerator = fact_sum(facts, cost["numerator_fact_ids"]) * cost["annualisation"]
            denominator = fact_sum(facts, cost["denominator_fact_ids"]) if cost["denominator_fact_ids"] else 1.0
            assert r["value"] == pytest.approx(numerator / denominator), r["name"]
            assert set(r["fact_ids"].split(";")) == set(cost["inputs"].split(";"))
        else:
            assert r["value"] == fact_sum(facts, r["fact_ids"]) and r["fact_ids"] == r["reference"], r["name"]


def test_every_assumption_has_a_citation_and_a_range_around_its_value(inputs):
    for r in inputs.assumption_table.iter_rows(named=True):
        assert r["citation"].strip() and r["description"].strip(), r["name"]
        assert r["low"] <= r["value"] <= r["high"], r["name"]
    assumed = inputs.assumption_table.filter(pl.col("source_kind").is_in(["assumption", "policy"]))
    assert (assumed["fact_ids"] == "").all()
    policies = inputs.assumption_table.filter(pl.col("source_kind") == "policy")
    assert (policies["low"] == policies["value"]).all() and (policies["high"] == policies["value"]).all()


def test_a_document_row_with_a_typed_value_is_refused(facts, inputs):
    table = costmodel.read_assumption_table().with_columns(
        pl.when(pl.col("name") == "annual_requests").then(pl.lit("1")).otherwise(pl.col("value")).alias("value"))
    with pytest.raises(HotlineError, match="cost_assumptions.csv:2"):
        costmodel.resolve_assumptions(table, facts, inputs.unit_costs)


def test_a_reference_to_no_fact_is_an_error_naming_it(facts, inputs):
    table = costmodel.read_assumption_table().with_columns(
        pl.col("fact_id").str.replace("sz2022se-L0011-1", "sz2022se-L9999-1"))
    with pytest.raises(HotlineError, match="sz2022se-L9999-1"):
        costmodel.resolve_assumptions(table, facts, inputs.unit_costs)


# --- the model --------------------------------------------------------------------------------

@pytest.mark.parametrize("model", costmodel.MODELS)
def test_cost_rises_monotonically_with_the_target(defaults, model):
    curve = costmodel.cost_curve(defaults, models=[model])
    totals = curve["total_cost_yuan"].to_numpy()
    assert np.all(np.diff(totals) >= 0) and totals[-1] > totals[0]
    assert (curve["connection_rate"] >= curve["target_connection_rate"]).all()


def test_staff_and_seats_are_the_same_whoever_employs_them(defaults):
    inside, bought = annual_cost(0.9, defaults, "in_house"), annual_cost(0.9, defaults, "outsourced")
    for column in ("agents_peak", "seats", "fte", "seat_cost_yuan"):
        assert inside[column][0] == bought[column][0]


def test_pooled_mixed_cost_lies_between_the_pure_models_and_splitting_the_queue_costs_more(defaults):
    cost = {m: annual_cost(0.8, defaults, m, mixed_share=0.3)["total_cost_yuan"][0] for m in costmodel.MODELS}
    assert cost["in_house"] < cost["mixed"] < cost["outsourced"]
    split = annual_cost(0.8, defaults, "mixed", mixed_share=0.3, pooled=False)
    assert split["fte"][0] >= annual_cost(0.8, defaults, "mixed", mixed_share=0.3)["fte"][0]
    assert split["total_cost_yuan"][0] >= cost["mixed"]


def test_break_even_price_makes_the_two_models_cost_the_same(defaults):
    even = break_even_price(0.8, defaults).row(0, named=True)
    at_even = replace(defaults, outsourced_price_per_fte_year=even["break_even_price_per_fte_year"])
    assert annual_cost(0.8, at_even, "outsourced")["total_cost_yuan"][0] == pytest.approx(even["in_house_total_yuan"])
    cheaper = replace(at_even, outsourced_price_per_fte_year=0.99 * even["break_even_price_per_fte_year"])
    assert annual_cost(0.8, cheaper, "outsourced")["total_cost_yuan"][0] < even["in_house_total_yuan"]


def test_break_even_volume_is_where_the_cost_crosses_the_fixed_price(defaults):
    price = 5e6
    even = break_even_volume(0.96, defaults, price).row(0, named=True)
    assert even["cost_below_yuan"] < price <= even["total_cost_yuan"]
    assert even["calls_at"] - even["calls_below"] <= 1e-6 * even["calls_at"]
    at = replace(defaults, annual_requests=even["calls_at"], call_share=1.0)
    assert annual_cost(0.96, at)["total_cost_yuan"][0] == even["total_cost_yuan"]


def test_each_tornado_bar_brackets_the_default_cost(inputs, defaults):
    for model in ("in_house", "outsourced"):
        table = sensitivity(0.8, defaults, inputs.assumption_table, model)
        assert table.height == inputs.assumption_table.filter(pl.col("low") < pl.col("high")).height
        assert (table["cost_min_yuan"] <= table["default_cost_yuan"]).all()
        assert (table["default_cost_yuan"] <= table["cost_max_yuan"]).all()
        default = annual_cost(0.8, defaults, model)["total_cost_yuan"][0]
        assert table["default_cost_yuan"][0] == pytest.approx(default)


def test_array_valued_assumptions_give_one_row_per_scenario(inputs, defaults):
    grid = costmodel.scenario_grid(defaults, inputs.assumption_table, ["aht_seconds", "patience_seconds"])
    frame = annual_cost(0.8, grid)
    assert frame.height == 9
    single = annual_cost(0.8, replace(defaults, aht_seconds=float(grid.aht_seconds[-1]),
                                      patience_seconds=float(grid.patience_seconds[-1])))
    assert frame["total_cost_yuan"][-1] == single["total_cost_yuan"][0]


def test_an_occupancy_cap_outside_0_1_is_refused(defaults):
    with pytest.raises(ValueError, match="occupancy_cap"):
        annual_cost(0.8, replace(defaults, occupancy_cap=1.2))


def test_a_range_on_a_policy_is_refused(facts, inputs):
    table = costmodel.read_assumption_table().with_columns(
        pl.when(pl.col("name") == "occupancy_cap").then(pl.lit("0.8")).otherwise(pl.col("low")).alias("low"))
    with pytest.raises(HotlineError, match="no range"):
        costmodel.resolve_assumptions(table, facts, inputs.unit_costs)


def test_in_house_and_contract_prices_are_the_sum_of_their_components(defaults):
    p = costmodel.as_arrays(defaults)
    team = 1 + defaults.supervisors_per_agent * defaults.supervisor_cost_multiple
    loaded = (defaults.in_house_cost_per_fte_year * team + defaults.training_per_agent_year) * (1 + defaults.management_overhead_share)
    assert costmodel.in_house_cost_per_agent(p) == pytest.approx(loaded)
    contractor = (defaults.in_house_cost_per_fte_year * defaults.contractor_pay_ratio * team + defaults.training_per_agent_year)
    built = contractor * (1 + defaults.contractor_overhead_share) * (1 + defaults.contractor_margin) * (1 + defaults.vat_rate)
    assert costmodel.contract_price(p) == pytest.approx(built)
    stated = costmodel.as_arrays(replace(defaults, outsourced_price_per_fte_year=70_000.0))
    assert costmodel.contract_price(stated) == 70_000.0


def test_annual_cost_is_its_parts(defaults):
    for model in costmodel.MODELS:
        row = annual_cost(0.9, defaults, model, mixed_share=0.3).row(0, named=True)
        assert row["total_cost_yuan"] == pytest.approx(sum(row[c] for c in costmodel.COST_PARTS))
        seat = defaults.seat_cost_per_seat_year + defaults.space_equipment_per_seat_year
        assert row["seat_cost_yuan"] == pytest.approx(row["seats"] * seat)
