"""Helpers shared by the comparison and provenance figures: basis styles, numbers, source notes.

Private (leading underscore), so ``load_figure_modules`` does not treat it as a figure module.
Every display string comes from labels.csv; basis is always drawn the same way:

- actual: filled;  budget: half-tone fill;  estimate: hatched;
- target: hollow outline (with its ≥/≤ written next to the value);  authorized: dashed outline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl
from matplotlib import colors as mcolors
from matplotlib.patches import Patch

from hotlinecompare.output.figures.labels import MissingLabelError, label
from hotlinecompare.output.figures.registry import source_note_text
from hotlinecompare.output.figures.style import city_keys, city_label

BASES = ("actual", "budget", "estimate", "target", "authorized")
OPERATOR_SYMBOLS = {">=": "\u2265", "<=": "\u2264", ">": ">", "<": "<", "=": "", "": ""}
GAP_COLOUR = "#8c8c8c"
# Okabe–Ito vermilion and bluish green: failed / passed in the provenance figures.
FAIL_COLOUR = "#D55E00"
PASS_COLOUR = "#009E73"


def optional_label(key: str, lang: str, default: str = "") -> str:
    """The label for ``key``, or ``default`` when labels.csv has no such key (e.g. a new recipe)."""
    try:
        return label(key, lang)
    except MissingLabelError:
        return default


def basis_label(basis: str, lang: str) -> str:
    """"budget/target" → "budget/target" in the figure's language: each part labelled."""
    return "/".join(optional_label(f"cmp.basis.{part}", lang, part) for part in basis.split("/"))


def basis_bar_style(basis: str, colour: str) -> dict:
    """Keyword arguments for ``ax.bar``/``barh``: the fill says the basis, the colour says the city."""
    # A compound basis ("budget/target": a budget over a target headcount) is drawn as its least
    # certain part: a cost over a target ceiling is a bound, not an outcome.
    parts = basis.split("/")
    main = next((b for b in ("target", "authorized", "estimate", "budget", "actual") if b in parts), basis)
    if main == "actual":
        return {"facecolor": colour, "edgecolor": colour, "linewidth": 0.8}
    if main == "budget":
        return {"facecolor": mcolors.to_rgba(colour, 0.45), "edgecolor": colour, "linewidth": 0.8}
    if main == "estimate":
        return {"facecolor": "white", "edgecolor": colour, "hatch": "////", "linewidth": 0.8}
    if main == "authorized":
        return {"facecolor": "white", "edgecolor": colour, "linestyle": "--", "linewidth": 1.1}
    return {"facecolor": "white", "edgecolor": colour, "linewidth": 1.3}  # target and anything else: hollow


def basis_handles(bases: Iterable[str], lang: str, colour: str = "#555555") -> list[Patch]:
    """Legend swatches for the (possibly compound) bases present; bases drawn alike share one swatch."""
    by_style: dict[str, list[str]] = {}
    rank = {b: i for i, b in enumerate(BASES)}
    for b in sorted(set(bases), key=lambda b: (b.count("/"), [rank.get(p, 9) for p in b.split("/")], b)):
        by_style.setdefault(repr(sorted(basis_bar_style(b, colour).items())), []).append(b)
    return [Patch(label=label("cmp.basis_join", lang).join(basis_label(b, lang) for b in group),
                  **basis_bar_style(group[0], colour)) for group in by_style.values()]


def operator_text(operator: str | None) -> str:
    return OPERATOR_SYMBOLS.get(operator or "", operator or "")


def thousands(value: float, decimals: int = 0) -> str:
    """12,345 / 1,234.5: the same in both languages."""
    return f"{value:,.{decimals}f}"


def percent(fraction: float, decimals: int | None = None) -> str:
    """0.1234 → "12.34%"; with ``decimals`` None, as many as the value needs (at most two): 0.8 → "80%".

    A chart writes all its percentages alike: pass ``percent_decimals`` of the values it shows.
    """
    if decimals is not None:
        return f"{fraction * 100:.{decimals}f}%"
    text = f"{fraction * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def percent_decimals(fractions: Iterable[float | None]) -> int:
    """The decimals (0–2) the most precise of ``fractions`` needs as a percentage: one format per chart."""
    needed = [len(percent(f)[:-1].partition(".")[2]) for f in fractions if f is not None]
    return max(needed, default=0)


