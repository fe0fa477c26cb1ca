"""WaitPolicy: how long and how often a wait polls (the wait's rules live in ``_core``)."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import ClassVar, TypeVar

from attrs import field, frozen

from jobkit._backoff import waiter_delay
from jobkit._outcome import Resource
from jobkit._validation import as_seconds, delay_range, finite_non_negative, positive_seconds
from jobkit.errors import InvalidArgumentError

__all__ = ["WaitPolicy"]

logger = logging.getLogger("jobkit")

R = TypeVar("R", bound=Resource)


def _optional_positive(instance: object, _attribute: object, value: int | None) -> None:
    if value is not None and (type(value) is not int or value < 1):
        msg = (
            f"{type(instance).__name__} max_attempts is {value!r}; "
            "it must be a whole number of at least 1, or None for no limit."
        )
        raise InvalidArgumentError(msg, code="InvalidWaitPolicy")


@frozen(kw_only=True)
class WaitPolicy:
    """How long and how often a ``wait_for_*`` polls.

    Sleeps follow the waiter schedule of the AWS SDKs for Go v2 and JS v3: the first
    is ``min_delay``; the ``n``-th is ``uniform(min_delay, min(max_delay,
    min_delay * 2**(n-1)))``. No sleep runs past the deadline (``timeout`` seconds
    after the wait starts): the last one is shortened so one final poll happens at
    the deadline. ``not_found_grace`` is how long, from the start, a not-found answer
    is taken as "not visible yet" rather than an error. ``clock``, ``sleep`` and
    ``random`` are injectable so tests and simulations never really sleep.

    With ``use_progress`` (the default), a resource that reports how far along it is
    (a ``progress`` fraction: Device Farm test counters, IoT things done) gets an
    estimate of its time left, ``(1 - p) * (t - t0) / (p - p0)`` from the first
    observation ``(t0, p0)``; the next sleep is then shortened to
    ``max(min_delay, ETA_FRACTION * time_left)`` when that is below the backoff delay,
    so the end is seen soon after it happens without polling fast all along.
    """

    ETA_FRACTION: ClassVar[float] = 0.3
    """Chosen by ``benchmarks/polling.py``: lower lag for few extra calls on noisy progress."""

    timeout: float = field(default=3600.0, converter=as_seconds, validator=positive_seconds)
    min_delay: float = field(default=5.0, converter=as_seconds, validator=positive_seconds)
    max_delay: float = field(default=120.0, converter=as_seconds, validator=positive_seconds)
    max_attempts: int | None = field(default=None, validator=_optional_positive)
    not_found_grace: float = field(
        default=30.0, converter=as_seconds, validator=finite_non_negative
    )
    use_progress: bool = True
    clock: Callable[[], float] = field(default=time.monotonic, eq=False, repr=False)
    sleep: Callable[[float], None] = field(default=time.sleep, eq=False, repr=False)
    random: Callable[[], float] = field(default=random.random, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        delay_range("WaitPolicy", self.min_delay, self.max_delay)

    def delay(self, attempt: int, time_left: float | None = None) -> float:
        """Return the sleep after poll number ``attempt``, ignoring the deadline.

        ``time_left`` is the estimated time until the resource finishes, if known.
        """
        backoff = waiter_delay(attempt, self.min_delay, self.max_delay, self.random())
        if time_left is None or not self.use_progress:
            return backoff
        return min(backoff, max(self.min_delay, self.ETA_FRACTION * time_left))
