"""Cross-city figures: spending level and mix, and annual cost over time (Jiangning's history, Guiyang's change).

Spending is drawn from ``level == "item"`` rows only (the finest non-overlapping amounts),
so no total is counted twice; totals appear only where a city-year has no items at all.
"""

from __future__ import annotations

import polars as pl
from matplotlib.patches import Patch

from hotlinecompare.harmonise.knowledge import load_knowledge
from hotlinecompare.output.figures._common import (
    GAP_COLOUR,
    basis_bar_style,
    basis_label,
    city_order,
    legend_below,
    money_scale,
    money_text,
    note,
    optional_label,
    row_title,
    wrap,
)
from hotlinecompare.output.figures.labels import label
from hotlinecompare.output.figures.registry import add_source_note, register
from hotlinecompare.output.figures.style import city_colour, city_label, new_figure

# Which spending to show for a city-year with several: outcomes before plans, the final plan first.
BASIS_PREFERENCE = ("actual", "budget", "estimate")
MEASURE_PREFERENCE = ("actual_spending", "amount", "adjusted_budget", "initial_budget")
NOT_ITEMISED = "not_itemised"
# Colours by category (spending_categories.csv order): seat labour in blues, platforms in greens,
# running costs in warm tones; "several categories in one amount" hatched grey, not a colour of its own.
CATEGORY_COLOURS = {
    "seat_staff_in_house": "#08519c", "seat_staff_outsourced": "#6baed6", "seat_service_outsourced": "#41b6c4",
    "seat_platform_rental": "#31a354", "mixed": "#d9d9d9", "administration": "#fdae6b", "telecom_sms": "#a1d99b",
    "it_build": "#756bb1", "it_maintenance": "#bcbddc", "property_utilities": "#e6550d",
    "communications_outreach": "#fdd0a2", "training_assessment": "#c994c7", "staff_welfare": "#dd1c77",
    "core_staff_pay": "#252525", "other": "#969696", NOT_ITEMISED: "white",
}
CATEGORY_HATCHES = {"mixed": "xxx", NOT_ITEMISED: "///"}


# --- data ------------------------------------------------------------------------------------

def spending_bars(spending: pl.DataFrame) -> pl.DataFrame:
    """One row per bar and category: items of each city-year on its preferred basis and measure.

    A city-year with a department total but no items (Guiyang 2023, reconstructed) becomes one
    ``not_itemised`` segment, so the published and the comparable-scope totals stand side by side.
    """
    rank = (pl.col("basis").replace_strict({b: i for i, b in enumerate(BASIS_PREFERENCE)}, default=9,
                                           return_dtype=pl.Int64) * 10
            + pl.col("measure").replace_strict({m: i for i, m in enumerate(MEASURE_PREFERENCE)}, default=9,
                                               return_dtype=pl.Int64))
    items = spending.filter(pl.col("level") == "item").with_columns(rank.alias("_rank"))
    items = items.filter(pl.col("_rank") == pl.col("_rank").min().over("city", "fiscal_year"))
    bars = (items.group_by("city", "fiscal_year", "basis", "measure", "doc_id", "category")
            .agg(pl.col("amount_yuan").sum()))
    itemised = items.select("city", "fiscal_year").unique()
    totals = (spending.filter(pl.col("level") == "department_total")
              .join(itemised, on=["city", "fiscal_year"], how="anti", nulls_equal=True)
              .select("city", "fiscal_year", "basis", "measure", "doc_id", pl.lit(NOT_ITEMISED).alias("category"),
                      "amount_yuan"))
    order = {c: i for i, c in enumerate(category_order())}
    out = pl.concat([bars, totals.cast(bars.schema)], how="vertical")
    out = out.with_columns(pl.col("category").replace_strict(order, default=len(order), return_dtype=pl.Int64)
                           .alias("_cat"))
    return city_order(out, "fiscal_year", "_cat").drop("_cat")


def category_order() -> list[str]:
    """Categories in spending_categories.csv order, then the reconstructed totals."""
    return [*load_knowledge().spending_categories["category"], NOT_ITEMISED]


def category_label(category: str, lang: str) -> str:
    if category == NOT_ITEMISED:
        return label("cmp.spending.not_itemised", lang)
    cats = load_knowledge().spending_categories.filter(pl.col("category") == category)
    return cats[f"label_{lang}"][0] if cats.height else category


