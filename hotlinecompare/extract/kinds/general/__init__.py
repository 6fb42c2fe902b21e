"""Any readable document: never refused for its title; a basis only where the sentence gives one.

The kind's shape: ``detect`` scores a text, ``parse`` reads a document into facts, ``reconcile`` checks
the arithmetic its facts imply.
"""

from hotlinecompare.extract.kinds.general.checks import reconcile, reconcile_rows
from hotlinecompare.extract.kinds.general.detection import detect
from hotlinecompare.extract.kinds.general.parsing import parse

__all__ = ["detect", "parse", "reconcile", "reconcile_rows"]
