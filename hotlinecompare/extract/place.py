"""Where and when a document is from: its place and fiscal year, from options or from its first lines.

A place is read only where a document names its issuer: at the start of a title line, or of the
value of a metadata line (``发布机构：…``, ``来源：…``, ``主管部门`` …; ``data/place_evidence.toml``)
among its first lines — never from body prose. A title's chain gives the parent
(重庆市綦江区 → 綦江 under 重庆); otherwise the registry (``data/raw/places.csv``, see
:mod:`~hotlinecompare.extract.places`) or the gazetteer (``data/divisions.csv``) does. A place the
registry lacks is returned as a new :class:`City` (``city.new``), never refused; ``add`` records it.
A document id (``sz2024pt``) is made from the place's prefix, the year and the kind. Problems raise
:class:`~hotlinecompare.errors.HotlineError` saying which option to pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract import places
from hotlinecompare.extract.numbers import normalise
from hotlinecompare.extract.place_names import (
    TIERS,
    Division,
    admin_level,
    ancestors,
    divisions_by_name,
    evidence,
    fallback_name,
    short_name,
    tier_of,
)
from hotlinecompare.extract.places import City

# The title's year is looked for in this many first non-empty lines, up to the first table row.
HEAD_LINES = 8
# --year value (and file-name part) of a document that states no fiscal year.
UNDATED = "undated"
# Two-letter codes of doc_id (sz2024pt); a kind not listed uses its words' initials.
KIND_CODES = {"project_targets": "pt", "wide_project_targets": "pt", "self_evaluation": "se",
              "budget_disclosure": "bd"}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年(?!\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
_DATE_RANGE = re.compile(r"((?:19|20)\d\d)\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?\s*[—–\-~～至到]")
_FORM_YEAR = re.compile(r"^[（(]\s*((?:19|20)\d\d)\s*年度?\s*[）)]$")
_YEAR_CELL = re.compile(r"^[（(]?((?:19|20)\d\d)\s*年度?[）)]?$")
_NAME_YEAR = re.compile(r"(?<![0-9A-Za-z])((?:19|20)\d\d)(?![0-9A-Za-z])")
_CELL_BREAK = re.compile(r"\t|\||\s{2,}|\u3000+")
_SPACES = re.compile(r"[\s\u3000]+")
_SEE_ALSO = "data/raw/places.csv"


# -- the registry, as the rest of the package asks for it ----------------------------------
def city_names(raw_dir=None) -> tuple[City, ...]:
    """The places the project knows: its ``data/raw/places.csv``, or the package's seed."""
    return places.load_registry(raw_dir)


def find_city(name: str, registry: tuple[City, ...] | None = None) -> City | None:
    """A known place by key (``suzhou``) or Chinese name (``苏州``, ``苏州市``)."""
    return places.find_city(name, city_names() if registry is None else registry)


def doc_id_for(city: City, year: int | None, kind: str, suffix: str = "") -> str:
    """Deterministic document id: city prefix, year (``xxxx`` when undated), kind code: ``sz2024pt``."""
    code = KIND_CODES.get(kind) or "".join(w[0] for w in kind.split("_"))
    return f"{city.id_prefix}{year if year is not None else 'xxxx'}{code}" + (f"_{suffix}" if suffix else "")


@dataclass(frozen=True)
class Place:
    """The document's place and fiscal year, where each came from, and the places ``add`` must record."""

    city: City
    fiscal_year: int | None
    city_from: str
    year_from: str
    new_places: tuple[City, ...] = ()   # the place and/or its parent, when the registry lacks them
    title_line: int | None = None       # the title line (with a title word) the year was read from


# -- where a document names its place -----------------------------------------------------
@dataclass(frozen=True)
class Naming:
    """A chain of place names as written (outermost first) at the start of a title or metadata value."""

    line: int
    where: str
    names: tuple[str, ...]
    bare: bool   # the text is the names alone (a table cell), not an institution or a title


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


