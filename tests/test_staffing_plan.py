"""Staffing a planner would accept: every hour meets the target and the cap; seats follow the documents' ratios."""

from dataclasses import replace

import numpy as np
import pytest

from hotlinecompare.models import contracts, costmodel, queueing, staffing_plan


@pytest.fixture(scope="module")
def defaults(inputs):
    return inputs.assumptions


@pytest.fixture(scope="module")
def plan(defaults):
    return staffing_plan.staff_plan(0.9, costmodel.as_arrays(defaults), staffing_plan.arrival_profile())


def test_the_profile_is_24_shares_summing_to_one():
    profile = staffing_plan.arrival_profile()
    assert profile.shape == (24,) and profile.sum() == pytest.approx(1.0) and (profile > 0).all()


def test_every_hour_meets_the_connection_target_and_the_occupancy_cap(defaults, plan):
    p = costmodel.as_arrays(defaults)
    per_hour = staffing_plan.hourly_calls(p, staffing_plan.arrival_profile())
    agents = plan["agents_by_hour"]
    result = queueing.erlang_a(agents=agents, arrival_rate=per_hour / 3600, aht=defaults.aht_seconds,
                               patience=defaults.patience_seconds)
    assert (result.connection_rate >= 0.9).all()
    assert (per_hour / 3600 * defaults.aht_seconds / agents <= defaults.occupancy_cap + 1e-12).all()
    one_fewer = queueing.erlang_a(agents=agents - 1, arrival_rate=per_hour / 3600, aht=defaults.aht_seconds,
                                  patience=defaults.patience_seconds)
    capped = per_hour / 3600 * defaults.aht_seconds / (agents - 1) > defaults.occupancy_cap
    assert ((one_fewer.connection_rate < 0.9) | capped).all()  # the fewest agents that meet both


def test_a_service_level_target_adds_agents_until_it_is_met(defaults):
    strict = replace(defaults, service_level_target=0.9, answer_seconds=10, occupancy_cap=1.0)
    p = costmodel.as_arrays(strict)
    per_hour = staffing_plan.hourly_calls(p, staffing_plan.arrival_profile())
    agents = staffing_plan.hourly_agents(per_hour, 0.8, p)
    level = queueing.erlang_a(agents=agents, arrival_rate=per_hour / 3600, aht=strict.aht_seconds,
                              patience=strict.patience_seconds).service_level(10)
    assert (level >= 0.9).all()


def test_staff_follow_scheduled_hours_and_seats_follow_the_staff_per_seat_ratio(defaults, plan):
    scheduled = 7 * plan["agents_by_hour"].sum() / defaults.scheduling_efficiency
    assert plan["fte"] == pytest.approx(scheduled / (defaults.paid_hours_per_fte_per_week * (1 - defaults.shrinkage)))
    assert plan["seats"] >= plan["peak_scheduled_agents"]
    assert plan["fte"] / plan["seats"] <= defaults.staff_per_seat + 1e-12


def test_the_default_staff_per_seat_lies_within_the_documents_ratios(inputs, defaults):
    prices = contracts.contract_prices(contracts.read_contract_citations())
    ratios = staffing_plan.documented_staff_per_seat(inputs.tables["staffing"], prices)
    assert {"document", "contract"} <= set(ratios["source"])
    assert ratios["staff_per_seat"].min() <= defaults.staff_per_seat <= ratios["staff_per_seat"].max()
    row = inputs.assumption_table.filter(inputs.assumption_table["name"] == "staff_per_seat").row(0, named=True)
    assert row["low"] <= ratios["staff_per_seat"].min() and ratios["staff_per_seat"].max() <= row["high"]


def test_a_peakier_day_never_needs_fewer_seats(defaults):
    flat, peaky = (costmodel.annual_cost(0.9, replace(defaults, peak_concentration=k, staff_per_seat=10.0))
                   for k in (0.7, 1.3))
    assert peaky["peak_scheduled_agents"][0] > flat["peak_scheduled_agents"][0]


@pytest.mark.parametrize("calls,aht,sl,occ", [(120, 240, 0.8, 0.85), (600, 180, 0.9, 0.85), (1500, 300, 0.8, 0.9),
                                               (40, 360, 0.95, 0.8)])
def test_erlang_c_staffing_with_a_cap_agrees_with_pyworkforce(calls, aht, sl, occ):
    erlang = pytest.importorskip("pyworkforce.queuing").ErlangC
    theirs = erlang(transactions=calls, aht=aht / 60, asa=20 / 60, interval=60).required_positions(
        service_level=sl, max_occupancy=occ)["raw_positions"]
    p = {"aht_seconds": np.asarray(aht, float), "patience_seconds": np.asarray(np.inf), "occupancy_cap": np.asarray(occ),
         "service_level_target": np.asarray(sl), "answer_seconds": np.asarray(20.0)}
    ours = staffing_plan.hourly_agents(np.array([float(calls)]), 0.5, p)
    assert ours[0] == theirs
