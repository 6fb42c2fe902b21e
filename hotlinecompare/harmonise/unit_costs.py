"""Unit costs: annual cost per staff member, per seat, per centre — derived from the harmonised tables by recipe.

Each recipe (``data/unit_cost_recipes.csv``) names a numerator (spending rows by a
pattern on the item or its project, or rate facts such as 元/月 by item) and a
denominator (staffing rows by kind, hotline, item, year, period and basis — or
one unit when the numerator is already per seat or per centre). Every output row keeps both sides, their fact ids and the formula
with its numbers, so it can be recomputed from the fact table alone. A recipe
with a ``missing_reason`` yields a row with an empty value saying why.
"""

from __future__ import annotations

import polars as pl

from hotlinecompare.errors import HotlineError
from hotlinecompare.harmonise.vocabulary import squashed
from hotlinecompare.schema import table_schema

# A monthly rate times the months of a year is the annual cost (元/月 → yuan per year).
MONTHS_PER_YEAR = 12
# Standard money units (data/units.csv) → factor to a yearly amount.
PER_YEAR = {"yuan": 1, "yuan_per_year": 1, "yuan_per_month": MONTHS_PER_YEAR,
            "yuan_per_seat_month": MONTHS_PER_YEAR}
# Derived yuan values are rounded to this many decimals (removes float noise such as 660699.9999999999).
DECIMALS = 4
# The bound a ceiling or floor in the denominator puts on the cost per unit.
BOUND_FROM_DENOMINATOR = {"<=": ">=", "<": ">", ">=": "<=", ">": "<", "=": "=", "": "="}
# The unit_costs table before its scope notes are attached (harmonise/scope adds ``scope_note``).
UNIT_COST_SCHEMA = {k: v for k, v in table_schema("unit_costs").items() if k != "scope_note"}


def number_text(x: float) -> str:
    """A number for a formula: no exponent, no trailing zeros (2497800, 5761.5)."""
    return f"{x:.6f}".rstrip("0").rstrip(".")


def _ids(frame: pl.DataFrame) -> list[str]:
    return sorted({i for ids in frame["fact_ids"].to_list() for i in ids.split(";") if i})


def numerators(recipe: dict, spending: pl.DataFrame, facts: pl.DataFrame) -> list[dict]:
    """The recipe's numerator, one per (fiscal year, basis, measure) group: annual yuan, terms, fact ids."""
    source = recipe["numerator_source"]
    if source == "none":
        return []
    if source == "spending":
        named = (squashed(pl.col("item")).str.contains(recipe["numerator_item"])
                 | squashed(pl.col("section")).str.contains(recipe["numerator_item"]))
        rows = spending.filter((pl.col("city") == recipe["city"]) & named
                               & pl.col("level").str.contains(f"^(?:{recipe['numerator_level']})$")
                               & pl.col("measure").str.contains(f"^(?:{recipe['numerator_measure']})$")
                               & pl.col("scope").str.contains(recipe["numerator_scope"]))
        rows = rows.with_columns(pl.col("amount_yuan").alias("amount"), pl.lit("yuan").alias("unit_std"))
    elif source == "facts":
        rows = (facts.filter((pl.col("city") == recipe["city"]) & pl.col("unit_std").is_in(list(PER_YEAR))
                             & squashed(pl.col("item")).str.contains(recipe["numerator_item"]))
                .select("fiscal_year", "basis", "measure", "unit_std", pl.col("value_std").alias("amount"),
                        pl.col("fact_id").alias("fact_ids")))
    else:
        raise HotlineError(f"unknown numerator_source {source!r} in recipe {recipe['recipe_id']}",
                           file="hotlinecompare/data/unit_cost_recipes.csv", expected="spending, facts or none")
    out = []
    for key, group in rows.sort("fact_ids").group_by("fiscal_year", "basis", "measure", maintain_order=True):
        units = set(group["unit_std"].to_list())
        if len(units) != 1:
            raise HotlineError(f"recipe {recipe['recipe_id']} mixes units {sorted(units)} in one numerator",
                               file="hotlinecompare/data/unit_cost_recipes.csv")
        unit = units.pop()
        terms = group["amount"].to_list()
        out.append({"fiscal_year": key[0], "basis": key[1], "terms": terms, "unit": unit,
                    "annualisation": PER_YEAR[unit], "amount": sum(terms) * PER_YEAR[unit],
                    "fact_ids": _ids(group)})
    return out


