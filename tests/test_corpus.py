"""The corpus build: parallel, streaming, partitioned — and the same tables as the in-memory build."""

import random
import shutil
from pathlib import Path

import polars as pl
import pytest

import hotlinecompare.extract.kinds.project_targets as project_targets_kind
from hotlinecompare.cli import main
from hotlinecompare.errors import HotlineError
from hotlinecompare.extract import dataset
from hotlinecompare.extract.corpus_build import build_corpus, merge_sorted_csv
from hotlinecompare.extract.dataset import NULL_PARTITION, chunk_size, partition_path, scan_facts, write_dataset
from hotlinecompare.extract.fact_build import build_facts, write_clean
from hotlinecompare.extract.raw import load_corpus, read_manifest
from hotlinecompare.extract.synthetic_documents import generate_corpus, load_templates

ROOT = Path(__file__).resolve().parent.parent
RAW, CLEAN = ROOT / "data" / "raw", ROOT / "data" / "clean"
CSV_OUTPUTS = ["facts.csv", "unparsed.csv", "checks.csv", "accounting.csv"]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def in_memory(tmp_path_factory, build):
    out = tmp_path_factory.mktemp("in_memory")
    write_clean(build, out)
    write_dataset(build.facts, build.accounting["doc_id"].to_list(), out)
    return out


@pytest.fixture(scope="module")
def streamed(tmp_path_factory):
    out = tmp_path_factory.mktemp("streamed")
    summary = build_corpus(RAW, out, jobs=1)
    return out, summary


def test_the_corpus_build_writes_the_same_csv_tables_byte_for_byte(in_memory, streamed):
    out, _ = streamed
    for name in CSV_OUTPUTS:
        assert (out / name).read_bytes() == (in_memory / name).read_bytes(), name


def test_the_corpus_build_writes_the_same_facts_parquet_rows(in_memory, streamed):
    out, _ = streamed
    assert pl.read_parquet(out / "facts.parquet").equals(pl.read_parquet(in_memory / "facts.parquet"))


def test_the_partitioned_dataset_is_the_same_whichever_build_wrote_it(in_memory, streamed):
    out, _ = streamed
    assert _tree(out / "facts") == _tree(in_memory / "facts")


def test_the_dataset_scans_lazily_to_the_fact_table(streamed, build):
    out, _ = streamed
    lazy = pl.scan_parquet(out / "facts", hive_partitioning=True)
    assert isinstance(lazy, pl.LazyFrame)
    suzhou = lazy.filter(pl.col("city") == "suzhou").select("fact_id").collect()
    assert sorted(suzhou["fact_id"]) == sorted(build.facts.filter(pl.col("city") == "suzhou")["fact_id"])
    assert scan_facts(out / "facts").collect().sort("fact_id").equals(build.facts.sort("fact_id"))


def test_partitions_are_hive_folders_without_the_partition_columns_inside(streamed, build):
    out, summary = streamed
    folders = {str(p.parent.relative_to(out / "facts")) for p in (out / "facts").rglob("*.parquet")}
    expected = {partition_path(c, y) for c, y in build.facts.select("city", "fiscal_year").unique().rows()}
    assert folders == expected and summary.partitions == len(expected)
    assert f"city=guangzhou/fiscal_year={NULL_PARTITION}" in folders   # the undated document
    one = next((out / "facts").rglob("*.parquet"))
    assert not {"city", "fiscal_year"} & set(pl.read_parquet_schema(one))


def test_parallel_and_serial_builds_write_identical_files(tmp_path, streamed):
    serial, _ = streamed
    summary = build_corpus(RAW, tmp_path, jobs=2)
    assert summary.jobs == 2
    assert _tree(tmp_path) == _tree(serial)


def test_partitioned_mode_skips_the_single_fact_files_and_removes_stale_ones(tmp_path):
    (tmp_path / "facts.csv").write_text("stale")
    build_corpus(RAW, tmp_path, jobs=1, single_files=False)
    assert not (tmp_path / "facts.csv").exists() and not (tmp_path / "facts.parquet").exists()
    assert (tmp_path / "checks.csv").exists() and (tmp_path / "facts").is_dir()


