"""History-aware delays: how long jobs like this one took, turned into a poll schedule (pure).

A :class:`History` holds past durations of jobs like the one waited on (a branch's last
builds, a device pool's last runs), newest first, and optionally a hard limit (a job
timeout) and the job's age when the wait started. :func:`history_delay` turns it into the
next sleep, given the time the job has run so far:

* before the *window* (a low weighted quantile of the durations, less a margin) the job is
  unlikely to end: sleep until the window opens, in one sleep even past ``max_delay``;
* inside the window (up to a high quantile, plus a margin) poll densely: every
  ``DENSE`` times the window's width;
* past the window the job outlived its history: the normal backoff, never denser than
  the window was;
* a hard limit (the job is ended by then at the latest) closes the window and gets one
  poll exactly at it; past it, sleeps start again from ``min_delay`` and double.

Every delay lies in ``[min_delay, max_delay]``, except the sleep to the window's opening,
and none runs past the deadline. The module
does no I/O and knows no service: the facades read the history, the wait core asks here.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import TYPE_CHECKING, ClassVar

from attrs import evolve, field, frozen

from jobkit.errors import InvalidArgumentError

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["History", "history_delay"]


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _durations(values: Iterable[float | timedelta]) -> tuple[float, ...]:
    return tuple(_seconds(v) for v in values)


def _weights(values: Iterable[float] | None) -> tuple[float, ...] | None:
    return None if values is None else tuple(float(v) for v in values)


def _optional_seconds(value: float | timedelta | None) -> float | None:
    return None if value is None else _seconds(value)


def _bad(name: str, value: object, want: str) -> InvalidArgumentError:
    msg = f"History {name} is {value!r}; {want}."
    return InvalidArgumentError(msg, code="InvalidHistory")


@frozen(kw_only=True)
class History:
    """How long jobs like the one waited on took: durations newest first, in seconds.

    ``weights`` (one per duration, positive) say how much each counts; by default a
    duration counts half as much every ``HALF_LIFE`` jobs back, so a branch whose builds
    drift is judged by its recent ones. ``limit`` is a hard limit on the job's duration
    (a job timeout: the job is ended by then at the latest), ``age`` how long it had
    already run when the wait started. Timedeltas are accepted wherever seconds are.
    """

    HALF_LIFE: ClassVar[float] = 8.0
    """In jobs; chosen on the tuning lifecycles of ``benchmarks/lifecycles.py``."""

    durations: tuple[float, ...] = field(default=(), converter=_durations)
    weights: tuple[float, ...] | None = field(default=None, converter=_weights)
    limit: float | None = field(default=None, converter=_optional_seconds)
    age: float = field(default=0.0, converter=_seconds)

    def __attrs_post_init__(self) -> None:
        for d in self.durations:
            if not math.isfinite(d) or d < 0:
                raise _bad("durations", d, "each must be a finite number of seconds >= 0")
        if self.weights is not None:
            if len(self.weights) != len(self.durations):
                want = f"pass one weight per duration ({len(self.durations)}), or None"
                raise _bad("weights", self.weights, want)
            for w in self.weights:
                if not math.isfinite(w) or w <= 0:
                    raise _bad("weights", w, "each must be a finite number > 0")
        if self.limit is not None and not (math.isfinite(self.limit) and self.limit > 0):
            raise _bad("limit", self.limit, "pass a finite number of seconds > 0, or None")
        if not math.isfinite(self.age) or self.age < 0:
            raise _bad("age", self.age, "pass a finite number of seconds >= 0")

    def capped(self, limit: float | None) -> History:
        """This history with ``limit`` (seconds since the job started) as its hard limit, if lower."""
        if limit is None or (self.limit is not None and self.limit <= limit):
            return self
        return evolve(self, limit=limit)

    def _spread(self) -> list[tuple[float, float, float]]:
        """Each duration as ``(low, high, weight)``: spread by ``SPREAD`` each way."""
        weights = self.weights or tuple(
            0.5 ** (i / self.HALF_LIFE) for i in range(len(self.durations))
        )
        total = sum(weights)
        return [
            (d * (1 - SPREAD), d * (1 + SPREAD), w / total)
            for d, w in zip(self.durations, weights, strict=True)
        ]

    def ended_by(self, t: float) -> float:
        """The chance, from the history, that a job like this one has ended ``t`` s after its start."""
        chance = 0.0
        for low, high, weight in self._spread():
            if t >= high:
                chance += weight
            elif t > low:
                chance += weight * (t - low) / (high - low)
        return min(1.0, chance)

    def quantile(self, p: float) -> float | None:
        """The time by which a job like this one has ended with chance ``p`` (``None``: no durations)."""
        if not self.durations:
            return None
        spread = self._spread()
        low, high = min(s[0] for s in spread), max(s[1] for s in spread)
        for _ in range(60):  # bisection: the chance is continuous and non-decreasing in t
            mid = (low + high) / 2
            if self.ended_by(mid) >= p:
                high = mid
            else:
                low = mid
        return high if self.limit is None else min(high, self.limit)

    def window(self) -> tuple[float, float] | None:
        """When the job likely ends (its 10 % and 90 % quantiles), in seconds since its start."""
        low, high = self.quantile(0.1), self.quantile(0.9)
        return None if low is None or high is None else (low, high)


SPREAD = 0.1
"""Each past duration stands for a job ending within this fraction of it, either way."""
STEP = 0.1
"""Each poll inside the history is set where the chance of the job having ended has grown by
this much since the last one: ``1 / STEP`` polls across the history, dense where it is dense."""


def history_delay(
    elapsed: float,
    history: History,
    *,
    min_delay: float,
    max_delay: float,
    time_left: float,
    backoff: float,
) -> float:
    """The sleep before the next poll of a job that has run ``elapsed`` seconds.

    ``backoff`` is the plain backoff delay, used once the job has outlived its history
    (and when there is none); ``time_left`` is the time to the wait's deadline. The
    result is in ``[min_delay, max_delay]``, except that before the history's window opens
    it reaches the opening however far, and that it never exceeds ``time_left``.
    """
    ended = history.ended_by(elapsed) if history.durations else 1.0
    wake = history.quantile(ended + STEP) if ended + STEP < 1.0 else history.quantile(1.0)
    # No durations, or the job outlived its history: backoff; else sleep until the chance
    # it ended has grown by STEP.
    delay = backoff if wake is None or wake <= elapsed else wake - elapsed
    limit = history.limit
    if limit is not None:
        # One poll exactly at the limit; past it the job is overdue (AWS is ending it):
        # the sleeps start again from min_delay and double, whatever the backoff had reached.
        delay = min(delay, limit - elapsed if elapsed < limit else elapsed - limit)
    delay = min(max(delay, min_delay), max_delay)
    opens = history.quantile(STEP)
    if opens is not None and elapsed < opens:
        # Until the window opens, the history says the job is unlikely (under STEP) to have
        # ended: the next poll is at the opening at the earliest, even if that sleep passes
        # max_delay. max_delay bounds the lag of a job nothing is known about; a job whose
        # history puts its end far away would pay one call per max_delay for nothing (a
        # 20-minute build, 30 s at a time: 40 calls). A fast failure the history never saw
        # pays in lag instead; use_history=False keeps every sleep within max_delay.
        delay = max(delay, opens - elapsed)
    return max(0.0, min(delay, time_left))
