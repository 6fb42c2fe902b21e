"""Benchmark hotlinecompare.models.queueing against pyworkforce's scalar ErlangC.

Run: .venv/bin/python benchmarks/bench_queueing.py
Fixed seed; every timing is the best of 3 runs (time.perf_counter). pyworkforce works in
minutes, so each scenario is expressed to it as transactions per 60-minute interval with
the handling time and answer target in minutes; the same traffic value is fed to both.
"""

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from pyworkforce.queuing import ErlangC  # noqa: E402

from hotlinecompare.models import queueing  # noqa: E402

SEED = 20240611
INTERVAL_MINUTES = 60


def best_of_3(task):
    """Return (best wall time in seconds, result of the last run)."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        result = task()
        times.append(time.perf_counter() - start)
    return min(times), result


def scenarios(rng, count):
    """Traffic 0.5-300 erlangs, handling time 1-10 minutes, answer target 5-120 seconds."""
    aht_minutes = rng.uniform(1, 10, count)
    transactions = rng.uniform(0.5, 300, count) * INTERVAL_MINUTES / aht_minutes
    traffic = transactions / INTERVAL_MINUTES * aht_minutes  # exactly pyworkforce's intensity
    target_seconds = rng.uniform(5, 120, count)
    return transactions, traffic, aht_minutes, target_seconds


def main():
    rng = np.random.default_rng(SEED)
    rows = []

    # 1. Service level and P(wait) for 10,000 stable scenarios.
    transactions, traffic, aht_minutes, target_seconds = scenarios(rng, 10_000)
    agents = np.floor(traffic) + 1 + rng.integers(0, 25, traffic.size)

    def ours_service_level():
        return queueing.service_level(agents, traffic, aht_minutes * 60, target_seconds)

    def theirs_service_level():
        return np.array([ErlangC(transactions=tr, aht=h, asa=t / 60, interval=INTERVAL_MINUTES, shrinkage=0.0)
                         .service_level(int(n), scale_positions=False)
                         for tr, h, t, n in zip(transactions, aht_minutes, target_seconds, agents)])

    ours_time, ours_levels = best_of_3(ours_service_level)
    theirs_time, theirs_levels = best_of_3(theirs_service_level)
    level_mismatches = int(np.sum(np.abs(ours_levels - theirs_levels) > 1e-9))
    rows.append(("Erlang C service level", agents.size, ours_time, theirs_time))

    wait_ours = queueing.erlang_c(agents, traffic)
    wait_theirs = np.array([ErlangC(transactions=tr, aht=h, asa=1, interval=INTERVAL_MINUTES)
                            .waiting_probability(int(n))
                            for tr, h, n in zip(transactions, aht_minutes, agents)])
    wait_mismatches = int(np.sum(np.abs(wait_ours - wait_theirs) > 1e-9))

    # 2. Agents needed for 1,000 service-level targets.
    transactions, traffic, aht_minutes, target_seconds = scenarios(rng, 1_000)
    target = rng.uniform(0.6, 0.95, traffic.size)

    def ours_agents():
        return queueing.agents_needed(traffic, aht_minutes * 60, target_seconds, target)

    def theirs_agents():
        return np.array([ErlangC(transactions=tr, aht=h, asa=t / 60, interval=INTERVAL_MINUTES, shrinkage=0.0)
                         .required_positions(service_level=s, max_occupancy=1.0)["raw_positions"]
                         for tr, h, t, s in zip(transactions, aht_minutes, target_seconds, target)])

    ours_time, ours_counts = best_of_3(ours_agents)
    theirs_time, theirs_counts = best_of_3(theirs_agents)
    count_mismatches = int(np.sum(ours_counts != theirs_counts))
    # pyworkforce starts its scan at round(A + 1), so it cannot return floor(A) + 1 even when that suffices.
    start_point = np.array([round(a + 1) for a in traffic])
    unexplained = int(np.sum(np.maximum(ours_counts, start_point) != theirs_counts))
    rows.append(("Erlang C agents needed", traffic.size, ours_time, theirs_time))

    # 3. Erlang A on 10,000 scenarios (pyworkforce has no Erlang A).
    aht = rng.uniform(60, 600, 10_000)
    agents_a = rng.integers(1, 500, aht.size)
    arrival_rate = agents_a * rng.uniform(0.5, 1.3, aht.size) / aht
    patience = rng.uniform(10, 600, aht.size)
    erlang_a_time, result = best_of_3(lambda: queueing.erlang_a(agents_a, arrival_rate, aht, patience))
    rows.append(("Erlang A (all measures)", aht.size, erlang_a_time, None))
    sl_time, _ = best_of_3(lambda: result.service_level(20.0))
    rows.append(("Erlang A service level(20 s)", aht.size, sl_time, None))
    agents_a_time, _ = best_of_3(lambda: queueing.agents_needed(
        aht=aht[:1000], arrival_rate=arrival_rate[:1000], patience=patience[:1000], connection_rate_target=0.95))
    rows.append(("Erlang A agents needed (95%)", 1000, agents_a_time, None))

    print(f"seed {SEED}; best of 3 runs each; pyworkforce timed on every scenario (no subsampling)")
    print(f"{'task':<30}{'n':>7}{'hotlinecompare s':>18}{'pyworkforce s':>15}{'ratio':>9}")
    for task, count, ours, theirs in rows:
        theirs_text = f"{theirs:15.4f}" if theirs is not None else f"{'n/a':>15}"
        ratio_text = f"{theirs / ours:8.1f}x" if theirs is not None else f"{'':>9}"
        print(f"{task:<30}{count:>7}{ours:18.4f}{theirs_text}{ratio_text}")
    print()
    print(f"service level mismatches (|diff| > 1e-9): {level_mismatches} of {agents.size}; "
          f"max |diff| {np.max(np.abs(ours_levels - theirs_levels)):.1e}")
    print(f"P(wait) mismatches (|diff| > 1e-9): {wait_mismatches} of {agents.size}; "
          f"max |diff| {np.max(np.abs(wait_ours - wait_theirs)):.1e}")
    print(f"agent-count mismatches: {count_mismatches} of {traffic.size} "
          f"({count_mismatches - unexplained} where pyworkforce's scan start round(A+1) exceeds the true minimum "
          f"floor(A)+1; {unexplained} otherwise)")


if __name__ == "__main__":
    main()
