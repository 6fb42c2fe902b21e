"""The satisfaction panel and fit_all: same city and year only, targets and actuals apart, honest refusals."""

import math
from pathlib import Path

import polars as pl
import pytest

from hotlinecompare.harmonise.satisfaction_panel import PANEL_SCHEMA, panel_tables, satisfaction_panel
from hotlinecompare.models import regression
from hotlinecompare.models import satisfaction_fits as satisfaction
from hotlinecompare.models.panel_simulation import synthetic_panel
from hotlinecompare.output.publish import field_dictionary, table_schema

ROOT = Path(__file__).resolve().parent.parent
WAN = 10_000  # 万元 → yuan
PAIRED = ("spending_fact_ids", "project_spending_fact_ids", "seats_fact_ids", "seat_staff_fact_ids",
          "requests_fact_ids")


@pytest.fixture(scope="module")
def panel(tables):
    return satisfaction_panel(tables)


def row(panel, city, year, basis, measure):
    found = panel.filter((pl.col("city") == city) & (pl.col("fiscal_year") == year) & (pl.col("basis") == basis)
                         & (pl.col("measure") == measure))
    assert found.height == 1
    return found.row(0, named=True)


def ids(text):
    return [i for i in (text or "").split(";") if i]


# -- the panel ------------------------------------------------------------------------
def test_one_row_per_city_year_measure_and_basis(panel):
    assert panel.select("city", "fiscal_year", "basis", "measure", "source_kind").is_unique().all()
    documents = panel.filter(pl.col("source_kind") == "document")
    assert documents.select("city", "fiscal_year", "basis", "measure").rows() == [
        ("guiyang", 2024, "target", "satisfaction_case_closure"),
        ("jiangning", 2026, "target", "satisfaction_case_outcome"),
        ("suzhou", 2022, "actual", "satisfaction_call_rating"),
        ("suzhou", 2022, "actual", "satisfaction_enterprise"),
        ("suzhou", 2022, "actual", "satisfaction_public"),
        ("suzhou", 2022, "actual", "satisfaction_public_citywide"),
        ("suzhou", 2022, "actual", "satisfaction_spot_check"),
        ("suzhou", 2022, "target", "satisfaction_public"),
        ("suzhou", 2024, "target", "satisfaction_public"),
    ]


def test_suzhou_2022_outcome_pairs_with_2022_actual_spending_and_requests(panel):
    r = row(panel, "suzhou", 2022, "actual", "satisfaction_public")
    assert (r["satisfaction"], r["model_of"], r["spending_basis"]) == (0.9721, "outcome", "actual")
    assert r["spending_measure"] == "actual_spending" and r["spending_yuan"] == 2449.85 * WAN
    assert r["requests"] == 1703.24 * WAN and r["requests_basis"] == "actual"
    assert (r["seats"], r["seat_staff"]) == (120, 112)


def test_city_wide_requests_are_not_divided_into_one_centres_spending(panel):
    # The document's requests count every 12345 platform of the city; the spending is the municipal centre's.
    r = row(panel, "suzhou", 2022, "actual", "satisfaction_public")
    assert r["requests_scope"].startswith("city-wide, all platforms")
    assert r["spending_per_request_yuan"] is None
    assert "requests are city-wide, all platforms" in r["panel_note"] and "no ratio formed" in r["panel_note"]


@pytest.mark.parametrize("city, year, measure, measure_used, total_wan, scope", [
    ("suzhou", 2024, "satisfaction_public", "amount", 2046.51, "sum of project totals"),
    ("suzhou", 2022, "satisfaction_public", "initial_budget", 2467.09, "department total"),
    ("guiyang", 2024, "satisfaction_case_closure", "amount", 575.61, "department total"),
    ("jiangning", 2026, "satisfaction_case_outcome", "amount", 725, "sum of project totals"),
])
def test_a_target_pairs_with_the_budget_of_its_own_year(panel, city, year, measure, measure_used, total_wan, scope):
    r = row(panel, city, year, "target", measure)
    assert (r["model_of"], r["spending_basis"], r["spending_measure"]) == ("ambition", "budget", measure_used)
    assert r["spending_yuan"] == pytest.approx(total_wan * WAN)
    assert r["spending_scope"].startswith(scope)


