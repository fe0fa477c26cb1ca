"""The waiting engine: one service-agnostic poll loop behind every ``wait_for_*``.

A facade hands it a ``fetch(deadline)`` callable (a :class:`Deadline`) and a description; the resource
model's own ``is_terminal`` decides when to stop. Nothing here knows any service.
The loop runs in the caller's thread and starts none, so Ctrl-C simply propagates.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from datetime import timedelta
from typing import ClassVar, TypeVar

from attrs import field, frozen

from jobkit._backoff import waiter_delay
from jobkit._deadline import Deadline
from jobkit._outcome import Outcome, Resource
from jobkit._progress import describe
from jobkit._validation import as_seconds, delay_range, finite_non_negative, positive_seconds
from jobkit.errors import InvalidArgumentError, JobFailedError, NotFoundError, WaitTimeoutError

__all__ = ["WaitPolicy", "wait_until_terminal"]

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


class _Eta:
    """Estimates a resource's time left from its progress fraction, at a linear rate."""

    def __init__(self) -> None:
        self.anchor: tuple[float, float] | None = None

    def time_left(self, now: float, progress: float | None) -> float | None:
        if progress is None:
            return None
        if self.anchor is None or progress < self.anchor[1]:
            self.anchor = (now, progress)
            return None
        start, first = self.anchor
        if progress <= first or now <= start:
            return None
        return (1.0 - progress) * (now - start) / (progress - first)


def _timeout_message(what: str, elapsed: float, last: Resource | None, polls: int) -> str:
    seen = f"its last status was {describe(last)}" if last is not None else "it was never seen"
    return (
        f"Timed out after {timedelta(seconds=round(elapsed))} and {polls} polls waiting "
        f"for {what}; {seen}. Raise WaitPolicy(timeout=...) or check why it is stuck."
    )


def wait_until_terminal(  # noqa: C901 -- one loop, each branch a documented rule
    fetch: Callable[[Deadline], R],
    *,
    what: str,
    operation: str,
    policy: WaitPolicy,
    on_update: Callable[[R], object] | None = None,
    check: bool = False,
    refuse: Callable[[R], str | None] | None = None,
) -> R:
    """Poll ``fetch(deadline)`` until the resource is terminal, then return the final model.

    ``refuse`` may return a message to stop waiting with :class:`InvalidArgumentError`
    (e.g. a job that can never end on its own).

    Raises:
        WaitTimeoutError: the deadline (or ``max_attempts``) passed first.
        JobFailedError: ``check`` is true and the outcome is not SUCCEEDED.
        NotFoundError: the resource vanished, or stayed invisible past the grace period.
    """
    clock = policy.clock
    start = clock()
    deadline = Deadline(start + policy.timeout, clock, policy.sleep)
    last: R | None = None
    last_text: str | None = None
    polls = 0
    eta = _Eta()
    time_left: float | None = None
    while True:
        polls += 1
        try:
            current: R | None = fetch(deadline)
        except NotFoundError as exc:
            if last is not None:
                msg = f"{what} disappeared while being waited on (last seen {describe(last)}); it was deleted."
                raise NotFoundError(
                    msg, code=exc.code, operation=exc.operation, request_id=exc.request_id
                ) from exc
            if clock() - start >= policy.not_found_grace:
                raise
            logger.debug("%s not visible yet (poll %d); retrying", what, polls)
            current = None
        if current is not None:
            if current != last:
                text = describe(current)
                if text != last_text:
                    logger.info("%s: %s", what, text)
                    last_text = text
                if on_update is not None:
                    on_update(current)
            last = current
            if current.is_terminal:
                break
            if refuse is not None and (reason := refuse(current)) is not None:
                raise InvalidArgumentError(reason, code="CannotWait", operation=operation)
            time_left = eta.time_left(clock(), getattr(current, "progress", None))
        now = clock()
        if now >= deadline.at or (policy.max_attempts is not None and polls >= policy.max_attempts):
            raise WaitTimeoutError(
                _timeout_message(what, now - start, last, polls), resource=last, operation=operation
            )
        policy.sleep(max(0.0, min(policy.delay(polls, time_left), deadline.at - now)))
    if check and last.outcome is not Outcome.SUCCEEDED:
        msg = f"{what} ended {last.outcome}: {describe(last)}; see the resource for details."
        raise JobFailedError(msg, resource=last, operation=operation)
    return last
