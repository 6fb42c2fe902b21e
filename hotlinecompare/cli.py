"""Command line: ``hotlinecompare build | figures | check | add``.

User errors (bad input, a changed raw file) print a message naming the file and
line, and exit non-zero without a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import HotlineError


def _cmd_build(args: argparse.Namespace) -> int:
    from .build import run, summary_lines

    build = run(Path(args.raw), Path(args.out))
    for line in summary_lines(build):
        print(line)
    print(f"wrote {args.out}/facts.parquet, facts.csv, unparsed.csv, checks.csv, accounting.csv")
    return 0


def _cmd_all(args: argparse.Namespace) -> int:
    """The main job: raw → clean → figures."""
    code = _cmd_build(args)
    if code == 0 and hasattr(args, "figures_out"):
        code = _cmd_figures(args)
    return code


def make_parser() -> argparse.ArgumentParser:
    from . import paths

    try:
        root = paths.project_root()
        raw_default, out_default = str(root / "data" / "raw"), str(root / "data" / "clean")
    except HotlineError:
        raw_default, out_default = "data/raw", "data/clean"
    p = argparse.ArgumentParser(prog="hotlinecompare", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="parse data/raw into data/clean (facts, unparsed, checks)")
    b.add_argument("--raw", default=raw_default, help="raw folder with manifest.csv (default: %(default)s)")
    b.add_argument("--out", default=out_default, help="output folder (default: %(default)s)")
    b.set_defaults(func=_cmd_build)
    a = sub.add_parser("all", help="the main job: build, then export every figure")
    a.add_argument("--raw", default=raw_default, help="raw folder (default: %(default)s)")
    a.add_argument("--out", default=out_default, help="clean folder (default: %(default)s)")
    a.set_defaults(func=_cmd_all)
    return p


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except HotlineError as e:
        print(f"hotlinecompare {args.command}: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
