"""The fallback kind: any readable text scores 0.5 (enough to be read) unless a family scores as much."""

from __future__ import annotations

FLOOR = 0.5
# Below every family that reaches the floor, so that a family and the fallback never tie.
UNDER_A_FAMILY = 0.3


def detect(lines: tuple[str, ...]) -> float:
    from hotlinecompare.extract.kinds import family_scores  # the registry imports this module

    best = max((round(s.score, 2) for s in family_scores(lines)), default=0.0)
    return FLOOR if best < FLOOR and any(line.strip() for line in lines) else UNDER_A_FAMILY
