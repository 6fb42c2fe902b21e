"""Read a final_accounts document with the genre reader (its default basis and cues are data: data/genre_kinds.csv)."""

from __future__ import annotations

from hotlinecompare.extract.document import Document
from hotlinecompare.extract.extraction import Extraction
from hotlinecompare.extract.kinds.genre import read


def parse(doc: Document) -> Extraction:
    return read(doc, "final_accounts")
