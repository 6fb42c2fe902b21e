"""The analysis on the panel: its size, fits per measure and pooled, the headline, sensitivity, and coverage
at the panel's own structure (the city-clustered bootstrap included)."""

import polars as pl
import pytest

from hotlinecompare.models import satisfaction_analysis as analysis
from hotlinecompare.models import satisfaction_fits as satisfaction
from hotlinecompare.models.panel_simulation import synthetic_panel


@pytest.fixture(scope="module")
def panel(tables):
    return tables["satisfaction_panel"]


def test_panel_size_counts_paired_city_years_per_measure_and_basis(panel):
    size = analysis.panel_size(panel)
    assert size["city_years"].sum() == panel.height
    public = size.filter((pl.col("basis") == "target") & (pl.col("measure") == "satisfaction_public")).row(0, named=True)
    assert (public["paired_city_years"], public["paired_places"], public["spending_bases"]) == (2, 1, "budget")


def test_fit_panel_fits_each_measure_and_the_labelled_pool(panel):
    fits = analysis.fit_panel(panel, basis="target", n_permutations=99, n_boot=99)
    assert set(fits) == {"satisfaction_case_closure", "satisfaction_case_outcome", "satisfaction_public", "pooled"}
    head = analysis.headline(fits)
    pooled = head.filter((pl.col("fit") == "pooled") & (pl.col("model") == "ols-hc3")).row(0, named=True)
    assert pooled["estimable"] and (pooled["n"], pooled["places"]) == (4, 3)
    assert pooled["ci_low_per_doubling"] < pooled["slope_per_doubling"] < pooled["ci_high_per_doubling"]
    assert not head.filter(pl.col("fit") != "pooled")["estimable"].any()
    assert set(head["model"]) == {"ols-hc3", "wild-cluster-bootstrap (ols-crv1)"}


def test_sensitivity_changes_one_choice_at_a_time_and_leaves_each_place_out(panel):
    targets = ["satisfaction_case_closure", "satisfaction_case_outcome", "satisfaction_public"]
    table = analysis.sensitivity(panel, basis="target", measures=targets, n_permutations=99, n_boot=99)
    first = table.row(0, named=True)
    head = analysis.headline(analysis.fit_panel(panel, basis="target", n_permutations=99, n_boot=99))
    ols = head.filter((pl.col("fit") == "pooled") & (pl.col("model") == "ols-hc3")).row(0, named=True)
    assert first["slope"] == pytest.approx(ols["slope_per_doubling"])
    assert {"without guiyang", "without jiangning", "without suzhou"} <= set(table["variant"])
    # every target is a floor (≥): with bounds dropped nothing is left, and the row says why
    bounded = table.filter(pl.col("variant").str.starts_with("stated values only")).row(0, named=True)
    assert bounded["n"] == 0 and not bounded["estimable"] and "not estimable" in bounded["notes"]


def test_panel_structure_reads_cities_years_and_spread():
    rows = synthetic_panel(n_cities=3, years_per_city=[1, 2, 3], effect=0.02, noise_sd=0.02, outcome="linear",
                           seed=1)
    s = analysis.panel_structure(rows)
    assert (s["n_cities"], s["years_per_city"], s["n_obs"], s["log_sd_from_data"]) == (3, [1, 2, 3], 6, True)


def test_coverage_at_the_panels_size_includes_the_city_clustered_bootstrap():
    rows = synthetic_panel(n_cities=4, years_per_city=[1, 1, 2, 2], effect=0.02, noise_sd=0.02, outcome="linear",
                           seed=2)
    table = analysis.coverage_at_panel(rows, n_reps=20)
    assert "wild_cluster_bootstrap" in set(table["estimator"])
    assert (table["n_obs"] == 6).all() and (table["n_cities"] == 4).all()
    assert table.filter(pl.col("estimator") != "permutation")["coverage"].is_not_null().all()


def test_the_default_coverage_runs_include_the_cluster_bootstrap_with_city_effects():
    assert ("city effects (sd 0.02)", "wild_cluster_bootstrap", {"city_sd": 0.02}) in satisfaction.COVERAGE_RUNS


def test_coverage_needs_three_city_years():
    rows = synthetic_panel(n_cities=2, years_per_city=1, effect=0.02, noise_sd=0.02, outcome="linear", seed=3)
    with pytest.raises(ValueError, match="at least 3 city-years"):
        analysis.coverage_at_panel(rows, n_reps=5)
