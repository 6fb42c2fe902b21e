"""README's Recipes run as written: each bash block, in order, in a temporary home folder."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def recipes() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Recipes\n(.*?)^## ", readme, re.S | re.M).group(1)
    return re.findall(r"```bash\n(.*?)```", section, re.S)


def test_the_recipes_cover_what_a_newcomer_asks_for():
    text = "\n".join(recipes())
    for command in ("hotlinecompare init", "cost_per_seat_year", "cost_per_staff_year", "--lang zh",
                    "hotlinecompare model", "--set", "hotlinecompare add"):
        assert command in text, command


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A home folder with a downloaded report: a PDF of a final account in the genre's shape."""
    home = tmp_path_factory.mktemp("home")
    sys.path.insert(0, str(FIXTURES))
    try:
        import make_formats
    finally:
        sys.path.remove(str(FIXTURES))
    text = (FIXTURES / "genre" / "final_accounts_01_xishui_web.txt").read_text(encoding="utf-8")
    (home / "Downloads").mkdir()
    (home / "Downloads" / "report.pdf").write_bytes(make_formats.render_pdf(text, title="浠水县2023年度部门决算"))
    return home


def test_every_recipe_runs_as_written(home):
    bin_dir = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if k != "HOTLINECOMPARE_ROOT"}
    env.update(HOME=str(home), PATH=bin_dir + os.pathsep + env.get("PATH", ""), XDG_CACHE_HOME=env.get(
        "XDG_CACHE_HOME", str(Path.home() / ".cache")))
    for block in recipes():
        run = subprocess.run(["bash", "-euo", "pipefail", "-c", block], env=env, cwd=home,
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, f"{block}\n--- stdout\n{run.stdout[-2000:]}\n--- stderr\n{run.stderr[-3000:]}"
    study = home / "study"
    assert (study / "print" / "spending_mix_by_city_zh.pdf").exists()
    manifest = (study / "data" / "raw" / "manifest.csv").read_text(encoding="utf-8")
    assert "report.pdf" in manifest and (study / "data" / "raw" / "places.csv").exists()
