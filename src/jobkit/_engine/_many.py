"""The many-at-once driver (sync): runs a :class:`~jobkit._engine._group.Group` with a few worker threads.

The group decides what is due; this module only does I/O: it runs each due unit's flow
on a daemon thread (at most ``max_workers`` at a time, never one per target), under
the group's :class:`RateLimit` (every HTTP request waits for its token, through a
botocore hook), and aborts a unit still running past its deadline, or every running
unit when the wait stops early (``break``, Ctrl-C).
"""

from __future__ import annotations

import contextvars
import queue
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from jobkit._convert._outcome import Resource
from jobkit._engine._abort import CallAbortedError, Flight, current_flight
from jobkit._engine._calls import GRACE, CallAbandonedError, Pacing, current_deadline, current_rate
from jobkit._engine._deadline import Deadline
from jobkit._engine._group import Group, Outcomes, Part, Request, Unit
from jobkit._engine._rate import DEFAULT_RATE, RateLimit
from jobkit._engine._targets import Target, WaitResult
from jobkit._engine._validation import flag, on_update_callable
from jobkit._engine._waiting import WaitPolicy
from jobkit._engine._watching import WAKE, EventPump, check_events
from jobkit.errors import InvalidArgumentError, JobkitError

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Sequence

    from jobkit._events._source import SqsEvents

__all__ = ["DEFAULT_WORKERS", "as_completed", "check_group", "in_input_order", "wait_all"]

R = TypeVar("R", bound=Resource)

DEFAULT_WORKERS = 8
"""Calls in flight at once in a many-at-once wait; list calls make more unnecessary."""

EVENT_STEP = 0.1
"""Seconds of an injected clock between two looks at the event source, when nothing runs."""


def check_group(
    targets: object,
    policy: object,
    rate: object,
    on_update: object,
    max_workers: object,
    *,
    sync: bool = False,
    full_models: object = False,
) -> tuple[list[Target[Any]], RateLimit]:
    """Refuse bad arguments of ``as_completed``/``wait_all`` before any call."""
    if isinstance(targets, str | bytes) or not isinstance(targets, Iterable):
        msg = "targets must be an iterable of handles from the facades (e.g. [iot.job_execution(job_id, thing)])."
        raise InvalidArgumentError(msg, code="InvalidArgument")
    items: list[Any] = list(targets)  # pyright: ignore[reportUnknownArgumentType]
    for i, item in enumerate(items):
        if not isinstance(item, Target):
            msg = (
                f"targets[{i}] is a {type(item).__name__}, not a handle; make handles with the "
                "facades, e.g. DeviceFarm.job(arn) or IoT.job_execution(job_id, thing_name)."
            )
            raise InvalidArgumentError(msg, code="InvalidArgument")
        if sync and not hasattr(item.facade, "_call"):
            msg = (
                f"targets[{i}] comes from a jobkit.aio facade; wait for it with "
                "jobkit.aio.as_completed or jobkit.aio.wait_all, or make it with a sync facade."
            )
            raise InvalidArgumentError(msg, code="InvalidArgument")
    if policy is not None and not isinstance(policy, WaitPolicy):
        msg = f"policy must be a jobkit.WaitPolicy or None, got {type(policy).__name__}; pass WaitPolicy(timeout=...)."
        raise InvalidArgumentError(msg, code="InvalidArgument")
    if rate is not None and not isinstance(rate, RateLimit):
        msg = f"rate must be a jobkit.RateLimit or None, got {type(rate).__name__}; pass RateLimit(per_second=5)."
        raise InvalidArgumentError(msg, code="InvalidArgument")
    on_update_callable(on_update)
    flag(full_models, "full_models")
    if type(max_workers) is not int or not 1 <= max_workers <= 64:  # noqa: PLR2004
        msg = f"max_workers is {max_workers!r}; pass a whole number from 1 to 64."
        raise InvalidArgumentError(msg, code="InvalidArgument")
    fresh = RateLimit(DEFAULT_RATE.per_second, DEFAULT_RATE.burst)
    return items, rate if isinstance(rate, RateLimit) else fresh


def _run_flow(flow: Generator[Request, dict[str, Any], Outcomes], deadline: Deadline) -> Outcomes:
    """Drive one unit's flow to its end, each request a retried call (in this worker thread)."""
    request = next(flow)
    while True:
        facade = request.facade
        try:
            response = facade._call(  # noqa: SLF001 -- the facades' one way to call AWS
                request.method,
                request.api,
                request.what,
                deadline,
                require=request.require,
                abandon=False,  # this worker thread is what the driver abandons
                **request.params,
            )
        except JobkitError as exc:
            try:
                request = flow.throw(exc)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
        else:
            try:
                request = flow.send(response)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]


