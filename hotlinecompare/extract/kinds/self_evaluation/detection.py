"""Does a text look like a self-evaluation report? Title and table phrases, weighted as data."""

from __future__ import annotations

from hotlinecompare.extract.kinds.evidence import evidence_score
from hotlinecompare.extract.kinds.self_evaluation.parsing import _squash, patterns


def template_score(lines: tuple[str, ...]) -> float:
    """0–1: how much this text looks like a self-evaluation report (title and table words)."""
    text = _squash("".join(lines))
    return min(1.0, sum(w for phrase, w in patterns()["detect"].items() if phrase in text))


# The template parser reads a document whose template score reaches this; the genre reader the rest.
TEMPLATE_FIT = 0.6


def fits_template(lines: tuple[str, ...]) -> bool:
    return template_score(lines) >= TEMPLATE_FIT


def detect(lines: tuple[str, ...]) -> float:
    """The family's score: its seed template's own score or the family evidence, whichever is higher."""
    return max(template_score(lines), evidence_score("self_evaluation", lines))
