"""Fault injection: kill -9 during builds and adds, two adds at once, a flipped raw byte, a cut output.

After each fault the invariants hold: the manifest parses; every output in data/clean reads; ``load()``
returns the data of the manifest (rebuilding if it must) or refuses with a clear error; no traceback;
and after the next locked command the raw folder is exactly as before the change or as after it.

Kill points are fractions of a run's measured duration. CI runs a short variant (3 kill points for
build, 4 for add, one concurrent round: about 40 s); ``HOTLINECOMPARE_FAULTS=long`` runs the long
one (20 kill points each, 5 concurrent rounds) and prints its numbers with ``-s``.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from hotlinecompare import api
from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.folders import locked
from hotlinecompare.extract.raw import read_manifest
from hotlinecompare.output.stamp import damaged, output_files
from hotlinecompare.pipeline import _prepare, build

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
LONG = os.environ.get("HOTLINECOMPARE_FAULTS") == "long"
BUILD_KILLS = 20 if LONG else 3
ADD_KILLS = 20 if LONG else 3
CONCURRENT_ROUNDS = 5 if LONG else 1
LEFT_OUT = {"jn2026pt": "jiangning_2026_project_targets.txt", "sz2022se": "suzhou_2022_self_evaluation.txt"}


def _cli(root: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "HOTLINECOMPARE_ROOT": str(root), "HOTLINECOMPARE_LOCK_TIMEOUT": "120"}
    return subprocess.Popen([sys.executable, "-m", "hotlinecompare.cli", *args], env=env, cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _project(tmp_path: Path, leave_out: tuple[str, ...] = ()) -> tuple[Path, list[Path]]:
    """A project folder: data/raw as committed (without ``leave_out`` documents, returned as files to add),
    built once."""
    root = tmp_path / "project"
    raw = root / "data" / "raw"
    shutil.copytree(RAW, raw)
    keep = [line for line in (raw / "manifest.csv").read_bytes().splitlines(keepends=True)
            if not any(line.startswith(f"{d},".encode()) for d in leave_out)]
    (raw / "manifest.csv").write_bytes(b"".join(keep))
    documents = []
    for doc_id in leave_out:
        documents.append(shutil.copy(raw / LEFT_OUT[doc_id], tmp_path / LEFT_OUT[doc_id]))
        (raw / LEFT_OUT[doc_id]).chmod(0o644)
        (raw / LEFT_OUT[doc_id]).unlink()
    build(raw, root / "data" / "clean")
    return root, [Path(d) for d in documents]


def _raw_state(raw: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in raw.iterdir()}


def _invariants(root: Path, states: list[dict[str, bytes]]) -> str:
    """Check every invariant; which of ``states`` the raw folder ended in (``before`` / ``after``)."""
    raw, clean = root / "data" / "raw", root / "data" / "clean"
    manifest = read_manifest(raw)
    for path in output_files(clean) if clean.exists() else []:
        assert not damaged(path), f"{path} cannot be read"
    facts = api.load("facts", clean_dir=clean, raw_dir=raw)
    manifest = read_manifest(raw)   # load may have completed an interrupted commit
    assert set(facts["doc_id"]) == {r["doc_id"] for r in manifest}
    assert set(api.load("accounting", clean_dir=clean, raw_dir=raw)["doc_id"]) == {r["doc_id"] for r in manifest}
    api.load("unmapped_indicators", clean_dir=clean, raw_dir=raw)
    with locked(raw, clean):   # what every locked command does first: finish or undo an interrupted change
        _prepare(raw, clean)
    state = _raw_state(raw)
    assert state in states, sorted(set(state) ^ set(states[0]))
    assert not [p.name for p in raw.parent.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")]
    assert not list(clean.glob(".*-tmp"))
    return ["before", "after"][states.index(state)]


def _measure(root: Path, *args: str) -> float:
    started = time.perf_counter()
    proc = _cli(root, *args)
    out, err = proc.communicate()
    assert proc.returncode == 0 and "Traceback" not in err, err
    return time.perf_counter() - started


def _kill_at(root: Path, seconds: float, *args: str) -> int | None:
    proc = _cli(root, *args)
    try:
        proc.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        return None
    return proc.returncode


def _fractions(n: int) -> list[float]:
    return [0.15 + 0.85 * i / max(1, n - 1) for i in range(n)]


def test_kill_9_during_a_build_leaves_old_or_new_outputs(tmp_path):
    root, _ = _project(tmp_path)
    raw = root / "data" / "raw"
    state = _raw_state(raw)
    duration = _measure(root, "build")
    finished = 0
    for fraction in _fractions(BUILD_KILLS):
        finished += _kill_at(root, duration * fraction, "build") is not None
        assert _invariants(root, [state]) == "before"
    print(f"\nbuild: {duration:.2f} s; {BUILD_KILLS} kills from 15 % to 100 % of it ({finished} ran to the end)")


def test_kill_9_during_an_add_leaves_the_corpus_before_or_after(tmp_path):
    root, (document,) = _project(tmp_path, ("jn2026pt",))
    raw = root / "data" / "raw"
    before = _raw_state(raw)
    duration = _measure(root, "add", str(document))
    after = _raw_state(raw)
    proc = _cli(root, "remove", "jn2026pt")   # remove takes it out again, as one transaction too
    assert proc.communicate()[1].count("Traceback") == 0 and proc.returncode == 0
    assert _raw_state(raw) == before
    saved = tmp_path / "saved"
    shutil.copytree(root / "data", saved)
    ended = {"before": 0, "after": 0}
    for fraction in _fractions(ADD_KILLS):
        shutil.rmtree(root / "data")
        shutil.copytree(saved, root / "data")
        _kill_at(root, duration * fraction, "add", str(document))
        ended[_invariants(root, [before, after])] += 1
    assert _kill_at(root, 300, "add", str(document)) in (0, 2)   # added now, or refused as already there
    assert _raw_state(raw) == after
    print(f"\nadd: {duration:.2f} s; {ADD_KILLS} kills from 15 % to 100 % of it: corpus as before "
          f"{ended['before']}, as after {ended['after']}")


def test_two_adds_at_once_both_land_and_load_sees_both(tmp_path):
    for _ in range(CONCURRENT_ROUNDS):
        shutil.rmtree(tmp_path / "project", ignore_errors=True)
        root, documents = _project(tmp_path, ("jn2026pt", "sz2022se"))
        procs = [_cli(root, "add", str(documents[0])), _cli(root, "add", str(documents[1]))]
        results = [p.communicate() for p in procs]
        for proc, (_out, err) in zip(procs, results):
            assert proc.returncode == 0 and "Traceback" not in err, err
        raw = root / "data" / "raw"
        assert {r["doc_id"] for r in read_manifest(raw)} >= {"jn2026pt", "sz2022se"}
        assert _raw_state(raw) == _raw_state(RAW) | {"manifest.csv": _raw_state(raw)["manifest.csv"]}
        assert not api.is_stale(root / "data" / "clean", raw)
        _invariants(root, [_raw_state(raw)])


def test_a_flipped_raw_byte_is_never_served_stale(tmp_path):
    root, _ = _project(tmp_path)
    raw, clean = root / "data" / "raw", root / "data" / "clean"
    target = raw / "guangzhou_undated_project_targets.txt"
    target.chmod(0o644)
    target.write_bytes(target.read_bytes().replace(b"620.57", b"620.58", 1))
    with pytest.raises(HotlineError, match="differs from the manifest") as e:
        api.load("facts", clean_dir=clean, raw_dir=raw)
    assert target.name in str(e.value)
    for path in output_files(clean):   # the old outputs stay whole
        assert not damaged(path)


def test_a_touched_but_unchanged_raw_file_is_not_rebuilt(tmp_path):
    root, _ = _project(tmp_path)
    raw, clean = root / "data" / "raw", root / "data" / "clean"
    api.load("facts", clean_dir=clean, raw_dir=raw)
    stamp = (clean / "build_stamp.json").stat().st_mtime_ns
    os.utime(raw / "suzhou_2022_self_evaluation.txt", ns=(1, 1))
    api.load("facts", clean_dir=clean, raw_dir=raw)
    assert (clean / "build_stamp.json").stat().st_mtime_ns == stamp


@pytest.mark.parametrize("name, cut", [("unmapped_indicators.parquet", 0), ("facts.parquet", 0.5),
                                       ("facts.csv", 0.5), ("hotlinecompare.xlsx", 0.3),
                                       ("datapackage.json", 0.9)])
def test_a_truncated_output_is_rebuilt(tmp_path, name, cut):
    root, _ = _project(tmp_path)
    raw, clean = root / "data" / "raw", root / "data" / "clean"
    good = (clean / name).read_bytes()
    (clean / name).write_bytes(good[:int(len(good) * cut)])
    assert api.load("unmapped_indicators", clean_dir=clean, raw_dir=raw).height > 0
    assert (clean / name).read_bytes() == good


def test_an_output_edited_by_hand_is_an_error_naming_it(tmp_path):
    root, _ = _project(tmp_path)
    raw, clean = root / "data" / "raw", root / "data" / "clean"
    spending = pl.read_parquet(clean / "spending.parquet")
    spending.with_columns(pl.col("amount_yuan") * 2).write_parquet(clean / "spending.parquet")
    with pytest.raises(HotlineError, match="changed after the build") as e:
        api.load("spending", clean_dir=clean, raw_dir=raw)
    assert e.value.file == str(clean / "spending.parquet") and "hotlinecompare build" in str(e.value)
    build(raw, clean)   # the documented way out
    assert api.load("spending", clean_dir=clean, raw_dir=raw).equals(spending)
