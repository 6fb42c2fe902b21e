"""The cost figures: registered, drawn from the fact table alone, in both languages, without missing glyphs."""

import io
import warnings
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest
from PIL import Image

import hotlinecompare.output.figures.costs as costs
from hotlinecompare.models import costmodel
from hotlinecompare.output.figures import REGISTRY, figure_meta, label

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["cost_queue", "cost_target_curve", "cost_tornado", "cost_unit_costs"]


@pytest.fixture(autouse=True)
def restore_rcparams():
    with mpl.rc_context():
        yield


def test_the_four_cost_figures_are_registered_and_read_the_published_tables_the_model_needs():
    for name in NAMES:
        assert REGISTRY[name].tables == costmodel.MODEL_TABLES
        assert REGISTRY[name].function.__module__ == costs.__name__


@pytest.fixture(scope="module", params=["zh", "en"])
def rendered(request, tables):
    """Each cost figure built and drawn to PNG (low dpi: tests/test_figures_export.py covers 300 dpi)."""
    lang, out = request.param, {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name in NAMES:
            fig = REGISTRY.build(name, tables, lang=lang)
            png = io.BytesIO()
            fig.savefig(png, format="png", dpi=80)
            out[name] = (fig, Image.open(png))
    return lang, out, caught


def test_cost_figures_render_non_blank_without_missing_glyphs(rendered):
    _, figures, caught = rendered
    assert not [w for w in caught if "missing from font" in str(w.message)]
    for name, (_, png) in figures.items():
        assert np.asarray(png.convert("L")).std() > 10, name


def test_every_cost_figure_carries_its_caption_and_a_source_note_naming_the_documents(rendered):
    lang, figures, _ = rendered
    for name, (fig, _) in figures.items():
        meta = figure_meta(fig)
        assert meta.caption == label(REGISTRY[name].caption_key, lang)
        assert label("doc.sz2024pt", lang) in meta.source_note


def test_targets_and_actuals_are_labelled_as_such(tables):
    fig = REGISTRY.build("cost_queue", tables, lang="en")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("actual" in t and "2022" in t for t in legend)
    assert sum("target" in t for t in legend) >= 3


NEW_NAMES = ["cost_contract_band", "cost_uncertainty", "cost_sobol"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_uncertainty_figures_render_with_captions_and_notes(tables, lang):
    import hotlinecompare.output.figures.costs_uncertainty as module

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name in NEW_NAMES:
            assert REGISTRY[name].function.__module__ == module.__name__
            fig = REGISTRY.build(name, tables, lang=lang)
            png = io.BytesIO()
            fig.savefig(png, format="png", dpi=60)
            assert np.asarray(Image.open(png).convert("L")).std() > 10, name
            meta = figure_meta(fig)
            assert meta.caption == label(REGISTRY[name].caption_key, lang) and meta.source_note
    assert not [w for w in caught if "missing from font" in str(w.message)]
