"""The figure framework: Chinese text renders, cities keep their look, exports are reproducible."""

import ast
import importlib.util
import io
import itertools
import os
import re
import subprocess
import sys
import warnings
import zlib
from pathlib import Path

import matplotlib as mpl
import numpy as np
import polars as pl
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.font_manager import FontProperties, findfont
from PIL import Image

from hotlinecompare.errors import HotlineError
from hotlinecompare.output.figures import (
    REGISTRY,
    FigureRegistry,
    MissingLabelError,
    UnknownFigureError,
    UnknownLanguageError,
    add_source_note,
    city,
    city_bar_style,
    city_colour,
    city_hatch,
    city_keys,
    city_label,
    city_marker,
    export_figures,
    figure_meta,
    house_style,
    label,
    label_keys,
    load_figure_modules,
    new_figure,
    source_note_text,
    style,
    use_house_style,
)
from hotlinecompare.output.figures.labels import LABELS_PATH

ROOT = Path(__file__).resolve().parent.parent
FIGURES_PACKAGE = ROOT / "hotlinecompare" / "figures"
PNG_SIZE = (round(style.FIGURE_WIDTH_IN * 300), round(style.FIGURE_HEIGHT_IN * 300))
DEMO_DOCUMENTS = ["doc.illustrative", "doc.sz2024pt", "doc.gy2024bd", "doc.gzxxxxpt", "doc.jn2026pt"]


# --- a demo figure, as the real figure modules will write them ---------------------------------

def demo_tables() -> dict[str, pl.DataFrame]:
    return {"budget": pl.DataFrame({
        "city_key": ["suzhou", "guiyang", "guangzhou", "jiangning"],
        "budget_wan_yuan": [1200.5, 860.0, 620.57, 455.3],
    })}


def budget_by_city(tables, *, lang="zh"):
    use_house_style()
    budget = tables["budget"]
    fig, ax = new_figure()
    keys = budget["city_key"].to_list()
    for x, (key, amount) in enumerate(zip(keys, budget["budget_wan_yuan"].to_list())):
        ax.bar(x, amount, label=city_label(key, lang), **city_bar_style(key))
    ax.set_xticks(range(len(keys)), [city_label(key, lang) for key in keys])
    ax.set_title(label("title.budget_by_city", lang))
    ax.set_xlabel(label("axis.city", lang))
    ax.set_ylabel(label("axis.budget_wan_yuan", lang))
    ax.legend(title=label("legend.city", lang))
    add_source_note(fig, source_note_text(DEMO_DOCUMENTS, "basis.budget", "2024–2026", lang=lang))
    return fig


def demo_registry() -> FigureRegistry:
    registry = FigureRegistry()
    register = registry.register("budget_by_city", caption_key="caption.budget_by_city", tables=["budget"])
    register(budget_by_city)
    return registry


def export_demo(out_dir, **kwargs) -> list[Path]:
    return demo_registry().export(demo_tables(), out_dir, **kwargs)


@pytest.fixture(autouse=True)
def restore_rcparams():
    with mpl.rc_context():
        yield


@pytest.fixture
def registry():
    return demo_registry()


@pytest.fixture
def tables():
    return demo_tables()


# --- labels -----------------------------------------------------------------------------------

def test_labels_come_in_chinese_by_default_and_in_english_on_request():
    assert label("axis.city") == "城市（区）"
    assert label("axis.city", lang="en") == "City (district)"


def test_a_missing_label_is_a_key_error_naming_the_key_and_the_file():
    with pytest.raises(KeyError) as caught:
        label("axis.no_such_thing")
    assert isinstance(caught.value, MissingLabelError)
    assert "axis.no_such_thing" in str(caught.value)
    assert "labels.csv" in str(caught.value) and str(LABELS_PATH) in str(caught.value)


def test_only_chinese_and_english_are_offered():
    with pytest.raises(UnknownLanguageError, match="'fr'"):
        label("axis.city", lang="fr")


def test_every_label_has_text_in_both_languages():
    for key in label_keys():
        assert label(key, "zh").strip() and label(key, "en").strip(), key


def test_figure_code_holds_no_chinese_display_strings():
    cjk = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
    wrapping_punctuation = set("，。；：、）》」』！？,.;:)")
    for path in FIGURES_PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and cjk.search(node.value):
                # CJK punctuation in the line-wrapping rules is not display text.
                assert set(node.value) <= wrapping_punctuation, f"{path.name}: {node.value!r}"


# --- fonts and theme --------------------------------------------------------------------------

