"""Parser for project budget performance target forms (苏州市市级项目预算绩效目标表, 江宁区项目预算绩效目标申报表).

The kind's shape: ``detect`` scores a text, ``parse`` reads a document into facts, ``reconcile`` checks
the arithmetic its facts imply.

``parse`` is the seed template's parser; ``read`` (what the registry calls) gives a document of the
family in another layout to the genre reader (see ``reading``).
"""

from hotlinecompare.extract.kinds.project_targets.detection import detect
from hotlinecompare.extract.kinds.project_targets.parsing import parse
from hotlinecompare.extract.kinds.project_targets.reading import read, reconcile, reconcile_rows

__all__ = ["detect", "parse", "read", "reconcile", "reconcile_rows"]
