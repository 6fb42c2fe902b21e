"""Figures of the like-for-like cost model: the external price band, both options' costs with
intervals and P(outsourcing cheaper), and the Sobol indices of the difference.

``draw_*`` take computed frames (so ``hotlinecompare model`` draws a scenario); the registered
figures draw them at the default assumptions from the published tables and data/cited.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from hotlinecompare.models import contracts, costmodel, uncertainty
from hotlinecompare.models.cost_inputs import as_arrays
from hotlinecompare.output.figures._common import legend_below
from hotlinecompare.output.figures.costs import MODEL_STYLE, WAN, _model_note, percent
from hotlinecompare.output.figures.labels import label
from hotlinecompare.output.figures.registry import add_source_note, register
from hotlinecompare.output.figures.style import new_figure

KIND_COLOUR = {"government_hotline": "#0072B2", "telecom_benchmark": "#999999"}
# Draws for the registered figures: small enough for notebooks under nbval, fixed seed.
FIGURE_SAMPLES, SOBOL_SAMPLES = 400, 128


def draw_contract_band(prices: pl.DataFrame, marks: dict[str, float], *, lang: str = "zh"):
    """Per agent-year prices of the cited contracts (floors hollow with an arrow), and the model's prices as lines."""
    rows = prices.filter(pl.col("per_agent_year_yuan").is_not_null()).sort("per_agent_year_yuan")
    # The legend gets a row of its own under the plot: inside, it would cover the contracts or the model's lines.
    fig, (ax, legend_ax) = new_figure(2, 1, height_in=4.2, height_ratios=[1.0, 0.16])
    for y, r in enumerate(rows.iter_rows(named=True)):
        colour, value = KIND_COLOUR[r["kind"]], r["per_agent_year_yuan"] / WAN
        floor = r["price_operator"] == ">="
        ax.plot([value], [y], marker="o", markersize=6, color=colour, markerfacecolor="white" if floor else colour)
        if floor:
            ax.annotate("", xy=(value + 0.8, y), xytext=(value, y), arrowprops={"arrowstyle": "->", "color": colour})
        ax.text(value, y + 0.3, f"{'≥' if floor else ''}{value:.2f}", fontsize=6, ha="center")
    names = [f"{r['place_zh'] if lang == 'zh' else r['city'].title()} {r['year']} "
             f"({label('cost.kind.' + r['kind'], lang)})" for r in rows.iter_rows(named=True)]
    ax.set_yticks(range(rows.height), names, fontsize=6.5)
    styles = {"contract_price": ("#E69F00", "--"), "in_house_cost_per_agent_year": ("#009E73", "-"),
              "break_even_price": ("#333333", ":"), "documented_floor": ("#CC79A7", "-.")}
    for key, value in marks.items():
        colour, style = styles[key]
        ax.axvline(value / WAN, color=colour, linestyle=style, linewidth=1.1,
                   label=label("cost.band." + key, lang).format(value=f"{value / WAN:.2f}"))
    band = contracts.external_band(prices)
    ax.axvspan(band["low"] / WAN, band["high"] / WAN, color="#0072B2", alpha=0.08,
               label=label("cost.band.external", lang).format(n=band["n"], median=f"{band['median'] / WAN:.2f}"))
    ax.set_xlabel(label("cost.band.axis", lang))
    ax.set_xlim(0, max([*marks.values(), band["high"]]) / WAN * 1.15)
    ax.set_ylim(-0.7, rows.height - 0.3)
    legend_below(legend_ax, ax.get_legend_handles_labels()[0], ncols=2)
    add_source_note(fig, label("cost.note.contracts", lang))
    return fig


def draw_uncertainty(mc: pl.DataFrame, *, lang: str = "zh"):
    """Each option's annual cost at each target: 5–95 % interval, median and default; P(cheaper) written above."""
    fig, ax = new_figure(height_in=3.6)
    for x, r in enumerate(mc.iter_rows(named=True)):
        for offset, option in ((-0.12, "in_house"), (0.12, "outsourced")):
            style = MODEL_STYLE[option]
            low, mid, high = (r[f"{option}_p{q}_yuan"] / WAN for q in ("05", "50", "95"))
            ax.plot([x + offset] * 2, [low, high], color=style["color"], linewidth=2.2,
                    label=label("cost.model." + option, lang) if x == 0 else None)
            ax.plot([x + offset], [mid], marker="_", markersize=12, color=style["color"])
            ax.plot([x + offset], [r[f"{option}_default_yuan"] / WAN], marker=style["marker"], color=style["color"],
                    markerfacecolor="white", markersize=5)
        top = max(r["in_house_p95_yuan"], r["outsourced_p95_yuan"]) / WAN
        ax.text(x, top * 1.03, label("cost.unc.p_cheaper", lang).format(
            p=f"{r['p_outsourcing_cheaper']:.2f}", low=f"{r['p_low']:.2f}", high=f"{r['p_high']:.2f}"),
            ha="center", va="bottom", fontsize=6.5)
    ax.set_xticks(range(mc.height), [percent(t) for t in mc["target_connection_rate"]])
    ax.set_xlim(-0.6, mc.height - 0.4)
    ax.set_ylim(0, max(mc["in_house_p95_yuan"].max(), mc["outsourced_p95_yuan"].max()) / WAN * 1.2)
    ax.set_xlabel(label("cost.axis.target", lang))
    ax.set_ylabel(label("cost.axis.annual_cost_wan", lang))
    ax.plot([], [], marker="o", color="#555555", markerfacecolor="white", linestyle="", label=label("cost.unc.default", lang))
    ax.legend(loc="lower right", fontsize=6.5, title=label("cost.unc.interval", lang).format(n=int(mc["samples"][0])),
              title_fontsize=6.5)
    return fig


