"""RateLimit: a hard budget of AWS calls per second, shared by every call of a group.

A token bucket: it holds at most ``burst`` tokens and gains ``per_second`` tokens a
second; each call takes one at the moment it starts. So over any window of ``W`` seconds
at most ``burst + per_second * W`` calls start. :meth:`RateLimit.take` does the arithmetic
and never sleeps (the drivers sleep, each its own way, then ask again).

A token is never booked ahead for a later start: a thread that wakes late (a loaded
machine, a busy event loop) would then start on a token the bucket no longer holds,
and several such late starts would pile up above ``burst``.
"""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from jobkit._engine._validation import shown
from jobkit.errors import InvalidArgumentError

if TYPE_CHECKING:
    from collections.abc import Callable

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
    # GCRA's theoretical arrival time -- when the bucket, left alone, is full again -- kept
    # as [anchor, n] meaning anchor + n intervals, so a burst at one instant is exact
    # arithmetic ([] until the first call). A call may start `burst - 1` intervals before it.
    _state: list[float] = field(factory=list[float], init=False, repr=False, eq=False)
    _lock: threading.Lock = field(factory=threading.Lock, init=False, repr=False, eq=False)

    def take(self, clock: Callable[[], float]) -> float:
        """Take a token now if the bucket holds one (``0.0``), else say how long until it will.

        ``clock`` is read under the bucket's lock, so a reading is never older than the
        last token taken. Nothing is taken when the answer is above 0: the caller sleeps
        that long (or longer) and asks again. Thread-safe.
        """
        interval = 1.0 / self.per_second
        with self._lock:
            now = clock()
            if not self._state or now >= self._state[0] + self._state[1] * interval:
                self._state[:] = [now, 0]  # full: a clock that steps back never lands here
            anchor, n = self._state
            allowed = anchor + (n - (self.burst - 1)) * interval
            if now < allowed:
                return allowed - now
            self._state[1] = n + 1
            return 0.0


DEFAULT_RATE = RateLimit(per_second=5.0, burst=1)
"""The budget many-at-once waits use unless given one: 5 calls a second, one at a time."""
