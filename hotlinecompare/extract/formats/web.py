"""HTML (a portal page, or a bare table) to the text form through lxml (BSD).

- decoded by the BOM, else the ``<meta charset>`` / ``http-equiv`` declaration (GB2312 and
  GBK read as GB18030), else UTF-8, else GB18030;
- dropped, and listed in ``Derived.dropped`` with their element path: ``head``, ``script``,
  ``style``, ``noscript``, ``template``, ``iframe``, ``form``, ``nav``, ``aside``, ``footer``,
  a page-level ``header``, elements hidden with ``display:none`` or ``hidden``, and elements
  whose class or id names a navigation menu, breadcrumb, header/top bar, footer, sidebar,
  share bar, related links or pager (``nav``, ``menu``, ``breadcrumb``, ``crumb``, ``dqwz``,
  ``weizhi``, ``position``, ``footer``, ``copyright`` …), and a short block that starts
  with "当前位置" (the breadcrumb of Chinese government portals);
- each block element (``p``, ``div``, ``h1``–``h6``, ``li`` …) and each ``<br>`` ends a line;
- a ``<table>`` without tables inside it is a data table: its ``<caption>`` (a title, a unit note)
  a line above it, then one line per ``tr``, cells
  expanded over ``colspan``/``rowspan`` so that columns line up, the text in the spanning
  cell's first position and the covered positions empty (never repeated); a table that
  holds tables is layout, and its cells are read as blocks.

Locations: a prose line is the element path of its block (``/html/body/div[3]/div/p[2]``);
a table row is ``table[1]/tr[4]`` and a cell ``table[1]/tr[4]/td[3]``: the 1st data table
of the page, its 4th row, the 3rd ``td``/``th`` element of that row (a covered position
points at the cell that covers it).
"""

from __future__ import annotations

import re

from hotlinecompare.extract.formats.model import Builder, Derived, Location, clean, refuse

BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
         "section", "article", "main", "blockquote", "pre", "address", "figure", "figcaption",
         "center", "hr", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "body",
         "html", "fieldset", "legend", "details", "summary"}
DROP_TAGS = {"head", "script", "style", "noscript", "template", "iframe", "form", "nav", "aside",
             "footer", "svg", "button", "select", "textarea", "input", "object", "embed", "canvas"}
_BOILER_TOKEN = re.compile(
    r"(?:.*[-_])?(?:nav|navbar|navigation|menu|menus|breadcrumbs?|crumbs?|bread|dqwz|weizhi|"
    r"footer|copyright|sidebar|share|sharebar|friendlinks?|toolbar|pager|pagination|skip)(?:[-_].*)?",
    re.IGNORECASE)
_BOILER_WHOLE = re.compile(r"header|head|top|topbar|top-links|bottom|foot|related|links|position|"
                           r"location|banner|search|login|logo|print|close", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


def version() -> str:
    import lxml

    return f"lxml {lxml.__version__}"


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", "replace")
    declared = _META_CHARSET.search(data[:4096])
    encodings = []
    if declared:
        name = declared.group(1).decode("ascii", "ignore").lower()
        encodings.append("gb18030" if name in ("gb2312", "gbk", "gb18030", "x-gbk") else name)
    encodings += ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", "replace")


def convert(data: bytes, source: str) -> Derived:
    try:
        import lxml.html
    except ImportError as exc:   # pragma: no cover - a dependency of the package
        raise refuse("lxml is not installed", source, "lxml") from exc
    text = _XML_DECL.sub("", decode(data))
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as exc:  # noqa: BLE001 - lxml.etree.ParserError for an empty document, ValueError ...
        raise refuse(f"the HTML cannot be parsed ({type(exc).__name__}: {str(exc)[:100]})", source,
                     "an HTML page", "save the page again from a browser (File → Save as, HTML only)") from None
    tree = root.getroottree()
    builder = Builder()
    skip = _drop_boilerplate(root, tree, builder)
    walker = _Walker(tree, builder, skip)
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    if not any(line.strip() for line in builder.lines):
        raise refuse("the HTML page has no text outside navigation and footers", source,
                     "a page with the document's text or tables",
                     "if the document is an attachment (PDF, DOC, XLS linked from the page), add that file")
    return builder.build("html", version(), source)


def _classes(el) -> list[str]:
    return (el.get("class") or "").split() + ([el.get("id")] if el.get("id") else [])


def _boilerplate(el) -> str | None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in DROP_TAGS:
        return tag
    if tag == "header" and not any(a.tag in ("article", "main") for a in el.iterancestors()):
        return "page header"
    if el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or ""):
        return "hidden"
    if (el.get("role") or "").lower() in ("navigation", "banner", "contentinfo", "search"):
        return f"role {el.get('role')}"
    for name in _classes(el):
        if _BOILER_TOKEN.fullmatch(name) or _BOILER_WHOLE.fullmatch(name):
            return f"class/id {name}"
    if tag in ("div", "p", "span", "td") and len(el) < 30:
        start = clean(el.text_content()[:300])
        if start.startswith(("当前位置", "您的位置", "你的位置", "您现在的位置")) and len(start) < 200:
            return "breadcrumb"
    return None


