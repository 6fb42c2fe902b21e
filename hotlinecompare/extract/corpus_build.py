"""Build a corpus of thousands of documents: in parallel, in bounded memory, as a partitioned dataset.

The manifest is cut into chunks of consecutive documents (the chunk size depends
only on the number of documents, never on ``jobs``, so the output does not
either). A worker process parses one chunk, one document at a time, with the
same :func:`~hotlinecompare.extract.fact_build.build_rows` as the in-memory build, and
stages the chunk's tables as parquet files; only one chunk's rows are in a
worker's memory at a time. At the end the staged files are combined, never all
in memory at once, into the partitioned dataset::

    facts/city=<city>/fiscal_year=<year>/part-<group>.parquet

(hive-style, one file per partition and group of about 1,024 documents, rows in
reading order; a fact without a fiscal year goes to ``fiscal_year=__HIVE_DEFAULT_PARTITION__``,
which polars and Spark read as null), the report tables (``unparsed.csv``,
``checks.csv``, ``accounting.csv``) and, unless ``single_files=False``,
``facts.parquet`` and ``facts.csv``. Rows are in the same order as the in-memory
build's; the CSV files and the dataset are byte-identical to it, ``facts.parquet``
holds the same rows but is not byte-identical (row groups differ).
"""

from __future__ import annotations

import heapq
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import polars as pl

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.dataset import (
    DATASET,
    chunk_size,
    dataset_group,
    fresh_folder,
    swap_in,
    write_partitions,
)
from hotlinecompare.extract.fact_build import Rows, build_rows, frames
from hotlinecompare.extract.raw import MANIFEST, load_document, read_manifest
from hotlinecompare.schema import fact_schema, table_schema

# Above this many documents `hotlinecompare build` uses the streaming corpus build by default.
LARGE_CORPUS = 64
# Rows held in memory while merging the chunks' sorted checks (shared among the chunk files).
MERGE_ROWS = 40_000
_THREADS_VAR = "POLARS_MAX_THREADS"


def default_jobs(n_docs: int) -> int:
    """1 process for a small corpus (start-up would cost more than it saves), every core for a large one."""
    return 1 if n_docs <= LARGE_CORPUS else (os.cpu_count() or 1)












# -- the corpus build --------------------------------------------------------
@dataclass(frozen=True)
class ChunkResult:
    index: int
    documents: int
    bytes: int
    facts: int
    unrecognised: int
    failed_checks: int
    checks: int


@dataclass
class CorpusSummary:
    documents: int
    bytes: int
    facts: int
    unrecognised: int
    checks: int
    failed_checks: int
    partitions: int
    part_files: int
    jobs: int
    chunks: int
    seconds: float
    outputs: list[Path] = field(default_factory=list)

    def lines(self) -> list[str]:
        rate = self.documents / self.seconds if self.seconds else float("inf")
        return [
            f"{self.documents} documents ({self.bytes / 1e6:.1f} MB) in {self.chunks} chunks on "
            f"{self.jobs} process(es): {self.seconds:.1f} s, {rate:.0f} documents/s",
            f"{self.facts} facts in {self.partitions} partitions ({self.part_files} parquet files); "
            f"{self.unrecognised} unrecognised numeric tokens",
            f"checks: {self.checks - self.failed_checks} passed, {self.failed_checks} failed (see checks.csv)",
        ]


