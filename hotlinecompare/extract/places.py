"""The place registry: every place the corpus knows, with its key, level, parent, id prefix and look.

The registry is the project's ``data/raw/places.csv``, beside the manifest, one row per place;
``hotlinecompare add`` appends the places it meets. A project without one reads the package's
seed (``data/places_seed.csv``), which is also what ``add`` starts the file from. A new place gets

- a key from the pinyin of its short name (綦江区 → ``qijiang``); a key already taken by another
  place gets the parent's key in front (two 朝阳区 → ``beijingchaoyang``), then the suffix's
  pinyin (``chaoyangqu``), then a letter (``chaoyangb``);
- an id prefix from the syllables' initials (``qj``), then the initials and the key's last letter
  (深圳 after 苏州 → ``szn``), then the key's first letters;
- the first look of ``data/place_palette.csv`` (colour, hatch, marker) that no place already has,
  so figures tell it apart without anyone choosing a colour.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pypinyin import Style, lazy_pinyin

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.place_names import short_name, split_suffix

REGISTRY = "places.csv"
SEED = "places_seed.csv"
COLUMNS = ("key", "name_zh", "full_name_zh", "admin_level", "parent_key", "id_prefix", "name_en", "pinyin",
           "colour_hex", "hatch", "marker")


@dataclass(frozen=True)
class City:
    """A place of the registry (or, with ``new``, one a document names that the registry lacks)."""

    key: str
    name_zh: str
    admin_level: str
    parent: str          # the parent's short Chinese name (南京), as the manifest's parent_city_zh
    id_prefix: str
    full_name_zh: str = ""
    parent_key: str = ""
    parent_full_zh: str = ""
    name_en: str = ""
    pinyin: str = ""
    colour_hex: str = ""
    hatch: str = ""
    marker: str = ""
    new: bool = False

    def row(self) -> dict[str, str]:
        return {c: getattr(self, c) for c in COLUMNS}


# -- reading and writing ------------------------------------------------------------
def registry_path(raw_dir: Path | str | None = None) -> Path | None:
    """``raw_dir/places.csv``, or the project's ``data/raw/places.csv``; None outside a project."""
    if raw_dir is None:
        from hotlinecompare.paths import raw_dir as project_raw_dir
        try:
            raw_dir = project_raw_dir()
        except HotlineError:
            return None
    return Path(raw_dir) / REGISTRY


def load_registry(raw_dir: Path | str | None = None) -> tuple[City, ...]:
    """The project's registry if it has one, else the package's seed."""
    path = registry_path(raw_dir)
    if path is not None and path.exists():
        return _read_file(str(path), path.stat().st_mtime_ns)
    return seed_registry()


def seed_registry() -> tuple[City, ...]:
    text = resources.files("hotlinecompare").joinpath(f"data/{SEED}").read_text(encoding="utf-8")
    return parse_registry(text, f"hotlinecompare/data/{SEED}")


@lru_cache(maxsize=8)
def _read_file(path: str, mtime_ns: int) -> tuple[City, ...]:   # mtime: a file `add` rewrote is read again
    return parse_registry(Path(path).read_text(encoding="utf-8"), path)