def bar_caption(row: dict, lang: str) -> str:
    """Two lines under a bar: city and year, then basis and what the document covers."""
    scope = ("cmp.scope.reconstructed" if row["category"] == NOT_ITEMISED else f"cmp.scope.{row['doc_id']}")
    second = basis_label(row["basis"], lang)
    scope_text = optional_label(scope, lang)
    if scope_text:
        second += label("cmp.separator", lang) + scope_text
    return f"{row_title(row['city'], row['fiscal_year'], lang)}\n{second}"


# --- spending level and mix ------------------------------------------------------------------

@register("spending_mix_by_city", caption_key="cmp.caption.spending_mix", tables=["spending"])
def spending_mix_by_city(tables: dict[str, pl.DataFrame], *, lang: str = "zh"):
    bars = spending_bars(tables["spending"])
    divisor, axis_key = money_scale(lang)
    fig, (ax, legend_ax) = new_figure(2, 1, width_in=6.3, height_in=5.2, height_ratios=[4, 1])
    ylabels = []
    for y, segs in enumerate(bars.partition_by("city", "fiscal_year", maintain_order=True)):
        left = 0.0
        for seg in segs.iter_rows(named=True):
            width = seg["amount_yuan"] / divisor
            ax.barh(y, width, left=left, height=0.62, color=CATEGORY_COLOURS.get(seg["category"], "#969696"),
                    hatch=CATEGORY_HATCHES.get(seg["category"]), edgecolor="#555555", linewidth=0.4)
            left += width
        ax.text(left, y, " " + money_text(segs["amount_yuan"].sum(), lang), va="center", ha="left", fontsize=7)
        ylabels.append(bar_caption(segs.row(0, named=True), lang))
    ax.set_yticks(range(len(ylabels)), ylabels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(label(axis_key, lang))
    ax.margins(x=0.12)
    ax.grid(axis="y", visible=False)
    ax.set_title(label("cmp.title.spending_mix", lang), loc="left")
    present = [c for c in category_order() if c in set(bars["category"].to_list())]
    handles = [Patch(facecolor=CATEGORY_COLOURS.get(c, "#969696"), hatch=CATEGORY_HATCHES.get(c),
                     edgecolor="#555555", linewidth=0.4, label=category_label(c, lang)) for c in present]
    legend_below(legend_ax, handles, ncols=3 if lang == "zh" else 2)
    add_source_note(fig, note([bars], "cmp.basis_note.spending_mix", lang))
    return fig


# --- annual cost: 江宁 history and 贵阳 2023 → 2024 ---------------------------------------------

def cost_history(unit_costs: pl.DataFrame) -> pl.DataFrame:
    """Annual cost of a whole outsourced centre by year: the recipe with the longest series, and any
    other figure the same document gives for one of its years (``series`` false)."""
    centre = unit_costs.filter((pl.col("measure") == "cost_per_centre_year") & pl.col("value_yuan").is_not_null())
    centre = centre.with_columns(pl.col("unit_cost_id").str.split("-").list.first().alias("recipe"))
    lengths = centre.group_by("city", "recipe").len()
    longest = lengths.filter(pl.col("len") == pl.col("len").max().over("city")).sort("recipe").unique(
        "city", keep="first")
    return (centre.join(longest.select("city", "recipe", pl.lit(True).alias("series")), on=["city", "recipe"],
                        how="left")
            .with_columns(pl.col("series").fill_null(False)).sort("city", "fiscal_year", "series"))


def is_reconstructed(scope: str | None) -> bool:
    """Whether a spending row is derived rather than read (data/spending_reconstructions.csv scopes say so)."""
    return "reconstructed" in (scope or "")


def department_change(spending: pl.DataFrame) -> pl.DataFrame:
    """Department totals of cities with more than one year of them (Guiyang: 2023 reconstructed, 2024)."""
    totals = spending.filter((pl.col("level") == "department_total") & pl.col("fiscal_year").is_not_null())
    several = totals.group_by("city").agg(pl.col("fiscal_year").n_unique().alias("years")).filter(
        pl.col("years") > 1)
    return totals.join(several.select("city"), on="city").sort("city", "fiscal_year")


@register("annual_cost_history", caption_key="cmp.caption.annual_cost_history",
          tables=["unit_costs", "spending"])
def annual_cost_history(tables: dict[str, pl.DataFrame], *, lang: str = "zh"):
    history = cost_history(tables["unit_costs"])
    change = department_change(tables["spending"])
    divisor, axis_key = money_scale(lang)
    fig, (left, right) = new_figure(1, 2, width_in=6.3, height_in=3.8, width_ratios=[1.6, 1])
    for city in history["city"].unique(maintain_order=True).to_list():
        rows = history.filter(pl.col("city") == city)
        series, extra = rows.filter(pl.col("series")), rows.filter(~pl.col("series"))
        colour = city_colour(city)
        for r in series.iter_rows(named=True):
            left.bar(r["fiscal_year"], r["value_yuan"] / divisor, width=0.62, **basis_bar_style(r["basis"], colour))
            left.annotate(money_text(r["value_yuan"], lang), (r["fiscal_year"], r["value_yuan"] / divisor),
                          xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=7)
        for r in extra.iter_rows(named=True):
            left.plot([r["fiscal_year"] - 0.36, r["fiscal_year"] + 0.36], [r["value_yuan"] / divisor] * 2,
                      color=GAP_COLOUR, linestyle=":", linewidth=1.2)
            # The leader drops straight from the label's right end, clear of the bar's own value label.
            left.annotate(label("cmp.history.other_figure", lang).format(value=money_text(r["value_yuan"], lang)),
                          (r["fiscal_year"] + 0.36, r["value_yuan"] / divisor), xytext=(0, 16),
                          textcoords="offset points", ha="right", va="bottom", fontsize=6.5, color=GAP_COLOUR,
                          arrowprops={"arrowstyle": "-", "color": GAP_COLOUR, "linewidth": 0.6, "relpos": (1, 0),
                                      "shrinkA": 0, "shrinkB": 0})
        left.set_title(label("cmp.title.history", lang).format(city=city_label(city, lang)), loc="left")
        years = series["fiscal_year"].to_list()
        left.set_xticks(years, [f"{y}\n{basis_label(b, lang)}" for y, b in zip(years, series["basis"])])
    left.set_ylabel(label(axis_key, lang))
    left.margins(y=0.25)
    left.grid(axis="x", visible=False)
    _draw_change(right, change, lang)
    add_source_note(fig, note([history, change], "cmp.basis_note.history", lang))
    return fig


def _draw_change(ax, change: pl.DataFrame, lang: str) -> None:
    divisor, axis_key = money_scale(lang)
    for city in change["city"].unique(maintain_order=True).to_list():
        rows = change.filter(pl.col("city") == city)
        years = rows["fiscal_year"].to_list()
        colour = city_colour(city)
        for x, r in enumerate(rows.iter_rows(named=True)):
            style = basis_bar_style("estimate" if is_reconstructed(r["scope"]) else r["basis"], colour)
            ax.bar(x, r["amount_yuan"] / divisor, width=0.6, **style)
            ax.annotate(money_text(r["amount_yuan"], lang), (x, r["amount_yuan"] / divisor), xytext=(0, 2),
                        textcoords="offset points", ha="center", va="bottom", fontsize=7)
        first, last = rows["amount_yuan"][0], rows["amount_yuan"][-1]
        diff, rate = last - first, (last - first) / first
        ax.annotate("", xy=(len(years) - 1.3, last / divisor), xytext=(0.3, first / divisor),
                    arrowprops={"arrowstyle": "->", "color": "#333333", "linewidth": 0.8,
                                "connectionstyle": "arc3,rad=-0.2"})
        ax.text(0.5 * (len(years) - 1), 0.5 * (first + last) / divisor,
                label("cmp.change.text", lang).format(diff=money_text(diff, lang), rate=f"{rate * 100:.2f}%"),
                ha="center", va="center", fontsize=7, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
        ticks = [f"{y}\n" + wrap(label("cmp.change.reconstructed_tick" if is_reconstructed(s)
                                        else "cmp.change.published_tick", lang), 9 if lang == "zh" else 16)
                 for y, s in zip(years, rows["scope"])]
        ax.set_xticks(range(len(years)), ticks, fontsize=7)
        ax.set_title(label("cmp.title.change", lang).format(city=city_label(city, lang)), loc="left")
    ax.set_ylabel(label(axis_key, lang))
    ax.margins(y=0.2)
    ax.set_xlim(-0.6, max(len(change["fiscal_year"].unique()), 2) - 0.4)
    ax.grid(axis="x", visible=False)
