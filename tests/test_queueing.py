"""Tests for hotlinecompare.models.queueing against independent oracles.

Oracles: textbook Erlang formulas with math.factorial, pyworkforce's ErlangC, a plain-Python
birth-death chain for Erlang A, a matrix-exponential model of one waiting caller, and a
seeded discrete-event simulation.
"""

import heapq
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import expm

from hotlinecompare.models import queueing as q

pyworkforce_queuing = pytest.importorskip("pyworkforce.queuing")


# ---------------------------------------------------------------------------
# Independent oracles
# ---------------------------------------------------------------------------

def erlang_b_by_hand(n, traffic):
    """Textbook Erlang B: (A^n/n!) / sum_k A^k/k! (small n only)."""
    terms = [traffic**k / math.factorial(k) for k in range(n + 1)]
    return terms[-1] / sum(terms)


def erlang_c_by_hand(n, traffic):
    """Textbook Erlang C: (A^n/n! * n/(n-A)) / (sum_{k<n} A^k/k! + A^n/n! * n/(n-A))."""
    top = traffic**n / math.factorial(n) * n / (n - traffic)
    return top / (sum(traffic**k / math.factorial(k) for k in range(n)) + top)


def birth_death_chain(n, arrival_rate, aht, patience):
    """Stationary distribution of the M/M/n+M chain; the queue is truncated once its weights fall below
    e^-45 of the largest queue weight, so even a tiny queue tail keeps full relative precision."""
    mu, theta = 1 / aht, 1 / patience
    log_weights = [0.0]
    for k in range(1, n + 1):
        log_weights.append(log_weights[-1] + math.log(arrival_rate / (k * mu)))
    j, queue_peak = 0, log_weights[n]
    while True:
        j += 1
        log_weights.append(log_weights[-1] + math.log(arrival_rate / (n * mu + j * theta)))
        queue_peak = max(queue_peak, log_weights[-1])
        if log_weights[-1] < queue_peak - 45 and arrival_rate < n * mu + j * theta:
            break
    peak = max(log_weights)
    weights = [math.exp(w - peak) for w in log_weights]
    total = sum(weights)
    return [w / total for w in weights]


def erlang_a_by_chain(n, arrival_rate, aht, patience):
    pi = birth_death_chain(n, arrival_rate, aht, patience)
    p_wait = sum(pi[n:])
    mean_queue = sum((k - n) * pi[k] for k in range(n, len(pi)))
    p_abandon = mean_queue / patience / arrival_rate  # theta E[Q] = lambda P(abandon)
    return p_wait, p_abandon, mean_queue / arrival_rate  # Little: E[W] = E[Q]/lambda


def erlang_a_service_level_by_expm(n, arrival_rate, aht, patience, target):
    """P(answered within target) from the tagged caller's absorbing chain (k callers ahead)."""
    pi = birth_death_chain(n, arrival_rate, aht, patience)
    ahead = len(pi) - n  # caller arriving in state n+j has j callers ahead, j = 0..ahead-1
    served, abandoned = ahead, ahead + 1
    generator = np.zeros((ahead + 2, ahead + 2))
    for k in range(ahead):
        advance = n / aht + k / patience  # a service completion or an abandonment ahead
        generator[k, k - 1 if k else served] += advance
        generator[k, abandoned] += 1 / patience
        generator[k, k] = -(advance + 1 / patience)
    answered_by_target = expm(generator * target)[:ahead, served]
    return sum(pi[:n]) + float(np.dot(pi[n:], answered_by_target))


def simulate_erlang_a(n, arrival_rate, aht, patience, calls, seed, target):
    """FCFS M/M/n+M: each caller takes the earliest free agent unless their patience runs out first."""
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1 / arrival_rate, calls)).tolist()
    handling = rng.exponential(aht, calls).tolist()
    patiences = rng.exponential(patience, calls).tolist()
    agent_free_at = [0.0] * n
    waited, abandoned, answered_in_target, time_in_queue = [], [], [], []
    for arrival, handle, give_up in zip(arrivals, handling, patiences):
        wait = max(agent_free_at[0] - arrival, 0.0)
        gave_up = wait > give_up
        if not gave_up:
            heapq.heapreplace(agent_free_at, arrival + wait + handle)
        waited.append(wait > 0)
        abandoned.append(gave_up)
        answered_in_target.append(not gave_up and wait <= target)
        time_in_queue.append(give_up if gave_up else wait)
    return {name: np.array(values, float) for name, values in
            [("p_wait", waited), ("p_abandon", abandoned), ("service_level", answered_in_target),
             ("average_wait", time_in_queue)]}


