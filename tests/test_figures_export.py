"""Every registered figure, from every figure module, exports in Chinese and English: no missing
glyphs, not blank, at its own size × 300 dpi, SVG and PDF alongside, byte-identical when redone.

The tables are built from data/raw into a temporary folder exactly as the build writes them, and
passed as the CLI passes them (every parquet by file stem), so the test does not depend on the
state of data/clean. The comparison figures' promises (gaps shown, targets hollow, items only)
are specified at the end.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from PIL import Image

from hotlinecompare import api, paths
from hotlinecompare.output.figures import (
    LANGS,
    build_figure,
    export_figures,
    figure_meta,
    label,
    load_figure_modules,
    registered,
)
from hotlinecompare.output.figures.comparison import NOT_ITEMISED, spending_bars
from hotlinecompare.output.figures.style import EXPORT_DPI

ROOT = Path(__file__).resolve().parent.parent
load_figure_modules()
NAMES = [spec.name for spec in registered()]
CASES = [(name, lang) for name in NAMES for lang in LANGS]
SIZE_TOLERANCE_PX = 2
MIN_PIXEL_STD = 10  # grey levels (0–255): a blank or single-colour image is ~0
OURS = {"spending_mix_by_city", "unit_costs_by_model", "staffing_models", "service_targets_actuals",
        "annual_cost_history", "provenance_accounting", "provenance_checks"}


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    api.rebuild(paths.raw_dir(), out)
    return out


@pytest.fixture(scope="module")
def tables(clean) -> dict[str, pl.DataFrame]:
    return {p.stem: pl.read_parquet(p) for p in sorted(clean.glob("*.parquet"))}


@pytest.fixture(scope="module")
def exported(tables, tmp_path_factory):
    """All figures in both languages; a missing glyph is an error, a font fallback is recorded."""
    out = tmp_path_factory.mktemp("figures")
    fonts = _Records()
    logger = logging.getLogger("matplotlib.font_manager")
    logger.addHandler(fonts)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message=".*missing from font.*")
            written = [p for lang in LANGS for p in export_figures(tables, out, lang=lang)]
    finally:
        logger.removeHandler(fonts)
    return out, written, fonts.messages


def test_every_figure_module_registers_figures_and_ours_are_among_them():
    assert set(NAMES) >= OURS


def test_every_figure_is_written_in_every_language_and_format(exported):
    out, written, _ = exported
    expected = {f"{name}_{lang}.{fmt}" for name, lang in CASES for fmt in ("png", "svg", "pdf")}
    assert {p.name for p in written} == expected
    assert (out / "README.md").exists()


def test_no_glyph_is_missing_and_no_font_falls_back(exported):
    _, _, font_messages = exported
    assert not [m for m in font_messages if "findfont" in m or "missing" in m]


@pytest.mark.parametrize("name,lang", CASES)
def test_png_is_not_blank(exported, name, lang):
    out, _, _ = exported
    with Image.open(out / f"{name}_{lang}.png") as png:
        grey = np.asarray(png.convert("L"), dtype=float)
        colours = png.convert("RGB").getcolors(maxcolors=1 << 24)
    assert grey.std() > MIN_PIXEL_STD
    assert len(colours) > 1


@pytest.mark.parametrize("name,lang", CASES)
def test_png_is_the_figure_size_at_300_dpi(exported, tables, name, lang):
    out, _, _ = exported
    width_in, height_in = build_figure(name, tables, lang=lang).get_size_inches()
    with Image.open(out / f"{name}_{lang}.png") as png:
        width, height = png.size
        dpi = png.info["dpi"]
    assert abs(width - width_in * EXPORT_DPI) <= SIZE_TOLERANCE_PX
    assert abs(height - height_in * EXPORT_DPI) <= SIZE_TOLERANCE_PX
    assert dpi == pytest.approx((EXPORT_DPI, EXPORT_DPI), abs=0.01)


@pytest.mark.parametrize("name,lang", CASES)
def test_svg_and_pdf_exist_and_are_not_empty(exported, name, lang):
    out, _, _ = exported
    svg, pdf = out / f"{name}_{lang}.svg", out / f"{name}_{lang}.pdf"
    assert svg.stat().st_size > 1000 and svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert pdf.stat().st_size > 1000 and pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("name,lang", CASES)
def test_pdfs_embed_truetype_fonts_not_type3(exported, name, lang):
    """Print preflights flag Type 3 fonts: every font is an embedded TrueType subset (FontFile2)."""
    import io
    import re
    import zlib

    from fontTools.ttLib import TTFont

    out, _, _ = exported
    pdf = (out / f"{name}_{lang}.pdf").read_bytes()
    assert b"/Type3" not in pdf
    programs = re.findall(rb"/FontFile2 (\d+) 0 R", pdf)
    assert programs and len(programs) == pdf.count(b"/Type /FontDescriptor")
    for number in programs:
        head = re.search(rb"(?:^|\n)" + number + rb" 0 obj\s*<<.*?>>\s*stream\r?\n", pdf, re.S)
        data = zlib.decompress(pdf[head.end():pdf.index(b"endstream", head.end())])
        assert "glyf" in TTFont(io.BytesIO(data))


def test_re_export_in_fresh_processes_is_byte_identical(exported, clean, tmp_path):
    """The CLI, one process per language with different hash seeds, rewrites identical bytes."""
    out, written, _ = exported
    again = tmp_path / "again"
    runs = [subprocess.Popen([sys.executable, "-m", "hotlinecompare.cli", "figures", "--clean", str(clean),
                              "--out", str(again / lang), "--lang", lang],
                             env={**os.environ, "PYTHONHASHSEED": seed, "MPLBACKEND": "Agg"},
                             stdout=subprocess.DEVNULL, cwd=ROOT)
            for lang, seed in zip(LANGS, ("1", "2"))]
    assert [run.wait(timeout=300) for run in runs] == [0] * len(runs)
    for path in written:
        lang = path.stem.rsplit("_", 1)[1]
        assert (again / lang / path.name).read_bytes() == path.read_bytes(), path.name


def test_readme_lists_every_figure_with_its_caption_and_source_note(exported):
    out, _, _ = exported
    readme = (out / "README.md").read_text(encoding="utf-8")
    for spec in registered():
        for lang in LANGS:
            assert f"<!-- figure {spec.name} {lang} -->" in readme
            assert f"- Caption: {spec.caption(lang)}\n" in readme
    assert readme.count("- Source note: ") == len(CASES)


# --- what the comparison figures promise ------------------------------------------------------

def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


def test_unit_costs_that_cannot_be_computed_appear_as_annotated_gaps(tables):
    gaps = tables["unit_costs"].filter(
        pl.col("measure").is_in(["cost_per_staff_year", "cost_per_seat_year"]) & pl.col("value_yuan").is_null())
    assert gaps.height > 0
    texts = _texts(build_figure("unit_costs_by_model", tables, lang="en"))
    reasons = [t for t in texts if t.startswith(label("cmp.gap.legend", "en"))]
    assert len(reasons) == gaps.height


def test_service_targets_are_hollow_and_outcomes_filled(tables):
    fig = build_figure("service_targets_actuals", tables, lang="en")
    markers = [line for ax in fig.axes for line in ax.get_lines() if line.get_marker() not in (None, "None", "")]
    hollow = [m for m in markers if m.get_markerfacecolor() == "white"]
    service = tables["service"].filter(pl.col("family").is_in(["connection", "satisfaction"])
                                       & (pl.col("unit_std") == "fraction"))
    n_actual = service.filter(pl.col("basis") == "actual").select("city", "fiscal_year", "metric_key").unique().height
    assert len(markers) - len(hollow) == n_actual  # every filled marker is an actual outcome
    texts = _texts(fig)
    assert "70.15%" in texts and "\u226580.00%" in texts  # 苏州 2022: the outcome and the target it missed


def test_spending_mix_adds_line_items_only(tables):
    spending = tables["spending"]
    bars = spending_bars(spending)
    itemised = bars.filter(pl.col("category") != NOT_ITEMISED)
    items = spending.filter(pl.col("level") == "item").join(
        itemised.select("city", "fiscal_year", "basis", "measure").unique(),
        on=["city", "fiscal_year", "basis", "measure"], nulls_equal=True)
    assert itemised["amount_yuan"].sum() == pytest.approx(items["amount_yuan"].sum())
    # A city-year is drawn once, on one basis and measure.
    assert bars.select("city", "fiscal_year", "basis", "measure").unique().height == \
        bars.select("city", "fiscal_year").unique().height


def test_guiyang_is_shown_as_published_and_on_the_earlier_scope(tables):
    bars = spending_bars(tables["spending"]).filter(pl.col("city") == "guiyang")
    assert bars.filter(pl.col("category") == NOT_ITEMISED)["fiscal_year"].to_list() == [2023]
    assert 2024 in bars.filter(pl.col("category") != NOT_ITEMISED)["fiscal_year"].to_list()


# --- nothing off the canvas, labels apart, one number format per chart ------------------------

MARGIN_PX = 3          # the outermost pixels of every PNG carry no ink
INK_BELOW = 250        # grey level (0–255) darker than the white background
# Defects of figure modules being rewritten elsewhere, each named; the rest of the suite holds them.
KNOWN: dict[tuple[str, str], str] = {}


def _cases(check: str) -> list:
    return [pytest.param(name, lang, marks=pytest.mark.xfail(reason=KNOWN[check, name], strict=False))
            if (check, name) in KNOWN else (name, lang) for name, lang in CASES]


def _drawn(tables, name, lang):
    """The figure as exported: drawn at 300 dpi, with its texts and their boxes in pixels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from hotlinecompare.output.figures.layout import drawn_texts, text_box

    fig = build_figure(name, tables, lang=lang)
    FigureCanvasAgg(fig)
    fig.set_dpi(EXPORT_DPI)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = drawn_texts(fig, renderer)
    return fig, renderer, texts, [text_box(t, renderer) for t in texts]


