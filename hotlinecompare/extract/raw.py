"""The raw corpus: the manifest, hash verification and loading documents."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.document import Document, decode, split_lines

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = (
    "doc_id", "file", "sha256", "city", "city_zh", "admin_level", "parent_city_zh", "issuer",
    "doc_kind", "parser", "fiscal_year", "fiscal_years", "basis", "source_seed", "notes",
)


def read_manifest(raw_dir: Path) -> list[dict]:
    """Rows of ``raw_dir/manifest.csv`` in file order; a clear error if it is missing or malformed."""
    path = Path(raw_dir) / MANIFEST
    if not path.exists():
        raise HotlineError("no raw manifest", file=str(path),
                           expected="data/raw/manifest.csv listing every raw document",
                           hint="run from the project root, or pass --raw DIR")
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in MANIFEST_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise HotlineError("manifest is missing columns", file=str(path), line=1,
                               found=",".join(reader.fieldnames or []),
                               expected=", ".join(MANIFEST_COLUMNS))
        return list(reader)


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def verify(raw_dir: Path, row: dict, line: int) -> Path:
    """The raw file's path, after checking it exists and its hash matches the manifest."""
    path = Path(raw_dir) / row["file"]
    if not path.exists():
        raise HotlineError("raw file listed in the manifest is missing",
                           file=f"{Path(raw_dir) / MANIFEST}", line=line, found=row["file"],
                           hint="restore it from the source documents (shared/seeds) byte-for-byte")
    digest = sha256(path)
    if digest != row["sha256"]:
        raise HotlineError("raw file differs from the manifest's sha256: raw files are never edited",
                           file=str(path), found=digest, expected=row["sha256"],
                           hint="restore the original bytes (git checkout -- data/raw/) or, for a new "
                                "version of a document, add it with `hotlinecompare add`")
    return path


def load_document(raw_dir: Path, row: dict, line: int = 0) -> Document:
    """Verify and read one manifest row into a :class:`Document`."""
    path = verify(raw_dir, row, line)
    text = decode(path.read_bytes(), f"data/raw/{row['file']}")
    year = row.get("fiscal_year") or ""
    return Document(
        doc_id=row["doc_id"], source_file=f"data/raw/{row['file']}", city=row["city"],
        city_zh=row["city_zh"], fiscal_year=int(year) if year else None, kind=row["parser"],
        lines=split_lines(text), meta=dict(row),
    )


def load_corpus(raw_dir: Path) -> list[Document]:
    """Every document of the manifest, verified, in manifest order."""
    return [load_document(raw_dir, row, i) for i, row in enumerate(read_manifest(raw_dir), start=2)]