def test_figures_use_a_truetype_conversion_of_the_bundled_cff_font_with_every_glyph():
    from fontTools.ttLib import TTFont

    with TTFont(style.bundled_font_path(), lazy=True) as bundled, TTFont(style.cjk_font_path()) as used:
        assert "CFF " in bundled and "glyf" not in bundled           # PyPI ships CFF outlines
        assert "glyf" in used and "CFF " not in used                 # figures use quadratic outlines
        assert used["name"].getDebugName(1) == bundled["name"].getDebugName(1) == "Noto Sans SC"
        # glyph names are not kept (post format 3), so glyphs are compared by index
        def by_index(font):
            order = font.getGlyphOrder()
            index = {name: i for i, name in enumerate(order)}
            return ({cp: index[g] for cp, g in font.getBestCmap().items()},
                    [font["hmtx"][g][0] for g in order])

        assert by_index(used) == by_index(bundled)   # every character keeps its glyph and advance width
        drawn = used["glyf"][used.getBestCmap()[ord("苏")]]
        assert drawn.numberOfContours > 0


def test_the_truetype_copy_is_made_once_and_identically_on_every_run(tmp_path):
    """A second conversion (another machine, another day) writes the very bytes of the cached copy."""
    from hotlinecompare.output.figures.truetype import truetype_copy

    cached = style.cjk_font_path()
    fresh = truetype_copy(style.bundled_font_path(), tmp_path)
    assert fresh.name == cached.name and fresh.read_bytes() == cached.read_bytes()
    stamp = fresh.stat().st_mtime_ns
    assert truetype_copy(style.bundled_font_path(), tmp_path) == fresh and fresh.stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == [fresh.name]   # no temporary file left behind


