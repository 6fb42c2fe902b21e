"""The raw corpus: byte-for-byte copies, hashes in the manifest, and refusal of an edited file."""

import hashlib
import shutil
from pathlib import Path

import pytest

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.document import decode, split_cells, split_lines
from hotlinecompare.extract.raw import load_corpus, read_manifest

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
SEEDS = ROOT.parent / "shared" / "seeds"


def test_manifest_hashes_match_the_files():
    for row in read_manifest(RAW):
        assert hashlib.sha256((RAW / row["file"]).read_bytes()).hexdigest() == row["sha256"], row["file"]


@pytest.mark.skipif(not SEEDS.exists(), reason="shared/seeds is not beside this checkout")
def test_raw_files_are_byte_for_byte_copies_of_the_seeds():
    for row in read_manifest(RAW):
        assert (RAW / row["file"]).read_bytes() == (SEEDS / row["source_seed"]).read_bytes()


def test_manifest_records_what_each_document_is():
    rows = {r["doc_id"]: r for r in read_manifest(RAW)}
    assert {r["city"] for r in rows.values()} == {"suzhou", "guiyang", "guangzhou", "jiangning"}
    assert rows["jn2026pt"]["admin_level"] == "district"
    assert rows["gzxxxxpt"]["fiscal_year"] == "" and "not stated" in rows["gzxxxxpt"]["notes"]
    assert all(r["basis"] in {"budget", "actual", "mixed"} for r in rows.values())


def test_build_refuses_an_edited_raw_file(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    target = raw / "guangzhou_undated_project_targets.txt"
    target.write_bytes(target.read_bytes().replace(b"620.57", b"620.58", 1))
    with pytest.raises(HotlineError, match="differs from the manifest") as e:
        load_corpus(raw)
    assert "guangzhou_undated_project_targets.txt" in str(e.value)
    assert "what to do" in str(e.value)


def test_missing_raw_file_names_the_manifest_line(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "jiangning_2026_project_targets.txt").unlink()
    with pytest.raises(HotlineError, match=r"manifest.csv:6"):
        load_corpus(raw)


@pytest.mark.parametrize("data", ["预算\t16. 35\n".encode(), "\ufeff预算\t16. 35\n".encode("utf-8"),
                                  "预算\t16. 35\r\n".encode(), "预算\t16. 35\n".encode("gb18030")])
def test_decode_utf8_bom_crlf_and_gb18030(data):
    lines = split_lines(decode(data, "x.txt"))
    assert lines == ("预算\t16. 35",)


@pytest.mark.parametrize("data, message", [(b"", "empty"), (b"\x00\x01\x02abc", "binary")])
def test_decode_refuses_empty_and_binary(data, message):
    with pytest.raises(HotlineError, match=message):
        decode(data, "x.txt")


def test_cells_keep_offsets_into_the_line():
    line = "\t\t制度执行有效性\t\t有效\t有效\t"
    cells = split_cells(line, 44)
    assert [c.text for c in cells] == ["制度执行有效性", "有效", "有效"]
    assert all(line[c.start:c.end] == c.text for c in cells)
    assert [c.index for c in cells] == [2, 4, 5]
