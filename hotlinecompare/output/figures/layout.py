"""Layout that keeps every figure inside its canvas, and the text boxes tests and notebooks check.

Constrained layout places axes so that their decorations fit, but it stops after two passes: a
panel title much wider than its panel, or long tick labels in a narrow column, can still poke out
of the figure. ``FittedLayout`` runs constrained layout, measures what is drawn outside the
canvas (less a small margin) and shrinks the layout area by that much, until nothing is.
"""

from __future__ import annotations

import re
from functools import cache

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

# Blank border kept round every figure, in points (about 8 px at 300 dpi).
MARGIN_PT = 2.0
_FIT_ROUNDS = 4
_MIN_SHARE = 0.6  # the layout area never shrinks below this share of what was asked for
# Widths are measured as the 300-dpi PNG draws them (hinted glyphs run ~2 % wider than their
# outlines); a further 1 % keeps a line clear of the edge in every format.
_MEASURE_DPI = 300
_WIDTH_SLACK = 1.01


class FittedLayout(ConstrainedLayoutEngine):
    """Constrained layout, then pulled in wherever anything still lies outside the canvas.

    ``rect`` (set by ``set(rect=...)``, e.g. to keep room for the source note) is what was asked
    for; each layout starts from it again, so repeated draws and exports give the same result.
    """

    def execute(self, fig: Figure) -> None:
        requested = self._params["rect"]
        left, bottom, width, height = requested
        try:
            super().execute(fig)
            for _ in range(_FIT_ROUNDS):
                over_left, over_bottom, over_right, over_top = _overflow(fig)
                if not any((over_left, over_bottom, over_right, over_top)):
                    break
                left, bottom = left + over_left, bottom + over_bottom
                width -= over_left + over_right
                height -= over_bottom + over_top
                if width < _MIN_SHARE * requested[2] or height < _MIN_SHARE * requested[3]:
                    break  # something is anchored far off the canvas: shrinking the plot cannot bring it in
                self._params["rect"] = (left, bottom, width, height)
                super().execute(fig)
        finally:
            self._params["rect"] = requested


def fitted_layout(fig: Figure) -> FittedLayout:
    """Give ``fig`` a FittedLayout with its current constrained-layout settings (if it has one)."""
    engine = fig.get_layout_engine()
    if isinstance(engine, FittedLayout):
        return engine
    params = engine.get() if isinstance(engine, ConstrainedLayoutEngine) else {}
    fitted = FittedLayout(**params)
    fig.set_layout_engine(fitted)
    return fitted


def _overflow(fig: Figure) -> tuple[float, float, float, float]:
    """How far (figure fraction) drawn artists reach past the canvas less MARGIN_PT: left, bottom, right, top."""
    renderer = fig._get_renderer()
    box = fig.get_tightbbox(renderer).transformed(fig.dpi_scale_trans)  # display units → pixels
    width, height = fig.bbox.width, fig.bbox.height
    margin = MARGIN_PT * fig.dpi / 72
    sides = (margin - box.x0, margin - box.y0, box.x1 - (width - margin), box.y1 - (height - margin))
    scale = (width, height, width, height)
    return tuple(max(0.0, side / size) for side, size in zip(sides, scale))


# --- text boxes, for checks ---------------------------------------------------------------------

def drawn_texts(fig: Figure, renderer) -> list[Text]:
    """Every non-empty text ``fig`` draws (after a draw with ``renderer``): figure texts, legends,
    titles, axis and tick labels, annotations."""
    texts: list[Text] = list(fig.texts)
    for legend in fig.legends:
        texts += [legend.get_title(), *legend.get_texts()]
    for ax in fig.axes:
        texts += _axes_texts(ax)
    return [t for t in texts if t.get_visible() and t.get_text().strip()
            and not (isinstance(t, Annotation) and not t._check_xy(renderer))]  # off-axes points are not drawn


def text_box(text: Text, renderer) -> Bbox:
    """The window extent of a text's glyphs alone (an annotation's arrow left out)."""
    return Text.get_window_extent(text, renderer)


def _axes_texts(ax: Axes) -> list[Text]:
    if not ax.get_visible():
        return []
    legend = ax.get_legend()
    texts = [legend.get_title(), *legend.get_texts()] if legend is not None else []
    if ax.axison:
        texts += [ax.title, ax._left_title, ax._right_title]
        for axis in (ax.xaxis, ax.yaxis):
            texts += [axis.label, axis.get_offset_text()]
            for tick in axis._update_ticks():  # the ticks inside the view limits: those drawn
                texts += [tick.label1, tick.label2]  # an unused label is invisible or empty
    return texts + list(ax.texts)


# --- wrapping text to a width -------------------------------------------------------------------

# matplotlib wraps only at spaces, which Chinese lacks: wrap after any CJK character or Latin word,
# never putting closing punctuation at the start of a line (it takes the character before it along).
_TOKEN = re.compile(r"[\u2e80-\uffff]|\S+?(?=[\u2e80-\uffff])|\S+|\s+")
_NO_LINE_START = set("，。；：、）》」』】！？,.;:)%")


def wrap_to_width(text: str, max_width_pt: float, fontsize: float) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width_pt`` in the house sans-serif at ``fontsize``."""
    font = FontProperties(size=fontsize)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        for token in _TOKEN.findall(paragraph):
            if line and text_width_pt("".join(line) + token.rstrip(), font) > max_width_pt:
                carried = _carry(line, token)
                if any(t.strip() for t in line):
                    lines.append("".join(line).rstrip())
                    line = carried + ([token] if token.strip() else [])
                    continue
                line += carried  # nothing would be left to end the line with: keep it whole
            line.append(token)
        lines.append("".join(line).rstrip())
    return lines


def _carry(line: list[str], token: str) -> list[str]:
    """Tokens to move from the end of a full ``line`` to the next, so that ``token`` does not start it."""
    if not token or token[0] not in _NO_LINE_START:
        return []
    keep = len(line) - 1
    while keep > 0 and not line[keep].strip():
        keep -= 1
    carried = line[keep:]
    del line[keep:]
    return [t for t in carried if t.strip()]


def text_width_pt(text: str, font: FontProperties) -> float:
    """Width of ``text`` in points as the PNG export draws it, with a little slack."""
    width_px = _renderer().get_text_width_height_descent(text, font, ismath=False)[0]
    return width_px * 72 / _MEASURE_DPI * _WIDTH_SLACK


@cache
def _renderer() -> RendererAgg:
    return RendererAgg(1, 1, _MEASURE_DPI)
