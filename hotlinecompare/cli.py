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


def _clean_tables(clean: Path) -> dict:
    """Every table of data/clean, by name (they are small: read them all)."""
    import polars as pl

    if not (clean / "facts.parquet").exists():
        raise HotlineError("no clean data to draw from", file=str(clean),
                           hint="run `hotlinecompare build` first")
    return {p.stem: pl.read_parquet(p) for p in sorted(clean.glob("*.parquet"))}


def _cmd_figures(args: argparse.Namespace) -> int:
    from .figures import export_figures

    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    written = export_figures(_clean_tables(Path(args.out)), Path(args.figures_out), lang=args.lang,
                             formats=formats, only=args.only)
    print(f"wrote {len(written)} files to {args.figures_out} (README.md lists them)")
    return 0


def _cmd_notebooks(args: argparse.Namespace) -> int:
    from .notebook import execute

    paths = [Path(p) for p in args.paths] or sorted(Path(args.dir).glob("[0-9][0-9]_*.ipynb"))
    for path in execute(paths):
        print(f"executed {path}")
    return 0


def _cmd_all(args: argparse.Namespace) -> int:
    """The main job: raw → clean → figures (Chinese and English)."""
    code = _cmd_build(args)
    for lang in ("zh", "en"):
        if code == 0:
            code = _cmd_figures(argparse.Namespace(**{**vars(args), "lang": lang}))
    return code


def make_parser() -> argparse.ArgumentParser:
    from . import paths

    try:
        root = paths.project_root()
        raw_default, out_default = str(root / "data" / "raw"), str(root / "data" / "clean")
        figures_default = str(root / "figures")
    except HotlineError:
        raw_default, out_default, figures_default = "data/raw", "data/clean", "figures"
    p = argparse.ArgumentParser(prog="hotlinecompare", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="parse data/raw into data/clean (facts, unparsed, checks)")
    b.add_argument("--raw", default=raw_default, help="raw folder with manifest.csv (default: %(default)s)")
    b.add_argument("--out", default=out_default, help="output folder (default: %(default)s)")
    b.set_defaults(func=_cmd_build)
    f = sub.add_parser("figures", help="export every registered figure (PNG 300 dpi, SVG, PDF)")
    f.add_argument("--out", dest="figures_out", default=figures_default, help="figure folder (default: %(default)s)")
    f.add_argument("--clean", dest="out", default=out_default, help="clean data folder (default: %(default)s)")
    f.add_argument("--lang", choices=["zh", "en"], default="zh", help="label language (default: zh)")
    f.add_argument("--formats", default="png,svg,pdf", help="comma-separated formats (default: %(default)s)")
    f.add_argument("--only", default=None, help="export only this figure")
    f.set_defaults(func=_cmd_figures)
    n = sub.add_parser("notebooks", help="re-execute notebooks in place (all numbered ones by default)")
    n.add_argument("paths", nargs="*", help="notebooks to run (default: notebooks/NN_*.ipynb)")
    n.add_argument("--dir", default=str(Path(figures_default).parent / "notebooks"), help=argparse.SUPPRESS)
    n.set_defaults(func=_cmd_notebooks)
    a = sub.add_parser("all", help="the main job: build, then export every figure")
    a.add_argument("--raw", default=raw_default, help="raw folder (default: %(default)s)")
    a.add_argument("--out", default=out_default, help="clean folder (default: %(default)s)")
    a.add_argument("--figures-out", default=figures_default, help="figure folder (default: %(default)s)")
    a.set_defaults(func=_cmd_all, lang="zh", formats="png,svg,pdf", only=None)
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
