"""Scope notes (``data/scope_notes.csv``): what a city's numbers cover, attached to every row they qualify.

A note applies to a row when the city matches (a note with no city applies to every
place: a caveat of a kind of document, not of one place), the note's fiscal year is empty
or equal to the row's, the row's table is listed in ``tables`` (empty = every
table) and the regex ``match`` (empty = every row) is found in the row's label
text (item, section, kind, metric or measure, whitespace removed).
"""

from __future__ import annotations

import polars as pl

from hotlinecompare.harmonise.vocabulary import squashed

NOTE_COLUMNS = ("note_id", "city", "fiscal_year", "topic", "tables", "match", "note_en", "note_zh",
                "source_file", "line", "quote")


def scope_notes_table(notes: pl.DataFrame) -> pl.DataFrame:
    """The notes as a clean table, typed, in file order (the order the notes are read in)."""
    return (notes.select(NOTE_COLUMNS)
            .with_columns(pl.col("fiscal_year").replace("", None).cast(pl.Int64),
                          pl.col("line").replace("", None).cast(pl.Int64)))


def attach_notes(frame: pl.DataFrame, notes: pl.DataFrame, table: str, label_columns: list[str]) -> pl.DataFrame:
    """Add ``scope_note``: the ids of every applicable note, ';'-joined, in note order."""
    if frame.height == 0:
        return frame.with_columns(pl.lit("").alias("scope_note"))
    label = squashed(pl.concat_str([pl.col(c).cast(pl.String).fill_null("") for c in label_columns],
                                   separator="|"))
    hits = []
    for n in notes.iter_rows(named=True):
        tables = [t for t in n["tables"].split(";") if t]
        if tables and table not in tables:
            continue
        cond = pl.col("city") == n["city"] if n["city"] else pl.lit(True)
        if n["fiscal_year"]:
            cond = cond & (pl.col("fiscal_year") == int(n["fiscal_year"]))
        if n["match"]:
            cond = cond & label.str.contains(n["match"])
        hits.append(pl.when(cond.fill_null(False)).then(pl.lit(n["note_id"])))
    if not hits:
        return frame.with_columns(pl.lit("").alias("scope_note"))
    return frame.with_columns(pl.concat_list(hits).list.drop_nulls().list.join(";").alias("scope_note"))


def note_texts(ids: pl.Expr, notes: pl.DataFrame, lang: str = "en") -> pl.Expr:
    """The text of ';'-joined note ids, joined with ' | ' (lang 'en' or 'zh')."""
    mapping = dict(zip(notes["note_id"], notes[f"note_{lang}"]))
    return (ids.str.split(";").list.eval(pl.element().replace_strict(mapping, default=""))
            .list.eval(pl.element().filter(pl.element() != "")).list.join(" | "))
