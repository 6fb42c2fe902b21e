"""Spreadsheets (XLSX, XLS, ODS) to the text form through python-calamine (MIT).

Every sheet is read, in workbook order, separated by a blank line (hidden sheets too;
``notes`` names them). A row is one line of tab cells from column A; trailing empty
cells are dropped; a row whose only value is in column A (a title, a unit line, a
note) is a prose line; an empty row is a blank line.

Values are the stored ones, not the displayed ones: a number stored as 1234.5 shown as
``1,234.50`` is written ``1234.5``; an integral number has no ``.0``; a percentage
stored as 0.48 is ``0.48``; dates are ISO (``2024-03-11``); booleans ``TRUE``/``FALSE``.
A merged range keeps its value in its first cell (the covered cells are empty, as
Excel stores them) and that cell's location is the range (``Sheet1!A1:G1``).

Locations: ``Sheet1 row 5`` for a row, ``Sheet1!B5`` for a cell (``'My sheet'!B5`` when the
name needs quotes), ``Sheet1!A5`` for a one-cell prose row.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from hotlinecompare.extract.formats.model import Builder, Derived, Location, clean, number_text, refuse

_PLAIN_NAME = re.compile(r"[\w.]+")


def version() -> str:
    import importlib.metadata

    return f"python-calamine {importlib.metadata.version('python-calamine')}"


def column_letters(index: int) -> str:
    """0 → ``A``, 25 → ``Z``, 26 → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return number_text(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if (value.hour, value.minute, value.second) != (0, 0, 0) \
            else value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def convert(data: bytes, source: str, fmt: str = "xlsx") -> Derived:
    try:
        import python_calamine as calamine
    except ImportError as exc:   # pragma: no cover - a dependency of the package
        raise refuse("python-calamine is not installed", source, "python-calamine") from exc
    label = {"xlsx": "XLSX", "xls": "XLS", "ods": "ODS"}.get(fmt, fmt.upper())
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        metadata = list(book.sheets_metadata)
    except Exception as exc:  # noqa: BLE001 - CalamineError, ZipError, XmlError, PasswordError ...
        name = type(exc).__name__
        if "Password" in name or "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise refuse(f"the {label} workbook is password-protected", source,
                         "a workbook that opens without a password",
                         "open it with the password, save a copy without one and add that") from None
        raise refuse(f"the {label} file is damaged or truncated ({name}: {str(exc)[:100]})", source,
                     f"a complete {label} workbook",
                     "re-download the file (it may be cut short), or open it in Excel/WPS and "
                     "save it again, then add that file") from None
    builder = Builder()
    hidden = []
    for meta in metadata:
        name = meta.name
        if "Visible" not in str(meta.visible):
            hidden.append(name)
        try:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
        except Exception as exc:  # noqa: BLE001 - any failure is the user's file: refused, never a traceback
            if "Chart" in str(meta.typ) or "Dialog" in str(meta.typ) or "Macro" in str(meta.typ):
                builder.notes.append(f"sheet {name} is a {str(meta.typ).split('.')[-1]}, not cells: skipped")
                continue
            raise refuse(f"sheet {name!r} cannot be read ({type(exc).__name__}: {str(exc)[:100]})", source,
                         f"a {label} workbook Excel opens without repair",
                         "open it in Excel or WPS, save it again and add that file") from None
        _sheet(name, rows, merged, builder)
    if hidden:
        builder.notes.append("hidden sheets read too: " + ", ".join(hidden))
    if not any(line.strip() for line in builder.lines):
        raise refuse(f"the {label} workbook has no values in any sheet", source, "a workbook with data")
    return builder.build(fmt, version(), source)


def _quoted(name: str) -> str:
    return name if _PLAIN_NAME.fullmatch(name) else "'" + name.replace("'", "''") + "'"


def _sheet(name: str, rows: list[list], merged, builder: Builder) -> None:
    sheet = _quoted(name)
    ranges = {}
    for (r0, c0), (r1, c1) in merged:
        ranges[(r0, c0)] = f"{column_letters(c0)}{r0 + 1}:{column_letters(c1)}{r1 + 1}"
    builder.blank(Location(sheet, sheet=name))
    for r, values in enumerate(rows):
        cells = [clean(cell_value(v)) for v in values]
        while cells and not cells[-1]:
            cells.pop()
        number = r + 1
        refs = tuple(f"{sheet}!{ranges.get((r, c), f'{column_letters(c)}{number}')}"
                     for c in range(len(cells)))
        if not cells:
            builder.blank(Location(f"{name} row {number}", sheet=name, row=number))
        elif len(cells) == 1:
            builder.text(cells[0], Location(refs[0], refs, sheet=name, row=number))
        else:
            builder.row(cells, Location(f"{name} row {number}", refs, sheet=name, row=number))
