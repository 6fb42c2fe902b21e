"""Does a text look like a department budget disclosure? Title and annex words, weighted as data."""

from __future__ import annotations

from hotlinecompare.extract.kinds.budget_disclosure.prose import labels
from hotlinecompare.extract.kinds.evidence import evidence_score


def template_score(lines: tuple[str, ...]) -> float:
    """0–1: how much the text looks like a department budget disclosure (title and annex words)."""
    cfg = labels()["detect"]
    head = "".join(lines[: cfg["head_lines"]]).replace(" ", "")
    body = "".join(lines).replace(" ", "")
    score = sum(w["weight"] for w in cfg["words"]
                if w["word"] in head or (w["word"] in cfg["annex_words"] and w["word"] in body))
    return min(1.0, round(score, 6))


# The template parser reads a document whose template score reaches this; the genre reader the rest.
TEMPLATE_FIT = 0.9


def fits_template(lines: tuple[str, ...]) -> bool:
    return template_score(lines) >= TEMPLATE_FIT


def detect(lines: tuple[str, ...]) -> float:
    """The family's score: its seed template's own score or the family evidence, whichever is higher."""
    return max(template_score(lines), evidence_score("budget_disclosure", lines))
