"""Read the genre fixtures (tests/fixtures/genre) and print recall and precision per family.

``--fixtures tests/fixtures/genre_blind`` reads the blind set instead: fixtures written from other real
pages by someone who had not seen the reader, against which it was measured before any change.

A fact matches an expected row when fixture, line and value agree, and the unit where the expected
row gives one (compared as written, full-width brackets read as ASCII) (each expected row matches at most one fact). Operator and basis agreement are
reported separately, over the matched pairs (a plain value: "=" in the expected rows, no operator in
the facts); ``refused`` counts fixtures whose kind could not be
detected. The fixtures are read as ``check`` reads a file: kind detected by the registry, city and
year from the catalogue.

Run: .venv/bin/python benchmarks/bench_genre.py [--detail FIXTURE]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotlinecompare.errors import HotlineError  # noqa: E402
from hotlinecompare.extract.document import Document, split_lines  # noqa: E402
from hotlinecompare.extract.formats.script import to_simplified  # noqa: E402
from hotlinecompare.extract.kinds import detect_scores, parse  # noqa: E402
from hotlinecompare.extract.numbers import all_units, normalise  # noqa: E402
from hotlinecompare.extract.originals import original_of  # noqa: E402
from hotlinecompare.extract.place import place_of  # noqa: E402
from hotlinecompare.extract.places import seed_registry  # noqa: E402

GENRE = ROOT / "tests" / "fixtures" / "genre"
BASIS_SPELLING = {"authorised": "authorized"}


def same_unit(found: str, wanted: str) -> bool:
    """One unit however spelt: full-width brackets as ASCII, traditional characters as simplified (萬元 = 万元),
    and 人 = 名 (the same standard unit and factor)."""
    a, b = normalise(to_simplified(found)), normalise(to_simplified(wanted))
    if a == b:
        return True
    units = all_units()
    return a in units and b in units and (units[a].unit_std, units[a].factor) == (units[b].unit_std, units[b].factor)


def fixture_lines(path: Path) -> tuple[str, ...]:
    """The lines ``check`` reads: the text as it is, or its simplified form when it is in traditional
    characters (the same lines, each character for one)."""
    original = original_of(path.read_bytes(), path.name)
    return split_lines(original.derived.text if original is not None else path.read_text(encoding="utf-8"))


def catalogue(folder: Path = GENRE) -> list[dict]:
    """Rows of every ``catalogue*.csv`` in the folder, in file-name order."""
    rows = []
    for path in sorted(folder.glob("catalogue*.csv")):
        with path.open(encoding="utf-8") as f:
            rows += list(csv.DictReader(f))
    return rows


def expected(folder: Path = GENRE) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = defaultdict(list)
    for path in sorted(folder.glob("expected*.csv")):
        with path.open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                r["basis"] = BASIS_SPELLING.get(r["basis"], r["basis"])
                rows[r["fixture"]].append(r)
    return rows


def place_right(row: dict, folder: Path = GENRE) -> tuple[bool, bool]:
    """(place, parent and level as catalogued; year as catalogued), found from the text as ``check`` does."""
    try:
        found, year = find_place(row, folder)
    except HotlineError:   # no place named where check looks: wrong, whatever the year
        return False, False
    city = found.city
    return ((city.full_name_zh, city.parent_full_zh, city.admin_level)
            == (row["place_zh"], row["parent_zh"], row["admin_level"]), year == row["year"])


def find_place(row: dict, folder: Path = GENRE):
    """(place as ``check`` finds it, its year as text or the refusal); the place is looked for with the
    catalogue's year when ``check`` would refuse the document for want of a year."""
    lines = fixture_lines(folder / row["fixture"])
    try:
        found = place_of(lines, row["fixture"], registry=seed_registry())
        return found, str(found.fiscal_year or "")
    except HotlineError as e:
        return place_of(lines, row["fixture"], year=row["year"] or "undated", registry=seed_registry()), \
            "refused: " + str(e).splitlines()[0]


def read_fixture(row: dict, folder: Path = GENRE) -> tuple[str, list[dict]]:
    """(detected kind, facts) of one fixture; kind "" when detection refuses it."""
    lines = fixture_lines(folder / row["fixture"])
    best = detect_scores(lines)[0]
    if best.score < 0.5:
        return "", []
    year = int(row["year"]) if row["year"] else None
    doc = Document(doc_id=row["fixture"][:-4], source_file=row["fixture"], city="x", city_zh=row["place_zh"],
                   fiscal_year=year, kind=best.kind, lines=lines)
    return best.kind, parse(doc).facts


