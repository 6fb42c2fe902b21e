"""Staffing models: seat staff (in-house, outsourced), seats and seat users, and established posts.

Counts of different bases are never merged: an actual count is filled, a target (often a
ceiling, written ≤) is hollow with its operator, an authorised count is dashed, a budgeted
count half-tone. Cities whose documents state no count for a panel are named in a gap row.
"""

from __future__ import annotations

import polars as pl

from hotlinecompare.output.figures._common import (
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
from hotlinecompare.output.figures.style import city_colour, city_keys, city_label, new_figure

# Panels (a title key and the staffing kinds they hold), top to bottom.
PANELS = (
    ("staff", ("in_house_contract_seat_staff", "outsourced_seat_staff")),
    ("seats", ("seats", "rented_seat_licences", "dedicated_seats", "concurrent_seat_users")),
    ("posts", ("authorized_posts", "actual_posts")),
)
# A target restated for the half-year is the same headcount: show the full-year (or annual) one.
PERIOD_PREFERENCE = {"full_year": 0, "annual": 1, "half_year": 2}
BASIS_ORDER = {"actual": 0, "budget": 1, "target": 2, "authorized": 3}


def staffing_rows(staffing: pl.DataFrame, kinds: tuple[str, ...]) -> pl.DataFrame:
    """One row per city, year, kind, hotline and basis (preferred period), in plotting order."""
    rows = staffing.filter(pl.col("kind").is_in(kinds)).with_columns(
        pl.col("period").replace_strict(PERIOD_PREFERENCE, default=9, return_dtype=pl.Int64).alias("_period"),
        pl.col("kind").replace_strict({k: i for i, k in enumerate(kinds)}, return_dtype=pl.Int64).alias("_kind"),
        pl.col("basis").replace_strict(BASIS_ORDER, default=9, return_dtype=pl.Int64).alias("_basis"))
    keys = ["city", "fiscal_year", "kind", "hotline", "basis"]
    rows = rows.filter(pl.col("_period") == pl.col("_period").min().over(keys))
    rows = rows.unique(keys, keep="first", maintain_order=True)
    # Show the hotline where a city counts the same kind for several hotlines.
    several = rows.group_by("city", "kind").agg((pl.col("hotline").n_unique() > 1).alias("show_hotline"))
    rows = rows.join(several, on=["city", "kind"], how="left", maintain_order="left")
    return city_order(rows, "fiscal_year", "_kind", "_basis", "hotline").drop("_period", "_kind", "_basis")


def row_label(row: dict, lang: str) -> str:
    kind = optional_label(f"cmp.kind.{row['kind']}", lang, row["kind"])
    text = row_title(row["city"], row["fiscal_year"], lang) + label("cmp.separator", lang) + kind
    detail = basis_label(row["basis"], lang)
    if row["show_hotline"] and row["hotline"]:
        hotline = optional_label(f"cmp.hotline.{row['hotline']}", lang, row["hotline"])
        detail = label("cmp.row.with_basis", lang).format(text=hotline, basis=detail)
    return f"{text}\n{detail}"


def _panel(ax, rows: pl.DataFrame, panel: str, lang: str) -> None:
    missing = [c for c in city_keys() if c not in set(rows["city"].to_list())]
    top = (rows["count"].max() or 1.0) * 1.18
    labels = []
    for y, r in enumerate(rows.iter_rows(named=True)):
        labels.append(row_label(r, lang))
        ax.barh(y, r["count"], height=0.6, **basis_bar_style(r["basis"], city_colour(r["city"])))
        ax.text(r["count"], y, f" {operator_text(r['operator'])}{thousands(r['count'])}", va="center", ha="left",
                fontsize=7)
    if missing:
        labels.append("")
        names = label("source_note.document_separator", lang).join(city_label(c, lang) for c in missing)
        ax.text(top * 0.01, len(labels) - 1, label("cmp.staffing.not_stated", lang).format(cities=names),
                **GAP_TEXT)
    ax.set_yticks(range(len(labels)), labels, fontsize=6.5)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(0, top)
    ax.set_xlabel(label(f"cmp.axis.staffing_{panel}", lang), fontsize=7.5)
    ax.grid(axis="y", visible=False)
    ax.set_title(label(f"cmp.title.staffing_{panel}", lang), loc="left", fontsize=9)


@register("staffing_models", caption_key="cmp.caption.staffing", tables=["staffing"])
def staffing_models(tables: dict[str, pl.DataFrame], *, lang: str = "zh"):
    panels = [(panel, staffing_rows(tables["staffing"], kinds)) for panel, kinds in PANELS]
    heights = [r.height + 1 for _, r in panels]
    fig, axes = new_figure(len(panels) + 1, 1, width_in=6.3, height_in=7.2, height_ratios=[*heights, 1.2])
    for ax, (panel, rows) in zip(axes, panels):
        _panel(ax, rows, panel, lang)
    used = pl.concat([r for _, r in panels])
    legend_below(axes[-1], basis_handles(used["basis"].to_list(), lang), ncols=4)
    add_source_note(fig, note([used], "cmp.basis_note.staffing", lang))
    return fig
