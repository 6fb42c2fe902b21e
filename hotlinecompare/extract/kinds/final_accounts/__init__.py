"""Final accounts (部门决算, 单位决算, 决算公开): actual outcomes, with their 预算数 / 年初预算 as budget.

The kind's shape: ``detect`` scores a text, ``parse`` reads a document into facts, ``reconcile`` checks
the arithmetic its facts imply.
"""

from hotlinecompare.extract.kinds.final_accounts.checks import reconcile, reconcile_rows
from hotlinecompare.extract.kinds.final_accounts.detection import detect
from hotlinecompare.extract.kinds.final_accounts.parsing import parse

__all__ = ["detect", "parse", "reconcile", "reconcile_rows"]
