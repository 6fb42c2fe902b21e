"""House style: a CJK font, a paper-like seaborn theme sized for A4, and one look per city.

Call ``use_house_style()`` at the start of every figure function and at the top of a
notebook; use ``with house_style():`` where the previous rcParams must come back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib as mpl
from matplotlib import colors as mcolors
from matplotlib import font_manager
from matplotlib.figure import Figure

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.places import load_registry
from hotlinecompare.output.figures.labels import DEFAULT_LANG, check_lang
from hotlinecompare.output.figures.layout import FittedLayout

# A4 half-page figures: 16 cm wide, read at 100 %.
FIGURE_WIDTH_IN = 6.3
FIGURE_HEIGHT_IN = 3.6
BASE_FONT_PT = 9.0
NOTE_FONT_PT = 7.0
NOTE_COLOUR = "#595959"
EXPORT_DPI = 300

CJK_FAMILY = "Noto Sans SC"
# DejaVu Sans (shipped with matplotlib) catches any symbol Noto Sans SC lacks.
SANS_SERIF = [CJK_FAMILY, "DejaVu Sans"]

# Okabe & Ito (2008), "Color Universal Design": distinguishable with common colour-vision deficiencies.
OKABE_ITO = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")

# Cities are the places of the registry (data/raw/places.csv, see extract/places.py) that have a look;
# `add` gives a new place the first unused look of data/place_palette.csv.
CITIES_PATH = "data/raw/places.csv"


# --- fonts and theme -------------------------------------------------------------------------

def bundled_font_path() -> Path:
    """Path of the Noto Sans SC font file shipped by PyPI's pylopdf-fonts-zh-cn (OpenType/CFF .otf)."""
    import pylopdf_fonts_zh_cn

    return Path(pylopdf_fonts_zh_cn.sans_path())


@cache
def cjk_font_path() -> Path:
    """Path of the font figures use: the bundled Noto Sans SC converted to TrueType (cached per machine)."""
    from hotlinecompare.output.figures.truetype import truetype_copy

    return truetype_copy(bundled_font_path())


def register_cjk_font() -> str:
    """Make Noto Sans SC known to matplotlib (once per process); return its family name."""
    path = cjk_font_path()
    if not any(Path(entry.fname) == path for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(path))
    return CJK_FAMILY


def house_rc() -> dict[str, Any]:
    """The rcParams of the house style: seaborn "whitegrid" + "paper", then fonts, sizes and export."""
    import seaborn

    register_cjk_font()
    rc: dict[str, Any] = {}
    rc.update(seaborn.axes_style("whitegrid"))
    rc.update(seaborn.plotting_context("paper"))
    # seaborn's styles set font.sans-serif to Arial etc., so the CJK font is set after them.
    rc.update({
        "font.family": "sans-serif",
        "font.sans-serif": SANS_SERIF,
        "axes.unicode_minus": False,
        "font.size": BASE_FONT_PT,
        "axes.titlesize": BASE_FONT_PT + 1,
        "axes.labelsize": BASE_FONT_PT,
        "xtick.labelsize": BASE_FONT_PT - 1,
        "ytick.labelsize": BASE_FONT_PT - 1,
        "legend.fontsize": BASE_FONT_PT - 1,
        "legend.title_fontsize": BASE_FONT_PT - 1,
        "figure.titlesize": BASE_FONT_PT + 2,
        "figure.figsize": (FIGURE_WIDTH_IN, FIGURE_HEIGHT_IN),
        "figure.facecolor": "white",
        "figure.constrained_layout.use": True,
        "axes.prop_cycle": mpl.cycler(color=OKABE_ITO),
        "savefig.dpi": EXPORT_DPI,
        "savefig.facecolor": "white",
        # Glyphs become outlines, so the SVG looks the same without the font installed.
        "svg.fonttype": "path",
        # A fixed salt keeps SVG element ids stable, so re-exports are byte-identical.
        "svg.hashsalt": "hotlinecompare",
        # The font is a TrueType conversion of Noto Sans SC (figures/truetype.py), so PDFs embed a
        # subset of it as a real TrueType font (Type 42, searchable), not Type 3 glyph procedures,
        # which print preflights flag (the CFF original cannot be embedded as Type 42).
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
    })
    return rc