def test_a_rebuild_leaves_no_partition_of_a_removed_document(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    build_corpus(raw, tmp_path / "out", jobs=1)
    assert (tmp_path / "out" / "facts" / "city=guiyang").is_dir()
    lines = (raw / "manifest.csv").read_bytes().split(b"\n")
    (raw / "manifest.csv").write_bytes(b"\n".join(x for x in lines if not x.startswith(b"gy2024bd,")))
    build_corpus(raw, tmp_path / "out", jobs=1)
    assert not (tmp_path / "out" / "facts" / "city=guiyang").exists()
    assert not list((tmp_path / "out").glob(".*"))   # no staging folder left behind


def test_a_parser_crash_in_the_corpus_build_names_the_document(tmp_path, monkeypatch):
    monkeypatch.setattr(project_targets_kind, "parse", lambda doc: [][1])
    with pytest.raises(HotlineError, match="project_targets parser crashed: IndexError") as e:
        build_corpus(RAW, tmp_path, jobs=1)
    assert e.value.file == "data/raw/suzhou_2024_project_targets.txt"
    assert not (tmp_path / "facts").exists()


def test_the_progress_bar_goes_to_stderr_only_when_asked(tmp_path, capsys):
    build_corpus(RAW, tmp_path / "a", jobs=1, progress=False)
    assert capsys.readouterr().err == ""
    build_corpus(RAW, tmp_path / "b", jobs=1, progress=True)
    err = capsys.readouterr().err
    assert "5/5" in err and "doc" in err


def test_merging_sorted_chunk_files_equals_a_stable_sort_of_all_rows(tmp_path):
    rng = random.Random(5)
    schema = {"doc_id": pl.String, "check_id": pl.String, "found": pl.Float64}
    chunks = []
    for i in range(7):
        rows = [(f"d{rng.randrange(30):02d}", f"c{rng.randrange(4)}", float(i * 1000 + n))
                for n in range(rng.randrange(0, 60))]
        frame = pl.DataFrame(rows, schema=schema, orient="row").sort("doc_id", "check_id", maintain_order=True)
        frame.write_parquet(tmp_path / f"{i}.parquet")
        chunks.append(frame)
    merge_sorted_csv([tmp_path / f"{i}.parquet" for i in range(7)], ("doc_id", "check_id"), schema,
                     tmp_path / "merged.csv", rows_in_memory=20)
    expected = pl.concat(chunks).sort("doc_id", "check_id", maintain_order=True).write_csv()
    assert (tmp_path / "merged.csv").read_text() == expected


def test_chunks_depend_on_the_corpus_size_only():
    assert [chunk_size(n) for n in (1, 5, 32, 33, 1000, 10_000)] == [1, 1, 1, 2, 32, 128]


def test_dataset_files_group_whole_chunks_and_both_builds_cut_them_alike(tmp_path, monkeypatch, build):

    monkeypatch.setattr(dataset, "GROUP_DOCS", 2)            # 5 documents, chunks of 1: groups of 2, 2, 1
    assert dataset.dataset_group(5) == 2 and dataset.dataset_group(10_000) == 128
    summary = build_corpus(RAW, tmp_path / "streamed", jobs=1)
    doc_ids = build.accounting["doc_id"].to_list()
    write_dataset(build.facts, doc_ids, tmp_path / "in_memory")
    assert _tree(tmp_path / "streamed" / "facts") == _tree(tmp_path / "in_memory" / "facts")
    names = {p.name for p in (tmp_path / "streamed" / "facts").rglob("*.parquet")}
    assert names == {"part-00000.parquet", "part-00001.parquet", "part-00002.parquet"}
    files = list((tmp_path / "streamed" / "facts").rglob("*.parquet"))
    assert summary.part_files == len(files) and summary.partitions == len({f.parent for f in files})
    assert scan_facts(tmp_path / "streamed" / "facts").collect().sort("fact_id").equals(
        build.facts.sort("fact_id"))


def test_a_city_key_that_cannot_name_a_folder_is_refused():
    with pytest.raises(HotlineError, match="partition"):
        partition_path("su/zhou", 2024)


def test_cli_build_writes_the_dataset_and_chooses_the_corpus_build_for_jobs(tmp_path, capsys):
    assert main(["build", "--raw", str(RAW), "--out", str(tmp_path / "a")]) == 0
    assert "(100.0 %)" in capsys.readouterr().out          # the in-memory build's summary
    assert main(["build", "--raw", str(RAW), "--out", str(tmp_path / "b"), "--jobs", "2"]) == 0
    assert "documents/s" in capsys.readouterr().out        # the corpus build's summary
    assert _tree(tmp_path / "a" / "facts") == _tree(tmp_path / "b" / "facts")


def test_committed_dataset_equals_a_fresh_build(in_memory):
    assert (CLEAN / "facts").is_dir(), "data/clean/facts/ is missing: run `hotlinecompare build`"
    assert _tree(CLEAN / "facts") == _tree(in_memory / "facts"), \
        "data/clean/facts/ is stale: run `hotlinecompare build`"


# -- the synthetic corpus ------------------------------------------------------
@pytest.fixture(scope="module")
def templates():
    return load_templates(RAW)


def test_a_synthetic_corpus_is_deterministic_from_its_seed(tmp_path, templates):
    generate_corpus(RAW, tmp_path / "a", 12, seed=3, templates=templates)
    generate_corpus(RAW, tmp_path / "b", 12, seed=3, templates=templates)
    generate_corpus(RAW, tmp_path / "c", 12, seed=4, templates=templates)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert _tree(tmp_path / "a") != _tree(tmp_path / "c")
    generate_corpus(RAW, tmp_path / "d", 5, seed=3, templates=templates)
    small = _tree(tmp_path / "d")
    assert all(small[name] == _tree(tmp_path / "a")[name] for name in small if name != "manifest.csv")


def test_synthetic_documents_parse_completely_with_verified_hashes(tmp_path, templates):
    rows = generate_corpus(RAW, tmp_path, 24, seed=0, templates=templates)
    docs = load_corpus(tmp_path)   # verifies every sha256 of the manifest
    build = build_facts(docs)
    assert build.accounting["unrecognised"].sum() == 0
    assert (build.accounting["facts"] > 0).all()
    assert {r["parser"] for r in rows} == {t.row["parser"] for t in templates}
    assert {d.doc_id for d in docs} == set(build.accounting["doc_id"])


def test_synthetic_amounts_are_the_templates_times_one_factor(tmp_path, templates, build):
    rows = generate_corpus(RAW, tmp_path, 40, seed=0, templates=templates)
    row = next(r for r in rows if r["source_seed"] == "jiangning_2026_project_targets.txt"
               and "amounts ×1," not in r["notes"])
    factor = int(row["notes"].split("amounts ×")[1].split(",")[0])
    doc = next(d for d in load_corpus(tmp_path) if d.doc_id == row["doc_id"])
    key = ["table", "item", "measure", "period"]
    money = pl.col("unit_std").str.starts_with("yuan")
    mine = build_facts([doc]).facts.filter(money).select(*key, "value")
    seed = build.facts.filter((pl.col("doc_id") == "jn2026pt") & money).select(*key, "value")
    assert mine.height == seed.height > 0
    assert mine["value"].to_list() == pytest.approx([v * factor for v in seed["value"]])
    assert build_facts([doc]).checks["passed"].all()


def test_synthetic_manifest_has_the_corpus_columns_and_shifted_years(tmp_path, templates):
    rows = generate_corpus(RAW, tmp_path, 30, seed=0, templates=templates)
    assert list(read_manifest(tmp_path)[0]) == list(read_manifest(RAW)[0])
    dated = [r for r in rows if r["fiscal_year"]]
    assert len({r["fiscal_year"] for r in dated}) > 1
    for r in dated:
        template = next(t for t in templates if t.row["file"] == r["source_seed"])
        shift = int(r["notes"].split("years ")[1].split(",")[0])
        assert int(r["fiscal_year"]) == int(template.row["fiscal_year"]) + shift


def test_the_genre_mix_covers_the_new_families_and_parses_completely(tmp_path):
    templates = load_templates(RAW, genre=True)
    rows = generate_corpus(RAW, tmp_path, 40, seed=0, templates=templates)
    kinds = {r["parser"] for r in rows}
    assert {"final_accounts", "operations_report"} <= kinds
    genre_files = {t.row["file"] for t in templates if t.row["source_seed"].startswith("tests/fixtures/genre/")}
    assert {r["parser"] for r in rows if r["source_seed"] in genre_files} >= {"budget_disclosure", "self_evaluation"}
    build = build_facts(load_corpus(tmp_path))   # verifies every sha256 of the manifest
    assert build.accounting["unrecognised"].sum() == 0
    assert (build.accounting["facts"] > 0).all()