def build_corpus(raw_dir: Path, out_dir: Path, *, jobs: int | None = None, progress: bool = False,
                 single_files: bool = True) -> CorpusSummary:
    """Parse every document of ``raw_dir/manifest.csv`` into ``out_dir`` (see the module docstring).

    ``jobs``: worker processes (None: :func:`default_jobs`). ``progress``: a tqdm bar on stderr.
    ``single_files=False`` skips ``facts.parquet`` and ``facts.csv`` (and removes stale ones).
    """
    started = time.perf_counter()
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    rows = list(enumerate(read_manifest(raw_dir), start=2))
    size = chunk_size(len(rows))
    chunks = [rows[i:i + size] for i in range(0, len(rows), size)]
    jobs = max(1, min(jobs or default_jobs(len(rows)), len(chunks) or 1))
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = fresh_folder(out_dir / ".build-tmp")
    dataset_tmp = fresh_folder(out_dir / f".{DATASET}-tmp")
    tasks = [(i, str(raw_dir), str(staging), chunk) for i, chunk in enumerate(chunks)]
    try:
        results = _run(tasks, jobs, progress, len(rows))
        # The single-file tables (streaming sinks) and the dataset (file groups) are independent:
        # made side by side (polars works outside the GIL).
        with ThreadPoolExecutor(max_workers=1) as thread:
            combined = thread.submit(_combine, staging, out_dir, len(chunks), single_files)
            written = _write_groups(staging, dataset_tmp, len(chunks), dataset_group(len(rows)) // size)
            outputs = combined.result()
        partitions, part_files = len({p.parent for p in written}), len(written)
        outputs.append(swap_in(dataset_tmp, out_dir / DATASET))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(dataset_tmp, ignore_errors=True)
    return CorpusSummary(
        documents=len(rows), bytes=sum(r.bytes for r in results), facts=sum(r.facts for r in results),
        unrecognised=sum(r.unrecognised for r in results), checks=sum(r.checks for r in results),
        failed_checks=sum(r.failed_checks for r in results), partitions=partitions,
        part_files=part_files, jobs=jobs, chunks=len(chunks),
        seconds=time.perf_counter() - started, outputs=outputs)


def _run(tasks: list[tuple], jobs: int, progress: bool, total: int) -> list[ChunkResult]:
    from tqdm import tqdm

    bar = tqdm(total=total, unit="doc", file=sys.stderr, disable=not progress, smoothing=0.1)
    results = []
    try:
        if jobs == 1:
            for task in tasks:
                results.append(build_chunk(task))
                bar.update(results[-1].documents)
        else:
            # spawn, not fork: polars' thread pool must not be forked. Each worker is one of `jobs`
            # busy processes, so its polars runs on one thread (more only contend for the cores).
            saved = os.environ.get(_THREADS_VAR)
            os.environ[_THREADS_VAR] = "1"
            try:
                pool = ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn"),
                                           initializer=_exit_without_teardown)
                try:
                    futures = [pool.submit(build_chunk, task) for task in tasks]
                    for future in as_completed(futures):
                        results.append(future.result())
                        bar.update(results[-1].documents)
                except BaseException:
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
                pool.shutdown(wait=False)   # every chunk is done: the workers exit while we go on
            finally:
                if saved is None:
                    os.environ.pop(_THREADS_VAR, None)
                else:
                    os.environ[_THREADS_VAR] = saved
    finally:
        bar.close()
    return sorted(results, key=lambda r: r.index)


def _exit_without_teardown() -> None:
    """Worker initializer: end the worker with ``os._exit`` once it is done.

    A spawned worker otherwise leaves through ``sys.exit`` and frees, one by one, the millions
    of objects its parse caches hold (about 0.25 s per 500 documents, on a core the main process
    needs). Its results have been sent by then and it writes nothing else.
    """
    import atexit

    def leave() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    atexit.register(leave)


def build_chunk(task: tuple) -> ChunkResult:
    """Worker: parse one chunk document by document and stage its tables."""
    from hotlinecompare.extract.trial import crash_error

    index, raw_dir, staging, rows = task
    # Each document is built on its own (as build_facts([doc])); the chunk's frames are made once.
    chunk_rows = Rows([], [], [], [])
    size = 0
    for line, row in rows:
        doc = load_document(Path(raw_dir), row, line)
        size += (Path(raw_dir) / row["file"]).stat().st_size
        try:
            one = build_rows([doc])
        except HotlineError:
            raise
        except Exception as e:   # name the document and the parser instead of a bare traceback
            raise crash_error(e, doc) from None
        chunk_rows.facts += one.facts
        chunk_rows.unparsed += one.unparsed
        chunk_rows.checks += one.checks
        chunk_rows.accounting += one.accounting
    built = frames(chunk_rows)
    facts, unparsed, checks, accounting = built.facts, built.unparsed, built.checks, built.accounting
    stage = Path(staging)
    for name, frame in (("facts", facts), ("unparsed", unparsed), ("checks", checks),
                        ("accounting", accounting)):
        frame.write_parquet(stage / f"{name}-{index:05d}.parquet", compression="lz4", statistics=False)
    return ChunkResult(index, len(rows), size, facts.height, int(accounting["unrecognised"].sum()),
                       int((~checks["passed"]).sum()), checks.height)


def _write_groups(staging: Path, dataset_dir: Path, n_chunks: int, chunks_per_group: int) -> list[Path]:
    """The dataset from the chunks' staged facts, one file group (a few chunks) in memory at a time."""
    written = []
    for group, first in enumerate(range(0, n_chunks, chunks_per_group)):
        files = [staging / f"facts-{i:05d}.parquet" for i in range(first, min(first + chunks_per_group, n_chunks))]
        written += write_partitions(pl.read_parquet(files), dataset_dir, group)
    return written


