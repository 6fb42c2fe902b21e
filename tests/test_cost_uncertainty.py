"""Uncertainty in the answer: seeded draws over every range, P(outsourcing cheaper), Sobol indices."""

from dataclasses import replace

import numpy as np
import polars as pl
import pytest

from hotlinecompare.models import contracts, costmodel, uncertainty


@pytest.fixture(scope="module")
def defaults(inputs):
    return inputs.assumptions


@pytest.fixture(scope="module")
def mc(inputs):
    return uncertainty.monte_carlo(inputs.assumptions, inputs.assumption_table, n=200)


def test_the_latin_hypercube_puts_one_point_in_each_stratum():
    unit = uncertainty.latin_hypercube(50, 3, np.random.default_rng(1))
    for column in unit.T:
        assert sorted(np.floor(column * 50).astype(int)) == list(range(50))


def test_triangular_draws_stay_in_the_range_and_peak_at_the_default():
    u = (np.arange(10_000) + 0.5) / 10_000
    x = uncertainty.triangular_quantile(u, 0.0, 0.2, 1.0)
    assert x.min() >= 0 and x.max() <= 1 and np.mean(x) == pytest.approx(0.4, abs=1e-3)


def test_every_ranged_assumption_is_varied_and_policies_are_not(inputs, defaults):
    draws, names = uncertainty.sample(defaults, inputs.assumption_table, 64)
    table = inputs.assumption_table
    assert set(names) == set(table.filter(pl.col("low") < pl.col("high"))["name"])
    for r in table.iter_rows(named=True):
        values = np.asarray(getattr(draws, r["name"]))
        assert (values >= r["low"] - 1e-9).all() and (values <= r["high"] + 1e-9).all(), r["name"]
    assert "occupancy_cap" not in names and "outsourced_price_per_fte_year" not in names


def test_the_report_gives_both_options_with_intervals_and_p_cheaper_at_80_90_95(mc):
    assert mc["target_connection_rate"].to_list() == [0.8, 0.9, 0.95]
    for option in ("in_house", "outsourced"):
        assert (mc[f"{option}_p05_yuan"] <= mc[f"{option}_p50_yuan"]).all()
        assert (mc[f"{option}_p50_yuan"] <= mc[f"{option}_p95_yuan"]).all()
        assert (mc[f"{option}_p05_yuan"] <= mc[f"{option}_default_yuan"]).all()
        assert (mc[f"{option}_default_yuan"] <= mc[f"{option}_p95_yuan"]).all()
    assert ((mc["p_low"] <= mc["p_outsourcing_cheaper"]) & (mc["p_outsourcing_cheaper"] <= mc["p_high"])).all()


def test_the_draws_are_deterministic(inputs, mc):
    again = uncertainty.monte_carlo(inputs.assumptions, inputs.assumption_table, n=200)
    assert again.equals(mc)


def test_the_external_median_price_makes_outsourcing_cheaper_as_expected(inputs, defaults, mc):
    median = contracts.external_band(contracts.contract_prices(contracts.read_contract_citations()))["median"]
    assert median < costmodel.contract_price(costmodel.as_arrays(defaults))
    at_median = replace(defaults, outsourced_price_per_fte_year=median)
    row = costmodel.annual_cost(0.9, at_median, "outsourced").row(0, named=True)
    expected = (row["fte"] * median * (1 + defaults.contract_management_share)
                + row["seats"] * (defaults.seat_cost_per_seat_year + defaults.space_equipment_per_seat_year))
    assert row["total_cost_yuan"] == pytest.approx(expected)
    moved = uncertainty.monte_carlo(at_median, inputs.assumption_table, n=200)
    assert (moved["outsourced_default_yuan"] < mc["outsourced_default_yuan"]).all()
    assert (moved["in_house_default_yuan"] == mc["in_house_default_yuan"]).all()
    assert (moved["p_outsourcing_cheaper"] > mc["p_outsourcing_cheaper"]).all()
    assert (moved["p_outsourcing_cheaper"] > 0.95).all()  # at the median of the points the answer flips


def ishigami(x):
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_the_sobol_estimator_recovers_the_ishigami_indices():
    n, d = 4096, 3
    a, b, hybrids = uncertainty.saltelli_design(n, d, seed=3)

    def f(u):
        return ishigami(-np.pi + 2 * np.pi * u)

    first, total = uncertainty.sobol_estimates(f(a), f(b), np.array([f(h) for h in hybrids]))
    # analytic values (Ishigami & Homma 1990; a = 7, b = 0.1)
    assert first == pytest.approx([0.3139, 0.4424, 0.0], abs=0.05)
    assert total == pytest.approx([0.5576, 0.4424, 0.2437], abs=0.05)


def test_the_sobol_estimator_agrees_with_salib():
    salib_sample = pytest.importorskip("SALib.sample.sobol")
    salib_analyze = pytest.importorskip("SALib.analyze.sobol")
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    x = salib_sample.sample(problem, 2048, calc_second_order=False, seed=5)
    theirs = salib_analyze.analyze(problem, ishigami(x), calc_second_order=False, seed=5)
    a, b = x[0::5], x[4::5]
    hybrids = np.array([x[1 + i::5] for i in range(3)])
    ours = uncertainty.sobol_estimates(ishigami(a), ishigami(b), np.array([ishigami(h) for h in hybrids]))
    assert ours[0] == pytest.approx(theirs["S1"], abs=0.02)
    assert ours[1] == pytest.approx(theirs["ST"], abs=0.02)


def test_sobol_indices_name_what_the_difference_depends_on(inputs, defaults):
    sobol = uncertainty.sobol_indices(defaults, inputs.assumption_table, 0.8, n=64)
    assert set(sobol["name"]) == set(uncertainty.ranged(inputs.assumption_table)["name"])
    # assumptions that touch neither price nor the queue cannot move the difference
    assert sobol.filter(pl.col("name") == "seat_cost_per_seat_year")["difference_st"][0] == pytest.approx(0, abs=1e-9)
    assert sobol["difference_st"][0] > 0.3
