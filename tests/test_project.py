"""A project folder anywhere: `init`, `--project`, `list`, and the package installed without the repository."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hotlinecompare.cli import main
from hotlinecompare.errors import HotlineError
from hotlinecompare.project import LISTS, init_project, listing

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "hotlinecompare" / "data" / "seed_corpus"


def test_the_embedded_seed_corpus_is_data_raw_byte_for_byte():
    shipped = {p.name: p.read_bytes() for p in SEEDS.iterdir()}
    raw = {p.name: p.read_bytes() for p in (ROOT / "data" / "raw").iterdir()
           if p.suffix == ".txt" or p.name == "manifest.csv"}
    assert shipped == raw


def test_the_shipped_cited_figures_and_reference_series_are_the_repositorys():
    for shipped, folder in (("seed_cited", "cited"), ("seed_reference", "reference")):
        package = {p.name: p.read_bytes() for p in (ROOT / "hotlinecompare" / "data" / shipped).iterdir()}
        assert package == {p.name: p.read_bytes() for p in (ROOT / "data" / folder).glob("*.csv")}


def test_init_writes_a_project_and_refuses_to_overwrite_one(tmp_path):
    written = init_project(tmp_path / "study")
    raw = [p.name for p in written if p.parent.name == "raw"]
    assert sorted(raw) == sorted(p.name for p in SEEDS.iterdir())
    assert (tmp_path / "study" / "data" / "cited" / "contracts.csv").exists()
    assert (tmp_path / "study" / "data" / "reference" / "cpi.csv").exists()
    assert (tmp_path / "study" / "data" / "clean").is_dir() and (tmp_path / "study" / "figures").is_dir()
    with pytest.raises(HotlineError, match="already holds a project"):
        init_project(tmp_path / "study")


def test_an_empty_project_has_a_manifest_with_only_its_header(tmp_path):
    init_project(tmp_path / "empty", seeds=False)
    manifest = (tmp_path / "empty" / "data" / "raw" / "manifest.csv").read_text(encoding="utf-8")
    assert manifest.count("\n") == 1 and manifest.startswith("doc_id,")


@pytest.mark.parametrize("what", LISTS)
def test_every_list_names_things_with_labels(what):
    table = listing(what)
    assert table.height > 0
    name = {"cities": "key", "metrics": "key", "figures": "name", "tables": "table", "assumptions": "name"}[what]
    assert table[name].is_unique().all()


def test_list_prints_csv_and_json(capsys):
    assert main(["list", "metrics", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("key,label_zh,label_en") and "connection_rate,接通率" in out
    assert main(["list", "figures", "--format", "json"]) == 0
    assert any(r["name"] == "provenance_accounting" for r in json.loads(capsys.readouterr().out))


def test_outside_a_project_load_says_where_to_go(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HOTLINECOMPARE_ROOT", raising=False)
    code = subprocess.run([sys.executable, "-c", "import hotlinecompare as hc; hc.load('facts')"],
                          capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(_installed(tmp_path))})
    assert code.returncode != 0 and "cannot find the project's data/raw/manifest.csv" in code.stderr


_INSTALLED: dict[str, Path] = {}


def _installed(tmp_path: Path) -> Path:
    """The package installed from the repository as `pip install .` would (not editable), into a folder."""
    if "path" not in _INSTALLED:
        target = tmp_path / "site"
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                        "--target", str(target), str(ROOT)], check=True, capture_output=True)
        _INSTALLED["path"] = target
    return _INSTALLED["path"]


def test_pip_install_then_init_then_all_works_outside_the_repository(tmp_path):
    """`pip install .` then `hotlinecompare init ~/study && cd ~/study && hotlinecompare all`."""
    site = _installed(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("HOTLINECOMPARE_ROOT", None)
    cli = [sys.executable, "-m", "hotlinecompare"]
    where = subprocess.run([sys.executable, "-c", "import hotlinecompare; print(hotlinecompare.__file__)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, check=True).stdout
    assert where.startswith(str(site))          # the installed copy, not the repository
    subprocess.run([*cli, "init", "study"], check=True, env=env, cwd=tmp_path, capture_output=True)
    study = tmp_path / "study"
    run = subprocess.run([*cli, "all"], env=env, cwd=study, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert (study / "data" / "clean" / "facts.parquet").exists()
    assert sorted(p.name for p in (study / "figures").glob("*_zh.png"))
    for name in ("facts.csv", "checks.csv", "spending.csv"):   # the same tables as the repository's
        assert (study / "data" / "clean" / name).read_bytes() == (ROOT / "data" / "clean" / name).read_bytes()
    shutil.rmtree(site, ignore_errors=True)
    _INSTALLED.clear()
