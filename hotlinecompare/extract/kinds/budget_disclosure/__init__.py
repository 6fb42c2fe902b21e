"""Parser for a department budget disclosure (部门预算公开信息), such as 贵阳 12345 中心 2024.

The kind's shape: ``detect`` scores a text, ``parse`` reads a document into facts, ``reconcile`` checks
the arithmetic its facts imply.

``parse`` is the seed template's parser; ``read`` (what the registry calls) gives a document of the
family in another layout to the genre reader (see ``reading``).
"""

from hotlinecompare.extract.kinds.budget_disclosure.detection import detect
from hotlinecompare.extract.kinds.budget_disclosure.parsing import parse
from hotlinecompare.extract.kinds.budget_disclosure.reading import read, reconcile, reconcile_rows

__all__ = ["detect", "parse", "read", "reconcile", "reconcile_rows"]
