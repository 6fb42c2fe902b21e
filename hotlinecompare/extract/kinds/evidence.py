"""Which family of document a text belongs to, from evidence held as data (``data/kind_evidence.csv``).

Every row names a kind, where to look (``title``: the title block; ``heading``: the start of a
line; ``table_name``: anywhere in a line; ``phrase``: anywhere in the text), a regular expression
and a weight. A kind's score is the chance that at least one of its matched rows is right
(1 − Π(1 − weight)), capped below 1 so that a seed template that recognises its own form
exactly (score 1.0) still wins over its family. The matched rows are the explanation.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from hotlinecompare.extract.patterns import compiled

EVIDENCE_TYPES = ("title", "heading", "table_name", "phrase")
# Evidence alone never reaches a seed template's certainty.
MAX_EVIDENCE_SCORE = 0.95
# The title block: this many first non-empty lines, each cut to this many characters (a Word
# export can put a whole body on one line; its title words must not come from the body).
TITLE_LINES = 14
TITLE_CHARS = 80
_SENTENCE = re.compile(r"[，。；！？]")


@dataclass(frozen=True)
class Evidence:
    kind: str
    evidence: str
    pattern: str
    weight: float
    note: str


@dataclass(frozen=True)
class KindScore:
    """A kind's score and the evidence that made it (``evidence``: "title 部门决算", …)."""

    kind: str
    score: float
    evidence: tuple[str, ...]


@lru_cache(maxsize=1)
def kind_evidence() -> tuple[Evidence, ...]:
    path = resources.files("hotlinecompare").joinpath("data/kind_evidence.csv")
    with path.open(encoding="utf-8") as f:
        rows = tuple(Evidence(r["kind"], r["evidence"], r["pattern"], float(r["weight"]), r["note"])
                     for r in csv.DictReader(f))
    bad = [r for r in rows if r.evidence not in EVIDENCE_TYPES or not 0 < r.weight < 1]
    if bad:
        raise ValueError(f"data/kind_evidence.csv: bad evidence type or weight in {bad[0]}")
    return rows


def evidence_kinds() -> tuple[str, ...]:
    """The kinds the evidence file scores, in file order."""
    return tuple(dict.fromkeys(r.kind for r in kind_evidence()))


def _squash(text: str) -> str:
    return text.replace(" ", "").replace("\u3000", "").replace("\t", "")


def _views(lines: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """What each evidence type looks at: the title block, every line, the whole text."""
    squashed = tuple(_squash(line) for line in lines)
    # a title holds no sentence: a line's title part ends at its first sentence mark (收到自评通知后，…
    # 工单系统统计数据 is prose, not a title naming 统计数据)
    title = tuple(_SENTENCE.split(s[:TITLE_CHARS], maxsplit=1)[0] for s in squashed if s)[:TITLE_LINES]
    return {"title": title, "heading": squashed, "table_name": squashed, "phrase": ("".join(squashed),)}


def _found(row: Evidence, views: dict[str, tuple[str, ...]]) -> str | None:
    pattern = compiled(row.pattern)
    for text in views[row.evidence]:
        m = pattern.match(text) if row.evidence == "heading" else pattern.search(text)
        if m is None and row.evidence == "heading":
            m = pattern.match(text.lstrip("一二三四五六七八九十、（）()0123456789.．"))
        if m:
            return m.group(0)
    return None


def score_kinds(lines: tuple[str, ...]) -> tuple[KindScore, ...]:
    """Every evidence kind's score with what matched, best first (ties by name)."""
    return _score_kinds(tuple(lines))


@lru_cache(maxsize=256)
def _score_kinds(lines: tuple[str, ...]) -> tuple[KindScore, ...]:
    views = _views(lines)
    found: dict[str, list[tuple[float, str]]] = {k: [] for k in evidence_kinds()}
    for row in kind_evidence():
        text = _found(row, views)
        if text is not None:
            found[row.kind].append((row.weight, f"{row.evidence} {text}"))
    scores = []
    for kind, hits in found.items():
        miss = 1.0
        for weight, _ in hits:
            miss *= 1.0 - weight
        scores.append(KindScore(kind, round(min(MAX_EVIDENCE_SCORE, 1.0 - miss), 4),
                                tuple(why for _, why in hits)))
    return tuple(sorted(scores, key=lambda s: (-s.score, s.kind)))


def evidence_score(kind: str, lines: tuple[str, ...]) -> float:
    """One kind's evidence score (0 for a kind the evidence file does not name)."""
    return next((s.score for s in score_kinds(lines) if s.kind == kind), 0.0)


def explain(kind: str, lines: tuple[str, ...]) -> tuple[str, ...]:
    """The evidence that matched for ``kind``."""
    return next((s.evidence for s in score_kinds(lines) if s.kind == kind), ())
