"""Parser for project budget performance target forms (苏州市市级项目预算绩效目标表, 江宁区项目预算绩效目标申报表).

The kind's shape: ``detect`` scores a text, ``parse`` reads a document into facts, ``reconcile`` checks
the arithmetic its facts imply.
"""

from hotlinecompare.extract.kinds.project_targets.checks import reconcile, reconcile_rows
from hotlinecompare.extract.kinds.project_targets.detection import detect
from hotlinecompare.extract.kinds.project_targets.parsing import parse

__all__ = ["detect", "parse", "reconcile", "reconcile_rows"]
