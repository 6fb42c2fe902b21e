"""Satisfaction figures: every point named, targets hollow, a fit only where one exists, both languages clean."""

import io
import logging
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.text import Annotation
from PIL import Image

from hotlinecompare.harmonise.satisfaction_panel import satisfaction_panel
from hotlinecompare.models.panel_simulation import synthetic_panel
from hotlinecompare.models.satisfaction_fits import PowerAssumptions, power_by_city_years
from hotlinecompare.output.figures import build_figure, figure_meta, label
from hotlinecompare.output.figures import satisfaction as figures

ROOT = Path(__file__).resolve().parent.parent


def render(fig) -> np.ndarray:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return np.asarray(Image.open(buffer).convert("L"))


def texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


@pytest.mark.parametrize("name", ["satisfaction_vs_spending", "satisfaction_power"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_figure_renders_non_blank_without_missing_glyphs(tables, name, lang, caplog):
    with caplog.at_level(logging.WARNING), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = build_figure(name, tables, lang=lang)
        pixels = render(fig)
    assert not [w for w in caught if "missing from font" in str(w.message) or "Glyph" in str(w.message)]
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]
    assert pixels.std() > 10
    assert figure_meta(fig).source_note and figure_meta(fig).caption == label(
        "reg.caption.scatter" if name == "satisfaction_vs_spending" else "reg.caption.power", lang)


def test_every_point_is_labelled_with_city_year_and_basis(tables):
    panel = satisfaction_panel(tables)
    fig = build_figure("satisfaction_vs_spending", tables, lang="en")
    labels = [a.get_text() for ax in fig.axes for a in ax.texts if isinstance(a, Annotation)]
    assert len(labels) == panel.filter(pl.col("spending_yuan").is_not_null()).height == 9
    assert "Suzhou 2024 target\nPublic satisfaction with the\n(municipal) hotline \u226585.00%" in labels
    assert any(t.startswith("Suzhou 2022 actual\nPublic satisfaction") and t.endswith("97.21%") for t in labels)


def test_targets_are_hollow_and_actuals_filled(tables):
    fig = build_figure("satisfaction_vs_spending", tables, lang="zh")
    outcome, ambition = fig.axes[:2]
    points = lambda ax: [line for line in ax.lines if line.get_marker() not in (None, "None", "")]  # noqa: E731
    assert points(outcome) and all(p.get_markerfacecolor() != "white" for p in points(outcome))
    assert len(points(ambition)) == 4 and all(p.get_markerfacecolor() == "white" for p in points(ambition))


def test_the_real_panel_says_why_there_is_no_fit(tables):
    fig = build_figure("satisfaction_vs_spending", tables, lang="en")
    assert not [c for ax in fig.axes for c in ax.collections if isinstance(c, PolyCollection)]
    notes = [t for t in texts(fig) if t.startswith("No fit:")]
    assert len(notes) == 2
    assert "at most 1 city-year(s)" in notes[0] and "at most 2 city-year(s)" in notes[1]


def test_an_estimable_panel_gets_its_fit_and_band():
    synthetic = synthetic_panel(n_cities=10, years_per_city=4, effect=0.03, noise_sd=0.02, outcome="linear", seed=1)
    fig = figures.scatter_figure(synthetic, lang="en", bases=("actual",), note=label("reg.source.synthetic", "en"))
    (ax,) = fig.axes
    assert [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert not [t for t in texts(fig) if t.startswith("No fit:")]
    assert not [t for t in ax.texts if isinstance(t, Annotation)]  # 40 points: unlabelled by default
    assert render(fig).std() > 10


def test_power_figure_marks_today_and_the_target(tables):
    fig = build_figure("satisfaction_power", tables, lang="en")
    assert figures.largest_group(satisfaction_panel(tables)) == 2
    for ax in fig.axes[:2]:
        verticals = [line for line in ax.lines if line.get_linestyle() == "-."]
        assert verticals and verticals[0].get_xdata()[0] == 2
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "Today: at most 2 per measure and basis" in legend and "80% power" in legend


def test_power_figure_draws_one_band_per_effect_and_noise():
    power = power_by_city_years(PowerAssumptions(n_reps=40, n_obs_grid=(4, 16, 64)))
    fig = figures.power_figure(power, lang="zh", today=2)
    bands = [c for ax in fig.axes for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 3 * 2
