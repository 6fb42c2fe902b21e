"""Figures in notebooks with alt text: an HTML ``<img alt=…>`` carrying the caption, and the PNG.

Neither JupyterLab nor nbconvert's HTML reads an alt text from ``image/png`` metadata, so the figure
is shown as HTML, an ``<img>`` with the caption as its alt text, and the caption as ``text/plain``
(the PNG is stored once, in the HTML). It is drawn without dates or versions, so a re-run writes
the same bytes; nbval compares the HTML with the image data masked (notebooks/sanitize.cfg).

In a notebook::

    show_figure("spending_mix_by_city", tables, lang="en")      # a registered figure
    show(scatter_figure(panel), alt="Satisfaction against spending, synthetic panel")
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure

from hotlinecompare.output.figures.labels import DEFAULT_LANG
from hotlinecompare.output.figures.layout import fitted_layout
from hotlinecompare.output.figures.registry import FigureRegistry, build_figure, figure_meta

# Shown at the figure's size at 96 px per inch, drawn a little finer (a notebook stays small).
SCREEN_PX_PER_IN = 96
_DRAW_DPI = 120


@dataclass(frozen=True)
class FigureImage:
    """A figure rendered once as PNG, displayed with its alt text; ``figure`` keeps the Figure."""

    figure: Figure
    alt: str
    png: bytes

    @property
    def width_px(self) -> int:
        return round(self.figure.get_size_inches()[0] * SCREEN_PX_PER_IN)

    def html(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt, quote=True)}" '
                f'width="{self.width_px}"/>')

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"text/html": self.html(), "text/plain": f"[figure] {self.alt}"}, {}


def show(fig: Figure, alt: str | None = None) -> FigureImage:
    """``fig`` as a notebook image whose alt text is ``alt`` (default: its caption, else its source note)."""
    meta = figure_meta(fig)
    text = alt or meta.caption or meta.source_note
    if not text:
        raise ValueError("a figure shown in a notebook needs an alt text: pass alt=… or build it with build_figure")
    fitted_layout(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_DRAW_DPI, metadata={"Software": None})
    return FigureImage(figure=fig, alt=text, png=buffer.getvalue())


def show_figure(name: str, tables: Mapping[str, Any], *, lang: str = DEFAULT_LANG, alt: str | None = None,
                registry: FigureRegistry | None = None) -> FigureImage:
    """A registered figure for a notebook cell, with its caption as alt text; see build_figure."""
    return show(build_figure(name, tables, lang=lang, registry=registry), alt=alt)
