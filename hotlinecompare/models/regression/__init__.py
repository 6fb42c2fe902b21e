"""Regression of hotline satisfaction on spending, honest at small n.

There are only a handful of cities and years, so every function here is built
to (a) refuse to answer when the data cannot support the model, (b) say how
uncertain the answer is, with small-sample methods beside the textbook ones,
and (c) never silently pool actual outcomes with targets.

All functions are pure: a polars panel plus keyword parameters in, a frozen
dataclass or a polars frame out. Random numbers come only from
``numpy.random.default_rng(seed)``; no dates, no file I/O, no module state.

Panel contract (built elsewhere in the package)::

    city (str), fiscal_year (int), basis ("actual" | "target"),
    measure (str), satisfaction (fraction in (0, 1]), spending_yuan (> 0),
    optional extra spending columns, fact_ids (';'-joined provenance ids)

The slope is always "change in satisfaction per unit of the regressor"; with
``log_x=True`` (the default) the regressor is ``ln(x)``, so a 10 % rise in
spending moves satisfaction by ``slope * ln(1.1)`` (fraction scale for OLS,
logit scale for the fractional logit).

Modules, in the order they build on each other:

* ``panel_checks``: ``check_basis`` and the other refusals on the raw panel
* ``design``: the design matrix (log spending, city effects) and its checks
* ``fits``: ``fit_ols``, ``fit_fractional_logit``, ``fit_mixed``, ``FitResult``
* ``permutation``: ``permutation_test``, ``PermutationResult``
* ``wild_bootstrap``: ``wild_bootstrap_ci``, ``BootstrapResult``
* ``diagnostics``: ``leave_one_city_out``, ``influence``
* ``summary``: ``summarise_fits``, ``compare_methods``
"""

from __future__ import annotations

from hotlinecompare.models.regression.diagnostics import influence, leave_one_city_out
from hotlinecompare.models.regression.fits import (
    SMALL_N_THRESHOLD,
    FitResult,
    fit_fractional_logit,
    fit_mixed,
    fit_ols,
)
from hotlinecompare.models.regression.panel_checks import check_basis
from hotlinecompare.models.regression.permutation import (
    PermutationResult,
    permutation_test,
)
from hotlinecompare.models.regression.summary import compare_methods, summarise_fits
from hotlinecompare.models.regression.wild_bootstrap import BootstrapResult, wild_bootstrap_ci

__all__ = [
    "FitResult",
    "PermutationResult",
    "BootstrapResult",
    "check_basis",
    "fit_ols",
    "fit_fractional_logit",
    "fit_mixed",
    "permutation_test",
    "wild_bootstrap_ci",
    "leave_one_city_out",
    "influence",
    "summarise_fits",
    "compare_methods",
    "SMALL_N_THRESHOLD",
]
