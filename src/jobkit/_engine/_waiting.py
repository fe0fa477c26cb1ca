"""WaitPolicy: how long and how often a wait polls (the wait's rules live in ``_core``)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, cast

import attrs
from attrs import field, frozen

from jobkit._engine._backoff import waiter_delay
from jobkit._engine._history import History
from jobkit._engine._validation import (
    as_seconds,
    delay_range,
    finite_non_negative,
    flag_value,
    injected_callable,
    positive_seconds,
    random_draw,
)
from jobkit.errors import InvalidArgumentError

if TYPE_CHECKING:
    from datetime import timedelta

__all__ = ["WaitPolicy"]


class _Default(float):
    """A default value of a :class:`WaitPolicy`, told apart from the same number given on purpose.

    A resource's own defaults replace these when a policy is applied to it
    (:meth:`WaitPolicy.over`), so ``WaitPolicy(timeout=600)`` changes only the timeout.
    """

    __slots__ = ()


def _seconds(value: float | timedelta) -> float:
    """Attrs converter: seconds or a timedelta; a default stays marked as one."""
    return value if isinstance(value, _Default) else as_seconds(value)


_TIMEOUT, _MIN_DELAY, _MAX_DELAY, _GRACE = (
    _Default(3600.0),
    _Default(5.0),
    _Default(120.0),
    _Default(30.0),
)
_TIMINGS = ("timeout", "min_delay", "max_delay", "not_found_grace")


def _optional_positive(instance: object, _attribute: object, value: int | None) -> None:
    if value is not None and (type(value) is not int or value < 1):
        msg = (
            f"{type(instance).__name__} max_attempts is {value!r}; "
            "it must be a whole number of at least 1, or None for no limit."
        )
        raise InvalidArgumentError(msg, code="InvalidWaitPolicy")


def _optional_history(instance: object, _attribute: object, value: History | None) -> None:
    if value is not None and not isinstance(cast("object", value), History):
        msg = (
            f"{type(instance).__name__} history is a {type(value).__name__}; "
            "pass a jobkit.History(durations=...) or None."
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

    With ``use_progress`` (off by default: on lifecycles held out from tuning -- a RUNNING
    tail, uneven or growing totals, rollouts in waves -- plain backoff made fewer calls for
    no more lag; see ``benchmarks/polling.py``), a resource that reports how far along it is
    (a ``progress`` fraction: Device Farm test counters, IoT things done) gets an
    estimate of its time left, ``(1 - p) * (t - t0) / (p - p0)`` from a recent anchor
    ``(t0, p0)``; the next sleep is then shortened to
    ``max(min_delay, ETA_FRACTION * time_left)`` when that is below the backoff delay,
    so the end is seen soon after it happens without polling fast all along. When the
    estimate cannot be trusted -- the fraction is complete (``>= 1``) while the resource
    still runs, has not moved, went backwards, or an earlier estimate is overdue -- it is
    unknown and the sleep is the plain backoff delay (``jobkit._engine._core._Eta``).

    With ``use_history`` (on by default: on the held-out lifecycles with history it made
    fewer calls *and* less lag than the Smithy schedule on Amplify builds per branch and
    with flaky outliers and on Device Farm runs per pool, and was dominated nowhere; see
    ``benchmarks/polling.py``), a wait whose policy carries a :class:`~jobkit.History`
    (durations of jobs like this one; the facades read it, or pass ``history=``) sleeps
    until the job is likely to end -- in one sleep, even past ``max_delay`` -- polls
    densely around then and backs off once it has outlived its history
    (``jobkit._engine._history``); a resource that reports when AWS ends it at the latest
    (``ends_within``: an IoT execution's timeout) gets a poll then. Reading the history
    costs one list call (Amplify ``ListJobs``; Device Farm ``ListRuns``, up to three pages;
    IoT none); ``use_history=False`` skips it and the schedule, and keeps every sleep
    within ``max_delay``.
    """

    ETA_FRACTION: ClassVar[float] = 0.3
    """Chosen on the tuning lifecycles of ``benchmarks/lifecycles.py`` (never the reported ones)."""

    timeout: float = field(default=_TIMEOUT, converter=_seconds, validator=positive_seconds)
    min_delay: float = field(default=_MIN_DELAY, converter=_seconds, validator=positive_seconds)
    max_delay: float = field(default=_MAX_DELAY, converter=_seconds, validator=positive_seconds)
    max_attempts: int | None = field(default=None, validator=_optional_positive)
    not_found_grace: float = field(
        default=_GRACE, converter=_seconds, validator=finite_non_negative
    )
    use_progress: bool = field(default=False, validator=flag_value)
    use_history: bool = field(default=True, validator=flag_value)
    history: History | None = field(default=None, repr=False, validator=_optional_history)
    clock: Callable[[], float] = field(
        default=time.monotonic, eq=False, repr=False, validator=injected_callable
    )
    sleep: Callable[[float], None] = field(
        default=time.sleep, eq=False, repr=False, validator=injected_callable
    )
    random: Callable[[], float] = field(
        default=random.random, eq=False, repr=False, validator=injected_callable
    )

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.min_delay, _Default) and not isinstance(self.max_delay, _Default):
            delay_range("WaitPolicy", self.min_delay, self.max_delay)

    def given(self) -> frozenset[str]:
        """The timing values set on purpose (the others are defaults a resource may replace)."""
        return frozenset(n for n in _TIMINGS if not isinstance(getattr(self, n), _Default))

    def over(self, base: WaitPolicy) -> WaitPolicy:
        """This policy applied to a resource whose defaults are ``base``.

        Timing values not set on purpose come from ``base``; a ``min_delay`` above the
        base's ``max_delay`` raises it, and a ``max_delay`` below its ``min_delay`` lowers it.

        Raises:
            InvalidArgumentError: ``min_delay`` and ``max_delay`` were both given, reversed.
        """
        given = self.given()
        values = {n: getattr(self if n in given else base, n) for n in _TIMINGS}
        if "min_delay" in given and "max_delay" not in given:
            values["max_delay"] = max(values["min_delay"], values["max_delay"])
        if "max_delay" in given and "min_delay" not in given:
            values["min_delay"] = min(values["max_delay"], values["min_delay"])
        merged = attrs.evolve(
            self,
            timeout=float(values["timeout"]),
            min_delay=float(values["min_delay"]),
            max_delay=float(values["max_delay"]),
            not_found_grace=float(values["not_found_grace"]),
        )
        delay_range("WaitPolicy", merged.min_delay, merged.max_delay)
        return merged

    def delay(self, attempt: int, time_left: float | None = None) -> float:
        """Return the sleep after poll number ``attempt``, ignoring the deadline.

        ``time_left`` is the estimated time until the resource finishes, if known
        (``None``: unknown, the plain backoff delay).
        """
        r = random_draw(self.random(), "WaitPolicy")
        backoff = waiter_delay(attempt, self.min_delay, self.max_delay, r)
        if time_left is None or not self.use_progress:
            return backoff
        return min(backoff, max(self.min_delay, self.ETA_FRACTION * time_left))