@pytest.mark.parametrize("name,lang", CASES)
def test_png_has_no_ink_in_its_outer_margin(exported, name, lang):
    out, _, _ = exported
    with Image.open(out / f"{name}_{lang}.png") as png:
        grey = np.asarray(png.convert("L"))
    edges = {"top": grey[:MARGIN_PX], "bottom": grey[-MARGIN_PX:],
             "left": grey[:, :MARGIN_PX], "right": grey[:, -MARGIN_PX:]}
    inked = {side: int((pixels < INK_BELOW).sum()) for side, pixels in edges.items() if (pixels < INK_BELOW).any()}
    assert not inked, f"ink in the outer {MARGIN_PX} px (pixels per side): {inked}"


@pytest.mark.parametrize("name,lang", CASES)
def test_every_text_lies_inside_the_figure(tables, name, lang):
    fig, _, texts, boxes = _drawn(tables, name, lang)
    width, height = fig.bbox.width, fig.bbox.height
    outside = [t.get_text()[:40] for t, b in zip(texts, boxes)
               if b.x0 < 0 or b.y0 < 0 or b.x1 > width or b.y1 > height]
    assert texts and not outside


@pytest.mark.parametrize("name,lang", _cases("overlap"))
def test_no_two_labels_overlap(tables, name, lang):
    _, _, texts, boxes = _drawn(tables, name, lang)
    overlaps = [(a.get_text()[:30], b.get_text()[:30])
                for (a, box_a), (b, box_b) in itertools.combinations(zip(texts, boxes), 2)
                if _overlap_px(box_a, box_b) > 1]
    assert not overlaps


