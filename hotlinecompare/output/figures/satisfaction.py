"""Satisfaction and spending: the data with every point labelled, the fit where one exists, and power.

``satisfaction_vs_spending`` draws actual outcomes (filled, against actual spending) and targets
(hollow, with their ≥, against budgets) in separate panels on a log spending axis. Where a
measure has enough city-years, the OLS-HC3 fit and its 95 % band are drawn; otherwise the panel
says why not. ``satisfaction_power`` shows how many city-years an effect needs before a test is
likely to see it, with Clopper–Pearson bands, and where today's data stand.

Both build what they need from the harmonised tables (pure); ``scatter_figure`` and
``power_figure`` take the frames directly, e.g. a synthetic panel in a notebook.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator, PercentFormatter

from hotlinecompare.models.satisfaction_fits import (
    MIN_CITY_YEARS,
    PowerAssumptions,
    city_years_needed,
    ols_band,
    power_by_city_years,
)
from hotlinecompare.output.figures._common import percent, percent_decimals
from hotlinecompare.output.figures._placement import Label, beside, place_labels
from hotlinecompare.output.figures.labels import label
from hotlinecompare.output.figures.registry import add_source_note, register, source_note_text
from hotlinecompare.output.figures.style import city_colour, city_keys, city_label, city_marker, new_figure

PANELS = (("actual", "reg.title.outcome"), ("target", "reg.title.ambition"))
OPERATOR_SYMBOLS = {">=": "\u2265", "<=": "\u2264", ">": ">", "<": "<"}
NEUTRAL = "#555555"
FIT_COLOUR = "#009E73"
BAND_ALPHA = 0.2   # interval bands: light enough that lines and points on them stay legible
# Okabe–Ito colours and dash patterns per effect size, readable in greyscale too.
EFFECT_STYLES = (("#CC79A7", ":"), ("#56B4E9", "--"), ("#009E73", "-"))
TODAY_STYLE = {"color": "#000000", "linewidth": 1.0, "linestyle": "-."}
LABEL_PT = 6.0
LABEL_GAP_PT = 9.0  # from a point to its label: room for a leader when the label has to move
MAX_LABELLED = 12
MARKER_SIZE = 6.0
WAN = 1e4  # the documents' 万元


# --- the scatter ------------------------------------------------------------------------------

def _city_style(city: str) -> tuple[str, str, str]:
    """Colour, marker and display name; a city outside the place registry (a synthetic one) is drawn in grey."""
    if city in city_keys():
        return city_colour(city), city_marker(city), city
    return NEUTRAL, "o", city


def _name(city: str, lang: str) -> str:
    return city_label(city, lang) if city in city_keys() else city


def _measure_label(metrics: pl.DataFrame | None, key: str, lang: str) -> str:
    if metrics is not None:
        found = metrics.filter(pl.col("key") == key)
        if found.height:
            return found[f"label_{lang}"][0]
    return key


def _point_text(row: dict, metrics: pl.DataFrame | None, lang: str, decimals: int) -> str:
    """City, year and basis over the measure and value (e.g. ≥85.00%), the measure wrapped to stay narrow."""
    import textwrap

    op = OPERATOR_SYMBOLS.get(row.get("satisfaction_operator") or "", "")
    basis = label(f"reg.basis_word.{row['basis']}", lang)
    measure = f"{_measure_label(metrics, row['measure'], lang)} {op}{percent(row['satisfaction'], decimals)}"
    width = 13 if lang == "zh" else 30
    return "\n".join([f"{_name(row['city'], lang)} {row['fiscal_year']} {basis}",
                      *textwrap.wrap(measure, width, break_on_hyphens=False)])


def _label_points(ax, rows: pl.DataFrame, metrics, lang: str, xlim, decimals: int) -> None:
    """Name every point, beside it or on a leader, where nothing else is (figures/_placement.py).

    Points right of the middle are labelled on their left first, so labels stay over the plot; the
    highest point is placed first, so a crowd stacks downwards in the order of its points.
    """
    mid = np.sqrt(xlim[0] * xlim[1])
    rows = rows.sort(["satisfaction", "measure", "city", "fiscal_year"], descending=[True, False, False, False])
    labels = []
    for row in rows.iter_rows(named=True):
        x, colour = row["spending_yuan"] / WAN, _city_style(row["city"])[0]
        labels.append(Label(
            xy=(x, row["satisfaction"]), text=_point_text(row, metrics, lang, decimals),
            spots=beside(LABEL_GAP_PT, first="left" if x >= mid else "right"),
            options={"fontsize": LABEL_PT, "linespacing": 1.0, "color": colour},
            leader={"arrowstyle": "-", "color": colour, "linewidth": 0.4, "shrinkA": 1, "shrinkB": 3}))
    place_labels(ax, labels, avoid=list(ax.texts), markers=list(zip(rows["spending_yuan"] / WAN, rows["satisfaction"])),
                 marker_pt=MARKER_SIZE)


def _cited(row: dict) -> bool:
    return row.get("source_kind") == "citation" or row.get("spending_source_kind") == "citation"


def _draw_points(ax, rows: pl.DataFrame) -> None:
    for row in rows.iter_rows(named=True):
        colour, marker, _ = _city_style(row["city"])
        hollow = row["basis"] != "actual"
        # A point resting on a cited figure (satisfaction or spending) has a black edge.
        edge = "black" if _cited(row) else colour
        ax.plot(row["spending_yuan"] / WAN, row["satisfaction"], marker=marker, markersize=MARKER_SIZE,
                markerfacecolor="white" if hollow else colour, markeredgecolor=edge,
                markeredgewidth=1.2 if hollow or _cited(row) else 0.6, linestyle="none", zorder=3)


def _fit_groups(rows: pl.DataFrame, groups) -> list[tuple[list[str], pl.DataFrame]]:
    """Rows per fit: one group per measure by default, else the measures named in ``groups``."""
    if groups is None:
        return [([m], rows.filter(pl.col("measure") == m)) for m in sorted(set(rows["measure"].to_list()))]
    return [(list(ms), rows.filter(pl.col("measure").is_in(list(ms)))) for ms in groups]


def _draw_fits(ax, rows: pl.DataFrame, groups, metrics, lang: str, xlim, min_n: int) -> list[Line2D]:
    handles = []
    largest = 0
    for measures, sel in _fit_groups(rows, groups):
        largest = max(largest, sel.height)
        if sel.height < min_n:
            continue
        pooled = sel.with_columns(pl.lit("+".join(measures)).alias("measure"))
        grid = np.geomspace(sel["spending_yuan"].min(), sel["spending_yuan"].max(), 60)
        try:
            band = ols_band(pooled, grid)
        except ValueError:
            continue  # fit_ols refused (e.g. no spread in spending): the note below says so
        x = band["spending_yuan"].to_numpy() / WAN
        ax.fill_between(x, band["band_low"].to_numpy(), band["band_high"].to_numpy(), color=FIT_COLOUR,
                        alpha=BAND_ALPHA, linewidth=0, zorder=1)
        ax.plot(x, band["fitted"].to_numpy(), color=FIT_COLOUR, linewidth=1.2, zorder=2)
        name = (_measure_label(metrics, measures[0], lang) if len(measures) == 1
                else label("reg.legend.pooled", lang).format(k=len(measures)))
        handles.append(Line2D([], [], color=FIT_COLOUR, linewidth=1.2,
                              label=label("reg.legend.fit", lang).format(measure=name)))
    if not handles and rows.height:
        ax.text(0.02, 0.03, _wrapped(label("reg.note.no_fit", lang).format(n=largest, min_n=min_n), lang),
                transform=ax.transAxes, ha="left", va="bottom", fontsize=6.5, color=NEUTRAL,
                fontstyle="italic")
    return handles


def _wrapped(text: str, lang: str) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, 24 if lang == "zh" else 48, break_on_hyphens=False))


def _money_axis(ax, xlim) -> None:
    ax.set_xscale("log")
    ax.set_xlim(*xlim)
    ticks = [t for t in (100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000) if xlim[0] <= t <= xlim[1]]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))


def scatter_figure(panel: pl.DataFrame, metrics: pl.DataFrame | None = None, *, lang: str = "zh",
                   bases: Sequence[str] = ("actual", "target"), fit_groups: Sequence[Sequence[str]] | None = None,
                   min_n: int = MIN_CITY_YEARS, note: str | None = None, label_points: bool | None = None):
    """Satisfaction against total spending, one panel per basis in ``bases``.

    ``fit_groups``: the measures fitted together (None: each measure alone; pooling several is a
    deliberate choice and the legend names them). ``note``: the source note (default: the documents
    of the rows' fact ids). ``label_points``: name every point (default: when a panel has at most
    ``MAX_LABELLED`` points, as the real panel does).
    """
    rows = panel.filter(pl.col("spending_yuan").is_not_null() & pl.col("satisfaction").is_not_null())
    spending = rows["spending_yuan"].to_numpy() / WAN if rows.height else np.array([100.0, 10000.0])
    xlim = (spending.min() / 4.0, spending.max() * 4.0)
    low = min(0.75, np.floor((rows["satisfaction"].min() - 0.05) * 20) / 20) if rows.height else 0.75
    ylim = (low, 1.02)
    panels = [(b, key) for b, key in PANELS if b in bases]
    fig, axes = new_figure(1, len(panels), width_in=6.3, height_in=4.4, sharey=True, squeeze=False)
    handles: list = []
    to_label: list[tuple] = []
    for ax, (basis, title_key) in zip(axes[0], panels):
        sel = rows.filter(pl.col("basis") == basis)
        _money_axis(ax, xlim)
        ax.set_ylim(*ylim)
        handles += _draw_fits(ax, sel, fit_groups, metrics, lang, xlim, min_n)
        _draw_points(ax, sel)
        if label_points or (label_points is None and sel.height <= MAX_LABELLED):
            to_label.append((ax, sel))
        if not sel.height:
            ax.text(0.5, 0.5, label("reg.note.no_points", lang), transform=ax.transAxes, ha="center",
                    color=NEUTRAL, fontstyle="italic")
        ax.set_title(label(title_key, lang), loc="left", fontsize=8.5)
        ax.set_xlabel(label("reg.axis.spending", lang), fontsize=7.5)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes[0][0].set_ylabel(label("reg.axis.satisfaction", lang))
    present = set(rows["basis"].to_list())
    handles = [
        *([Line2D([], [], marker="o", markersize=MARKER_SIZE, color=NEUTRAL, linestyle="none",
                  label=label("reg.legend.actual", lang))] if "actual" in present else []),
        *([Line2D([], [], marker="o", markersize=MARKER_SIZE, markerfacecolor="white", markeredgecolor=NEUTRAL,
                  markeredgewidth=1.2, linestyle="none", label=label("reg.legend.target", lang))]
          if present - {"actual"} else []),
        *([Line2D([], [], marker="s", markersize=MARKER_SIZE, color=NEUTRAL, markeredgecolor="black",
                  markeredgewidth=1.2, linestyle="none", label=label("reg.legend.cited", lang))]
          if any(_cited(r) for r in rows.iter_rows(named=True)) else []),
        *handles,
    ]
    fig.legend(handles=handles, loc="outside upper center", ncols=min(len(handles), 3), fontsize=6.5,
               frameon=False)
    add_source_note(fig, note if note is not None else _panel_note(rows, lang))
    decimals = percent_decimals(rows["satisfaction"].to_list())  # one format for every label of the chart
    for ax, sel in to_label:  # last: labels are placed in the final layout, legend and note included
        _label_points(ax, sel, metrics, lang, xlim, decimals)
    return fig


def _panel_note(rows: pl.DataFrame, lang: str) -> str:
    docs = rows["fact_ids"].str.split(";").explode().str.extract(r"^(.+?)-L\d+", 1).drop_nulls()
    doc_keys = [f"doc.{d}" for d in sorted(set(docs.to_list()))]
    years = sorted({y for y in rows["fiscal_year"].to_list() if y is not None})
    year = None if not years else str(years[0]) if len(years) == 1 else f"{years[0]}\u2013{years[-1]}"
    cites = sorted({i for ids in rows["cite_ids"].to_list() if ids for i in ids.split(";")}) \
        if "cite_ids" in rows.columns else []
    if not cites:
        return source_note_text(doc_keys, "reg.basis.panel_sources", year, lang=lang)
    return (source_note_text(doc_keys, "reg.basis.panel_sources", year, lang=lang) + " "
            + label("reg.note.cited", lang).format(n=len(cites)))


@register("satisfaction_vs_spending", caption_key="reg.caption.scatter", tables=["satisfaction_panel", "metrics"])
def satisfaction_vs_spending(tables: dict[str, pl.DataFrame], *, lang: str = "zh"):
    return scatter_figure(tables["satisfaction_panel"], tables["metrics"], lang=lang)


# --- power ------------------------------------------------------------------------------------

def largest_group(panel: pl.DataFrame) -> int:
    """Today's data: the most city-years with paired spending for any one measure and basis."""
    paired = panel.filter(pl.col("spending_yuan").is_not_null())
    return int(paired.group_by("measure", "basis").len()["len"].max() or 0) if paired.height else 0


