"""Published files (PDF, DOCX, XLS/XLSX, HTML) to the text form the parsers read, with locations.

The text form: lines joined by LF; a table row is one line with its cells joined by TAB
(empty cells kept, so columns stay aligned; a merged cell's text sits in its first
column and the cells it covers are empty, never repeated); prose is one line per
paragraph. ``convert`` returns a :class:`Derived`: the text, the format, the converter
(library and version) and one :class:`Location` per line, with one rendering per cell:
``p.3`` / ``p.3 table 2 row 4 cell 3`` (PDF), ``Sheet1 row 5`` / ``Sheet1!B5`` (Excel),
``para 12`` / ``table 2 row 4 cell 3`` (Word), an element path / ``table[1]/tr[4]/td[3]``
(HTML), ``line 7`` (plain text, passed through as it is).

The format is decided by the bytes (:func:`sniff`), never by the file name. Every refusal
is a :class:`~hotlinecompare.errors.HotlineError` naming the file and what to do.
"""

from __future__ import annotations

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.formats.model import Derived, Location
from hotlinecompare.extract.formats.sniff import sniff

__all__ = ["FORMATS", "Derived", "Location", "convert", "sniff"]

FORMATS = ("pdf", "docx", "doc", "xlsx", "xls", "ods", "html", "text")


def convert(data: bytes, name: str) -> Derived:
    """``data`` (the file's bytes; ``name`` is only used in messages) in the text form."""
    fmt = sniff(data, name)
    if fmt == "pdf":
        from . import pdf
        return pdf.convert(data, name)
    if fmt == "docx":
        from . import word
        return word.convert(data, name)
    if fmt == "doc":
        from . import word
        return word.convert_doc(data, name)
    if fmt in ("xlsx", "xls", "ods"):
        from . import sheet
        return sheet.convert(data, name, fmt)
    if fmt == "html":
        from . import web
        return web.convert(data, name)
    if fmt == "text":
        from . import text
        return text.convert(data, name)
    if fmt == "odt":
        raise HotlineError("an OpenDocument text file (.odt) is not read directly", file=name,
                           expected="PDF, DOCX, XLS/XLSX, HTML or plain text",
                           hint="save it as DOCX (soffice --headless --convert-to docx FILE) and add that")
    if fmt == "zip":
        raise HotlineError("a zip archive that is neither DOCX nor XLSX (or a damaged one)", file=name,
                           expected="a single PDF, DOCX, XLS/XLSX or HTML document",
                           hint="unpack it and add the documents inside one by one; if it should be a "
                                "DOCX or XLSX, re-download it (it may be truncated)")
    from hotlinecompare.extract.formats.sniff import ole2_streams

    if "encryptedpackage" in ole2_streams(data):
        raise HotlineError("a password-protected Office file (DOCX/XLSX encrypted with a password)",
                           file=name, expected="a document that opens without a password",
                           hint="open it with the password, save a copy without one and add that")
    raise HotlineError("an OLE2 (Office 97–2003) file that is neither Word nor Excel", file=name,
                       expected="PDF, DOCX, XLS/XLSX, HTML or plain text",
                       hint="open it in its program and save it as PDF, DOCX or XLSX")
