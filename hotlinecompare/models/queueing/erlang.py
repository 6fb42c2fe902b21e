"""Erlang B, C (M/M/n/n, M/M/n) and A (M/M/n+M): probabilities, waits and service levels, vectorised.

Units and sources: see the package docstring.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hotlinecompare.models.queueing.inputs import _broadcast, _quiet, _require, _scalar_or_array
from hotlinecompare.models.queueing.logspace import _log_lower_gamma, _log_lower_ratio, _log_upper_ratio

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