def as_completed(
    targets: Iterable[Target[R]],
    *,
    policy: WaitPolicy | None = None,
    rate: RateLimit | None = None,
    on_update: Callable[[R], object] | None = None,
    max_workers: int = DEFAULT_WORKERS,
    full_models: bool = False,
    events: SqsEvents | None = None,
) -> Generator[WaitResult[R]]:
    """Wait for many targets at once; yield each one's :class:`WaitResult` as it ends.

    Targets that share a list parent are observed through one list call (IoT executions
    of one job, Device Farm jobs of one run, Amplify jobs of one branch); the rest are
    polled one by one. Every AWS call of the group (list pages, gets, retries) spends
    one :class:`RateLimit` budget. One target's error never stops the others.

    Args:
        targets: handles from the facades (``IoT.job_execution(...)``, ``DeviceFarm.job(...)``).
        policy: applied to each target; ``None`` uses each target's default policy. Its
            clock and sleep drive the whole group (``FakeClock`` makes it instant).
        rate: the shared budget; default ``RateLimit(per_second=5)``.
        on_update: called with each newly observed model whose state changed.
        max_workers: calls in flight at once (worker threads).
        full_models: ``False`` (the default) yields a target a list shows ended (IoT
            executions, Amplify jobs) at once, with the list's summary model
            (``result.complete`` is false; ``result.target.get()`` reads the whole model on
            demand). ``True`` reads each one's whole model first (one call more per target,
            spent from ``rate``), and yields it then.
        events: a :class:`jobkit.SqsEvents`: an event naming a target makes it due at once
            (for a batched target, its next list call), and targets whose services publish
            events poll on their rows' long fallback schedule. Device Farm's are polled as
            usual. With an injected clock (``FakeClock``), the source is asked between
            steps of that clock, without waiting: give it a source on the same clock.

    Returns:
        A generator of results; closing it (``break``, Ctrl-C) starts no further call.

    Raises:
        InvalidArgumentError: bad arguments, before any call.
    """
    items, budget = check_group(
        targets, policy, rate, on_update, max_workers, sync=True, full_models=full_models
    )
    source = check_events(events)
    return _drive(
        items, policy, budget, on_update, max_workers, full_models=full_models, events=source
    )


def wait_all(
    targets: Iterable[Target[R]],
    *,
    policy: WaitPolicy | None = None,
    rate: RateLimit | None = None,
    on_update: Callable[[R], object] | None = None,
    max_workers: int = DEFAULT_WORKERS,
    full_models: bool = False,
    events: SqsEvents | None = None,
) -> list[WaitResult[R]]:
    """Wait for many targets at once; return every :class:`WaitResult` in input order.

    Same arguments and rules as :func:`as_completed`.
    """
    items, budget = check_group(
        targets, policy, rate, on_update, max_workers, sync=True, full_models=full_models
    )
    source = check_events(events)
    results = _drive(
        items, policy, budget, on_update, max_workers, full_models=full_models, events=source
    )
    return in_input_order(items, results)


def in_input_order(
    targets: Sequence[Target[Any]], results: Iterable[WaitResult[R]]
) -> list[WaitResult[R]]:
    """``results`` sorted the way their targets were given."""
    order = {id(t): i for i, t in enumerate(targets)}
    return sorted(results, key=lambda r: order[id(r.target)])


def _drive(
    targets: Sequence[Target[Any]],
    policy: WaitPolicy | None,
    rate: RateLimit,
    on_update: Callable[[Any], object] | None,
    max_workers: int,
    *,
    full_models: bool = False,
    events: Any = None,
) -> Generator[WaitResult[Any]]:
    driver = _Driver(
        targets, policy, rate, on_update, max_workers, full_models=full_models, events=events
    )
    group = driver.group
    pump = None
    if events is not None:
        pump = EventPump(events, group, driver.answers.put, thread=not driver.virtual)
        driver.pump = pump
    try:
        while not group.done:
            for unit, deadline_at in group.due(driver.clock(), max_workers - len(driver.running)):
                driver.start(unit, deadline_at)
            if driver.running:
                driver.collect()
            else:
                next_due = group.next_due()
                if next_due is not None and (delay := next_due - driver.clock()) > 0:
                    driver.idle(delay)
            for result in group.pop_finished():
                if pump is not None:
                    pump.ended(result.target)
                yield result
    finally:  # stopped early (closed, interrupted): no call of the group goes on
        driver.abort_running()
        if pump is not None:
            pump.stop()


