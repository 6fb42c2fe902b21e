"""A family whose seed template parser reads its own form exactly, and the genre reader the rest.

The seed template parsers (budget disclosure, project targets, self-evaluation) know every cell of
the forms they were written for; on another layout of the same family they would misread. So a
document goes to the template parser when the template's own detector recognises its form (its
threshold is the kind's ``TEMPLATE_FIT``), and to the genre reader otherwise. A document in the
template's form with more than the form (a web page whose tables are the seed's and whose later
sections are prose of its own) has the lines the template left unread, and only those, read by
the genre reader: a line with a number no template rule accounts for and no fact of the template.
"""

from __future__ import annotations

from collections.abc import Callable

from hotlinecompare.extract.accounting import UNRECOGNISED, account
from hotlinecompare.extract.document import Document
from hotlinecompare.extract.extraction import Extraction
from hotlinecompare.extract.kinds.genre import checks as genre_checks
from hotlinecompare.extract.kinds.genre.reader import read


def template_or_genre(doc: Document, kind: str, fits: Callable[[tuple[str, ...]], bool],
                      template_parse: Callable[[Document], Extraction]) -> Extraction:
    if not fits(doc.lines):
        return read(doc, kind)
    ex = template_parse(doc)
    accounting = account(doc, ex)
    unread = {row["line"] for row in accounting.unparsed if row["reason_code"] == UNRECOGNISED}
    unread -= {f["line"] for f in ex.facts}
    if not unread:
        ex.accounting = accounting   # the build's own accounting of the same facts: not made twice
    else:
        genre = read(doc, kind)
        ex.facts += [f for f in genre.facts if f["line"] in unread]
        ex.skips += [s for s in genre.skips if s.line in unread]
    return ex


def reconcile_both(facts: list[dict], template_rows: Callable[[list[dict]], list[dict]]) -> list[dict]:
    """The template's checks on the template's facts, the genre checks on the genre reader's."""
    template = genre_checks.template_facts(facts)
    rows = template_rows(template) if template else []
    if len(template) < len(facts):
        rows += genre_checks.reconcile_rows([f for f in facts if f["table"] in genre_checks.GENRE_TABLES])
    return rows
