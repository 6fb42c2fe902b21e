"""Unit costs by employment model: annual cost per staff member and per seat, with the gaps shown.

A unit_costs row with no value (the documents give no seat count, or no seat cost) is drawn as
an annotated gap in its place, so a missing city is visibly missing rather than silently absent.
"""

from __future__ import annotations

import polars as pl
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from hotlinecompare.output.figures._common import (
    GAP_COLOUR,
    GAP_TEXT,
    basis_bar_style,
    basis_handles,
    basis_label,
    city_order,
    legend_below,
    note,
    operator_text,
    optional_label,
    row_title,
    thousands,
)
from hotlinecompare.output.figures.labels import label
from hotlinecompare.output.figures.registry import add_source_note, register
from hotlinecompare.output.figures.style import city_colour, new_figure

# Panels, top to bottom, and the order of employment models within each.
PANELS = (
    ("cost_per_staff_year", ("in_house_contract_staff", "outsourced_hotline_staff", "established_civil_service_staff")),
    ("cost_per_seat_year", ("seat_platform_rental", "outsourced_seat_service", "fully_outsourced_centre", "unknown")),
)


def unit_cost_rows(unit_costs: pl.DataFrame, measure: str, models: tuple[str, ...]) -> pl.DataFrame:
    """Rows of one measure, ordered by model, city and year; a recipe id for the labels."""
    order = {m: i for i, m in enumerate(models)}
    rows = unit_costs.filter(pl.col("measure") == measure).with_columns(
        pl.col("unit_cost_id").str.split("-").list.first().alias("recipe"),
        pl.col("employment_model").replace_strict(order, default=len(order), return_dtype=pl.Int64).alias("_model"))
    return city_order(rows.sort("_model"), "fiscal_year", "recipe").sort("_model", maintain_order=True).drop("_model")


def row_label(row: dict, lang: str) -> str:
    """"Suzhou 2024 · outsourced hotline staff" over the recipe's short name and basis."""
    model = optional_label(f"cmp.model.{row['employment_model']}", lang, row["employment_model"])
    recipe = optional_label(f"cmp.recipe.{row['recipe']}", lang, row["variant"] or "")
    first = row_title(row["city"], row["fiscal_year"], lang) + label("cmp.separator", lang) + model
    second = label("cmp.row.with_basis", lang).format(text=recipe, basis=basis_label(row["basis"], lang))
    return f"{first}\n{second}"


def _panel(ax, rows: pl.DataFrame, measure: str, lang: str) -> None:
    top = rows["value_yuan"].max() or 1.0
    labels = []
    for y, r in enumerate(rows.iter_rows(named=True)):
        labels.append(row_label(r, lang))
        if r["value_yuan"] is None:
            ax.barh(y, top * 1.22, height=0.6, facecolor="none", edgecolor=GAP_COLOUR, linestyle=":", linewidth=0.8)
            reason = optional_label(f"cmp.gap.{r['recipe']}", lang, label("cmp.gap.generic", lang))
            ax.text(top * 0.02, y, reason, **GAP_TEXT)
            continue
        ax.barh(y, r["value_yuan"], height=0.6, **basis_bar_style(r["basis"], city_colour(r["city"])))
        ax.text(r["value_yuan"], y, f" {operator_text(r['value_operator'])}{thousands(r['value_yuan'])}",
                va="center", ha="left", fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=6.5)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(0, top * 1.22)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.xaxis.set_major_formatter(lambda v, _pos: thousands(v))
    ax.set_xlabel(label(f"cmp.axis.{measure}", lang))
    ax.grid(axis="y", visible=False)
    ax.set_title(label(f"cmp.title.{measure}", lang), loc="left")


@register("unit_costs_by_model", caption_key="cmp.caption.unit_costs", tables=["unit_costs"])
def unit_costs_by_model(tables: dict[str, pl.DataFrame], *, lang: str = "zh"):
    unit_costs = tables["unit_costs"]
    panels = [(measure, unit_cost_rows(unit_costs, measure, models)) for measure, models in PANELS]
    heights = [max(r.height, 1) for _, r in panels]
    fig, axes = new_figure(len(panels) + 1, 1, width_in=6.3, height_in=6.4,
                           height_ratios=[*heights, 1.4])
    for ax, (measure, rows) in zip(axes, panels):
        _panel(ax, rows, measure, lang)
    used = pl.concat([r for _, r in panels])
    handles = basis_handles(used["basis"].to_list(), lang)
    handles.append(Patch(label=label("cmp.gap.legend", lang), facecolor="none", edgecolor=GAP_COLOUR,
                         linestyle=":"))
    legend_below(axes[-1], handles, ncols=3)
    axes[-1].text(0.5, 0.0, label("cmp.unit_costs.operator_note", lang), transform=axes[-1].transAxes,
                  ha="center", va="bottom", fontsize=6.5, color="#333333")
    add_source_note(fig, note([used], "cmp.basis_note.unit_costs", lang))
    return fig