def money_scale(lang: str) -> tuple[float, str]:
    """Divisor from yuan and the axis label key: wan yuan (10,000 yuan), the documents' own unit, in both languages."""
    return 1e4, "cmp.axis.wan_yuan"


def money_text(yuan: float, lang: str) -> str:
    """An amount in wan yuan with the documents' two decimals, always written: 2,754.90, 725.00."""
    divisor, _ = money_scale(lang)
    return thousands(yuan / divisor, 2)


def wrap(text: str, width: int) -> str:
    """Break a tick label into lines of about ``width`` characters (CJK text breaks anywhere)."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def city_order(frame: pl.DataFrame, *others: str) -> pl.DataFrame:
    """Rows sorted by the place registry's order, then by ``others`` (nulls last)."""
    order = {key: i for i, key in enumerate(city_keys())}
    return (frame.with_columns(pl.col("city").replace_strict(order, default=len(order), return_dtype=pl.Int64)
                               .alias("_city_order"))
            .sort("_city_order", *others, nulls_last=True).drop("_city_order"))


def row_title(city: str, year: int | None, lang: str) -> str:
    """"Suzhou 2024", or "Guangzhou (year not stated)" when the document states no year."""
    if year is None:
        return label("cmp.row.undated", lang).format(city=city_label(city, lang))
    return f"{city_label(city, lang)} {year}"


def doc_keys(doc_ids: Iterable[str]) -> list[str]:
    """Label keys ("doc.sz2024pt") of the documents, in the order given, each once."""
    return [f"doc.{d}" for d in dict.fromkeys(d for d in doc_ids if d)]


def years_text(frame: pl.DataFrame, lang: str) -> str:
    """The fiscal years of ``frame`` as "2022–2026", noting the cities whose documents state none."""
    years = sorted({y for y in frame["fiscal_year"].to_list() if y is not None})
    text = "" if not years else str(years[0]) if len(years) == 1 else f"{years[0]}\u2013{years[-1]}"
    undated = city_order(frame.filter(pl.col("fiscal_year").is_null()).select("city").unique())["city"].to_list()
    if not undated:
        return text or label("year.undated", lang)
    cities = label("source_note.document_separator", lang).join(city_label(c, lang) for c in undated)
    if not text:
        return label("year.undated", lang)
    return label("cmp.year.with_undated", lang).format(years=text, cities=cities)


def with_doc_id(frame: pl.DataFrame, fact_ids: str = "inputs") -> pl.DataFrame:
    """``frame`` with a doc_id column: as given, else read off its fact ids ("sz2024pt-L0230-2" → sz2024pt)."""
    if "doc_id" in frame.columns:
        return frame
    first = pl.col(fact_ids).str.split(";").list.first().str.extract(r"^(.+?)-L\d+", 1)
    return frame.with_columns(first.alias("doc_id"))


def note(frames: Sequence[pl.DataFrame], basis_key: str, lang: str) -> str:
    """The source note for figures drawn from ``frames`` (each with city, fiscal_year and doc_id or inputs)."""
    used = city_order(pl.concat([with_doc_id(f).select("doc_id", "city", "fiscal_year") for f in frames]),
                      "doc_id")
    return source_note_text(doc_keys(used["doc_id"].to_list()), basis_key, years_text(used, lang), lang=lang)


GAP_TEXT = {"color": GAP_COLOUR, "fontstyle": "italic", "va": "center", "ha": "left", "fontsize": 6.5}


def legend_below(ax, handles: Sequence, *, ncols: int) -> None:
    """A legend filling ``ax``, an empty axes row under the plot, so the layout keeps it clear of the note."""
    ax.set_axis_off()
    ax.legend(handles=handles, loc="upper center", ncols=ncols, fontsize=6.5, frameon=False,
              handlelength=1.4, columnspacing=1.0, borderaxespad=0)