def match(facts: list[dict], wanted: list[dict]) -> list[tuple[dict, dict]]:
    """Pairs (expected, fact): same line and value, and unit where the expected row gives one."""
    free = list(facts)
    pairs = []
    for w in wanted:
        for f in free:
            if f["line"] == int(w["line"]) and f["value"] is not None \
                    and abs(f["value"] - float(w["value"])) < 1e-9 and (not w["unit"] or same_unit(f["unit"], w["unit"])):
                pairs.append((w, f))
                free.remove(f)
                break
    return pairs


def evaluate(folder: Path = GENRE) -> dict[str, dict]:
    """Per family: expected, found, matched, operator and basis agreement, refused, wrong kind, and
    fixtures whose place (with parent and level) and year ``check`` finds as catalogued."""
    want = expected(folder)
    out: dict[str, Counter] = defaultdict(Counter)
    details = {}
    for row in catalogue(folder):
        family = row["family"]
        kind, facts = read_fixture(row, folder)
        place_ok, year_ok = place_right(row, folder)
        facts = [f for f in facts if f["value"] is not None]
        pairs = match(facts, want[row["fixture"]])
        c = out[family]
        c["fixtures"] += 1
        c["place_ok"] += place_ok
        c["year_ok"] += year_ok
        c["refused"] += kind == ""
        c["wrong_kind"] += bool(kind) and kind != family
        c["expected"] += len(want[row["fixture"]])
        c["found"] += len(facts)
        c["matched"] += len(pairs)
        c["operator_ok"] += sum((f["operator"] or "=") == (w["operator"] or "=") for w, f in pairs)
        c["basis_ok"] += sum(f["basis"] == w["basis"] for w, f in pairs)
        details[row["fixture"]] = (kind, facts, pairs, want[row["fixture"]])
    return {"families": dict(out), "details": details}


def pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:5.1f}" if b else "  —  "


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fixtures", type=Path, default=GENRE,
                   help="folder with the fixtures, catalogue*.csv and expected*.csv (default: %(default)s)")
    p.add_argument("--detail", help="print missed and extra facts of fixtures whose name contains this")
    args = p.parse_args()
    folder = args.fixtures.resolve()
    result = evaluate(folder)
    total: Counter = Counter()
    print(f"{'family':<20} {'fixt':>4} {'refused':>7} {'wrongkind':>9} {'place':>5} {'year':>4} {'expected':>8} "
          f"{'found':>6} {'recall%':>7} {'precision%':>10} {'operator%':>9} {'basis%':>7}")

    def line(name: str, c: Counter) -> None:
        print(f"{name:<20} {c['fixtures']:>4} {c['refused']:>7} {c['wrong_kind']:>9} {c['place_ok']:>5} "
              f"{c['year_ok']:>4} {c['expected']:>8} {c['found']:>6} {pct(c['matched'], c['expected']):>7} "
              f"{pct(c['matched'], c['found']):>10} {pct(c['operator_ok'], c['matched']):>9} "
              f"{pct(c['basis_ok'], c['matched']):>7}")
    for family, c in sorted(result["families"].items()):
        total.update(c)
        line(family, c)
    line("all", total)
    if args.detail:
        for name, (kind, facts, pairs, want) in result["details"].items():
            if args.detail not in name:
                continue
            matched_facts = {id(f) for _, f in pairs}
            matched_want = {id(w) for w, _ in pairs}
            print(f"\n== {name} (kind {kind})")
            row = next(r for r in catalogue(folder) if r["fixture"] == name)
            try:
                found, year = find_place(row, folder)
            except HotlineError as e:
                print(f"  place refused: {str(e).splitlines()[0]}")
                continue
            print(f"  place {found.city.full_name_zh}/{found.city.parent_full_zh}/{found.city.admin_level} "
                  f"year {year} (catalogue {row['place_zh']}/{row['parent_zh']}/"
                  f"{row['admin_level']} year {row['year']})")
            for w in want:
                if id(w) not in matched_want:
                    print(f"  missed L{w['line']:<4} {w['quote']:<16} {w['unit']:<6} {w['label']}")
            for f in facts:
                if id(f) not in matched_facts:
                    print(f"  extra  L{f['line']:<4} {f['quote']:<16} {f['unit']:<6} {f['item'][:30]}")
            for w, f in pairs:
                if w["basis"] != f["basis"] or (w["operator"] or "=") != (f["operator"] or "="):
                    print(f"  meaning L{w['line']:<4} {w['quote']:<16} basis {w['basis']}/{f['basis']} "
                          f"op {w['operator']}/{f['operator']} {w['label']}")


if __name__ == "__main__":
    main()
