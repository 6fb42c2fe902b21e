"""Scenarios without code: a TOML file and ``name=value`` overrides → assumptions → costs with uncertainty.

A scenario file (every key optional; paths relative to the file)::

    targets = [0.8, 0.9, 0.95]     # connection-rate targets
    samples = 400                  # Monte Carlo draws
    seed = 20261205
    calls = "my_centre_calls.csv"  # calibrate demand, handling time and patience (models.calibration)

    [set]                          # new defaults, by assumption name (hotlinecompare/data/cost_assumptions.csv)
    aht_seconds = 300
    [range]                        # new ranges: name = [low, high]
    aht_seconds = [250, 360]

A value set outside its range widens the range to include it (and says so).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from hotlinecompare.errors import HotlineError
from hotlinecompare.models import calibration, contracts, uncertainty
from hotlinecompare.models.cost_inputs import FIELDS, Assumptions, ModelInputs, as_arrays
from hotlinecompare.models.costmodel import built_up_contract_price, contract_price, in_house_cost_per_agent
from hotlinecompare.models.staffing_plan import arrival_profile

KEYS = ("targets", "samples", "seed", "calls", "set", "range")


@dataclass
class Scenario:
    """What to change and how to run: overrides, ranges, targets, draws, an optional call file."""

    values: dict[str, float] = field(default_factory=dict)
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    targets: tuple[float, ...] = uncertainty.DEFAULT_TARGETS
    samples: int = uncertainty.DEFAULT_SAMPLES
    seed: int = uncertainty.SEED
    calls: Path | None = None


def _name(name: str, where: str) -> str:
    if name not in FIELDS:
        raise HotlineError(f"unknown assumption {name!r}", file=where,
                           expected="a name of hotlinecompare/data/cost_assumptions.csv: " + ", ".join(FIELDS))
    return name


def read_scenario(path: Path | str) -> Scenario:
    """A scenario TOML file, checked: unknown keys and names are errors naming the file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise HotlineError(f"cannot read the scenario: {e}", file=str(path)) from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise HotlineError("unknown scenario keys", file=str(path), found=", ".join(unknown), expected=", ".join(KEYS))
    scenario = Scenario(values={_name(k, str(path)): float(v) for k, v in data.get("set", {}).items()},
                        ranges={_name(k, str(path)): (float(v[0]), float(v[1])) for k, v in data.get("range", {}).items()})
    if "targets" in data:
        scenario.targets = tuple(float(t) for t in data["targets"])
    scenario.samples = int(data.get("samples", scenario.samples))
    scenario.seed = int(data.get("seed", scenario.seed))
    if "calls" in data:
        scenario.calls = (path.parent / data["calls"]).resolve()
    return scenario


def parse_settings(settings: list[str], scenario: Scenario | None = None) -> Scenario:
    """``name=value`` overrides (command line) applied on top of a scenario."""
    scenario = scenario or Scenario()
    for item in settings:
        name, sep, value = item.partition("=")
        try:
            scenario.values[_name(name.strip(), "--set")] = float(value)
        except ValueError:
            raise HotlineError(f"--set {item!r} is not name=number", found=item, expected="e.g. aht_seconds=300") from None
        if not sep:
            raise HotlineError(f"--set {item!r} is not name=value", found=item, expected="e.g. aht_seconds=300")
    return scenario


