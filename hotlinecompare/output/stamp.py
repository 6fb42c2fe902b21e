"""The build stamp: what a clean folder was built from and what it holds, and the check that it still is.

``build_stamp.json`` is written last and records the sha256 of the manifest bytes the build read,
the sha256 and size of every raw file it read, a hash of the package that built it, and the sha256
and size of every output it wrote. It holds no time, so a rebuild writes it byte for byte again.

:func:`freshness` compares a clean folder with its raw folder: a changed manifest, raw file or package
makes it stale (rebuild); a missing or unreadable output too; an output that reads but differs from
what the build wrote was edited by hand, and is an error naming it. Checking is cheap: a file whose
size and modification time match what was last verified (the local ``.verified.json``, never
committed) is not hashed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from hotlinecompare.errors import HotlineError

STAMP = "build_stamp.json"
VERIFIED = ".verified.json"   # size, mtime and sha256 of files already hashed: a cache, rebuilt at will
_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def output_files(out_dir: Path) -> list[Path]:
    """Every file a build wrote under ``out_dir`` (recursively), sorted; the stamp and hidden files excluded."""
    out = Path(out_dir)
    return sorted((p for p in out.rglob("*") if p.is_file() and p.name != STAMP
                   and not any(part.startswith(".") for part in p.relative_to(out).parts)),
                  key=lambda p: p.relative_to(out).as_posix())


def stamp_record(out_dir: Path, *, manifest_sha256: str, raw_files: dict, package_sha256: str,
                 tables: list[str]) -> dict:
    out = Path(out_dir)
    outputs = {p.relative_to(out).as_posix(): {"sha256": file_sha256(p), "bytes": p.stat().st_size}
               for p in output_files(out)}
    return {"manifest_sha256": manifest_sha256, "package_sha256": package_sha256, "tables": list(tables),
            "raw_files": {k: raw_files[k] for k in sorted(raw_files)}, "outputs": outputs}


def write_json_atomically(path: Path, value: dict) -> Path:
    """``value`` as JSON at ``path``, through a temporary file and a rename: a reader sees all of it or none."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
        os.chmod(tmp, 0o644)   # mkstemp makes it private; it is an ordinary output
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_stamp(clean_dir: Path) -> dict | None:
    """The stamp, or None when it is missing, unreadable or from a version that recorded less."""
    try:
        stamp = json.loads((Path(clean_dir) / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    keys = ("manifest_sha256", "package_sha256", "tables", "raw_files", "outputs")
    return stamp if isinstance(stamp, dict) and all(k in stamp for k in keys) else None


# -- checking ------------------------------------------------------------------------
@dataclass(frozen=True)
class Freshness:
    fresh: bool
    reason: str = ""


def damaged(path: Path) -> bool:
    """True when an output cannot be read as what its name says (cut short, emptied, not its format)."""
    try:
        data = path.read_bytes()
        if not data:
            return True
        if path.suffix == ".parquet":
            import polars as pl

            pl.read_parquet(path)
        elif path.suffix == ".csv":
            import polars as pl

            if not data.endswith(b"\n"):   # every CSV the build writes ends its last row
                return True
            pl.read_csv(path, infer_schema=False)
        elif path.suffix == ".json":
            json.loads(data)
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                return z.testzip() is not None
    except Exception:
        return True
    return False


class _Verifier:
    """Hash-or-trust for one check: trusts a file whose size and mtime match the last verification."""

    def __init__(self, clean_dir: Path):
        self.cache_path = Path(clean_dir) / VERIFIED
        try:
            self.cache = json.loads(self.cache_path.read_text(encoding="utf-8"))
            assert isinstance(self.cache, dict)
        except (OSError, ValueError, AssertionError):
            self.cache = {}
        self.changed = False

    def matches(self, path: Path, record: dict) -> bool | None:
        """True if ``path`` holds the recorded bytes, False if not, None if it is missing."""
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        if st.st_size != record["bytes"]:
            return False
        key = str(path.resolve())
        if self.cache.get(key) == [st.st_size, st.st_mtime_ns, record["sha256"]]:
            return True
        if file_sha256(path) != record["sha256"]:
            return False
        self.cache[key], self.changed = [st.st_size, st.st_mtime_ns, record["sha256"]], True
        return True

    def save(self) -> None:
        if self.changed:
            with contextlib.suppress(OSError):   # a read-only clean folder is checked again next time
                write_json_atomically(self.cache_path, self.cache)


def freshness(clean_dir: Path, raw_dir: Path, package_sha256: str) -> Freshness:
    """Is ``clean_dir`` what a build of ``raw_dir`` by this package (``package_sha256``) would write?

    Stale (rebuild) when the stamp is missing, the package, manifest or a raw file changed, or an
    output is missing or unreadable. An output that reads but differs from the stamp raises a
    HotlineError naming it: it was edited by hand, and a rebuild would silently throw the edit away.
    """
    from hotlinecompare.extract.raw import read_manifest_bytes

    clean, raw = Path(clean_dir), Path(raw_dir)
    stamp = read_stamp(clean)
    if stamp is None:
        return Freshness(False, f"{clean / STAMP} is missing, unreadable or from an older version")
    if stamp["package_sha256"] != package_sha256:
        return Freshness(False, "the package's parsers or knowledge files changed since the build")
    if hashlib.sha256(read_manifest_bytes(raw)).hexdigest() != stamp["manifest_sha256"]:
        return Freshness(False, f"{raw / 'manifest.csv'} changed since the build")
    verifier = _Verifier(clean)
    try:
        for name, record in stamp["raw_files"].items():
            if not verifier.matches(raw / name, record):
                return Freshness(False, f"raw file {raw / name} changed or is missing since the build")
        for name, record in stamp["outputs"].items():
            path = clean / name
            same = verifier.matches(path, record)
            if same is None:
                return Freshness(False, f"output {path} is missing")
            if same:
                continue
            if damaged(path):
                return Freshness(False, f"output {path} is damaged (it cannot be read)")
            raise HotlineError("this output was changed after the build: clean files are written by "
                               "`hotlinecompare build`, never edited", file=str(path),
                               found=f"sha256 {file_sha256(path)[:16]}…",
                               expected=f"sha256 {record['sha256'][:16]}… (recorded in {STAMP})",
                               hint="to keep the edit, copy the file elsewhere; `hotlinecompare build` "
                                    "restores it. Values change through data/raw or the knowledge files, "
                                    "then a rebuild")
    finally:
        verifier.save()
    return Freshness(True)
