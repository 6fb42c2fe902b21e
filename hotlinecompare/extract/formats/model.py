"""The derived text form and where each of its lines and cells sits in the original file."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from hotlinecompare.errors import HotlineError


@dataclass(frozen=True)
class Location:
    """Where one line of the derived text (and each of its tab cells) came from.

    Only the fields of the line's format are set: ``page`` (PDF, 1-based; ``page_end`` when a
    paragraph runs onto a later page), ``sheet`` and ``row`` (spreadsheets, 1-based row),
    ``paragraph`` (Word body paragraph, 1-based) or ``table``/``row`` (Word and PDF tables,
    1-based), ``path`` (HTML element path), ``line`` (plain text). ``where`` is the line's
    short rendering; ``cells`` holds one rendering per tab cell of the line, in order.
    """

    where: str
    cells: tuple[str, ...] = ()
    page: int | None = None
    page_end: int | None = None
    sheet: str | None = None
    row: int | None = None
    table: int | None = None
    paragraph: int | None = None
    path: str | None = None
    line: int | None = None

    def cell(self, index: int) -> str:
        """The rendering of tab cell ``index`` (0-based); the line's own when it has no cells."""
        if 0 <= index < len(self.cells):
            return self.cells[index]
        return self.where


@dataclass(frozen=True)
class Derived:
    """A file converted to the text form: lines joined by LF, table cells by TAB.

    ``locations[i]`` is line ``i + 1``'s location. ``dropped`` lists what the converter took
    out of the text on purpose (page numbers, running headers, repeated table headers), each
    as ``(where, text, why)``; ``notes`` says what it did that a reader should know (tables
    joined across pages, merged cells, sheets read).
    """

    text: str
    fmt: str
    converter: str
    locations: tuple[Location, ...]
    dropped: tuple[tuple[str, str, str], ...] = ()
    notes: tuple[str, ...] = ()
    source: str = ""

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(self.text.split("\n")) if self.text else ()

    def location(self, line: int, cell_index: int | None = None) -> str:
        """Where line ``line`` (1-based, as the parsers number it) or its cell ``cell_index`` came from."""
        if not 1 <= line <= len(self.locations):
            raise IndexError(f"line {line} is outside 1..{len(self.locations)}")
        loc = self.locations[line - 1]
        return loc.where if cell_index is None else loc.cell(cell_index)


class Builder:
    """Collects lines and their locations; cells are cleaned so that no TAB or LF gets into one."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.locations: list[Location] = []
        self.dropped: list[tuple[str, str, str]] = []
        self.notes: list[str] = []

    def text(self, text: str, location: Location) -> None:
        self.lines.append(clean(text))
        self.locations.append(location)

    def row(self, cells: list[str], location: Location) -> None:
        cells = [clean(c) for c in cells]
        while len(cells) > 1 and not cells[-1]:   # trailing empty cells say nothing
            cells.pop()
        if len(cells) == 1 and cells[0]:
            # one filled cell would read as prose: keep it a table row
            cells.append("")
        self.lines.append("\t".join(cells))
        if len(location.cells) > len(cells):
            location = replace(location, cells=location.cells[:len(cells)])
        self.locations.append(location)

    def blank(self, location: Location) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
            self.locations.append(location)

    def build(self, fmt: str, converter: str, source: str) -> Derived:
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
            self.locations.pop()
        return Derived("\n".join(self.lines), fmt, converter, tuple(self.locations),
                       tuple(self.dropped), tuple(self.notes), source)


_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0\u3000\u2002\u2003\u2009]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")


def clean(text: str) -> str:
    """One line: runs of whitespace (TAB, LF, NBSP, ideographic space) as one space, trimmed."""
    return _SPACE.sub(" ", _CONTROL.sub("", text or "")).strip()


def _cjk(ch: str) -> bool:
    return ch >= "\u2e80" and not ("\uff00" <= ch <= "\uffef" and ch.isalnum() and ch.isascii())


def join_wrapped(parts: list[str]) -> str:
    """Lines that one cell or paragraph wrapped over, joined back.

    No space where either side is CJK text or punctuation, or where a number was cut
    (``2176.`` + ``89``, ``21`` + ``76``); one space between two Latin words or a number and a word.
    """
    out = ""
    for part in (clean(p) for p in parts):
        if not part:
            continue
        a, b = (out[-1], part[0]) if out else ("", "")
        if (out and a.isascii() and b.isascii() and a.isalnum() and b.isalnum()
                and not (a.isdigit() and b.isdigit())):
            out += " " + part
        else:
            out += part
    return out


def number_text(value: float) -> str:
    """A stored number as written: ``1234.5``, ``1234`` (no ``.0``), never in exponent form."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if value == int(value) and abs(value) < 1e21:
        return str(int(value))
    try:
        text = format(Decimal(repr(value)), "f")
    except InvalidOperation:
        return repr(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def refuse(message: str, source: str, expected: str, hint: str | None = None) -> HotlineError:
    return HotlineError(message, file=source, expected=expected, hint=hint)
