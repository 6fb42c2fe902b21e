"""Synthetic corpora in the seeds' shapes, for scale tests and benchmarks — never for analysis.

Each synthetic document is a real seed document or, with ``genre=True``, one of the genre's
templates (``data/synthetic_genre``: final accounts, operations reports and budget and
self-evaluation layouts that are not the seeds', written in the shapes of the development
set ``tests/fixtures/genre``) — its *template* — with its
values varied consistently, so that it parses like the seed and its
reconciliation checks pass or fail like the seed's:

- every money amount the parser reads (a fact in 万元, 元, 万元/年 …) is multiplied
  by one whole factor per document, so totals, subtotals, rates and ceilings still agree;
- a project target form keeps a random subset of its projects, each renamed;
- percentage targets with ≥ or ≤ move by a few points;
- every year naming a period (2024年度, 2023-2025年) shifts by the same offset;
- some documents are written in GB18030 or with CRLF line ends, as real exports are.

Where the values sit comes from parsing the template once (its facts' spans), not
from code. Documents are deterministic: document ``i`` depends only on ``seed`` and
``i``, so a corpus of 1,000 is the first 1,000 documents of a corpus of 10,000.
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path

from hotlinecompare.extract.document import Document
from hotlinecompare.extract.fact_build import build_facts
from hotlinecompare.extract.numbers import normalise
from hotlinecompare.extract.raw import MANIFEST, MANIFEST_COLUMNS, load_corpus

_NUMBER = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.[ ]?\d+)?")
_PERIOD_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d\d)(?=\s*(?:年|[-—~～]\s*(?:19|20)\d\d\s*年))")
RENAMES = ("二期", "续建", "运维", "升级改造", "试点", "专项")
FACTORS = tuple(range(1, 10))
TARGET_SHIFTS = (-2, -1, 0, 1, 2)
YEAR_SHIFTS = tuple(range(-6, 1))


@dataclass(frozen=True)
class Template:
    """A seed document prepared for templating: where its money and target numbers and its projects are."""

    row: dict
    lines: tuple[str, ...]
    money: dict[int, tuple[tuple[int, int], ...]]      # 0-based line → number spans to scale
    targets: dict[int, tuple[tuple[int, int], ...]]    # 0-based line → percentage-target spans to shift
    forms: tuple[tuple[int, int, str], ...]            # (first, end) 0-based line range and project name


def template_from(doc: Document) -> Template:
    """Parse ``doc`` once and record the spans of the numbers a synthetic copy varies."""
    facts = build_facts([doc]).facts
    money: dict[int, list] = {}
    targets: dict[int, list] = {}
    for f in facts.iter_rows(named=True):
        if f["value"] is None:
            continue
        span = _number_span(doc.text(f["line"]), f["char_start"], f["quote"], f["value"])
        if span is None:
            continue
        if (f["unit_std"] or "").startswith("yuan"):
            money.setdefault(f["line"] - 1, []).append(span)
        elif (f["table"] == "indicators" and f["unit"] == "%" and f["operator"] in (">=", "<=")
              and f["value"] == int(f["value"]) and 5 <= f["value"] <= 95):
            targets.setdefault(f["line"] - 1, []).append(span)
    return Template(dict(doc.meta), doc.lines, _freeze(money), _freeze(targets), _forms(doc, facts))


def _number_span(line: str, start: int, quote: str, value: float) -> tuple[int, int] | None:
    m = _NUMBER.search(normalise(quote))
    if m is None or float(m.group().replace(",", "").replace(" ", "")) != value:
        return None
    return start + m.start(), start + m.end()


def _freeze(spans: dict[int, list]) -> dict[int, tuple[tuple[int, int], ...]]:
    return {k: tuple(sorted(set(v))) for k, v in spans.items()}


def _forms(doc: Document, facts) -> tuple[tuple[int, int, str], ...]:
    """The project forms of a project target document, with each form's project name."""
    if doc.kind != "project_targets":
        return ()
    from hotlinecompare.extract.kinds.project_targets.parsing import form_spans

    out = []
    for first, last in form_spans(doc):
        names = facts.filter((facts["line"] >= first) & (facts["line"] <= last))["section"].to_list()
        out.append((first - 1, last, next((n for n in names if n), "")))
    return tuple(out) if len(out) > 1 else ()


# -- rendering one document ----------------------------------------------------
@dataclass(frozen=True)
class Variation:
    factor: int
    target_shift: int
    year_shift: int
    forms: tuple[int, ...]      # indices of the template's forms kept (empty: the whole document)
    encoding: str
    crlf: bool


def choose(template: Template, rng: random.Random) -> Variation:
    forms = ()
    if template.forms:
        k = rng.randint(1, len(template.forms))
        forms = tuple(sorted(rng.sample(range(len(template.forms)), k)))
    return Variation(rng.choice(FACTORS), rng.choice(TARGET_SHIFTS), rng.choice(YEAR_SHIFTS), forms,
                     "gb18030" if rng.random() < 0.125 else "utf-8", rng.random() < 0.125)


