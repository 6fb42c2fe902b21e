"""Spending: every money fact as a line item, project total or department total, with a category.

Which facts are spending, and at which level, is data (``data/spending_rows.csv``,
first matching rule wins). ``level`` keeps parts and totals apart so that sums
never double count:

- ``item``: the finest non-overlapping amount the document gives (a project's
  line item, or a whole project / basic expenditure where nothing finer exists).
  Sum these, within one city, fiscal year, basis and measure.
- ``project_total``, ``subtotal``, ``department_total``: totals as published.
- ``cross_classification``: the same money classified another way (贵阳's
  functional classes); never add it to items.
- ``balance_total``: 收入总计 = 支出总计 of a budget or final account, the year's
  money plus carry-over from and to other years; never add it to anything.

A rule may also require the fact's basis and the column it was read from (``note``,
``column 全年执行数``), and may keep one fact per document (``one_per_section=document``):
an amount stated in the prose and again in a table is one amount.

Categories come from ``data/spending_categories.csv``: the regex ``pattern`` is
tried on the item name (whitespace removed) in file order and the first match
wins; an item matching nothing is ``other`` and listed as unclassified.
"""

from __future__ import annotations

import polars as pl

from hotlinecompare.errors import HotlineError
from hotlinecompare.harmonise.columns import own_values
from hotlinecompare.harmonise.vocabulary import first_match, squashed

LEVELS = ("item", "project_total", "subtotal", "department_total", "cross_classification", "balance_total")
# A project total and the sum of its items are "equal" within this many yuan (documents round to 0.01 万元).
TOLERANCE_YUAN = 100.0
# Amounts are rounded to the fen: removes float noise of 万元 × 10000 (6205700.000000001).
YUAN_DECIMALS = 2
REMAINDER_SCOPE = "project remainder (total not itemised)"
SPENDING_COLUMNS = ("city", "fiscal_year", "basis", "measure", "level", "scope", "section", "item", "category",
                    "amount_yuan", "doc_id", "fact_ids")


def _rule_expr(rules: pl.DataFrame) -> pl.Expr:
    """Index (file order) of the first spending rule matching a fact; null if none."""
    item, section = squashed(pl.col("item")), squashed(pl.col("section"))
    out = pl.lit(None, dtype=pl.Int64)
    for i, r in reversed(list(enumerate(rules.rows(named=True)))):
        cond = (pl.col("table").str.contains(f"^(?:{r['table']})$")
                & pl.col("measure").str.contains(f"^(?:{r['measure']})$")
                & pl.col("unit_std").str.contains(f"^(?:{r['unit_std']})$") & item.str.contains(r["item"])
                & pl.col("value_std").is_not_null())
        if r["period"]:
            cond = cond & pl.col("period").str.contains(f"^(?:{r['period']})$")
        if r["section"]:
            cond = cond & section.str.contains(r["section"])
        if r.get("basis"):
            cond = cond & pl.col("basis").str.contains(f"^(?:{r['basis']})$")
        if r.get("note"):
            cond = cond & pl.col("note").fill_null("").str.contains(r["note"])
        out = pl.when(cond).then(pl.lit(i)).otherwise(out)
    return out


def select_spending(facts: pl.DataFrame, rules: pl.DataFrame) -> pl.DataFrame:
    """Money facts matched by a rule, with the rule's level and scope; one project total per section."""
    rules = rules.with_row_index("rule").with_columns(pl.col("rule").cast(pl.Int64))
    matched = (facts.with_columns(_rule_expr(rules.drop("rule")).alias("rule"))
               .filter(pl.col("rule").is_not_null())
               .join(rules.select("rule", "level", "scope", "as_measure", "one_per_section"), on="rule", how="left")
               .with_columns(pl.when(pl.col("as_measure") != "").then(pl.col("as_measure"))
                             .otherwise(pl.col("measure")).alias("measure")))
    # Where a rule says so, keep only the first rule's fact per project (资金总额 before 小计).
    once = pl.col("one_per_section") == "yes"
    first = pl.col("rule") == pl.col("rule").min().over("doc_id", "section", "fiscal_year", "basis", "measure", "one_per_section")
    # ``document``: one fact per document, year, basis, measure, level and scope (prose and table state it twice).
    per_doc = pl.col("one_per_section") == "document"
    doc_key = ("doc_id", "fiscal_year", "basis", "measure", "level", "scope", "one_per_section")
    matched = (matched.with_row_index("_order").sort("rule", "line", "char_start", "fact_id")
               .with_columns((pl.int_range(pl.len()).over(doc_key) == 0).alias("_first_in_doc")).sort("_order"))
    return (matched.filter((~once | first) & (~per_doc | pl.col("_first_in_doc")))
            .select("city", "fiscal_year", "basis", "measure", "level", "scope", "section",
                    pl.col("item").alias("item"), pl.col("value_std").round(YUAN_DECIMALS).alias("amount_yuan"), "doc_id",
                    pl.col("fact_id").alias("fact_ids")))


