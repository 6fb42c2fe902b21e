"""The Python API: ``load(name)`` any clean table, ``compare(metric)`` a tidy city-by-metric view.

``load`` checks ``data/clean/`` against its build stamp before reading (``build_stamp.json``, see
:mod:`hotlinecompare.output.stamp`) and rebuilds it, under the project's lock, when it is missing or
stale: the stamp is missing, the package, the manifest or a raw file changed (size and mtime first,
the sha256 when they differ), or an output is missing or unreadable. An output that reads but differs
from what the build wrote was edited by hand: ``load`` refuses it with an error naming the file.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from hotlinecompare.errors import HotlineError


def is_stale(clean_dir: Path, raw_dir: Path) -> bool:
    """True when ``clean_dir`` is not what the current package would build from ``raw_dir`` (see the
    module docstring); a HotlineError when one of its outputs was edited by hand."""
    from hotlinecompare.output.publish import builder_hash
    from hotlinecompare.output.stamp import freshness

    return not freshness(Path(clean_dir), Path(raw_dir), builder_hash()).fresh


def rebuild(raw_dir: Path, clean_dir: Path) -> list[Path]:
    """raw → clean as ``hotlinecompare build`` does it (locked, built beside ``clean_dir`` and swapped in);
    the files written."""
    from hotlinecompare.output.stamp import output_files
    from hotlinecompare.pipeline import build

    build(Path(raw_dir), Path(clean_dir))
    return output_files(Path(clean_dir))


def _dirs(clean_dir, raw_dir) -> tuple[Path, Path]:
    from hotlinecompare import paths

    return (Path(clean_dir) if clean_dir is not None else paths.clean_dir(),
            Path(raw_dir) if raw_dir is not None else paths.raw_dir())


def ensure_fresh(clean: Path, raw: Path) -> None:
    """Rebuild ``clean`` if it is stale; a HotlineError if an output was edited by hand."""
    from hotlinecompare.extract.folders import locked
    from hotlinecompare.pipeline import build

    try:
        if not is_stale(clean, raw):
            return
    except HotlineError:
        pass   # decided under the lock: a build may have been swapping the folder in as we looked
    with locked(raw, clean):
        if is_stale(clean, raw):
            build(raw, clean)


def load(name: str, *, clean_dir: Path | str | None = None, raw_dir: Path | str | None = None) -> pl.DataFrame:
    """A clean table (``facts``, ``spending``, ``unit_costs``, …) as a polars DataFrame, rebuilding if stale."""
    clean, raw = _dirs(clean_dir, raw_dir)
    ensure_fresh(clean, raw)
    path = clean / f"{name}.parquet"
    if not path.exists():
        known = sorted(p.stem for p in clean.glob("*.parquet"))
        raise HotlineError(f"no clean table named {name!r}", file=str(clean), found=name,
                           expected="one of " + ", ".join(known))
    return pl.read_parquet(path)


# Money metrics compare() offers beyond service metrics and unit costs: spending levels of the spending table.
SPENDING_METRICS = {"department_total": "department_total", "project_total": "project_total"}


def compare_frames(metric: str, service: pl.DataFrame, unit_costs: pl.DataFrame, scope_notes: pl.DataFrame,
                   cities: pl.DataFrame, *, basis: str | None = None, lang: str = "en",
                   spending: pl.DataFrame | None = None) -> pl.DataFrame:
    """Pure core of :func:`compare`: rows of ``metric`` (a metric key, a unit-cost measure or a spending level)
    across cities."""
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
    elif metric in SPENDING_METRICS and spending is not None:
        rows = spending.filter(pl.col("level") == SPENDING_METRICS[metric]).select(
            "city", "fiscal_year", "basis", pl.concat_str([pl.col("measure"), pl.col("item")], separator=": ")
            .alias("variant"), pl.lit("annual").alias("period"), pl.lit("=").alias("operator"),
            pl.col("amount_yuan").alias("value"), pl.lit("yuan").alias("unit"), "scope_note", "fact_ids")
    else:
        known = sorted(set(service["metric_key"].to_list()) | set(unit_costs["measure"].to_list())
                       | set(SPENDING_METRICS))
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


def compare(metric: str, *, basis: str | None = None, lang: str = "en", prices: str = "nominal",
            base_year: int = 2024, per: str | None = None,
            clean_dir: Path | str | None = None, raw_dir: Path | str | None = None) -> pl.DataFrame:
    """City by metric: ``compare("connection_rate")``, ``compare("cost_per_staff_year", basis="budget/target")``,
    ``compare("department_total", prices="constant", base_year=2024, per="resident")``.

    Columns: city, city_label (``lang`` en or zh), fiscal_year, basis, variant (item as written or
    employment model), period, operator, value, unit, scope_notes (text), fact_ids. For money (unit
    ``yuan…``): ``prices="constant"`` adds ``value_constant`` in yuan of ``base_year`` (national CPI of
    ``data/reference/cpi.csv``); ``per="resident"`` adds ``value_per_resident`` (same place and year's
    resident population, ``data/reference/population.csv``); ``per="request"`` or ``"call"`` adds the value
    over the same place and year's stated volume, with that volume's basis and fact ids. Where a
    denominator is missing the value is empty and a note column says so; nothing is interpolated.
    """
    from hotlinecompare import paths
    from hotlinecompare.harmonise import normalised
    from hotlinecompare.harmonise.knowledge import load_knowledge

    raw = Path(raw_dir) if raw_dir is not None else paths.raw_dir()
    names = ("service", "unit_costs", "scope_notes", "spending")
    tables = {n: load(n, clean_dir=clean_dir, raw_dir=raw) for n in names}
    rows = compare_frames(metric, tables["service"], tables["unit_costs"], tables["scope_notes"],
                          load_knowledge(raw).cities, basis=basis, lang=lang, spending=tables["spending"])
    if prices not in ("nominal", "constant"):
        raise HotlineError(f"unknown prices {prices!r}", expected="'nominal' or 'constant'")
    money = rows["unit"].str.starts_with("yuan").all() and rows.height > 0
    if (prices == "constant" or per is not None) and not money:
        raise HotlineError(f"{metric} is not money: it has no constant prices or per-head values",
                           expected="a unit cost, department_total or project_total")
    reference = raw.parent / "reference"
    if prices == "constant":
        rows = normalised.in_constant_prices(rows, normalised.read_cpi(reference), base_year)
    if per == "resident":
        cities = load_knowledge(raw).cities.select(pl.col("city_key").alias("city"), pl.col("name_zh").alias("city_zh"))
        rows = normalised.per_resident(rows.join(cities, on="city", how="left", maintain_order="left"),
                                       normalised.read_population(reference)).drop("city_zh")
    elif per is not None:
        rows = normalised.per_volume(rows, tables["service"], per)
    return rows


def trace(fact_id: str, *, clean_dir: Path | str | None = None, raw_dir: Path | str | None = None):
    """Follow ``fact_id`` from its raw line to every clean row that uses it (tables loaded with :func:`load`)."""
    from hotlinecompare.output.trace import TRACED_TABLES
    from hotlinecompare.output.trace import trace as trace_tables

    tables = {name: load(name, clean_dir=clean_dir, raw_dir=raw_dir) for name in TRACED_TABLES}
    return trace_tables(fact_id, tables=tables, raw_dir=raw_dir)
