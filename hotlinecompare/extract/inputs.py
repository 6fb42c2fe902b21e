"""Guards on a file a user hands to ``check`` or ``add``: a regular file, of a sane size, with sane lines.

A FIFO would hang a reader, a device (``/dev/zero``) never ends, a folder is not a document; a
symlink is followed and reported, but not out of the folder the user named; a file over the size
cap (50 MB by default, ``--max-size`` raises it) or with a line longer than :data:`MAX_LINE_CHARS`
is refused before any parser sees it, in time linear in its size.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from hotlinecompare.errors import HotlineError

MAX_BYTES = 50_000_000
# Twenty times the longest line of the seed documents (a table row or a prose paragraph).
MAX_LINE_CHARS = 20_000
_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"), (stat.S_ISSOCK, "a socket"))


@dataclass(frozen=True)
class Input:
    data: bytes
    path: Path              # as the user named it
    link_target: Path | None = None   # where a symlink led

    @property
    def note(self) -> str:
        return f"{self.path} is a symlink to {self.link_target}" if self.link_target else ""


def _not_a_file(mode: int, source: str) -> None:
    if stat.S_ISREG(mode):
        return
    what = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise HotlineError(f"this is {what}, not a document file", file=source,
                       expected="a regular file: a plain-text export of a budget document")


def read_input(path: Path | str, *, max_bytes: int = MAX_BYTES) -> Input:
    """The bytes of a regular file, at most ``max_bytes``; a clear refusal for anything else."""
    given = Path(path)
    source = str(given)
    try:
        mode = os.lstat(given).st_mode
    except OSError as e:
        raise HotlineError(f"cannot read the file ({e.strerror})", file=source) from None
    target, link = given, None
    if stat.S_ISLNK(mode):
        try:
            link = given.resolve(strict=True)
        except (OSError, RuntimeError):
            raise HotlineError("the symlink leads nowhere (a missing file or a loop)", file=source) from None
        folder = given.absolute().parent.resolve()
        if not link.is_relative_to(folder):
            raise HotlineError(f"the file is a symlink to {link}, outside the folder it was named in ({folder})",
                               file=source, hint="copy the document itself into that folder, or name its real path")
        target = link
    try:
        _not_a_file(os.stat(target).st_mode, source)   # before opening: opening a FIFO or device can block
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as e:
        raise HotlineError(f"cannot read the file ({e.strerror})", file=source) from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        _not_a_file(st.st_mode, source)   # it may have been swapped since the check above
        if st.st_size > max_bytes:
            raise _too_big(st.st_size, max_bytes, source)
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:   # grew while being read
        raise _too_big(len(data), max_bytes, source)
    return Input(data, given, link)


def _too_big(size: int, limit: int, source: str) -> HotlineError:
    return HotlineError(f"the file is {size / 1e6:.1f} MB, more than the {limit / 1e6:g} MB limit", file=source,
                        expected="a text export of a budget document (the seeds are 5–55 kB)",
                        hint="if it really is one document, pass --max-size MB to raise the limit")


def check_line_lengths(text: str, source: str, limit: int = MAX_LINE_CHARS) -> None:
    """Refuse a line longer than ``limit`` characters (a file without line breaks, or binary junk)."""
    lengths = list(map(len, text.split("\n")))   # one pass in C: linear in the file's size
    longest = max(lengths, default=0)
    if longest <= limit:
        return
    line = lengths.index(longest) + 1
    raise HotlineError(f"line {line} is {longest:,} characters long, more than the {limit:,} a document line "
                       "should hold", file=source, line=line, found=text[sum(lengths[:line - 1]) + line - 1:][:40],
                       expected="one table row or paragraph per line",
                       hint="export the document again with its line breaks (one table row per line)")