def remainders(rows: pl.DataFrame) -> pl.DataFrame:
    """Items for the part of a project total its line items leave out (e.g. a form with the full-year cell empty).

    Without them a sum over items would silently drop that money; the remainder row
    cites the total and every item it was computed from.
    """
    keys = ["doc_id", "section", "fiscal_year", "basis", "measure"]
    items = (rows.filter(pl.col("level") == "item")
             .group_by(keys).agg(pl.col("amount_yuan").sum().alias("items_yuan"),
                                 pl.col("fact_ids").sort().str.join(";").alias("item_ids")))
    totals = rows.filter((pl.col("level") == "project_total") & (pl.col("scope") == "project total"))
    joined = totals.join(items, on=keys, how="left").with_columns(
        pl.col("items_yuan").fill_null(0.0), pl.col("item_ids").fill_null(""))
    gap = pl.col("amount_yuan") - pl.col("items_yuan")
    return (joined.filter(gap > TOLERANCE_YUAN)
            .with_columns(pl.lit("item").alias("level"), pl.lit(REMAINDER_SCOPE).alias("scope"),
                          pl.col("section").alias("item"), gap.round(YUAN_DECIMALS).alias("amount_yuan"),
                          pl.concat_str([pl.col("fact_ids"), pl.col("item_ids")], separator=";")
                          .str.strip_chars(";").alias("fact_ids"))
            .select(rows.columns))


def reconstructions(facts: pl.DataFrame, rules: pl.DataFrame) -> pl.DataFrame:
    """Amounts the documents imply but do not print (``data/spending_reconstructions.csv``): the year
    before = base − the stated change (a change is signed as stated: a decrease is negative).

    E.g. 贵阳's 2023 budget on its own scope = the 2024 total + the decrease the text states. Each row cites
    both facts; ``base_fiscal_year`` is the year of the base amount (the year whose like-for-like figure it is).
    """
    rows = []
    for r in rules.rows(named=True):
        city = facts.filter(pl.col("city") == r["city"])
        if city.height == 0:
            continue
        found = []
        for side in ("base", "change"):
            hit = city.filter((pl.col("table") == r[f"{side}_table"]) & (pl.col("measure") == r[f"{side}_measure"])
                              & squashed(pl.col("item")).str.contains(r[f"{side}_item"])
                              & pl.col("value_std").is_not_null()).sort("fact_id")
            if hit.height == 0:
                raise HotlineError(f"reconstruction {r['reconstruction_id']}: no {side} fact",
                                   file="hotlinecompare/data/spending_reconstructions.csv",
                                   expected=f"a fact with table={r[side + '_table']}, measure={r[side + '_measure']}, "
                                            f"item matching {r[side + '_item']}")
            found.append(hit.row(0, named=True))
        base, change = found
        rows.append({"city": r["city"], "fiscal_year": int(r["fiscal_year"]), "basis": base["basis"],
                     "measure": "amount", "level": r["level"], "scope": r["scope"], "section": base["section"],
                     "item": r["item"],
                     "amount_yuan": round(base["value_std"] - change["value_std"], YUAN_DECIMALS),
                     "doc_id": base["doc_id"], "fact_ids": f"{base['fact_id']};{change['fact_id']}",
                     "base_fiscal_year": base["fiscal_year"]})
    schema = {"city": pl.String, "fiscal_year": pl.Int64, "basis": pl.String, "measure": pl.String,
              "level": pl.String, "scope": pl.String, "section": pl.String, "item": pl.String,
              "amount_yuan": pl.Float64, "doc_id": pl.String, "fact_ids": pl.String, "base_fiscal_year": pl.Int64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def classify(rows: pl.DataFrame, categories: pl.DataFrame) -> pl.DataFrame:
    """Add ``category``: items by their name, totals by their project (section), department totals none."""
    by_item = first_match(squashed(pl.col("item")), categories, "pattern", "category")
    by_section = first_match(squashed(pl.col("section")), categories, "pattern", "category")
    category = (pl.when(pl.col("level").is_in(["department_total", "subtotal", "cross_classification", "balance_total"]))
                .then(pl.lit(""))
                .when(pl.col("level") == "project_total").then(by_section.fill_null(by_item).fill_null("other"))
                .when(pl.col("scope") == REMAINDER_SCOPE).then(by_section.fill_null("other"))
                .otherwise(by_item.fill_null(by_section).fill_null("other")))
    return rows.with_columns(category.alias("category"))


def spending_table(facts: pl.DataFrame, rules: pl.DataFrame, categories: pl.DataFrame,
                   derived: pl.DataFrame | None = None, column_roles: pl.DataFrame | None = None) -> pl.DataFrame:
    """The spending table: selected money facts, remainders, ``derived`` rows (reconstructions), classified."""
    if column_roles is not None:
        facts = own_values(facts, column_roles)
    rows = select_spending(facts, rules)
    parts = [rows, remainders(rows)]
    if derived is not None and derived.height:
        parts.append(derived.select(rows.columns))
    out = classify(pl.concat(parts), categories)
    level_order = pl.col("level").replace_strict({lv: i for i, lv in enumerate(LEVELS)}, default=len(LEVELS))
    return (out.sort("city", "fiscal_year", "doc_id", "basis", "measure", level_order, "fact_ids", nulls_last=True)
            .select(SPENDING_COLUMNS))


def unclassified_spending(spending: pl.DataFrame, categories: pl.DataFrame) -> pl.DataFrame:
    """Items in category ``other``, with why: the comment of the ``other`` rule they matched, or no match."""
    others = categories.filter(pl.col("category") == "other")
    reason = first_match(squashed(pl.col("item")), others, "pattern", "comment")
    return (spending.filter((pl.col("level") == "item") & (pl.col("category") == "other"))
            .with_columns(reason.fill_null("matches no pattern of data/spending_categories.csv").alias("reason"))
            .select("city", "fiscal_year", "basis", "measure", "section", "item", "amount_yuan", "reason", "fact_ids")
            .sort("city", "fiscal_year", "basis", "measure", "fact_ids", nulls_last=True))
