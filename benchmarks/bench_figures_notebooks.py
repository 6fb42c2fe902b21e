"""Print the wall time of the full figure export and of the whole nbval run over notebooks/.

Targets (issue 4): `hotlinecompare figures` for both languages, all formats, under 30 s;
nbval over every notebook in notebooks/ under 90 s. Times include interpreter start-up.
The figures are drawn from clean tables built into a temporary folder (as `hotlinecompare
build` writes them), so the benchmark neither needs nor touches data/clean.
Run: .venv/bin/python benchmarks/bench_figures_notebooks.py
"""

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES_TARGET_S = 30.0
NBVAL_TARGET_S = 90.0


def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    return time.perf_counter() - t0, done


def export_figures(clean: Path, out: Path) -> tuple[float, int]:
    """Both languages, all formats, as the main job runs them; returns seconds and files written."""
    total, files = 0.0, 0
    for lang in ("zh", "en"):
        seconds, done = timed([sys.executable, "-m", "hotlinecompare.cli", "figures", "--clean", str(clean),
                               "--out", str(out), "--lang", lang, "--formats", "png,svg,pdf"])
        if done.returncode:
            sys.exit(f"figure export ({lang}) failed:\n{done.stderr}")
        total += seconds
        files += int(re.search(r"wrote (\d+) files", done.stdout).group(1))
    return total, files


def nbval() -> tuple[float, str]:
    notebooks = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    seconds, done = timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
                           "--nbval-current-env", "--nbval-sanitize-with", "notebooks/sanitize.cfg", *notebooks])
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()
    return seconds, f"{len(notebooks)} notebooks: {summary}"


def main() -> None:
    from hotlinecompare import api, paths

    with tempfile.TemporaryDirectory() as tmp:
        clean = Path(tmp) / "clean"
        api.rebuild(paths.raw_dir(), clean)
        figures_s, files = export_figures(clean, Path(tmp) / "figures")
    nbval_s, nbval_summary = nbval()
    print(f"{'what':<58}{'seconds':>9}{'target':>9}  verdict")
    print(f"{f'figure export, zh + en, png/svg/pdf ({files} files)':<58}{figures_s:>9.1f}"
          f"{FIGURES_TARGET_S:>9.0f}  {'met' if figures_s < FIGURES_TARGET_S else 'NOT met'}")
    print(f"{'nbval over notebooks/':<58}{nbval_s:>9.1f}{NBVAL_TARGET_S:>9.0f}  "
          f"{'met' if nbval_s < NBVAL_TARGET_S else 'NOT met'}")
    print(f"nbval: {nbval_summary}")


if __name__ == "__main__":
    main()