def render(template: Template, v: Variation, rng: random.Random) -> str:
    """The synthetic document's text (pure)."""
    lines = [_vary_line(text, template.money.get(i, ()), template.targets.get(i, ()), v)
             for i, text in enumerate(template.lines)]
    if v.forms:
        kept = list(lines[:template.forms[0][0]])
        for index in v.forms:
            first, end, name = template.forms[index]
            block = lines[first:end]
            if name:
                new = f"{name}（{rng.choice(RENAMES)}）"
                block = [line.replace(name, new) for line in block]
            kept += block
        lines = kept
    text = "\n".join(lines)
    return _PERIOD_YEAR.sub(lambda m: str(int(m.group(1)) + v.year_shift), text) if v.year_shift else text


def _vary_line(text: str, money, targets, v: Variation) -> str:
    edits = [(s, e, _scaled(text[s:e], v.factor)) for s, e in money if v.factor != 1]
    edits += [(s, e, _shifted(text[s:e], v.target_shift)) for s, e in targets if v.target_shift]
    for s, e, new in sorted(edits, reverse=True):
        text = text[:s] + new + text[e:]
    return text


def _scaled(number: str, factor: int) -> str:
    """``number × factor`` written as the number was: same decimals, separators and OCR space."""
    plain = normalise(number).replace(",", "").replace(" ", "")
    decimals = len(plain.split(".")[1]) if "." in plain else 0
    value = Decimal(plain) * factor
    out = f"{value:,.{decimals}f}" if "," in number else f"{value:.{decimals}f}"
    return out.replace(".", ". ", 1) if ". " in number else out


def _shifted(number: str, shift: int) -> str:
    return str(min(100, max(1, int(normalise(number)) + shift)))


# -- a corpus ------------------------------------------------------------------
def genre_templates_dir() -> Path:
    """The genre's template documents and their manifest (inside the package)."""
    return Path(str(resources.files("hotlinecompare").joinpath("data/synthetic_genre")))


def load_templates(seed_raw: Path, kinds: set[str] | None = None, *, genre: bool = False) -> list[Template]:
    """Templates from every seed of ``seed_raw`` (hash-verified) whose parser is available, and with
    ``genre`` the genre's templates of the families the seeds lack (``data/synthetic_genre``)."""
    from hotlinecompare.extract.kinds import parser_for

    out = []
    docs = load_corpus(Path(seed_raw)) + (load_corpus(genre_templates_dir()) if genre else [])
    for doc in docs:
        if kinds is not None and doc.kind not in kinds:
            continue
        try:
            parser_for(doc.kind)
        except ImportError:
            continue
        out.append(template_from(doc))
    return out


def synthetic_document(templates: list[Template], seed: int, i: int) -> tuple[bytes, dict]:
    """Document ``i`` of the corpus ``seed``: its bytes and its manifest row (without file and sha256)."""
    rng = random.Random(f"{seed}:{i}")
    template = rng.choice(templates)
    v = choose(template, rng)
    text = render(template, v, rng)
    data = (text.replace("\n", "\r\n") if v.crlf else text).encode(v.encoding)
    row = dict(template.row)
    year = int(row["fiscal_year"]) + v.year_shift if row["fiscal_year"] else None
    kept = f"{len(v.forms)} of {len(template.forms)} projects, " if v.forms else ""
    row.update(
        doc_id=f"syn{i:06d}", fiscal_year="" if year is None else str(year),
        fiscal_years=";".join(str(int(y) + v.year_shift) for y in row["fiscal_years"].split(";") if y),
        source_seed=row["file"],
        notes=(f"synthetic (seed {seed}) from {row['doc_id']}: amounts ×{v.factor}, {kept}"
               f"percentage targets {v.target_shift:+d}, years {v.year_shift:+d}, {v.encoding}"
               + (", CRLF" if v.crlf else "")))
    row["file"] = f"{i:06d}_{row['city']}_{year if year is not None else 'undated'}_{row['parser']}.txt"
    return data, row


def generate_corpus(seed_raw: Path, out_dir: Path, n: int, *, seed: int = 0,
                    templates: list[Template] | None = None) -> list[dict]:
    """Write ``n`` synthetic documents and their ``manifest.csv`` into ``out_dir``; the manifest rows."""
    templates = templates if templates is not None else load_templates(seed_raw)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(n):
        data, row = synthetic_document(templates, seed, i)
        (out / row["file"]).write_bytes(data)
        row["sha256"] = hashlib.sha256(data).hexdigest()
        rows.append(row)
    with (out / MANIFEST).open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=MANIFEST_COLUMNS, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return rows