def test_the_font_cache_follows_the_environment_and_falls_back_to_the_temp_dir(tmp_path, monkeypatch):
    import tempfile

    from hotlinecompare.output.figures import truetype

    monkeypatch.setenv("HOTLINECOMPARE_CACHE", str(tmp_path / "fonts"))
    assert truetype.cache_dir() == tmp_path / "fonts"
    monkeypatch.delenv("HOTLINECOMPARE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert truetype.cache_dir() == tmp_path / "xdg" / "hotlinecompare"
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert truetype._writable(blocked / "fonts") == Path(tempfile.gettempdir()) / "hotlinecompare"


def test_house_style_renders_sans_serif_text_in_noto_sans_sc():
    use_house_style()
    assert mpl.rcParams["font.sans-serif"][:2] == ["Noto Sans SC", "DejaVu Sans"]
    assert mpl.rcParams["font.family"] == ["sans-serif"]
    assert mpl.rcParams["axes.unicode_minus"] is False
    sans_serif = findfont(FontProperties(family=["sans-serif"]), fallback_to_default=False)
    assert Path(sans_serif) == style.cjk_font_path()


def test_house_style_survives_a_later_seaborn_set_theme_once_reapplied():
    import seaborn

    use_house_style()
    seaborn.set_theme()  # resets font.sans-serif to Arial & co.
    assert mpl.rcParams["font.sans-serif"][0] != "Noto Sans SC"
    use_house_style()
    assert mpl.rcParams["font.sans-serif"][0] == "Noto Sans SC"


def test_use_house_style_is_idempotent():
    use_house_style()
    first = dict(mpl.rcParams)
    use_house_style()
    assert dict(mpl.rcParams) == first


def test_house_style_context_restores_the_previous_rcparams():
    mpl.rcdefaults()
    before = dict(mpl.rcParams)
    with house_style():
        assert mpl.rcParams["font.sans-serif"][0] == "Noto Sans SC"
        assert mpl.rcParams["font.size"] == 9
    assert dict(mpl.rcParams) == before


def test_figures_are_half_a4_page_wide_with_nine_point_text():
    fig, _ = new_figure()
    assert tuple(fig.get_size_inches()) == pytest.approx((6.3, 3.6))
    assert mpl.rcParams["font.size"] == 9


def test_with_matplotlib_defaults_chinese_would_be_missing_glyphs():
    """Control for the export test below: the warning it listens for is real."""
    mpl.rcdefaults()
    fig = mpl.figure.Figure()
    fig.suptitle("苏州")
    with pytest.warns(UserWarning, match="missing from font"):
        fig.savefig(io.BytesIO(), format="png")


# --- cities -----------------------------------------------------------------------------------

def test_each_city_has_a_fixed_okabe_ito_colour_hatch_and_marker():
    assert {key: (city_colour(key), city_hatch(key), city_marker(key)) for key in city_keys()} == {
        "suzhou": ("#0072B2", "//", "o"),
        "guiyang": ("#D55E00", "\\\\", "s"),
        "guangzhou": ("#CC79A7", "..", "^"),
        "jiangning": ("#000000", "xx", "D"),
    }
    assert all(city_colour(key) in style.OKABE_ITO for key in city_keys())


def test_city_colours_stay_apart_when_printed_in_greyscale():
    def grey(hex_colour):
        return Image.new("RGB", (1, 1), hex_colour).convert("L").getpixel((0, 0)) / 255

    for a, b in itertools.combinations(city_keys(), 2):
        assert abs(grey(city_colour(a)) - grey(city_colour(b))) >= 0.08, (a, b)


def test_hatches_and_markers_also_tell_cities_apart():
    assert len({city_hatch(key) for key in city_keys()}) == len(city_keys())
    assert len({city_marker(key) for key in city_keys()}) == len(city_keys())


def test_bar_hatches_contrast_with_their_fill():
    assert city_bar_style("jiangning")["edgecolor"] == "white"  # black bar, white hatch
    assert city_bar_style("guangzhou")["edgecolor"] != "white"


def test_city_names_in_both_languages_and_jiangning_is_a_district_of_nanjing():
    assert [city_label(key) for key in city_keys()] == ["苏州", "贵阳", "广州", "江宁"]
    assert [city_label(key, "en") for key in city_keys()] == [
        "Suzhou", "Guiyang", "Guangzhou", "Jiangning"]
    assert city("jiangning").admin_level == "district"
    assert {city(key).admin_level for key in ("suzhou", "guiyang", "guangzhou")} == {"city"}


def test_an_unknown_city_names_the_known_ones():
    with pytest.raises(KeyError, match="suzhou, guiyang, guangzhou, jiangning"):
        city_colour("nanjing")


# --- registry ---------------------------------------------------------------------------------

def test_a_test_registry_is_separate_from_the_package_registry(registry):
    assert list(registry) == ["budget_by_city"]
    assert "budget_by_city" not in REGISTRY


def test_registered_figures_are_listed_in_name_order(registry):
    registry.register("a_first", caption_key="caption.budget_by_city", tables=["budget"])(budget_by_city)
    assert [spec.name for spec in registry.registered()] == ["a_first", "budget_by_city"]


def test_a_name_cannot_be_taken_by_a_second_function(registry):
    with pytest.raises(ValueError, match="already registered"):
        registry.register("budget_by_city", caption_key="caption.budget_by_city")(new_figure)


def test_a_caption_key_typo_fails_at_registration(registry):
    with pytest.raises(KeyError, match="caption.typo"):
        registry.register("other", caption_key="caption.typo")


def test_a_built_figure_carries_its_caption_and_source_note(registry, tables):
    fig = registry.build("budget_by_city", tables, lang="en")
    meta = figure_meta(fig)
    assert (meta.name, meta.lang) == ("budget_by_city", "en")
    assert meta.caption == label("caption.budget_by_city", "en")
    assert meta.source_note.startswith("Source: illustrative data (not actual budgets); Suzhou")
    assert meta.source_note.endswith("Basis: budget figures. Year: 2024–2026.")


def test_the_source_note_sits_below_the_axes_inside_the_figure(registry, tables):
    fig = registry.build("budget_by_city", tables)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    note = next(t for t in fig.texts if t.get_text().startswith("资料来源"))
    note_box, axes_box = note.get_window_extent(renderer), fig.axes[0].get_tightbbox(renderer)
    assert note_box.y1 < axes_box.y0  # below the axes and their x label
    assert note_box.x0 >= 0 and note_box.x1 <= fig.bbox.x1  # wrapped to the figure width
    assert note.get_fontsize() == style.NOTE_FONT_PT and note.get_color() == style.NOTE_COLOUR


def test_a_figure_without_a_source_note_is_refused(tables):
    registry = FigureRegistry()

    @registry.register("no_note", caption_key="caption.budget_by_city", tables=["budget"])
    def no_note(tables, *, lang="zh"):
        return new_figure()[0]

    with pytest.raises(HotlineError, match="no source note"):
        registry.build("no_note", tables)


def test_missing_input_tables_are_named(registry):
    with pytest.raises(HotlineError, match="needs tables it was not given: budget"):
        registry.build("budget_by_city", {"facts": pl.DataFrame()})


# --- export -----------------------------------------------------------------------------------

def test_chinese_figure_exports_to_png_svg_pdf_without_missing_glyphs(tmp_path, tables, caplog):
    registry = FigureRegistry()

    @registry.register("city_names", caption_key="caption.budget_by_city", tables=["budget"])
    def city_names(tables, *, lang="zh"):
        fig, ax = new_figure()
        ax.set_title(" ".join(city_label(key, lang) for key in city_keys()))
        ax.set_xlabel(label("axis.fiscal_year", lang))
        ax.set_ylabel(label("axis.budget_wan_yuan", lang))
        ax.plot([2022, 2024, 2026], [-1.5, 2.0, 3.0], **style.city_line_style("suzhou"))
        add_source_note(fig, source_note_text(["doc.illustrative"], "basis.mixed", None, lang=lang))
        assert ax.get_title() == "苏州 贵阳 广州 江宁"
        return fig

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paths = registry.export(tables, tmp_path)

    assert [p.name for p in paths] == ["city_names_zh.png", "city_names_zh.svg", "city_names_zh.pdf"]
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]
    with Image.open(tmp_path / "city_names_zh.png") as png:
        assert png.size == PNG_SIZE
        assert png.info["dpi"] == pytest.approx((300, 300), abs=0.01)
        assert np.asarray(png.convert("L")).std() > 10  # not blank