# ---------------------------------------------------------------------------
# Erlang B / C
# ---------------------------------------------------------------------------

def test_textbook_example_100_calls_in_30_minutes():
    traffic = 100 / 1800 * 180  # 10 erlangs
    assert traffic == pytest.approx(10.0)
    by_hand = 1 - erlang_c_by_hand(14, traffic) * math.exp(-(14 - traffic) * 20 / 180)
    level = q.service_level(14, traffic, 180, 20)
    assert level == pytest.approx(by_hand, abs=1e-12)
    assert level == pytest.approx(0.888, abs=0.001)
    assert q.service_level(13, traffic, 180, 20) < 0.80
    assert q.agents_needed(traffic, 180, 20, 0.80) == 14
    assert q.erlang_c(14, traffic) == pytest.approx(0.174, abs=0.001)
    assert q.occupancy(14, traffic) == pytest.approx(10 / 14)
    assert q.average_speed_of_answer(14, traffic, 180) == pytest.approx(erlang_c_by_hand(14, traffic) * 180 / 4)


@pytest.mark.parametrize("traffic", [0.3, 2.0, 7.5, 19.9, 42.0])
def test_erlang_b_and_c_match_factorial_formulas(traffic):
    agents = np.arange(1, 60)
    expected_b = [erlang_b_by_hand(n, traffic) for n in agents]
    np.testing.assert_allclose(q.erlang_b(agents, traffic), expected_b, rtol=1e-12)
    stable = agents[agents > traffic]
    expected_c = [erlang_c_by_hand(int(n), traffic) for n in stable]
    np.testing.assert_allclose(q.erlang_c(stable, traffic), expected_c, rtol=1e-12)


def test_erlang_b_matches_recursion_where_incomplete_gamma_underflows():
    """a >> n switches to the exact finite series; compare with the stable recursion B_k = A B_{k-1}/(k + A B_{k-1})."""
    for n, traffic in [(10, 5000.0), (200, 900.0), (1000, 4000.0), (3000, 4999.0), (5000, 4900.0)]:
        b = 1.0
        for k in range(1, n + 1):
            b = traffic * b / (k + traffic * b)
        assert q.erlang_b(n, traffic) == pytest.approx(b, rel=1e-11)


def test_unstable_and_empty_conventions():
    assert q.erlang_c(10, 10) == 1.0
    assert q.erlang_c(5, 12.5) == 1.0
    assert q.service_level(10, 12.0, 180, 20) == 0.0
    assert q.average_speed_of_answer(10, 12.0, 180) == np.inf
    assert q.occupancy(10, 12.0) == 1.0
    assert q.erlang_c(3, 0.0) == 0.0 and q.service_level(0, 0.0, 180, 20) == 1.0
    assert q.erlang_b(0, 3.0) == 1.0 and q.erlang_b(4, 0.0) == 0.0


def test_broadcasting_and_return_types():
    levels = q.service_level(np.arange(11, 21)[:, None], np.array([5.0, 10.0]), 180, [[20, 30]])
    assert levels.shape == (10, 2)
    assert np.isscalar(q.erlang_c(14, 10.0))
    assert isinstance(q.erlang_c([14], 10.0), np.ndarray)
    result = q.erlang_a(np.array([[10], [12]]), 0.05, 180, [60, 120, 240])
    assert result.p_wait.shape == result.connection_rate.shape == (2, 3)
    assert q.agents_needed([5.0, 10.0], 180, 20, 0.8).tolist() == [q.agents_needed(5.0, 180, 20, 0.8), 14]


@pytest.mark.parametrize("bad", [dict(agents=-1), dict(agents=2.5), dict(traffic=-0.1),
                                 dict(traffic=np.nan), dict(aht=0), dict(target_seconds=-5)])
def test_erlang_c_input_validation(bad):
    arguments = dict(agents=10, traffic=8.0, aht=180, target_seconds=20) | bad
    with pytest.raises(ValueError):
        q.service_level(**arguments)


# ---------------------------------------------------------------------------
# Against pyworkforce (works in minutes)
# ---------------------------------------------------------------------------

PYWORKFORCE_SCENARIOS = [  # transactions per interval, interval (min), aht (min), asa (min), target SL
    (100, 30, 3.0, 20 / 60, 0.80),
    (100, 30, 3.0, 0.33, 0.90),
    (12, 60, 4.5, 0.5, 0.80),
    (480, 60, 5.2, 15 / 60, 0.85),
    (2500, 30, 2.1, 10 / 60, 0.95),
    (9000, 60, 6.0, 1.0, 0.70),
    (37, 15, 7.3, 2.0, 0.99),
    (255, 30, 3.7, 0.05, 0.60),
]


