"""Add a new document to the raw corpus: check it, copy it byte-for-byte, record it in the manifest.

:func:`plan_addition` is pure (the check result, the current manifest and the
options in; the new file name and manifest row out, or a HotlineError saying
why not). :func:`prepare_addition` reads the file (through the input guards), checks it, refuses a
document that yields no fact or too many unrecognised numbers unless forced, and plans it;
:func:`write_addition` writes the copy (read-only, never over an existing file), records a new place
in ``places.csv`` and appends the row — into a staged copy of the raw folder, which
:func:`hotlinecompare.pipeline.add` builds and commits only when the build succeeds.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.inputs import MAX_BYTES, read_input
from hotlinecompare.extract.originals import ORIGINAL_COLUMNS
from hotlinecompare.extract.place import UNDATED, doc_id_for
from hotlinecompare.extract.places import load_registry, record_places
from hotlinecompare.extract.raw import MANIFEST, MANIFEST_COLUMNS, read_manifest
from hotlinecompare.extract.trial import CheckResult, check_bytes

BASES = ("budget", "actual", "mixed")
# What a document of each kind states, when --basis does not say (as in the seed manifest).
DEFAULT_BASIS = {"self_evaluation": "actual", "budget_disclosure": "mixed"}
_SUFFIX = re.compile(r"[a-z0-9]{1,12}")
# Above this share of unrecognised numeric tokens `add` refuses a document unless --force is given.
MAX_UNRECOGNISED_SHARE = 0.05


@dataclass(frozen=True)
class Addition:
    """A document accepted into the corpus: its new file name, its manifest row and its check."""

    file: str
    row: dict
    result: CheckResult
    data: bytes = b""
    note: str = ""   # e.g. the file was a symlink, and to where
    extra: tuple[tuple[str, bytes], ...] = ()   # a converted document's original and locations sidecar

    @property
    def files(self) -> list[str]:
        """Every file the addition puts into data/raw: the text, and for a converted document its
        original and locations sidecar."""
        return [self.file, *(name for name, _ in self.extra)]


def plan_addition(result: CheckResult, data: bytes, manifest: list[dict], *, original_name: str,
                  basis: str | None = None, suffix: str = "", issuer: str = "",
                  notes: str = "") -> Addition:
    """The file name and manifest row for a checked document; refuse duplicates and collisions."""
    if suffix and not _SUFFIX.fullmatch(suffix):
        raise HotlineError(f"--suffix {suffix!r} is not a short tag", expected="1–12 lowercase letters or digits")
    kind, city, year = result.detection.kind, result.place.city, result.place.fiscal_year
    basis = basis or DEFAULT_BASIS.get(kind, "budget")
    if basis not in BASES:
        raise HotlineError(f"--basis {basis!r} is not a manifest basis", expected=" or ".join(BASES))
    stem = f"{city.key}_{year if year is not None else UNDATED}_{kind}" + (f"_{suffix}" if suffix else "")
    name, original, extra = f"{stem}.txt", result.original, ()
    if original is not None:   # keep the original byte for byte, the derived text and where each line came from
        files = original.files(stem)
        data = files.pop(name)
        extra = tuple(files.items())
    digest = hashlib.sha256(data).hexdigest()
    source_digest = hashlib.sha256(original.data).hexdigest() if original is not None else digest
    doc_id = doc_id_for(city, year, kind, suffix)
    for i, existing in enumerate(manifest, start=2):
        if existing["sha256"] == digest or existing.get("original_sha256") == source_digest:
            raise HotlineError(f"this document is already in the corpus as {existing['doc_id']} "
                               f"({existing['file']})", file=original_name, line=None,
                               hint=f"nothing to add (manifest.csv line {i} has the same sha256)")
        if existing["doc_id"] == doc_id or existing["file"] == name:
            raise HotlineError(f"the corpus already has a document {existing['doc_id']} ({existing['file']}) "
                               f"for {city.key} {year if year is not None else UNDATED} {kind}",
                               file=original_name,
                               hint="if this is another document of the same city, year and kind, "
                                    "pass --suffix TAG (e.g. --suffix b) to name it apart")
    row = {
        "doc_id": doc_id, "file": name, "sha256": digest, "city": city.key, "city_zh": city.name_zh,
        "admin_level": city.admin_level, "parent_city_zh": city.parent, "issuer": issuer,
        "doc_kind": result.title, "parser": kind,
        "fiscal_year": "" if year is None else str(year), "fiscal_years": "" if year is None else str(year),
        "basis": basis, "source_seed": Path(original_name).name, "notes": notes,
        **(original.manifest_cells(stem) if original is not None else dict.fromkeys(ORIGINAL_COLUMNS, "")),
    }
    return Addition(name, row, result, data, extra=extra)


def refuse_junk(result: CheckResult, source: str) -> None:
    """Refuse a document that yields no fact or leaves too many numbers unrecognised (``--force`` skips this)."""
    acct = result.build.accounting.row(0, named=True)
    hint = "run `hotlinecompare check FILE` to see why; pass --force to add it anyway"
    if result.facts.height == 0:
        raise HotlineError(f"the document yields no fact as a {result.detection.kind} (of its {acct['tokens']} "
                           "numeric tokens none is in a fact)", file=source, hint=hint)
    share = acct["unrecognised"] / acct["tokens"] if acct["tokens"] else 0.0
    if share > MAX_UNRECOGNISED_SHARE:
        raise HotlineError(f"{acct['unrecognised']} of its {acct['tokens']} numeric tokens ({share:.0%}) are "
                           f"unrecognised, more than the {MAX_UNRECOGNISED_SHARE:.0%} `add` accepts",
                           file=source, hint=hint)


def manifest_line(row: dict, columns: tuple[str, ...] = MANIFEST_COLUMNS) -> str:
    """One manifest row as CSV text, quoted as the manifest is (minimal quoting, LF line end)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([row.get(c, "") for c in columns])
    return buf.getvalue()


