"""PDF to the text form through pdfplumber (MIT): text lines, ruled tables, page furniture dropped.

What it does, page by page:

- characters inside a ruled table (pdfplumber's ``lines`` strategy: the table's drawn
  borders) go to the cell whose box holds their centre; a merged cell gives its text to its
  first column and leaves the columns it covers empty; the lines a cell wraps over are
  joined back (no space in Chinese, none inside a cut number);
- the other characters become lines (clustered by baseline, spaces kept as drawn, a space
  added where a gap is wider than a third of the font size);
- **furniture is dropped**, and listed in ``Derived.dropped`` with its page: page numbers
  (``— 2 —``, ``- 2 -``, ``第 3 页``, ``第 3 页 共 9 页``, ``3 / 9``, ``Page 3``, a bare number)
  in the top or bottom eighth of a page, and running headers/footers (the same line, digits
  aside, at the same height in the top or bottom eighth of at least half the pages);
- a paragraph wrapped over several lines is joined into one line (the line before reaches
  the right margin, the next starts at the left margin, not indented, in the same size,
  with no paragraph gap), also across a page break; its location is then ``p.3–4``;
- a table that ends one page and a table that starts the next, with the same columns,
  are one table: the rows of the second that repeat the first's header rows (up to three)
  are dropped and listed in ``dropped``; ``notes`` names each join;
- a blank line separates paragraphs (a gap wider than 0.8 × the font size) and tables.

Refused: encrypted PDFs that need a password, PDFs pdfminer cannot parse, and PDFs
without a text layer (scanned); a document with a few image-only pages is converted and
``notes`` names those pages. Not handled: unruled tables (their rows come out as text
lines), multi-column page layouts, vertical text, table rows split across pages.
"""

from __future__ import annotations

import bisect
import io

from hotlinecompare.extract.formats.model import Builder, Derived, join_wrapped, refuse
from hotlinecompare.extract.formats.pdf_flow import HANGING, Grid, Line, drop_furniture, emit, join_tables, reflow

ENCRYPTED_HINT = ("ask the publisher for an unprotected copy, or if you have the password, "
                  "decrypt it (qpdf --decrypt --password=PASSWORD in.pdf out.pdf) and add the PDF it writes")
OCR_HINT = "no text layer: run OCR first, e.g. ocrmypdf, then add the PDF it writes"






def version() -> str:
    import pdfplumber

    return f"pdfplumber {pdfplumber.__version__}"


def convert(data: bytes, source: str) -> Derived:
    try:
        import pdfplumber
    except ImportError as exc:   # pragma: no cover - a dependency of the package
        raise refuse("pdfplumber is not installed", source, "pdfplumber (pip install pdfplumber)") from exc
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = list(pdf.pages)
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many types; each means the same to a user
        raise _open_error(exc, source) from None
    try:
        items, image_only = [], []
        heights = {}
        for page in pages:
            try:
                page_items, has_text, has_image = _read_page(page)
            except Exception as exc:  # noqa: BLE001 - a broken content stream on one page
                raise refuse(f"page {page.page_number} cannot be read ({type(exc).__name__}: {exc})",
                             source, "a PDF that a viewer opens without repair",
                             "re-download the file, or print it to a new PDF and add that") from None
            heights[page.page_number] = float(page.height)
            items.append(page_items)
            if not has_text and has_image:
                image_only.append(page.page_number)
    finally:
        pdf.close()
    if not pages:
        raise refuse("the PDF has no pages", source, "a PDF with at least one page")
    if image_only and (len(image_only) * 2 > len(pages) or
                       not any(isinstance(i, (Line, Grid)) for p in items for i in p)):
        which = _pages(image_only)
        verb = "has" if len(image_only) == 1 else "have"
        raise refuse(f"{which} of {len(pages)} {verb} no text layer (scanned images)", source,
                     "a PDF with a text layer (text you can select)", OCR_HINT)
    if not any(items):
        raise refuse("the PDF has no text at all", source, "a PDF with a text layer", OCR_HINT)
    builder = Builder()
    if image_only:
        verb = "is an image" if len(image_only) == 1 else "are images"
        builder.notes.append(f"{_pages(image_only)} {verb} without a text layer, "
                             f"left out of the text ({OCR_HINT})")
    items = drop_furniture(items, heights, builder)
    flat = join_tables(items, builder)
    flat = reflow(flat, heights)
    emit(flat, builder)
    return builder.build("pdf", version(), source)


