"""Checks of a general document: the genre reader's checks."""

from hotlinecompare.extract.kinds.genre.checks import reconcile, reconcile_rows

__all__ = ["reconcile", "reconcile_rows"]
