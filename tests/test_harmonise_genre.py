"""Genre facts (tables text and cells) into the harmonised tables: what maps where, with which basis."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from hotlinecompare.extract.trial import check_path
from hotlinecompare.harmonise import build_tables

GENRE = Path(__file__).parent / "fixtures" / "genre"


@pytest.fixture(scope="module")
def genre_tables() -> dict[str, pl.DataFrame]:
    names = ["final_accounts_02_xiangzhou_pdf.txt", "operations_report_01_rencheng_monthly.txt",
             "self_evaluation_01_lanshan_project.txt", "final_accounts_06_xiangcheng_nextline.txt"]
    facts = pl.concat([check_path(GENRE / n).facts for n in names], how="diagonal_relaxed")
    return build_tables(facts)


def test_final_account_gives_one_actual_department_total(genre_tables):
    totals = genre_tables["spending"].filter((pl.col("city") == "xiangzhou") & (pl.col("level") == "department_total"))
    assert totals.select("basis", "item", "amount_yuan").rows() == [("actual", "本年支出合计", 10518000.0)]


def test_balance_total_is_kept_apart_from_the_years_expenditure(genre_tables):
    rows = genre_tables["spending"].filter(pl.col("city") == "xiangcheng")
    assert rows.filter(pl.col("level") == "balance_total")["amount_yuan"].to_list() == [13086000.0]
    assert rows.filter(pl.col("level") == "department_total")["amount_yuan"].to_list() == [12901000.0]


def test_prior_year_column_is_not_this_years_spending(genre_tables):
    amounts = set(genre_tables["spending"].filter(pl.col("city") == "xiangcheng")["amount_yuan"])
    assert 10168000.0 not in amounts   # 一般公共服务支出, column 上年决算数


def test_satisfaction_measures_stay_apart(genre_tables):
    service = genre_tables["service"]
    rencheng = set(service.filter(pl.col("city") == "rencheng")["metric_key"])
    assert "satisfaction_callback" in rencheng and "satisfaction_public" not in rencheng
    lanshan = set(service.filter(pl.col("city") == "lanshan")["metric_key"])
    assert {"satisfaction_public", "satisfaction_handling_units"} <= lanshan


def test_a_score_under_an_indicator_name_is_not_its_value(genre_tables):
    rates = genre_tables["service"].filter((pl.col("city") == "lanshan") & (pl.col("metric_key") == "connection_rate"))
    assert set(rates["unit_std"]) == {"fraction"}
    assert set(rates["basis"]) == {"actual", "target"}


def test_self_evaluation_project_funds_by_column(genre_tables):
    totals = genre_tables["spending"].filter((pl.col("city") == "lanshan") & (pl.col("level") == "project_total"))
    assert dict(zip(totals["measure"], totals["amount_yuan"])) == {
        "initial_budget": 4860000.0, "adjusted_budget": 4736000.0, "actual_spending": 4682500.0}


def test_staff_and_seats_stated_in_prose(genre_tables):
    staffing = genre_tables["staffing"].filter(pl.col("city") == "lanshan")
    assert ("seat_staff", "~", 50.0) in staffing.select("kind", "operator", "count").rows()
    assert "seats" in set(staffing["kind"])


def test_every_unmapped_genre_indicator_has_a_comment(genre_tables):
    assert (genre_tables["unmapped_indicators"]["comment"] != "").all()
