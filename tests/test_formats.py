"""Format converters (issue 14): PDF, DOCX, XLS/XLSX and HTML to the text form, with locations.

The fixtures in tests/fixtures/formats/ are the seed documents (data/raw/*.txt) rendered
the way offices publish them by tests/fixtures/make_formats.py; converting them back must
give the seed's numbers (≥ 98 % of its numeric tokens, compared by value), its table
rows as tab-separated cells, and a location for every line that points at the right
page, sheet cell, Word table cell or HTML element.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.formats import Derived, convert, sniff
from hotlinecompare.extract.formats import word as word_module
from hotlinecompare.extract.formats.model import join_wrapped, number_text

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
FIX = Path(__file__).resolve().parent / "fixtures" / "formats"
SEEDS = ("guangzhou_undated_project_targets", "guiyang_2024_budget_disclosure",
         "jiangning_2026_project_targets", "suzhou_2022_self_evaluation",
         "suzhou_2024_project_targets")
FORMATS = ("pdf", "docx", "xlsx", "html")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")

_cache: dict[str, Derived] = {}


def derived(name: str) -> Derived:
    if name not in _cache:
        _cache[name] = convert((FIX / name).read_bytes(), name)
    return _cache[name]


def seed(stem: str) -> str:
    return (RAW / f"{stem}.txt").read_text(encoding="utf-8")


def numbers(text: str) -> Counter:
    """The multiset of numeric tokens, by value (0.00 and 0 are the same number; Excel stores 0)."""
    return Counter(Decimal(t).normalize() for t in _NUMBER.findall(text))


def recall(stem: str, fmt: str) -> float:
    want = numbers(seed(stem))
    got = numbers(derived(f"{stem}.{fmt}").text)
    missing = want - got
    return 1 - sum(missing.values()) / sum(want.values())


def _norm_cell(cell: str) -> str:
    cell = re.sub(r"\s+", "", cell)
    return str(Decimal(cell).normalize()) if re.fullmatch(r"\d+(?:\.\d+)?", cell) else cell


def table_rows(text: str) -> Counter:
    """Table rows (lines with a tab) as the tuple of their non-empty cells, normalised."""
    rows = Counter()
    for line in text.split("\n"):
        if "\t" in line:
            cells = tuple(_norm_cell(c) for c in line.split("\t") if c.strip())
            if len(cells) >= 2:
                rows[cells] += 1
    return rows


# --- round trips ----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", SEEDS)
def test_numeric_tokens_come_back(stem, fmt):
    assert recall(stem, fmt) >= 0.98


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", SEEDS)
def test_table_rows_come_back_as_tab_separated_cells(stem, fmt):
    want = table_rows(seed(stem))
    got = table_rows(derived(f"{stem}.{fmt}").text)
    found = sum((want & got).values())
    assert found / sum(want.values()) >= 0.95, sorted((want - got).elements())[:5]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", SEEDS)
def test_every_line_has_a_location(stem, fmt):
    d = derived(f"{stem}.{fmt}")
    lines = d.text.split("\n")
    assert len(d.locations) == len(lines)
    assert d.fmt == fmt
    assert re.search(r"\d+\.\d+", d.converter)          # library and version
    for n, line in enumerate(lines, 1):
        assert d.location(n)
        cells = line.split("\t")
        if len(cells) > 1:
            assert len(d.locations[n - 1].cells) == len(cells)
            for i in range(len(cells)):
                assert d.location(n, i)


def test_location_outside_the_text_is_an_index_error():
    d = derived("guangzhou_undated_project_targets.docx")
    with pytest.raises(IndexError):
        d.location(len(d.locations) + 1)


# --- PDF ------------------------------------------------------------------------------------

def _line_with(d: Derived, *starts: str) -> int:
    for n, line in enumerate(d.text.split("\n"), 1):
        if all(s in line for s in starts):
            return n
    raise AssertionError(f"no line with {starts}")


def _pages_with(pdf_name: str, needle: str) -> list[int]:
    import pdfplumber

    with pdfplumber.open(FIX / pdf_name) as pdf:
        return [p.page_number for p in pdf.pages if needle in "".join(c["text"] for c in p.chars)]


def test_pdf_spot_checked_numbers_have_their_page_and_cell():
    name = "guiyang_2024_budget_disclosure.pdf"
    d = derived(name)
    n = _line_with(d, "2080505", "6.16")
    cells = d.text.split("\n")[n - 1].split("\t")
    col = cells.index("6.16")
    loc = d.locations[n - 1]
    assert loc.page in _pages_with(name, "2080505")
    assert d.location(n) == f"p.{loc.page} table {loc.table} row {loc.row}"
    assert d.location(n, col) == f"p.{loc.page} table {loc.table} row {loc.row} cell {col + 1}"
    n = _line_with(d, "30101", "基本工资")
    assert d.locations[n - 1].page in _pages_with(name, "30101")
    assert d.text.split("\n")[n - 1].split("\t")[-1] == "16. 35"     # the seed's spacing kept


def test_pdf_table_split_over_pages_is_joined_and_its_repeated_header_dropped():
    stem = "suzhou_2024_project_targets"
    d = derived(f"{stem}.pdf")
    joins = [n for n in d.notes if "continues on" in n]
    assert joins and all("repeated header" in n for n in joins)
    repeated = [x for x in d.dropped if x[2] == "repeated table header"]
    assert len(repeated) == len(joins)
    # the table's header row appears in the text as often as in the seed, not once per page
    header = "一级指标\t二级指标\t三级指标"
    assert d.text.count(header) == seed(stem).count(header)
    # rows of one joined table keep one table number over several pages
    pages_by_table: dict[int, set[int]] = {}
    for loc in d.locations:
        if loc.table:
            pages_by_table.setdefault(loc.table, set()).add(loc.page)
    assert any(len(pages) > 1 for pages in pages_by_table.values())


def test_pdf_merged_header_cell_is_not_repeated():
    d = derived("suzhou_2024_project_targets.pdf")
    n = _line_with(d, "项目资金 (万元)", "收入")
    assert d.text.split("\n")[n - 1].split("\t")[:4] == ["项目资金 (万元)", "收入", "", ""]


@pytest.mark.parametrize("stem,pattern", [
    ("guangzhou_undated_project_targets", r"— \d+ —"),
    ("guiyang_2024_budget_disclosure", r"第 \d+ 页"),
    ("jiangning_2026_project_targets", r"- \d+ -"),
])
def test_pdf_page_numbers_and_running_headers_are_dropped(stem, pattern):
    d = derived(f"{stem}.pdf")
    import pypdfium2

    pages = len(pypdfium2.PdfDocument(str(FIX / f"{stem}.pdf")))
    numbers_dropped = [x for x in d.dropped if x[2] == "page number"]
    assert len(numbers_dropped) == pages
    assert all(re.fullmatch(pattern, x[1]) for x in numbers_dropped)
    assert not any(re.fullmatch(pattern, line) for line in d.text.split("\n"))
    title = next(line for line in seed(stem).split("\n") if line.strip())
    assert d.text.count(title.strip()) == seed(stem).count(title.strip())   # header text only once
    assert sum(x[2] == "running header" for x in d.dropped) == pages


def test_pdf_wrapped_paragraph_is_one_line():
    d = derived("guiyang_2024_budget_disclosure.pdf")
    lines = d.text.split("\n")
    n = _line_with(d, "2024年部门收入预算总额 575.61万元")
    assert "本年收入中:财政拨款收入 575.61万元。" in lines[n - 1]


def test_pdf_paragraph_over_a_page_break_is_one_line():
    stem = "suzhou_2022_self_evaluation"
    d = derived(f"{stem}.pdf")
    spanning = [n for n, loc in enumerate(d.locations, 1) if loc.page_end]
    assert spanning
    seed_lines = set(seed(stem).split("\n"))
    for n in spanning:
        loc = d.locations[n - 1]
        assert loc.page_end == loc.page + 1 and d.location(n) == f"p.{loc.page}–{loc.page_end}"
        assert d.text.split("\n")[n - 1] in seed_lines


def test_pdf_with_an_image_only_page_is_read_and_says_so():
    d = convert((FIX / "partly_scanned.pdf").read_bytes(), "partly_scanned.pdf")
    assert d.text.split("\n") == ["Budget total 575.61", "", "Staff 15 posts", "", "Calls 1,203,456"]
    assert [d.location(n) for n in (1, 3, 5)] == ["p.1", "p.2", "p.3"]
    assert any(n.startswith("page 4 is an image without a text layer") and "ocrmypdf" in n for n in d.notes)


def test_scanned_pdf_is_refused_with_the_ocr_advice():
    with pytest.raises(HotlineError) as err:
        convert((FIX / "scanned.pdf").read_bytes(), "scanned.pdf")
    message = str(err.value)
    assert "scanned.pdf" in message
    assert "no text layer: run OCR first, e.g. ocrmypdf, then add the PDF it writes" in message


def test_encrypted_pdf_is_refused():
    with pytest.raises(HotlineError) as err:
        convert((FIX / "encrypted.pdf").read_bytes(), "encrypted.pdf")
    message = str(err.value)
    assert "encrypted.pdf" in message and "encrypted" in message and "password" in message
    assert "qpdf --decrypt" in message


def test_pdf_with_only_an_owner_password_is_read():
    d = convert((FIX / "owner_locked.pdf").read_bytes(), "owner_locked.pdf")
    want = numbers(seed("guangzhou_undated_project_targets"))
    assert not want - numbers(d.text)


def test_truncated_pdf_is_refused():
    data = (FIX / "guangzhou_undated_project_targets.pdf").read_bytes()[:3000]
    with pytest.raises(HotlineError) as err:
        convert(data, "cut.pdf")
    assert "cut.pdf" in str(err.value)


# --- Word -----------------------------------------------------------------------------------

def test_docx_cell_locations_match_python_docx():
    import docx

    name = "suzhou_2024_project_targets.docx"
    document = docx.Document(str(FIX / name))
    d = derived(name)
    checked = 0
    for n, line in enumerate(d.text.split("\n"), 1):
        loc = d.locations[n - 1]
        if loc.table is None or "\t" not in line:
            continue
        for i, cell in enumerate(line.split("\t")):
            if not cell or not re.fullmatch(r"\d+(?:\.\d+)?", cell):
                continue
            m = re.fullmatch(r"table (\d+) row (\d+) cell (\d+)", d.location(n, i))
            t, r, c = (int(g) for g in m.groups())
            assert document.tables[t - 1].cell(r - 1, c - 1).text == cell
            checked += 1
    assert checked > 50


def test_docx_merged_cells_are_not_repeated():
    d = derived("suzhou_2024_project_targets.docx")
    lines = d.text.split("\n")
    n = _line_with(d, "项目资金 (万元)", "收入")
    assert lines[n - 1].split("\t")[:4] == ["项目资金 (万元)", "收入", "", ""]   # gridSpan
    # vMerge: the label merged down over the next rows is not copied into them
    assert lines[n].split("\t")[0] == "" and "资金总额" in lines[n]
    assert d.text.count("项目资金 (万元)") == seed("suzhou_2024_project_targets").count("项目资金 (万元)")


def test_docx_paragraph_locations():
    d = derived("jiangning_2026_project_targets.docx")
    assert d.text.split("\n")[0] == "江宁区项目预算绩效目标申报表"
    assert d.location(1) == "para 1"


def test_doc_without_libreoffice_says_how_to_convert(monkeypatch):
    monkeypatch.setattr(word_module.shutil, "which", lambda name: None)
    data = (FIX / "legacy.doc").read_bytes()
    assert sniff(data, "legacy.doc") == "doc"
    with pytest.raises(HotlineError) as err:
        convert(data, "legacy.doc")
    message = str(err.value)
    assert "legacy.doc" in message and "soffice --headless --convert-to docx" in message


def test_doc_with_libreoffice_is_converted_and_read(monkeypatch):
    docx_bytes = (FIX / "jiangning_2026_project_targets.docx").read_bytes()
    calls = []

    def fake_run(args, **kwargs):
        calls.append(args)
        outdir = Path(args[args.index("--outdir") + 1])
        (outdir / "input.docx").write_bytes(docx_bytes)
        return subprocess.CompletedProcess(args, 0, b"", b"")

    monkeypatch.setattr(word_module.shutil, "which", lambda name: "/opt/fake/soffice")
    monkeypatch.setattr(word_module.subprocess, "run", fake_run)
    d = convert((FIX / "legacy.doc").read_bytes(), "legacy.doc")
    assert calls and calls[0][:2] == ["/opt/fake/soffice", "--headless"]
    assert "--convert-to" in calls[0] and "docx" in calls[0]
    assert d.fmt == "doc" and d.converter.startswith("LibreOffice")
    assert d.text == derived("jiangning_2026_project_targets.docx").text
    assert any("LibreOffice" in n for n in d.notes)


def test_doc_that_libreoffice_cannot_convert_is_refused(monkeypatch):
    monkeypatch.setattr(word_module.shutil, "which", lambda name: "/opt/fake/soffice")
    monkeypatch.setattr(word_module.subprocess, "run",
                        lambda args, **kw: subprocess.CompletedProcess(args, 1, b"", b"Error: source file could not be loaded"))
    with pytest.raises(HotlineError) as err:
        convert((FIX / "legacy.doc").read_bytes(), "legacy.doc")
    assert "could not be loaded" in str(err.value)


# --- spreadsheets ---------------------------------------------------------------------------

def test_xlsx_numbers_as_stored_not_as_displayed():
    d = convert((FIX / "numbers.xlsx").read_bytes(), "numbers.xlsx")
    lines = d.text.split("\n")
    assert lines[0] == "存储值与显示值"
    assert d.location(1) == "数字!A1:D1"                 # the merged title's range
    assert lines[2] == "甲\t1234.5\t0.48\t2024-03-11"     # shown as 1,234.50 / 48% / 2024年3月11日
    assert lines[3] == "乙\t575.61\t1"                    # 575.61 shown as 575.6, 1.0 as 100%
    assert lines[4] == "丙\t1234\t12345678901"            # integral floats without .0
    assert d.location(3, 1) == "数字!B3"
    assert d.location(3) == "数字 row 3"


def test_xlsx_spot_checked_cells():
    d = derived("guangzhou_undated_project_targets.xlsx")
    n = _line_with(d, "合计", "620.57")
    assert d.location(n, 1) == "表1!B5"
    n = _line_with(d, "2021年信息化建设项目", "158")
    assert d.location(n, 1).startswith("表2!B")
    d = derived("guiyang_2024_budget_disclosure.xlsx")
    n = _line_with(d, "2080505")
    loc = d.locations[n - 1]
    assert d.location(n, 2) == f"{loc.sheet}!C{loc.row}"
    assert d.text.split("\n")[n - 1].split("\t")[2] == "6.16"


def test_xlsx_every_sheet_is_read():
    import python_calamine

    data = (FIX / "guiyang_2024_budget_disclosure.xlsx").read_bytes()
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    d = derived("guiyang_2024_budget_disclosure.xlsx")
    assert {loc.sheet for loc in d.locations} == set(book.sheet_names)


def test_xls_is_read_through_calamine():
    data = (FIX / "legacy.xls").read_bytes()
    assert sniff(data, "legacy.xls") == "xls"
    d = convert(data, "legacy.xls")
    assert d.fmt == "xls" and "calamine" in d.converter
    n = _line_with(d, "合计", "620.57")
    assert d.text.split("\n")[n - 1] == "合计\t620.57\t620.57"
    assert d.location(n, 2) == "表1!C5"


def test_password_protected_office_file_is_refused():
    sys.path.insert(0, str(FIX.parent))
    import make_formats

    data = make_formats.render_ole2("EncryptedPackage", b"\x01" * 5000)
    with pytest.raises(HotlineError) as err:
        convert(data, "locked.xlsx")
    assert "locked.xlsx" in str(err.value) and "password-protected" in str(err.value)


def test_corrupt_xlsx_is_refused():
    data = (FIX / "corrupt.xlsx").read_bytes()
    assert sniff(data, "corrupt.xlsx") == "xlsx"        # known by its local zip headers
    with pytest.raises(HotlineError) as err:
        convert(data, "corrupt.xlsx")
    message = str(err.value)
    assert "corrupt.xlsx" in message and "damaged or truncated" in message and "re-download" in message


# --- HTML -----------------------------------------------------------------------------------

def test_html_portal_furniture_is_dropped():
    d = derived("guiyang_2024_budget_disclosure.html")
    for furniture in ("首页", "当前位置", "备案号", "相关链接", "访问量", "_hmt", "font-family"):
        assert furniture not in d.text
    reasons = " ".join(x[2] for x in d.dropped)
    for kind in ("head", "nav", "breadcrumb", "footer", "script"):
        assert kind in reasons or kind in " ".join(x[0] for x in d.dropped)


def test_html_cell_locations_point_at_the_element():
    import lxml.html

    name = "guiyang_2024_budget_disclosure.html"
    root = lxml.html.fromstring((FIX / name).read_bytes())
    tables = root.xpath("//table")
    d = derived(name)
    checked = 0
    for n, line in enumerate(d.text.split("\n"), 1):
        for i, cell in enumerate(line.split("\t") if "\t" in line else []):
            if not re.fullmatch(r"\d+\.\d+", cell):
                continue
            m = re.fullmatch(r"table\[(\d+)\]/tr\[(\d+)\]/td\[(\d+)\]", d.location(n, i))
            t, r, k = (int(g) for g in m.groups())
            tr = tables[t - 1].xpath("tr")[r - 1]
            assert tr.xpath("td|th")[k - 1].text_content().strip() == cell
            checked += 1
    assert checked > 100
    n = _line_with(d, "2024年部门收入预算总额")
    element = root.getroottree().xpath(d.location(n))[0]
    assert element.tag == "p" and "575.61" in element.text_content()


def test_html_rowspan_and_colspan_are_expanded_without_repeating():
    page = """<html><body><div class="breadcrumb">当前位置：首页</div>
    <table><tr><th colspan="2">收入</th><th>支出</th></tr>
    <tr><td rowspan="2">财政拨款</td><td>575.61</td><td>554.21</td></tr>
    <tr><td>0.00</td><td>9.69</td></tr></table><p>单位：万元<br>2024年</p></body></html>"""
    d = convert(page.encode("utf-8"), "t.html")
    assert d.text.split("\n") == ["收入\t\t支出", "财政拨款\t575.61\t554.21", "\t0.00\t9.69",
                                  "", "单位：万元", "2024年"]
    assert d.location(1, 1) == "table[1]/tr[1]/td[1]"        # covered by the colspan
    assert d.location(3, 0) == "table[1]/tr[2]/td[1]"        # covered by the rowspan
    assert d.location(3, 1) == "table[1]/tr[3]/td[1]"
    assert d.location(3, 2) == "table[1]/tr[3]/td[2]"


def test_gb2312_html_is_decoded():
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
            '<body><p>财政拨款收入 575.61 万元</p></body></html>')
    d = convert(page.encode("gb18030"), "gbk.html")
    assert d.text == "财政拨款收入 575.61 万元"


def test_layout_table_cells_are_read_as_blocks():
    page = ("<html><body><table><tr><td><p>标题</p><table><tr><td>项目</td><td>1.5</td></tr></table>"
            "</td></tr></table></body></html>")
    d = convert(page.encode(), "layout.html")
    assert d.text.split("\n") == ["标题", "", "项目\t1.5"]


# --- sniffing and the text passthrough -------------------------------------------------------

@pytest.mark.parametrize("name,fmt", [
    ("guiyang_2024_budget_disclosure.pdf", "pdf"), ("guiyang_2024_budget_disclosure.docx", "docx"),
    ("guiyang_2024_budget_disclosure.xlsx", "xlsx"), ("legacy.xls", "xls"), ("legacy.doc", "doc"),
    ("guiyang_2024_budget_disclosure.html", "html"), ("scanned.pdf", "pdf")])
def test_sniff_by_content_not_by_name(name, fmt):
    data = (FIX / name).read_bytes()
    assert sniff(data, name) == fmt
    assert sniff(data, "renamed.txt") == fmt


def test_pdf_renamed_txt_is_converted_as_pdf():
    data = (FIX / "jiangning_2026_project_targets.pdf").read_bytes()
    d = convert(data, "jiangning.txt")
    assert d.fmt == "pdf" and d.text.split("\n")[0] == "江宁区项目预算绩效目标申报表"


def test_seed_text_is_text_even_with_markup_in_cells():
    data = (RAW / "jiangning_2026_project_targets.txt").read_bytes()      # has <p> in cells
    assert sniff(data, "x.html") == "text"
    assert sniff(b"<table><tr><td>1</td></tr></table>", "x.txt") == "html"


@pytest.mark.parametrize("stem", SEEDS)
def test_text_is_passed_through(stem):
    data = (RAW / f"{stem}.txt").read_bytes()
    d = convert(data, f"{stem}.txt")
    assert d.fmt == "text" and d.converter == "identity"
    assert d.text.split("\n") == seed(stem).split("\n")[:len(d.locations)]
    assert d.location(3) == "line 3"


def test_gb18030_text_is_decoded():
    d = convert("项目\t575.61\n".encode("gb18030"), "gbk.txt")
    assert d.text == "项目\t575.61"


@pytest.mark.parametrize("data,fragment", [
    (b"PK\x03\x04" + b"\0" * 40, "zip"),
    (b"\x00\x01\x02binary junk" * 10, "binary"),
    (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600, "OLE2"),
])
def test_other_files_are_refused_with_advice(data, fragment):
    with pytest.raises(HotlineError) as err:
        convert(data, "odd.bin")
    assert "odd.bin" in str(err.value) and fragment in str(err.value)


@pytest.mark.parametrize("name", ["guangzhou_undated_project_targets.pdf",
                                  "guangzhou_undated_project_targets.docx",
                                  "guangzhou_undated_project_targets.xlsx",
                                  "guangzhou_undated_project_targets.html", "legacy.xls"])
def test_damaged_files_give_a_hotline_error_never_a_traceback(name):
    data = (FIX / name).read_bytes()
    for cut in (0.1, 0.5, 0.9):
        part = data[: int(len(data) * cut)]
        try:
            result = convert(part, name)
        except HotlineError as err:
            assert name in str(err)
        else:
            assert isinstance(result, Derived)
    flipped = bytearray(data)
    for i in range(200, len(flipped), max(1, len(flipped) // 50)):
        flipped[i] ^= 0xFF
    try:
        convert(bytes(flipped), name)
    except HotlineError as err:
        assert name in str(err)


# --- helpers ----------------------------------------------------------------------------------

def test_number_text():
    assert number_text(1234.5) == "1234.5"
    assert number_text(1234.0) == "1234"
    assert number_text(0.1 + 0.2) == "0.30000000000000004"
    assert number_text(1e-7) == "0.0000001"
    assert number_text(12) == "12"


def test_join_wrapped():
    assert join_wrapped(["预算总额 2176.", "89 万元"]) == "预算总额 2176.89 万元"
    assert join_wrapped(["政务服务", "热线"]) == "政务服务热线"
    assert join_wrapped(["hotline", "centre"]) == "hotline centre"


# --- fixtures ---------------------------------------------------------------------------------

def test_fixtures_are_reproducible():
    """Re-rendering the DOCX, XLSX and HTML fixtures gives the committed bytes."""
    sys.path.insert(0, str(FIX.parent))
    import make_formats

    stem = "jiangning_2026_project_targets"
    text = make_formats.seed_text(stem)
    title = make_formats.title_of(text)
    assert make_formats.render_docx(text, title=title) == (FIX / f"{stem}.docx").read_bytes()
    assert make_formats.render_xlsx(text, title=title) == (FIX / f"{stem}.xlsx").read_bytes()
    assert make_formats.render_html(text, title=title) == (FIX / f"{stem}.html").read_bytes()
    assert make_formats.render_numbers_xlsx() == (FIX / "numbers.xlsx").read_bytes()
    with zipfile.ZipFile(FIX / f"{stem}.docx") as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_fixtures_are_small():
    for path in FIX.iterdir():
        assert path.stat().st_size < 300_000, path.name
