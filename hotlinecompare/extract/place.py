"""Where and when a document is from: its city and fiscal year, from options or from its title.

City names are knowledge (``data/city_names.csv``); a document id (``sz2024pt``) is made
from the city's prefix, the year and the kind. Problems raise
:class:`~hotlinecompare.errors.HotlineError` saying which option to pass.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.numbers import normalise

# The title's city and year are looked for in this many first non-empty lines, up to the first table row.
HEAD_LINES = 8
# --year value (and file-name part) of a document that states no fiscal year.
UNDATED = "undated"
# Two-letter codes of doc_id (sz2024pt); a kind not listed uses its words' initials.
KIND_CODES = {"project_targets": "pt", "wide_project_targets": "pt", "self_evaluation": "se",
              "budget_disclosure": "bd"}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")
_PLACE_WORD = re.compile(r"([\u4e00-\u9fff]{2,4}?)(?:市|区|县)")


# -- knowledge: city names ---------------------------------------------------
@dataclass(frozen=True)
class City:
    key: str
    name_zh: str
    admin_level: str
    parent: str
    id_prefix: str


@lru_cache(maxsize=1)
def city_names() -> tuple[City, ...]:
    """``data/city_names.csv``: the places whose documents the corpus knows, with their keys."""
    path = resources.files("hotlinecompare").joinpath("data/city_names.csv")
    with path.open(encoding="utf-8") as f:
        return tuple(City(r["city_key"], r["name_zh"], r["admin_level"], r["parent"], r["id_prefix"])
                     for r in csv.DictReader(f))


def find_city(name: str) -> City | None:
    """A city by key (``suzhou``) or Chinese name (``苏州``, ``苏州市``)."""
    name = name.strip()
    for city in city_names():
        if name in (city.key, city.name_zh) or name.rstrip("市区县") == city.name_zh:
            return city
    return None


def doc_id_for(city: City, year: int | None, kind: str, suffix: str = "") -> str:
    """Deterministic document id: city prefix, year (``xxxx`` when undated), kind code: ``sz2024pt``."""
    code = KIND_CODES.get(kind) or "".join(w[0] for w in kind.split("_"))
    return f"{city.id_prefix}{year if year is not None else 'xxxx'}{code}" + (f"_{suffix}" if suffix else "")


@dataclass(frozen=True)
class Place:
    """The document's city and fiscal year, and where each came from."""

    city: City
    fiscal_year: int | None
    city_from: str
    year_from: str


# -- city and year -----------------------------------------------------------
def head(lines: tuple[str, ...]) -> list[tuple[int, str]]:
    """(line number, text) of the title block: first non-empty lines, up to the first table row."""
    out = []
    for n, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        if len([c for c in text.split("\t") if c.strip()]) >= 2 or len(out) >= HEAD_LINES:
            break
        out.append((n, text.strip()))
    return out


def place_of(lines: tuple[str, ...], source: str, city: str | None = None,
             year: int | str | None = None) -> Place:
    """City and fiscal year from the options, else from the title block; an error says which to pass."""
    title = head(lines)
    if city is not None:
        found = find_city(city)
        if found is None:
            raise HotlineError(f"unknown city {city!r}", file=source,
                               expected="a city_key or name_zh of hotlinecompare/data/city_names.csv",
                               hint="add a row (name_zh, city_key, admin_level, parent, id_prefix) "
                                    "to hotlinecompare/data/city_names.csv")
        city_found, city_from = found, "--city"
    else:
        city_found, city_from = _city_in_title(title, source)
    if year is not None:
        fiscal_year, year_from = _year_option(year, source), "--year"
    else:
        fiscal_year, year_from = _year_in_title(title, source)
    return Place(city_found, fiscal_year, city_from, year_from)


def _city_in_title(title: list[tuple[int, str]], source: str) -> tuple[City, str]:
    for n, text in title:
        hits = [(text.find(c.name_zh), -len(c.name_zh), c) for c in city_names() if c.name_zh in text]
        if hits:
            return min(hits, key=lambda h: (h[0], h[1]))[2], f"the title, line {n}"
    named = next(((n, m.group(0)) for n, t in title for m in [_PLACE_WORD.search(t)] if m), None)
    if named:
        raise HotlineError(f"the title names {named[1]}, which is not in city_names.csv", file=source,
                           line=named[0], hint="pass --city KEY for a known city, or add a row for this "
                                               "place to hotlinecompare/data/city_names.csv")
    raise HotlineError("no known city name in the title block", file=source,
                       found=" | ".join(t for _, t in title)[:120] or "(no title lines)",
                       hint="pass --city NAME (a city_key or name_zh of hotlinecompare/data/city_names.csv)")


def _year_in_title(title: list[tuple[int, str]], source: str) -> tuple[int, str]:
    for n, text in title:
        m = _YEAR.search(normalise(text))
        if m:
            return int(m.group(1)), f"the title, line {n}"
    raise HotlineError("no fiscal year (YYYY年) in the title block", file=source,
                       found=" | ".join(t for _, t in title)[:120] or "(no title lines)",
                       hint=f"pass --year YYYY, or --year {UNDATED} for a document that states none")


def _year_option(year: int | str, source: str) -> int | None:
    if str(year).strip().lower() in (UNDATED, "none", ""):
        return None
    text = str(year).strip()
    if not re.fullmatch(r"(?:19|20)\d\d", text):
        raise HotlineError(f"--year {year!r} is not a year", file=source,
                           expected=f"YYYY (e.g. 2024) or {UNDATED}")
    return int(text)
