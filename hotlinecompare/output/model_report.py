"""``hotlinecompare model``: a scenario's cost table, P(outsourcing cheaper) and its cost figures.

Reads the published tables and data/cited, applies the scenario (``models.scenarios``), prints both
options' annual cost with 5–95 % intervals at each target and P(outsourcing cheaper) with its
interval, and writes the scenario's figures (uncertainty, external price band) as PNG.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from hotlinecompare.models import contracts, costmodel, scenarios


def report(tables: dict, *, scenario_file: str | None = None, settings: list[str] | None = None,
           targets: list[float] | None = None, samples: int | None = None, calls: str | None = None,
           figures_out: Path | None = None, lang: str = "zh") -> tuple[list[str], list[Path]]:
    """The lines to print and the figure files written."""
    scenario = scenarios.read_scenario(scenario_file) if scenario_file else scenarios.Scenario()
    scenario = scenarios.parse_settings(settings or [], scenario)
    if targets:
        scenario.targets = tuple(targets)
    if samples:
        scenario.samples = samples
    if calls:
        scenario.calls = Path(calls)
    inputs = costmodel.model_inputs(tables)
    prices = contracts.contract_prices(contracts.read_contract_citations())
    result = scenarios.run(inputs, scenario, prices)
    lines = [f"scenario: {note}" for note in result.notes]
    with pl.Config(tbl_rows=30, tbl_cols=10, tbl_width_chars=140, tbl_hide_dataframe_shape=True,
                   tbl_hide_column_data_types=True):
        lines.append(f"annual cost (万元): default assumptions and 5–95 % of {scenario.samples} draws (seed {scenario.seed})")
        lines.append(str(scenarios.cost_table(result)))
    p = result.prices
    lines.append(f"price per agent-year: in-house fully loaded {p['in_house_cost_per_agent_year']:,.0f} yuan; "
                 f"contract {p['contract_price']:,.0f} yuan (built up: {p['built_up_contract_price']:,.0f}); "
                 f"external points {p['external_low']:,.0f}–{p['external_high']:,.0f}, median {p['external_median']:,.0f} "
                 f"(n = {p['external_n']:.0f})")
    for r in result.monte_carlo.iter_rows(named=True):
        lines.append(f"target {r['target_connection_rate']:.0%}: P(outsourcing cheaper) = {r['p_outsourcing_cheaper']:.2f} "
                     f"(95 % interval {r['p_low']:.2f}–{r['p_high']:.2f})")
    written = []
    if figures_out is not None:
        from hotlinecompare.output.figures.costs_uncertainty import draw_contract_band, draw_uncertainty, model_marks

        figures_out.mkdir(parents=True, exist_ok=True)
        target = scenario.targets[0]
        figures = {"model_uncertainty": draw_uncertainty(result.monte_carlo, lang=lang),
                   "model_contract_band": draw_contract_band(prices, model_marks(inputs, target, result.assumptions),
                                                             lang=lang)}
        for name, fig in figures.items():
            path = figures_out / f"{name}_{lang}.png"
            fig.savefig(path, dpi=150, metadata={"Software": None})
            written.append(path)
        lines.append("wrote " + ", ".join(str(w) for w in written))
    return lines, written
