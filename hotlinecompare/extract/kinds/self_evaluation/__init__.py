"""Parser for the department self-evaluation report (部门（单位）整体支出预算绩效自评报告).

The kind's shape: ``detect`` scores a text, ``parse`` reads a document into facts, ``reconcile`` checks
the arithmetic its facts imply.
"""

from hotlinecompare.extract.kinds.self_evaluation.checks import reconcile, reconcile_rows
from hotlinecompare.extract.kinds.self_evaluation.detection import detect
from hotlinecompare.extract.kinds.self_evaluation.parsing import parse

__all__ = ["detect", "parse", "reconcile", "reconcile_rows"]