def power_figure(power: pl.DataFrame, *, lang: str = "zh", today: int | None = None,
                 assumptions: PowerAssumptions | None = None, target: float = 0.8):
    """Power against city-years: one panel per noise level, one line (and CP band) per effect size;
    a dot where each line first reaches ``target``, and a line at ``today``'s number of city-years."""
    assumptions = assumptions if assumptions is not None else PowerAssumptions()
    noises = sorted(set(power["noise_sd"].to_list()))
    effects = sorted(set(power["effect_per_doubling"].to_list()))
    needed = city_years_needed(power, target=target)
    fig, axes = new_figure(1, len(noises), width_in=6.3, height_in=3.5, sharey=True, squeeze=False)
    grid = sorted(set(power["n_obs"].to_list()))
    left = min(grid[0], today or grid[0]) * 0.85
    for ax, noise in zip(axes[0], noises):
        for effect, (colour, dash) in zip(effects, EFFECT_STYLES):
            cell = power.filter((pl.col("noise_sd") == noise) & (pl.col("effect_per_doubling") == effect)).sort("n_obs")
            n = cell["n_obs"].to_numpy()
            ax.fill_between(n, cell["power_ci_low"].to_numpy(), cell["power_ci_high"].to_numpy(), color=colour,
                            alpha=BAND_ALPHA, linewidth=0)
            ax.plot(n, cell["power"].to_numpy(), color=colour, linestyle=dash, linewidth=1.4,
                    label=label("reg.legend.per_doubling", lang).format(effect=f"{effect:g}"))
            first = needed.filter((pl.col("noise_sd") == noise) & (pl.col("effect_per_doubling") == effect))["n_point"][0]
            if first is not None:
                ax.plot([first], [target], marker="o", markersize=3.5, color=colour)
                ax.annotate(f"{first}", (first, target), xytext=(0, -9), textcoords="offset points",
                            ha="center", fontsize=6.5, color=colour)
        ax.axhline(target, color=NEUTRAL, linewidth=0.8, linestyle=(0, (4, 2)))
        if today is not None:
            ax.axvline(max(today, left * 1.05), **TODAY_STYLE)
        ax.set_xscale("log")
        ax.set_xlim(left, grid[-1] * 1.1)
        ticks = [t for t in (2, 4, 8, 16, 32, 64, 100) if left <= t <= grid[-1] * 1.1]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_ylim(0, 1.02)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_title(label("reg.title.power_noise", lang).format(noise=f"{noise:g}"), loc="left", fontsize=8.5)
        ax.set_xlabel(label("reg.axis.city_years", lang), fontsize=7.5)
    axes[0][0].set_ylabel(label("reg.axis.power", lang))
    handles, _ = axes[0][0].get_legend_handles_labels()
    handles.append(Line2D([], [], color=NEUTRAL, linewidth=0.8, linestyle=(0, (4, 2)),
                          label=label("reg.legend.power_target", lang)))
    if today is not None:
        handles.append(Line2D([], [], **TODAY_STYLE, label=label("reg.legend.today", lang).format(n=today)))
    fig.legend(handles=handles, loc="outside upper center", ncols=3, fontsize=6.5, frameon=False,
               title=label("reg.title.power", lang), title_fontsize=7.5)
    add_source_note(fig, label("reg.source_note.power", lang).format(
        reps=int(power["n_reps"][0]), spread=f"{assumptions.spending_log_sd:g}", alpha=f"{assumptions.alpha:g}"))
    return fig


@register("satisfaction_power", caption_key="reg.caption.power", tables=["satisfaction_panel"])
def satisfaction_power(tables: dict[str, pl.DataFrame], *, lang: str = "zh"):
    assumptions = PowerAssumptions()
    return power_figure(power_by_city_years(assumptions), lang=lang, today=largest_group(tables["satisfaction_panel"]),
                        assumptions=assumptions)
