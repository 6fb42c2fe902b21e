"""Documents as governments publish them: the original file, its derived text and where each line came from.

A PDF, Word, Excel or web page is converted (:mod:`hotlinecompare.extract.formats`) into the text
form the parsers read. ``add`` keeps three files under ``data/raw/``, each hashed in the manifest:
the original byte for byte (``original_file``, ``original_sha256``), the derived text (``file``,
``sha256``) and the locations sidecar ``<file stem>.locations.csv`` (``locations_sha256``): one row
per derived line and cell with its place in the original (``p.3``, ``表1!B5``, ``table 2 row 4 cell 3``,
``table[1]/tr[4]/td[3]``). The converter and its version are recorded (``converter``). Every fact
of such a document carries its ``location``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.document import split_cells
from hotlinecompare.extract.formats import Derived, convert, sniff
from hotlinecompare.extract.formats.script import read_as_simplified

LOCATIONS_SUFFIX = ".locations.csv"
ORIGINAL_COLUMNS = ("original_file", "original_sha256", "converter", "locations_sha256")
# The file ending an original keeps under data/raw, by format.
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "doc": ".doc", "xlsx": ".xlsx", "xls": ".xls", "ods": ".ods",
              "html": ".html"}


@dataclass(frozen=True)
class Original:
    """A converted document: its format, the original bytes, the derived text and the locations sidecar."""

    fmt: str
    data: bytes
    derived: Derived

    @property
    def text_bytes(self) -> bytes:
        return (self.derived.text + "\n").encode("utf-8") if self.derived.text else b""

    @property
    def locations_bytes(self) -> bytes:
        return locations_csv(self.derived)

    def files(self, stem: str) -> dict[str, bytes]:
        """File name → bytes, for a document named ``stem`` in data/raw."""
        return {f"{stem}.txt": self.text_bytes, f"{stem}{EXTENSIONS.get(self.fmt, '.' + self.fmt)}": self.data,
                f"{stem}{LOCATIONS_SUFFIX}": self.locations_bytes}

    def manifest_cells(self, stem: str) -> dict[str, str]:
        return {"original_file": f"{stem}{EXTENSIONS.get(self.fmt, '.' + self.fmt)}",
                "original_sha256": hashlib.sha256(self.data).hexdigest(), "converter": self.derived.converter,
                "locations_sha256": hashlib.sha256(self.locations_bytes).hexdigest()}


def original_of(data: bytes, source: str) -> Original | None:
    """The converted document when ``data`` is a PDF, Word, Excel or HTML file (by content), or a text in
    traditional characters (read through its simplified form); None for a plain simplified text."""
    fmt = sniff(data, source)
    try:
        derived = convert(data, source)
    except HotlineError:
        if fmt == "text":   # undecodable text: the text reader says why, with its hints
            return None
        raise
    simplified = read_as_simplified(derived)
    if fmt == "text" and simplified is derived:   # a plain simplified text is read as it is
        return None
    return Original(fmt, data, simplified)


def locations_csv(derived: Derived) -> bytes:
    """The sidecar: ``line,cell,location`` (cell empty for the line itself), deterministic."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["line", "cell", "location"])
    for n, loc in enumerate(derived.locations, start=1):
        writer.writerow([n, "", loc.where])
        for i, where in enumerate(loc.cells):
            if where and where != loc.where:
                writer.writerow([n, i, where])
    return buf.getvalue().encode("utf-8")


def read_locations(data: bytes, source: str) -> dict[tuple[int, int | None], str]:
    """A sidecar's rows as ``{(line, cell or None): location}``."""
    out: dict[tuple[int, int | None], str] = {}
    rows = csv.DictReader(io.StringIO(data.decode("utf-8")))
    if rows.fieldnames != ["line", "cell", "location"]:
        raise HotlineError("not a locations file", file=source, found=",".join(rows.fieldnames or []),
                           expected="line,cell,location")
    for r in rows:
        out[(int(r["line"]), int(r["cell"]) if r["cell"] else None)] = r["location"]
    return out


def locations_of(original: Original) -> dict[tuple[int, int | None], str]:
    return read_locations(original.locations_bytes, original.derived.source or "derived")


def locate(facts: list[dict], lines: tuple[str, ...], locations: dict[tuple[int, int | None], str]) -> None:
    """Fill each fact's ``location`` from its line and the tab cell its quote starts in."""
    for f in facts:
        line = f["line"]
        where = None
        for cell in split_cells(lines[line - 1], line):
            if cell.start <= f["char_start"] < max(cell.end, cell.start + 1):
                where = locations.get((line, cell.index))
                break
        f["location"] = where or locations.get((line, None))


def sidecar_name(file: str) -> str:
    return f"{Path(file).stem}{LOCATIONS_SUFFIX}"


def verified_sidecar(raw_dir: Path, row: dict) -> dict[tuple[int, int | None], str] | None:
    """The locations of a converted document's manifest row (None for a text export), hash-checked."""
    if not row.get("original_file"):
        return None
    path = Path(raw_dir) / sidecar_name(row["file"])
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise HotlineError("the locations file of a converted document is missing", file=str(path),
                           hint="restore it, or remove the document and add its original again") from None
    if hashlib.sha256(data).hexdigest() != row.get("locations_sha256"):
        raise HotlineError("locations file differs from the manifest's sha256: raw files are never edited",
                           file=str(path), expected=row.get("locations_sha256"))
    original = Path(raw_dir) / row["original_file"]
    try:
        digest = hashlib.sha256(original.read_bytes()).hexdigest()
    except FileNotFoundError:
        raise HotlineError("the original of a converted document is missing", file=str(original),
                           hint="restore it byte for byte; it is the document's provenance") from None
    if digest != row.get("original_sha256"):
        raise HotlineError("original file differs from the manifest's sha256: raw files are never edited",
                           file=str(original), found=digest, expected=row.get("original_sha256"))
    return read_locations(data, str(path))
