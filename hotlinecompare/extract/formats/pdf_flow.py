"""The PDF converter's second pass over a document's pages: furniture dropped, tables joined, paragraphs reflowed.

:mod:`hotlinecompare.extract.formats.pdf` reads each page into lines and grids; this module decides what
of them is page furniture, joins a table continued on the next page and rejoins wrapped paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hotlinecompare.extract.formats.model import Builder, Location, join_wrapped

_PAGE_NUMBER = re.compile(
    r"^(?:[—–\-－~·•\s]*\d{1,4}[—–\-－~·•\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|page\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$", re.IGNORECASE)


_DIGITS = re.compile(r"\d+")


_FIRST_WORD = re.compile(r"[0-9A-Za-z][0-9A-Za-z.,%/\-]*[%，,。；;：:]?")


HANGING = set("、，。；：！？）》」』】”’,.;:!?)")


EDGE = 0.125          # the top and bottom eighth of a page may hold furniture


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    page_end: int = 0


@dataclass
class Grid:
    """One ruled table on one page: rows of cell texts, columns' x boundaries, its box."""

    rows: list[list[str]]
    xs: list[float]
    top: float
    bottom: float
    page: int
    pages: list[int] = field(default_factory=list)     # the page of each row (after joins)


def drop_furniture(items: list[list], heights: dict, builder: Builder) -> list[list]:
    """Page numbers and running headers/footers in the top or bottom eighth of a page, dropped."""
    n_pages = len(items)
    edge_keys: dict[tuple[str, str, int], set[int]] = {}
    for page_items in items:
        for item in page_items:
            if isinstance(item, Line):
                zone = _zone(item, heights[item.page])
                if zone:
                    key = (zone, _DIGITS.sub("#", item.text.replace(" ", "")), round(item.top / 4))
                    edge_keys.setdefault(key, set()).add(item.page)
    repeated = {k for k, pages in edge_keys.items() if n_pages >= 2 and len(pages) >= max(2, n_pages / 2)}
    out = []
    for page_items in items:
        kept = []
        for item in page_items:
            if isinstance(item, Line):
                zone = _zone(item, heights[item.page])
                if zone:
                    key = (zone, _DIGITS.sub("#", item.text.replace(" ", "")), round(item.top / 4))
                    why = None
                    if _PAGE_NUMBER.match(item.text.strip()):
                        why = "page number"
                    elif key in repeated:
                        why = f"running {'header' if zone == 'top' else 'footer'}"
                    if why:
                        builder.dropped.append((f"p.{item.page}", item.text, why))
                        continue
            kept.append(item)
        out.append(kept)
    return out


def _zone(line: Line, height: float) -> str | None:
    if line.bottom <= height * EDGE:
        return "top"
    if line.top >= height * (1 - EDGE):
        return "bottom"
    return None


def join_tables(items: list[list], builder: Builder) -> list:
    """Flatten the pages, joining a table continued on the next page to its first part."""
    flat: list = []
    for page_items in items:
        for index, item in enumerate(page_items):
            previous = flat[-1] if flat else None
            if (index == 0 and isinstance(item, Grid) and isinstance(previous, Grid)
                    and previous.pages[-1] == item.page - 1 and _same_columns(previous, item)):
                header = _repeated_header(previous.rows, item.rows)
                for row in item.rows[:header]:
                    builder.dropped.append((f"p.{item.page}", "\t".join(row), "repeated table header"))
                previous.rows.extend(item.rows[header:])
                previous.pages.extend([item.page] * (len(item.rows) - header))
                builder.notes.append(
                    f"a table on p.{item.page - 1} continues on p.{item.page}: joined"
                    + (f", its repeated header ({header} row{'s' if header > 1 else ''}) dropped" if header else ""))
                continue
            flat.append(item)
    return flat


def _same_columns(a: Grid, b: Grid) -> bool:
    if len(a.rows[0]) != len(b.rows[0]) or len(a.xs) != len(b.xs):
        return False
    return all(abs(x - y) <= 3 for x, y in zip(a.xs, b.xs))