def draw_sobol(sobol: pl.DataFrame, *, lang: str = "zh", top: int = 10):
    """First-order and total Sobol indices of the cost difference (outsourced − in-house), largest first."""
    rows = sobol.sort("difference_st", descending=True).head(top).reverse()
    fig, ax = new_figure(height_in=3.6)
    y = np.arange(rows.height)
    ax.barh(y + 0.18, rows["difference_st"].clip(0, None), height=0.36, color="#D55E00", label=label("cost.sobol.total", lang))
    ax.barh(y - 0.18, rows["difference_s1"].clip(0, None), height=0.36, color="#F0B88A", label=label("cost.sobol.first", lang))
    ax.set_yticks(y, [label("cost.param." + n, lang) for n in rows["name"]], fontsize=7)
    ax.set_xlim(0, 1.0)
    ax.set_xlabel(label("cost.sobol.axis", lang).format(target=percent(float(sobol["target_connection_rate"][0]))))
    ax.legend(loc="lower right", fontsize=7)
    return fig


def _reference_target(inputs) -> float:
    service = inputs.tables["service"]
    rows = service.filter((pl.col("city") == costmodel.references()["reference_city"]) & (pl.col("basis") == "target")
                          & (pl.col("metric_key") == "connection_rate")).sort("fiscal_year")
    return float(rows["value"][-1])


def model_marks(inputs, target: float, assumptions=None) -> dict[str, float]:
    """The model's prices per agent-year at a target: contract price, in-house cost, break-even, documented floor."""
    a = assumptions or inputs.assumptions
    p = as_arrays(a)
    even = costmodel.break_even_price(target, a).row(0, named=True)
    floor = costmodel.lookup("unit_cost:" + costmodel.references()["documented_outsourced_recipe"], inputs.facts,
                             inputs.unit_costs)[0]
    return {"contract_price": float(costmodel.contract_price(p)),
            "in_house_cost_per_agent_year": float(costmodel.in_house_cost_per_agent(p)),
            "break_even_price": even["break_even_price_per_fte_year"], "documented_floor": floor}


@register("cost_contract_band", caption_key="cost.caption.contract_band", tables=list(costmodel.MODEL_TABLES))
def cost_contract_band(tables, *, lang="zh"):
    """The external per agent-year prices and where the model's prices sit among them."""
    inputs = costmodel.model_inputs(tables)
    prices = contracts.contract_prices(contracts.read_contract_citations())
    return draw_contract_band(prices, model_marks(inputs, _reference_target(inputs)), lang=lang)


@register("cost_uncertainty", caption_key="cost.caption.uncertainty", tables=list(costmodel.MODEL_TABLES))
def cost_uncertainty(tables, *, lang="zh"):
    """Both options' annual cost at the 80/90/95 % targets over every assumption's range, and P(cheaper)."""
    inputs = costmodel.model_inputs(tables)
    mc = uncertainty.monte_carlo(inputs.assumptions, inputs.assumption_table, n=FIGURE_SAMPLES)
    fig = draw_uncertainty(mc, lang=lang)
    add_source_note(fig, _model_note(inputs, lang))
    return fig


@register("cost_sobol", caption_key="cost.caption.sobol", tables=list(costmodel.MODEL_TABLES))
def cost_sobol(tables, *, lang="zh"):
    """What the difference between the options depends on: Sobol indices at the reference city's target."""
    inputs = costmodel.model_inputs(tables)
    sobol = uncertainty.sobol_indices(inputs.assumptions, inputs.assumption_table, _reference_target(inputs),
                                      n=SOBOL_SAMPLES)
    fig = draw_sobol(sobol, lang=lang)
    add_source_note(fig, _model_note(inputs, lang))
    return fig
