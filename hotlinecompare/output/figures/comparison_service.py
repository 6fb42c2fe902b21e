"""Service metrics: connection rate and the satisfaction family, targets and outcomes kept apart.

A target is a hollow marker with its operator written out (≥80%); an actual outcome is a filled
marker with its value. Where a row has both (Suzhou 2022), a line joins them, so a missed target
reads as the distance between the two. A target is never drawn as an outcome.
"""

from __future__ import annotations

import polars as pl
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from hotlinecompare.output.figures._common import (
    GAP_TEXT,
    city_order,
    note,
    operator_text,
    percent,
    percent_decimals,
    row_title,
    wrap,
)
from hotlinecompare.output.figures.labels import label
from hotlinecompare.output.figures.registry import add_source_note, register
from hotlinecompare.output.figures.style import city_colour, city_keys, city_label, city_marker, new_figure

# Panels: a title key and the filter on the service table.
PANELS = (
    ("connection", pl.col("family") == "connection"),
    ("satisfaction", pl.col("family") == "satisfaction"),
)
PERIOD_PREFERENCE = {"full_year": 0, "annual": 1, "unspecified": 2, "half_year": 3}
MARKER_SIZE = 6.5
HEADROOM = 0.075


def service_rows(service: pl.DataFrame, selector: pl.Expr, metrics: pl.DataFrame) -> pl.DataFrame:
    """Rate metrics of a panel: one row per city, year, metric and basis (full-year value preferred),
    metrics in the vocabulary's order."""
    order = {key: i for i, key in enumerate(metrics["key"].to_list())}
    rows = service.filter(selector & (pl.col("unit_std") == "fraction")).with_columns(
        pl.col("period").replace_strict(PERIOD_PREFERENCE, default=9, return_dtype=pl.Int64).alias("_period"),
        pl.col("metric_key").replace_strict(order, default=len(order), return_dtype=pl.Int64).alias("_metric"))
    keys = ["city", "fiscal_year", "metric_key", "basis"]
    rows = rows.filter(pl.col("_period") == pl.col("_period").min().over(keys))
    rows = rows.sort("fact_ids").unique(keys, keep="first")
    return city_order(rows, "fiscal_year", "_metric", "basis").drop("_period", "_metric")


def metric_label(metrics: pl.DataFrame, key: str, lang: str) -> str:
    found = metrics.filter(pl.col("key") == key)
    return found[f"label_{lang}"][0] if found.height else key


def _line_label(ax, x: float, y: float, text: str, right: bool, **kw) -> None:
    ax.annotate(text, (x, y), xytext=(6 if right else -6, 0), textcoords="offset points",
                ha="left" if right else "right", va="center", fontsize=6.5, **kw)


def gap_rows(rows: pl.DataFrame, service: pl.DataFrame, panel: str) -> list[tuple[str, list[str]]]:
    """Cities absent from a panel, as (label key, cities): those with only internal satisfaction
    measures (facilities, system users) are named apart from those stating nothing of the kind."""
    missing = [c for c in city_keys() if c not in set(rows["city"].to_list())]
    internal = set(service.filter(pl.col("family") == "satisfaction_internal")["city"].to_list())
    if panel != "satisfaction":
        return [("cmp.service.not_stated", missing)] if missing else []
    groups = [("cmp.service.internal_only", [c for c in missing if c in internal]),
              ("cmp.service.not_stated", [c for c in missing if c not in internal])]
    return [(key, cities) for key, cities in groups if cities]


def _panel(ax, rows: pl.DataFrame, gaps: list[tuple[str, list[str]]], metrics: pl.DataFrame, panel: str,
           lang: str, low: float, decimals: int) -> None:
    groups = rows.partition_by("city", "fiscal_year", "metric_key", maintain_order=True)
    labels = []
    for y, g in enumerate(groups):
        r = g.row(0, named=True)
        title = row_title(r["city"], r["fiscal_year"], lang)
        if panel != "connection":
            title += "\n" + wrap(metric_label(metrics, r["metric_key"], lang), 12 if lang == "zh" else 30)
        labels.append(title)
        colour, marker = city_colour(r["city"]), city_marker(r["city"])
        target = g.filter(pl.col("basis") == "target")
        actual = g.filter(pl.col("basis") == "actual")
        if target.height and actual.height:
            ax.plot([target["value"][0], actual["value"][0]], [y, y], color=colour, linewidth=1.0, alpha=0.6)
        actual_right = not target.height or actual.height and actual["value"][0] >= target["value"][0]
        for t in target.iter_rows(named=True):
            ax.plot(t["value"], y, marker=marker, markersize=MARKER_SIZE, markerfacecolor="white",
                    markeredgecolor=colour, markeredgewidth=1.3, linestyle="none")
            _line_label(ax, t["value"], y, operator_text(t["operator"]) + percent(t["value"], decimals),
                        right=not actual_right or not actual.height, color="#333333")
        for a in actual.iter_rows(named=True):
            ax.plot(a["value"], y, marker=marker, markersize=MARKER_SIZE, color=colour, linestyle="none")
            _line_label(ax, a["value"], y, percent(a["value"], decimals), right=actual_right, color=colour)
    for key, cities in gaps:
        names = label("source_note.document_separator", lang).join(city_label(c, lang) for c in cities)
        labels.append("")
        text = wrap(label(key, lang).format(cities=names), 16 if lang == "zh" else 34)
        ax.text(low + 0.005, len(labels) - 1, text, **GAP_TEXT)
    ax.set_yticks(range(len(labels)), labels, fontsize=6.5)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    # Room right of 100 % for the value labels; ticks stop at 100 %.
    ax.set_xlim(low, 1.0 + HEADROOM)
    ax.set_xticks([round(low + 0.1 * i, 1) for i in range(round((1.0 - low) / 0.1) + 1)])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(axis="y", visible=False)
    ax.set_title(label(f"cmp.title.service_{panel}", lang), loc="left", fontsize=9)


@register("service_targets_actuals", caption_key="cmp.caption.service", tables=["service", "metrics"])
def service_targets_actuals(tables: dict[str, pl.DataFrame], *, lang: str = "zh"):
    panels = [(panel, service_rows(tables["service"], selector, tables["metrics"])) for panel, selector in PANELS]
    used = pl.concat([r for _, r in panels])
    # A common scale from a round 10 % below the lowest value, so the panels compare at a glance.
    low = max(0.0, (int(used["value"].min() * 10) - 1) / 10) if used.height else 0.0
    decimals = percent_decimals(used["value"])  # one format for every value label of the chart
    fig, axes = new_figure(1, 2, width_in=6.3, height_in=4.4, width_ratios=[1, 1.35])
    for ax, (panel, rows) in zip(axes, panels):
        _panel(ax, rows, gap_rows(rows, tables["service"], panel), tables["metrics"], panel, lang, low, decimals)
    grey = "#555555"
    handles = [
        Line2D([], [], marker="o", markersize=MARKER_SIZE, markerfacecolor="white", markeredgecolor=grey,
               markeredgewidth=1.3, linestyle="none", label=label("cmp.service.target", lang)),
        Line2D([], [], marker="o", markersize=MARKER_SIZE, color=grey, linestyle="none",
               label=label("cmp.service.actual", lang)),
    ]
    # Above the panels: the source note takes the bottom margin.
    fig.legend(handles=handles, loc="outside upper center", ncols=2, fontsize=7, frameon=False)
    add_source_note(fig, note([used], "cmp.basis_note.service", lang))
    return fig
