"""RateLimit on a virtual clock: the bound holds for any call pattern; bad arguments are refused."""

from __future__ import annotations

import heapq
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobkit import RateLimit
from jobkit.errors import InvalidArgumentError

EPSILON = 1e-9


def _starts(rate: RateLimit, asks: list[float]) -> list[float]:
    """One caller per clock reading in ``asks``, each asking until served; when each started.

    Callers wake exactly when told (see `_served` for callers that wake late).
    """
    return _served(rate, [(t, []) for t in asks])


def _served(rate: RateLimit, callers: list[tuple[float, list[float]]]) -> list[float]:
    """Simulate callers that ask at a time and, told to wait, come back late; their starts.

    Each caller is ``(first ask, lateness)``: the k-th time it is told to wait ``d`` it asks
    again ``d + lateness[k]`` later (0 once the list runs out), as a thread whose sleep
    overran on a loaded machine does. Asks are served in time order, as a clock read under
    the bucket's lock orders them.
    """
    queue = [(at, i, 0) for i, (at, _) in enumerate(callers)]
    heapq.heapify(queue)
    starts: list[float] = []
    while queue:
        now, i, told = heapq.heappop(queue)
        delay = rate.take(lambda: now)  # noqa: B023 -- called at once, inside the loop
        if delay == 0.0:
            starts.append(now)
            continue
        assert delay > 0
        late = callers[i][1]
        heapq.heappush(
            queue, (now + delay + (late[told] if told < len(late) else 0.0), i, told + 1)
        )
        assert len(starts) + len(queue) == len(callers)
    return starts


def _assert_bound(rate: RateLimit, starts: list[float]) -> None:
    """Over every window [t_i, t_j] (the tightest windows begin and end at a start), the bound."""
    times = sorted(starts)
    # Float rounding: a window measured between two readings near t is off by a few ulps of t.
    slack = EPSILON + 4 * rate.per_second * math.ulp(max(times, default=0.0))
    for i, first in enumerate(times):
        for j in range(i, len(times)):
            window = times[j] - first
            allowed = rate.burst + rate.per_second * window
            assert j - i + 1 <= allowed + slack, (
                f"{j - i + 1} calls started in {window:.6f}s; at most {allowed:.6f} allowed"
            )


rates = st.floats(min_value=0.05, max_value=200.0, allow_nan=False, allow_infinity=False)
bursts = st.integers(min_value=1, max_value=12)
# Gaps between clock readings: bursts of simultaneous calls, short and long quiet spells.
gaps = st.one_of(
    st.just(0.0),
    st.floats(min_value=0.0, max_value=0.01),
    st.floats(min_value=0.0, max_value=5.0),
    st.floats(min_value=0.0, max_value=600.0),
)


@settings(max_examples=300, deadline=None)
@given(rates, bursts, st.floats(min_value=0.0, max_value=1e6), st.lists(gaps, max_size=120))
def test_random_patterns_never_exceed_the_bound(
    per_second: float, burst: int, origin: float, pattern: list[float]
) -> None:
    rate = RateLimit(per_second, burst)
    asks = [origin + t for t in _cumulative(pattern)]
    _assert_bound(rate, _starts(rate, asks))


lateness = st.lists(
    st.one_of(st.just(0.0), st.floats(min_value=0.0, max_value=0.05), st.floats(0.0, 3.0)),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(rates, bursts, st.lists(st.tuples(gaps, lateness), max_size=80))
def test_callers_that_wake_late_never_exceed_the_bound(
    per_second: float, burst: int, pattern: list[tuple[float, list[float]]]
) -> None:
    # Threads told to wait oversleep (a loaded machine, a busy event loop) by any amount:
    # the calls that then start together never hold more than the bucket does.
    rate = RateLimit(per_second, burst)
    asks = _cumulative([gap for gap, _ in pattern])
    callers = [(at, late) for at, (_, late) in zip(asks, pattern, strict=True)]
    starts = _served(rate, callers)
    assert len(starts) == len(callers)
    _assert_bound(rate, starts)


def test_late_wakers_do_not_pile_up_above_the_burst() -> None:
    # issue 17: ten calls at once; the eight told to wait all wake 0.5 s late, together.
    # A bucket that had booked them slots at 0.05, 0.10, ..., 0.40 s let the eight start
    # at once when they woke: 8 calls in no time where the burst allows 2.
    rate = RateLimit(per_second=20, burst=2)
    starts = _served(rate, [(0.0, [0.5]) for _ in range(10)])
    assert starts[:2] == [0.0, 0.0]
    # at 0.5 s the bucket is full again: 2 start, the other six are told to wait again
    assert starts.count(starts[2]) == 2
    assert math.isclose(starts[2], 0.5 + 0.05)  # each was told to wait 0.05 s
    _assert_bound(rate, starts)


def test_a_clock_that_steps_back_grants_nothing_extra() -> None:
    rate = RateLimit(per_second=10, burst=1)
    assert rate.take(lambda: 100.0) == 0.0
    assert math.isclose(rate.take(lambda: 50.0), 50.1)  # the next token is at 100.1
    assert rate.take(lambda: 100.1) == 0.0


@given(rates, bursts)
def test_a_steady_caller_gets_the_rate_and_a_burst_after_quiet(
    per_second: float, burst: int
) -> None:
    rate = RateLimit(per_second, burst)
    starts = _starts(rate, [0.0] * (burst + 10))
    assert starts[:burst] == [0.0] * burst  # the bucket starts full
    expected = [(k + 1) / per_second for k in range(10)]
    assert starts[burst:] == pytest.approx(expected, rel=1e-9, abs=1e-9)
    # After a long quiet spell the bucket is full again, but never fuller.
    later = starts[-1] + (burst + 5) / per_second
    again = _starts(rate, [later] * (burst + 1))
    assert again[:burst] == [later] * burst
    assert again[burst] == pytest.approx(later + 1 / per_second)


def _cumulative(gaps_: list[float]) -> list[float]:
    out: list[float] = []
    now = 0.0
    for gap in gaps_:
        now += gap
        out.append(now)
    return out


@pytest.mark.parametrize(
    "per_second", [0, 0.0, -1, -0.5, math.nan, math.inf, -math.inf, True, False, "5", None, 1j]
)
def test_bad_per_second_is_refused(per_second: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="per_second") as info:
        RateLimit(per_second)
    assert isinstance(info.value, ValueError)
    assert len(str(info.value)) < 300


@pytest.mark.parametrize("burst", [0, -1, 1.5, 2.0, True, False, "2", None, math.nan])
def test_bad_burst_is_refused(burst: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="burst") as info:
        RateLimit(5, burst)
    assert isinstance(info.value, ValueError)
    assert len(str(info.value)) < 300


def test_good_arguments_are_kept() -> None:
    rate = RateLimit(per_second=0.5, burst=3)
    assert (rate.per_second, rate.burst) == (0.5, 3)
    assert RateLimit(5).burst == 1