def _pages(numbers: list[int]) -> str:
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(str(n) for n in numbers)


def _open_error(exc: Exception, source: str):
    chain, seen = [], exc
    while seen is not None and len(chain) < 6:
        chain.append(f"{type(seen).__name__} {seen}")
        seen = seen.__cause__ or seen.__context__
    text = " ".join(chain).lower()
    if "password" in text or "encrypt" in text:
        return refuse("the PDF is encrypted and needs a password to open", source,
                      "a PDF without an open password", ENCRYPTED_HINT)
    return refuse(f"not a readable PDF ({type(exc).__name__}: {str(exc)[:120]})", source,
                  "a complete PDF file", "re-download the file (it may be truncated), or print it "
                  "to a new PDF and add that")


# --- one page -------------------------------------------------------------------------------

def _read_page(page) -> tuple[list, bool, bool]:
    chars, edges, has_image = page_objects(page)
    has_text = any(not c["text"].isspace() for c in chars)
    if not has_text:
        return [], False, has_image
    tables = []
    if len(edges) >= 2:
        settings = {"vertical_strategy": "explicit", "horizontal_strategy": "explicit",
                    "explicit_vertical_lines": edges, "explicit_horizontal_lines": edges}
        for table in page.find_tables(settings):
            if len(table.cells) >= 2:       # a framed paragraph is text, not a table
                tables.append(table)
    grids, rest = _fill_tables(tables, chars, page.page_number)
    lines = build_lines(rest, page.page_number)
    items = sorted(list(lines) + grids, key=lambda i: i.top)
    return items, True, has_image


def page_objects(page) -> tuple[list[dict], list[dict], bool]:
    """Characters, ruling lines/rectangles and whether there is an image, from pdfminer's layout.

    The same objects pdfplumber's ``page.chars``/``page.edges`` give, with only the keys
    used here: building pdfplumber's full object dictionaries costs a third of the time.
    The ruling objects are handed to pdfplumber's table finder as explicit lines, which
    it snaps, joins and intersects exactly as for its ``lines`` strategy.
    """
    from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage, LTLine, LTRect

    height = float(page.height)
    mb_x0, mb_top = float(page.mediabox[0]), float(page.mediabox[1])
    chars: list[dict] = []
    edges: list[dict] = []
    has_image = False

    def box(o, kind: str) -> dict:
        top = height - o.y1 + mb_top
        bottom = height - o.y0 + mb_top
        return {"object_type": kind, "x0": o.x0 + mb_x0, "x1": o.x1 + mb_x0, "y0": o.y0, "y1": o.y1,
                "top": top, "bottom": bottom, "doctop": top, "width": o.x1 - o.x0,
                "height": o.y1 - o.y0}

    def walk(objects) -> None:
        nonlocal has_image
        for o in objects:
            if isinstance(o, LTChar):
                top = height - o.y1 + mb_top
                chars.append({"text": o.get_text(), "x0": o.x0 + mb_x0, "x1": o.x1 + mb_x0,
                              "top": top, "bottom": height - o.y0 + mb_top, "size": o.size})
            elif isinstance(o, LTImage):
                has_image = True
            elif isinstance(o, LTRect):
                edges.append(box(o, "rect"))
            elif isinstance(o, LTLine):
                edges.append(box(o, "line"))
            elif isinstance(o, LTCurve):
                curve = box(o, "curve")
                curve["pts"] = [(mb_x0 + x, mb_top + height - y) for x, y in o.pts]
                edges.append(curve)
            elif isinstance(o, LTContainer):
                walk(o)

    walk(page.layout)
    return chars, edges, has_image


