"""RateLimit: a hard budget of AWS calls per second, shared by every call of a group.

A token bucket: it holds at most ``burst`` tokens and gains ``per_second`` tokens a
second; each call takes one when it starts. So over any window of ``W`` seconds at most
``burst + per_second * W`` calls start. :meth:`RateLimit.reserve` does the arithmetic and
never sleeps (the drivers sleep, each its own way).
"""

from __future__ import annotations

import math
import threading
from typing import Any

from attrs import field, frozen

from jobkit._engine._validation import shown
from jobkit.errors import InvalidArgumentError

__all__ = ["DEFAULT_RATE", "RateLimit"]


def _per_second(_instance: object, _attribute: object, value: Any) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        msg = f"RateLimit per_second is {shown(value, 40)}; pass a finite number of calls per second above 0, e.g. 5."
        raise InvalidArgumentError(msg, code="InvalidRateLimit")


def _burst(_instance: object, _attribute: object, value: Any) -> None:
    if type(value) is not int or value < 1:
        msg = f"RateLimit burst is {shown(value, 40)}; pass a whole number of calls of at least 1."
        raise InvalidArgumentError(msg, code="InvalidRateLimit")


@frozen(kw_only=False)
class RateLimit:
    """At most ``burst + per_second * W`` AWS calls start in any ``W`` seconds.

    One ``RateLimit`` is a budget shared by every call of a many-at-once wait: polls,
    list pages, final fetches and retries (botocore's own included). The default
    (:data:`DEFAULT_RATE`, 5 calls a second) is half of the roughly 10 calls a second
    that AWS allows per account for the IoT job APIs, leaving room for other callers.

    Args:
        per_second: calls a second, on average (finite, above 0).
        burst: how many calls may start back to back after a quiet spell (a whole number >= 1).
    """

    per_second: float = field(validator=_per_second)
    burst: int = field(default=1, validator=_burst)
    _state: list[float] = field(factory=list[float], init=False, repr=False, eq=False)
    _lock: threading.Lock = field(factory=threading.Lock, init=False, repr=False, eq=False)

    def reserve(self, now: float) -> float:
        """Book the next call's token and return when that call may start (``>= now``).

        Thread-safe; calls that reserve one after another start in reservation order.
        """
        interval = 1.0 / self.per_second
        with self._lock:
            if not self._state:
                # [the time the bucket was last full or the next token's time, tokens then]
                self._state[:] = [now, float(self.burst)]
            at, tokens = self._state
            # Refill since `at`, up to the capacity.
            if now > at:
                tokens = min(float(self.burst), tokens + (now - at) * self.per_second)
                at = now
            if tokens >= 1.0:
                self._state[:] = [at, tokens - 1.0]
                return at
            start = at + (1.0 - tokens) * interval
            self._state[:] = [start, 0.0]
            return start


DEFAULT_RATE = RateLimit(per_second=5.0, burst=1)
"""The budget many-at-once waits use unless given one: 5 calls a second, one at a time."""