@pytest.mark.parametrize("transactions, interval, aht, asa, target", PYWORKFORCE_SCENARIOS)
def test_agrees_with_pyworkforce(transactions, interval, aht, asa, target):
    model = pyworkforce_queuing.ErlangC(transactions=transactions, asa=asa, aht=aht, interval=interval, shrinkage=0.0)
    traffic = transactions / interval * aht
    agents = np.arange(math.floor(traffic) + 1, math.floor(traffic) + 40)
    expected_wait = [model.waiting_probability(int(n)) for n in agents]
    expected_level = [model.service_level(int(n), scale_positions=False) for n in agents]
    np.testing.assert_allclose(q.erlang_c(agents, traffic), expected_wait, rtol=0, atol=1e-9)
    np.testing.assert_allclose(q.service_level(agents, traffic, aht * 60, asa * 60), expected_level, rtol=0, atol=1e-9)

    ours = int(q.agents_needed(traffic, aht * 60, asa * 60, target))
    theirs = model.required_positions(service_level=target, max_occupancy=1.0)["raw_positions"]
    # pyworkforce starts its scan at round(A + 1), so it can never return less than that.
    assert theirs == max(ours, round(traffic + 1))


def test_pyworkforce_start_point_skips_a_feasible_staffing():
    """A = 10.6 erlangs, 10-minute target: 11 agents already suffice, pyworkforce starts at 12."""
    model = pyworkforce_queuing.ErlangC(transactions=106, asa=10, aht=3, interval=30, shrinkage=0.0)
    assert q.service_level(11, 10.6, 180, 600) >= 0.75
    assert q.agents_needed(10.6, 180, 600, 0.75) == 11
    assert model.required_positions(service_level=0.75, max_occupancy=1.0)["raw_positions"] == 12


# ---------------------------------------------------------------------------
# Erlang A
# ---------------------------------------------------------------------------

ERLANG_A_SCENARIOS = [  # agents, arrival rate (/s), aht (s), patience (s)
    (1, 0.004, 180, 60),
    (5, 0.03, 180, 120),
    (10, 0.05, 180, 120),
    (14, 10 / 180, 180, 30),
    (20, 0.2, 120, 90),  # overloaded: 24 erlangs on 20 agents
    (30, 0.12, 240, 600),
    (50, 0.25, 200, 45),
    (80, 0.2, 300, 3600),
    (120, 1.5, 90, 20),  # heavily overloaded
    (200, 0.9, 200, 150),
    (0, 0.1, 100, 50),
]


@pytest.mark.parametrize("agents, arrival_rate, aht, patience", ERLANG_A_SCENARIOS)
def test_erlang_a_matches_birth_death_chain(agents, arrival_rate, aht, patience):
    p_wait, p_abandon, average_wait = erlang_a_by_chain(agents, arrival_rate, aht, patience)
    result = q.erlang_a(agents, arrival_rate, aht, patience)
    assert result.p_wait == pytest.approx(p_wait, abs=1e-9)
    assert result.p_abandon == pytest.approx(p_abandon, abs=1e-9)
    assert result.connection_rate == pytest.approx(1 - p_abandon, abs=1e-9)
    assert result.average_wait == pytest.approx(average_wait, rel=1e-8, abs=1e-9)
    if agents:
        assert result.utilisation == pytest.approx(arrival_rate * aht * (1 - p_abandon) / agents, rel=1e-9)


def test_erlang_a_vectorised_matches_chain_on_random_grid():
    rng = np.random.default_rng(7)
    agents = rng.integers(1, 150, 60)
    aht = rng.uniform(30, 600, 60)
    arrival_rate = agents * rng.uniform(0.3, 1.8, 60) / aht
    patience = aht * 10 ** rng.uniform(-1.5, 2.0, 60)
    result = q.erlang_a(agents, arrival_rate, aht, patience)
    expected = np.array([erlang_a_by_chain(int(n), lam, h, p)
                         for n, lam, h, p in zip(agents, arrival_rate, aht, patience)])
    np.testing.assert_allclose(result.p_wait, expected[:, 0], rtol=0, atol=1e-9)
    np.testing.assert_allclose(result.p_abandon, expected[:, 1], rtol=0, atol=1e-9)
    np.testing.assert_allclose(result.average_wait, expected[:, 2], rtol=1e-7)


