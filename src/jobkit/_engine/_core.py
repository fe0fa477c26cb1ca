"""The wait core: the rules of waiting, with no I/O (sans-I/O, like h11).

A driver (sync loop, asyncio loop, many-at-once scheduler) owns the clock, the
sleeping and the AWS calls. It tells a :class:`WaitCore` what happened -- a model
was observed, a poll failed -- and the core answers the next step:

* :class:`Poll`: call AWS now; the call must not outlive ``deadline``;
* :class:`Sleep`: sleep ``seconds`` (never past the deadline), then call :meth:`WaitCore.wake`;
* :class:`Done`: the resource is terminal; ``resource`` is the final model;
* :class:`Fail`: the wait is over without a usable end; raise ``error``.

Every step carries ``update``: a newly observed model whose state changed, for the
driver to hand to the caller's ``on_update`` before acting on the step.

Backoff, the deadline, the last poll at the deadline, ``max_attempts``, the
not-found grace, riding out transient errors (the outage rule), failing fast when
AWS was never reached, and the progress-aware delay live here and only here. The core knows no service: it reads
``is_terminal``, ``outcome``, ``progress`` and ``describe()`` from the models.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Generic, TypeVar

from attrs import frozen

from jobkit._convert._outcome import Outcome, Resource
from jobkit._engine._history import History, history_delay
from jobkit._engine._progress import describe
from jobkit._engine._validation import clock_reading
from jobkit.errors import (
    AwsError,
    ConversionError,
    InvalidArgumentError,
    JobFailedError,
    JobkitError,
    NotFoundError,
    WaitTimeoutError,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from jobkit._engine._waiting import WaitPolicy

__all__ = ["Done", "Fail", "Poll", "Sleep", "Step", "WaitCore", "is_transient"]

logger = logging.getLogger("jobkit")

R = TypeVar("R", bound=Resource)


@frozen
class Poll(Generic[R]):
    """Call AWS now; abandon the call if it is still running at ``deadline``."""

    deadline: float
    update: R | None = None


@frozen
class Sleep(Generic[R]):
    """Sleep ``seconds``, then call :meth:`WaitCore.wake` (which answers :class:`Poll`)."""

    seconds: float
    update: R | None = None


@frozen
class Done(Generic[R]):
    """The resource reached a terminal status; ``resource`` is the final model."""

    resource: R
    update: R | None = None


@frozen
class Fail(Generic[R]):
    """The wait ended without a terminal model the caller accepts; raise ``error``."""

    error: JobkitError
    update: R | None = None


Step = Poll[R] | Sleep[R] | Done[R] | Fail[R]


def is_transient(error: BaseException) -> bool:
    """Whether a failed poll may heal by itself: throttling, 5xx, connection, unreadable body."""
    return (isinstance(error, AwsError) and error.retryable) or isinstance(error, ConversionError)


def _answered(error: JobkitError) -> bool:
    """Whether ``error`` shows that AWS answered (a readable answer, even an error one)."""
    return not isinstance(error, AwsError) or error.answered


class _Eta:
    """Estimates a resource's time left from its progress fraction, at a linear rate.

    The rate is the one of the last half of the time the fraction has been watched
    (from the latest movement at least half-way back), so a job whose pace changes --
    quick tests first, slow ones last -- is judged by its recent pace. The estimate is
    *unknown* (``None``; the wait falls back to plain backoff) when:

    * no fraction is reported, or it has not moved yet;
    * the fraction went backwards (the total grew): the watch starts again from there;
    * the fraction is complete (``>= 1``) while the resource still runs: what is left
      (teardown, artifact processing) is not measured by it, so it never means "done now";
    * the estimate made when the fraction last moved is overdue: more than ``OVERDUE``
      times the time it predicted has passed with no movement (a stall, or a slower
      phase). The watch starts again from that last movement.
    """

    OVERDUE = 2.0

    __slots__ = ("moved", "points", "since")

    def __init__(self) -> None:
        self.since = 0.0  # when the current watch started
        self.points: list[tuple[float, float]] = []  # (t, fraction) at each movement
        self.moved: tuple[float, float, float] | None = None  # (t, fraction, estimate then)

    def _restart(self, now: float, progress: float) -> None:
        self.since, self.points, self.moved = now, [(now, progress)], None

    def time_left(self, now: float, progress: float | None) -> float | None:
        if progress is None or progress >= 1.0:
            return None
        points = self.points
        if not points or progress < points[-1][1]:
            self._restart(now, progress)
            return None
        moved = self.moved
        if moved is not None and progress == moved[1] and now - moved[0] > self.OVERDUE * moved[2]:
            self._restart(moved[0], moved[1])
            return None
        if progress > points[-1][1]:
            points.append((now, progress))
        half_way = (self.since + now) / 2
        while len(points) > 2 and points[1][0] <= half_way:  # noqa: PLR2004 -- keep two points
            del points[0]
        start, first = points[0]
        if progress <= first or now <= start:
            return None
        left = (1.0 - progress) * (now - start) / (progress - first)
        if moved is None or progress > moved[1]:
            self.moved = (now, progress, left)
        return left


class WaitCore(Generic[R]):
    """The state of one wait, and its rules; the driver supplies every time reading.

    Args:
        policy: timeout, delays, attempts and not-found grace.
        start: the clock reading when the wait starts.
        what: how messages name the resource, e.g. ``"IoT job ota-1"``.
        operation: the AWS operation polled, for errors (``"DescribeJob"``).
        check: a terminal outcome other than SUCCEEDED fails with :class:`JobFailedError`.
        refuse: may return a message to stop with :class:`InvalidArgumentError`
            (a resource that can never end on its own).
    """

    __slots__ = (
        "_eta",
        "_last_text",
        "_limit",
        "check",
        "deadline",
        "last",
        "last_error",
        "operation",
        "policy",
        "polls",
        "reached",
        "refuse",
        "start",
        "what",
    )

    def __init__(
        self,
        policy: WaitPolicy,
        start: float,
        *,
        what: str,
        operation: str,
        check: bool = False,
        refuse: Callable[[R], str | None] | None = None,
    ) -> None:
        self.policy = policy
        self.start = start = clock_reading(start)  # an injected clock is refused before any call
        self.deadline = start + policy.timeout
        self.what = what
        self.operation = operation
        self.check = check
        self.refuse = refuse
        self.polls = 0
        self.reached = False  # whether AWS has answered once (see `failed`)
        self.last: R | None = None
        self.last_error: JobkitError | None = None
        self._last_text: str | None = None
        self._eta = _Eta()
        self._limit: float | None = None  # when AWS ends it at the latest (``ends_within``)
        logger.debug(
            "waiting for %s: timeout %ss, delays %s..%ss, not-found grace %ss",
            what,
            policy.timeout,
            policy.min_delay,
            policy.max_delay,
            policy.not_found_grace,
        )

    def first(self) -> Poll[R]:
        """The first step: poll at once."""
        return Poll(self.deadline)

    def wake(self, now: float) -> Poll[R]:  # noqa: ARG002 -- part of the driver protocol
        """After a :class:`Sleep`: poll (the last poll may be exactly at the deadline)."""
        return Poll(self.deadline)

    def observe(self, now: float, resource: R) -> Step[R]:
        """A poll returned ``resource`` at ``now``; answer the next step."""
        self.polls += 1
        self.reached = True
        self.last_error = None
        update: R | None = None
        if resource != self.last:
            update = resource
            text = describe(resource)
            if text != self._last_text:
                logger.info("%s: %s", self.what, text)
                self._last_text = text
        self.last = resource
        if resource.is_terminal:
            return self._end(resource, now, update)
        if self.refuse is not None and (reason := self.refuse(resource)) is not None:
            error = InvalidArgumentError(reason, code="CannotWait", operation=self.operation)
            return Fail(error, update)
        time_left = self._eta.time_left(now, getattr(resource, "progress", None))
        within = getattr(resource, "ends_within", None)
        if within is not None:
            limit = self._elapsed(now) + float(within)
            self._limit = limit if self._limit is None else min(self._limit, limit)
        return self._next(now, update, time_left)

    def failed(self, now: float, error: JobkitError) -> Step[R]:
        """A poll failed at ``now`` with ``error`` (after its own retries); answer the next step.

        Until AWS has answered once (a model, a not-found, throttling, a 5xx: anything but
        :attr:`~jobkit.errors.AwsError.answered` false), a poll that failed for transport or
        parse reasons ends the wait with its error: a wrong endpoint or region is not a slow
        job. The deadline passing stays a timeout, and once AWS has answered the outage rule
        applies.
        """
        self.polls += 1
        if isinstance(error, NotFoundError):
            self.reached = True
            if self.last is not None:
                msg = (
                    f"{self.what} disappeared while being waited on "
                    f"(last seen {describe(self.last)}); it was deleted."
                )
                gone = NotFoundError(
                    msg, code=error.code, operation=error.operation, request_id=error.request_id
                )
                gone.__cause__ = error
                return Fail(gone)
            if now - self.start >= self.policy.not_found_grace:
                return Fail(error)
            logger.debug("%s not visible yet (poll %d); polling again", self.what, self.polls)
            self.last_error = error
            return self._next(now, None, None)
        if not is_transient(error):
            return Fail(error)
        if not _answered(error):
            if not self.reached and now < self.deadline:
                logger.debug("%s: AWS was never reached (%s); giving up", self.what, error.code)
                return Fail(error)
        else:
            self.reached = True
        # The outage rule: a poll whose retries ran out is noted, and the wait goes on.
        self.last_error = error
        logger.debug(
            "%s: poll %d failed (%s), polling again: %s",
            self.what,
            self.polls,
            error.code,
            error,
        )
        return self._next(now, None, None)

    def _end(self, resource: R, now: float, update: R | None) -> Step[R]:
        logger.debug(
            "%s ended %s after %d polls in %.1fs",
            self.what,
            resource.outcome,
            self.polls,
            now - self.start,
        )
        if self.check and resource.outcome is not Outcome.SUCCEEDED:
            msg = f"{self.what} ended {resource.outcome}: {describe(resource)}; see the resource for details."
            return Fail(JobFailedError(msg, resource=resource, operation=self.operation), update)
        return Done(resource, update)

    def _next(self, now: float, update: R | None, time_left: float | None) -> Step[R]:
        policy = self.policy
        if now >= self.deadline or (
            policy.max_attempts is not None and self.polls >= policy.max_attempts
        ):
            return Fail(self.timeout_error(now), update)
        delay = policy.delay(self.polls, time_left)
        if policy.use_history and (policy.history is not None or self._limit is not None):
            history = (policy.history or History()).capped(self._limit)
            delay = history_delay(
                self._elapsed(now),
                history,
                min_delay=policy.min_delay,
                max_delay=policy.max_delay,
                time_left=self.deadline - now,
                backoff=delay,
            )
        return Sleep(max(0.0, min(delay, self.deadline - now)), update)

    def _elapsed(self, now: float) -> float:
        """How long the job has run at ``now`` (its age at the start, from the history, counted)."""
        history = self.policy.history
        return now - self.start + (history.age if history is not None else 0.0)

    def timeout_error(self, now: float) -> WaitTimeoutError:
        """The error for a wait whose deadline (or ``max_attempts``) passed at ``now``."""
        elapsed = now - self.start
        last = self.last
        seen = f"its last status was {describe(last)}" if last is not None else "it was never seen"
        failing = (
            f"; the last poll failed: {self.last_error.code}"
            if self.last_error is not None and not isinstance(self.last_error, NotFoundError)
            else ""
        )
        msg = (
            f"Timed out after {timedelta(seconds=round(elapsed))} and {self.polls} polls waiting "
            f"for {self.what}; {seen}{failing}. Raise WaitPolicy(timeout=...) or check why it is stuck."
        )
        error = WaitTimeoutError(
            msg, resource=last, operation=self.operation, elapsed=elapsed, polls=self.polls
        )
        error.__cause__ = self.last_error
        return error
