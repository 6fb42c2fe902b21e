"""How many agents a target needs (Erlang C service level or Erlang A connection rate), and seats → staff."""

from __future__ import annotations

import numpy as np

from hotlinecompare.models.queueing.erlang import _erlang_a, _erlang_c_service_level
from hotlinecompare.models.queueing.inputs import (
    _broadcast,
    _quiet,
    _require,
    _require_probability_target,
    _scalar_or_array,
)


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
