"""How ``data/`` changes without anyone seeing half of a change: locks, staging folders, swaps, a journal.

- :func:`locked` takes the project's lock files (``data/.raw.lock``, ``data/.clean.lock``): one build,
  ``add`` or ``remove`` at a time; a second one waits, saying why, and gives up with a clear error.
- A clean folder is built whole in a staging folder beside it and swapped in by two renames
  (:func:`publish_folder`): a reader sees the old folder or the new one, never a mix.
- The raw folder changes only in :func:`commit_raw`, which writes a journal first
  (``data/.raw-journal.json``); :func:`recover` finishes or undoes a commit a kill interrupted, so
  the raw folder and its manifest are always as before a change or as after it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from hotlinecompare.errors import HotlineError

# Seconds a build, add or remove waits for another one to finish (HOTLINECOMPARE_LOCK_TIMEOUT overrides).
LOCK_TIMEOUT = 600.0
_TMP = ".hc-tmp-"


def lock_path(folder: Path) -> Path:
    folder = Path(folder).resolve()
    return folder.parent / f".{folder.name}.lock"


@contextmanager
def locked(*folders: Path, notify: Callable[[str], None] | None = None,
           timeout: float | None = None) -> Iterator[None]:
    """Hold the lock of every folder (taken in a fixed order, so two holders never deadlock).

    Re-entrant within a thread. While another process holds a lock, ``notify`` is told once.
    """
    from filelock import FileLock, Timeout

    wait = timeout if timeout is not None else float(os.environ.get("HOTLINECOMPARE_LOCK_TIMEOUT", LOCK_TIMEOUT))
    held = []
    try:
        for path in sorted({lock_path(f) for f in folders}):
            path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(path, is_singleton=True)
            try:
                lock.acquire(timeout=0)
            except Timeout:
                if notify:
                    notify(f"waiting for {path}: another hotlinecompare build, add or remove is running "
                           f"(up to {wait:g} s)")
                try:
                    lock.acquire(timeout=wait)
                except Timeout:
                    raise HotlineError(f"another hotlinecompare build, add or remove still holds the lock after "
                                       f"{wait:g} s", file=str(path),
                                       hint="wait for it to finish and run the command again (the lock is "
                                            "released when that process ends, even if it is killed; set "
                                            "HOTLINECOMPARE_LOCK_TIMEOUT to wait longer)") from None
            held.append(lock)
        yield
    finally:
        for lock in reversed(held):
            lock.release()


# -- staging and swapping ------------------------------------------------------------
def staging_folder(target: Path, role: str = "staging") -> Path:
    """A new, empty folder beside ``target`` for this process (``.clean-staging-<pid>``)."""
    target = Path(target)
    path = target.parent / f".{target.name}-{role}-{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def publish_folder(staging: Path, target: Path) -> Path:
    """Swap the finished ``staging`` folder in as ``target``: two renames, the old folder removed after."""
    staging, target = Path(staging), Path(target)
    old = target.parent / f".{target.name}-old-{os.getpid()}"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.rename(target, old)
    os.rename(staging, target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def clear_leftovers(target: Path) -> None:
    """Remove what killed builds left beside ``target`` (call holding its lock); a folder killed
    between the two renames of :func:`publish_folder` is put back first."""
    target = Path(target)
    if not target.parent.exists():
        return
    olds = sorted(target.parent.glob(f".{target.name}-old-*"))
    if not target.exists() and olds:
        os.rename(olds.pop(), target)
    for path in olds + sorted(target.parent.glob(f".{target.name}-staging-*")):
        shutil.rmtree(path, ignore_errors=True)


def link_or_copy(source: Path, target: Path) -> None:
    """``target`` as a hard link to ``source`` (cheap for a large corpus), a copy where links fail."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


# -- the raw folder's journal ------------------------------------------------------------
def journal_path(raw_dir: Path) -> Path:
    raw = Path(raw_dir).resolve()
    return raw.parent / f".{raw.name}-journal.json"


def _sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def _write_bytes_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    tmp = path.parent / f"{_TMP}{path.name}"
    tmp.unlink(missing_ok=True)
    with open(tmp, "xb") as f:
        f.write(data)
    if mode is not None:
        os.chmod(tmp, mode)
    os.replace(tmp, path)


def commit_raw(raw_dir: Path, staged: Path, *, place: list[str], delete: list[str], files: tuple[str, ...]) -> None:
    """Make ``raw_dir`` what ``staged`` holds: new files ``place``d (read-only, never over a file),
    ``delete``d ones removed, and ``files`` (the manifest, the place registry) replaced.

    A journal written first says what changes; the manifest is replaced last but one step (the commit
    point), then deleted files go. :func:`recover` completes or undoes an interrupted commit.
    """
    raw, staged = Path(raw_dir), Path(staged)
    for name in place:
        if (raw / name).exists():
            raise HotlineError("a raw file of that name already exists (not in the manifest)", file=str(raw / name),
                               hint="raw files are never overwritten: remove the stray file or pass --suffix")
    before = {name: ((raw / name).read_bytes().decode("utf-8") if (raw / name).exists() else None) for name in files}
    after = {name: (staged / name).read_bytes().decode("utf-8") for name in files}
    journal = journal_path(raw)
    _write_bytes_atomically(journal, json.dumps({
        "manifest_before": _sha(raw / "manifest.csv"), "manifest_after": _sha(staged / "manifest.csv"),
        "place": place, "delete": delete, "before": before, "after": after}, ensure_ascii=False).encode())
    for name in place:
        tmp = raw / f"{_TMP}{name}"
        tmp.unlink(missing_ok=True)
        shutil.copyfile(staged / name, tmp)
        os.chmod(tmp, 0o444)   # like the seed files: raw documents are read-only
        os.link(tmp, raw / name)   # a link never replaces an existing file
        tmp.unlink()
    for name in sorted(files, key=lambda n: n == "manifest.csv"):   # the manifest last: the commit point
        if before[name] != after[name]:
            _write_bytes_atomically(raw / name, after[name].encode("utf-8"))
    _finish(raw, delete)
    journal.unlink()


def _finish(raw: Path, delete: list[str]) -> None:
    for name in delete:
        path = raw / name
        if path.exists():
            os.chmod(path, 0o644)
            path.unlink()


def recover(raw_dir: Path) -> str | None:
    """Complete or undo a raw commit that was interrupted (call holding the raw lock); what was done."""
    raw = Path(raw_dir)
    for tmp in raw.glob(f"{_TMP}*"):
        tmp.chmod(0o644)
        tmp.unlink()
    journal = journal_path(raw)
    if not journal.exists():
        return None
    try:
        entry = json.loads(journal.read_text(encoding="utf-8"))
    except ValueError:   # a journal cut short was never acted on: its write is atomic, so this is not ours
        journal.unlink()
        return None
    if _sha(raw / "manifest.csv") == entry["manifest_after"]:
        for name, text in entry["after"].items():
            if text is not None and _sha(raw / name) != hashlib.sha256(text.encode()).hexdigest():
                _write_bytes_atomically(raw / name, text.encode("utf-8"))
        _finish(raw, entry["delete"])
        done = "completed an interrupted change of the raw folder"
    else:
        _finish(raw, entry["place"])
        for name, text in entry["before"].items():
            if text is None:
                (raw / name).unlink(missing_ok=True)
            elif _sha(raw / name) != hashlib.sha256(text.encode()).hexdigest():
                _write_bytes_atomically(raw / name, text.encode("utf-8"))
        done = "undid an interrupted change of the raw folder"
    journal.unlink()
    return done
