"""External prices: one row per cited contract; every derived price recomputes from the cited rows it rests on."""

import polars as pl
import pytest

from hotlinecompare.harmonise.knowledge import read_data_csv
from hotlinecompare.models import contracts


@pytest.fixture(scope="module")
def citations():
    return contracts.read_contract_citations()


@pytest.fixture(scope="module")
def prices(citations):
    return contracts.contract_prices(citations)


def stated(citations, subject, measure):
    rows = citations.filter((pl.col("subject") == subject) & (pl.col("measure") == measure))
    return float(rows["value_std"][0]) if rows.height else None


def test_every_cited_contract_subject_has_one_row_and_a_terms_row(citations, prices):
    assert sorted(prices["subject"]) == sorted(set(citations["subject"]))
    assert set(prices["subject"]) <= set(read_data_csv(contracts.TERMS_FILE)["subject"])


def test_the_table_reaches_twelve_contracts_from_six_places(prices):
    count = contracts.coverage(prices)
    assert count["contracts"] >= 12 and count["places"] >= 6
    assert count["hotline_contracts"] >= 12 and count["hotline_places"] >= 6


def test_every_derived_price_recomputes_from_its_cited_inputs(citations, prices):
    terms = {r["subject"]: r for r in read_data_csv(contracts.TERMS_FILE).iter_rows(named=True)}
    derived = prices.filter(pl.col("per_agent_year_yuan").is_not_null() | pl.col("per_seat_year_yuan").is_not_null())
    assert derived.height >= 6
    for r in derived.iter_rows(named=True):
        s, term = r["subject"], terms[r["subject"]]
        per_seat_price = stated(citations, s, "contract_price_per_seat")
        if per_seat_price is not None:  # a stated price per seat and period
            expected_seat = per_seat_price * 12 / float(term["seat_price_period_months"])
            assert r["per_seat_year_yuan"] == pytest.approx(expected_seat), s
            assert r["per_agent_year_yuan"] == (pytest.approx(expected_seat) if term["seat_priced_as"] == "agent" else None)
            continue
        price = stated(citations, s, "contract_award") or stated(citations, s, "contract_budget")
        months = stated(citations, s, "contract_months") or float(term["term_months"])
        staff, seats = stated(citations, s, "contract_staff"), stated(citations, s, "contract_seats")
        assert r["per_agent_year_yuan"] == (pytest.approx(price * 12 / months / staff) if staff else None), s
        assert r["per_seat_year_yuan"] == (pytest.approx(price * 12 / months / seats) if seats else None), s
        ids = set(r["cite_ids"].split(";"))
        assert ids == set(citations.filter(pl.col("subject") == s)["cite_id"])


def test_no_price_per_head_without_both_figures(prices):
    no_count = prices.filter(pl.col("staff").is_null() & pl.col("price_per_seat_yuan").is_null())
    assert no_count["per_agent_year_yuan"].is_null().all()
    no_term = prices.filter(pl.col("months").is_null())
    assert no_term["annual_price_yuan"].is_null().all()


def test_the_band_ranks_points_only_a_floor_is_left_out(prices):
    band = contracts.external_band(prices)
    floors = prices.filter(pl.col("price_operator") == ">=")
    assert floors.height >= 1 and floors["per_agent_year_yuan"].min() < band["low"]
    points = prices.filter(pl.col("per_agent_year_yuan").is_not_null() & (pl.col("price_operator") == "="))
    assert band["n"] == points.height and band["low"] <= band["median"] <= band["high"]


def test_every_row_says_how_comparable_it_is(prices):
    assert prices["comparability"].is_in(["high", "medium", "low"]).all()
    assert (prices["comparability_note"].str.len_chars() > 10).all()
