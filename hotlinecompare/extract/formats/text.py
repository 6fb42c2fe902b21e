"""Plain text: passed through as it is (decoded from UTF-8 or GB18030), located by line number."""

from __future__ import annotations

from hotlinecompare.extract.formats.model import Derived, Location, refuse


def decode(data: bytes, source: str) -> str:
    if b"\x00" in data[:4096]:
        raise refuse("the file looks binary (NUL bytes) and is no format this reads", source,
                     "PDF, DOCX, XLS/XLSX, HTML or plain text (UTF-8 or GB18030)")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise refuse("the file is neither UTF-8 nor GB18030 text", source, "UTF-8 or GB18030 encoded text")


def convert(data: bytes, source: str) -> Derived:
    """Identity: the text unchanged (CRLF kept as the parsers' reader handles it), ``line N`` locations."""
    text = decode(data, source)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    locations = tuple(Location(f"line {n}", line=n) for n in range(1, len(lines) + 1))
    return Derived("\n".join(lines), "text", "identity", locations, source=source)
