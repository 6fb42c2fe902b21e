"""Command line: ``hotlinecompare build | check | add | remove | figures | notebooks | all | model | trace | init | list``.

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


def _notify(message: str) -> None:
    print(f"hotlinecompare: {message}", file=sys.stderr, flush=True)


def _build_options(args: argparse.Namespace) -> dict:
    return {"jobs": getattr(args, "jobs", None), "partitioned": getattr(args, "partitioned", False),
            "harmonise": getattr(args, "harmonise", True),
            "progress": getattr(args, "progress", False) or sys.stderr.isatty()}


def _report_build(built, args: argparse.Namespace) -> int:
    for line in built.lines:
        print(line)
    for warning in built.warnings:
        print(f"hotlinecompare {args.command}: warning: {warning}", file=sys.stderr)
    if built.build is not None or not built.warnings:
        print(f"wrote {args.out}/: facts (parquet, csv, partitioned facts/), unparsed, checks, accounting, "
              "harmonised tables, satisfaction_panel, datapackage.json, hotlinecompare.xlsx, build_stamp.json")
    else:
        print(f"wrote {args.out}/: the fact table, its reports and build_stamp.json")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from hotlinecompare.pipeline import build

    built = build(Path(args.raw), Path(args.out), notify=_notify, **_build_options(args))
    return _report_build(built, args)


def _cmd_check(args: argparse.Namespace) -> int:
    """Check documents without touching data/: facts, unparsed lines, failed checks, verdict; exit 0/1/2."""
    import json
    import os

    import polars as pl

    from hotlinecompare.extract.inputs import read_input
    from hotlinecompare.extract.trial import check_bytes, facts_json_rows, report_lines
    from hotlinecompare.schema import fact_schema

    report = sys.stdout if args.format == "table" else sys.stderr   # stdout carries the facts
    results, code = [], 0
    for file in args.files:
        try:
            given = read_input(file, max_bytes=args.max_size)
            if given.note:
                print(f"note: {given.note}", file=report)
            result = check_bytes(given.data, str(file), city=args.city, year=args.year, kind=args.kind)
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
    """Check a document, then copy it into data/raw with its manifest row and rebuild data/clean, all or nothing."""
    from hotlinecompare.pipeline import add

    added, built = add(Path(args.file), Path(args.raw), Path(args.out), force=args.force, max_bytes=args.max_size,
                       notify=_notify, build_options=_build_options(args), city=args.city, year=args.year,
                       kind=args.kind, basis=args.basis, suffix=args.suffix, issuer=args.issuer, notes=args.notes)
    r = added.result
    if added.note:
        print(f"note: {added.note}")
    print(f"added {args.file} as {Path(args.raw) / added.file} (doc_id {added.row['doc_id']}, "
          f"{added.row['parser']}, {added.row['city']} {added.row['fiscal_year'] or 'undated'})")
    print(f"check verdict: {r.verdict}" + (" — run `hotlinecompare check` on it for details"
                                           if r.exit_code else ""))
    return _report_build(built, args)


def _cmd_remove(args: argparse.Namespace) -> int:
    """Take a document out of data/raw (file and manifest row) and rebuild data/clean, all or nothing."""
    from hotlinecompare.pipeline import remove

    row, built = remove(args.doc_id, Path(args.raw), Path(args.out), notify=_notify,
                        build_options=_build_options(args))
    print(f"removed {row['doc_id']} ({Path(args.raw) / row['file']}) and its manifest row")
    return _report_build(built, args)


def _clean_tables(clean: Path) -> dict:
    """Every table of data/clean, by name (they are small: read them all)."""
    import polars as pl

    from hotlinecompare.api import ensure_fresh

    if (clean.parent / "raw" / "manifest.csv").exists():   # the project's layout: check (and rebuild) first
        ensure_fresh(clean, clean.parent / "raw")
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


def _cmd_model(args: argparse.Namespace) -> int:
    """The cost model on a scenario: cost table, P(outsourcing cheaper), cost figures."""
    from hotlinecompare.output.model_report import report

    lines, _ = report(_clean_tables(Path(args.out)), scenario_file=args.scenario, settings=args.set,
                      targets=args.target, samples=args.samples, calls=args.calls,
                      figures_out=Path(args.figures_out), lang=args.lang)
    print("\n".join(lines))
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


def _megabytes(text: str) -> int:
    try:
        size = float(text)
    except ValueError:
        size = 0
    if not size > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive size in MB")
    return int(size * 1_000_000)


def _document_options(p: argparse.ArgumentParser) -> None:
    from hotlinecompare.extract.inputs import MAX_BYTES
    from hotlinecompare.extract.kinds import PARSER_MODULES

    p.add_argument("--max-size", type=_megabytes, default=MAX_BYTES, metavar="MB",
                   help=f"refuse a file larger than this (default: {MAX_BYTES // 1_000_000} MB)")

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
    d.add_argument("--force", action="store_true",
                   help="add a document even if it yields no fact or leaves more than 5 %% of its numbers unrecognised")
    d.add_argument("--raw", default=raw_default, help="raw folder (default: %(default)s)")
    d.add_argument("--out", default=out_default, help="clean folder to rebuild (default: %(default)s)")
    d.set_defaults(func=_cmd_add)
    r = sub.add_parser("remove", help="take a document out of data/raw (file and manifest row) and rebuild")
    r.add_argument("doc_id", metavar="DOC_ID", help="the document's doc_id (first column of data/raw/manifest.csv)")
    r.add_argument("--raw", default=raw_default, help="raw folder (default: %(default)s)")
    r.add_argument("--out", default=out_default, help="clean folder to rebuild (default: %(default)s)")
    r.set_defaults(func=_cmd_remove)
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
    m = sub.add_parser("model", help="the cost model: both options' annual cost with intervals and P(outsourcing cheaper)")
    m.add_argument("--scenario", default=None, metavar="FILE.toml", help="scenario file (see hotlinecompare.models.scenarios)")
    m.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="change an assumption of hotlinecompare/data/cost_assumptions.csv (repeatable)")
    m.add_argument("--target", action="append", type=float, default=None,
                   help="connection-rate target (repeatable; default 0.8, 0.9, 0.95)")
    m.add_argument("--samples", type=_positive, default=None, help="Monte Carlo draws (default 400)")
    m.add_argument("--calls", default=None, metavar="FILE.csv", help="calibrate from a centre's hourly call counts")
    m.add_argument("--clean", dest="out", default=out_default, help="clean data folder (default: %(default)s)")
    m.add_argument("--figures-out", default=str(Path(figures_default) / "model"),
                   help="where the scenario's figures go (default: %(default)s)")
    m.add_argument("--lang", choices=["zh", "en"], default="zh", help="figure language (default: zh)")
    m.set_defaults(func=_cmd_model)
    t = sub.add_parser("trace", help="follow a fact from its raw line (and page or cell of the original) to the tables")
    t.add_argument("fact_id", help="a fact id, e.g. sz2024pt-L0230-2")
    t.add_argument("--raw", default=raw_default, help="raw folder (default: %(default)s)")
    t.add_argument("--out", default=out_default, help="clean folder (default: %(default)s)")
    t.set_defaults(func=_cmd_trace)
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


def _cmd_trace(args: argparse.Namespace) -> int:
    from hotlinecompare.api import trace

    print(trace(args.fact_id, clean_dir=args.out, raw_dir=args.raw).summary())
    return 0


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


def _escape_unencodable_output() -> None:
    """A terminal that cannot show Chinese (PYTHONIOENCODING=ascii, a C locale) gets \\u escapes, not a crash."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def main(argv: list[str] | None = None) -> int:
    _escape_unencodable_output()
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