def test_nothing_is_paired_from_another_city_year_or_basis(panel, facts):
    by_id = {f["fact_id"]: f for f in facts.select("fact_id", "city", "fiscal_year", "basis").iter_rows(named=True)}
    for r in panel.iter_rows(named=True):
        for column in PAIRED:
            for fact_id in ids(r[column]):
                fact = by_id[fact_id]
                assert (fact["city"], fact["fiscal_year"]) == (r["city"], r["fiscal_year"]), (column, fact_id)
        for fact_id in ids(r["spending_fact_ids"]) + ids(r["project_spending_fact_ids"]):
            assert by_id[fact_id]["basis"] == r["spending_basis"]
        allowed = {"actual"} if r["basis"] == "actual" else {"target", "budget", "authorized"}
        for fact_id in ids(r["seats_fact_ids"]) + ids(r["seat_staff_fact_ids"]) + ids(r["requests_fact_ids"]):
            assert by_id[fact_id]["basis"] in allowed, (r["basis"], fact_id)


def test_without_actual_spending_an_outcome_takes_the_same_years_budget_labelled(tables):
    spending = tables["spending"].filter(~((pl.col("city") == "suzhou") & (pl.col("fiscal_year") == 2022)
                                           & (pl.col("basis") == "actual")))
    panel = satisfaction_panel({**tables, "spending": spending})
    outcomes = panel.filter((pl.col("city") == "suzhou") & (pl.col("fiscal_year") == 2022)
                            & (pl.col("basis") == "actual"))
    assert outcomes.height == 5
    assert set(outcomes["spending_basis"]) == {"budget"} and set(outcomes["spending_measure"]) == {"initial_budget"}
    assert (outcomes["spending_yuan"] == 2467.09 * WAN).all()
    assert all("no actual spending stated for this city and year: paired with the budget" in n
               for n in outcomes["panel_note"])


def test_a_missing_same_year_spending_is_left_empty_not_borrowed(tables):
    # Without 苏州's 2022 spending, its 2022 outcomes must not take the 2024 budget or another year's figure.
    spending = tables["spending"].filter(~((pl.col("city") == "suzhou") & (pl.col("fiscal_year") == 2022)))
    panel = satisfaction_panel({**tables, "spending": spending})
    outcomes = panel.filter((pl.col("city") == "suzhou") & (pl.col("fiscal_year") == 2022)
                            & (pl.col("basis") == "actual"))
    assert outcomes.height == 5
    assert outcomes["spending_yuan"].null_count() == 5
    assert all("no actual or budget spending stated for this city and year" in n for n in outcomes["panel_note"])


def test_every_value_recomputes_from_its_facts(panel, facts):
    value = dict(zip(facts["fact_id"], facts["value_std"]))

    def total(column):
        return sum(value[i] for i in ids(r[column]))

    for r in panel.filter(pl.col("source_kind") == "document").iter_rows(named=True):
        assert r["satisfaction"] == pytest.approx(value[r["satisfaction_fact_ids"]])
        for number, fact_column in [("spending_yuan", "spending_fact_ids"),
                                    ("project_spending_yuan", "project_spending_fact_ids"),
                                    ("seats", "seats_fact_ids"), ("seat_staff", "seat_staff_fact_ids"),
                                    ("requests", "requests_fact_ids")]:
            assert (r[number] is None) == (not ids(r[fact_column]))
            if r[number] is not None:
                assert r[number] == pytest.approx(total(fact_column))
        for per, denominator in [("spending_per_seat_yuan", "seats"), ("spending_per_staff_yuan", "seat_staff"),
                                 ("spending_per_request_yuan", "requests")]:
            if r[per] is not None:
                assert r[per] == pytest.approx(total("spending_fact_ids") / total(f"{denominator}_fact_ids"))
        assert set(ids(r["fact_ids"])) == {i for c in ("satisfaction_fact_ids", *PAIRED) for i in ids(r[c])}


def test_totals_agree_with_city_profile_where_the_basis_is_the_same(panel, tables):
    profile = tables["city_profile"].select("city", "fiscal_year", "spending_basis", "spending_measure",
                                            "total_spending_yuan")
    joined = panel.join(profile, on=["city", "fiscal_year", "spending_basis", "spending_measure"], how="inner")
    assert joined.height == 8  # all but 苏州 2022's target, paired with the initial budget
    assert (joined["spending_yuan"] == joined["total_spending_yuan"]).all()


