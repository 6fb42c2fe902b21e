"""The tree is the pipeline: each module imports only from its own stage or earlier ones, with no cycle."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "hotlinecompare"
# Stages in pipeline order; a module may import from its own stage and the ones before it.
STAGES = (
    ("common", ("hotlinecompare.errors", "hotlinecompare.paths", "hotlinecompare.schema")),
    ("extract", ("hotlinecompare.extract",)),
    ("harmonise", ("hotlinecompare.harmonise",)),
    ("models", ("hotlinecompare.models",)),
    ("output", ("hotlinecompare.output",)),
    ("pipeline", ("hotlinecompare.pipeline",)),
    ("interface", ("hotlinecompare", "hotlinecompare.api", "hotlinecompare.project", "hotlinecompare.cli",
                   "hotlinecompare.__main__")),
)
MAX_LINES = 420


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage_of(module: str) -> int:
    best, index = -1, None
    for i, (_, prefixes) in enumerate(STAGES):
        for prefix in prefixes:
            if (module == prefix or (module.startswith(prefix + ".") and prefix != "hotlinecompare")) \
                    and len(prefix) > best:
                best, index = len(prefix), i
    assert index is not None, module
    return index


def imports_of(path: Path) -> set[str]:
    """Every hotlinecompare module a file imports, at module level or inside a function."""
    found = set()
    package = module_name(path).split(".") if path.name == "__init__.py" else module_name(path).split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the file's package
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            if not base.startswith("hotlinecompare"):
                continue
            submodules = {f"{base}.{a.name}" for a in node.names if _is_module(f"{base}.{a.name}")}
            if len(submodules) < len(node.names):   # `from pkg import submodule` imports the submodule only
                found.add(base)
            found |= submodules
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("hotlinecompare"))
    return found


def _is_module(name: str) -> bool:
    base = ROOT / Path(*name.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {m: {i for i in imports_of(p) if i in MODULES and i != m} for m, p in MODULES.items()}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_from_its_stage_or_earlier(module):
    later = {i: STAGES[stage_of(i)][0] for i in GRAPH[module] if stage_of(i) > stage_of(module)}
    assert not later, f"{module} ({STAGES[stage_of(module)][0]}) imports from a later stage: {later}"


def test_every_module_belongs_to_a_declared_stage():
    assert {m for m in MODULES if m.count(".") == 1 and not _is_package(m)} <= {
        p for _, prefixes in STAGES for p in prefixes}


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def test_there_is_no_import_cycle():
    """Depth-first search over every import, lazy ones included (a package's __init__ importing its own
    submodules is not a cycle: the submodules do not import the package back)."""
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for n in sorted(GRAPH[m]):
            if state.get(n) == 1:
                raise AssertionError("import cycle: " + " → ".join(path[path.index(n):] + [n]))
            if n not in state:
                visit(n, path + [n])
        state[m] = 2

    for m in sorted(MODULES):
        if m not in state:
            visit(m, [m])


def test_no_module_is_longer_than_a_reader_can_hold():
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them by job): {long}"


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "hotlinecompare", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "build" in result.stdout, result.stderr
