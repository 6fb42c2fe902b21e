"""The genre reader shared by the document families: prose, tables in any layout, qualifiers and meaning."""

from hotlinecompare.extract.kinds.genre.reader import read

__all__ = ["read"]
