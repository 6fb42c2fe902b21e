"""Figures: house style with Chinese fonts, a registry of figure functions, deterministic export.

Figure functions plug in with ``@register``; ``export_figures`` writes PNG/SVG/PDF and a
README.md. In a notebook, ``use_house_style()`` once and ``build_figure(name, tables)``
(or any figure function) displays the figure as the cell's value.
"""

from __future__ import annotations

import importlib
import os
import sys

import matplotlib


def _chosen_backend() -> str | None:
    """The backend already chosen (rcParams, MPLBACKEND, matplotlib.use), or None if none yet.

    Plain ``matplotlib.get_backend()`` would not answer this: when nothing is chosen it
    resolves a backend itself (importing pyplot and probing GUI toolkits).
    """
    if matplotlib.__version_info__ >= (3, 10):
        return matplotlib.get_backend(auto_select=False)
    return matplotlib.rcParams._get_backend_or_none()  # matplotlib 3.9


def _has_display() -> bool:
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _in_ipython_kernel() -> bool:
    ipython = sys.modules.get("IPython")
    return ipython is not None and ipython.get_ipython() is not None


_INLINE_BACKENDS = ("inline", "module://matplotlib_inline.backend_inline")


def _select_backend() -> None:
    backend = _chosen_backend()
    if backend is None and not _has_display():
        matplotlib.use("Agg")
    elif backend in _INLINE_BACKENDS and _in_ipython_kernel():
        # Loading the inline backend registers IPython's Figure formatter, so figures made
        # without pyplot (new_figure) display as a cell's value. pyplot does this lazily too.
        importlib.import_module("matplotlib_inline.backend_inline")


_select_backend()

from hotlinecompare.output.figures.labels import (  # noqa: E402
    LANGS,
    MissingLabelError,
    UnknownLanguageError,
    label,
    label_keys,
)
from hotlinecompare.output.figures.registry import (  # noqa: E402
    FORMATS,
    REGISTRY,
    FigureMeta,
    FigureRegistry,
    FigureSpec,
    UnknownFigureError,
    add_source_note,
    build_figure,
    export_figures,
    figure_meta,
    load_figure_modules,
    register,
    registered,
    source_note_text,
)
from hotlinecompare.output.figures.style import (  # noqa: E402
    City,
    cities,
    city,
    city_bar_style,
    city_colour,
    city_hatch,
    city_keys,
    city_label,
    city_line_style,
    city_marker,
    house_style,
    new_figure,
    use_house_style,
)

__all__ = [
    # labels
    "LANGS", "MissingLabelError", "UnknownLanguageError", "label", "label_keys",
    # registry and export
    "FORMATS", "REGISTRY", "FigureMeta", "FigureRegistry", "FigureSpec", "UnknownFigureError",
    "add_source_note", "build_figure", "export_figures", "figure_meta", "load_figure_modules",
    "register", "registered", "source_note_text",
    # style and cities
    "City", "cities", "city", "city_bar_style", "city_colour", "city_hatch", "city_keys", "city_label",
    "city_line_style", "city_marker", "house_style", "new_figure", "use_house_style",
]
