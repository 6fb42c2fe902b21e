"""Inputs that are not documents get a clear refusal, fast, without a traceback; add and remove are all or nothing."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hotlinecompare.cli import main
from hotlinecompare.errors import HotlineError
from hotlinecompare.extract import folders
from hotlinecompare.extract.document import decode
from hotlinecompare.extract.inputs import read_input
from hotlinecompare.extract.raw import read_corpus, read_manifest
from hotlinecompare.extract.trial import check_path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
JN = RAW / "jiangning_2026_project_targets.txt"
SZ = RAW / "suzhou_2024_project_targets.txt"


@pytest.fixture
def corpus(tmp_path):
    """A copy of data/raw and a clean folder built from it."""
    raw, clean = tmp_path / "data" / "raw", tmp_path / "data" / "clean"
    shutil.copytree(RAW, raw)
    assert main(["build", "--raw", str(raw), "--out", str(clean)]) == 0
    return raw, clean


def _state(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- what is not a document ---------------------------------------------------------------
@pytest.mark.parametrize("make, words", [
    (lambda d: os.mkfifo(d / "pipe.txt") or d / "pipe.txt", "named pipe"),
    (lambda d: Path("/dev/zero"), "character device"),
    (lambda d: d, "a folder"),
])
def test_what_is_not_a_regular_file_is_refused_at_once(tmp_path, capsys, make, words):
    path = make(tmp_path)
    started = time.perf_counter()
    assert main(["check", str(path)]) == 2
    assert time.perf_counter() - started < 5
    err = capsys.readouterr().err
    assert words in err and str(path) in err and "Traceback" not in err


def test_a_symlink_out_of_the_named_folder_is_refused_and_one_inside_is_reported(tmp_path, capsys):
    (tmp_path / "outside").symlink_to("/etc/passwd")
    with pytest.raises(HotlineError, match="symlink to /etc/passwd, outside the folder"):
        read_input(tmp_path / "outside")
    (tmp_path / "real").mkdir()
    shutil.copy(JN, tmp_path / "real" / "jn.txt")
    (tmp_path / "inside.txt").symlink_to(tmp_path / "real" / "jn.txt")
    assert main(["check", str(tmp_path / "inside.txt")]) == 0
    assert f"is a symlink to {tmp_path / 'real' / 'jn.txt'}" in capsys.readouterr().out


def test_a_file_over_the_size_cap_is_refused_and_the_cap_can_be_raised(capsys):
    assert main(["check", str(SZ), "--max-size", "0.01"]) == 2
    err = capsys.readouterr().err
    assert "more than the 0.01 MB limit" in err and "--max-size" in err
    assert main(["check", str(SZ), "--max-size", "1"]) in (0, 1)   # read and checked


def test_a_file_without_line_breaks_is_refused_in_linear_time(tmp_path):
    path = tmp_path / "one_line.txt"
    path.write_bytes("江宁区项目预算绩效目标申报表\n".encode() + "预算\t12.5万元，".encode() * 2_000_000)   # 40 MB
    started = time.perf_counter()
    with pytest.raises(HotlineError, match=r"line 2 is 20,000,000 characters long") as e:
        check_path(path, kind="project_targets", city="jiangning", year="2026")
    assert time.perf_counter() - started < 10 and e.value.line == 2


def test_add_refuses_a_document_that_yields_no_fact_unless_forced(corpus, tmp_path, capsys):
    raw, clean = corpus
    junk = tmp_path / "passwd.txt"
    junk.write_text("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n")
    before = _state(raw)
    args = ["add", str(junk), "--kind", "project_targets", "--city", "jiangning", "--year", "2027",
            "--raw", str(raw), "--out", str(clean)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "yields no fact" in err and "--force" in err
    assert _state(raw) == before


def test_a_cp1252_file_is_refused_with_its_line_and_a_hint():
    data = b"Budget\t12345 hotline\n" * 3 + "Caf\u00e9 \u201cquoted\u201d \u2013 500\n".encode("cp1252")
    with pytest.raises(HotlineError, match="neither UTF-8 nor GB18030") as e:
        decode(data, "x.txt")
    assert e.value.line == 4 and "iconv -f CP1252" in str(e.value)


def test_a_manifest_cut_inside_a_sha256_blames_the_manifest(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    data = (raw / "manifest.csv").read_bytes()
    (raw / "manifest.csv").write_bytes(data[:data.index(b"21af7dfe") + 20])
    with pytest.raises(HotlineError, match="the manifest is damaged, not the raw file") as e:
        read_corpus(raw)
    assert e.value.file.endswith("manifest.csv") and e.value.line == 2


def test_a_terminal_that_cannot_show_chinese_gets_escapes_not_a_traceback():
    result = subprocess.run([sys.executable, "-m", "hotlinecompare.cli", "check", str(JN)], capture_output=True,
                            env={**os.environ, "PYTHONIOENCODING": "ascii"}, cwd=ROOT)
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    assert b"\\u6c5f\\u5b81" in result.stdout   # 江宁, escaped


# -- all or nothing ----------------------------------------------------------------------
def test_an_add_whose_build_fails_changes_nothing(corpus, tmp_path, capsys):
    raw, clean = corpus
    copy = tmp_path / "sz_copy.txt"
    copy.write_bytes(SZ.read_bytes() + b"\n")   # a second 苏州 2024 form: the unit-cost recipes cannot choose
    before, clean_before = _state(raw), _state(clean)
    assert main(["add", str(copy), "--suffix", "b", "--raw", str(raw), "--out", str(clean)]) == 2
    err = capsys.readouterr().err
    assert "nothing changed" in err and "sz_in_house_pay" in err and "Traceback" not in err
    assert _state(raw) == before and _state(clean) == clean_before
    assert main(["build", "--raw", str(raw), "--out", str(clean)]) == 0


def test_an_add_that_cannot_write_the_manifest_changes_nothing_and_can_be_retried(corpus, monkeypatch, capsys):
    raw, clean = corpus
    (raw / JN.name).chmod(0o644)
    (raw / JN.name).unlink()
    lines = (raw / "manifest.csv").read_bytes().splitlines(keepends=True)
    (raw / "manifest.csv").write_bytes(b"".join(x for x in lines if not x.startswith(b"jn2026pt,")))
    before = _state(raw)
    real = folders._write_bytes_atomically

    def refuse_manifest(path, data, mode=None):
        if path.name == "manifest.csv":
            raise PermissionError(1, "Operation not permitted", str(path))
        real(path, data, mode)

    monkeypatch.setattr(folders, "_write_bytes_atomically", refuse_manifest)
    assert main(["add", str(JN), "--raw", str(raw), "--out", str(clean)]) == 2
    err = capsys.readouterr().err
    assert "cannot write the raw folder (Operation not permitted)" in err and "nothing changed" in err
    assert _state(raw) == before
    monkeypatch.setattr(folders, "_write_bytes_atomically", real)
    assert main(["add", str(JN), "--raw", str(raw), "--out", str(clean)]) == 0


def test_remove_takes_a_document_out_and_add_puts_it_back_byte_for_byte(corpus, capsys):
    raw, clean = corpus
    original = _state(raw)
    assert main(["remove", "jn2026pt", "--raw", str(raw), "--out", str(clean)]) == 0
    assert JN.name not in _state(raw) and "jn2026pt" not in {r["doc_id"] for r in read_manifest(raw)}
    kept = [x for x in original["manifest.csv"].splitlines(keepends=True) if not x.startswith(b"jn2026pt,")]
    assert _state(raw)["manifest.csv"] == b"".join(kept)   # every other row byte for byte
    assert not (clean / "facts" / "city=jiangning").exists()
    assert main(["add", str(JN), "--basis", "mixed", "--raw", str(raw), "--out", str(clean)]) == 0
    assert {r["doc_id"] for r in read_manifest(raw)} == {r["doc_id"] for r in read_manifest(RAW)}


def test_remove_of_an_unknown_document_lists_the_known_ones(corpus, capsys):
    raw, clean = corpus
    assert main(["remove", "jn2099pt", "--raw", str(raw), "--out", str(clean)]) == 2
    assert "jn2026pt" in capsys.readouterr().err


def test_a_held_lock_makes_a_build_wait_and_then_say_why(corpus):
    raw, clean = corpus
    with folders.locked(raw, clean):
        result = subprocess.run([sys.executable, "-m", "hotlinecompare.cli", "build", "--raw", str(raw),
                                 "--out", str(clean)], capture_output=True, text=True,
                                env={**os.environ, "HOTLINECOMPARE_LOCK_TIMEOUT": "1"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "waiting for" in result.stderr and "still holds the lock" in result.stderr
    assert ".clean.lock" in result.stderr or ".raw.lock" in result.stderr
