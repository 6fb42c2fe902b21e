"""Which parser reads which document kind, and guessing the kind of a new document.

Kinds are families of publication (budget disclosure, final accounts, project targets,
self-evaluation, operations report), two seed templates of a family (``wide_project_targets``) and
``general``, the fallback that reads any readable text. Each family is scored by its evidence
(``data/kind_evidence.csv``, see :mod:`~hotlinecompare.extract.kinds.evidence`) or its seed
template's own detector; :func:`detect_scores` lists every kind with its score and what matched.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.document import Document
from hotlinecompare.extract.kinds.evidence import KindScore, explain

# Document kind (manifest column `parser`) → module under hotlinecompare.extract.kinds.
PARSER_MODULES = {
    "project_targets": "project_targets",
    "self_evaluation": "self_evaluation",
    "budget_disclosure": "budget_disclosure",
    "wide_project_targets": "wide_project_targets",
    "final_accounts": "final_accounts",
    "operations_report": "operations_report",
    "general": "general",
}
FALLBACK = "general"


@dataclass(frozen=True)
class Detected:
    """Every kind's score, best first, and the margin between the best two."""

    scores: tuple[KindScore, ...]

    @property
    def best(self) -> KindScore:
        return self.scores[0]

    @property
    def margin(self) -> float:
        return round(self.scores[0].score - self.scores[1].score, 4) if len(self.scores) > 1 else self.best.score


def parser_for(kind: str, source: str = "") -> ModuleType:
    """The parser module for a document kind; a clear error for an unknown kind."""
    if kind not in PARSER_MODULES:
        raise HotlineError(f"no parser for document kind {kind!r}", file=source or None,
                           expected="one of " + ", ".join(sorted(PARSER_MODULES)))
    return import_module(f"hotlinecompare.extract.kinds.{PARSER_MODULES[kind]}")


def family_scores(lines: tuple[str, ...]) -> tuple[KindScore, ...]:
    """Every kind but the fallback: its module's ``detect`` score and the evidence rows that matched."""
    out = []
    for kind in PARSER_MODULES:
        if kind == FALLBACK:
            continue
        score = round(float(parser_for(kind).detect(lines)), 4)
        why = explain(kind, lines) if score else ()
        out.append(KindScore(kind, score, why or (("template",) if score else ())))
    return tuple(out)


def detect_scores(lines: tuple[str, ...]) -> tuple[KindScore, ...]:
    """Every kind (the fallback included) with its score and explanation, best first (ties by name)."""
    scores = list(family_scores(lines))
    scores.append(KindScore(FALLBACK, float(parser_for(FALLBACK).detect(lines)), ("any readable text",)))
    return tuple(sorted(scores, key=lambda s: (-s.score, s.kind)))


def detection(lines: tuple[str, ...]) -> Detected:
    """:func:`detect_scores` with the margin of the best kind over the next."""
    return Detected(detect_scores(lines))


def detect_kind(lines: tuple[str, ...]) -> tuple[str, float]:
    """The most likely document kind and its score (0–1)."""
    best = detect_scores(lines)[0]
    return best.kind, best.score


def parse(doc: Document):
    """Read a document: an :class:`~hotlinecompare.extract.extraction.Extraction`.

    A family with a seed template has ``read`` (the template's ``parse`` for its own form, the genre
    reader for other layouts); the other kinds have ``parse`` only.
    """
    module = parser_for(doc.kind, doc.source_file)
    return getattr(module, "read", module.parse)(doc)
