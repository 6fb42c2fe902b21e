"""Operations reports (运行情况通报, 月报, 统计数据, 工作总结, 年度报告): actual outcomes; plan sections hold targets.

The kind's shape: ``detect`` scores a text, ``parse`` reads a document into facts, ``reconcile`` checks
the arithmetic its facts imply.
"""

from hotlinecompare.extract.kinds.operations_report.checks import reconcile, reconcile_rows
from hotlinecompare.extract.kinds.operations_report.detection import detect
from hotlinecompare.extract.kinds.operations_report.parsing import parse

__all__ = ["detect", "parse", "reconcile", "reconcile_rows"]