def _combine(staging: Path, out_dir: Path, n_chunks: int, single_files: bool) -> list[Path]:
    """The single-file outputs from the chunks' staged tables, streamed (never all in memory)."""
    def scan(name: str, schema: dict) -> pl.LazyFrame:
        files = [staging / f"{name}-{i:05d}.parquet" for i in range(n_chunks)]
        return pl.scan_parquet(files) if files else pl.LazyFrame(schema=schema)

    sinks = [scan("unparsed", table_schema("unparsed")).sink_csv(out_dir / "unparsed.csv", lazy=True),
             scan("accounting", table_schema("accounting")).sink_csv(out_dir / "accounting.csv", lazy=True)]
    outputs = []
    if single_files:
        facts = scan("facts", fact_schema())
        sinks += [facts.sink_parquet(out_dir / "facts.parquet", compression="zstd", statistics=False, lazy=True),
                  facts.sink_csv(out_dir / "facts.csv", lazy=True)]
        outputs += [out_dir / "facts.parquet", out_dir / "facts.csv"]
    else:
        for stale in ("facts.parquet", "facts.csv"):
            (out_dir / stale).unlink(missing_ok=True)
    pl.collect_all(sinks)   # one streaming run for every sink (the facts are scanned once)
    # The in-memory build sorts checks by document id, not manifest order: so does this one, by merging
    # the chunks' sorted files (a sort of all checks would hold them all in memory).
    merge_sorted_csv([staging / f"checks-{i:05d}.parquet" for i in range(n_chunks)], ("doc_id", "check_id"),
                     table_schema("checks"), out_dir / "checks.csv")
    return outputs + [out_dir / f"{n}.csv" for n in ("unparsed", "checks", "accounting")]


def merge_sorted_csv(files: list[Path], keys: tuple[str, ...], schema: dict, out: Path,
                     rows_in_memory: int = MERGE_ROWS) -> None:
    """Write the rows of parquet ``files``, each sorted by ``keys``, as one sorted CSV file.

    A k-way merge reading a slice of each file at a time, so that about ``rows_in_memory`` rows
    are held whatever the corpus size. Ties keep file order (as a stable sort of the files'
    concatenation would).
    """
    batch = max(50, rows_in_memory // max(1, len(files)))
    columns = list(schema)
    positions = [columns.index(k) for k in keys]
    if _concatenation_is_sorted(files, list(keys), out, columns):
        return

    def rows(path: Path):
        lazy = pl.scan_parquet(path)
        offset = 0
        while True:
            part = lazy.slice(offset, batch).collect()
            if part.height == 0:
                return
            for row in part.select(columns).iter_rows():
                yield tuple(row[p] for p in positions), row
            offset += batch

    merged = heapq.merge(*(rows(f) for f in files), key=lambda item: item[0])
    with open(out, "w", encoding="utf-8", newline="") as f:
        header, buffer = True, []
        for _, row in merged:
            buffer.append(row)
            if len(buffer) == batch:
                f.write(pl.DataFrame(buffer, schema=schema, orient="row").write_csv(include_header=header))
                header, buffer = False, []
        if buffer or header:
            f.write(pl.DataFrame(buffer, schema=schema, orient="row").write_csv(include_header=header))


def _concatenation_is_sorted(files: list[Path], keys: list[str], out: Path, columns: list[str]) -> bool:
    """When the files' key ranges follow one another (documents in id order, the usual manifest),
    the merge is their concatenation: stream it to ``out`` and say so; else write nothing."""
    ranges = []
    for path in files:
        lazy = pl.scan_parquet(path).select(keys)
        ends = pl.concat([lazy.head(1), lazy.tail(1)]).collect().rows()
        if any(v is None for row in ends for v in row):   # null keys: leave ordering to the merge
            return False
        if ends:
            ranges.append((path, ends[0], ends[-1]))
    if not ranges or any(prev[2] > nxt[1] for prev, nxt in zip(ranges, ranges[1:])):
        return False
    pl.scan_parquet([p for p, *_ in ranges]).select(columns).sink_csv(out)
    return True






def manifest_size(raw_dir: Path) -> int:
    """How many documents ``raw_dir/manifest.csv`` lists (0 if it has none)."""
    return len(read_manifest(Path(raw_dir))) if (Path(raw_dir) / MANIFEST).exists() else 0
