"""Money in constant prices and per resident: the reference series of ``data/reference``.

``cpi.csv`` holds the national consumer price index as the yearly % change the statistics bureau
states (``cpi_change_pct``); ``population.csv`` the resident population (常住人口) of places by year.
Each row carries its source address and the words that state the value, checked like a citation.
A price level chains the yearly changes to a base year (a parameter): ``level(base) = 1``,
``level(y) = level(y − 1) × (1 + change(y) / 100)``; constant-price money is ``nominal / level(year)``.
Per resident is money over the same place's population of the same year, in persons; where a year
is missing the value stays empty and the reason says so — nothing is interpolated.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from hotlinecompare.errors import HotlineError
from hotlinecompare.extract.cited import states_value
from hotlinecompare.extract.numbers import standardise

REFERENCE_DIR = Path("data") / "reference"
PERSON_UNITS = {"人": 1.0, "万人": 10_000.0, "万": 10_000.0, "萬人": 10_000.0}


def _read(path: Path) -> pl.DataFrame:
    frame = pl.read_csv(path, infer_schema=False).with_columns(pl.all().fill_null(""))
    for line, r in enumerate(frame.iter_rows(named=True), start=2):
        if not r["source_url"].startswith(("http://", "https://")):
            raise HotlineError("no source address", file=str(path), line=line, found=r["source_url"],
                               expected="the http(s) address of the page")
        if not states_value(r["phrase"], r["value"]):
            raise HotlineError(f"the phrase does not state the value {r['value']}", file=str(path), line=line,
                               found=r["phrase"], expected="a phrase that writes the value as the row gives it")
    return frame.with_columns(pl.col("year").cast(pl.Int64), pl.col("value").cast(pl.Float64))


def read_cpi(folder: Path | str) -> pl.DataFrame:
    """National CPI rows (year, change_pct, source_url, phrase), checked."""
    cpi = _read(Path(folder) / "cpi.csv")
    national = cpi.filter((pl.col("measure") == "cpi_change_pct") & (pl.col("place_zh") == ""))
    if national["year"].n_unique() != national.height:
        raise HotlineError("a year of the national CPI is given twice", file=str(Path(folder) / "cpi.csv"))
    return national.select("year", pl.col("value").alias("change_pct"), "source_url", "phrase").sort("year")


def read_population(folder: Path | str) -> pl.DataFrame:
    """Resident population rows in persons (place_zh, parent_zh, year, persons, source_url, phrase), checked."""
    path = Path(folder) / "population.csv"
    pop = _read(path)
    unknown = sorted(set(pop["unit"]) - set(PERSON_UNITS))
    if unknown:
        raise HotlineError("a population unit that is not a count of persons", file=str(path), found=", ".join(unknown),
                           expected=", ".join(PERSON_UNITS))
    return pop.select("place_zh", "parent_zh", "year",
                      (pl.col("value") * pl.col("unit").replace_strict(PERSON_UNITS, return_dtype=pl.Float64))
                      .alias("persons"), "source_url", "phrase", "note")


def price_level(cpi: pl.DataFrame, base_year: int) -> pl.DataFrame:
    """The price level of each year of ``cpi`` relative to ``base_year`` (= 1), chained from the yearly changes."""
    years = cpi["year"].to_list()
    if base_year not in years:
        raise HotlineError(f"no CPI for the base year {base_year}", expected=f"a year from {min(years)} to {max(years)}")
    change = dict(zip(years, cpi["change_pct"].to_list()))
    level = {base_year: 1.0}
    for y in range(base_year + 1, max(years) + 1):
        level[y] = level[y - 1] * (1 + change[y] / 100)
    for y in range(base_year - 1, min(years) - 1, -1):
        level[y] = level[y + 1] / (1 + change[y + 1] / 100)
    return pl.DataFrame({"year": list(level), "price_level": list(level.values())}).sort("year")


def in_constant_prices(frame: pl.DataFrame, cpi: pl.DataFrame, base_year: int, *, value: str = "value",
                       year: str = "fiscal_year") -> pl.DataFrame:
    """``frame`` with ``{value}_constant`` (yuan of ``base_year``) and ``price_base_year``; empty outside the series."""
    levels = price_level(cpi, base_year).rename({"year": year})
    return (frame.join(levels, on=year, how="left", maintain_order="left")
            .with_columns((pl.col(value) / pl.col("price_level")).alias(f"{value}_constant"),
                          pl.lit(base_year).alias("price_base_year"))
            .drop("price_level"))


def per_resident(frame: pl.DataFrame, population: pl.DataFrame, *, value: str = "value",
                 place: str = "city_zh", year: str = "fiscal_year") -> pl.DataFrame:
    """``frame`` with ``{value}_per_resident`` (over the same place and year's residents) and a reason when empty."""
    pop = population.select(pl.col("place_zh").alias(place), pl.col("year").alias(year), "persons") \
        .unique([place, year], keep="first", maintain_order=True)
    out = frame.join(pop, on=[place, year], how="left", maintain_order="left")
    return out.with_columns(
        (pl.col(value) / pl.col("persons")).alias(f"{value}_per_resident"),
        pl.when(pl.col("persons").is_null()).then(pl.lit("no resident population of this place and year"))
        .otherwise(pl.lit("")).alias("per_resident_note")).drop("persons")


def yuan(value: float, unit: str) -> float:
    """A money value in yuan (万元 → yuan), through the unit table."""
    amount, unit_std = standardise(value, unit)
    if unit_std != "yuan":
        raise HotlineError(f"{unit} is not money", found=unit, expected="a money unit of data/units.csv")
    return amount


# What money can be divided by: the per-X options of compare() and the service metric keys that give X.
# Only a centre's own volume: a city-wide all-platform count is not what one centre's spending serves.
PER_VOLUME = {"request": ("requests_received",), "call": ("calls_received",)}


def per_volume(rows: pl.DataFrame, service: pl.DataFrame, per: str, *, value: str = "value") -> pl.DataFrame:
    """``rows`` with ``{value}_per_{per}``: money over the same place and year's stated volume (requests or calls),
    the volume's basis and fact ids beside it; empty, with a reason, where no document states one."""
    if per not in PER_VOLUME:
        raise HotlineError(f"cannot divide by {per!r}", expected=", ".join(PER_VOLUME))
    volumes = (service.filter(pl.col("metric_key").is_in(PER_VOLUME[per]) & pl.col("value").is_not_null())
               .sort("metric_key")
               .unique(["city", "fiscal_year"], keep="first", maintain_order=True)
               .select("city", "fiscal_year", pl.col("value").alias("_volume"),
                       pl.col("metric_key").alias(f"{per}_volume_metric"), pl.col("basis").alias(f"{per}_volume_basis"),
                       pl.col("fact_ids").alias(f"{per}_volume_fact_ids")))
    out = rows.join(volumes, on=["city", "fiscal_year"], how="left", maintain_order="left")
    return out.with_columns(
        (pl.col(value) / pl.col("_volume")).alias(f"{value}_per_{per}"),
        pl.when(pl.col("_volume").is_null()).then(pl.lit(f"no {per} volume stated for this place and year"))
        .otherwise(pl.lit("")).alias(f"per_{per}_note")).drop("_volume")