def test_demo_exports_in_both_languages_and_readme_lists_it(tmp_path):
    paths = export_demo(tmp_path, lang="zh") + export_demo(tmp_path, lang="en")
    expected = [f"budget_by_city_{lang}.{ext}" for lang in ("zh", "en") for ext in ("png", "svg", "pdf")]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*expected, "README.md"])
    assert all(p.stat().st_size > 0 for p in paths)
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    for lang in ("zh", "en"):
        files = ", ".join(f"`budget_by_city_{lang}.{ext}`" for ext in ("png", "svg", "pdf"))
        assert f"- Files: {files}\n" in readme
        assert label("caption.budget_by_city", lang) in readme
        assert source_note_text(DEMO_DOCUMENTS, "basis.budget", "2024–2026", lang=lang) in readme
        assert f"`hotlinecompare figures --only budget_by_city --lang {lang}`" in readme


def test_re_export_is_byte_identical(tmp_path):
    export_demo(tmp_path / "first")
    export_demo(tmp_path / "second")
    for first in (tmp_path / "first").iterdir():
        assert first.read_bytes() == (tmp_path / "second" / first.name).read_bytes(), first.name


def test_re_export_is_byte_identical_across_processes(tmp_path):
    """Hash randomisation and timestamps differ between runs; the files must not."""
    script = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('demo', {str(Path(__file__))!r})\n"
        "demo = importlib.util.module_from_spec(spec); spec.loader.exec_module(demo)\n"
        "demo.export_demo(sys.argv[1])\n"
    )
    runs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path / run)],
                             env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)})
            for run, seed in (("a", "1"), ("b", "2"))]
    assert [run.wait(timeout=120) for run in runs] == [0, 0]
    for a in (tmp_path / "a").iterdir():
        assert a.read_bytes() == (tmp_path / "b" / a.name).read_bytes(), a.name


def test_exports_carry_no_dates_or_library_versions(tmp_path):
    export_demo(tmp_path)
    svg = (tmp_path / "budget_by_city_zh.svg").read_text(encoding="utf-8")
    pdf = (tmp_path / "budget_by_city_zh.pdf").read_bytes()
    png = (tmp_path / "budget_by_city_zh.png").read_bytes()
    assert "<dc:date>" not in svg
    assert b"/CreationDate" not in pdf and b"/Producer" not in pdf
    assert b"Matplotlib" not in png and b"Matplotlib" not in pdf


def test_svg_text_is_drawn_as_outlines(tmp_path):
    export_demo(tmp_path)
    svg = (tmp_path / "budget_by_city_zh.svg").read_text(encoding="utf-8")
    assert "<text" not in svg
    # Each glyph's outline is defined once and placed with <use>.
    assert re.search(r'<path id="NotoSansSC-Regular-[0-9a-f]+" d="M ', svg)


