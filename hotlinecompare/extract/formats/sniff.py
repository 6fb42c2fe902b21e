"""A file's format from its bytes, never from its name (a PDF saved as ``.txt`` is still a PDF)."""

from __future__ import annotations

import io
import re
import struct
import zipfile

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_HTML_MARK = re.compile(rb"<!doctype\s+html|<html[\s>]|<table[\s>]|<body[\s>]|<head[\s>]", re.IGNORECASE)
_LOCAL_NAME = re.compile(rb"PK\x03\x04.{22}", re.DOTALL)


def sniff(data: bytes, name: str = "") -> str:
    """``pdf``, ``docx``, ``xlsx``, ``ods``, ``odt``, ``xls``, ``doc``, ``ole2``, ``zip``, ``html`` or ``text``.

    ``name`` is not used to decide; it is accepted so callers can pass what they have.
    """
    head = data[:1024]
    if b"%PDF-" in head:          # the header may follow a few junk bytes
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data)
    if data.startswith(OLE2_MAGIC):
        streams = ole2_streams(data)
        if streams & {"workbook", "book"}:
            return "xls"
        if "worddocument" in streams:
            return "doc"
        return "ole2"
    if _looks_html(data):
        return "html"
    return "text"


def _zip_kind(data: bytes) -> str:
    names: list[str] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, EOFError, ValueError):
        # truncated: the central directory at the end is gone, the local headers are not
        names, mimetype = _local_names(data), b""
        if "mimetype" in names:
            start = data.find(b"mimetype") + len(b"mimetype")
            mimetype = data[start:start + 80]
    if any(n == "word/document.xml" for n in names):
        return "docx"
    if any(n == "xl/workbook.xml" or n == "xl/workbook.bin" for n in names):
        return "xlsx"
    if b"opendocument.spreadsheet" in mimetype:
        return "ods"
    if b"opendocument.text" in mimetype:
        return "odt"
    return "zip"


def _local_names(data: bytes) -> list[str]:
    """File names from the zip's local file headers (readable even when the end is cut off)."""
    names = []
    for match in _LOCAL_NAME.finditer(data):
        offset = match.start()
        name_len, _extra_len = struct.unpack_from("<HH", data, offset + 26)
        raw = data[offset + 30: offset + 30 + name_len]
        names.append(raw.decode("utf-8", "replace"))
        if len(names) > 2000:
            break
    return names


def _looks_html(data: bytes) -> bool:
    head = data[:4096]
    for bom in (b"\xef\xbb\xbf",):
        head = head.removeprefix(bom)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):        # UTF-16 HTML
        try:
            head = head.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return False
    stripped = head.lstrip()
    # markup starts with a tag (or an XML declaration / comment before it); text that merely
    # mentions <p> or <table> further in (the seeds' cells do) is not HTML
    if not stripped.startswith(b"<"):
        return False
    return bool(_HTML_MARK.search(head))


def ole2_streams(data: bytes) -> set[str]:
    """Lower-cased names of the entries in an OLE2 compound file's directory (empty if unreadable)."""
    try:
        sector_shift = struct.unpack_from("<H", data, 30)[0]
        size = 1 << sector_shift
        if size not in (512, 4096):
            return set()
        n_fat = struct.unpack_from("<I", data, 44)[0]
        dir_start = struct.unpack_from("<I", data, 48)[0]
        difat = list(struct.unpack_from("<109I", data, 76))
        next_difat = struct.unpack_from("<I", data, 68)[0]
        guard = 0
        while next_difat < 0xFFFFFFFA and guard < 1000:   # DIFAT sectors for large files
            base = 512 + next_difat * size if size == 512 else size * (next_difat + 1)
            entries = struct.unpack_from(f"<{size // 4}I", data, base)
            difat += entries[:-1]
            next_difat = entries[-1]
            guard += 1
        fat: list[int] = []
        for sector in difat[:n_fat]:
            if sector >= 0xFFFFFFFA:
                continue
            base = (sector + 1) * size
            if base + size > len(data):
                break
            fat += struct.unpack_from(f"<{size // 4}I", data, base)
        names = set()
        sector, seen = dir_start, set()
        while sector < 0xFFFFFFFA and sector not in seen:
            seen.add(sector)
            base = (sector + 1) * size
            if base + size > len(data):
                break
            for offset in range(base, base + size, 128):
                name_len = struct.unpack_from("<H", data, offset + 64)[0]
                if 2 <= name_len <= 64:
                    names.add(data[offset:offset + name_len - 2].decode("utf-16-le", "replace").lower())
            sector = fat[sector] if sector < len(fat) else 0xFFFFFFFE
        return names
    except (struct.error, IndexError):
        return set()