def evidence_texts(lines: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """(line, where, text) of each title line and metadata value among the first lines, in order."""
    ev = evidence()
    first = [(n, t.strip()) for n, t in enumerate(lines, start=1) if t.strip()][: ev["scan_lines"]]
    labels = sorted(ev["metadata_labels"], key=len, reverse=True)
    out = []
    for i, (n, text) in enumerate(first):
        if any(mark in text for mark in ev["skip_line_marks"]):
            continue
        cells = [c.strip(" []【】•·*") for c in _CELL_BREAK.split(text)]
        cells = [c for c in cells if c]
        labelled = False
        for j, cell in enumerate(cells):
            label = next((lb for lb in labels if cell.startswith(lb)
                          and (len(cell) == len(lb) or cell[len(lb)] in "：: ")), None)
            if label is None:
                continue
            labelled = True
            value = cell[len(label):].strip("：: ")
            at = n
            if not value:
                rest = [c for c in cells[j + 1:] if c.strip("：: ")]
                if rest:
                    value = rest[0]
                elif i + 1 < len(first):
                    at, value = first[i + 1][0], _CELL_BREAK.split(first[i + 1][1])[0].strip(" []【】•·*|")
            if value:
                out.append((at, f"the metadata ({label}), line {at}", value))
        if not labelled and cells and len(text) <= ev["max_title_chars"] \
                and not any(mark in text for mark in ev["prose_marks"]):
            out.append((n, f"the title, line {n}", cells[0]))
    return out


def read_chain(text: str, registry: tuple[City, ...]) -> tuple[str, ...]:
    """The place names at the start of ``text``: 重庆市綦江区信访办公室 → (重庆市, 綦江区)."""
    text = re.sub(evidence()["leading_noise"], "", _SPACES.sub("", text))
    party = re.match(evidence()["party_committee"], text)
    if party:
        name, rest = party.group(1), text[party.end():]
        text = name + (rest[len(name):] if rest.startswith(name) else rest)
    forms = set(divisions_by_name()) | {c.full_name_zh for c in registry} | {c.name_zh for c in registry}
    names, at = [], 0
    while at < len(text):
        known = [f for f in forms if f and text.startswith(f, at)]
        name = max(known, key=len) if known else fallback_name(text, at)
        if not name:
            break
        names.append(name)
        at += len(name)
    return tuple(names)


def namings(lines: tuple[str, ...], registry: tuple[City, ...]) -> list[Naming]:
    out = []
    for n, where, text in evidence_texts(lines):
        names = read_chain(text, registry)
        if names:
            bare = _SPACES.sub("", text) == "".join(names)
            out.append(Naming(n, where, names, bare))
    return out


# -- which place a chain names --------------------------------------------------------
@dataclass(frozen=True)
class _Resolved:
    full_name: str
    tier: str
    known: City | None
    division: Division | None


def _resolve(name: str, parent: _Resolved | None, registry: tuple[City, ...]) -> _Resolved:
    """A written name as a registry place or a gazetteer division, the parent (if any) choosing among twins."""
    in_registry = [c for c in registry if name in (c.full_name_zh, c.name_zh)]
    if parent is not None:   # a row without a recorded parent accepts any (苏州 of 江苏省苏州市)
        in_registry = [c for c in in_registry if not c.parent_key or c.parent_full_zh == parent.full_name
                       or (parent.known is not None and c.parent_key == parent.known.key)]
    candidates = list(divisions_by_name().get(name, ()))
    if parent is not None and parent.division is not None:
        candidates = [d for d in candidates if parent.division in ancestors(d)]
    elif parent is not None:
        candidates = [d for d in candidates if any(a.full_name_zh == parent.full_name for a in ancestors(d))]
    division = candidates[0] if len(candidates) == 1 else None
    promoted = _county_become_city(name, parent) if not candidates and not in_registry else None
    if promoted is not None:
        return _Resolved(name, "county", None, promoted)
    if len(in_registry) == 1:
        known = in_registry[0]
        if division is None or division.full_name_zh == known.full_name_zh:
            return _Resolved(known.full_name_zh, division.tier if division else "", known, division)
    if division is not None:
        return _Resolved(division.full_name_zh, division.tier, None, division)
    tier = tier_of(name)
    if tier == "prefecture" and parent is not None and parent.tier == "prefecture":
        tier = "county"   # a 市 under a city is a county-level city
    return _Resolved(name, tier, None, None)


def _county_become_city(name: str, parent: _Resolved | None) -> Division | None:
    """禄丰市, unknown to the gazetteer, which has 禄丰县: a county made a county-level city (撤县设市)
    after the gazetteer was drawn up; the county's division gives its parent."""
    if not name.endswith("市") or len(name) < 3:
        return None
    counties = [d for d in divisions_by_name().get(name[:-1] + "县", ()) if d.tier == "county"]
    if parent is not None:
        counties = [d for d in counties if any(a.full_name_zh == parent.full_name for a in ancestors(d))]
    return counties[0] if len(counties) == 1 else None


def _chain(names: tuple[str, ...], registry: tuple[City, ...]) -> list[_Resolved]:
    out: list[_Resolved] = []
    for name in names:
        out.append(_resolve(name, out[-1] if out else None, registry))
    return out


def _is_within(inner: list[_Resolved], outer: list[_Resolved]) -> bool:
    """Does the later naming's place lie inside the earlier one's (济宁市人民政府, then 任城区…)?"""
    place, container = inner[-1], outer[-1]
    if any(r.full_name == container.full_name for r in inner[:-1]):
        return True
    if place.division is not None and container.division is not None:
        return container.division in ancestors(place.division)
    if place.known is not None and container.known is not None:
        return place.known.parent_key == container.known.key
    return False


def _narrows(later: list[_Resolved], earlier: list[_Resolved]) -> bool:
    """A later naming replaces the first one only with a place inside it, never a sibling or a parent."""
    deeper = TIERS.index(later[-1].tier or "county") >= TIERS.index(earlier[-1].tier or "county")
    return deeper and _is_within(later, earlier)


def city_for(chain: list[_Resolved], registry: tuple[City, ...]) -> tuple[City, tuple[City, ...]]:
    """The place a resolved chain ends in, as a registry City or a new one (with a new parent if needed)."""
    place = chain[-1]
    parent = chain[-2] if len(chain) > 1 else None
    if parent is None and place.division is not None and place.known is None:
        up = ancestors(place.division)
        parent = _Resolved(up[0].full_name_zh, up[0].tier, None, up[0]) if up else None
    if place.known is not None:
        return place.known, ()
    parent_city, added = None, ()
    if parent is not None:
        parent_city = parent.known or places.find_city(parent.full_name, registry)
        if parent_city is None:
            parent_city = places.new_city(parent.full_name, admin_level(parent.full_name, parent.tier), registry,
                                          styled=False)
            added = (parent_city,)
            registry = registry + added
    city = places.new_city(place.full_name, admin_level(place.full_name, place.tier), registry, parent_city)
    return city, added + (city,)


# -- the document's place and year -----------------------------------------------------
def place_of(lines: tuple[str, ...], source: str, city: str | None = None,
             year: int | str | None = None, registry: tuple[City, ...] | None = None) -> Place:
    """Place and fiscal year from the options, else from the first lines; an error says which to pass."""
    registry = city_names() if registry is None else registry
    if city is not None:
        found, new, city_from = *_city_option(city, source, registry), "--city"
    else:
        found, new, city_from = _city_in_document(lines, source, registry)
    if year is not None:
        fiscal_year, year_from, title_line = _year_option(year, source), "--year", None
    else:
        fiscal_year, year_from, title_line = _year_of_document(lines, source)
    return Place(found, fiscal_year, city_from, year_from, new, title_line)


def _city_option(name: str, source: str, registry: tuple[City, ...]) -> tuple[City, tuple[City, ...]]:
    known = places.find_city(name, registry)
    if known is not None:
        return known, ()
    names = read_chain(name, registry) if re.fullmatch(r"[\u4e00-\u9fff]{2,}", name.strip()) else ()
    if names and "".join(names) == name.strip():
        return city_for(_chain(names, registry), registry)
    raise HotlineError(f"unknown place {name!r}", file=source,
                       expected=f"a key or name of {_SEE_ALSO}, or a Chinese place name with its suffix "
                                "(綦江区, 重庆市綦江区, 准格尔旗)",
                       hint=f"pass --city with the place's Chinese name; `add` records a new place in {_SEE_ALSO}")


def _city_in_document(lines: tuple[str, ...], source: str,
                      registry: tuple[City, ...]) -> tuple[City, tuple[City, ...], str]:
    found = namings(lines, registry)
    chosen: tuple[Naming, list[_Resolved]] | None = None
    for naming in found:
        chain = _chain(naming.names, registry)
        if chosen is None or (not naming.bare and _narrows(chain, chosen[1])):
            chosen = (naming, chain)
    if chosen is None:
        raise HotlineError("no place named in the title, issuer or metadata lines", file=source,
                           found=_candidates(lines) or "no place name in the first lines",
                           hint=f"pass --city NAME (a key or name of {_SEE_ALSO}, or a Chinese place name "
                                "such as 綦江区)")
    city, new = city_for(chosen[1], registry)
    return city, new, chosen[0].where


def _candidates(lines: tuple[str, ...]) -> str:
    """Place-like words seen in the first lines (in prose, so not taken): shown when none was found."""
    seen = []
    for text in lines[:evidence()["scan_lines"]]:
        for m in re.finditer(r"[\u4e00-\u9fff]{2,6}?(?:省|市|区|县|旗|州|盟)", text):
            if short_name(m.group(0)) != m.group(0) and m.group(0) not in seen:
                seen.append(m.group(0))
    return ("candidates seen in prose (not taken): " + ", ".join(seen[:8])) if seen else ""


def _year_of_document(lines: tuple[str, ...], source: str) -> tuple[int, str, int | None]:
    """(year, where it was read, the title line when it was one), looked for in this order:

    1. the first title-like line with a title word, after any site banner;
    2. the first year in the title block (a full date such as 发布日期 2023年05月10日 is no year);
    3. the period the title block states as a date range (2024年5月13日—5月19日);
    4. a cell that is a year alone in a metadata row among the first lines (编制单位：… | 2023年度);
    5. a form's bracketed year line anywhere (（2025年度）, a workbook's later sheet);
    6. a year standing alone in the file's name (2023年部门决算.xlsx).
    """
    ev = evidence()
    first = [(n, t) for n, t in enumerate(lines, start=1) if t.strip()][: ev["scan_lines"]]
    for n, text in first:
        if any(mark in text for mark in ev["skip_line_marks"]):
            continue
        cell = _CELL_BREAK.split(normalise(text).strip())[0]
        if len(cell) <= ev["max_title_chars"] and not any(mark in cell for mark in ev["prose_marks"]) \
                and any(word in cell for word in ev["title_words"]) and (m := _YEAR.search(cell)):
            return int(m.group(1)), f"the title, line {n}", n
    title = head(lines)
    for pattern, where in ((_YEAR, "the title"), (_DATE_RANGE, "the period in the title")):
        for n, text in title:
            if m := pattern.search(normalise(text)):
                return int(m.group(1)), f"{where}, line {n}", None
    for n, text in first:
        if any(label in text for label in ev["metadata_labels"]):
            for cell in _CELL_BREAK.split(normalise(text)):
                if m := _YEAR_CELL.match(cell.strip()):
                    return int(m.group(1)), f"a year cell, line {n}", None
    for n, text in enumerate(lines, start=1):
        if m := _FORM_YEAR.match(normalise(text).strip()):
            return int(m.group(1)), f"a form's year, line {n}", None
    if m := _NAME_YEAR.search(PurePath(source).stem):
        return int(m.group(1)), f"the file name ({PurePath(source).name})", None
    raise HotlineError("no fiscal year (YYYY年) in the title block or the file name", file=source,
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
