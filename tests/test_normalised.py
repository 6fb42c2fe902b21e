"""Constant prices and per resident, from the reference series of data/reference."""

from pathlib import Path

import polars as pl
import pytest

from hotlinecompare.errors import HotlineError
from hotlinecompare.harmonise.normalised import (
    in_constant_prices,
    per_resident,
    price_level,
    read_cpi,
    read_population,
)

REFERENCE = Path(__file__).resolve().parent.parent / "data" / "reference"


@pytest.fixture(scope="module")
def cpi():
    return read_cpi(REFERENCE)


def test_every_reference_row_is_sourced_and_states_its_value(cpi):
    assert cpi["year"].to_list() == list(range(cpi["year"].min(), cpi["year"].max() + 1))   # no gap
    assert read_population(REFERENCE).height > 0


def test_the_price_level_chains_the_stated_changes_to_the_base_year(cpi):
    change = dict(cpi.select("year", "change_pct").iter_rows())
    level = dict(price_level(cpi, 2022).iter_rows())
    assert level[2022] == 1.0
    assert level[2024] == pytest.approx((1 + change[2023] / 100) * (1 + change[2024] / 100))
    assert level[2020] == pytest.approx(1 / ((1 + change[2021] / 100) * (1 + change[2022] / 100)))
    with pytest.raises(HotlineError, match="no CPI for the base year"):
        price_level(cpi, 1990)


def test_constant_prices_divide_by_the_level_and_leave_years_outside_the_series_empty(cpi):
    frame = pl.DataFrame({"fiscal_year": [2020, 2024, 2031], "value": [100.0, 100.0, 100.0]})
    out = in_constant_prices(frame, cpi, 2024)
    level_2020 = dict(price_level(cpi, 2024).iter_rows())[2020]
    assert out["value_constant"].to_list()[:2] == pytest.approx([100.0 / level_2020, 100.0])
    assert out["value_constant"][2] is None and set(out["price_base_year"]) == {2024}


def test_per_resident_uses_the_same_place_and_year_in_persons_and_says_when_it_cannot():
    pop = read_population(REFERENCE)
    place, year, persons = pop.filter(pl.col("persons") > 1e6).select("place_zh", "year", "persons").row(0)
    frame = pl.DataFrame({"city_zh": [place, place], "fiscal_year": [year, 1999], "value": [1e8, 1e8]})
    out = per_resident(frame, pop)
    assert out["value_per_resident"][0] == pytest.approx(1e8 / persons)
    assert out["value_per_resident"][1] is None and "no resident population" in out["per_resident_note"][1]


def test_a_reference_row_whose_phrase_does_not_state_its_value_is_refused(tmp_path):
    text = (REFERENCE / "cpi.csv").read_text(encoding="utf-8").splitlines()
    header, first = text[0], text[1]
    row = first.split(",")
    row[2] = "9.9"
    (tmp_path / "cpi.csv").write_text("\n".join([header, ",".join(row)]) + "\n", encoding="utf-8")
    with pytest.raises(HotlineError, match="does not state the value 9.9"):
        read_cpi(tmp_path)


def test_compare_offers_spending_in_constant_prices_and_per_resident_with_reasons_where_it_cannot(cpi):
    import hotlinecompare as hc

    rows = hc.compare("department_total", prices="constant", base_year=2024, per="resident")
    level = dict(price_level(cpi, 2024).iter_rows())
    for r in rows.iter_rows(named=True):
        if r["fiscal_year"] is None:
            assert r["value_constant"] is None and r["per_resident_note"]
        else:
            assert r["value_constant"] == pytest.approx(r["value"] / level[r["fiscal_year"]])
    assert rows.filter(pl.col("value_per_resident").is_not_null()).height > 0


def test_per_request_divides_only_by_the_centres_own_volume_never_a_city_wide_count():
    import hotlinecompare as hc

    rows = hc.compare("department_total", per="request")
    assert rows["request_volume_metric"].drop_nulls().is_in(["requests_received"]).all()
    assert rows.filter(pl.col("value_per_request").is_null())["per_request_note"].str.contains("no request").all()


def test_a_rate_has_no_constant_prices():
    import hotlinecompare as hc

    with pytest.raises(HotlineError, match="is not money"):
        hc.compare("connection_rate", prices="constant")
