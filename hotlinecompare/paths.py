"""Where the project's data lives: found from the package (editable install) or the working directory."""

from __future__ import annotations

import os
from pathlib import Path

from hotlinecompare.errors import HotlineError


def project_root() -> Path:
    """The folder holding ``data/raw/manifest.csv``: $HOTLINECOMPARE_ROOT, the package's parent, or a parent of the cwd."""
    env = os.environ.get("HOTLINECOMPARE_ROOT")
    candidates = [Path(env)] if env else []
    candidates += [Path(__file__).resolve().parent.parent, *Path.cwd().resolve().parents]
    candidates.insert(1 if env else 0, Path.cwd().resolve())
    for c in candidates:
        if (c / "data" / "raw" / "manifest.csv").exists():
            return c
    raise HotlineError("cannot find the project's data/raw/manifest.csv",
                       hint="run inside the hotlinecompare checkout or set HOTLINECOMPARE_ROOT")


def raw_dir() -> Path:
    return project_root() / "data" / "raw"


def clean_dir() -> Path:
    return project_root() / "data" / "clean"
