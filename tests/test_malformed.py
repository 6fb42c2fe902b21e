"""Bad input gets a clear answer and nothing is lost: every malformed variant of tests/fixtures/malformed.

The variants and what ``hotlinecompare check`` must answer are made by
tests/fixtures/make_malformed.py from the real raw documents; expected.csv is its spec.
"""

import csv
import importlib.util
import shlex
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from hotlinecompare.cli import main
from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.numbers import numeric_tokens
from hotlinecompare.extract.trial import check_path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MALFORMED = FIXTURES / "malformed"
# What a fact says, not where it says it (line and offset move when lines are deleted or re-encoded).
MEANING = ["table", "section", "item", "level1", "level2", "level3", "measure", "period", "basis",
           "fiscal_year", "operator", "value", "unit", "value_std", "unit_std", "value_text"]


def _expected() -> list[dict]:
    with (MALFORMED / "expected.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


ROWS = _expected()


def _options(args: str) -> dict:
    """``--city jiangning --year 2026`` → keyword options of check_path."""
    words = shlex.split(args)
    return {words[i].lstrip("-"): words[i + 1] for i in range(0, len(words), 2)}


@pytest.fixture(scope="module")
def seed_facts():
    """The facts of each seed as check reads it (with the options a variant passes, e.g. --year undated)."""
    cache = {}

    def facts(base: str, args: str) -> pl.DataFrame:
        opts = {k: v for k, v in _options(args).items() if k == "year" and v == "undated"}
        key = (base, tuple(sorted(opts.items())))
        if key not in cache:
            cache[key] = check_path(RAW / base, **opts).facts
        return cache[key]
    return facts


def test_the_fixture_script_reproduces_the_committed_fixtures_byte_for_byte(tmp_path):
    spec = importlib.util.spec_from_file_location("make_malformed", FIXTURES / "make_malformed.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.generate(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in MALFORMED.iterdir())
    for path in written:
        assert path.read_bytes() == (MALFORMED / path.name).read_bytes(), path.name


def test_there_are_at_least_25_variants_covering_every_expected_answer():
    assert len(ROWS) >= 25
    assert {r["expect"] for r in ROWS} >= {"message", "same_as_seed", "unparsed", "failed_check", "duplicate"}
    assert {r["exit_code"] for r in ROWS} == {"0", "1", "2"}


@pytest.mark.parametrize("row", ROWS, ids=[r["variant"] for r in ROWS])
def test_variant_gets_its_answer_through_the_cli(row, capsys):
    path = MALFORMED / f"{row['variant']}.txt"
    code = main(["check", str(path), *shlex.split(row["args"])])
    out, err = capsys.readouterr()
    assert code == int(row["exit_code"]), out + err
    assert "Traceback" not in out + err
    verdicts = [line for line in out.splitlines() if line.startswith("verdict:")]
    assert len(verdicts) == 1 and verdicts[0].endswith(f"(exit {code})")
    if row["expect"] == "message":
        assert row["fragment"] in err and str(path) in err


@pytest.mark.parametrize("row", [r for r in ROWS if r["expect"] != "message"],
                         ids=[r["variant"] for r in ROWS if r["expect"] != "message"])
def test_variant_is_parsed_and_reports_what_is_wrong(row, seed_facts):
    result = check_path(MALFORMED / f"{row['variant']}.txt", **_options(row["args"]))
    fragment = row["fragment"]
    if row["expect"] == "same_as_seed":
        seed = seed_facts(row["base"], row["args"])
        assert result.facts.select(MEANING).rows() == seed.select(MEANING).rows()
    elif row["expect"] == "unparsed":
        assert fragment in result.build.unparsed["reason_code"].to_list()
    elif row["expect"] == "failed_check":
        assert any(fragment in c for c in result.failed_checks["check_id"].to_list()), \
            result.failed_checks["check_id"].to_list()
    elif row["expect"] == "duplicate":
        assert any(fragment in s for s in result.duplicates["section"].to_list())
    elif row["expect"] == "fact_note":
        assert any(fragment in n for n in result.facts["note"].to_list())
    elif row["expect"] == "verdict":
        assert fragment in result.verdict
    else:
        pytest.fail(f"unknown expectation {row['expect']!r}")
    assert result.exit_code == int(row["exit_code"])


@pytest.mark.parametrize("row", [r for r in ROWS if r["expect"] == "message"],
                         ids=[r["variant"] for r in ROWS if r["expect"] == "message"])
def test_unreadable_variant_raises_a_located_error(row):
    path = MALFORMED / f"{row['variant']}.txt"
    with pytest.raises(HotlineError) as e:
        check_path(path, **_options(row["args"]))
    assert e.value.file == str(path)
    assert row["fragment"] in str(e.value)


def test_nothing_numeric_is_lost_in_any_parsed_variant():
    """A numeric token of a parsed variant is in a fact, or its line is in the unparsed report with a reason."""
    for row in ROWS:
        if row["exit_code"] == "2":
            continue
        result = check_path(MALFORMED / f"{row['variant']}.txt", **_options(row["args"]))
        doc, unparsed = result.doc, result.build.unparsed
        assert (unparsed["reason"].str.len_chars() > 0).all(), row["variant"]
        reported = set(unparsed["line"].to_list())
        spans: dict[int, list] = {}
        for f in result.facts.iter_rows(named=True):
            spans.setdefault(f["line"], []).append((f["char_start"], f["char_start"] + len(f["quote"])))
        for n in doc.line_numbers():
            if n in reported:
                continue
            for s, e in numeric_tokens(doc.text(n)):
                assert any(a <= s and e <= b for a, b in spans.get(n, [])), (row["variant"], n, doc.text(n)[s:e])


@pytest.mark.parametrize("variant", ["binary_junk", "deviation_cell_missing", "tabs_lost"])
def test_a_user_never_sees_a_traceback_from_the_installed_command(variant):
    row = next(r for r in ROWS if r["variant"] == variant)
    result = subprocess.run([sys.executable, "-m", "hotlinecompare.cli", "check",
                             str(MALFORMED / f"{variant}.txt")], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == int(row["exit_code"])
    assert "Traceback" not in result.stderr + result.stdout
    assert "verdict:" in result.stdout
