"""RateLimit on a virtual clock: the bound holds for any call pattern; bad arguments are refused."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobkit import RateLimit
from jobkit.errors import InvalidArgumentError

EPSILON = 1e-9


def _starts(rate: RateLimit, asks: list[float]) -> list[float]:
    """Reserve a token at each clock reading in ``asks``; the start times granted."""
    starts: list[float] = []
    for now in asks:
        start = rate.reserve(now)
        assert start >= now - EPSILON, "a call may not start before it asked"
        starts.append(start)
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


@settings(max_examples=200, deadline=None)
@given(
    rates,
    bursts,
    st.lists(st.tuples(gaps, st.floats(min_value=0.0, max_value=2.0)), max_size=120),
)
def test_readings_out_of_order_never_exceed_the_bound(
    per_second: float, burst: int, pattern: list[tuple[float, float]]
) -> None:
    # Threads read the clock, then reserve: a reading may be a little older than the last one.
    rate = RateLimit(per_second, burst)
    asks = [
        max(0.0, t - lag)
        for t, (_, lag) in zip(_cumulative([g for g, _ in pattern]), pattern, strict=True)
    ]
    _assert_bound(rate, _starts(rate, asks))


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