def _fill_tables(tables, chars, page_number: int) -> tuple[list[Grid], list[dict]]:
    """Chars inside tables go to their cells (by centre); the rest are returned."""
    if not tables:
        return [], chars
    layouts = []
    for table in tables:
        x0s = sorted({round(c[0], 1) for c in table.cells} | {round(c[2], 1) for c in table.cells})
        xs = _merge_close(x0s)
        rows = []
        for row in table.rows:
            top, bottom = row.bbox[1], row.bbox[3]
            spans = [(cell[0], cell[2], col) for col, cell in enumerate(row.cells) if cell is not None]
            rows.append((top, bottom, spans, len(row.cells)))
        layouts.append((table.bbox, rows, xs))
    buckets = [[[[] for _ in range(r[3])] for r in rows] for (_, rows, _) in layouts]
    rest = []
    for ch in chars:
        cx = (ch["x0"] + ch["x1"]) / 2
        cy = (ch["top"] + ch["bottom"]) / 2
        for t, (bbox, rows, _) in enumerate(layouts):
            if bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]:
                tops = [r[0] for r in rows]
                r = max(0, bisect.bisect_right(tops, cy) - 1)
                _, _, spans, _ = rows[r]
                col = next((c for x0, x1, c in spans if x0 <= cx <= x1), None)
                if col is not None and col > 0 and ch["text"] in HANGING:
                    x0 = next(x for x, _, c in spans if c == col)
                    if ch["x0"] < x0 + 1.0:
                        # punctuation hanging over the left cell's border belongs to that cell
                        col = max((c for _, _, c in spans if c < col), default=col)
                if col is None:
                    col = min(spans, key=lambda s: min(abs(cx - s[0]), abs(cx - s[1])))[2] if spans else 0
                buckets[t][r][col].append(ch)
                break
        else:
            rest.append(ch)
    grids = []
    for t, (bbox, _rows, xs) in enumerate(layouts):
        texts = [[join_wrapped([ln.text for ln in build_lines(cell, page_number)]) for cell in row]
                 for row in buckets[t]]
        grids.append(Grid(texts, xs, bbox[1], bbox[3], page_number, [page_number] * len(texts)))
    return grids, rest


def _merge_close(values: list[float], tolerance: float = 1.5) -> list[float]:
    out: list[float] = []
    for v in values:
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def build_lines(chars: list[dict], page_number: int) -> list[Line]:
    """Characters clustered into lines by their top, each line read left to right."""
    if not chars:
        return []
    ordered = sorted(chars, key=lambda c: (c["top"], c["x0"]))
    clusters: list[list[dict]] = []
    anchor = None
    for ch in ordered:
        tolerance = max(1.0, 0.4 * ch["size"])
        if clusters and anchor is not None and ch["top"] - anchor <= tolerance:
            clusters[-1].append(ch)
        else:
            clusters.append([ch])
            anchor = ch["top"]
    lines = []
    for cluster in clusters:
        cluster.sort(key=lambda c: c["x0"])
        parts, previous, pending_space = [], None, False
        for ch in cluster:
            text = ch["text"]
            if text.isspace():
                pending_space = previous is not None
                continue
            if previous is not None:
                if (text == previous["text"] and abs(ch["x0"] - previous["x0"]) < 0.5):
                    continue                          # overprinted (fake bold) duplicates
                if pending_space or ch["x0"] - previous["x1"] > 0.3 * ch["size"]:
                    parts.append(" ")
            parts.append(text)
            previous, pending_space = ch, False
        text = "".join(parts).strip()
        if not text:
            continue
        visible = [c for c in cluster if not c["text"].isspace()]
        lines.append(Line(text, min(c["x0"] for c in visible), max(c["x1"] for c in visible),
                          min(c["top"] for c in visible), max(c["bottom"] for c in visible),
                          max(c["size"] for c in visible), page_number))
    return lines


# --- across pages ---------------------------------------------------------------------------

















