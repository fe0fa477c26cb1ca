"""The backoff formulas, as tables with the random source pinned."""

from __future__ import annotations

import pytest

from jobkit._engine._backoff import full_jitter_delay, waiter_delay


@pytest.mark.parametrize(
    ("attempt", "r", "expected"),
    [
        (1, 0.0, 2.0),
        (1, 0.99, 2.0),  # the first sleep is always min_delay
        (2, 0.0, 2.0),
        (2, 1.0, 4.0),
        (2, 0.5, 3.0),
        (3, 1.0, 8.0),
        (4, 0.5, 9.0),  # ceiling 16 -> 2 + 0.5 * 14
        (7, 1.0, 120.0),  # ceiling capped at max_delay
        (7, 0.5, 61.0),
        (10_000, 1.0, 120.0),  # no overflow for huge attempt numbers
    ],
)
def test_waiter_delay(attempt: int, r: float, expected: float) -> None:
    assert waiter_delay(attempt, 2.0, 120.0, r) == expected


@pytest.mark.parametrize(
    ("attempt", "r", "expected"),
    [(1, 1.0, 0.5), (1, 0.5, 0.25), (2, 1.0, 1.0), (3, 1.0, 2.0), (9, 1.0, 20.0), (9, 0.0, 0.0)],
)
def test_full_jitter_delay(attempt: int, r: float, expected: float) -> None:
    assert full_jitter_delay(attempt, 0.5, 20.0, r) == expected
