"""Does a text look like a final_accounts document? Its evidence in data/kind_evidence.csv."""

from __future__ import annotations

from hotlinecompare.extract.kinds.evidence import evidence_score


def detect(lines: tuple[str, ...]) -> float:
    return evidence_score("final_accounts", lines)
