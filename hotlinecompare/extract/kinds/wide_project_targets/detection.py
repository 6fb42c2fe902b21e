"""Does a text look like a wide project target table? Title and header words, weighted as data."""

from __future__ import annotations

from hotlinecompare.extract.kinds.wide_project_targets.parsing import labels


def detect(lines: tuple[str, ...]) -> float:
    """0–1: how much the text looks like a wide project target table (title and header words)."""
    text = "".join(lines).replace(" ", "")
    return min(1.0, round(sum(w["weight"] for w in labels()["detect"]["words"] if w["word"] in text), 6))
