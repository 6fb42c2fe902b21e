"""Does a text look like a project budget performance target form? Its title line or typical cells."""

from __future__ import annotations

from hotlinecompare.extract.document import split_cells
from hotlinecompare.extract.kinds.evidence import evidence_score
from hotlinecompare.extract.kinds.project_targets.labels import role_of
from hotlinecompare.extract.kinds.project_targets.parsing import DETECT_ROLES


def template_score(lines: tuple[str, ...]) -> float:
    """How sure we are (0–1) that the text is a project budget performance target form.

    1.0 for a known title line; otherwise up to 0.9 for the form's typical cells.
    """
    roles = {role_of(c.text) for line in lines for c in split_cells(line)}
    if "title" in roles:
        return 1.0
    return round(0.9 * len(roles & set(DETECT_ROLES)) / len(DETECT_ROLES), 2)


# The template parser reads a document whose template score reaches this; the genre reader the rest.
TEMPLATE_FIT = 0.5


def fits_template(lines: tuple[str, ...]) -> bool:
    return template_score(lines) >= TEMPLATE_FIT


def detect(lines: tuple[str, ...]) -> float:
    """The family's score: its seed template's own score or the family evidence, whichever is higher."""
    return max(template_score(lines), evidence_score("project_targets", lines))