def use_house_style() -> None:
    """Apply the house style to matplotlib's global rcParams; calling it again changes nothing."""
    mpl.rcParams.update(house_rc())


@contextmanager
def house_style() -> Iterator[None]:
    """Apply the house style inside a ``with`` block and restore the previous rcParams after it."""
    with mpl.rc_context():
        use_house_style()
        yield


def new_figure(nrows: int = 1, ncols: int = 1, *, width_in: float = FIGURE_WIDTH_IN,
               height_in: float = FIGURE_HEIGHT_IN, **subplots_kw: Any) -> tuple[Figure, Any]:
    """A house-style figure and its axes, as ``fig, ax = new_figure()``.

    The figure is not registered with pyplot: nothing to close, and a notebook shows it
    once (as the cell's value) rather than twice.
    """
    use_house_style()
    fig = Figure(figsize=(width_in, height_in), layout=FittedLayout())
    return fig, fig.subplots(nrows, ncols, **subplots_kw)


def greyscale(colour: str) -> float:
    """Luma (ITU-R BT.601, as Pillow's convert("L")) of a colour, 0 = black, 1 = white."""
    red, green, blue = mcolors.to_rgb(colour)
    return 0.299 * red + 0.587 * green + 0.114 * blue


# --- cities ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class City:
    """A place of the registry with a look: its names and its fixed colour, hatch and marker in every chart."""

    key: str
    name_zh: str
    name_en: str
    pinyin: str
    admin_level: str
    colour: str
    hatch: str
    marker: str

    def name(self, lang: str = DEFAULT_LANG) -> str:
        return {"zh": self.name_zh, "en": self.name_en}[check_lang(lang)]


class UnknownCityError(HotlineError, KeyError):
    """A city key that has no look in the place registry."""

    __str__ = BaseException.__str__


def cities() -> tuple[City, ...]:
    """All cities in registry order, which is also the order to plot them in."""
    return tuple(_load_cities().values())


def city_keys() -> tuple[str, ...]:
    return tuple(_load_cities())


def city(city_key: str) -> City:
    try:
        return _load_cities()[city_key]
    except KeyError:
        raise UnknownCityError(f"unknown city {city_key!r}", file=str(CITIES_PATH),
                               found=city_key, expected=", ".join(_load_cities())) from None


def city_colour(city_key: str) -> str:
    return city(city_key).colour


def city_hatch(city_key: str) -> str:
    return city(city_key).hatch


def city_marker(city_key: str) -> str:
    return city(city_key).marker


def city_label(city_key: str, lang: str = DEFAULT_LANG) -> str:
    return city(city_key).name(lang)


def city_bar_style(city_key: str) -> dict[str, str]:
    """Keyword arguments for ``ax.bar`` and friends: fill, hatch, and a hatch colour visible on the fill."""
    c = city(city_key)
    # Hatches take the edge colour: light lines on dark fills, dark lines on light ones.
    edge = "white" if greyscale(c.colour) < 0.5 else "#333333"
    return {"color": c.colour, "hatch": c.hatch, "edgecolor": edge}


def city_line_style(city_key: str) -> dict[str, str]:
    """Keyword arguments for ``ax.plot`` and friends: line colour and marker."""
    c = city(city_key)
    return {"color": c.colour, "marker": c.marker}


def _load_cities() -> dict[str, City]:
    return _styled(load_registry())


@cache
def _styled(registry: tuple) -> dict[str, City]:
    table: dict[str, City] = {}
    for place in registry:
        if not place.colour_hex:   # a reference row (a parent, a place without documents): not drawn
            continue
        if not mcolors.is_color_like(place.colour_hex):
            raise HotlineError("colour_hex is not a colour", file=CITIES_PATH, found=place.colour_hex,
                               hint=f"fix the row of {place.key!r}")
        table[place.key] = City(key=place.key, name_zh=place.name_zh, name_en=place.name_en, pinyin=place.pinyin,
                                admin_level=place.admin_level, colour=place.colour_hex, hatch=place.hatch,
                                marker=place.marker)
    return table
