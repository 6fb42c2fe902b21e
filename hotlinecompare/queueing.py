"""Call-centre queueing models: Erlang B, Erlang C and Erlang A (M/M/n+M), vectorised.

Units throughout: offered traffic in ERLANGS (arrival rate x mean handling time),
times (handling time, answer target, patience, waits) in SECONDS, rates per SECOND.
Every public function broadcasts its arguments like numpy; scalar inputs give numpy
scalars, array inputs give arrays.

Numerical approach: every model reduces to ratios of a regularised incomplete gamma
function to a Poisson probability. Both are evaluated in log space (scipy's
``gammainc``/``gammaincc`` and Loader's saddle-point Poisson log-pmf), with an exact
positive-term series, summed in log space, wherever the incomplete gamma underflows or
scipy's own series is truncated. Probabilities are accurate
to ~1e-12 absolute with no overflow for tens of thousands of agents; only when abandonment
is very rare (patience thousands of times the handling time) does Erlang A's p_abandon
lose relative precision (~1e-9), because it is a difference of two near-equal terms.

Sources cited in comments:
  [Cooper]  R. B. Cooper, Introduction to Queueing Theory, 2nd ed., 1981, ch. 3.
  [GKM]     N. Gans, G. Koole, A. Mandelbaum, "Telephone call centers: tutorial, review,
            and research prospects", MSOM 5(2), 2003.
  [MZ]      A. Mandelbaum, S. Zeltyn, "The M/M/n+G queue: summary of performance
            measures", Technion note, 2007 (M/M/n+M special case).
  [GMR]     O. Garnett, A. Mandelbaum, M. Reiman, "Designing a call center with impatient
            customers", MSOM 4(3), 2002.
  [AS]      Abramowitz & Stegun, Handbook of Mathematical Functions, ch. 6.
  [Loader]  C. Loader, "Fast and accurate computation of binomial probabilities", 2000.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammainc, gammaincc, gammaln, logsumexp

# Below this an incomplete-gamma value is treated as underflowed and the series is used.
_UNDERFLOW = 1e-280
# A series stops once a bound on all its remaining terms is this small relative to its sum.
_SERIES_TOLERANCE = 1e-17
_HALF_LOG_TWO_PI = 0.5 * np.log(2 * np.pi)


# ---------------------------------------------------------------------------
# Special-function helpers (all in log space)
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------

def _broadcast(**named):
    """Convert named inputs to broadcast float arrays (copies, so they are writeable)."""
    arrays = np.broadcast_arrays(*(np.asarray(value, dtype=float) for value in named.values()))
    return [np.array(array) for array in arrays]


def _require(name, values, *, positive=False, allow_infinite=False, integer=False):
    """Raise ValueError unless values are non-negative (or positive), finite, integral as asked."""
    if np.any(np.isnan(values)):
        raise ValueError(f"{name} must not contain NaN")
    if not allow_infinite and np.any(np.isinf(values)):
        raise ValueError(f"{name} must be finite")
    if positive and np.any(values <= 0):
        raise ValueError(f"{name} must be > 0")
    if np.any(values < 0):
        raise ValueError(f"{name} must be >= 0")
    if integer and np.any(values != np.floor(values)):
        raise ValueError(f"{name} must be whole numbers of agents")


def _require_probability_target(name, values):
    if np.any(np.isnan(values)) or np.any((values <= 0) | (values >= 1)):
        raise ValueError(f"{name} must lie strictly between 0 and 1")


def _quiet():
    """Silence the harmless over/underflow of log-space intermediates (results are exact limits)."""
    return np.errstate(divide="ignore", over="ignore", under="ignore")


def _scalar_or_array(values):
    """0-d arrays become numpy scalars; other shapes are returned unchanged."""
    return values[()]


# ---------------------------------------------------------------------------
# Erlang B and C (M/M/n/n and M/M/n)
# ---------------------------------------------------------------------------

def _erlang_b(n, a):
    return np.exp(-_log_upper_ratio(n, a))


def _erlang_c(n, a):
    """Erlang C for float arrays n (whole numbers), a >= 0; 1 when unstable, 0 without traffic."""
    stable = n > a
    gap = np.where(stable, n - a, 1.0)
    # C = nB / (n - a(1-B)) = n / ((n-a)/B + a) [Cooper], evaluated in logs
    log_c = np.log(np.where(stable, n, 1.0)) - np.logaddexp(np.log(gap) + _log_upper_ratio(n, a), np.log(a))
    c = np.where(stable, np.minimum(np.exp(log_c), 1.0), 1.0)
    return np.where(a > 0, c, 0.0)


def _erlang_c_service_level(n, a, aht, target_seconds):
    # P(wait <= t) = 1 - C exp(-(n - a) t / aht) [GKM]; 0 when the queue is unstable
    stable = n > a
    decay = np.exp(-np.where(stable, n - a, 0.0) * target_seconds / aht)
    level = np.where(stable, 1.0 - _erlang_c(n, a) * decay, 0.0)
    return np.where(a > 0, level, 1.0)


def erlang_b(agents, traffic):
    """Erlang B blocking probability of an M/M/n/n loss system.

    agents: whole number of servers n >= 0; traffic: offered load A in erlangs.
    B(n, A) = Poisson pmf(n; A) / Poisson cdf(n; A), evaluated in log space, so it
    is stable for thousands of agents and any load (no factorials are formed).
    """
    n, a = _broadcast(agents=agents, traffic=traffic)
    _require("agents", n, integer=True)
    _require("traffic", a)
    with _quiet():
        return _scalar_or_array(_erlang_b(n, a))


def erlang_c(agents, traffic):
    """Erlang C probability that a call waits (M/M/n), in [0, 1].

    agents: whole number of agents n; traffic: offered load A in erlangs.
    C = n B / (n - A (1 - B)) with B the Erlang B value. Returns 1.0 when
    agents <= traffic (no steady state: every call eventually waits), 0.0 when traffic is 0.
    """
    n, a = _broadcast(agents=agents, traffic=traffic)
    _require("agents", n, integer=True)
    _require("traffic", a)
    with _quiet():
        return _scalar_or_array(_erlang_c(n, a))


def service_level(agents, traffic, aht, target_seconds):
    """Erlang C service level: fraction of calls answered within target_seconds.

    agents: whole number of agents; traffic in erlangs; aht (mean handling time) and
    target_seconds in seconds. SL = 1 - C exp(-(n - A) t / aht); 0.0 when unstable
    (agents <= traffic), 1.0 when traffic is 0.
    """
    n, a, h, t = _broadcast(agents=agents, traffic=traffic, aht=aht, target_seconds=target_seconds)
    _require("agents", n, integer=True)
    _require("traffic", a)
    _require("aht", h, positive=True)
    _require("target_seconds", t)
    with _quiet():
        return _scalar_or_array(_erlang_c_service_level(n, a, h, t))


def average_speed_of_answer(agents, traffic, aht):
    """Erlang C mean wait of all calls (ASA), in seconds.

    ASA = C aht / (n - A) [GKM]; inf when agents <= traffic, 0.0 when traffic is 0.
    aht is the mean handling time in seconds, traffic in erlangs.
    """
    n, a, h = _broadcast(agents=agents, traffic=traffic, aht=aht)
    _require("agents", n, integer=True)
    _require("traffic", a)
    _require("aht", h, positive=True)
    with _quiet():
        stable = n > a
        asa = np.where(stable, _erlang_c(n, a) * h / np.where(stable, n - a, 1.0), np.inf)
        return _scalar_or_array(np.where(a > 0, asa, 0.0))


def occupancy(agents, traffic):
    """Erlang C agent occupancy A / n (fraction of agent time busy), in [0, 1].

    traffic in erlangs; 1.0 when agents <= traffic (all agents always busy), 0.0 when traffic is 0.
    """
    n, a = _broadcast(agents=agents, traffic=traffic)
    _require("agents", n, integer=True)
    _require("traffic", a)
    busy = np.where(n > a, a / np.where(n > a, n, 1.0), 1.0)
    return _scalar_or_array(np.where(a > 0, busy, 0.0))


# ---------------------------------------------------------------------------
# Erlang A (M/M/n+M: exponential patience)
# ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class ErlangAResult:
    """Steady-state measures of the M/M/n+M (Erlang A) queue; every field is a numpy array.

    Inputs are kept (agents; arrival_rate per second; aht and patience in seconds).
    p_wait: probability an arrival has to wait (all agents busy on arrival, PASTA).
    p_abandon: probability an arrival hangs up before being answered.
    connection_rate: 1 - p_abandon, the share of calls answered (接通率).
    average_wait: mean time in queue of ALL arrivals, in seconds (answered or not).
    utilisation: fraction of agent time spent on calls, A (1 - p_abandon) / n.
    """

    agents: np.ndarray
    arrival_rate: np.ndarray
    aht: np.ndarray
    patience: np.ndarray
    p_wait: np.ndarray
    p_abandon: np.ndarray
    connection_rate: np.ndarray
    average_wait: np.ndarray
    utilisation: np.ndarray

    def service_level(self, target_seconds):
        """Fraction of ALL arrivals answered within target_seconds (abandoned calls count as missed).

        SL(t) = 1 - p_abandon - (p_wait - p_abandon) * R(t), where R(t) is the probability that
        a call which waits and is then answered waits longer than t. Derivation (checked in the
        tests against a matrix-exponential model of one caller): with j calls ahead the offered
        wait V is a sum of Exp(n mu + k theta), k = 0..j, so e^{-theta V} ~ Beta(x, j+1) with
        x = n mu / theta; mixing over the birth-death queue-length distribution gives
        R(t) = P(x+1, y e^{-theta t}) / P(x+1, y), y = lambda / theta, P the regularised lower
        incomplete gamma. Infinite patience reduces to the Erlang C tail.
        """
        n, lam, h, patience, t, p_wait, p_abandon = _broadcast(
            agents=self.agents, arrival_rate=self.arrival_rate, aht=self.aht, patience=self.patience,
            target_seconds=target_seconds, p_wait=self.p_wait, p_abandon=self.p_abandon)
        _require("target_seconds", t, allow_infinite=True)
        with _quiet():
            finite = np.isfinite(patience)
            busy = lam > 0
            pat = np.where(finite, patience, 1.0)
            x = n * pat / h
            y = np.where(busy, lam, 1.0) * pat
            shrunk = y * np.exp(-t / pat)
            log_tail = (_log_lower_gamma(x + 1, shrunk) - _log_lower_gamma(x + 1, y))
            # infinite patience: the Erlang C tail exp(-(n mu - lambda) t) [GKM]
            a = lam * h
            stable = n > a
            erlang_c_tail = np.where(stable, np.exp(-np.where(stable, n - a, 1.0) * t / h), 1.0)
            tail = np.where(finite, np.exp(log_tail), erlang_c_tail)
            level = 1.0 - p_abandon - (p_wait - p_abandon) * tail
            return np.asarray(np.clip(np.where(busy, level, 1.0), 0.0, 1.0))


def _erlang_a(n, lam, h, patience):
    """Erlang A measures for validated broadcast float arrays; see erlang_a."""
    finite = np.isfinite(patience)
    busy = lam > 0
    pat = np.where(finite, patience, 1.0)  # placeholder where patience is infinite
    rate = np.where(busy, lam, 1.0)  # placeholder where there are no calls
    a = rate * h
    x = n * pat / h  # n mu / theta
    y = rate * pat  # lambda / theta
    # Birth-death chain: pi_{n+j} = pi_n y^j / ((x+1)...(x+j)); S = sum_j of that ratio [MZ].
    # S - 1 = y/(x+1) S(x+1, y) is computed directly so that it keeps full precision when S ~ 1.
    log_s_minus_1 = np.log(y) - np.log(x + 1) + _log_lower_ratio(x + 1, y)
    # 1/pi_n = 1/B(n, a) - 1 + S, since sum_{k<n} pi_k / pi_n = 1/B - 1 [MZ; GMR]
    log_norm = np.logaddexp(_log_upper_ratio(n, a), log_s_minus_1)
    p_wait = np.exp(np.logaddexp(0.0, log_s_minus_1) - log_norm)  # P(N >= n) = pi_n S, PASTA
    # P(abandon) = theta E[queue] / lambda = pi_n (S - (x/y)(S - 1)) (flow balance) [MZ]
    p_abandon = np.exp(-log_norm) + np.exp(log_s_minus_1 - log_norm) * (y - x) / y
    p_wait = np.minimum(p_wait, 1.0)
    p_abandon = np.clip(p_abandon, 0.0, p_wait)

    # Infinite patience is Erlang C; overloaded, the queue only grows and a fraction 1 - n/A is never served.
    stable = n > a
    c = _erlang_c(n, a)
    p_wait = np.where(finite, p_wait, c)
    p_abandon = np.where(finite, p_abandon, np.where(stable, 0.0, 1.0 - n / a))
    # E[W] = E[queue]/lambda (Little) = p_abandon / theta since theta E[queue] = lambda p_abandon
    average_wait = np.where(finite, p_abandon * pat,
                            np.where(stable, c * h / np.where(stable, n - a, 1.0), np.inf))

    p_wait = np.where(busy, p_wait, 0.0)
    p_abandon = np.where(busy, p_abandon, 0.0)
    average_wait = np.where(busy, average_wait, 0.0)
    carried_per_agent = a * (1.0 - p_abandon) / np.where(n > 0, n, 1.0)
    utilisation = np.where(busy & (n > 0), np.minimum(carried_per_agent, 1.0), 0.0)  # rounding can exceed 1
    return p_wait, p_abandon, average_wait, utilisation


def erlang_a(agents, arrival_rate, aht, patience):
    """Erlang A (M/M/n+M): Poisson arrivals, exponential handling and exponential patience.

    agents: whole number of agents n; arrival_rate: calls per SECOND; aht: mean handling
    time in SECONDS; patience: mean time a caller is willing to wait, in SECONDS (np.inf
    gives Erlang C). Exact closed form via incomplete gamma functions [MZ; GMR]; validated
    against the truncated birth-death chain in the tests. Returns an ErlangAResult.
    """
    n, lam, h, pat = _broadcast(agents=agents, arrival_rate=arrival_rate, aht=aht, patience=patience)
    _require("agents", n, integer=True)
    _require("arrival_rate", lam)
    _require("aht", h, positive=True)
    _require("patience", pat, positive=True, allow_infinite=True)
    with _quiet():
        p_wait, p_abandon, average_wait, utilisation = _erlang_a(n, lam, h, pat)
    return ErlangAResult(agents=n, arrival_rate=lam, aht=h, patience=pat, p_wait=p_wait,
                         p_abandon=p_abandon, connection_rate=np.asarray(1.0 - p_abandon),
                         average_wait=average_wait, utilisation=utilisation)


# ---------------------------------------------------------------------------
# Staffing
# ---------------------------------------------------------------------------

def _smallest_agents(meets, lower, max_agents):
    """Smallest whole n in [lower, max_agents] with meets(n, rows) True; meets must be monotone in n.

    Vectorised exponential search (probe lower, then ever larger steps) followed by bisection,
    so each scenario costs O(log n) model evaluations, all scenarios evaluated together.
    """
    known_bad = lower.astype(np.int64) - 1  # below the admissible range, or probed and failed
    known_good = np.full_like(known_bad, -1)
    step = np.ones_like(known_bad)
    rows = np.arange(known_bad.size)
    while rows.size:
        probe = np.minimum(known_bad[rows] + step[rows], max_agents)
        ok = meets(probe.astype(float), rows)
        known_good[rows[ok]] = probe[ok]
        if np.any(probe[~ok] >= max_agents):
            raise ValueError(f"target not reachable with max_agents={max_agents}; raise max_agents")
        rows = rows[~ok]
        known_bad[rows] = probe[~ok]
        step[rows] *= 2
    while True:
        rows = np.flatnonzero(known_good - known_bad > 1)
        if not rows.size:
            return known_good
        middle = (known_bad[rows] + known_good[rows]) // 2
        ok = meets(middle.astype(float), rows)
        known_good[rows[ok]] = middle[ok]
        known_bad[rows[~ok]] = middle[~ok]


def agents_needed(traffic=None, aht=None, target_seconds=None, service_level_target=None, *,
                  arrival_rate=None, patience=None, connection_rate_target=None, max_agents=100_000):
    """Smallest whole number of agents meeting a target, for each scenario (broadcast arrays).

    Erlang C mode: traffic (erlangs), aht (seconds), target_seconds, service_level_target in (0, 1):
    smallest n with service_level(n, traffic, aht, target_seconds) >= service_level_target
    (always above traffic; 0 when traffic is 0).
    Erlang A mode: arrival_rate (per second), aht (seconds), patience (mean, seconds),
    connection_rate_target in (0, 1): smallest n with erlang_a(...).connection_rate >= target.
    Raises ValueError on missing/mixed inputs, invalid values, or targets beyond max_agents.
    """
    if max_agents != int(max_agents) or max_agents < 1:
        raise ValueError("max_agents must be a positive whole number")
    if aht is None:
        raise ValueError("aht (mean handling time, seconds) is required")
    if connection_rate_target is not None:
        if traffic is not None or target_seconds is not None or service_level_target is not None:
            raise ValueError("give either the Erlang C inputs (traffic, target_seconds, service_level_target) "
                             "or the Erlang A inputs (arrival_rate, patience, connection_rate_target), not both")
        if arrival_rate is None or patience is None:
            raise ValueError("Erlang A mode needs arrival_rate, aht, patience and connection_rate_target")
        lam, h, pat, target = _broadcast(arrival_rate=arrival_rate, aht=aht, patience=patience,
                                         connection_rate_target=connection_rate_target)
        _require("arrival_rate", lam)
        _require("aht", h, positive=True)
        _require("patience", pat, positive=True, allow_infinite=True)
        _require_probability_target("connection_rate_target", target)
        shape = lam.shape
        lam, h, pat, target = (v.ravel() for v in (lam, h, pat, target))

        def meets(n, rows):
            p_abandon = _erlang_a(n, lam[rows], h[rows], pat[rows])[1]
            return 1.0 - p_abandon >= target[rows]

        lower = np.zeros(lam.size)
    else:
        if arrival_rate is not None or patience is not None:
            raise ValueError("arrival_rate/patience belong to Erlang A mode, which needs connection_rate_target")
        if traffic is None or target_seconds is None or service_level_target is None:
            raise ValueError("Erlang C mode needs traffic, aht, target_seconds and service_level_target")
        a, h, t, target = _broadcast(traffic=traffic, aht=aht, target_seconds=target_seconds,
                                     service_level_target=service_level_target)
        _require("traffic", a)
        _require("aht", h, positive=True)
        _require("target_seconds", t)
        _require_probability_target("service_level_target", target)
        shape = a.shape
        a, h, t, target = (v.ravel() for v in (a, h, t, target))

        def meets(n, rows):
            return _erlang_c_service_level(n, a[rows], h[rows], t[rows]) >= target[rows]

        lower = np.where(a > 0, np.floor(a) + 1, 0.0)  # the smallest stable staffing
        if np.any(lower > max_agents):
            raise ValueError(f"traffic exceeds max_agents={max_agents}; raise max_agents")
    with _quiet():
        return _scalar_or_array(_smallest_agents(meets, lower, int(max_agents)).reshape(shape))


def seats_to_staff(positions, *, hours_open_per_week=168.0, paid_hours_per_fte_per_week=40.0, shrinkage=0.30):
    """Convert simultaneous positions (seats to fill at every open hour) to paid full-time staff.

    staff = positions * hours_open_per_week / (paid_hours_per_fte_per_week * (1 - shrinkage)).
    hours_open_per_week: hours the line is staffed (168 = 24x7). paid_hours_per_fte_per_week:
    contracted hours of one full-time equivalent. shrinkage: share of paid time an agent is NOT
    available to take calls (annual leave, sickness, training, meetings, breaks, coaching);
    industry sources typically cite 0.25-0.40 (default 0.30). Returns fractional FTE (round up
    for head counts).
    """
    seats, hours_open, paid_hours, shrink = _broadcast(
        positions=positions, hours_open_per_week=hours_open_per_week,
        paid_hours_per_fte_per_week=paid_hours_per_fte_per_week, shrinkage=shrinkage)
    _require("positions", seats)
    _require("hours_open_per_week", hours_open, positive=True)
    _require("paid_hours_per_fte_per_week", paid_hours, positive=True)
    _require("shrinkage", shrink)
    if np.any(hours_open > 168):
        raise ValueError("hours_open_per_week cannot exceed 168 (hours in a week)")
    if np.any(paid_hours > 168):
        raise ValueError("paid_hours_per_fte_per_week cannot exceed 168 (hours in a week)")
    if np.any(shrink >= 1):
        raise ValueError("shrinkage must be in [0, 1): the share of paid time not available for calls")
    return _scalar_or_array(seats * hours_open / (paid_hours * (1.0 - shrink)))
