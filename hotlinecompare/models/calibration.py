"""Calibrate the model from a centre's own call records: a small CSV in, fitted parameters and a re-run out.

The CSV has one row per hour of the day (or per hour of several days, with a ``date`` column):

    hour,offered,abandoned,aht_seconds[,mean_wait_seconds][,agents][,date]

- hourly profile: offered calls by hour, averaged over days, as shares of the day;
- inbound calls a year: mean offered calls a day × 365 (``annual_requests`` with ``call_share`` = 1);
- handling time: mean of ``aht_seconds`` weighted by answered calls;
- patience (Erlang A, exponential): with waits, θ = P(abandon) / E[wait of all callers], so patience =
  total waiting time / abandoned calls (the Little's-law estimator; Brown et al. 2005, JASA 100(469),
  §5); without waits but with the ``agents`` staffed each hour, the patience whose Erlang A abandonment
  at those agents matches the observed abandoned calls (least squares over a log grid, then refined).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import polars as pl
from scipy.optimize import minimize_scalar

from hotlinecompare.errors import HotlineError
from hotlinecompare.models import queueing
from hotlinecompare.models.cost_inputs import Assumptions
from hotlinecompare.models.staffing_plan import DAYS_PER_YEAR, HOURS_PER_DAY, SECONDS_PER_HOUR

REQUIRED = ("hour", "offered", "abandoned", "aht_seconds")


def read_calls(path: Path | str) -> pl.DataFrame:
    """The call CSV, checked: the columns it needs, hours 0–23, abandoned ≤ offered; errors name the file and line."""
    path = Path(path)
    try:
        frame = pl.read_csv(path, infer_schema_length=None)
    except (OSError, pl.exceptions.PolarsError) as e:
        raise HotlineError(f"cannot read the call file: {e}", file=str(path)) from None
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise HotlineError("the call file lacks columns", file=str(path), line=1, found=",".join(frame.columns),
                           expected=",".join(REQUIRED) + "[,mean_wait_seconds][,agents][,date]")
    for line, row in enumerate(frame.iter_rows(named=True), start=2):
        if not (0 <= row["hour"] < HOURS_PER_DAY) or row["offered"] < 0 or not 0 <= row["abandoned"] <= row["offered"]:
            raise HotlineError("a row is not an hour of call counts", file=str(path), line=line,
                               found=str(row), expected="hour 0–23, offered ≥ 0, 0 ≤ abandoned ≤ offered")
    return frame


def _patience_from_agents(hours: pl.DataFrame) -> float:
    """The patience whose Erlang A abandonment at the staffed agents best matches the observed counts."""
    offered, abandoned = hours["offered"].to_numpy(), hours["abandoned"].to_numpy()
    rate = offered / SECONDS_PER_HOUR
    agents, aht = hours["agents"].to_numpy().astype(float), hours["aht_seconds"].to_numpy()

    def loss(log_patience):
        p = queueing.erlang_a(agents=agents, arrival_rate=rate, aht=aht, patience=np.exp(log_patience)).p_abandon
        return float(np.sum((offered * p - abandoned) ** 2))

    grid = np.log(np.geomspace(1.0, 3600.0, 61))
    best = grid[int(np.argmin([loss(g) for g in grid]))]
    fit = minimize_scalar(loss, bounds=(best - 0.1, best + 0.1), method="bounded", options={"xatol": 1e-10})
    return float(np.exp(fit.x))


def fit_calls(calls: pl.DataFrame) -> dict:
    """Fitted parameters from a call table (see the module docstring): calls a year, profile, aht, patience."""
    days = calls["date"].n_unique() if "date" in calls.columns else 1
    sums = ["offered", "abandoned"] + [c for c in ("agents",) if c in calls.columns]
    answered = pl.col("offered") - pl.col("abandoned")
    aggregations = [pl.col(c).sum() / days for c in sums]
    aggregations.append(((pl.col("aht_seconds") * answered).sum() / answered.sum()).alias("aht_seconds"))
    if "mean_wait_seconds" in calls.columns:
        aggregations.append((pl.col("mean_wait_seconds") * pl.col("offered")).sum().alias("wait_total") / days)
    hours = calls.group_by("hour").agg(aggregations).sort("hour")
    hours = pl.DataFrame({"hour": range(HOURS_PER_DAY)}).join(hours, on="hour", how="left").fill_null(0)
    offered, abandoned = calls["offered"].sum(), calls["abandoned"].sum()
    done = calls.filter(answered > 0)
    aht = float((done["aht_seconds"] * (done["offered"] - done["abandoned"])).sum() / (done["offered"] - done["abandoned"]).sum())
    if "mean_wait_seconds" in calls.columns:
        method = "total wait / abandoned (Little's law)"
        patience = float((calls["mean_wait_seconds"] * calls["offered"]).sum() / abandoned) if abandoned else np.inf
    elif "agents" in calls.columns:
        method = "Erlang A abandonment at the staffed agents (least squares)"
        patience = _patience_from_agents(hours.filter(pl.col("offered") > 0))
    else:
        raise HotlineError("patience needs mean_wait_seconds or agents in the call file",
                           expected="a column mean_wait_seconds (mean wait of all callers) or agents (staffed per hour)")
    return {"calls_per_year": float(offered / days * DAYS_PER_YEAR), "days": days,
            "profile": (hours["offered"] / hours["offered"].sum()).to_numpy(),
            "aht_seconds": aht, "patience_seconds": patience, "abandonment_rate": float(abandoned / offered),
            "patience_method": method}


def calibrated(assumptions: Assumptions, fit: dict) -> Assumptions:
    """The assumptions with the centre's demand, handling time and patience (its profile goes to ``profile=``)."""
    return replace(assumptions, annual_requests=fit["calls_per_year"], call_share=1.0, aht_seconds=fit["aht_seconds"],
                   patience_seconds=fit["patience_seconds"], peak_concentration=1.0)


def calibrated_table(assumption_table: pl.DataFrame, fit: dict) -> pl.DataFrame:
    """The resolved assumption table with the fitted values as point values (no range): measured, not assumed."""
    fitted = {"annual_requests": fit["calls_per_year"], "call_share": 1.0, "aht_seconds": fit["aht_seconds"],
              "patience_seconds": fit["patience_seconds"], "peak_concentration": 1.0}
    value = pl.col("name").replace_strict(fitted, default=None, return_dtype=pl.Float64)
    return assumption_table.with_columns(
        [pl.coalesce(value, pl.col(c)).alias(c) for c in ("value", "low", "high")]
        + [pl.when(value.is_not_null()).then(pl.lit("calibrated")).otherwise(pl.col("source_kind")).alias("source_kind")])