@pytest.mark.parametrize("name,lang", _cases("leaders"))
def test_no_leader_line_crosses_another_label(tables, name, lang):
    from matplotlib.text import Annotation

    _, _, texts, boxes = _drawn(tables, name, lang)
    crossings = []
    for text in texts:
        arrow = getattr(text, "arrow_patch", None) if isinstance(text, Annotation) else None
        if arrow is None:
            continue
        path = arrow.get_path().transformed(arrow.get_transform())
        crossings += [(text.get_text()[:25], other.get_text()[:25]) for other, box in zip(texts, boxes)
                      if other is not text and path.intersects_bbox(box.padded(-1), filled=False)]
    assert not crossings


@pytest.mark.parametrize("name,lang", _cases("numbers"))
def test_value_labels_share_one_number_format_per_chart(tables, name, lang):
    """Numbers that start a label line, and every percentage, use one count of decimals per kind."""
    fig = build_figure(name, tables, lang=lang)
    decimals: dict[str, set[int]] = {"percent": set(), "number": set()}
    for text in (t.get_text() for ax in fig.axes for t in ax.texts):
        for match in _PERCENT.finditer(text):
            decimals["percent"].add(len(match.group(1) or ""))
        for line in text.split("\n"):
            match = _LEADING_NUMBER.match(line)
            if match and not match.group(3):
                decimals["number"].add(len(match.group(2) or ""))
    assert all(len(found) <= 1 for found in decimals.values()), decimals


def test_a_chart_in_wan_yuan_writes_two_decimals_on_every_bar(tables):
    fig = build_figure("spending_mix_by_city", tables, lang="en")
    values = [t.get_text().strip() for t in fig.axes[0].texts]
    assert "725.00" in values and "2,754.90" in values
    assert all(re.fullmatch(r"[\d,]+\.\d\d", v) for v in values)


@pytest.mark.parametrize("name,lang", CASES)
def test_the_source_note_is_plain_words_with_chinese_spacing(tables, name, lang):
    note = figure_meta(build_figure(name, tables, lang=lang)).source_note
    assert not re.search(r"\w/\w+\.(csv|toml|py|parquet|json)\b|hotlinecompare|data/", note), note
    if lang == "zh":
        assert not re.search(r"[。，；：、][ \t]", note), note


def _overlap_px(a, b) -> float:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return min(width, height) if width > 0 and height > 0 else 0.0


_PERCENT = re.compile(r"\d(?:[\d,]*\d)?(?:\.(\d+))?%")
_LEADING_NUMBER = re.compile(r"^\s*[≥≤<>+\-−]?\s*(\d[\d,]*)(?:\.(\d+))?(%?)")
