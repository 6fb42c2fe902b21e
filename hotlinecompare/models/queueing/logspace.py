"""Poisson probabilities and incomplete-gamma ratios in log space, for the Erlang models.

See the package docstring for the numerical approach and its accuracy.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammainc, gammaincc, gammaln, logsumexp

# Below this an incomplete-gamma value is treated as underflowed and the series is used.
_UNDERFLOW = 1e-280
# A series stops once a bound on all its remaining terms is this small relative to its sum.
_SERIES_TOLERANCE = 1e-17
_HALF_LOG_TWO_PI = 0.5 * np.log(2 * np.pi)


def _stirling_error(x):
    """log Gamma(x+1) - log(sqrt(2 pi x) (x/e)^x) for x > 0 [Loader]."""
    large = x > 15
    big = np.where(large, x, 16.0)  # placeholders keep each unused branch finite
    small = np.where(large | (x <= 0), 1.0, x)
    xx = big * big
    series = (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / 1188 / xx) / xx) / xx) / xx) / big
    direct = gammaln(small + 1) - (small + 0.5) * np.log(small) + small - _HALF_LOG_TWO_PI
    return np.where(large, series, direct)


def _log_poisson_pmf(k, mean):
    """log(mean^k e^-mean / Gamma(k+1)) for real k >= 0, mean >= 0, without cancellation [Loader]."""
    k, mean = np.broadcast_arrays(np.asarray(k, float), np.asarray(mean, float))
    interior = (k > 0) & (mean > 0)
    kk = np.where(interior, k, 1.0)
    mm = np.where(interior, mean, 1.0)
    # Loader's bd0 = k log(k/mean) + mean - k: the log1p form avoids cancellation near k = mean,
    # the direct form avoids overflow of (k - mean)/mean when mean is tiny
    u = np.minimum((kk - mm) / mm, 1.0)
    near = mm * ((1 + u) * np.log1p(u) - u)
    far = kk * (np.log(kk) - np.log(mm)) + mm - kk
    deviance = np.where(kk <= 2 * mm, near, far)
    log_pmf = -_stirling_error(kk) - deviance - _HALF_LOG_TWO_PI - 0.5 * np.log(kk)
    at_zero_count = np.where(mean > 0, -mean, 0.0)  # P(X=0) = e^-mean
    at_zero_mean = np.where(k == 0, 0.0, -np.inf)  # Poisson(0) sits at 0
    return np.where(interior, log_pmf, np.where(k == 0, at_zero_count, at_zero_mean))


def _log_series(log_ratio, count):
    """log(sum_{j>=0} t_j) for `count` rows, with t_0 = 1 and log(t_{j+1}/t_j) = log_ratio(rows, j).

    The ratios must not increase with j. Terms are accumulated in log space in growing blocks
    and a row stops once the geometric bound t_last r / (1 - r) on its tail is negligible, so
    slowly decaying series (tens of thousands of terms) stay exact and cheap.
    """
    log_total = np.zeros(count)
    log_term = np.zeros(count)
    rows = np.arange(count)
    start, block = 0, 64
    while rows.size:
        steps = log_ratio(rows, np.arange(start, start + block, dtype=float))
        log_terms = log_term[rows, None] + np.cumsum(steps, axis=1)
        log_total[rows] = np.logaddexp(log_total[rows], logsumexp(log_terms, axis=1))
        log_term[rows] = log_terms[:, -1]
        last = steps[:, -1]
        log_tail = log_term[rows] + last - np.log(-np.expm1(np.minimum(last, -1e-300)))
        done = (last < 0) & (log_tail < log_total[rows] + np.log(_SERIES_TOLERANCE))
        rows = rows[~done]
        start, block = start + block, min(2 * block, 4096)
    return log_total


def _log_upper_ratio(n, a):
    """log(sum_{k=0..n} a^k/k! / (a^n/n!)) = -log ErlangB(n, a), for integer n >= 0 and a >= 0.

    Poisson cdf / Poisson pmf, with cdf = Q(n+1, a) [AS 6.5.13]; when the cdf underflows
    (a >> n) the finite sum sum_j prod_{i<j} (n-i)/a is used, whose terms then shrink fast.
    """
    cdf = gammaincc(n + 1, a)
    deep = cdf < _UNDERFLOW
    # np.array: 0-d inputs would otherwise give an unassignable scalar
    out = np.array(np.log(np.where(deep, 1.0, cdf)) - np.where(deep, 0.0, _log_poisson_pmf(n, a)))
    if np.any(deep):
        nd, ad = n[deep], a[deep]

        def log_ratio(rows, j):  # log((n - j)/a), -inf once the finite sum has ended
            remaining = np.maximum(nd[rows, None] - j, 0.0)
            return np.log1p((remaining - ad[rows, None]) / ad[rows, None])

        out[deep] = _log_series(log_ratio, nd.size)
    return out


def _log_lower_ratio(x, y):
    """log(sum_{j>=0} y^j / ((x+1)(x+2)...(x+j))) = log(P(x, y) / ppdf(x; y)), for x >= 0, y >= 0.

    P is the regularised lower incomplete gamma and ppdf(x; y) = y^x e^-y / Gamma(x+1)
    [AS 6.5.29]. The series itself is summed where P underflows (y << x) and where scipy
    falls back to its power series capped at 2000 terms (x > 200, 4.5 sqrt(x) <= x - y < 0.04 x;
    its cephes source), which is measurably wrong there for x >~ 1e6 (long patience).
    """
    lower = np.where(y > 0, gammainc(x, np.where(y > 0, y, 1.0)), 0.0)  # y == 0: the series gives 1
    gap = x - y
    capped = (x > 200) & (gap >= 4.5 * np.sqrt(x)) & (gap < 0.04 * x)
    use_series = (lower < _UNDERFLOW) | capped
    out = np.array(np.log(np.where(use_series, 1.0, lower))
                   - np.where(use_series, 0.0, _log_poisson_pmf(x, y)))
    if np.any(use_series):
        xs, ys = x[use_series], y[use_series]

        def log_ratio(rows, j):  # log(y / (x + j + 1)) without rounding drift over long sums
            denominator = xs[rows, None] + j + 1
            return np.log1p((ys[rows, None] - denominator) / denominator)

        out[use_series] = _log_series(log_ratio, xs.size)
    return out


def _log_lower_gamma(x, y):
    """log P(x, y), regularised lower incomplete gamma, robust to underflow (x >= 0, y >= 0)."""
    return _log_poisson_pmf(x, y) + _log_lower_ratio(x, y)
