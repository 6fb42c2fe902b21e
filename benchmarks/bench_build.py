"""Print the build's wall time for the corpus (with interpreter start-up) and the package's import time.

Targets (issue 2): build under 2 s including start-up; `import hotlinecompare` under 0.3 s.
Run: .venv/bin/python benchmarks/bench_build.py
"""

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd: list[str], repeat: int = 5) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as out:
        build = timed([sys.executable, "-m", "hotlinecompare.cli", "build", "--out", out])
    bare = timed([sys.executable, "-c", "pass"])
    imp = timed([sys.executable, "-c", "import hotlinecompare"])
    print(f"{'what':<45}{'median s':>10}{'min s':>10}")
    print(f"{'build, 5 documents (incl. interpreter start)':<45}{statistics.median(build):>10.3f}{min(build):>10.3f}")
    print(f"{'import hotlinecompare (incl. start)':<45}{statistics.median(imp):>10.3f}{min(imp):>10.3f}")
    print(f"{'bare interpreter start':<45}{statistics.median(bare):>10.3f}{min(bare):>10.3f}")
    print(f"import time net of start-up: {statistics.median(imp) - statistics.median(bare):.3f} s (target < 0.3 s)")
    print(f"build target < 2 s: {'met' if statistics.median(build) < 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
