"""The harmonisation knowledge files of ``hotlinecompare/data/`` as string frames (read once)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import polars as pl

FILES = {
    "vocabulary": "metric_vocabulary.csv",
    "spending_categories": "spending_categories.csv",
    "spending_rows": "spending_rows.csv",
    "spending_reconstructions": "spending_reconstructions.csv",
    "staffing_kinds": "staffing_kinds.csv",
    "unmapped_comments": "unmapped_comments.csv",
    "scope_notes": "scope_notes.csv",
    "unit_cost_recipes": "unit_cost_recipes.csv",
    "column_roles": "column_roles.csv",
}


@dataclass(frozen=True)
class Knowledge:
    """Every knowledge table harmonisation needs; pass your own to test a rule change."""

    vocabulary: pl.DataFrame
    spending_categories: pl.DataFrame
    spending_rows: pl.DataFrame
    spending_reconstructions: pl.DataFrame
    staffing_kinds: pl.DataFrame
    unmapped_comments: pl.DataFrame
    scope_notes: pl.DataFrame
    unit_cost_recipes: pl.DataFrame
    column_roles: pl.DataFrame
    cities: pl.DataFrame


def read_data_csv(file: str) -> pl.DataFrame:
    """A package data CSV with every column as a string, empty cells as ``""``, rows in file order."""
    path = resources.files("hotlinecompare").joinpath(f"data/{file}")
    with path.open("rb") as f:
        frame = pl.read_csv(f, infer_schema=False)
    return frame.with_columns(pl.all().fill_null(""))


def cities_frame(raw_dir: Path | str | None = None) -> pl.DataFrame:
    """The place registry beside ``raw_dir`` (default: the project's data/raw/places.csv, else the package
    seed) as a string frame."""
    from hotlinecompare.extract.places import load_registry

    rows = [{"city_key": c.key, "name_zh": c.name_zh, "name_en": c.name_en, "pinyin": c.pinyin,
             "admin_level": c.admin_level, "colour_hex": c.colour_hex, "hatch": c.hatch, "marker": c.marker}
            for c in load_registry(raw_dir)]
    return pl.DataFrame(rows, orient="row")


def load_knowledge(raw_dir: Path | str | None = None) -> Knowledge:
    """The knowledge files (read once) and the place registry of ``raw_dir`` (read when it changed)."""
    return Knowledge(**_files(), cities=cities_frame(raw_dir))


@lru_cache(maxsize=1)
def _files() -> dict[str, pl.DataFrame]:
    return {name: read_data_csv(file) for name, file in FILES.items()}