def parse_registry(text: str, source: str) -> tuple[City, ...]:
    """Registry rows as cities; an error names the file and line of a bad or duplicate row."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise HotlineError("unexpected columns in the place registry", file=source, line=1,
                           found=",".join(reader.fieldnames or []), expected=",".join(COLUMNS))
    rows = list(reader)
    names = {r["key"]: r["name_zh"] for r in rows}
    fulls = {r["key"]: r["full_name_zh"] for r in rows}
    seen: dict[str, set[str]] = {"key": set(), "id_prefix": set()}
    out = []
    for line, r in enumerate(rows, start=2):
        for column in ("key", "id_prefix"):
            if not r[column] or r[column] in seen[column]:
                raise HotlineError(f"empty or duplicate {column} {r[column]!r}", file=source, line=line)
            seen[column].add(r[column])
        if r["parent_key"] and r["parent_key"] not in names:
            raise HotlineError("parent_key is not a key of the registry", file=source, line=line,
                               found=r["parent_key"], hint="add the parent's row, or leave parent_key empty")
        out.append(City(parent=names.get(r["parent_key"], ""), parent_full_zh=fulls.get(r["parent_key"], ""),
                        **{c: r[c] for c in COLUMNS}))
    return tuple(out)


def registry_text(cities: tuple[City, ...] | list[City]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(c.row() for c in cities)
    return buf.getvalue()


def record_places(raw_dir: Path | str, cities: list[City]) -> tuple[City, ...]:
    """Append new places to ``raw_dir/places.csv`` (started from the seed), atomically; the new registry."""
    path = Path(raw_dir) / REGISTRY
    registry = list(load_registry(raw_dir))
    known = {c.key for c in registry}
    added = [replace(c, new=False) for c in cities if c.key not in known]
    if not added and path.exists():
        return tuple(registry)
    text = registry_text(registry + added)
    parse_registry(text, str(path))   # never write a registry that would not read back
    fd, tmp = tempfile.mkstemp(prefix=".places-", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return load_registry(raw_dir)


# -- lookups ------------------------------------------------------------------------
def find_city(name: str, registry: tuple[City, ...]) -> City | None:
    """A registry place by key (``suzhou``), short name (``苏州``) or full name (``苏州市``)."""
    name = name.strip()
    for city in registry:
        if name in (city.key, city.name_zh, city.full_name_zh):
            return city
    return None


# -- a new place ---------------------------------------------------------------------
def new_city(full_name: str, level: str, registry: tuple[City, ...], parent: City | None = None,
             parent_full_zh: str = "", styled: bool = True) -> City:
    """A place the registry lacks, with a free key and id prefix and (``styled``) the first unused look."""
    short = short_name(full_name)
    # Read the whole name so a polyphone takes its place-name reading (朝阳区 chao-, not zhao-).
    syllables = [s for s in _syllables(full_name, short) if s.isascii() and s.isalpha()] or ["place"]
    stem_key = "".join(syllables).lower()
    taken_keys = {c.key for c in registry}
    suffix_key = "".join(lazy_pinyin(split_suffix(full_name)[1])).lower()
    candidates = [stem_key] + ([parent.key + stem_key] if parent else []) + [stem_key + suffix_key]
    key = next((k for k in candidates if k not in taken_keys), None) or next(
        stem_key + letter for letter in "bcdefghijklmnopqrstuvwxyz" if stem_key + letter not in taken_keys)
    taken_prefixes = {c.id_prefix for c in registry}
    initials = "".join(s[0] for s in syllables)
    prefixes = [initials, initials + key[-1]] + [key[:n] for n in range(2, len(key) + 1)]
    id_prefix = next((p for p in prefixes if p not in taken_prefixes), key)
    tones = "".join(_syllables(full_name, short, Style.TONE))
    colour, hatch, marker = next_look(registry) if styled else ("", "", "")
    return City(key=key, name_zh=short, admin_level=level, parent=parent.name_zh if parent else "",
                id_prefix=id_prefix, full_name_zh=full_name, parent_key=parent.key if parent else "",
                parent_full_zh=parent.full_name_zh if parent else parent_full_zh,
                name_en=key.capitalize() if key == stem_key else stem_key.capitalize(),
                pinyin=tones[:1].upper() + tones[1:], colour_hex=colour, hatch=hatch, marker=marker, new=True)


def _syllables(full_name: str, short: str, style: Style = Style.NORMAL) -> list[str]:
    """Pinyin syllables of the short name, read inside the full name when it begins with it."""
    if full_name.startswith(short) and len(lazy_pinyin(full_name)) == len(full_name):
        return lazy_pinyin(full_name, style=style)[: len(short)]
    return lazy_pinyin(short, style=style)


def palette() -> list[tuple[str, str, str]]:
    """``data/place_palette.csv``: the looks new places take, in order."""
    with resources.files("hotlinecompare").joinpath("data/place_palette.csv").open(encoding="utf-8") as f:
        return [(r["colour_hex"], r["hatch"], r["marker"]) for r in csv.DictReader(f)]


def next_look(registry: tuple[City, ...]) -> tuple[str, str, str]:
    """The first palette look whose hatch and marker no place has; past the palette's end, it cycles."""
    used_hatches = {c.hatch for c in registry if c.colour_hex}
    used_markers = {c.marker for c in registry if c.colour_hex}
    looks = palette()
    free = [look for look in looks if look[1] not in used_hatches and look[2] not in used_markers]
    return free[0] if free else looks[sum(1 for c in registry if c.colour_hex) % len(looks)]
