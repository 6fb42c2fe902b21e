"""A raw document as numbered lines and tab-separated cells with their character offsets."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from hotlinecompare.errors import HotlineError


@dataclass(frozen=True)
class Cell:
    """A non-empty, whitespace-trimmed cell: ``text == line[start:end]``; ``index`` is its tab column."""

    line: int
    index: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """One raw document with the manifest's metadata. Lines are 1-based, without line terminators."""

    doc_id: str
    source_file: str
    city: str
    city_zh: str
    fiscal_year: int | None
    kind: str
    lines: tuple[str, ...]
    meta: dict = field(default_factory=dict, compare=False)

    def text(self, line: int) -> str:
        return self.lines[line - 1]

    def cells(self, line: int) -> tuple[Cell, ...]:
        # parsers ask for the same line's cells many times (and documents repeat lines): cached,
        # and shared (a tuple of frozen cells, so no caller can change another's)
        return _split_cached(self.lines[line - 1], line)

    def line_numbers(self) -> range:
        return range(1, len(self.lines) + 1)


def split_cells(text: str, line: int = 0) -> list[Cell]:
    """Non-empty cells of a tab-separated line, trimmed, with offsets into the line."""
    return list(_split_cached(text, line))


@lru_cache(maxsize=65536)
def _split_cached(text: str, line: int) -> tuple[Cell, ...]:
    """:func:`split_cells` as a tuple (cells are frozen), cached per (line text, line number)."""
    if "\t" not in text:
        stripped = text.strip()
        if not stripped:
            return ()
        start = len(text) - len(text.lstrip())
        return (Cell(line, 0, stripped, start, start + len(stripped)),)
    cells, pos = [], 0
    for index, raw in enumerate(text.split("\t")):
        stripped = raw.strip()
        if stripped:
            start = pos + (len(raw) - len(raw.lstrip()))
            cells.append(Cell(line, index, stripped, start, start + len(stripped)))
        pos += len(raw) + 1
    return tuple(cells)


def decode(data: bytes, source: str) -> str:
    """Decode a raw file: UTF-8 (with or without BOM), else GB18030; refuse binary junk."""
    if not data.strip():
        raise HotlineError("the file is empty", file=source,
                           expected="a plain-text export of a budget document")
    if b"\x00" in data[:4096]:
        raise HotlineError("the file looks binary (NUL bytes)", file=source,
                           expected="a plain-text export (UTF-8 or GB18030)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        first_bad = e.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    start = data.rfind(b"\n", 0, first_bad) + 1
    raise HotlineError("the file is neither UTF-8 nor GB18030 text", file=source,
                       line=data.count(b"\n", 0, first_bad) + 1,
                       found=data[start:first_bad + 8].decode("utf-8", "backslashreplace")[-60:],
                       expected="UTF-8 or GB18030 encoded text",
                       hint="it may be in a Windows code page (cp1252/Latin-1 for Western text, Big5 for "
                            "traditional Chinese): re-save it as UTF-8, e.g. "
                            "`iconv -f CP1252 -t UTF-8 FILE > FILE.utf8.txt`, and check that copy")


def split_lines(text: str) -> tuple[str, ...]:
    """Lines as an editor numbers them: split on LF only, a CR before it dropped (CRLF files)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return tuple(line[:-1] if line.endswith("\r") else line for line in lines)
