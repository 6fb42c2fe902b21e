"""Command line: ``hotlinecompare build | figures | check | add``.

User errors (bad input, a changed raw file) print a message naming the file and
line, and exit non-zero without a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from hotlinecompare.errors import HotlineError
from hotlinecompare.project import LISTS


def _cmd_build(args: argparse.Namespace) -> int:
    from hotlinecompare.extract.corpus_build import LARGE_CORPUS, build_corpus, manifest_size
    from hotlinecompare.extract.fact_build import summary_lines
    from hotlinecompare.pipeline import publish_tables, read_clean, run

    jobs, partitioned = getattr(args, "jobs", None), getattr(args, "partitioned", False)
    if partitioned or (jobs or 1) > 1 or manifest_size(Path(args.raw)) > LARGE_CORPUS:
        progress = getattr(args, "progress", False) or sys.stderr.isatty()
        summary = build_corpus(Path(args.raw), Path(args.out), jobs=jobs, progress=progress,
                               single_files=not partitioned)
        for line in summary.lines():
            print(line)
        print(f"wrote {args.out}/" + ", ".join(p.name for p in summary.outputs))
        if not partitioned and getattr(args, "harmonise", True):
            try:
                publish_tables(read_clean(Path(args.out)), Path(args.raw), Path(args.out))
            except HotlineError as e:  # e.g. several documents for one city-year: a recipe can't choose
                print(f"hotlinecompare build: warning: the harmonised tables were not rebuilt "
                      f"(the fact table and reports above were):\n{e}", file=sys.stderr)
            else:
                print(f"wrote {args.out}/: harmonised tables, satisfaction_panel, datapackage.json, "
                      "hotlinecompare.xlsx")
        return 0
    build = run(Path(args.raw), Path(args.out))
    for line in summary_lines(build):
        print(line)
    print(f"wrote {args.out}/: facts (parquet, csv, partitioned facts/), unparsed, checks, accounting, "
          "harmonised tables, satisfaction_panel, datapackage.json, hotlinecompare.xlsx")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    """Check documents without touching data/: facts, unparsed lines, failed checks, verdict; exit 0/1/2."""
    import json
    import os

    import polars as pl

    from hotlinecompare.extract.trial import check_path, facts_json_rows, report_lines
    from hotlinecompare.schema import fact_schema

    report = sys.stdout if args.format == "table" else sys.stderr   # stdout carries the facts
    results, code = [], 0
    for file in args.files:
        try:
            result = check_path(file, city=args.city, year=args.year, kind=args.kind)
            lines = report_lines(result, with_facts=args.format == "table")
        except HotlineError as e:
            print(f"hotlinecompare check: error: {e}", file=sys.stderr)
            print(f"verdict: cannot be read: {str(e).splitlines()[0]} (exit 2)", file=report)
            code = 2
            continue
        except Exception as e:   # a bug of ours must not print a traceback at a user checking a file
            if os.environ.get("HOTLINECOMPARE_DEBUG"):
                raise
            print(f"hotlinecompare check: internal error on {file}: {type(e).__name__}: {e} "
                  "(please report it; HOTLINECOMPARE_DEBUG=1 shows the traceback)", file=sys.stderr)
            code = 2
            continue
        results.append(result)
        print("\n".join(lines), file=report)
        code = max(code, result.exit_code)
    if args.format == "json":
        print(json.dumps(facts_json_rows(results), ensure_ascii=False, indent=1))
    elif args.format == "csv":
        frames = [r.facts for r in results if r.facts.height]
        sys.stdout.write((pl.concat(frames) if frames else pl.DataFrame(schema=fact_schema())).write_csv())
    return code


def _cmd_add(args: argparse.Namespace) -> int:
    """Check a document, copy it into data/raw with its manifest row, and rebuild data/clean."""
    from hotlinecompare.extract.intake import add_document

    added = add_document(Path(args.file), Path(args.raw), city=args.city, year=args.year, kind=args.kind,
                         basis=args.basis, suffix=args.suffix, issuer=args.issuer, notes=args.notes)
    r = added.result
    print(f"added {args.file} as {Path(args.raw) / added.file} (doc_id {added.row['doc_id']}, "
          f"{added.row['parser']}, {added.row['city']} {added.row['fiscal_year'] or 'undated'})")
    print(f"check verdict: {r.verdict}" + (" — run `hotlinecompare check` on it for details"
                                           if r.exit_code else ""))
    return _cmd_build(args)


def _clean_tables(clean: Path) -> dict:
    """Every table of data/clean, by name (they are small: read them all)."""
    import polars as pl

    if not (clean / "facts.parquet").exists():
        raise HotlineError("no clean data to draw from", file=str(clean),
                           hint="run `hotlinecompare build` first")
    return {p.stem: pl.read_parquet(p) for p in sorted(clean.glob("*.parquet"))}


def _cmd_figures(args: argparse.Namespace) -> int:
    from hotlinecompare.output.figures import export_figures

    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    written = export_figures(_clean_tables(Path(args.out)), Path(args.figures_out), lang=args.lang,
                             formats=formats, only=args.only)
    print(f"wrote {len(written)} files to {args.figures_out} (README.md lists them)")
    return 0


def _cmd_notebooks(args: argparse.Namespace) -> int:
    from hotlinecompare.output.notebooks import execute

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


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)


def _document_options(p: argparse.ArgumentParser) -> None:
    from hotlinecompare.extract.kinds import PARSER_MODULES

    p.add_argument("--city", default=None, help="city key or Chinese name (default: from the title)")
    p.add_argument("--year", default=None, help="fiscal year YYYY, or 'undated' (default: from the title)")
    p.add_argument("--kind", choices=sorted(PARSER_MODULES), default=None,
                   help="document kind (default: detected)")


def make_parser() -> argparse.ArgumentParser:
    from hotlinecompare import paths

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
    b.add_argument("--jobs", type=_positive, default=None,
                   help="worker processes; more than 1 selects the streaming corpus build "
                        "(default: 1, or every core when the manifest lists more than 64 documents)")
    b.add_argument("--partitioned", action="store_true",
                   help="streaming corpus build writing the partitioned facts/ dataset and the report "
                        "tables only (no facts.parquet/facts.csv): for corpora of thousands of documents")
    b.add_argument("--progress", action="store_true",
                   help="show a progress bar on stderr in the corpus build (default: when stderr is a terminal)")
    b.add_argument("--no-harmonise", dest="harmonise", action="store_false",
                   help="corpus build: stop after the fact table and reports (harmonising reads the whole "
                        "fact table into memory, which the streaming build otherwise avoids)")
    b.set_defaults(func=_cmd_build)
    c = sub.add_parser("check", help="check documents before adding them (nothing under data/ is touched)",
                       description="Detect each document's kind, parse it in memory and report the facts it "
                                   "would add, its unparsed lines and failed checks. Exit 0: parsed cleanly; "
                                   "1: parsed, but with unrecognised numbers, failed checks, rows stated twice "
                                   "or no check able to run; "
                                   "2: could not be read.")
    c.add_argument("files", nargs="+", metavar="FILE", help="plain-text export of a budget document")
    _document_options(c)
    c.add_argument("--format", choices=["table", "json", "csv"], default="table",
                   help="table: a report on stdout; json/csv: the facts on stdout, the report on stderr")
    c.set_defaults(func=_cmd_check)
    d = sub.add_parser("add", help="check a document, copy it into data/raw, record it in the manifest, rebuild")
    d.add_argument("file", metavar="FILE", help="plain-text export of a budget document")
    _document_options(d)
    d.add_argument("--basis", choices=["budget", "actual", "mixed"], default=None,
                   help="what the document's numbers are (default: actual for self_evaluation, "
                        "mixed for budget_disclosure, else budget)")
    d.add_argument("--suffix", default="", help="tag naming apart a second document of the same city, year and kind")
    d.add_argument("--issuer", default="", help="the issuing unit, for the manifest")
    d.add_argument("--notes", default="", help="notes for the manifest")
    d.add_argument("--raw", default=raw_default, help="raw folder (default: %(default)s)")
    d.add_argument("--out", default=out_default, help="clean folder to rebuild (default: %(default)s)")
    d.set_defaults(func=_cmd_add)
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
    i = sub.add_parser("init", help="create a project folder with the five seed documents, ready for `all`")
    i.add_argument("folder", help="the new project's folder (created if missing)")
    i.add_argument("--empty", action="store_true", help="start with an empty manifest instead of the seeds")
    i.set_defaults(func=_cmd_init)
    ls = sub.add_parser("list", help="what the project holds: cities, metrics, figures, tables or assumptions")
    ls.add_argument("what", choices=LISTS)
    ls.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output (default: table)")
    ls.set_defaults(func=_cmd_list)
    p.add_argument("--project", metavar="DIR",
                   help="the project folder (default: $HOTLINECOMPARE_ROOT, else the working directory or a parent)")
    return p


def _cmd_init(args: argparse.Namespace) -> int:
    from hotlinecompare.project import init_project

    written = init_project(args.folder, seeds=not args.empty)
    print(f"created the project {args.folder} ({len(written)} files in data/raw); next: "
          f"cd {args.folder} && hotlinecompare all")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    import polars as pl

    from hotlinecompare.project import listing

    table = listing(args.what)
    if args.format == "csv":
        sys.stdout.write(table.write_csv())
    elif args.format == "json":
        sys.stdout.write(table.write_json() + "\n")
    else:
        with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=200,
                       tbl_hide_column_data_types=True, tbl_hide_dataframe_shape=True):
            print(table)
    return 0


def _project_option(argv: list[str]) -> list[str]:
    """Take ``--project DIR`` out of the arguments (anywhere) and make it the project root for this run:
    the other options' defaults (data/raw, data/clean, figures) are found from it."""
    out, i = [], 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--project" and i + 1 < len(argv):
            os.environ["HOTLINECOMPARE_ROOT"] = str(Path(argv[i + 1]).resolve())
            i += 2
            continue
        if arg.startswith("--project="):
            os.environ["HOTLINECOMPARE_ROOT"] = str(Path(arg.split("=", 1)[1]).resolve())
        else:
            out.append(arg)
        i += 1
    return out


def main(argv: list[str] | None = None) -> int:
    argv = _project_option(list(sys.argv[1:] if argv is None else argv))
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:   # the reader (`| head`) stopped reading: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except HotlineError as e:
        print(f"hotlinecompare {args.command}: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
