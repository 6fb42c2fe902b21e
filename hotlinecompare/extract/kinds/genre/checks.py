"""Checks of facts read by the genre reader, and keeping them apart from a seed template's checks.

The genre reader's facts are in tables ``text`` (prose) and ``cells`` (table cells); a seed
template's checks expect its own tables and must not see them.
"""

from __future__ import annotations

import polars as pl

from hotlinecompare.extract.checks import check_row, checks_frame

GENRE_TABLES = frozenset({"text", "cells"})
# Shares of one total stated on one line add up to at most this (rounded percentages).
SHARE_SLACK = 0.5


def template_facts(facts: list[dict]) -> list[dict]:
    """The facts a seed template's parser made (not the genre reader's)."""
    return [f for f in facts if f["table"] not in GENRE_TABLES]


def reconcile(facts: pl.DataFrame) -> pl.DataFrame:
    return checks_frame(reconcile_rows(facts.to_dicts()))


def reconcile_rows(facts: list[dict]) -> list[dict]:
    """Shares stated in one prose line (占 a%, 占 b% …) of one total add up to no more than 100 %."""
    rows = []
    by_line: dict[tuple[str, int], list[dict]] = {}
    for f in facts:
        if f["table"] == "text" and f["measure"] == "share" and f["unit"] in ("%", "％") and f["value"] is not None:
            by_line.setdefault((f["doc_id"], f["line"]), []).append(f)
    for (doc_id, line), shares in sorted(by_line.items()):
        if len(shares) < 2:
            continue
        total = sum(f["value"] for f in shares)
        rows.append(check_row(doc_id, f"shares_at_most_whole:{shares[0]['fact_id']}",
                              f"line {line}: shares stated together ({', '.join(f['quote'] for f in shares)}) "
                              "are parts of one whole: together at most 100 %",
                              100.0, min(total, 100.0), SHARE_SLACK * len(shares), shares))
    return rows
