"""The set-up contract: environment.yml and pyproject.toml list the same packages; CI runs README's commands."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# conda-forge names that differ from PyPI names
CONDA_TO_PYPI = {}


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_names() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] + [s for group in project["optional-dependencies"].values() for s in group]
    return {_name(s) for s in specs}


def _environment_names() -> set[str]:
    names, in_dependencies = set(), False
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        in_dependencies = in_dependencies or line.startswith("dependencies:")
        m = re.match(r"^\s*-\s+([A-Za-z0-9_.\-]+)\s*(?:[<>=!~].*)?$", line)
        if not in_dependencies or not m or line.strip().startswith("- -e"):
            continue
        name = _name(m.group(1))
        if name not in {"python", "pip"}:
            names.add(CONDA_TO_PYPI.get(name, name))
    return names


def test_environment_yml_and_pyproject_list_the_same_packages():
    assert _environment_names() == _pyproject_names()


def test_environment_yml_installs_the_package_itself():
    assert "- -e ." in (ROOT / "environment.yml").read_text(encoding="utf-8")


def _quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^## Quick start.*?```\w*\n(.*?)```", readme, re.S | re.M).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_readme_quick_start_has_two_commands():
    assert len(_quick_start()) == 2


def test_ci_runs_exactly_the_readme_commands():
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))]
    assert ci == _quick_start()
