"""The pipeline, in order: raw files → facts (extract) → harmonised tables → published outputs.

:func:`build` is ``hotlinecompare build``: holding the project's lock, it builds the whole clean
folder in a staging folder beside it (:func:`build_into`, stamp last) and swaps it in, so a reader
sees the old outputs or the new ones, never a mix. :func:`add` and :func:`remove` change the raw
corpus as a transaction: the change is staged in a copy of the raw folder (hard links), built, and
committed to ``data/raw`` only when the build succeeded; on any failure ``data/raw`` and its
manifest are exactly as before.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract import folders
from hotlinecompare.extract.dataset import write_dataset
from hotlinecompare.extract.fact_build import Build, build_facts, summary_lines, write_clean
from hotlinecompare.extract.intake import Addition, prepare_addition, write_addition
from hotlinecompare.extract.originals import sidecar_name
from hotlinecompare.extract.places import REGISTRY
from hotlinecompare.extract.raw import MANIFEST, parse_manifest, read_corpus, read_manifest_bytes
from hotlinecompare.output.publish import clean_tables, raw_record, write_stamp, write_tables
from hotlinecompare.output.stamp import file_sha256
from hotlinecompare.schema import table_schema


@dataclass
class Built:
    """What a build did, for the terminal: summary lines and warnings (the in-memory build's frames too)."""

    lines: list[str]
    warnings: list[str] = field(default_factory=list)
    build: Build | None = None


def read_clean(out_dir: Path) -> Build:
    """The four single-file tables a build wrote, read back (the corpus build holds no Build in memory)."""
    out = Path(out_dir)
    unparsed = pl.read_csv(out / "unparsed.csv", infer_schema=False).with_columns(pl.col("line").cast(pl.Int64))
    return Build(pl.read_parquet(out / "facts.parquet"), unparsed,
                 pl.read_csv(out / "checks.csv", schema=table_schema("checks")),
                 pl.read_csv(out / "accounting.csv", schema=table_schema("accounting")))


def streaming(raw_dir: Path, jobs: int | None, partitioned: bool) -> bool:
    """Whether ``build`` takes the streaming corpus build (many documents, several jobs, or --partitioned)."""
    from hotlinecompare.extract.corpus_build import LARGE_CORPUS, manifest_size

    return partitioned or (jobs or 1) > 1 or manifest_size(Path(raw_dir)) > LARGE_CORPUS


def build_into(raw_dir: Path, out_dir: Path, *, jobs: int | None = None, partitioned: bool = False,
               progress: bool = False, harmonise: bool = True, strict: bool = False) -> Built:
    """Build every output of ``raw_dir`` into the empty folder ``out_dir``, the build stamp last.

    ``strict``: a harmonising failure of the streaming build is an error (else a warning, and the
    fact table and reports are published without the harmonised tables).
    """
    raw, out = Path(raw_dir), Path(out_dir)
    if streaming(raw, jobs, partitioned):
        return _build_corpus_into(raw, out, jobs, partitioned, progress, harmonise, strict)
    corpus = with_side_inputs(read_corpus(raw), raw)
    build = build_facts(list(corpus.documents))
    write_clean(build, out)
    write_dataset(build.facts, build.accounting["doc_id"].to_list(), out)
    write_tables(clean_tables(build, raw), out, raw_dir=raw, corpus=corpus)
    return Built(summary_lines(build), build=build)


# Inputs beside data/raw that the build reads too: cited figures and reference series.
SIDE_INPUTS = ("cited", "reference")


def with_side_inputs(corpus, raw: Path):
    """``corpus`` with the files of ``data/cited`` and ``data/reference`` among what the build read, so the stamp
    (and ``load``) see an edited citation as they see an edited raw file."""
    files = dict(corpus.files)
    for folder in SIDE_INPUTS:
        for path in sorted((raw.parent / folder).glob("*.csv")):
            files[f"../{folder}/{path.name}"] = {"sha256": file_sha256(path), "bytes": path.stat().st_size}
    return replace(corpus, files=files)


def _build_corpus_into(raw: Path, out: Path, jobs, partitioned, progress, harmonise, strict) -> Built:
    from hotlinecompare.extract.corpus_build import build_corpus

    corpus = with_side_inputs(raw_record(raw), raw)   # the manifest as the corpus build reads it; checked again after
    summary = build_corpus(raw, out, jobs=jobs, progress=progress, single_files=not partitioned)
    if read_manifest_bytes(raw) != corpus.manifest:
        raise HotlineError("the manifest changed while the corpus was being built", file=str(raw / MANIFEST),
                           hint="run the build again")
    built = Built(summary.lines())
    if not partitioned and harmonise:
        try:
            write_tables(clean_tables(read_clean(out), raw), out, raw_dir=raw, corpus=corpus)
            return built
        except HotlineError as e:   # e.g. several documents for one city-year: a recipe can't choose
            if strict:
                raise
            built.warnings.append(f"the harmonised tables were not rebuilt (the fact table and reports were):\n{e}")
    write_stamp(out, corpus, sorted(p.stem for p in out.glob("*.csv")))
    return built


def _prepare(raw: Path, clean: Path) -> None:
    """Under the lock: finish or undo an interrupted raw change, remove what killed builds left behind."""
    folders.recover(raw)
    folders.clear_leftovers(raw)
    folders.clear_leftovers(clean)


def build(raw_dir: Path, clean_dir: Path, *, notify: Callable[[str], None] | None = None, **options) -> Built:
    """``hotlinecompare build``: the whole clean folder built beside ``clean_dir`` and swapped in, under the lock."""
    raw, clean = Path(raw_dir), Path(clean_dir)
    with folders.locked(raw, clean, notify=notify):
        _prepare(raw, clean)
        staging = folders.staging_folder(clean)
        try:
            built = build_into(raw, staging, **options)
            folders.publish_folder(staging, clean)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return built


def run(raw_dir: Path, out_dir: Path) -> Build:
    """The whole raw → clean job of a corpus that fits in memory; the build's frames."""
    return build(raw_dir, out_dir, jobs=1).build


# -- changing the corpus -----------------------------------------------------------------
def stage_raw(raw: Path, *, leave_out: tuple[str, ...] = ()) -> Path:
    """A staging copy of the raw folder: documents as hard links, the manifest and place registry copied
    (they are the files a change rewrites)."""
    staged = folders.staging_folder(raw)
    for path in raw.iterdir():
        if not path.is_file() or path.name.startswith(".") or path.name in leave_out:
            continue
        if path.name in (MANIFEST, REGISTRY):
            shutil.copy2(path, staged / path.name)
        else:
            folders.link_or_copy(path, staged / path.name)
    return staged


def _transaction(raw: Path, clean: Path, staged: Path, what: str, *, place: list[str], delete: list[str],
                 options: dict) -> Built:
    """Build the staged raw folder; only if that succeeds, commit it to ``raw`` and swap the new clean folder in."""
    out = folders.staging_folder(clean)
    try:
        try:
            built = build_into(staged, out, strict=True, **options)
        except HotlineError as e:
            raise HotlineError(f"{what} failed to build, so nothing changed (data/raw and its manifest are as "
                               f"they were):\n{e}") from None
        files = tuple(n for n in (REGISTRY, MANIFEST) if (staged / n).exists())
        try:
            folders.commit_raw(raw, staged, place=place, delete=delete, files=files)
        except OSError as e:
            folders.recover(raw)
            raise HotlineError(f"cannot write the raw folder ({e.strerror}), so nothing changed (data/raw and "
                               "its manifest are as they were)", file=e.filename2 or e.filename or str(raw),
                               hint="make data/raw and its manifest writable and run the command again") from None
        folders.publish_folder(out, clean)
        return built
    finally:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(staged, ignore_errors=True)


def add(path: Path | str, raw_dir: Path, clean_dir: Path, *, force: bool = False, max_bytes: int | None = None,
        notify: Callable[[str], None] | None = None, build_options: dict | None = None,
        **document_options) -> tuple[Addition, Built]:
    """``hotlinecompare add``: check the document, then add it and rebuild as one transaction."""
    raw, clean = Path(raw_dir), Path(clean_dir)
    limits = {} if max_bytes is None else {"max_bytes": max_bytes}
    with folders.locked(raw, clean, notify=notify):
        _prepare(raw, clean)
        addition = prepare_addition(path, raw, force=force, **limits, **document_options)
        staged = stage_raw(raw)
        try:
            write_addition(addition, staged)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
        built = _transaction(raw, clean, staged, f"the corpus with {addition.row['doc_id']} ({addition.file})",
                             place=addition.files, delete=[], options=build_options or {})
    return addition, built


def manifest_without(data: bytes, doc_id: str, source: str) -> tuple[bytes, dict]:
    """The manifest's bytes without ``doc_id``'s row (every other byte kept), and that row."""
    rows = parse_manifest(data, source)
    lines = io.StringIO(data.decode("utf-8"), newline="").readlines()
    reader = csv.reader(lines)
    next(reader)
    start = reader.line_num
    for row in rows:
        next(reader)
        if row["doc_id"] == doc_id:
            return "".join(lines[:start] + lines[reader.line_num:]).encode("utf-8"), row
        start = reader.line_num
    raise HotlineError(f"no document {doc_id!r} in the corpus", file=source, found=doc_id,
                       expected="one of " + ", ".join(r["doc_id"] for r in rows))


def remove(doc_id: str, raw_dir: Path, clean_dir: Path, *, notify: Callable[[str], None] | None = None,
           build_options: dict | None = None) -> tuple[dict, Built]:
    """``hotlinecompare remove DOC_ID``: take a document out (raw file and manifest row) and rebuild, as one transaction."""
    raw, clean = Path(raw_dir), Path(clean_dir)
    with folders.locked(raw, clean, notify=notify):
        _prepare(raw, clean)
        manifest, row = manifest_without(read_manifest_bytes(raw), doc_id, str(raw / MANIFEST))
        files = (row["file"], *((row["original_file"], sidecar_name(row["file"])) if row.get("original_file") else ()))
        staged = stage_raw(raw, leave_out=files)
        (staged / MANIFEST).write_bytes(manifest)
        built = _transaction(raw, clean, staged, f"the corpus without {doc_id}", place=[],
                             delete=list(files), options=build_options or {})
    return row, built
