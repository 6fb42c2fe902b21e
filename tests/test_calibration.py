"""Calibrating from a centre's own calls: a synthetic CSV with known parameters is recovered, then re-run."""


import numpy as np
import polars as pl
import pytest

from hotlinecompare.errors import HotlineError
from hotlinecompare.models import calibration, costmodel, queueing

PATIENCE, AHT = 75.0, 270.0


def synthetic(days: int = 2, with_waits: bool = True) -> pl.DataFrame:
    """Expected hourly counts of an Erlang A centre with known patience, handling time and staffing."""
    profile = costmodel.arrival_profile()
    offered = np.round(12_000 * profile)
    agents = np.maximum(np.ceil(offered / 3600 * AHT * 0.95), 1)
    result = queueing.erlang_a(agents=agents, arrival_rate=offered / 3600, aht=AHT, patience=PATIENCE)
    rows = {"hour": np.arange(24), "offered": offered, "abandoned": offered * result.p_abandon,
            "aht_seconds": np.full(24, AHT), "agents": agents}
    if with_waits:
        rows["mean_wait_seconds"] = result.average_wait
    one = pl.DataFrame(rows)
    return pl.concat([one.with_columns(pl.lit(f"2026-01-0{d + 1}").alias("date")) for d in range(days)])


@pytest.mark.parametrize("with_waits", [True, False])
def test_a_synthetic_centre_recovers_its_parameters(tmp_path, with_waits):
    path = tmp_path / "calls.csv"
    synthetic(with_waits=with_waits).write_csv(path)
    fit = calibration.fit_calls(calibration.read_calls(path))
    assert fit["patience_seconds"] == pytest.approx(PATIENCE, rel=1e-4)
    assert fit["aht_seconds"] == pytest.approx(AHT)
    offered = synthetic(days=1)["offered"].to_numpy()
    assert fit["calls_per_year"] == pytest.approx(offered.sum() * 365)
    assert fit["profile"] == pytest.approx(offered / offered.sum())


def test_the_model_reruns_on_the_fitted_parameters(tmp_path, inputs):
    path = tmp_path / "calls.csv"
    synthetic().write_csv(path)
    fit = calibration.fit_calls(calibration.read_calls(path))
    fitted = calibration.calibrated(inputs.assumptions, fit)
    row = costmodel.annual_cost(0.9, fitted, profile=fit["profile"]).row(0, named=True)
    assert row["calls_per_year"] == pytest.approx(fit["calls_per_year"])
    table = calibration.calibrated_table(inputs.assumption_table, fit)
    aht = table.filter(pl.col("name") == "aht_seconds").row(0, named=True)
    assert aht["low"] == aht["value"] == aht["high"] == pytest.approx(AHT) and aht["source_kind"] == "calibrated"


def test_a_bad_row_is_named_by_file_and_line(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("hour,offered,abandoned,aht_seconds\n0,10,2,240\n1,10,20,240\n", encoding="utf-8")
    with pytest.raises(HotlineError) as e:
        calibration.read_calls(path)
    assert e.value.line == 3
    path.write_text("hour,offered\n0,10\n", encoding="utf-8")
    with pytest.raises(HotlineError, match="lacks columns"):
        calibration.read_calls(path)
