"""Time to convert a ~30-page PDF (and the other formats) to the text form (issue 14).

Target (on a 2-core machine): a 30-page PDF in under 2 s. The PDF is the Guiyang budget
disclosure (text, ruled tables, tables split across pages with repeated headers, page
furniture) rendered three times over by tests/fixtures/make_formats.py, not timed. Each
conversion runs --repeat times (default 5) in this process after one warm-up (imports);
the median is the figure. Prints figures only; asserts nothing.

Run: .venv/bin/python benchmarks/bench_formats.py [--copies 3] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

import make_formats  # noqa: E402  (a fixture script beside the tests, not a package)

from hotlinecompare.extract.formats import convert  # noqa: E402

SEED = "guiyang_2024_budget_disclosure"


def timed(data: bytes, name: str, repeat: int) -> tuple[float, object]:
    result = convert(data, name)                     # warm-up: imports, font caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = convert(data, name)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=3, help="copies of the seed in the long PDF")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    text = make_formats.seed_text(SEED)
    title = make_formats.title_of(text)
    pdf = make_formats.render_pdf(text, title=title, repeat=args.copies)
    import pypdfium2

    pages = len(pypdfium2.PdfDocument(pdf))
    seconds, derived = timed(pdf, "long.pdf", args.repeat)
    print(f"PDF  {pages} pages, {len(pdf) / 1024:.0f} KiB: {seconds:.2f} s "
          f"({seconds / pages * 1000:.0f} ms/page; {len(derived.locations)} lines, "
          f"{sum('continues on' in n for n in derived.notes)} tables joined across pages, "
          f"{len(derived.dropped)} furniture lines dropped; target < 2 s)")
    for fmt, render in (("docx", make_formats.render_docx), ("xlsx", make_formats.render_xlsx),
                        ("html", make_formats.render_html)):
        data = render(text * args.copies, title=title)
        seconds, derived = timed(data, f"long.{fmt}", args.repeat)
        print(f"{fmt.upper():4s} {len(data) / 1024:.0f} KiB: {seconds:.3f} s ({len(derived.locations)} lines)")


if __name__ == "__main__":
    main()