def manifest_with(existing: bytes, row: dict) -> bytes:
    """The manifest's bytes with ``row`` appended. A converted document's row needs the original's columns:
    a manifest without them gets them, empty for every earlier (text) document."""
    text = existing.decode("utf-8")
    header = next(csv.reader(io.StringIO(text)), list(MANIFEST_COLUMNS))
    converted = any(row.get(c) for c in ORIGINAL_COLUMNS)
    if converted and not set(ORIGINAL_COLUMNS) <= set(header):
        columns = (*header, *(c for c in ORIGINAL_COLUMNS if c not in header))
        rows = list(csv.DictReader(io.StringIO(text)))
        text = manifest_line(dict(zip(columns, columns)), columns) + "".join(manifest_line(r, columns) for r in rows)
        header = list(columns)
    if text and not text.endswith("\n"):
        text += "\n"
    return (text + manifest_line(row, tuple(header))).encode("utf-8")


def prepare_addition(path: Path | str, raw_dir: Path | str, *, city: str | None = None,
                     year: int | str | None = None, kind: str | None = None, basis: str | None = None,
                     suffix: str = "", issuer: str = "", notes: str = "", force: bool = False,
                     max_bytes: int = MAX_BYTES) -> Addition:
    """Read ``path`` through the input guards, check it and plan its addition to ``raw_dir`` (nothing written)."""
    path, raw_dir = Path(path), Path(raw_dir)
    given = read_input(path, max_bytes=max_bytes)
    data = given.data
    result = check_bytes(data, str(path), city=city, year=year, kind=kind, places=load_registry(raw_dir))
    if not force:
        refuse_junk(result, str(path))
    addition = plan_addition(result, data, read_manifest(raw_dir), original_name=str(path), basis=basis,
                             suffix=suffix, issuer=issuer, notes=notes)
    return Addition(addition.file, addition.row, result, addition.data, given.note, addition.extra)


def write_addition(addition: Addition, raw_dir: Path | str) -> Path:
    """Copy the document into ``raw_dir`` (never over a file), record a new place, append its manifest row."""
    raw_dir = Path(raw_dir)
    result = addition.result
    target = raw_dir / addition.file
    for name, data in ((addition.file, addition.data), *addition.extra):
        path = raw_dir / name
        try:
            with path.open("xb") as f:   # x: never overwrite a raw file
                f.write(data)
        except FileExistsError:
            raise HotlineError("a raw file of that name already exists (not in the manifest)", file=str(path),
                               hint="raw files are never overwritten: remove the stray file or pass --suffix") from None
        os.chmod(path, 0o444)   # like the seed files: raw documents are read-only
    if result.place.new_places:   # before the manifest row, so no row names a place the registry lacks
        record_places(raw_dir, list(result.place.new_places))
    manifest = raw_dir / MANIFEST
    manifest.write_bytes(manifest_with(manifest.read_bytes(), addition.row))
    return target


def add_document(path: Path | str, raw_dir: Path | str, **options) -> Addition:
    """:func:`prepare_addition` and :func:`write_addition` straight into ``raw_dir``, without a build.

    ``hotlinecompare add`` uses :func:`hotlinecompare.pipeline.add` instead, which commits only a
    document whose build succeeds.
    """
    addition = prepare_addition(path, raw_dir, **options)
    write_addition(addition, raw_dir)
    return addition
