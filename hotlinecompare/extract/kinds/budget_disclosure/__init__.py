"""Parser for a department budget disclosure (部门预算公开信息), such as 贵阳 12345 中心 2024.

The kind's shape: ``detect`` scores a text, ``parse`` reads a document into facts, ``reconcile`` checks
the arithmetic its facts imply.
"""

from hotlinecompare.extract.kinds.budget_disclosure.checks import reconcile, reconcile_rows
from hotlinecompare.extract.kinds.budget_disclosure.detection import detect
from hotlinecompare.extract.kinds.budget_disclosure.parsing import parse

__all__ = ["detect", "parse", "reconcile", "reconcile_rows"]
