"""The Python API: ``load(name)`` any clean table, ``compare(metric)`` a tidy city-by-metric view.

``load`` rebuilds ``data/clean/`` when it is missing or stale: stale means the
build stamp (``build_stamp.json``, written last by :func:`publish.write_tables`)
is missing, records another sha256 of ``data/raw/manifest.csv`` than the
current one, or a table's file is missing. Every raw file is checked against
the manifest's sha256 on rebuild, so the manifest's hash stands for the corpus.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from hotlinecompare.errors import HotlineError


def is_stale(clean_dir: Path, raw_dir: Path) -> bool:
    """True when ``clean_dir`` was not built from the current ``raw_dir/manifest.csv`` by the current
    package (its parsers, harmonisers and knowledge files: :func:`~hotlinecompare.output.publish.builder_hash`)."""
    from hotlinecompare.output.publish import STAMP, builder_hash, manifest_hash

    stamp = Path(clean_dir) / STAMP
    if not stamp.exists():
        return True
    recorded = json.loads(stamp.read_text(encoding="utf-8"))
    if recorded.get("manifest_sha256") != manifest_hash(raw_dir):
        return True
    if recorded.get("package_sha256") != builder_hash():
        return True
    return any(not (Path(clean_dir) / f"{t}.parquet").exists() for t in recorded.get("tables", []))


def rebuild(raw_dir: Path, clean_dir: Path) -> list[Path]:
    """raw → clean as ``hotlinecompare build`` does it: facts and reports, the partitioned fact dataset,
    every harmonised table, the Data Package and the workbook (stamp last)."""
    from hotlinecompare.extract.fact_build import build_facts, write_clean
    from hotlinecompare.extract.raw import load_corpus
    from hotlinecompare.pipeline import publish

    build = build_facts(load_corpus(Path(raw_dir)))
    return write_clean(build, clean_dir) + publish(build, raw_dir, clean_dir)


def _dirs(clean_dir, raw_dir) -> tuple[Path, Path]:
    from hotlinecompare import paths

    return (Path(clean_dir) if clean_dir is not None else paths.clean_dir(),
            Path(raw_dir) if raw_dir is not None else paths.raw_dir())


def load(name: str, *, clean_dir: Path | str | None = None, raw_dir: Path | str | None = None) -> pl.DataFrame:
    """A clean table (``facts``, ``spending``, ``unit_costs``, …) as a polars DataFrame, rebuilding if stale."""
    clean, raw = _dirs(clean_dir, raw_dir)
    if is_stale(clean, raw):
        rebuild(raw, clean)
    path = clean / f"{name}.parquet"
    if not path.exists():
        known = sorted(p.stem for p in clean.glob("*.parquet"))
        raise HotlineError(f"no clean table named {name!r}", file=str(clean), found=name,
                           expected="one of " + ", ".join(known))
    return pl.read_parquet(path)


def compare_frames(metric: str, service: pl.DataFrame, unit_costs: pl.DataFrame, scope_notes: pl.DataFrame,
                   cities: pl.DataFrame, *, basis: str | None = None, lang: str = "en") -> pl.DataFrame:
    """Pure core of :func:`compare`: rows of ``metric`` (a metric key or a unit-cost measure) across cities."""
    from hotlinecompare.harmonise.scope import note_texts

    if lang not in ("en", "zh"):
        raise HotlineError(f"unknown language {lang!r}", expected="'en' or 'zh'")
    if metric in set(service["metric_key"].to_list()):
        rows = service.filter(pl.col("metric_key") == metric).select(
            "city", "fiscal_year", "basis", pl.col("item").alias("variant"), "period", "operator", "value",
            pl.col("unit_std").alias("unit"), "scope_note", "fact_ids")
    elif metric in set(unit_costs["measure"].to_list()):
        rows = unit_costs.filter(pl.col("measure") == metric).select(
            "city", "fiscal_year", "basis",
            pl.concat_str([pl.col("employment_model"), pl.col("variant")], separator=": ").alias("variant"),
            pl.lit("annual").alias("period"),
            # a cost over a headcount ceiling (≤114 staff) is a floor: keep its ≥, don't turn it into =
            pl.col("value_operator").fill_null("=").replace("", "=").alias("operator"),
            pl.col("value_yuan").alias("value"), pl.concat_str([pl.lit("yuan per "), pl.col("per")]).alias("unit"),
            "scope_note", "inputs")
        rows = rows.rename({"inputs": "fact_ids"})
    else:
        known = sorted(set(service["metric_key"].to_list()) | set(unit_costs["measure"].to_list()))
        raise HotlineError(f"unknown metric {metric!r}", found=metric, expected="one of " + ", ".join(known))
    if basis is not None:
        rows = rows.filter(pl.col("basis") == basis)
    label = "name_en" if lang == "en" else "name_zh"
    labels = cities.select(pl.col("city_key").alias("city"), pl.col(label).alias("city_label"))
    return (rows.join(labels, on="city", how="left")
            .with_columns(note_texts(pl.col("scope_note"), scope_notes, lang).alias("scope_notes"))
            .select("city", "city_label", "fiscal_year", "basis", "variant", "period", "operator", "value", "unit",
                    "scope_notes", "fact_ids")
            .sort("city", "fiscal_year", "basis", "variant", "period", nulls_last=True))


def compare(metric: str, *, basis: str | None = None, lang: str = "en",
            clean_dir: Path | str | None = None, raw_dir: Path | str | None = None) -> pl.DataFrame:
    """City by metric: ``compare("connection_rate")``, ``compare("cost_per_staff_year", basis="budget/target")``.

    Columns: city, city_label (``lang`` en or zh), fiscal_year, basis, variant (item as written or
    employment model), period, operator, value, unit, scope_notes (text), fact_ids.
    """
    from hotlinecompare.harmonise.knowledge import load_knowledge

    tables = {n: load(n, clean_dir=clean_dir, raw_dir=raw_dir) for n in ("service", "unit_costs", "scope_notes")}
    return compare_frames(metric, tables["service"], tables["unit_costs"], tables["scope_notes"],
                          load_knowledge().cities, basis=basis, lang=lang)


def trace(fact_id: str, *, clean_dir: Path | str | None = None, raw_dir: Path | str | None = None):
    """Follow ``fact_id`` from its raw line to every clean row that uses it (tables loaded with :func:`load`)."""
    from hotlinecompare.output.trace import TRACED_TABLES
    from hotlinecompare.output.trace import trace as trace_tables

    tables = {name: load(name, clean_dir=clean_dir, raw_dir=raw_dir) for name in TRACED_TABLES}
    return trace_tables(fact_id, tables=tables, raw_dir=raw_dir)
