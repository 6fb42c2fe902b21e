"""The raw corpus: the manifest, hash verification and loading documents.

:func:`read_corpus` reads the manifest once and every document once, and keeps what it read
(:class:`Corpus`: the manifest's bytes and each raw file's sha256 and size), so a build can
stamp exactly the inputs it was made from.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.document import Document, decode, split_lines
from hotlinecompare.extract.originals import ORIGINAL_COLUMNS, sidecar_name, verified_sidecar

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = (
    "doc_id", "file", "sha256", "city", "city_zh", "admin_level", "parent_city_zh", "issuer",
    "doc_kind", "parser", "fiscal_year", "fiscal_years", "basis", "source_seed", "notes",
)
# Columns of a document converted from a PDF, Word, Excel or web page (extract/originals.py); a manifest
# without them is read as one whose documents are all text exports.
OPTIONAL_COLUMNS = ORIGINAL_COLUMNS
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Corpus:
    """What a build read: the manifest's bytes and rows, and every document with its file's sha256 and size."""

    manifest: bytes
    rows: tuple[dict, ...]
    documents: tuple[Document, ...]
    files: dict   # file name → {"sha256": …, "bytes": …}

    @property
    def manifest_sha256(self) -> str:
        return hashlib.sha256(self.manifest).hexdigest()


def read_manifest_bytes(raw_dir: Path) -> bytes:
    path = Path(raw_dir) / MANIFEST
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise HotlineError("no raw manifest", file=str(path),
                           expected="data/raw/manifest.csv listing every raw document",
                           hint="run from the project root, or pass --raw DIR") from None


def parse_manifest(data: bytes, source: str) -> list[dict]:
    """Manifest rows from its bytes; a cut or malformed row is the manifest's fault, and says so."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise HotlineError("the manifest is not UTF-8 text", file=source, line=data.count(b"\n", 0, e.start) + 1,
                           hint="restore it (git checkout -- data/raw/manifest.csv)") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in MANIFEST_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise HotlineError("manifest is missing columns", file=source, line=1,
                           found=",".join(reader.fieldnames or []), expected=", ".join(MANIFEST_COLUMNS))
    rows = []
    try:
        for row in reader:
            line = reader.line_num
            if None in row or any(v is None for v in row.values()):
                raise HotlineError("the manifest row is cut short or has extra cells: the manifest is damaged, "
                                   "not the raw file", file=source, line=line,
                                   found=",".join(v for k, v in row.items() if k is not None and v is not None)[:120],
                                   expected=f"{len(MANIFEST_COLUMNS)} cells: " + ", ".join(MANIFEST_COLUMNS),
                                   hint="restore the manifest (git checkout -- data/raw/manifest.csv)")
            if not _SHA256.fullmatch(row["sha256"]):
                raise HotlineError("the manifest's sha256 cell is not 64 hex digits: the manifest is damaged, "
                                   "not the raw file", file=source, line=line, found=row["sha256"],
                                   hint="restore the manifest (git checkout -- data/raw/manifest.csv)")
            for c in OPTIONAL_COLUMNS:
                row.setdefault(c, "")
            rows.append(row)
    except csv.Error as e:
        raise HotlineError(f"the manifest is not valid CSV ({e})", file=source, line=reader.line_num,
                           hint="restore the manifest (git checkout -- data/raw/manifest.csv)") from None
    return rows


def read_manifest(raw_dir: Path) -> list[dict]:
    """Rows of ``raw_dir/manifest.csv`` in file order; a clear error if it is missing or malformed."""
    return parse_manifest(read_manifest_bytes(raw_dir), str(Path(raw_dir) / MANIFEST))


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def verified_bytes(raw_dir: Path, row: dict, line: int) -> bytes:
    """The raw file's bytes, read once, after checking that their hash matches the manifest."""
    path = Path(raw_dir) / row["file"]
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise HotlineError("raw file listed in the manifest is missing",
                           file=f"{Path(raw_dir) / MANIFEST}", line=line, found=row["file"],
                           hint="restore it from the source documents (shared/seeds) byte-for-byte") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != row["sha256"]:
        raise HotlineError("raw file differs from the manifest's sha256: raw files are never edited",
                           file=str(path), found=digest, expected=row["sha256"],
                           hint="restore the original bytes (git checkout -- data/raw/) or, for a new "
                                "version of a document, add it with `hotlinecompare add`")
    return data


def verify(raw_dir: Path, row: dict, line: int) -> Path:
    """The raw file's path, after checking it exists and its hash matches the manifest."""
    verified_bytes(raw_dir, row, line)
    return Path(raw_dir) / row["file"]


def document(row: dict, data: bytes) -> Document:
    """One manifest row and its (verified) bytes as a :class:`Document`."""
    text = decode(data, f"data/raw/{row['file']}")
    year = row.get("fiscal_year") or ""
    return Document(
        doc_id=row["doc_id"], source_file=f"data/raw/{row['file']}", city=row["city"],
        city_zh=row["city_zh"], fiscal_year=int(year) if year else None, kind=row["parser"],
        lines=split_lines(text), meta=dict(row),
    )


def load_document(raw_dir: Path, row: dict, line: int = 0) -> Document:
    """Verify and read one manifest row into a :class:`Document`."""
    return with_locations(document(row, verified_bytes(raw_dir, row, line)), raw_dir, row)


def read_corpus(raw_dir: Path) -> Corpus:
    """The manifest and every document it lists, each read once and verified, in manifest order."""
    data = read_manifest_bytes(raw_dir)
    rows = parse_manifest(data, str(Path(raw_dir) / MANIFEST))
    docs, files = [], {}
    for line, row in enumerate(rows, start=2):
        raw = verified_bytes(raw_dir, row, line)
        docs.append(with_locations(document(row, raw), raw_dir, row))
        files[row["file"]] = {"sha256": row["sha256"], "bytes": len(raw)}
        if row["original_file"]:   # the original and the locations sidecar are raw files too
            for name, digest in ((row["original_file"], row["original_sha256"]),
                                 (sidecar_name(row["file"]), row["locations_sha256"])):
                files[name] = {"sha256": digest, "bytes": (Path(raw_dir) / name).stat().st_size}
    return Corpus(data, tuple(rows), tuple(docs), files)


def with_locations(doc: Document, raw_dir: Path, row: dict) -> Document:
    """A converted document gets the locations of its lines and cells in the original (hash-checked)."""
    locations = verified_sidecar(raw_dir, row)
    if locations:
        doc.meta["locations"] = locations
    return doc


def load_corpus(raw_dir: Path) -> list[Document]:
    """Every document of the manifest, verified, in manifest order."""
    return list(read_corpus(raw_dir).documents)
