"""Does a text look like a project budget performance target form? Its title line or typical cells."""

from __future__ import annotations

from hotlinecompare.extract.document import split_cells
from hotlinecompare.extract.kinds.project_targets.labels import role_of
from hotlinecompare.extract.kinds.project_targets.parsing import DETECT_ROLES


def detect(lines: tuple[str, ...]) -> float:
    """How sure we are (0–1) that the text is a project budget performance target form.

    1.0 for a known title line; otherwise up to 0.9 for the form's typical cells.
    """
    roles = {role_of(c.text) for line in lines for c in split_cells(line)}
    if "title" in roles:
        return 1.0
    return round(0.9 * len(roles & set(DETECT_ROLES)) / len(DETECT_ROLES), 2)
