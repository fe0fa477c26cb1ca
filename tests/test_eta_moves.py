"""The progress estimate's overdue check is measured from the latest movement, not the first."""

from __future__ import annotations

import pytest

from jobkit._engine._core import _Eta  # pyright: ignore[reportPrivateUsage]


def test_overdue_counts_from_the_latest_movement() -> None:
    eta = _Eta()
    assert eta.time_left(0.0, 0.0) is None  # the watch starts
    assert eta.time_left(10.0, 0.1) == pytest.approx(90.0)  # 0.9 left at 0.1 per 10 s
    assert eta.moved == pytest.approx((10.0, 0.1, 90.0))
    assert eta.time_left(20.0, 0.2) == pytest.approx(80.0)  # the rate since t=10
    assert eta.moved == pytest.approx((20.0, 0.2, 80.0))
    # A stall at 0.2: trusted until twice the 80 s predicted at t=20 has passed ...
    assert eta.time_left(180.0, 0.2) == pytest.approx(1360.0)  # 0.8 * (180 - 10) / 0.1
    # ... then overdue: the watch restarts from that movement.
    assert eta.time_left(180.5, 0.2) is None
    assert (eta.since, eta.points, eta.moved) == (20.0, [(20.0, 0.2)], None)
