"""Checks of a final_accounts document: the genre reader's checks."""

from hotlinecompare.extract.kinds.genre.checks import reconcile, reconcile_rows

__all__ = ["reconcile", "reconcile_rows"]