@pytest.mark.parametrize("agents, aht, patience, load", [
    (2000, 180.0, 1e5, 0.99), (2000, 180.0, 1e5, 0.995), (2000, 180.0, 1e5, 0.998),
    (5000, 10.0, 1e6, 0.999), (5000, 10.0, 1e6, 0.9995), (300, 60.0, 1e6, 0.97),
])
def test_erlang_a_very_patient_callers_match_chain(agents, aht, patience, load):
    """n mu / theta of 1e6-5e8: where scipy's gammainc truncates its series (fixed by summing it ourselves)."""
    arrival_rate = load * agents / aht
    p_wait, p_abandon, average_wait = erlang_a_by_chain(agents, arrival_rate, aht, patience)
    result = q.erlang_a(agents, arrival_rate, aht, patience)
    assert result.p_wait == pytest.approx(p_wait, abs=1e-9)
    assert result.p_abandon == pytest.approx(p_abandon, rel=1e-6, abs=1e-12)
    assert result.average_wait == pytest.approx(average_wait, rel=1e-6)


@pytest.mark.parametrize("agents, arrival_rate, aht, patience",
                         [s for s in ERLANG_A_SCENARIOS if s[0] and s[0] < 100])
def test_erlang_a_service_level_matches_matrix_exponential(agents, arrival_rate, aht, patience):
    result = q.erlang_a(agents, arrival_rate, aht, patience)
    for target in [0.0, 5.0, 20.0, 60.0, 300.0]:
        expected = erlang_a_service_level_by_expm(agents, arrival_rate, aht, patience, target)
        assert result.service_level(target) == pytest.approx(expected, abs=1e-8)
    assert result.service_level(np.inf) == pytest.approx(result.connection_rate, abs=1e-12)
    assert result.service_level(0.0) == pytest.approx(1 - result.p_wait, abs=1e-12)


def test_erlang_a_approaches_erlang_c_for_patient_callers():
    agents, traffic, aht = np.arange(11, 25), 10.0, 180.0
    patient = q.erlang_a(agents, traffic / aht, aht, 1e7)
    np.testing.assert_allclose(patient.p_wait, q.erlang_c(agents, traffic), atol=1e-4)
    np.testing.assert_allclose(patient.service_level(20), q.service_level(agents, traffic, aht, 20), atol=1e-4)
    np.testing.assert_allclose(patient.average_wait, q.average_speed_of_answer(agents, traffic, aht), rtol=1e-3)
    assert np.all(patient.p_abandon < 1e-4)
    limit = q.erlang_a(agents, traffic / aht, aht, np.inf)
    np.testing.assert_array_equal(limit.p_wait, q.erlang_c(agents, traffic))
    np.testing.assert_array_equal(limit.p_abandon, 0.0)


def test_erlang_a_agrees_with_simulation():
    agents, arrival_rate, aht, patience, target = 10, 9.5 / 180, 180.0, 120.0, 20.0
    sample = simulate_erlang_a(agents, arrival_rate, aht, patience, calls=200_000, seed=20240611, target=target)
    model = q.erlang_a(agents, arrival_rate, aht, patience)
    expected = {"p_wait": model.p_wait, "p_abandon": model.p_abandon,
                "service_level": model.service_level(target), "average_wait": model.average_wait}
    for name, values in sample.items():
        batch_means = values[2_000:].reshape(20, -1).mean(axis=1)  # drop warm-up, 20 batches
        standard_error = batch_means.std(ddof=1) / math.sqrt(len(batch_means))
        assert abs(batch_means.mean() - expected[name]) < 4 * standard_error, name


# ---------------------------------------------------------------------------
# Monotonicity and stability
# ---------------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(traffic=st.floats(0.1, 400), aht=st.floats(10, 900), target=st.floats(0, 300),
       patience_ratio=st.floats(0.01, 100))
def test_more_agents_never_hurt(traffic, aht, target, patience_ratio):
    agents = np.arange(0, int(traffic * 1.5) + 40)
    levels = q.service_level(agents, traffic, aht, target)
    assert np.all(np.diff(levels) >= -1e-12)
    connection = q.erlang_a(agents, traffic / aht, aht, aht * patience_ratio).connection_rate
    assert np.all(np.diff(connection) >= -1e-12)
    assert np.all((connection >= 0) & (connection <= 1))


