"""External prices: one row per cited outsourcing contract, with the prices per head its figures support.

Reads the ``citations`` table (``extract.cited.read_citations``; contracts are grouped by ``subject``)
and ``data/cost_contract_terms.csv`` (per subject: which contract it belongs to, its kind, the term in
months when the cited rows do not state it, the period of a per-seat price, whether a seat is priced as
one agent, a ≥ when the price covers only part of the contract, tax, and how comparable it is).

Derived prices are computed, never typed, and only where both figures are stated:
annual price = (award, else budget) × 12 / term months; per agent-year = annual price / contract staff;
per seat-year = annual price / contract seats, or a stated per-seat price × 12 / its period in months.
A per-seat price of a seat priced as one full-time agent also gives a per agent-year price.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from hotlinecompare.harmonise.knowledge import read_data_csv
from hotlinecompare.schema import table_schema

TERMS_FILE = "cost_contract_terms.csv"
MONTHS_PER_YEAR = 12
FIGURES = {"contract_budget": "budget_yuan", "contract_award": "award_yuan", "contract_months": "months_cited",
           "contract_seats": "seats", "contract_staff": "staff", "contract_price_per_seat": "price_per_seat_yuan"}
COLUMNS = ("subject", "contract", "kind", "place_zh", "parent_zh", "city", "year", "budget_yuan", "award_yuan",
           "price_yuan", "price_basis", "months", "months_source", "seats", "staff", "price_per_seat_yuan",
           "annual_price_yuan", "per_seat_year_yuan", "per_agent_year_yuan", "price_operator", "tax",
           "comparability", "comparability_note", "cite_ids", "source_urls")


def read_contract_citations(root: Path | None = None) -> pl.DataFrame:
    """The contract rows of data/cited (read and checked by extract.cited)."""
    from hotlinecompare.extract.cited import CITED_DIR, read_citations
    from hotlinecompare.paths import project_root

    root = project_root() if root is None else Path(root)
    citations = read_citations(root / CITED_DIR, root=root)
    return citations.filter(pl.col("family") == "contract")


def _one(values: list[float]) -> float | None:
    """The single value a contract states for a figure (none if absent; two different values are refused)."""
    distinct = sorted(set(values))
    if len(distinct) > 1:
        raise ValueError(f"a contract states two values of one figure: {distinct}")
    return distinct[0] if distinct else None


def contract_prices(citations: pl.DataFrame, terms: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per contract subject: place, year, budget, award, months, seats, staff, derived prices, comparability."""
    terms = read_data_csv(TERMS_FILE) if terms is None else terms
    by_subject = {r["subject"]: r for r in terms.iter_rows(named=True)}
    contracts = citations.filter(pl.col("family") == "contract")
    missing = sorted(set(contracts["subject"]) - set(by_subject))
    if missing:
        raise ValueError(f"contract subjects without a row in hotlinecompare/data/{TERMS_FILE}: {', '.join(missing)}")
    rows = []
    for subject, group in contracts.group_by("subject", maintain_order=True):
        subject = subject[0]
        term = by_subject[subject]
        first = group.row(0, named=True)
        figure = {column: _one(group.filter(pl.col("measure") == measure)["value_std"].to_list())
                  for measure, column in FIGURES.items()}
        price, basis = (figure["award_yuan"], "award") if figure["award_yuan"] is not None else (figure["budget_yuan"], "budget")
        if figure["months_cited"] is not None:
            months, months_source = figure["months_cited"], "cited"
        elif term["term_months"]:
            months, months_source = float(term["term_months"]), "terms: " + term["term_source"]
        else:
            months, months_source = None, term["term_source"]
        annual = price * MONTHS_PER_YEAR / months if price is not None and months else None
        per_seat = annual / figure["seats"] if annual is not None and figure["seats"] else None
        per_agent = annual / figure["staff"] if annual is not None and figure["staff"] else None
        if figure["price_per_seat_yuan"] is not None and term["seat_price_period_months"]:
            per_seat = figure["price_per_seat_yuan"] * MONTHS_PER_YEAR / float(term["seat_price_period_months"])
            per_agent = per_seat if term["seat_priced_as"] == "agent" else per_agent
        rows.append({"subject": subject, "contract": term["contract"], "kind": term["kind"],
                     "place_zh": first["city_zh"], "parent_zh": first["parent_zh"], "city": first["city"],
                     "year": first["fiscal_year"], **{k: v for k, v in figure.items() if k != "months_cited"},
                     "price_yuan": price, "price_basis": basis if price is not None else None, "months": months,
                     "months_source": months_source, "annual_price_yuan": annual, "per_seat_year_yuan": per_seat,
                     "per_agent_year_yuan": per_agent, "price_operator": term["price_operator"] or "=",
                     "tax": term["tax"], "comparability": term["comparability"],
                     "comparability_note": term["comparability_note"],
                     "cite_ids": ";".join(sorted(group["cite_id"])),
                     "source_urls": ";".join(sorted(set(group["source_url"])))})
    schema = table_schema("contract_prices")
    return pl.DataFrame([{c: r.get(c) for c in schema} for r in rows], schema=schema)


def coverage(prices: pl.DataFrame) -> dict[str, int]:
    """How many contracts and places the table holds, in all and for government hotlines only."""
    hotline = prices.filter(pl.col("kind") == "government_hotline")
    return {"contracts": prices["contract"].n_unique(), "places": prices["place_zh"].n_unique(),
            "hotline_contracts": hotline["contract"].n_unique(), "hotline_places": hotline["place_zh"].n_unique(),
            "with_price_per_agent": prices.filter(pl.col("per_agent_year_yuan").is_not_null()).height}


def external_band(prices: pl.DataFrame) -> dict[str, float]:
    """Range and median of the per agent-year prices that are points (a ≥ floor is not ranked as a point)."""
    points = prices.filter(pl.col("per_agent_year_yuan").is_not_null() & (pl.col("price_operator") == "="))
    values = points["per_agent_year_yuan"].to_numpy()
    return {"n": int(values.size), "low": float(values.min()), "median": float(np.median(values)),
            "high": float(values.max())}


def place_in_band(price: float, prices: pl.DataFrame) -> dict[str, float]:
    """Where a price per agent-year sits among the external points: share of them below it, and the band."""
    band = external_band(prices)
    points = prices.filter(pl.col("per_agent_year_yuan").is_not_null() & (pl.col("price_operator") == "="))
    below = float((points["per_agent_year_yuan"] < price).mean())
    return {**band, "price": float(price), "share_of_external_below": below}
