"""The income (项目资金 / 收入) and expenditure (支出) blocks of one project target form.

Rows are read one line at a time by :class:`MoneyBlock`, which remembers the
few things a broken PDF table spreads over two lines: a label whose value is on
the next line, an item named on the column-header line, an item whose
full-year value follows under a repeated ``全年(程) 预算数`` header.
"""

from __future__ import annotations

from dataclasses import dataclass

from hotlinecompare.extract.document import Cell
from hotlinecompare.extract.extraction import Extraction
from hotlinecompare.extract.numbers import read_cell

INCOME_LABELS = ("income_total", "income_subtotal", "income_general", "income_row")
INCOME_ROLES = INCOME_LABELS + ("income_group", "money_block")
EXPENDITURE_ROLES = ("expenditure_group", "half_year_column")
COLUMN_ROLES = ("half_year_column", "full_year_column")


@dataclass
class MoneyBlock:
    """Reading state of the money blocks of one form (``section`` = its project name)."""

    ex: Extraction
    section: str
    unit: str
    mode: str = ""                        # "income" or "expenditure" once a block has started
    waiting_label: Cell | None = None     # income label still waiting for its value
    valueless_label: Cell | None = None   # income label that never got a value
    waiting_item: Cell | None = None      # expenditure item named on a header line
    single: tuple[Cell, Cell] | None = None   # item and its only value, full-year maybe next line
    waiting_role: str = ""
    full_header_seen: bool = False

    # -- dispatch ----------------------------------------------------------
    def read(self, cells: list[Cell], roles: list[str]) -> None:
        """Read one line of the money blocks; lines outside them are left alone."""
        if any(r in INCOME_ROLES for r in roles):
            self.mode = "income"
        elif any(r in EXPENDITURE_ROLES for r in roles):
            self.mode = "expenditure"
        elif "full_year_column" in roles and self.mode != "expenditure":
            self.mode = "income"   # 全年(程) 预算数 alone heads the income column (江宁 l.15; 苏州 l.217)
        if self.mode == "income":
            self._income_row(cells, roles)
        elif self.mode == "expenditure":
            self._expenditure_row(cells, roles)

    def finish(self) -> None:
        """End of the money blocks (prose, indicator table or end of form follows)."""
        self._flush_single()
        self.mode = ""

    # -- income --------------------------------------------------------------
    def _income_row(self, cells: list[Cell], roles: list[str]) -> None:
        labels = [c for c, r in zip(cells, roles) if r in INCOME_LABELS]
        amounts = [c for c in cells if self._is_amount(c)]
        if labels:
            if self.waiting_label is not None and self.waiting_role == "income_total":
                self.valueless_label = self.waiting_label
            self.waiting_label = None
            label = labels[-1]
            self.waiting_role = roles[cells.index(label)]
            if amounts:
                self._income_fact(label, amounts[0])
                self._skip_extra(amounts[1:], "a second value on an income row with one column")
            else:
                self.waiting_label = label
        elif amounts and self.waiting_label is not None:
            # 江宁 puts 资金总额's value alone on a line below the 全年(程)预算数 header (l.14 → l.16).
            label, self.waiting_label = self.waiting_label, None
            self._income_fact(label, amounts[0], f"value alone on line {amounts[0].line}, below the "
                                                 f"column header; its label {label.text} is on line {label.line}")
            self._skip_extra(amounts[1:], "a second value on an income row with one column")
        else:
            self._skip_extra(amounts, "a number in the income block with no row label")

    def _income_fact(self, label: Cell, amount: Cell, note: str = "") -> None:
        if self.valueless_label is not None:
            # 苏州 党团活动费/一般宣传材料印刷费/法律顾问: 资金总额 sits on the header line with no value.
            gone = self.valueless_label
            note = "; ".join(filter(None, [note, f"{gone.text} (line {gone.line}) has no value in this form"]))
            self.valueless_label = None
        self.ex.cell_number(amount, basis="budget", table="income", section=self.section,
                            item=label.text, measure="amount", period="full_year", unit=self.unit,
                            note=note)

    # -- expenditure --------------------------------------------------------
    def _expenditure_row(self, cells: list[Cell], roles: list[str]) -> None:
        amounts = [c for c in cells if self._is_amount(c)]
        items = [c for c, r in zip(cells, roles) if not r and c not in amounts]
        full_header = next((c for c, r in zip(cells, roles) if r == "full_year_column"), None)
        is_header = any(r in COLUMN_ROLES for r in roles)
        completes_single = (self.single is not None and not items and len(amounts) == 1
                            and full_header is not None)
        if not completes_single:
            self._flush_single()
        if is_header and not amounts:
            self.full_header_seen |= full_header is not None
            if items:   # 苏州 l.387: the item name 宣传制作费 shares the column-header line
                self.waiting_item = items[0]
            return
        item = items[0] if items else None
        if item is None and self.waiting_item is not None and len(amounts) == 2:
            item, self.waiting_item = self.waiting_item, None
            note = f"item name on line {item.line} (the column-header line), values on line {amounts[0].line}"
            self._half_full(item, amounts, note)
        elif item is not None and len(amounts) >= 2:
            self._half_full(item, amounts[:2])
            self._skip_extra(amounts[2:], "a third value on a row with half-year and full-year columns")
        elif item is not None and len(amounts) == 1 and full_header and full_header.start > amounts[0].start:
            # 苏州 工作服定制 l.434: the full-year slot holds only its header text, no value.
            self._half(item, amounts[0], "the only value of the row; the full-year slot after it holds "
                                         "the header text 全年(程) 预算数 and no value")
        elif item is not None and len(amounts) == 1:
            self.single = (item, amounts[0])
        elif completes_single:
            # 苏州 党团活动费 l.342–343: the full-year value sits under a repeated 全年(程) 预算数 header.
            (item, half), self.single = self.single, None
            self._half(item, half)
            self._full(item, amounts[0], f"full-year value of {item.text} on line {amounts[0].line}, "
                                         f"after the header text 全年(程) 预算数")
        elif item is not None and not amounts:
            self.waiting_item = item
        else:
            self._skip_extra(amounts, "a number in the expenditure block with no item name")

    def _half_full(self, item: Cell, amounts: list[Cell], note: str = "") -> None:
        self._half(item, amounts[0], note)
        if not self.full_header_seen:
            # 苏州 热线系统软硬件维护 l.572: the header names only the half-year column.
            note = "; ".join(filter(None, [note, "this form's expenditure header has no 全年(程) 预算数; "
                                                 "the second value is read as full-year by column order"]))
        self._full(item, amounts[1], note)

    def _flush_single(self) -> None:
        if self.single is not None:
            item, amount = self.single
            self.single = None
            self.ex.cell_number(amount, basis="budget", table="expenditure", section=self.section,
                                item=item.text, measure="amount", period="unspecified", unit=self.unit,
                                note="one value where the half-year and full-year columns are expected; "
                                     "its column is not stated")

    def _half(self, item: Cell, amount: Cell, note: str = "") -> None:
        self.ex.cell_number(amount, basis="budget", table="expenditure", section=self.section,
                            item=item.text, measure="planned_execution", period="half_year",
                            unit=self.unit, note=note)

    def _full(self, item: Cell, amount: Cell, note: str = "") -> None:
        self.ex.cell_number(amount, basis="budget", table="expenditure", section=self.section,
                            item=item.text, measure="amount", period="full_year", unit=self.unit,
                            note=note)

    # -- helpers -------------------------------------------------------------
    def _is_amount(self, cell: Cell) -> bool:
        """A bare number (or one in the block's unit): 12345热线 or 2024年度 are labels, not amounts."""
        reading = read_cell(cell.text)
        return reading is not None and not reading.operator and reading.unit in ("", self.unit)

    def _skip_extra(self, amounts: list[Cell], why: str) -> None:
        for cell in amounts:
            self.ex.skip(cell.line, "orphan_value", f"{why}: {cell.text!r}", cell=cell)
