"""Figure text as a reader meets it: plain words, Chinese spacing, notes that fit, a canvas nothing
leaves, and alt text on figures shown in notebooks."""

from __future__ import annotations

import base64
import re

import matplotlib as mpl
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.font_manager import FontProperties

from hotlinecompare.output.figures import (
    LANGS,
    FigureRegistry,
    add_source_note,
    label,
    label_keys,
    new_figure,
)
from hotlinecompare.output.figures.display import show, show_figure
from hotlinecompare.output.figures.labels import tidy_spacing
from hotlinecompare.output.figures.layout import MARGIN_PT, drawn_texts, text_box, text_width_pt, wrap_to_width
from hotlinecompare.output.figures.style import EXPORT_DPI, NOTE_FONT_PT, use_house_style

# A file path, a package or module name, or a snake_case identifier: words a reader cannot look up.
NOT_PLAIN = re.compile(r"\b(data|src|tests?)/|\.(csv|toml|py|parquet|json|xlsx)\b|hotlinecompare|[a-z0-9]_[a-z0-9]")
SPACE_AFTER_FULL_WIDTH = re.compile(r"[。，；：、！？][ \t\u3000]")
LONG_NOTE = ("资料来源：苏州市便民服务中心整体支出预算绩效自评报告（2022年度）；苏州市市级项目预算绩效目标表（2024年度）；"
             "贵阳市12345政务服务便民热线事务中心2024年部门预算公开信息；江宁区项目预算绩效目标申报表（2026年度）。"
             "口径：模型测算。年度：2022–2026。")


@pytest.fixture(autouse=True)
def restore_rcparams():
    with mpl.rc_context():
        use_house_style()
        yield


def _text(key: str, lang: str) -> str:
    return re.sub(r"\{[^}]*\}", "", label(key, lang))  # placeholders are filled in, not read


@pytest.mark.parametrize("lang", LANGS)
def test_labels_are_plain_words_without_file_paths_or_code_names(lang):
    offending = {key: label(key, lang) for key in label_keys() if NOT_PLAIN.search(_text(key, lang))}
    assert not offending


def test_chinese_labels_put_no_space_after_full_width_punctuation():
    offending = {key: label(key, "zh") for key in label_keys() if SPACE_AFTER_FULL_WIDTH.search(label(key, "zh"))}
    assert not offending


def test_spaces_next_to_full_width_punctuation_are_dropped():
    assert tidy_spacing("年度：2024年。 假设见表。") == "年度：2024年。假设见表。"
    assert tidy_spacing("苏州 （2024） ，贵阳") == "苏州（2024），贵阳"
    assert tidy_spacing("Source: a, b. Year: 2024.") == "Source: a, b. Year: 2024."


def test_a_source_note_joined_with_a_space_reads_as_one_chinese_sentence():
    fig, _ = new_figure()
    note = add_source_note(fig, "资料来源：某文件。年度：2024年。 假设见成本模型假设表。")
    assert "。 " not in note.get_text()


@pytest.mark.parametrize("width_in", [6.3, 4.0])
def test_source_note_lines_fit_the_figure_as_the_png_draws_them(width_in):
    fig, _ = new_figure(width_in=width_in)
    note = add_source_note(fig, LONG_NOTE)
    FigureCanvasAgg(fig)
    fig.set_dpi(EXPORT_DPI)
    fig.canvas.draw()
    box = text_box(note, fig.canvas.get_renderer())
    assert len(note.get_text().split("\n")) > 1
    assert box.x0 > 0 and box.x1 < fig.bbox.width - MARGIN_PT * EXPORT_DPI / 72 / 2


def test_closing_punctuation_never_starts_a_line():
    width = text_width_pt("资料来源：苏州市便民服务中心整体支出预算绩效自评报告（2022年度", FontProperties(size=NOTE_FONT_PT))
    lines = wrap_to_width(LONG_NOTE, width, NOTE_FONT_PT)
    assert len(lines) > 3
    assert not [line for line in lines if line[0] in "，。；：、）"]
    assert "".join(lines) == LONG_NOTE


def test_english_notes_break_between_words():
    text = "Source: Suzhou municipal project budget performance targets, 2024. Basis: budget figures."
    lines = wrap_to_width(text, 120, NOTE_FONT_PT)
    assert len(lines) > 1 and " ".join(lines) == text


def test_a_title_wider_than_its_panel_is_pulled_inside_the_canvas():
    fig, (left, right) = new_figure(1, 2, width_ratios=[3, 1])
    left.set_yticks([0, 1], ["a long tick label on the left", "another"])
    right.set_title("A panel title much wider than its narrow panel")
    FigureCanvasAgg(fig)
    fig.set_dpi(EXPORT_DPI)
    fig.canvas.draw()
    margin = MARGIN_PT * EXPORT_DPI / 72 - 1
    box = text_box(right.title, fig.canvas.get_renderer())
    assert box.x1 <= fig.bbox.width - margin and box.x0 >= margin


def test_drawn_texts_are_those_on_the_canvas():
    fig, ax = new_figure()
    ax.set_xlim(0, 10)
    ax.set_title("title")
    ax.text(1, 0.5, "label")
    ax.text(2, 0.5, "   ")
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    texts = [t.get_text() for t in drawn_texts(fig, fig.canvas.get_renderer())]
    assert "title" in texts and "label" in texts and "   " not in texts
    assert "12" not in texts  # a tick label outside the view limits is not drawn


# --- alt text in notebooks --------------------------------------------------------------------

def _demo(tables, *, lang="zh"):
    fig, ax = new_figure()
    ax.bar([0, 1], [1, 2])
    add_source_note(fig, label("source_note.document_separator", lang).join(["a", "b"]))
    return fig


@pytest.fixture
def registry():
    registry = FigureRegistry()
    registry.register("demo", caption_key="caption.budget_by_city")(_demo)
    return registry


@pytest.mark.parametrize("lang", LANGS)
def test_a_figure_shown_in_a_notebook_carries_its_caption_as_alt_text(registry, lang):
    image = show_figure("demo", {}, lang=lang, registry=registry)
    data, _ = image._repr_mimebundle_()
    caption = label("caption.budget_by_city", lang)
    assert f'alt="{caption}"' in data["text/html"]
    encoded = re.match(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', data["text/html"]).group(1)
    assert base64.b64decode(encoded) == image.png and image.png.startswith(b"\x89PNG")
    assert caption in data["text/plain"]


def test_alt_text_is_escaped_and_can_be_given(registry):
    image = show_figure("demo", {}, registry=registry, alt='Spending "by city" <2024>')
    assert 'alt="Spending &quot;by city&quot; &lt;2024&gt;"' in image.html()


def test_a_figure_without_caption_or_note_needs_an_alt_text():
    fig, _ = new_figure()
    with pytest.raises(ValueError, match="alt"):
        show(fig)
    assert show(fig, alt="An empty chart").alt == "An empty chart"


def test_showing_a_figure_twice_gives_the_same_bytes(registry):
    first = show_figure("demo", {}, registry=registry)
    second = show_figure("demo", {}, registry=registry)
    assert first.html() == second.html()


@pytest.mark.filterwarnings("ignore:constrained_layout not applied")  # matplotlib's own pass gives up here
def test_a_text_anchored_far_off_the_axes_does_not_collapse_the_layout():
    fig, ax = new_figure()
    ax.text(0.5, 40, "far above the axes")
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    position = ax.get_position()
    assert position.width > 0.5 and position.height > 0.4
