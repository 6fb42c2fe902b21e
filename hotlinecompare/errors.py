"""Errors a user can act on: each names the file, the line, what was found and what was expected."""

from __future__ import annotations


class HotlineError(Exception):
    """A user-facing error (bad input, stale manifest); the CLI prints it without a traceback."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 found: str | None = None, expected: str | None = None, hint: str | None = None):
        self.file, self.line, self.found, self.expected, self.hint = file, line, found, expected, hint
        where = file or ""
        if line is not None:
            where += f":{line}"
        parts = [f"{where}: {message}" if where else message]
        if found is not None:
            parts.append(f"  found:    {found!r}")
        if expected is not None:
            parts.append(f"  expected: {expected}")
        if hint:
            parts.append(f"  what to do: {hint}")
        super().__init__("\n".join(parts))