def test_a_ceiling_headcount_is_kept_as_such(panel):
    r = row(panel, "suzhou", 2024, "target", "satisfaction_public")
    assert (r["seat_staff"], r["seat_staff_basis"], r["seat_staff_operator"]) == (114 + 25 + 23 + 5, "target", "<=")
    assert "also stated, not used: half_year ≥0.85 (sz2024pt-L0274-1)" in r["panel_note"]


def test_a_value_without_a_year_stays_with_the_reason(tables):
    internal = satisfaction_panel(tables, families=("satisfaction_internal",))
    guangzhou = internal.filter(pl.col("city") == "guangzhou")
    assert guangzhou.height == 3 and guangzhou["spending_yuan"].null_count() == 3
    assert all("no fiscal year stated: nothing of the same year to pair with" in n for n in guangzhou["panel_note"])
    # Three facility items map to one measure: the first is used, the others are named, not dropped.
    facilities = guangzhou.filter(pl.col("measure") == "satisfaction_facilities")["panel_note"][0]
    assert "gzxxxxpt-L0013-3" in facilities and "gzxxxxpt-L0014-3" in facilities


def test_panel_table_is_described_in_the_data_dictionary(tables):
    frame = panel_tables(tables)["satisfaction_panel"]
    assert frame.schema == pl.Schema(PANEL_SCHEMA)
    schema = table_schema("satisfaction_panel", frame, field_dictionary())
    assert [f["name"] for f in schema["fields"]] == frame.columns


# -- targets and actuals never pooled unless asked ------------------------------------
def test_a_fit_on_the_unfiltered_panel_raises(panel):
    public = panel.filter(pl.col("measure") == "satisfaction_public")
    with pytest.raises(ValueError, match="mixes bases"):
        regression.fit_ols(public)
    with pytest.raises(ValueError, match="mixes bases"):
        regression.compare_methods(public)
    with pytest.raises(ValueError, match="must not be pooled"):
        satisfaction.fit_all(panel, measure="satisfaction_public", basis=["actual", "target"])


def test_mixing_bases_is_possible_only_when_asked_and_is_labelled():
    synthetic = synthetic_panel(n_cities=6, years_per_city=2, effect=0.02, noise_sd=0.02, outcome="linear", seed=3)
    mixed = synthetic.with_columns(pl.when(pl.col("fiscal_year") == 2020).then(pl.lit("target"))
                                   .otherwise(pl.col("basis")).alias("basis"))
    fits = satisfaction.fit_all(mixed, measure="satisfaction_survey", basis=["actual", "target"], allow_mixed=True,
                                n_permutations=99, n_boot=99)
    assert set(fits.methods["basis"]) == {"mixed"} and set(fits.methods["model_of"]) == {"mixed"}
    assert fits.estimable.height > 0


def test_several_measures_are_pooled_only_when_asked(panel):
    targets = ["satisfaction_public", "satisfaction_case_closure", "satisfaction_case_outcome"]
    with pytest.raises(ValueError, match="pool_measures=True"):
        satisfaction.fit_all(panel, measure=targets, basis="target")
    fits = satisfaction.fit_all(panel, measure=targets, basis="target", pool_measures=True,
                                n_permutations=999, n_boot=199)
    assert fits.methods["n_available"][0] == 4 and fits.methods["n_cities_available"][0] == 3
    assert all(n.startswith("measures pooled deliberately") for n in fits.methods["notes"])
    ols = fits.methods.filter((pl.col("model") == "ols-hc3") & ~pl.col("city_effects")).row(0, named=True)
    assert ols["estimable"] and ols["ci_low"] < ols["slope"] < ols["ci_high"]


# -- fit_all --------------------------------------------------------------------------
def test_on_the_real_panel_every_measure_and_basis_is_refused_with_a_reason(panel):
    table = satisfaction.estimability(panel)
    assert table.height == panel.select("measure", "basis").n_unique()
    assert (table["methods_estimable"] == 0).all()
    assert all(r.startswith("not estimable: ") and "a slope needs at least 3" in r for r in table["reason"])


