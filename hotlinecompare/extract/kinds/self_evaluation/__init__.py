"""Parser for the department self-evaluation report (部门（单位）整体支出预算绩效自评报告).

The kind's shape: ``detect`` scores a text, ``parse`` reads a document into facts, ``reconcile`` checks
the arithmetic its facts imply.

``parse`` is the seed template's parser; ``read`` (what the registry calls) gives a document of the
family in another layout to the genre reader (see ``reading``).
"""

from hotlinecompare.extract.kinds.self_evaluation.detection import detect
from hotlinecompare.extract.kinds.self_evaluation.parsing import parse
from hotlinecompare.extract.kinds.self_evaluation.reading import read, reconcile, reconcile_rows

__all__ = ["detect", "parse", "read", "reconcile", "reconcile_rows"]