def _repeated_header(first: list[list[str]], second: list[list[str]]) -> int:
    k = 0
    while k < min(3, len(first), len(second) - 1) and first[k] == second[k] and any(first[k]):
        k += 1
    return k


def reflow(flat: list, heights: dict) -> list:
    """Wrapped paragraph lines joined into one (also over a page break)."""
    left, right = _margins([i for i in flat if isinstance(i, Line)])
    top = min((i.top for i in flat), default=0.0)
    bottom = max((i.bottom for i in flat), default=0.0)
    out: list = []
    for item in flat:
        previous = out[-1] if out else None
        if (isinstance(item, Line) and isinstance(previous, Line)
                and _continues(previous, item, left, right, top, bottom)
                and (item.page == (previous.page_end or previous.page)
                     or (previous.bottom > 0.6 * heights[previous.page_end or previous.page]
                         and item.top < 0.4 * heights[item.page]))):
            previous.text = join_wrapped([previous.text, item.text])
            previous.x1 = item.x1
            previous.bottom = item.bottom
            previous.page_end = item.page if item.page != previous.page else previous.page_end
            continue
        out.append(item)
    return out


def _margins(lines: list[Line]) -> tuple[float, float]:
    """The text block's left edge (the lowest x0 that two lines share) and right edge (where full lines end)."""
    if not lines:
        return 0.0, 0.0
    counts: dict[int, int] = {}
    for line in lines:
        counts[round(line.x0)] = counts.get(round(line.x0), 0) + 1
    shared = [x for x, n in counts.items() if n >= 2]
    left = float(min(shared)) if shared else min(line.x0 for line in lines)
    widest = max(line.x1 for line in lines)
    long_ends = sorted(line.x1 for line in lines if line.x1 - left > 0.6 * (widest - left))
    right = long_ends[len(long_ends) // 2] if long_ends else widest
    return left, right


def _continues(previous: Line, line: Line, left: float, right: float, top: float, bottom: float) -> bool:
    size = line.size
    if abs(previous.size - size) > 0.6:
        return False
    last_page = previous.page_end or previous.page
    # a line ends up to one character short of the margin, or, when the next line starts with
    # a Latin word or a number (which does not break), up to that word's width short
    word = _FIRST_WORD.match(line.text)
    slack = 1.5 * size + (0.6 * size * len(word.group(0)) if word else 0.0)
    full = previous.x1 >= right - slack
    indented = line.x0 > left + 0.8 * size
    if not full or indented:
        return False
    if line.page == last_page:
        return 0 <= line.top - previous.bottom < 0.8 * size
    # over a page break: the page before is full to its foot, the line is at the next one's head
    return (line.page == last_page + 1 and previous.bottom >= bottom - 2.5 * size
            and line.top <= top + 2.5 * size)


def emit(flat: list, builder: Builder) -> None:
    table_number = 0
    previous = None
    for item in flat:
        if isinstance(item, Grid):
            table_number += 1
            if previous is not None:
                builder.blank(Location(f"p.{item.page}", page=item.page))
            for r, (row, page) in enumerate(zip(item.rows, item.pages), 1):
                where = f"p.{page} table {table_number} row {r}"
                cells = tuple(f"{where} cell {c}" for c in range(1, len(row) + 1))
                builder.row(row, Location(where, cells, page=page, table=table_number, row=r))
        else:
            if isinstance(previous, Grid):
                builder.blank(Location(f"p.{item.page}", page=item.page))
            elif isinstance(previous, Line):
                last_page = previous.page_end or previous.page
                if last_page != item.page or item.top - previous.bottom >= 0.8 * item.size:
                    builder.blank(Location(f"p.{item.page}", page=item.page))
            where = f"p.{item.page}" + (f"–{item.page_end}" if item.page_end else "")
            builder.text(item.text, Location(where, page=item.page, page_end=item.page_end or None))
        previous = item