def apply(inputs: ModelInputs, scenario: Scenario) -> tuple[Assumptions, pl.DataFrame, np.ndarray, list[str]]:
    """The scenario's assumptions, assumption table, hourly profile and notes on what it changed."""
    table, notes, profile = inputs.assumption_table, [], arrival_profile()
    if scenario.calls is not None:
        fit = calibration.fit_calls(calibration.read_calls(scenario.calls))
        table, profile = calibration.calibrated_table(table, fit), fit["profile"]
        notes.append(f"calibrated from {scenario.calls.name}: {fit['calls_per_year']:,.0f} calls a year, "
                     f"aht {fit['aht_seconds']:.0f} s, patience {fit['patience_seconds']:.0f} s ({fit['patience_method']})")
    for name, (low, high) in scenario.ranges.items():
        table = table.with_columns(pl.when(pl.col("name") == name).then(pl.lit(low)).otherwise(pl.col("low")).alias("low"),
                                   pl.when(pl.col("name") == name).then(pl.lit(high)).otherwise(pl.col("high")).alias("high"))
    for name, value in scenario.values.items():
        row = table.filter(pl.col("name") == name).row(0, named=True)
        if not row["low"] <= value <= row["high"] and row["low"] < row["high"]:
            notes.append(f"{name} = {value:g} lies outside its range {row['low']:g}–{row['high']:g}: the range is widened")
        is_name = pl.col("name") == name
        ranged = pl.col("low") < pl.col("high")
        table = table.with_columns(
            pl.when(is_name).then(pl.lit(value)).otherwise(pl.col("value")).alias("value"),
            pl.when(is_name & ranged).then(pl.min_horizontal(pl.col("low"), pl.lit(value)))
            .when(is_name).then(pl.lit(value)).otherwise(pl.col("low")).alias("low"),
            pl.when(is_name & ranged).then(pl.max_horizontal(pl.col("high"), pl.lit(value)))
            .when(is_name).then(pl.lit(value)).otherwise(pl.col("high")).alias("high"))
        notes.append(f"{name} set to {value:g}")
    bad = table.filter((pl.col("low") > pl.col("value")) | (pl.col("value") > pl.col("high")))
    if bad.height:
        raise HotlineError("a range does not contain its value", found=", ".join(bad["name"]), expected="low ≤ value ≤ high")
    return Assumptions.from_table(table), table, profile, notes


@dataclass(frozen=True, eq=False)
class ScenarioResult:
    assumptions: Assumptions
    assumption_table: pl.DataFrame
    profile: np.ndarray
    notes: list[str]
    monte_carlo: pl.DataFrame
    prices: dict[str, float]


def run(inputs: ModelInputs, scenario: Scenario, contract_table: pl.DataFrame | None = None) -> ScenarioResult:
    """Both options' costs with intervals and P(outsourcing cheaper) at each target, and the price per agent."""
    a, table, profile, notes = apply(inputs, scenario)
    mc = uncertainty.monte_carlo(a, table, scenario.targets, n=scenario.samples, seed=scenario.seed, profile=profile)
    p = as_arrays(a)
    prices = {"in_house_cost_per_agent_year": float(in_house_cost_per_agent(p)),
              "built_up_contract_price": float(built_up_contract_price(p)), "contract_price": float(contract_price(p))}
    if contract_table is not None:
        prices.update({f"external_{k}": v for k, v in contracts.external_band(contract_table).items()})
    return ScenarioResult(a, table, profile, notes, mc, prices)


def cost_table(result: ScenarioResult) -> pl.DataFrame:
    """One row per target and option: cost at the defaults and its 5–95 % interval (万元), P(cheaper) with its interval."""
    rows = []
    for r in result.monte_carlo.iter_rows(named=True):
        for option in ("in_house", "outsourced", "difference"):
            rows.append({"target": r["target_connection_rate"], "option": option,
                         "default_wan": r[f"{option}_default_yuan"] / 1e4, "p05_wan": r[f"{option}_p05_yuan"] / 1e4,
                         "median_wan": r[f"{option}_p50_yuan"] / 1e4, "p95_wan": r[f"{option}_p95_yuan"] / 1e4,
                         "p_outsourcing_cheaper": r["p_outsourcing_cheaper"] if option == "difference" else None,
                         "p_interval": f"{r['p_low']:.2f}–{r['p_high']:.2f}" if option == "difference" else None})
    return pl.DataFrame(rows).with_columns(pl.col("default_wan", "p05_wan", "median_wan", "p95_wan").round(1))
