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

from hotlinecompare.models.queueing.erlang import (
    ErlangAResult,
    average_speed_of_answer,
    erlang_a,
    erlang_b,
    erlang_c,
    occupancy,
    service_level,
)
from hotlinecompare.models.queueing.staffing import agents_needed, seats_to_staff

__all__ = ["ErlangAResult", "agents_needed", "average_speed_of_answer", "erlang_a", "erlang_b", "erlang_c",
           "occupancy", "seats_to_staff", "service_level"]