def test_refusals_are_rows_not_exceptions(panel):
    fits = satisfaction.fit_all(panel, measure="satisfaction_public", basis="target")
    assert fits.methods.height == len(satisfaction.METHODS)
    assert not fits.methods["estimable"].any()
    assert fits.methods["n_available"].unique().to_list() == [2]
    assert fits.leave_one_city_out["error"][0].startswith("not estimable: 2 usable city-year(s) (suzhou 2022, suzhou 2024)")
    assert fits.influence["error"][0].startswith("not estimable")
    absent = satisfaction.fit_all(panel, measure="satisfaction_of_nobody", basis="actual")
    assert absent.methods["notes"][0].startswith("not estimable: 0 usable city-year(s) (none)")


def test_method_names_match_compare_methods():
    synthetic = synthetic_panel(n_cities=5, years_per_city=3, effect=0.02, noise_sd=0.02, outcome="linear", seed=0)
    names = regression.compare_methods(synthetic, n_permutations=99, n_boot=99)
    attempted = names.filter(~pl.col("model").str.ends_with("(AME)")).select("model", "city_effects").rows()
    assert attempted == list(satisfaction.METHODS)


def test_on_a_synthetic_panel_of_40_the_intervals_contain_the_true_effect():
    effect = 0.03
    synthetic = synthetic_panel(n_cities=10, years_per_city=4, effect=effect, noise_sd=0.02, city_sd=0.01,
                                outcome="linear", seed=11)
    fits = satisfaction.fit_all(synthetic, measure="satisfaction_survey", basis="actual", n_permutations=999,
                                n_boot=399)
    slopes = fits.methods.filter(pl.col("estimable") & (pl.col("scale") == "fraction") & pl.col("ci_low").is_not_null()
                                 & (pl.col("estimand") == "slope"))
    assert set(slopes["model"]) >= {"ols-hc3", "mixed-random-intercept", "wild-bootstrap (ols-hc3)",
                                    "wild-cluster-bootstrap (ols-crv1)"}
    assert ((slopes["ci_low"] < effect) & (effect < slopes["ci_high"])).all()
    assert (slopes["n"] == 40).all() and (slopes["n_cities"] == 10).all()
    assert slopes["slope_per_doubling"].to_list() == pytest.approx((slopes["slope"] * math.log(2)).to_list())
    assert fits.leave_one_city_out.height == 10 and fits.leave_one_city_out["error"].null_count() == 10
    assert fits.influence.height == 40


def test_the_band_is_the_fit_ols_line():
    synthetic = synthetic_panel(n_cities=8, years_per_city=2, effect=0.03, noise_sd=0.02, outcome="linear", seed=5)
    grid = [synthetic["spending_yuan"].min(), synthetic["spending_yuan"].max()]
    band = satisfaction.ols_band(synthetic, grid)
    fit = regression.fit_ols(synthetic)
    assert band["fitted"].to_list() == pytest.approx([fit.intercept + fit.slope * math.log(g) for g in grid])
    assert ((band["band_low"] < band["fitted"]) & (band["fitted"] < band["band_high"])).all()


# -- power -----------------------------------------------------------------------------
def test_city_years_needed_reads_the_first_grid_point_reaching_the_target():
    power = pl.DataFrame({"noise_sd": [0.02] * 4, "effect_per_doubling": [0.05] * 4, "n_obs": [4, 8, 16, 32],
                          "power": [0.3, 0.82, 0.95, 1.0], "power_ci_low": [0.25, 0.78, 0.92, 0.99]})
    needed = satisfaction.city_years_needed(power).row(0, named=True)
    assert (needed["n_point"], needed["n_sure"], needed["grid_max"]) == (8, 16, 32)


def test_power_is_reported_per_doubling_of_spending():
    assumptions = satisfaction.PowerAssumptions(per_doubling=(0.05,), noise_sd=(0.02,), n_obs_grid=(8, 64), n_reps=50)
    power = satisfaction.power_by_city_years(assumptions)
    assert power["effect_per_doubling"].to_list() == [0.05, 0.05]
    assert power["effect"].to_list() == pytest.approx([0.05 / math.log(2)] * 2)
    assert power["power"][1] >= power["power"][0]
