"""Read published originals (HTML, DOCX, XLSX, PDF) as ``check`` reads them and score the facts.

The fixtures (tests/fixtures/formats_blind, rebuilt by its make_blind_formats.py) were written by a
helper who had not seen the package, with the facts each holds and where (``p.2 table 1 row 3``,
``sheet 收支总表 B6``). The converted text's line numbers were unknown to the writer, so a fact
matches an expected row when value and unit agree (full-width brackets read as ASCII), preferring a
fact whose quote holds the expected quote; each fact matches at most one row. Kind, place, parent,
level and year are found from the file as ``check`` finds them.

Run: .venv/bin/python benchmarks/bench_originals.py [--fixtures DIR] [--detail NAME]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_genre import catalogue, expected, same_unit  # noqa: E402

from hotlinecompare.errors import HotlineError  # noqa: E402
from hotlinecompare.extract.numbers import normalise  # noqa: E402
from hotlinecompare.extract.places import seed_registry  # noqa: E402
from hotlinecompare.extract.trial import check_path  # noqa: E402

FOLDER = ROOT / "tests" / "fixtures" / "formats_blind"


def match(facts: list[dict], wanted: list[dict]) -> list[tuple[dict, dict]]:
    """Pairs (expected, fact) with equal value and unit; a fact whose quote holds the expected quote first."""
    free = list(facts)
    pairs = []
    for w in wanted:
        same = [f for f in free if abs(f["value"] - float(w["value"])) < 1e-9
                and (not w["unit"] or same_unit(f["unit"] or "", w["unit"]))]
        if not same:
            continue
        best = next((f for f in same if normalise(w["quote"]) in normalise(f["quote"])), same[0])
        pairs.append((w, best))
        free.remove(best)
    return pairs


def evaluate(folder: Path = FOLDER) -> dict:
    want = expected(folder)
    details, total = {}, Counter()
    for row in catalogue(folder):
        name = row["fixture"]
        try:
            result = check_path(folder / name, places=seed_registry())
            kind, facts = result.detection.kind, [f for f in result.facts.to_dicts() if f["value"] is not None]
            city, year = result.place.city, str(result.place.fiscal_year or "")
            place_ok = (city.full_name_zh, city.parent_full_zh, city.admin_level) == \
                (row["place_zh"], row["parent_zh"], row["admin_level"])
            refused = ""
        except HotlineError as e:
            kind, facts, place_ok, year, refused = "", [], False, "", str(e).splitlines()[0]
        pairs = match(facts, want[name])
        c = Counter(fixtures=1, expected=len(want[name]), found=len(facts), matched=len(pairs),
                    basis_ok=sum(f["basis"] == w["basis"] for w, f in pairs),
                    located=sum(bool(f.get("location")) for f in facts), refused=bool(refused),
                    wrong_kind=bool(kind) and kind != row["family"], place_ok=place_ok, year_ok=year == row["year"])
        total.update(c)
        details[name] = {"kind": kind, "facts": facts, "pairs": pairs, "want": want[name], "refused": refused,
                         "counts": c, "year": year}
    return {"total": total, "details": details}


def pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:5.1f}" if b else "  —  "


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fixtures", type=Path, default=FOLDER)
    p.add_argument("--detail", help="print missed and extra facts of fixtures whose name contains this")
    args = p.parse_args()
    result = evaluate(args.fixtures.resolve())
    print(f"{'fixture':<40} {'kind':<18} {'place':>5} {'year':>4} {'expected':>8} {'found':>6} {'recall%':>7} "
          f"{'precision%':>10} {'basis%':>7} {'located%':>8}")
    for name, d in result["details"].items():
        c = d["counts"]
        print(f"{name:<40} {(d['kind'] or 'REFUSED'):<18} {c['place_ok']:>5} {c['year_ok']:>4} {c['expected']:>8} "
              f"{c['found']:>6} {pct(c['matched'], c['expected']):>7} {pct(c['matched'], c['found']):>10} "
              f"{pct(c['basis_ok'], c['matched']):>7} {pct(c['located'], c['found']):>8}")
    c = result["total"]
    print(f"{'all':<40} {'wrong kind ' + str(c['wrong_kind']):<18} {c['place_ok']:>5} {c['year_ok']:>4} "
          f"{c['expected']:>8} {c['found']:>6} {pct(c['matched'], c['expected']):>7} "
          f"{pct(c['matched'], c['found']):>10} {pct(c['basis_ok'], c['matched']):>7} {pct(c['located'], c['found']):>8}")
    if args.detail:
        for name, d in result["details"].items():
            if args.detail not in name:
                continue
            print(f"\n== {name} (kind {d['kind'] or 'refused: ' + d['refused']}, year {d['year']})")
            got = {id(w) for w, _ in d["pairs"]}
            used = {id(f) for _, f in d["pairs"]}
            for w in d["want"]:
                if id(w) not in got:
                    print(f"  missed {w['where']:<28} {w['quote']:<16} {w['unit']:<6} {w['label']}")
            for f in d["facts"]:
                if id(f) not in used:
                    print(f"  extra  L{f['line']:<4} {f['quote']:<16} {f['unit'] or '':<6} {(f['item'] or '')[:30]}")
            for w, f in d["pairs"]:
                if w["basis"] != f["basis"]:
                    print(f"  basis  {w['where']:<28} {w['quote']:<16} {w['basis']}/{f['basis']} {w['label']}")


if __name__ == "__main__":
    main()
