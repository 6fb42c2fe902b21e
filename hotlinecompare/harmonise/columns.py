"""Which table column a genre fact was read from, and whether that column holds the row's own value.

The genre reader (tables ``text`` and ``cells``) records a table cell's column header in the fact's
``note`` (``column 上年决算数``). A column of an earlier period, of changes, of evaluation points, of
shares or of row numbers (``data/column_roles.csv``) does not hold the quantity the row names for the
row's fiscal year, so harmonisation leaves such facts out of spending, staffing and service.
"""

from __future__ import annotations

import polars as pl

# Fact tables written by the genre reader (prose sentences and table cells of any layout).
GENRE_TABLES = ("text", "cells")


def is_genre() -> pl.Expr:
    return pl.col("table").is_in(GENRE_TABLES)


def other_column(roles: pl.DataFrame) -> pl.Expr:
    """True for a genre fact read from a column whose role says it is not the row's own value."""
    if roles.height == 0:
        return pl.lit(False)
    header = pl.col("note").fill_null("").str.strip_prefix("column ").str.replace_all(r"\s+", "")
    pattern = "|".join(f"(?:{p})" for p in roles["pattern"])
    return is_genre() & pl.col("note").fill_null("").str.starts_with("column ") & header.str.contains(pattern)


def own_values(facts: pl.DataFrame, roles: pl.DataFrame) -> pl.DataFrame:
    """The facts without genre cells from other columns (seed tables pass through unchanged)."""
    return facts.filter(~other_column(roles))
