"""Does a text look like a department budget disclosure? Title and annex words, weighted as data."""

from __future__ import annotations

from hotlinecompare.extract.kinds.budget_disclosure.prose import labels


def detect(lines: tuple[str, ...]) -> float:
    """0–1: how much the text looks like a department budget disclosure (title and annex words)."""
    cfg = labels()["detect"]
    head = "".join(lines[: cfg["head_lines"]]).replace(" ", "")
    body = "".join(lines).replace(" ", "")
    score = sum(w["weight"] for w in cfg["words"]
                if w["word"] in head or (w["word"] in cfg["annex_words"] and w["word"] in body))
    return min(1.0, round(score, 6))
