"""Deterministic label placement: each label takes the first free spot of its own list of candidates.

A figure function draws its points and lines, then calls ``place_labels``. The figure is laid out
once, as it will be exported; then, label by label in the order given, each candidate offset is
tried and the first is kept whose text stays inside the axes, covers no label placed before it, no
other text, no marker and no line named to avoid, and whose leader (if it has one) crosses no
label and no earlier leader. Where no candidate is free, the one with the fewest conflicts is kept.
No randomness and no iteration to convergence, so a figure always gets the same places.

Private (leading underscore), so ``load_figure_modules`` does not treat it as a figure module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.path import Path
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

PAD_PT = 1.5  # blank kept round every label
# Weights of the conflicts a candidate can have; zero means the spot is free.
_OUTSIDE, _OVER_TEXT, _CROSSING, _OVER_LINE, _OVER_MARKER, _LEADERS_CROSS, _LEADER_OVER_MARKER = (
    100, 10, 10, 5, 5, 3, 1)


@dataclass(frozen=True)
class Spot:
    """Where a label may go: its anchor ``dx``, ``dy`` points from the point, aligned by ``ha``/``va``."""

    dx: float
    dy: float
    ha: str = "left"
    va: str = "center"


@dataclass(frozen=True)
class Label:
    """A text for the point ``xy`` (data units), the spots it may take in order of preference, and its
    ``ax.annotate`` options; ``leader`` (arrowprops) draws a line from the text to the point."""

    xy: tuple[float, float]
    text: str
    spots: Sequence[Spot]
    options: dict[str, Any] = field(default_factory=dict)
    leader: dict[str, Any] | None = None


def beside(gap: float, *, first: str = "right", reach: float = 150.0, step: float = 2.0,
           sides: Iterable[str] = ("right", "left")) -> list[Spot]:
    """Spots level with the point and then ever further above or below it (``step`` points at a time, up
    to ``reach``), ``gap`` points to the ``first`` side; then the same on the other side."""
    offsets = [0.0] + [s * k * step for k in range(1, int(reach / step) + 1) for s in (-1, 1)]
    order = [first, *(s for s in sides if s != first)]
    return [Spot(gap if side == "right" else -gap, dy, "left" if side == "right" else "right")
            for side in order for dy in offsets]


def place_labels(ax: Axes, labels: Sequence[Label], *, avoid: Iterable[Artist] = (),
                 lines: Iterable[Line2D] = (), markers: Iterable[tuple[float, float]] = (),
                 marker_pt: float = 6.0) -> list[Annotation]:
    """Annotate ``ax`` with ``labels``, each at its first free spot; returns the annotations made.

    ``avoid``: other artists (texts, legends) no label may cover; ``lines``: lines no label may sit
    on; ``markers``: points (data units, markers ``marker_pt`` across) no label or leader may cover.
    """
    fig = ax.figure
    fig.draw_without_rendering()  # the layout the export will have: axes placed, limits final
    renderer = fig._get_renderer()
    px = fig.dpi / 72
    frame = ax.get_window_extent(renderer).padded(-PAD_PT * px)
    fixed = [a.get_window_extent(renderer).padded(PAD_PT * px) for a in avoid if a.get_visible()]
    radius = (marker_pt / 2 + PAD_PT) * px
    dots = [Bbox.from_bounds(x - radius, y - radius, 2 * radius, 2 * radius)
            for x, y in ax.transData.transform(list(markers))] if markers else []
    paths = [line.get_transform().transform_path(line.get_path()) for line in lines]
    placed: list[Bbox] = []
    leaders: list[Path] = []
    made: list[Annotation] = []
    for item in labels:
        best: tuple[float, int] | None = None
        # A leader ends at its own marker and may touch those that overlap it; any other is a conflict.
        point = ax.transData.transform(item.xy)
        passed = [dot for dot in dots if not dot.padded(radius).contains(*point)]
        for index, spot in enumerate(item.spots):
            annotation = _annotate(ax, item, spot)
            box, leader = _measure(annotation, renderer, PAD_PT * px)
            conflicts = _conflicts(box, leader, frame, placed + fixed, leaders, paths, dots, passed)
            annotation.remove()
            if best is None or conflicts < best[0]:
                best = (conflicts, index)
            if conflicts == 0:
                break
        annotation = _annotate(ax, item, item.spots[best[1]])
        box, leader = _measure(annotation, renderer, PAD_PT * px)
        placed.append(box)
        if leader is not None:
            leaders.append(leader)
        made.append(annotation)
    return made


def _annotate(ax: Axes, item: Label, spot: Spot) -> Annotation:
    arrow = None
    if item.leader is not None:  # the leader leaves the side of the text that faces the point
        arrow = {**item.leader, "relpos": (0.0 if spot.dx > 0 else 1.0 if spot.dx < 0 else 0.5, 0.5)}
    return ax.annotate(item.text, item.xy, xytext=(spot.dx, spot.dy), textcoords="offset points",
                       ha=spot.ha, va=spot.va, arrowprops=arrow, **item.options)


def _measure(annotation: Annotation, renderer, pad: float) -> tuple[Bbox, Path | None]:
    annotation.update_positions(renderer)
    box = Text.get_window_extent(annotation, renderer).padded(pad)
    if annotation.arrowprops is None:
        return box, None
    arrow = annotation.arrow_patch
    return box, arrow.get_path().transformed(arrow.get_transform())


def _conflicts(box: Bbox, leader: Path | None, frame: Bbox, boxes: list[Bbox], leaders: list[Path],
               paths: list[Path], dots: list[Bbox], passed: list[Bbox]) -> float:
    count = 0.0 if frame.containsx(box.x0) and frame.containsx(box.x1) and frame.containsy(box.y0) \
        and frame.containsy(box.y1) else _OUTSIDE
    count += _OVER_TEXT * sum(box.overlaps(other) for other in boxes)
    count += _OVER_MARKER * sum(box.overlaps(dot) for dot in dots)
    count += _OVER_LINE * sum(path.intersects_bbox(box, filled=False) for path in paths)
    count += _CROSSING * sum(earlier.intersects_bbox(box, filled=False) for earlier in leaders)
    if leader is not None:
        count += _CROSSING * sum(leader.intersects_bbox(other, filled=False) for other in boxes)
        count += _LEADERS_CROSS * sum(leader.intersects_path(earlier, filled=False) for earlier in leaders)
        count += _LEADER_OVER_MARKER * sum(leader.intersects_bbox(dot, filled=False) for dot in passed)
    return count