def test_pdf_embeds_glyph_outlines_and_keeps_text_searchable(tmp_path):
    """Noto Sans SC (as TrueType) is embedded as a Type 42 subset: outlines in FontFile2, no Type 3."""
    export_demo(tmp_path)
    pdf = (tmp_path / "budget_by_city_zh.pdf").read_bytes()
    assert re.search(rb"/BaseFont /[A-Z]{6}\+NotoSansSC-Regular", pdf)
    assert b"/Subtype /CIDFontType2" in pdf and b"/FontFile2" in pdf
    assert b"/Type3" not in pdf
    streams = [zlib.decompress(s) for s in re.findall(rb"stream\n(.*?)\nendstream", pdf, re.S)]
    unicode_maps = b"".join(s for s in streams if b"begincmap" in s)
    assert b"<82cf>" in unicode_maps  # 苏 can be searched for and copied


def test_a_partial_export_keeps_the_other_readme_entries(tmp_path):
    export_demo(tmp_path, lang="zh")
    export_demo(tmp_path, lang="en", formats=("png",), only="budget_by_city")
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "## budget_by_city (zh)" in readme and "## budget_by_city (en)" in readme
    assert "- Files: `budget_by_city_en.png`\n" in readme


def test_an_unknown_figure_name_lists_the_registered_ones(registry, tables, tmp_path):
    with pytest.raises(UnknownFigureError, match="budget_by_city") as caught:
        registry.export(tables, tmp_path, only="budget_by_cty")
    assert "'budget_by_cty'" in str(caught.value)
    assert isinstance(caught.value, HotlineError)  # the CLI prints it without a traceback


def test_unknown_formats_and_languages_are_refused(registry, tables, tmp_path):
    with pytest.raises(HotlineError, match="jpg"):
        registry.export(tables, tmp_path, formats=("jpg",))
    with pytest.raises(UnknownLanguageError):
        registry.export(tables, tmp_path, lang="de")


def test_export_closes_pyplot_figures_and_restores_rcparams(tmp_path, tables):
    import matplotlib.pyplot as plt

    registry = FigureRegistry()

    @registry.register("pyplot_made", caption_key="caption.budget_by_city", tables=["budget"])
    def pyplot_made(tables, *, lang="zh"):
        fig, ax = plt.subplots()
        ax.plot([1, 2])
        add_source_note(fig, source_note_text(["doc.illustrative"], "basis.budget", 2024, lang=lang))
        return fig

    plt.close("all")
    before = dict(mpl.rcParams)
    registry.export(tables, tmp_path, formats=("png",))
    assert plt.get_fignums() == []
    assert dict(mpl.rcParams) == before


def test_the_package_registry_is_exported_by_the_module_level_function(tmp_path):
    assert export_figures({}, tmp_path, only=[], formats=("png",)) == []


def test_figure_modules_are_found_without_a_list_to_edit(tmp_path, monkeypatch):
    package = tmp_path / "somefigures"
    package.mkdir()
    for module in ("__init__", "budget", "_helpers", "style"):
        (package / f"{module}.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        load_figure_modules("somefigures")
        assert "somefigures.budget" in sys.modules
        assert "somefigures._helpers" not in sys.modules and "somefigures.style" not in sys.modules
    finally:
        for name in [name for name in sys.modules if name.split(".")[0] == "somefigures"]:
            del sys.modules[name]


# --- backends ---------------------------------------------------------------------------------

def _backend_after_import(extra_env: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "DISPLAY", "WAYLAND_DISPLAY")}
    env.update(extra_env, PYTHONPATH=str(ROOT))
    code = "import matplotlib, hotlinecompare.output.figures; print(matplotlib.get_backend(auto_select=False))"
    return subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def test_without_a_display_the_agg_backend_is_used():
    assert _backend_after_import({}).lower() == "agg"


def test_a_backend_chosen_before_import_is_kept():
    assert _backend_after_import({"MPLBACKEND": "svg"}) == "svg"
    inline = "module://matplotlib_inline.backend_inline"
    assert _backend_after_import({"MPLBACKEND": inline}) == inline


@pytest.mark.skipif(importlib.util.find_spec("nbclient") is None, reason="needs nbclient and ipykernel")
def test_in_a_notebook_a_figure_displays_inline_once():
    import nbclient
    import nbformat

    code = (
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('demo', {str(Path(__file__))!r})\n"
        "demo = importlib.util.module_from_spec(spec); spec.loader.exec_module(demo)\n"
        "import matplotlib\n"
        "print(matplotlib.get_backend(auto_select=False))\n"
        "demo.demo_registry().build('budget_by_city', demo.demo_tables())"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = notebook.cells[0].outputs
    assert outputs[0]["text"].strip() == "module://matplotlib_inline.backend_inline"
    assert [o["output_type"] for o in outputs if "image/png" in o.get("data", {})] == ["execute_result"]
