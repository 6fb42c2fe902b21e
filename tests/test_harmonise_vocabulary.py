"""Indicator names → metric keys, the unmapped list with its reasons, and the service table built on them."""

from pathlib import Path

import polars as pl
import pytest

from hotlinecompare.harmonise import load_knowledge
from hotlinecompare.harmonise.service import service_table
from hotlinecompare.harmonise.vocabulary import squashed, with_metric_keys

ROOT = Path(__file__).resolve().parent.parent


def key_of(name: str) -> str | None:
    frame = with_metric_keys(pl.DataFrame({"indicator": [name]}), load_knowledge().vocabulary)
    return frame["metric_key"][0]


@pytest.mark.parametrize("name", ["接通率", "热线接通率", "热线话务接通率", "市级 12345 平台热线接通率", "接通率（%）"])
def test_every_way_of_writing_the_connection_rate_maps_to_one_key(name):
    assert key_of(name.replace(" ", "")) == "connection_rate"


@pytest.mark.parametrize("name, key", [
    ("抽查满意率", "satisfaction_spot_check"),
    ("话务满意度有效评价满意率", "satisfaction_call_rating"),
    ("群众满意度", "satisfaction_public"),
    ("群众对市级12345热线满意度", "satisfaction_public"),
    ("全市群众满意度", "satisfaction_public_citywide"),
    ("工单办结满意度", "satisfaction_case_closure"),
    ("12345工单办理结果满意率", "satisfaction_case_outcome"),
    ("助企纾困工单满意率", "satisfaction_enterprise"),
    ("服务对象满意度（%）", "satisfaction_service_recipients"),
    ("受训学员的满意度", "satisfaction_trainees"),
])
def test_satisfaction_measures_keep_distinct_keys(name, key):
    assert key_of(name) == key


def test_satisfaction_keys_share_a_family_but_not_a_key():
    vocab = load_knowledge().vocabulary
    sat = vocab.filter(pl.col("family") == "satisfaction")
    assert sat.height >= 6 and sat["key"].n_unique() == sat.height


@pytest.mark.parametrize("name, key", [
    ("累计办结率", "resolution_rate"), ("市级12345平台办结率", "resolution_rate"), ("工单办结率", "resolution_rate"),
    ("市级12345平台回访率", "callback_rate"), ("工单按时派遣率", "on_time_dispatch_rate"),
    ("提升一次性解答率（%）", "first_contact_resolution_rate"), ("座席人员稳定率", "staff_retention_rate"),
    ("月均日产能", "daily_items_per_seat"), ("可支持话务总量", "call_capacity"),
])
def test_service_indicators_map_to_their_key(name, key):
    assert key_of(name) == key


def test_jiangning_callback_rate_is_not_blurred_with_suzhou_return_visits():
    assert key_of("保障12345热线受理渠道畅通回访率") == "callback_rate_channel_assurance"


def test_every_indicator_name_of_the_corpus_maps_or_is_listed_with_a_comment(facts, tables):
    mapping = tables["indicator_mapping"]
    names = set(facts.filter(pl.col("table").is_in(["indicators", "self_evaluation", "project_targets"])
                             & pl.col("measure").is_in(["indicator_value", "target_value", "actual_value"]))
                .select(squashed(pl.when(pl.col("level3") != "").then(pl.col("level3")).otherwise(pl.col("item"))))
                .to_series())
    assert names == set(mapping["indicator"])
    unmapped = mapping.filter(pl.col("maps_to") == "unmapped")
    listed = {n for ns in tables["unmapped_indicators"]["indicators"] for n in ns.split(";")}
    assert set(unmapped["indicator"]) == listed
    assert (tables["unmapped_indicators"]["comment"].str.len_chars() > 0).all(), "an unmapped group has no comment"


def test_budget_process_indicators_stay_unmapped_on_purpose(tables):
    mapping = tables["indicator_mapping"]
    row = mapping.filter(pl.col("indicator") == "立项依据充分性").row(0, named=True)
    assert (row["maps_to"], row["key"]) == ("unmapped", "budget_process")


def test_the_unmapped_list_is_short(tables):
    assert tables["unmapped_indicators"].height <= 12


def test_staff_counts_map_to_staffing_not_to_service(tables):
    mapping = tables["indicator_mapping"]
    row = mapping.filter(pl.col("indicator") == "“12329”热线服务外包的座席人员数量").row(0, named=True)
    assert (row["maps_to"], row["key"]) == ("staffing", "outsourced_seat_staff")


def test_percentages_become_fractions(tables):
    sz = tables["service"].filter((pl.col("city") == "suzhou") & (pl.col("fiscal_year") == 2022)
                                  & (pl.col("metric_key") == "connection_rate"))
    assert sorted(zip(sz["basis"], sz["value"])) == [("actual", pytest.approx(0.7015)), ("target", pytest.approx(0.8))]
    assert set(sz["unit_std"]) == {"fraction"}


def test_targets_have_basis_target_and_2022_outcomes_basis_actual(facts, tables):
    service = tables["service"]
    joined = service.join(facts.select(pl.col("fact_id").alias("fact_ids"), pl.col("basis").alias("fact_basis")),
                          on="fact_ids")
    assert joined.height == service.height
    assert (joined["basis"] == joined["fact_basis"]).all()
    assert set(service.filter(pl.col("doc_id") != "sz2022se")["basis"]) == {"target"}
    assert "actual" in set(service.filter(pl.col("doc_id") == "sz2022se")["basis"])


def test_a_rate_written_without_a_unit_is_read_as_a_percentage_and_says_so():
    facts = pl.DataFrame({
        "fact_id": ["gz-1"], "doc_id": ["gz"], "city": ["guangzhou"], "fiscal_year": [None], "basis": ["target"],
        "table": ["project_targets"], "section": ["智能坐席"], "item": ["普通话语音识别准确率"], "level3": [""],
        "measure": ["target_value"], "period": ["annual"], "operator": [">="], "value": [85.0],
        "value_std": [85.0], "unit_std": ["number"]}, schema_overrides={"fiscal_year": pl.Int64})
    vocab = load_knowledge().vocabulary
    row = service_table(facts, vocab).row(0, named=True)
    assert (row["metric_key"], row["value"], row["unit_std"]) == ("speech_recognition_accuracy", 0.85, "fraction")
    assert "percentage" in row["unit_note"]
    kept = service_table(facts, vocab, unitless_rates_are_percent=False).row(0, named=True)
    assert (kept["value"], kept["unit_std"]) == (85.0, "number")


def test_every_city_has_service_rows(tables):
    assert set(tables["service"]["city"]) == {"suzhou", "guiyang", "guangzhou", "jiangning"}
