"""Word to the text form through python-docx (MIT): body paragraphs and tables in document order.

- a paragraph is one line (its runs, hyperlinks, inserted text and field results; deleted
  text, the fallback copy of a text box and the page headers/footers are left out); an
  empty paragraph is a blank line (runs of them collapse to one);
- a table row is one line of tab cells, one per grid column: a cell merged across
  columns (``gridSpan``) gives its text to its first column and leaves the others empty,
  a cell merged down (``vMerge="continue"``) is empty, so no merged text is repeated;
  ``gridBefore`` columns are empty cells; a table inside a cell is read into that cell;
- content controls (``w:sdt``) are read through.

Locations: ``para 12`` (the 12th body paragraph, counting empty ones), ``table 2 row 4``
and ``table 2 row 4 cell 3`` (3rd grid column). Word's automatic list numbers ("一、",
"1.") are not text in the file and do not appear.

``.doc`` (Word 97–2003) is converted to DOCX with LibreOffice (``soffice --headless
--convert-to docx``) when ``soffice`` is on PATH; otherwise it is refused with that advice.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from hotlinecompare.extract.formats.model import Builder, Derived, Location, refuse

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
DOC_HINT = ("convert it to DOCX first: soffice --headless --convert-to docx FILE.doc "
            "(LibreOffice), or open it in Word or WPS and save as .docx, then add that file")


def version() -> str:
    import importlib.metadata

    return f"python-docx {importlib.metadata.version('python-docx')}"


def convert(data: bytes, source: str, converter: str | None = None) -> Derived:
    try:
        import docx
    except ImportError as exc:   # pragma: no cover - a dependency of the package
        raise refuse("python-docx is not installed", source, "python-docx") from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        raise refuse(f"the DOCX cannot be opened ({type(exc).__name__}: {str(exc)[:100]})", source,
                     "a complete DOCX file", "re-download the file (it may be truncated), or open it "
                     "in Word or WPS and save it again") from None
    except Exception as exc:  # noqa: BLE001 - any failure is the user's file: refused, never a traceback
        raise refuse(f"the DOCX is damaged ({type(exc).__name__}: {str(exc)[:100]})", source,
                     "a DOCX that Word opens without repair",
                     "open it in Word or WPS, save it again and add that file") from None
    builder = Builder()
    state = {"para": 0, "table": 0}
    _blocks(document.element.body, builder, state)
    if not any(line.strip() for line in builder.lines):
        raise refuse("the DOCX has no text in its body", source, "a Word document with text",
                     "if the text is in images (a scan pasted into Word), OCR it first")
    return builder.build("docx", converter or version(), source)


def _blocks(parent, builder: Builder, state: dict) -> None:
    for child in parent.iterchildren():
        tag = child.tag
        if tag == f"{W}p":
            state["para"] += 1
            where = f"para {state['para']}"
            text = paragraph_text(child)
            if text.strip():
                builder.text(text, Location(where, paragraph=state["para"]))
            else:
                builder.blank(Location(where, paragraph=state["para"]))
        elif tag == f"{W}tbl":
            state["table"] += 1
            builder.blank(Location(f"table {state['table']}", table=state["table"]))
            _table(child, state["table"], builder)
            builder.blank(Location(f"table {state['table']}", table=state["table"]))
        elif tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                _blocks(content, builder, state)
        elif tag in (f"{W}customXml", f"{W}ins", f"{W}moveTo"):
            _blocks(child, builder, state)


def paragraph_text(p) -> str:
    parts = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen", MC_FALLBACK):
        if any(a.tag == MC_FALLBACK for a in el.iterancestors()) or el.tag == MC_FALLBACK:
            continue
        if el.tag == f"{W}t":
            parts.append(el.text or "")
        elif el.tag == f"{W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append(" ")
    return "".join(parts)


def _cell_text(tc, nested: bool = True) -> str:
    """A cell's paragraphs; a table inside it as text too, unless ``nested`` is False (its rows are then
    lines of their own, after the row that holds it)."""
    parts = []
    for child in tc.iterchildren():
        if child.tag == f"{W}p":
            parts.append(paragraph_text(child))
        elif child.tag == f"{W}tbl" and nested:
            for tr in child.iter(f"{W}tr"):
                parts.append(" ".join(_cell_text(c) for c in tr.iterchildren(f"{W}tc")))
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                parts.append(_cell_text(content))
    return " ".join(p.strip() for p in parts if p.strip())


def _int_attr(el, path: str) -> int:
    found = el.find(path)
    if found is None:
        return 0
    try:
        return int(found.get(f"{W}val", "0"))
    except ValueError:
        return 0


def _table(tbl, number: int, builder: Builder, within: str = "") -> None:
    """One line per row, cells expanded over merges. A table inside a cell (a form laid out in an
    outer table) is not flattened into that cell's text: its rows follow the row that holds it, each
    located as ``table 1 row 6 cell 2 > table 1 row 4 cell 5``."""
    grid = tbl.find(f"{W}tblGrid")
    width = len(grid.findall(f"{W}gridCol")) if grid is not None else 0
    rows = [tr for tr in tbl.iterchildren() if tr.tag == f"{W}tr"]
    for sdt in tbl.iterchildren(f"{W}sdt"):        # rows inside a content control
        content = sdt.find(f"{W}sdtContent")
        if content is not None:
            rows += list(content.iterchildren(f"{W}tr"))
    for r, tr in enumerate(rows, 1):
        where = f"{within}table {number} row {r}"
        col = _int_attr(tr, f"{W}trPr/{W}gridBefore")
        cells = [""] * col
        refs = [f"{where} cell {c}" for c in range(1, col + 1)]
        inner: list[tuple[object, str]] = []
        for tc in _row_cells(tr):
            span = max(1, _int_attr(tc, f"{W}tcPr/{W}gridSpan"))
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            continued = vmerge is not None and vmerge.get(f"{W}val", "continue") == "continue"
            origin = f"{where} cell {col + 1}"
            inner += [(t, f"{origin} > ") for t in tc.iterchildren(f"{W}tbl")]
            cells.append("" if continued else _cell_text(tc, nested=False))
            refs.append(origin)
            for _ in range(1, span):
                cells.append("")
                refs.append(origin)      # covered by the merged cell
            col += span
        while len(cells) < width:
            cells.append("")
            refs.append(f"{where} cell {len(refs) + 1}")
        builder.row(cells, Location(where, tuple(refs), table=number, row=r))
        for k, (nested, prefix) in enumerate(inner, 1):
            builder.blank(Location(f"{prefix}table {k}", table=number))
            _table(nested, k, builder, within=prefix)
            builder.blank(Location(f"{prefix}table {k}", table=number))


def _row_cells(tr):
    for child in tr.iterchildren():
        if child.tag == f"{W}tc":
            yield child
        elif child.tag in (f"{W}sdt", f"{W}customXml"):
            content = child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child
            if content is not None:
                yield from (c for c in content.iterchildren(f"{W}tc"))


# --- Word 97-2003 ---------------------------------------------------------------------------

def convert_doc(data: bytes, source: str, timeout: float = 180.0) -> Derived:
    """``.doc`` through LibreOffice into DOCX, then read as DOCX; refused when soffice is absent."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise refuse("a Word 97–2003 .doc file, and LibreOffice (soffice) is not installed to convert it",
                     source, "a .docx (or PDF) document", DOC_HINT)
    with tempfile.TemporaryDirectory(prefix="hotlinecompare-doc-") as folder:
        src = Path(folder) / "input.doc"
        src.write_bytes(data)
        try:
            result = subprocess.run(
                [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profile",
                 "--convert-to", "docx", "--outdir", folder, str(src)],
                capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise refuse(f"LibreOffice did not convert the .doc within {timeout:.0f} s", source,
                         "a .doc LibreOffice can open", DOC_HINT) from None
        except OSError as exc:
            raise refuse(f"LibreOffice could not be run ({exc})", source, "a working soffice", DOC_HINT) from None
        out = Path(folder) / "input.docx"
        if result.returncode != 0 or not out.exists():
            said = (result.stderr or result.stdout or b"").decode("utf-8", "replace").strip()[:200]
            raise refuse(f"LibreOffice could not convert the .doc ({said or 'no output'})", source,
                         "a .doc LibreOffice can open", DOC_HINT)
        converted = out.read_bytes()
    derived = convert(converted, source, converter=f"LibreOffice ({Path(soffice).name}) + {version()}")
    return Derived(derived.text, "doc", derived.converter, derived.locations, derived.dropped,
                   derived.notes + ("converted to DOCX by LibreOffice; locations are in that DOCX",),
                   source)
