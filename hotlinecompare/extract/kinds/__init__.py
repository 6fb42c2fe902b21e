"""Which parser reads which document kind, and guessing the kind of a new document."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.document import Document

# Document kind (manifest column `parser`) → module under hotlinecompare.extract.kinds.
PARSER_MODULES = {
    "project_targets": "project_targets",
    "self_evaluation": "self_evaluation",
    "budget_disclosure": "budget_disclosure",
    "wide_project_targets": "wide_project_targets",
}


def parser_for(kind: str, source: str = "") -> ModuleType:
    """The parser module for a document kind; a clear error for an unknown kind."""
    if kind not in PARSER_MODULES:
        raise HotlineError(f"no parser for document kind {kind!r}", file=source or None,
                           expected="one of " + ", ".join(sorted(PARSER_MODULES)))
    return import_module(f"hotlinecompare.extract.kinds.{PARSER_MODULES[kind]}")


def detect_kind(lines: tuple[str, ...]) -> tuple[str, float]:
    """The most likely document kind and its score (0–1), from each parser's ``detect``."""
    scores = {kind: float(parser_for(kind).detect(lines)) for kind in PARSER_MODULES}
    kind = max(sorted(scores), key=lambda k: scores[k])
    return kind, scores[kind]


def parse(doc: Document):
    """Run the document's parser: an :class:`~hotlinecompare.extract.extraction.Extraction`."""
    return parser_for(doc.kind, doc.source_file).parse(doc)