def test_stable_at_5000_agents_without_warnings():
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        values = [q.erlang_b(5000, 4900.0), q.erlang_c(5000, 4900.0),
                  q.service_level(5000, 4900.0, 180, 20), q.erlang_b(10, 5000.0), q.erlang_b(5000, 10.0)]
        for patience in [5.0, 60.0, 600.0, 1e6, np.inf]:
            result = q.erlang_a(5000, 4900.0 / 180, 180, patience)
            values += [result.p_wait, result.p_abandon, result.connection_rate, result.service_level(20)]
        overloaded = q.erlang_a(5000, 6000.0 / 180, 180, 60.0)
        values += [overloaded.p_wait, overloaded.p_abandon, overloaded.service_level(20)]
        needed = q.agents_needed(4900.0, 180, 20, 0.8)
        needed_a = q.agents_needed(aht=180, arrival_rate=4900.0 / 180, patience=60.0, connection_rate_target=0.95)
    values = np.array(values, float)
    assert np.all(np.isfinite(values)) and np.all((values >= 0) & (values <= 1))
    assert 0 < q.erlang_c(5000, 4900.0) < 1
    assert 4900 < needed < 5100 and 4000 < needed_a < 5100


# ---------------------------------------------------------------------------
# Staffing
# ---------------------------------------------------------------------------

def first_agents_by_scan(level_at, start=0):
    n = start
    while not level_at(n):
        n += 1
    return n


def test_agents_needed_matches_linear_scan_erlang_c():
    rng = np.random.default_rng(3)
    traffic = rng.uniform(0.05, 250, 80)
    aht = rng.uniform(20, 600, 80)
    target_seconds = rng.uniform(0, 120, 80)
    target = rng.uniform(0.05, 0.99, 80)
    found = q.agents_needed(traffic, aht, target_seconds, target)
    for i in range(80):
        expected = first_agents_by_scan(
            lambda n, i=i: bool(q.service_level(n, traffic[i], aht[i], target_seconds[i]) >= target[i]))
        assert found[i] == expected


def test_agents_needed_matches_linear_scan_erlang_a():
    rng = np.random.default_rng(4)
    aht = rng.uniform(20, 600, 60)
    arrival_rate = rng.uniform(0.05, 200, 60) / aht
    patience = aht * 10 ** rng.uniform(-1.5, 1.5, 60)
    target = rng.uniform(0.5, 0.999, 60)
    found = q.agents_needed(aht=aht, arrival_rate=arrival_rate, patience=patience, connection_rate_target=target)
    for i in range(60):
        expected = first_agents_by_scan(
            lambda n, i=i: bool(q.erlang_a(n, arrival_rate[i], aht[i], patience[i]).connection_rate >= target[i]))
        assert found[i] == expected


@pytest.mark.parametrize("arguments", [
    dict(traffic=10, aht=-180, target_seconds=20, service_level_target=0.8),
    dict(traffic=10, aht=180, target_seconds=-1, service_level_target=0.8),
    dict(traffic=10, aht=180, target_seconds=20, service_level_target=1.0),
    dict(traffic=10, aht=180, target_seconds=20, service_level_target=0.0),
    dict(traffic=-10, aht=180, target_seconds=20, service_level_target=0.8),
    dict(traffic=10, aht=180, target_seconds=20),
    dict(traffic=10, aht=180, target_seconds=20, service_level_target=0.8, patience=60),
    dict(arrival_rate=0.1, aht=180, patience=60, connection_rate_target=1.2),
    dict(arrival_rate=0.1, aht=180, patience=-60, connection_rate_target=0.9),
    dict(arrival_rate=0.1, aht=180, connection_rate_target=0.9),
    dict(traffic=10, arrival_rate=0.1, aht=180, patience=60, connection_rate_target=0.9),
    dict(traffic=10, target_seconds=20, service_level_target=0.8),
    dict(traffic=10, aht=180, target_seconds=20, service_level_target=0.999, max_agents=12),
])
def test_agents_needed_rejects_invalid_inputs(arguments):
    with pytest.raises(ValueError):
        q.agents_needed(**arguments)


def test_seats_to_staff():
    assert q.seats_to_staff(10) == pytest.approx(10 * 168 / (40 * 0.7))  # 60 FTE for 10 seats 24x7
    assert q.seats_to_staff(10, hours_open_per_week=60, paid_hours_per_fte_per_week=40, shrinkage=0.0) == 15.0
    np.testing.assert_allclose(q.seats_to_staff([0, 7], shrinkage=[0.25, 0.4]), [0.0, 7 * 168 / 24])
    for bad in [dict(shrinkage=1.0), dict(shrinkage=-0.1), dict(hours_open_per_week=200),
                dict(paid_hours_per_fte_per_week=0), dict(hours_open_per_week=np.nan)]:
        with pytest.raises(ValueError):
            q.seats_to_staff(10, **bad)
    with pytest.raises(ValueError):
        q.seats_to_staff(-1)
    with pytest.raises(TypeError):
        q.seats_to_staff(10, 168)  # options are keyword-only
