"""Provenance figures: where every number of every document went, and which identities hold.

``provenance_accounting`` splits each document's numeric tokens into those in facts, those a
parser skipped with a reason, those a token pattern explains (years, hotline numbers, …) and any
left unrecognised. ``provenance_checks`` counts the reconciliation checks passed and failed per
document: a failure is reported, not hidden, because the documents themselves disagree.
"""

from __future__ import annotations

import polars as pl
from matplotlib.patches import Patch

from hotlinecompare.output.figures._common import (
    FAIL_COLOUR,
    PASS_COLOUR,
    city_order,
    legend_below,
    note,
    optional_label,
    thousands,
)
from hotlinecompare.output.figures.labels import label
from hotlinecompare.output.figures.registry import add_source_note, register
from hotlinecompare.output.figures.style import city_label, new_figure

# Token outcomes, left to right, with their shades: facts darkest, the unaccounted-for in vermilion.
TOKEN_PARTS = (("in_facts", "#08519c"), ("skipped", "#6baed6"), ("explained", "#c6dbef"),
               ("unrecognised", FAIL_COLOUR))


def doc_label(doc_id: str, city: str, lang: str) -> str:
    """A short name for a document ("Suzhou 2024 project targets"), else city and id."""
    return optional_label(f"prov.doc.{doc_id}", lang, f"{city_label(city, lang)} {doc_id}")


def document_years(facts: pl.DataFrame) -> pl.DataFrame:
    """doc_id, city, fiscal_year for the source note: the years each document's facts refer to."""
    return facts.select("doc_id", "city", "fiscal_year").unique()


def _bars(ax, frame: pl.DataFrame, parts, lang: str, key_prefix: str) -> list[Patch]:
    for y, r in enumerate(frame.iter_rows(named=True)):
        left = 0
        for part, colour in parts:
            ax.barh(y, r[part], left=left, height=0.6, color=colour, edgecolor="white", linewidth=0.5)
            left += r[part]
    ax.set_yticks(range(frame.height), [doc_label(d, c, lang) for d, c in zip(frame["doc_id"], frame["city"])],
                  fontsize=7)
    ax.set_ylim(frame.height - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    return [Patch(color=colour, label=label(f"{key_prefix}.{part}", lang)) for part, colour in parts]


@register("provenance_accounting", caption_key="prov.caption.accounting", tables=["accounting", "facts"])
def provenance_accounting(tables: dict[str, pl.DataFrame], *, lang: str = "zh"):
    accounting = city_order(tables["accounting"], "doc_id")
    fig, (ax, legend_ax) = new_figure(2, 1, height_ratios=[5, 1])
    handles = _bars(ax, accounting, TOKEN_PARTS, lang, "prov.tokens")
    for y, r in enumerate(accounting.iter_rows(named=True)):
        ax.text(r["tokens"], y, " " + label("prov.tokens.total", lang).format(
            tokens=thousands(r["tokens"]), pct=f"{r['accounted_pct']:g}%"),
            va="center", ha="left", fontsize=6.5)
    ax.set_xlim(0, accounting["tokens"].max() * 1.55)
    ax.set_xlabel(label("prov.axis.tokens", lang))
    ax.set_title(label("prov.title.accounting", lang), loc="left")
    legend_below(legend_ax, handles, ncols=4)
    add_source_note(fig, note([document_years(tables["facts"])], "prov.basis.accounting", lang))
    return fig


@register("provenance_checks", caption_key="prov.caption.checks", tables=["checks", "accounting", "facts"])
def provenance_checks(tables: dict[str, pl.DataFrame], *, lang: str = "zh"):
    counts = (tables["checks"].group_by("doc_id")
              .agg(pl.col("passed").sum().cast(pl.Int64).alias("passed"),
                   (~pl.col("passed")).sum().cast(pl.Int64).alias("failed")))
    # Every document of the build, with zero checks where it has none.
    docs = tables["accounting"].select("doc_id", "city")
    counts = city_order(docs.join(counts, on="doc_id", how="left").fill_null(0), "doc_id")
    fig, (ax, legend_ax) = new_figure(2, 1, height_ratios=[5, 1])
    parts = (("passed", PASS_COLOUR), ("failed", FAIL_COLOUR))
    handles = _bars(ax, counts, parts, lang, "prov.checks")
    for y, r in enumerate(counts.iter_rows(named=True)):
        ax.text(r["passed"] + r["failed"], y, " " + label("prov.checks.total", lang).format(
            failed=r["failed"], total=r["passed"] + r["failed"]), va="center", ha="left", fontsize=6.5,
            color=FAIL_COLOUR if r["failed"] else "#333333")
    ax.set_xlim(0, max((counts["passed"] + counts["failed"]).max(), 1) * 1.3)
    ax.set_xlabel(label("prov.axis.checks", lang))
    ax.set_title(label("prov.title.checks", lang), loc="left")
    legend_below(legend_ax, handles, ncols=2)
    add_source_note(fig, note([document_years(tables["facts"])], "prov.basis.checks", lang))
    return fig
