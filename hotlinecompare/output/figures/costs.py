"""Figures of the outsourced-seat cost model: unit costs, the Erlang A queue, cost of a target, tornado.

Each figure reads only the fact table and derives the rest (harmonised tables, seat unit costs,
default assumptions, curves) with ``costmodel``, so ``hotlinecompare figures`` needs nothing but
data/clean/facts.parquet. Basis is drawn as in the comparison figures (figures/_common.py): actual
filled, budget half-tone, estimate hatched, target hollow, authorized dashed; colour is the city.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from matplotlib import colors as mcolors

from hotlinecompare.models import costmodel, queueing
from hotlinecompare.models.costmodel import ModelInputs
from hotlinecompare.output.figures._common import percent, percent_decimals
from hotlinecompare.output.figures._placement import Label, Spot, place_labels
from hotlinecompare.output.figures.labels import label
from hotlinecompare.output.figures.registry import add_source_note, register, source_note_text
from hotlinecompare.output.figures.style import city_colour, city_label, new_figure

WAN = 10_000  # 万: budgets are read in units of 10,000 yuan
OPERATOR_SYMBOLS = {">=": "\u2265", "<=": "\u2264", ">": ">", "<": "<", "=": "", "": ""}
# Okabe–Ito colours not used by any city: bluish green, orange, sky blue.
MODEL_STYLE = {"in_house": {"color": "#009E73", "linestyle": "-", "marker": "o"},
               "outsourced": {"color": "#E69F00", "linestyle": "--", "marker": "s"},
               "mixed": {"color": "#56B4E9", "linestyle": ":", "marker": "^"}}
MODEL_DOCUMENTS = ["doc.sz2022se", "doc.sz2024pt", "doc.gy2024bd", "doc.jn2026pt"]
# Where an agents-needed number may go, in order: below right of its dot (clear of the rising curve),
# above left, then the other corners and a step further out.
NUMBER_SPOTS = [Spot(6, -5, "left", "top"), Spot(-6, 5, "right", "bottom"), Spot(6, 5, "left", "bottom"),
                Spot(-6, -5, "right", "top"), Spot(0, -8, "center", "top"), Spot(0, 8, "center", "bottom")]


def _inputs(tables) -> ModelInputs:
    return costmodel.model_inputs(tables)


def basis_bar_style(basis: str, colour: str) -> dict:
    """Fill by basis (the least certain part of a compound basis), colour by city."""
    parts = basis.split("/")
    main = next((b for b in ("target", "authorized", "estimate", "budget", "actual") if b in parts), basis)
    styles = {"actual": {"facecolor": colour, "edgecolor": colour, "linewidth": 0.8},
              "budget": {"facecolor": mcolors.to_rgba(colour, 0.45), "edgecolor": colour, "linewidth": 0.8},
              "estimate": {"facecolor": "white", "edgecolor": colour, "hatch": "////", "linewidth": 0.8},
              "authorized": {"facecolor": "white", "edgecolor": colour, "linestyle": "--", "linewidth": 1.1}}
    return styles.get(main, {"facecolor": "white", "edgecolor": colour, "linewidth": 1.3})


def documented_rates(service: pl.DataFrame) -> pl.DataFrame:
    """Connection-rate targets and actuals of the documents, one row per city, basis and value."""
    rows = service.filter((pl.col("metric_key") == "connection_rate") & pl.col("period").is_in(["full_year", "annual"]))
    return (rows.group_by("city", "basis", "value").agg(pl.col("fiscal_year").max(), pl.col("fact_ids").sort().str.join(";"))
            .sort("basis", "value", "city"))


def _model_note(inputs: ModelInputs, lang: str) -> str:
    table = inputs.assumption_table
    years = {}
    for name in ("annual_requests", "in_house_cost_per_fte_year"):
        ids = table.filter(pl.col("name") == name)["fact_ids"][0].split(";")
        years[name] = inputs.facts.filter(pl.col("fact_id").is_in(ids))["fiscal_year"].max()
    year = label("cost.year.model", lang).format(volume=years["annual_requests"],
                                                 price=years["in_house_cost_per_fte_year"])
    return source_note_text(MODEL_DOCUMENTS, "cost.basis.model", year, lang=lang) + " " + label("cost.note.assumptions", lang)


@register("cost_unit_costs", caption_key="cost.caption.unit_costs", tables=list(costmodel.MODEL_TABLES))
def cost_unit_costs(tables, *, lang="zh"):
    """Per staff-year (top), per seat-year and whole-centre costs (bottom) side by side, basis marked."""
    inputs = _inputs(tables)
    costs = inputs.unit_costs.filter(pl.col("value_yuan").is_not_null())
    fig = new_figure(height_in=5.2)[0]
    fig.clear()  # a mosaic: staff-year bars across the top, seat-year and centre-year below
    # The centre panel gets the wider column: four bars with a year and a basis word under each.
    axes = fig.subplot_mosaic([["staff", "staff"], ["seat", "centre"]], height_ratios=[1.8, 1.0], width_ratios=[1.0, 1.5])
    panels = ((axes["staff"], "cost_per_staff_year", "cost.panel.cost_per_staff_year", WAN, 1.8),
              (axes["seat"], "cost_per_seat_year", "cost.panel.seat_rental", 1, 2.0))
    for ax, measure, title, scale, room in panels:  # room: x range over the longest bar, for its text
        rows = costs.filter(pl.col("measure") == measure).sort("employment_model", "value_yuan")
        for y, r in enumerate(rows.iter_rows(named=True)):
            ax.barh(y, r["value_yuan"] / scale, height=0.6, **basis_bar_style(r["basis"], city_colour(r["city"])))
            text = f"{OPERATOR_SYMBOLS[r['value_operator']]}{r['value_yuan'] / scale:,.2f}"
            basis = label("cost.basis_short." + r["basis"].replace("/", "_"), lang)
            ax.text(r["value_yuan"] / scale, y, f" {text}  {basis}", va="center", fontsize=6.5)
        ax.set_yticks(range(rows.height), [label("cost.uc." + r, lang) for r in rows["recipe_id"]], fontsize=7)
        ax.set_xlim(0, rows["value_yuan"].max() / scale * room)
        ax.invert_yaxis()
        ax.set_title(label(title, lang), fontsize=8)
    centre = axes["centre"]
    ref = costmodel.references()
    history = costs.filter(pl.col("recipe_id") == ref["centre_history_recipe"]).sort("fiscal_year")
    for r in history.iter_rows(named=True):
        centre.bar(r["fiscal_year"], r["value_yuan"] / WAN, width=0.6, **basis_bar_style(r["basis"], city_colour(r["city"])))
    centre.set_xticks(history["fiscal_year"].to_list(), [f"{r['fiscal_year']}\n{label('cost.basis_short.' + r['basis'], lang)}"
                                                         for r in history.iter_rows(named=True)], fontsize=7)
    centre.set_ylim(0, history["value_yuan"].max() / WAN * 1.45)
    request = {r["recipe_id"]: r["value_yuan"] / WAN for r in costs.filter(
        pl.col("recipe_id").is_in([ref["centre_annual_recipe"], ref["centre_ceiling_recipe"]])).iter_rows(named=True)}
    annual, ceiling = request[ref["centre_annual_recipe"]], request[ref["centre_ceiling_recipe"]]
    centre.text(0.03, 0.97, label("cost.jn.annual_request", lang).format(annual=f"{annual:,.2f}") + "\n"
                + label("cost.jn.ceiling", lang).format(ceiling=f"{ceiling:,.2f}"),
                transform=centre.transAxes, va="top", fontsize=6.5)
    centre.set_title(label("cost.panel.jn_contract_title", lang), fontsize=8)
    centre.set_ylabel(label("cost.axis.wan_yuan_per_year", lang), fontsize=7)
    years = costs["fiscal_year"].drop_nulls()
    note = source_note_text(["doc.sz2024pt", "doc.sz2022se", "doc.jn2026pt"], "cost.basis.unit_costs",
                            f"{years.min()}–{years.max()}", lang=lang)
    add_source_note(fig, note + " " + label("cost.note.operator", lang))
    return fig


@register("cost_queue", caption_key="cost.caption.queue", tables=list(costmodel.MODEL_TABLES))
def cost_queue(tables, *, lang="zh"):
    """Connection rate against agents for the default peak-hour load, with targets and the 2022 actual."""
    inputs = _inputs(tables)
    a = inputs.assumptions
    peak = float(costmodel.peak_calls_per_hour(costmodel.as_arrays(a), costmodel.arrival_profile()))
    rates = documented_rates(inputs.tables["service"])
    top = int(queueing.agents_needed(arrival_rate=peak / costmodel.SECONDS_PER_HOUR, aht=a.aht_seconds,
                                     patience=a.patience_seconds, connection_rate_target=0.99)) + 5
    agents = np.arange(1, top + 1)
    result = queueing.erlang_a(agents=agents, arrival_rate=peak / costmodel.SECONDS_PER_HOUR, aht=a.aht_seconds,
                               patience=a.patience_seconds)
    fig, ax = new_figure()
    (curve,) = ax.plot(agents, result.connection_rate, color="#333333", linewidth=1.4,
                       label=label("cost.legend.queue_curve", lang).format(
                           calls=f"{peak:,.0f}", aht=f"{a.aht_seconds:.0f}", patience=f"{a.patience_seconds:.0f}"))
    decimals = percent_decimals(rates["value"].to_list())  # one format for every rate the chart writes
    numbers = []
    for r in rates.iter_rows(named=True):
        actual = r["basis"] == "actual"
        text = label("cost.legend.actual" if actual else "cost.legend.target", lang).format(
            city=city_label(r["city"], lang), year=r["fiscal_year"], rate=percent(r["value"], decimals))
        ax.axhline(r["value"], color=city_colour(r["city"]), linestyle=":" if actual else "--", linewidth=1.0, label=text)
        needed = int(queueing.agents_needed(arrival_rate=peak / costmodel.SECONDS_PER_HOUR, aht=a.aht_seconds,
                                            patience=a.patience_seconds, connection_rate_target=r["value"]))
        ax.plot([needed], [r["value"]], marker="o", color=city_colour(r["city"]), markersize=4)
        numbers.append(Label(xy=(needed, r["value"]), text=str(needed), spots=NUMBER_SPOTS, options={"fontsize": 7}))
    ax.set_ylim(0, 1.08)  # headroom: a number for a target near 100 % may go above its dot
    ax.set_xlim(0, top)
    ax.set_xlabel(label("cost.axis.agents", lang))
    ax.set_ylabel(label("cost.axis.connection_rate", lang))
    ax.yaxis.set_major_formatter(lambda y, _: percent(y))
    legend = ax.legend(loc="lower right", fontsize=6.5)
    add_source_note(fig, _model_note(inputs, lang))
    # Last, in the final layout: targets a point apart (95 %, 96 %) would otherwise print their numbers on each other.
    place_labels(ax, numbers, avoid=[legend], lines=[curve], markers=[n.xy for n in numbers], marker_pt=4)
    return fig


def model_label(model: str, share: float, lang: str, decimals: int | None = None) -> str:
    return label("cost.model." + model, lang).format(share=percent(share, decimals))


@register("cost_target_curve", caption_key="cost.caption.curve", tables=list(costmodel.MODEL_TABLES))
def cost_target_curve(tables, *, lang="zh"):
    """Annual cost of meeting 70 % → 99 % for in-house, outsourced and mixed staff."""
    inputs = _inputs(tables)
    share = costmodel.documented_outsourced_share(inputs.tables["staffing"])[0]
    curve = costmodel.cost_curve(inputs.assumptions, mixed_share=share)
    rates = documented_rates(inputs.tables["service"])
    decimals = percent_decimals([*rates["value"].to_list(), share])  # one format for the chart and its legend
    fig, ax = new_figure()
    for model in costmodel.MODELS:
        rows = curve.filter(pl.col("model") == model)
        ax.plot(rows["target_connection_rate"], rows["total_cost_yuan"] / WAN, markersize=3, markevery=5,
                label=model_label(model, share, lang, decimals), **MODEL_STYLE[model])
    for r in rates.iter_rows(named=True):
        actual = r["basis"] == "actual"
        ax.axvline(r["value"], color=city_colour(r["city"]), linestyle=":" if actual else "--", linewidth=0.9)
        ax.text(r["value"], 0.02, label("cost.legend.actual" if actual else "cost.legend.target", lang).format(
            city=city_label(r["city"], lang), year=r["fiscal_year"], rate=percent(r["value"], decimals)),
            transform=ax.get_xaxis_transform(), rotation=90, ha="right", va="bottom", fontsize=6)
    ax.set_xlabel(label("cost.axis.target", lang))
    ax.set_ylabel(label("cost.axis.annual_cost_wan", lang))
    ax.set_ylim(0, curve["total_cost_yuan"].max() / WAN * 1.05)  # from zero: the gap between models to scale
    ax.xaxis.set_major_formatter(lambda x, _: percent(x))
    # The legend sits mid-height in the widest gap between the marked rates, clear of the curves and labels.
    low, high = ax.get_xlim()
    edges = sorted({low, high, *rates["value"].to_list()})
    left, right = max(zip(edges, edges[1:]), key=lambda pair: pair[1] - pair[0])
    ax.legend(loc="center", bbox_to_anchor=(((left + right) / 2 - low) / (high - low), 0.5), fontsize=7)
    add_source_note(fig, _model_note(inputs, lang))
    return fig


@register("cost_tornado", caption_key="cost.caption.tornado", tables=list(costmodel.MODEL_TABLES))
def cost_tornado(tables, *, lang="zh"):
    """Cost range of meeting the reference city's target as each assumption spans its range, in-house and outsourced."""
    inputs = _inputs(tables)
    target = documented_rates(inputs.tables["service"]).filter(
        (pl.col("city") == costmodel.references()["reference_city"]) & (pl.col("basis") == "target")
    ).sort("fiscal_year")["value"][-1]
    models = ("in_house", "outsourced")
    frames = [costmodel.sensitivity(target, inputs.assumptions, inputs.assumption_table, m) for m in models]
    # Assumptions that move the cost by less than 0.1 % (the seat rental) are left out of the picture.
    order = (pl.concat(frames).group_by("name").agg(pl.col("swing_yuan").max(), pl.col("default_cost_yuan").max())
             .filter(pl.col("swing_yuan") > 1e-3 * pl.col("default_cost_yuan"))
             .sort("swing_yuan", "name", descending=[False, True])["name"].to_list())
    fig, ax = new_figure(height_in=4.0)
    for offset, model, frame in zip((-0.2, 0.2), models, frames):
        style = MODEL_STYLE[model]
        rows = {r["name"]: r for r in frame.iter_rows(named=True)}
        for y, name in enumerate(order):
            r = rows[name]
            ax.barh(y + offset, (r["cost_max_yuan"] - r["cost_min_yuan"]) / WAN, left=r["cost_min_yuan"] / WAN,
                    height=0.38, color=style["color"], label=model_label(model, 0.0, lang) if y == 0 else None)
        ax.axvline(frame["default_cost_yuan"][0] / WAN, color=style["color"], linestyle=style["linestyle"], linewidth=1.0)
    ax.set_yticks(range(len(order)), [label("cost.param." + name, lang) for name in order], fontsize=7)
    ax.set_xlabel(label("cost.axis.tornado", lang).format(target=percent(target)))
    ax.plot([], [], color="#555555", linewidth=1.0, label=label("cost.legend.default", lang))
    ax.legend(loc="lower right", fontsize=7)
    add_source_note(fig, _model_note(inputs, lang))
    return fig