def _drop_boilerplate(root, tree, builder: Builder) -> set:
    """The elements to skip (the tree is left as it is, so element paths stay the original's)."""
    doomed: set = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if any(a in doomed for a in el.iterancestors()):
            continue
        why = _boilerplate(el)
        if why:
            doomed.add(el)
            text = clean(el.text_content())[:80] if el.tag not in ("script", "style") else ""
            builder.dropped.append((tree.getpath(el), text, why))
    return doomed


class _Walker:
    def __init__(self, tree, builder: Builder, skip: set) -> None:
        self.tree, self.builder, self.skip = tree, builder, skip
        self.buffer: list[str] = []
        self.owner = None
        self.owners: list = []
        self.tables = 0

    def add(self, text: str | None) -> None:
        if text and text.strip():
            if not self.buffer:
                self.owner = self.owners[-1] if self.owners else None
            self.buffer.append(text)
        elif text and self.buffer:
            self.buffer.append(" ")

    def flush(self) -> None:
        line = clean("".join(self.buffer))
        if line:
            path = self.tree.getpath(self.owner) if self.owner is not None else "/"
            self.builder.text(line, Location(path, path=path))
        self.buffer = []

    def walk(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None or el in self.skip:   # a comment, or boilerplate (its tail is still read)
            return
        if tag == "br":
            self.flush()
            return
        if tag == "table" and _is_data_table(el):
            self.flush()
            self.table(el)
            return
        block = tag in BLOCK
        if block:
            self.flush()
            self.owners.append(el)
        self.add(el.text)
        for child in el:
            self.walk(child)
            self.add(child.tail)
        if block:
            self.flush()
            self.owners.pop()

    def table(self, table) -> None:
        self.tables += 1
        t = self.tables
        rows = [tr for tr in table.iter("tr") if _nearest_table(tr) is table]
        grid: dict[tuple[int, int], tuple[str, str]] = {}
        width = 0
        for r, tr in enumerate(rows):
            col = 0
            for k, td in enumerate((c for c in tr if c.tag in ("td", "th")), 1):
                while (r, col) in grid:
                    col += 1
                colspan = _span(td.get("colspan"))
                rowspan = _span(td.get("rowspan"), len(rows) - r)
                ref = f"table[{t}]/tr[{r + 1}]/td[{k}]"
                for dr in range(rowspan):
                    for dc in range(colspan):
                        grid[(r + dr, col + dc)] = (_cell_text(td) if dr == dc == 0 else "", ref)
                col += colspan
                width = max(width, col)
        self.builder.blank(Location(f"table[{t}]", path=self.tree.getpath(table)))
        # <caption>单位：元</caption>: the table's title or unit note, a line of its own above its rows
        for caption in (c for c in table if isinstance(c.tag, str) and c.tag == "caption"):
            text = _cell_text(caption)
            if text:
                self.builder.text(text, Location(f"table[{t}]/caption", path=self.tree.getpath(caption)))
        for r, tr in enumerate(rows):
            cells, refs = [], []
            for c in range(width):
                text, ref = grid.get((r, c), ("", f"table[{t}]/tr[{r + 1}]"))
                cells.append(text)
                refs.append(ref)
            where = f"table[{t}]/tr[{r + 1}]"
            self.builder.row(cells, Location(where, tuple(refs), table=t, row=r + 1,
                                             path=self.tree.getpath(tr)))
        self.builder.blank(Location(f"table[{t}]", path=self.tree.getpath(table)))


def _span(value: str | None, rest: int = 1000) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    if n == 0:             # rowspan="0": to the end of the table section
        return max(1, rest)
    return max(1, min(n, 1000, rest if rest > 0 else 1000))


def _nearest_table(el):
    for ancestor in el.iterancestors():
        if ancestor.tag == "table":
            return ancestor
    return None


def _is_data_table(table) -> bool:
    if any(True for _ in table.iter("table") if _ is not table):
        return False
    cells = [c for c in table.iter("td", "th")]
    return len(cells) >= 2


def _cell_text(td) -> str:
    parts: list[str] = []

    def visit(el):
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:
            return
        if tag == "br" or tag in BLOCK:
            parts.append(" ")
        parts.append(el.text or "")
        for child in el:
            visit(child)
            parts.append(child.tail or "")
        if tag in BLOCK:
            parts.append(" ")

    visit(td)
    return clean("".join(parts))
