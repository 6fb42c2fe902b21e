"""A project folder anywhere (``hotlinecompare init``), and what a project holds (``hotlinecompare list``).

A project is a folder with ``data/raw/manifest.csv``: the raw documents and their manifest, the
place registry beside them, ``data/clean/`` built from them and ``figures/``. ``init`` writes one
with the five seed documents (shipped inside the package, byte for byte as in the repository's
``data/raw``) so that ``hotlinecompare all`` runs in it at once; documents are then added with
``hotlinecompare add``. Commands find the project from the working directory (or a parent), or
from ``--project DIR`` / ``$HOTLINECOMPARE_ROOT``.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import polars as pl

from hotlinecompare.errors import HotlineError
from hotlinecompare.schema import data_rows

SEED_CORPUS = "data/seed_corpus"
# Project data beside data/raw that a new project starts with: cited figures and reference series.
SEED_FOLDERS = {"data/seed_cited": "cited", "data/seed_reference": "reference"}
LISTS = ("cities", "metrics", "figures", "tables", "assumptions")


def init_project(folder: Path | str, *, seeds: bool = True) -> list[Path]:
    """Create a project in ``folder`` (new or empty): data/raw (with the seed corpus unless ``seeds`` is
    False: then an empty manifest), data/cited and data/reference (the cited figures and reference series
    the package ships), data/clean, figures. Refuses a folder that already holds a project."""
    root = Path(folder)
    raw = root / "data" / "raw"
    if (raw / "manifest.csv").exists():
        raise HotlineError("this folder already holds a project", file=str(raw / "manifest.csv"),
                           hint="use it as it is, or choose a new folder")
    if root.exists() and not root.is_dir():
        raise HotlineError("not a folder", file=str(root), expected="a new or existing folder")
    written = []
    for sub in (raw, root / "data" / "clean", root / "figures"):
        sub.mkdir(parents=True, exist_ok=True)
    corpus = resources.files("hotlinecompare").joinpath(SEED_CORPUS)
    for entry in sorted(corpus.iterdir(), key=lambda e: e.name):
        if entry.name == "manifest.csv" and not seeds:
            header = entry.read_text(encoding="utf-8").splitlines()[0]
            (raw / "manifest.csv").write_text(header + "\n", encoding="utf-8")
        elif seeds or entry.name == "manifest.csv":
            with resources.as_file(entry) as path:
                shutil.copyfile(path, raw / entry.name)
        else:
            continue
        written.append(raw / entry.name)
    for package_folder, name in SEED_FOLDERS.items():
        target = root / "data" / name
        target.mkdir(exist_ok=True)
        for entry in sorted(resources.files("hotlinecompare").joinpath(package_folder).iterdir(), key=lambda e: e.name):
            with resources.as_file(entry) as path:
                shutil.copyfile(path, target / entry.name)
            written.append(target / entry.name)
    return written


def listing(what: str, *, raw_dir: Path | None = None) -> pl.DataFrame:
    """One of :data:`LISTS` as a table: names, Chinese and English labels, and what each needs or holds."""
    if what not in LISTS:
        raise HotlineError(f"nothing to list called {what!r}", expected=", ".join(LISTS))
    return {"cities": _cities, "metrics": _metrics, "figures": _figures, "tables": _tables,
            "assumptions": _assumptions}[what](raw_dir)


def _cities(raw_dir: Path | None) -> pl.DataFrame:
    from hotlinecompare.extract.places import load_registry

    rows = [{"key": c.key, "name_zh": c.name_zh, "name_en": c.name_en, "admin_level": c.admin_level,
             "parent": c.parent, "id_prefix": c.id_prefix} for c in load_registry(raw_dir)]
    return pl.DataFrame(rows, orient="row")


def _metrics(_raw_dir: Path | None) -> pl.DataFrame:
    rows = [{"key": r["key"], "label_zh": r["label_zh"], "label_en": r["label_en"], "family": r["family"],
             "unit_std": r["unit_std"], "definition": r["definition"]} for r in data_rows("metric_vocabulary.csv")]
    return pl.DataFrame(rows, orient="row")


def _figures(_raw_dir: Path | None) -> pl.DataFrame:
    from hotlinecompare.output.figures import label, load_figure_modules, registered

    load_figure_modules()
    rows = [{"name": s.name, "caption_zh": label(s.caption_key, "zh"), "caption_en": label(s.caption_key, "en"),
             "tables": ", ".join(s.tables)} for s in registered()]
    return pl.DataFrame(rows, orient="row")


def _tables(_raw_dir: Path | None) -> pl.DataFrame:
    rows, columns = [], {}
    for r in data_rows("table_fields.csv"):
        if r["name"]:
            columns[r["table"]] = columns.get(r["table"], 0) + 1
        else:
            rows.append({"table": r["table"], "description": r["description"]})
    facts = len(data_rows("fact_fields.csv"))
    return pl.DataFrame([{**r, "columns": facts if r["table"] == "facts" else columns.get(r["table"], 0)}
                         for r in rows], orient="row")


def _assumptions(_raw_dir: Path | None) -> pl.DataFrame:
    keep = ("name", "value", "unit", "low", "high", "source_kind", "description")
    rows = [{k: r.get(k, "") for k in keep} for r in data_rows("cost_assumptions.csv")]
    return pl.DataFrame(rows, orient="row")
