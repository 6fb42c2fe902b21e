"""Does a text look like a self-evaluation report? Title and table phrases, weighted as data."""

from __future__ import annotations

from hotlinecompare.extract.kinds.self_evaluation.parsing import _squash, patterns


def detect(lines: tuple[str, ...]) -> float:
    """0–1: how much this text looks like a self-evaluation report (title and table words)."""
    text = _squash("".join(lines))
    return min(1.0, sum(w for phrase, w in patterns()["detect"].items() if phrase in text))
