"""Parser for a wide project target table (项目支出绩效目标表), such as 广州 市长专线's.

The kind's shape: ``detect`` scores a text, ``parse`` reads a document into facts, ``reconcile`` checks
the arithmetic its facts imply.
"""

from hotlinecompare.extract.kinds.wide_project_targets.checks import reconcile, reconcile_rows
from hotlinecompare.extract.kinds.wide_project_targets.detection import detect
from hotlinecompare.extract.kinds.wide_project_targets.parsing import parse

__all__ = ["detect", "parse", "reconcile", "reconcile_rows"]