class _Driver:
    """The threads and the clock of one many-at-once wait."""

    def __init__(
        self,
        targets: Sequence[Target[Any]],
        policy: WaitPolicy | None,
        rate: RateLimit,
        on_update: Callable[[Any], object] | None,
        max_workers: int,
        *,
        full_models: bool = False,
        events: Any = None,
    ) -> None:
        self.clock = policy.clock if policy is not None else time.monotonic
        self.sleep = policy.sleep if policy is not None else time.sleep
        self.events = events
        # An injected clock: events are taken between its steps (EventPump.take), no thread.
        self.virtual = self.clock is not time.monotonic
        self.pump: EventPump | None = None
        self.group = Group(
            targets, policy, self.clock(), full_models=full_models, events=events is not None
        )
        self.pacing = Pacing(rate, self.clock, self.sleep)
        self.on_update = on_update
        self.max_workers = max_workers
        self.answers: queue.SimpleQueue[
            tuple[Any, object, Outcomes | Part | JobkitError | None]
        ] = queue.SimpleQueue()
        # Per running unit: its deadline, its thread, and its flight, which also tells its
        # answer from the late answer of an earlier, aborted run of the same unit.
        self.running: dict[Unit, tuple[float, threading.Thread, Flight]] = {}

    def start(self, unit: Unit, deadline_at: float) -> None:
        """Run the unit's flow on a daemon thread, under the deadline and the rate budget."""
        deadline = Deadline(deadline_at, self.clock, self.sleep)
        context = contextvars.copy_context()
        context.run(current_deadline.set, deadline)
        context.run(current_rate.set, self.pacing)
        flight = Flight()
        context.run(current_flight.set, flight)
        answers = self.answers

        def report(outcomes: Outcomes) -> None:  # a list page's entries, before the flow ends
            answers.put((unit, flight, Part(outcomes)))

        def work() -> None:
            try:
                flow = unit.flow(report)
                outcome: Outcomes | JobkitError = context.run(_run_flow, flow, deadline)
            except JobkitError as exc:
                outcome = exc
            except CallAbortedError:
                return  # nobody waits for this answer any more
            answers.put((unit, flight, outcome))

        thread = threading.Thread(target=work, name="jobkit many-at-once", daemon=True)
        self.running[unit] = (deadline_at, thread, flight)
        thread.start()

    def collect(self) -> None:
        """Wait for the next answer, the next due unit, or the earliest deadline to pass."""
        if self.virtual and self._take_events():
            return
        wake = min(at for at, _, _ in self.running.values()) + GRACE
        next_due = self.group.next_due()
        if next_due is not None and len(self.running) < self.max_workers:
            wake = min(wake, next_due)
        try:
            unit, flight, outcome = self.answers.get(timeout=max(0.0, wake - self.clock()))
        except queue.Empty:
            self._abandon_expired(self.clock())
            return
        if unit is WAKE:  # an event named a target: it is due now
            self.group.wake(cast("tuple[str, ...]", flight), self.clock())
            return
        current = self.running.get(unit)
        if isinstance(outcome, Part):
            if current is not None and current[2] is flight:
                self.group.settle_part(unit, self.clock(), outcome.outcomes, self.on_update)
            return
        if current is not None and current[2] is flight and outcome is not None:
            del self.running[unit]  # (else: a late answer of an aborted run)
            current[1].join()  # it has answered; this only waits for it to exit
            self.group.settle(unit, self.clock(), outcome, self.on_update)

    def idle(self, seconds: float) -> None:
        """Nothing runs: sleep until the next unit is due, or an event wakes one sooner."""
        if self.events is None:
            self.sleep(seconds)
            return
        if self.virtual:  # step the injected clock, taking the events each step brings
            end = self.clock() + seconds
            while not self._take_events() and (left := end - self.clock()) > 0:
                self.sleep(min(left, EVENT_STEP))
            return
        try:
            unit, key, _ = self.answers.get(timeout=seconds)
        except queue.Empty:
            return
        if unit is WAKE:
            self.group.wake(cast("tuple[str, ...]", key), self.clock())

    def _take_events(self) -> bool:
        """On an injected clock: wake the targets the source has events for now; whether any."""
        pump = self.pump
        if pump is None:
            return False
        keys = pump.take()
        now = self.clock()
        for key in keys:
            self.group.wake(key, now)
        return bool(keys)

    def abort_running(self) -> None:
        """Abort every running unit's call: their threads end at once."""
        for _, _, flight in self.running.values():
            flight.abort()
        self.running.clear()

    def _abandon_expired(self, now: float) -> None:
        for unit, (at, _, _) in list(self.running.items()):
            if now >= at + GRACE:  # abandoned: its call is aborted, so its thread ends
                _, _, flight = self.running.pop(unit)
                flight.abort()
                error = CallAbandonedError(
                    f"a call for {unit.entries[0].target.what} was still running at the "
                    "deadline and was abandoned; check the network, or raise the timeout.",
                    code="DeadlineExceeded",
                    retryable=True,
                )
                self.group.settle(unit, now, error, self.on_update)
