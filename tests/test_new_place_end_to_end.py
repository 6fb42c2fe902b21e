"""A new place's documents of every family go through init → add → build → load → the notebooks' calls.

One fixture of each family of the genre development set (tests/fixtures/genre), each of a place the
seed registry does not know, is added to a fresh project with the command line as a user would run it
(no file of the package edited, no --force); then the harmonised tables show the new places with their
basis and the calls notebook 02 makes run on that project.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import hotlinecompare as hc

GENRE = Path(__file__).parent / "fixtures" / "genre"
# family → (fixture, place key the registry gives it)
ADDED = {
    "budget_disclosure": ("budget_disclosure_02_rencheng_pipe.txt", "rencheng"),
    "final_accounts": ("final_accounts_01_xishui_web.txt", "xishui"),
    "self_evaluation": ("self_evaluation_01_lanshan_project.txt", "lanshan"),
    "project_targets": ("project_targets_01_yinzhou_pipe.txt", "yinzhou"),
    "operations_report": ("operations_report_03_zhungeer_summary.txt", "zhungeer"),
}
NEW_PLACES = {key for _, key in ADDED.values()}
NOTEBOOK_TABLES = ("spending", "unit_costs", "staffing", "service", "metrics", "scope_notes")


def cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HOTLINECOMPARE_ROOT"}
    return subprocess.run([sys.executable, "-m", "hotlinecompare", "--project", str(project), *args],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("new_places")
    done = cli(root, "init", str(root))
    assert done.returncode == 0, done.stderr
    for family, (fixture, _) in ADDED.items():
        done = cli(root, "add", str(GENRE / fixture))
        assert done.returncode == 0, f"add {family} ({fixture}): {done.stderr}"
    done = cli(root, "build")
    assert done.returncode == 0, done.stderr
    return root


def load(project: Path, name: str) -> pl.DataFrame:
    return hc.load(name, clean_dir=project / "data" / "clean", raw_dir=project / "data" / "raw")


def test_add_records_every_new_place(project):
    places = pl.read_csv(project / "data" / "raw" / "places.csv", infer_schema=False)
    assert set(places["key"]) >= NEW_PLACES


def test_city_profile_has_a_row_per_new_place_with_its_chinese_name(project):
    profile = load(project, "city_profile").filter(pl.col("city").is_in(NEW_PLACES))
    assert set(profile["city"]) == NEW_PLACES
    assert (profile["city_zh"] != "").all()


def test_final_account_total_is_actual_department_spending(project):
    total = load(project, "spending").filter((pl.col("city") == "xishui")
                                             & (pl.col("level") == "department_total"))
    assert total.select("basis", "amount_yuan").rows() == [("actual", 6452000.0)]
    assert "any_department_accounts" in total["scope_note"][0]


def test_budget_disclosure_items_are_budget(project):
    items = load(project, "spending").filter((pl.col("city") == "rencheng") & (pl.col("level") == "item"))
    assert set(items["basis"]) == {"budget"}
    assert {"基本支出", "项目支出"} <= set(items["item"])


@pytest.mark.parametrize(("city", "metric", "basis", "value"), [
    ("lanshan", "connection_rate", "actual", 0.9341),          # self-evaluation: outcome
    ("lanshan", "connection_rate", "target", 0.90),            # … and its target
    ("yinzhou", "satisfaction_public", "target", 0.95),        # target form
    ("zhungeer", "on_time_closure_rate", "actual", 0.993),     # annual work summary
])
def test_service_rows_keep_their_basis(project, city, metric, basis, value):
    rows = load(project, "service").filter((pl.col("city") == city) & (pl.col("metric_key") == metric)
                                           & (pl.col("basis") == basis))
    assert rows.height >= 1
    assert rows["value"][0] == pytest.approx(value)


def test_notebook_02_tables_and_compare_run_on_the_project(project, monkeypatch):
    from hotlinecompare.output.figures.comparison import spending_bars

    monkeypatch.setenv("HOTLINECOMPARE_ROOT", str(project))   # as a notebook opened in the project folder sees it
    tables = {name: load(project, name) for name in NOTEBOOK_TABLES}
    assert spending_bars(tables["spending"]).filter(pl.col("city").is_in(NEW_PLACES)).height > 0
    compared = hc.compare("connection_rate", clean_dir=project / "data" / "clean", raw_dir=project / "data" / "raw")
    assert {"lanshan", "zhungeer", "yinzhou"} <= set(compared["city"])
    assert (compared.filter(pl.col("city") == "zhungeer")["city_label"] != "").all()


# A new document has no label in the package's labels.csv: its source note names it by the manifest's title.
@pytest.mark.parametrize("figure", ["spending_mix_by_city", "staffing_models", "service_targets_actuals"])
def test_notebook_02_figures_build_on_the_project(project, monkeypatch, figure):
    from hotlinecompare.output.figures.registry import build_figure, figure_meta

    monkeypatch.setenv("HOTLINECOMPARE_ROOT", str(project))
    fig = build_figure(figure, {name: load(project, name) for name in NOTEBOOK_TABLES}, lang="en")
    note = figure_meta(fig).source_note or ""
    assert "doc." not in note   # every document named in words, the new ones by their manifest title


def test_notebook_02_figures_without_document_notes_build_on_the_project(project, monkeypatch):
    from hotlinecompare.output.figures.registry import build_figure

    monkeypatch.setenv("HOTLINECOMPARE_ROOT", str(project))
    tables = {name: load(project, name) for name in NOTEBOOK_TABLES}
    for figure in ("unit_costs_by_model", "annual_cost_history"):
        build_figure(figure, tables, lang="en")