def denominator(recipe: dict, staffing: pl.DataFrame, fiscal_year: int | None) -> dict | None:
    """The recipe's denominator from the staffing table for that city and year; None if the recipe needs none."""
    if not recipe["denominator_kind"]:
        return None
    if recipe["denominator_year"]:  # a count from another year (e.g. staff in post at the end of the year before)
        fiscal_year = int(recipe["denominator_year"])
    year = pl.col("fiscal_year").is_null() if fiscal_year is None else pl.col("fiscal_year") == fiscal_year
    cond = (pl.col("city") == recipe["city"]) & year & (pl.col("kind") == recipe["denominator_kind"])
    if recipe["denominator_hotline"]:
        cond = cond & (pl.col("hotline") == recipe["denominator_hotline"])
    if recipe["denominator_item"]:
        cond = cond & squashed(pl.col("item")).str.contains(recipe["denominator_item"])
    for column in ("period", "basis"):
        if recipe[f"denominator_{column}"]:
            cond = cond & pl.col(column).str.contains(f"^(?:{recipe[f'denominator_{column}']})$")
    rows = staffing.filter(cond).sort("fact_ids")
    if rows.height > 1 and recipe["denominator_aggregate"] != "sum":
        raise HotlineError(f"recipe {recipe['recipe_id']} matches {rows.height} counts for {fiscal_year}",
                           file="hotlinecompare/data/unit_cost_recipes.csv", found=", ".join(rows["fact_ids"]),
                           expected="one count (narrow the denominator columns) or denominator_aggregate=sum")
    if rows.height == 0:
        return {"count": None, "terms": [], "operator": "", "basis": "", "fact_ids": []}
    operators = set(rows["operator"].to_list())
    return {"count": float(rows["count"].sum()), "terms": rows["count"].to_list(),
            "operator": operators.pop() if len(operators) == 1 else "", "fact_ids": _ids(rows),
            "basis": "/".join(sorted(set(rows["basis"].to_list())))}


def _formula(num: dict | None, den: dict | None, recipe: dict) -> str:
    unit = recipe["denominator_unit"]
    if num is None:
        return "not computable: no numerator in the documents"
    terms = [number_text(t) for t in num["terms"]]
    left = terms[0] if len(terms) == 1 else "(" + " + ".join(terms) + ")"
    per_month = num["annualisation"] == MONTHS_PER_YEAR
    left += f" yuan per {unit} per month" if per_month else " yuan"
    if per_month:
        left += f" × {MONTHS_PER_YEAR} months"
    if den is None:
        return f"{left} / 1 {unit}"
    if den["count"] is None:
        return f"{left} / ? {unit} (no count in the documents)"
    right = [number_text(t) for t in den["terms"]]
    return f"{left} / {right[0] if len(right) == 1 else '(' + ' + '.join(right) + ')'} {unit}"


def _row(recipe: dict, num: dict | None, den: dict | None) -> dict:
    fiscal_year = num["fiscal_year"] if num else (int(recipe["fiscal_year"]) if recipe["fiscal_year"] else None)
    num_basis = num["basis"] if num else recipe["denominator_basis"]
    basis = num_basis if not den or not den["basis"] or den["basis"] == num_basis else f"{num_basis}/{den['basis']}"
    count = None if recipe["missing_reason"] else (1.0 if den is None else den["count"])
    value = round(num["amount"] / count, DECIMALS) if (num is not None and count) else None
    bound = BOUND_FROM_DENOMINATOR.get(den["operator"], "") if den else "="
    caveats = " ".join(c for c in (recipe["missing_reason"], recipe["caveats"]) if c)
    if den is not None and den["count"] is None:
        caveats = (caveats + " No matching count in the staffing table.").strip()
    num_ids, den_ids = (num["fact_ids"] if num else []), (den["fact_ids"] if den else [])
    year_part = str(fiscal_year) if fiscal_year is not None else "undated"
    return {
        "unit_cost_id": f"{recipe['recipe_id']}-{year_part}-{basis.replace('/', '_')}",
        "city": recipe["city"], "fiscal_year": fiscal_year, "basis": basis,
        "employment_model": recipe["employment_model"], "measure": recipe["measure"], "variant": recipe["variant"],
        "value_operator": bound if value is not None else "",
        "value_yuan": value, "per": recipe["per"], "numerator_yuan": round(num["amount"], DECIMALS) if num else None,
        "annualisation": num["annualisation"] if num else None, "denominator": count,
        "denominator_unit": recipe["denominator_unit"],
        "formula": "not computable: " + recipe["missing_reason"] if recipe["missing_reason"]
        else _formula(num, den, recipe),
        "inputs": ";".join(sorted(set(num_ids) | set(den_ids))), "numerator_fact_ids": ";".join(num_ids),
        "denominator_fact_ids": ";".join(den_ids), "caveats": caveats,
    }


def unit_cost_table(recipes: pl.DataFrame, spending: pl.DataFrame, staffing: pl.DataFrame,
                    facts: pl.DataFrame) -> pl.DataFrame:
    """Every unit cost the recipes define, one row per recipe and numerator group (or one 'why not' row)."""
    rows = []
    for recipe in recipes.rows(named=True):
        nums = numerators(recipe, spending, facts)
        if not nums:
            rows.append(_row(recipe, None, None if not recipe["denominator_kind"] else
                             denominator(recipe, staffing, int(recipe["fiscal_year"]) if recipe["fiscal_year"] else None)))
        for num in nums:
            rows.append(_row(recipe, num, denominator(recipe, staffing, num["fiscal_year"])))
    frame = pl.DataFrame(rows, schema=UNIT_COST_SCHEMA, orient="row")
    return frame.sort("city", "fiscal_year", "measure", "employment_model", "unit_cost_id", nulls_last=True)
