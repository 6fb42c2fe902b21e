"""raw → clean: provenance of every fact, nothing lost, deterministic and committed output."""

import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl

from hotlinecompare.cli import main
from hotlinecompare.extract.accounting import explained_spans
from hotlinecompare.extract.fact_build import build_facts, write_clean
from hotlinecompare.extract.kinds import parse
from hotlinecompare.extract.numbers import numeric_tokens
from hotlinecompare.schema import fact_schema

ROOT = Path(__file__).resolve().parent.parent
RAW, CLEAN = ROOT / "data" / "raw", ROOT / "data" / "clean"
OUTPUTS = ["facts.parquet", "facts.csv", "unparsed.csv", "checks.csv", "accounting.csv"]


def test_every_quote_is_the_text_at_its_line_and_offset(build, docs):
    for r in build.facts.iter_rows(named=True):
        line = docs[r["doc_id"]].text(r["line"])
        assert line[r["char_start"]:r["char_start"] + len(r["quote"])] == r["quote"], r["fact_id"]


def assign_ids(frame: pl.DataFrame) -> pl.DataFrame:
    """The fact id format of data/fact_fields.csv: ``{doc_id}-L{line:04d}-{n}``, n counting a line's facts."""
    n = pl.int_range(1, pl.len() + 1).over("doc_id", "line")
    fact_id = pl.format("{}-L{}-{}", pl.col("doc_id"), pl.col("line").cast(pl.String).str.zfill(4), n)
    return frame.with_columns(fact_id.alias("fact_id"))


def test_parsers_make_complete_typed_fact_rows_with_the_ids_the_frame_would_assign(docs, build):
    """Extraction's rows go into the fact table as they are: every column, python types that match
    the schema, and fact ids equal to numbering the facts of each line in reading order."""
    python_type = {pl.String: str, pl.Int64: int, pl.Float64: float}
    schema = fact_schema()
    for doc in docs.values():
        rows = parse(doc).facts
        assert rows, doc.doc_id
        for r in rows:
            assert list(r) == list(schema), r["fact_id"]
            for name, dtype in schema.items():
                assert r[name] is None or type(r[name]) is python_type[dtype], (r["fact_id"], name, r[name])
        renumbered = assign_ids(pl.DataFrame([{k: v for k, v in r.items() if k != "fact_id"} for r in rows]))
        assert renumbered["fact_id"].to_list() == [r["fact_id"] for r in rows]
    assert build.facts.columns == list(schema)


def test_token_patterns_explain_rule_references_not_counts_of_work():
    """A new document's 15项 or 3类 must surface as unrecognised, not pass as an 'ordinal label'."""
    def explained(text: str) -> set[str]:
        return {text[s:e] for s, e, code, _ in explained_spans(text) if code == "ordinal_label"}

    assert explained("根据办法第八条，排名前35%的单位；诉求分为9大类型") == {"八", "35", "9"} - {"八"}
    line = "全年完成整改15项，新增3类服务，设2个专区、12个科室"
    assert explained(line) == set()
    tokens = [line[s:e] for s, e in numeric_tokens(line)]
    covered = [any(s <= t0 and t1 <= e for s, e, *_ in explained_spans(line)) for t0, t1 in numeric_tokens(line)]
    assert tokens == ["15", "3", "2", "12"] and not any(covered)


def test_source_file_is_the_raw_path(build):
    for source in build.facts["source_file"].unique():
        assert (ROOT / source).exists(), source


def test_fact_ids_are_unique(build):
    assert build.facts["fact_id"].n_unique() == build.facts.height


def test_every_numeric_token_is_accounted_for(build):
    leftovers = build.unparsed.filter(pl.col("reason_code") == "unrecognised")
    assert leftovers.height == 0, leftovers.select("source_file", "line", "tokens").rows()
    assert build.accounting["accounted_pct"].to_list() == [100.0] * build.accounting.height


def test_every_unparsed_row_has_a_reason(build):
    assert build.unparsed.filter(pl.col("reason").str.len_chars() == 0).height == 0


def test_bases_and_periods_are_from_the_vocabulary(build):
    assert set(build.facts["basis"].unique()) <= {"budget", "actual", "estimate", "target", "authorized"}
    assert set(build.facts["period"].unique()) <= {"half_year", "full_year", "annual", "unspecified"}


def test_a_fact_is_either_a_number_or_a_qualitative_value(build):
    numeric = build.facts["value"].is_not_null()
    textual = build.facts["value_text"].str.len_chars() > 0
    assert (numeric ^ textual).all()


def test_rebuild_is_byte_identical(tmp_path, docs):
    first, second = tmp_path / "a", tmp_path / "b"
    write_clean(build_facts(list(docs.values())), first)
    write_clean(build_facts(list(docs.values())), second)
    for name in OUTPUTS:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def _committed(path: Path) -> bytes:
    """The file as committed (git HEAD), so a set-up step that rebuilt data/clean cannot hide staleness."""
    rel = path.relative_to(ROOT).as_posix()
    shown = subprocess.run(["git", "show", f"HEAD:{rel}"], cwd=ROOT, capture_output=True)
    return shown.stdout if shown.returncode == 0 else path.read_bytes()


def test_committed_clean_data_equals_a_fresh_build(tmp_path, build):
    write_clean(build, tmp_path)
    for name in OUTPUTS:
        assert _committed(CLEAN / name) == (tmp_path / name).read_bytes(), (
            f"data/clean/{name} is stale: run `hotlinecompare build` and commit data/clean")


def test_cli_build_prints_a_summary_per_document(tmp_path, capsys):
    assert main(["build", "--raw", str(RAW), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for doc_id in ("sz2024pt", "sz2022se", "gy2024bd", "gzxxxxpt", "jn2026pt"):
        assert doc_id in out
    assert "(100.0 %)" in out


def test_cli_refuses_an_edited_raw_file_without_a_traceback(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    f = raw / "suzhou_2022_self_evaluation.txt"
    f.write_bytes(f.read_bytes() + b"\n")
    result = subprocess.run([sys.executable, "-m", "hotlinecompare.cli", "build", "--raw", str(raw),
                             "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert result.returncode != 0
    assert "suzhou_2022_self_evaluation.txt" in result.stderr
    assert "Traceback" not in result.stderr
