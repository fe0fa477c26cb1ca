"""The asyncio drivers: the same wait core and group as the sync ones, awaited.

A boto3 client's calls run on daemon threads (a call given up on is aborted, so its
thread ends at once); an aiobotocore client is awaited natively. Nothing here decides when
to poll: :class:`~jobkit._engine._core.WaitCore` and :class:`~jobkit._engine._group.Group` do.
Cancelling the awaiting task stops the wait at once: no further AWS call starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
import time
from typing import TYPE_CHECKING, Any, TypeVar

from jobkit._convert._outcome import Resource
from jobkit._engine._abort import Flight, current_flight
from jobkit._engine._calls import (
    GRACE,
    CallAbandonedError,
    Pacing,
    Worker,
    current_deadline,
    current_rate,
)
from jobkit._engine._core import Done, Fail, Poll, Sleep, Step, WaitCore
from jobkit._engine._deadline import Deadline
from jobkit._engine._group import Group, Outcomes, Request, Unit
from jobkit._engine._watching import EventPump
from jobkit.errors import JobkitError

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Sequence

    from jobkit._engine._rate import RateLimit
    from jobkit._engine._targets import Target, WaitResult
    from jobkit._engine._waiting import WaitPolicy

__all__ = [
    "EVENT_STEP",
    "asleep_for",
    "current_worker",
    "drive_group",
    "in_daemon_thread",
    "wait_until_terminal",
]

EVENT_STEP = 0.1
"""Seconds of an injected clock between two looks at the event source, when nothing runs."""

_PROGRESS = object()
"""Marks, in the driver's inbox, that a running flow settled some entries early."""

T = TypeVar("T")
R = TypeVar("R", bound=Resource)


def asleep_for(sleep: Callable[[float], None]) -> Callable[[float], Awaitable[None]]:
    """The awaitable twin of a policy's ``sleep``: asyncio's for real time, else the injected one.

    An injected sleep (``FakeClock.sleep``) only moves its clock, so it runs at once and
    then yields to the event loop, which keeps simulated async waits instant.
    """
    if sleep is time.sleep:
        return asyncio.sleep

    async def injected(seconds: float) -> None:
        sleep(seconds)
        await asyncio.sleep(0)

    return injected


current_worker: contextvars.ContextVar[Worker | None] = contextvars.ContextVar(
    "jobkit_worker", default=None
)
"""The worker thread of the async wait running in this context, if any."""


def _on_worker(worker: Worker, fn: Callable[[], T]) -> asyncio.Future[T]:
    """Run ``fn()`` on ``worker``; cancelling the returned future aborts the call."""
    inner = worker.submit(fn)
    outer = asyncio.wrap_future(inner)

    def given_up(done: asyncio.Future[T]) -> None:
        if done.cancelled() and not inner.done():
            worker.close(wait=False)

    outer.add_done_callback(given_up)
    return outer


def in_daemon_thread(fn: Callable[[], T]) -> asyncio.Future[T]:
    """Run ``fn()`` on a daemon thread (with this context); its result as an asyncio future.

    Inside an async wait the wait's one :class:`Worker` thread runs it (a thread per call
    costs more than a local call); a call given up on (cancelled, or past its deadline)
    is aborted, which ends that thread, and the next call gets a new one. Unlike
    ``asyncio.to_thread``, whose executor threads are joined at exit, a call given up on
    never keeps the process alive.
    """
    worker = current_worker.get()
    if worker is not None:
        return _on_worker(worker, fn)
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    context = contextvars.copy_context()
    # A group's unit has its flight already (its calls run one after another); else a new one.
    flight = current_flight.get() or Flight()
    context.run(current_flight.set, flight)

    def abandoned(done: asyncio.Future[T]) -> None:
        if done.cancelled():
            flight.abort()

    future.add_done_callback(abandoned)

    def deliver(ok: bool, value: Any) -> None:  # noqa: FBT001 -- private callback
        if future.done():  # cancelled meanwhile: the answer is dropped
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def run() -> None:
        try:
            result = context.run(fn)
        except BaseException as exc:  # noqa: BLE001 -- handed to the awaiting task
            outcome: tuple[bool, Any] = (False, exc)
        else:
            outcome = (True, result)
        # RuntimeError: the loop closed while the call ran, so nobody is waiting for it.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(deliver, *outcome)

    threading.Thread(target=run, name="jobkit aio call", daemon=True).start()
    return future


async def bounded(awaitable: Awaitable[T], deadline: Deadline, *, what: str, operation: str) -> T:
    """Await ``awaitable``, giving up at the deadline plus the grace (as the sync driver does)."""
    limit = max(0.0, deadline.at - deadline.clock()) + GRACE
    try:
        result = await asyncio.wait_for(awaitable, timeout=limit)
    except TimeoutError:
        msg = (
            f"{operation} on {what} was still running at the wait's deadline and was "
            "abandoned; check the network, or raise the timeout."
        )
        raise CallAbandonedError(
            msg, code="DeadlineExceeded", operation=operation, retryable=True
        ) from None
    # Python 3.11's wait_for returns the result when the call ends as the task is cancelled,
    # and the cancellation is lost (gh-86296): honour it here, so the wait stops at once.
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
    return result


async def wait_until_terminal(
    fetch: Callable[[Deadline], Awaitable[R]],
    *,
    what: str,
    operation: str,
    policy: WaitPolicy,
    on_update: Callable[[R], object] | None = None,
    check: bool = False,
    refuse: Callable[[R], str | None] | None = None,
    nap: Callable[[float], Awaitable[None]] | None = None,
) -> R:
    """Await ``fetch(deadline)`` until the resource is terminal; the sync driver's twin."""
    clock, sleep = policy.clock, policy.sleep
    asleep = nap or asleep_for(sleep)
    core: WaitCore[R] = WaitCore(
        policy, clock(), what=what, operation=operation, check=check, refuse=refuse
    )
    step: Step[R] = core.first()
    worker = Worker()
    token = current_worker.set(worker)
    try:
        while True:
            if step.update is not None and on_update is not None:
                on_update(step.update)
            if isinstance(step, Poll):
                try:
                    resource = await fetch(Deadline(step.deadline, clock, sleep))
                except JobkitError as exc:
                    step = core.failed(clock(), exc)
                else:
                    step = core.observe(clock(), resource)
            elif isinstance(step, Sleep):
                await asleep(step.seconds)
                step = core.wake(clock())
            elif isinstance(step, Done):
                return step.resource
            else:
                assert isinstance(step, Fail)  # noqa: S101 -- the four steps are exhaustive
                raise step.error
    finally:
        current_worker.reset(token)
        worker.close(wait=worker.idle)  # idle: the thread exits at once


async def _request(request: Request, deadline: Deadline) -> dict[str, Any]:
    facade = request.facade
    params = dict(request.params)
    acall = getattr(facade, "_acall", None)
    if acall is not None:  # an async facade
        response: dict[str, Any] = await acall(
            request.method, request.api, request.what, deadline, require=request.require, **params
        )
        return response

    def call() -> dict[str, Any]:  # a sync facade's call, on a daemon thread
        result: dict[str, Any] = facade._call(  # noqa: SLF001 -- the facades' one way to call AWS
            request.method,
            request.api,
            request.what,
            deadline,
            require=request.require,
            abandon=False,
            **params,
        )
        return result

    return await in_daemon_thread(call)


async def _run_flow(
    flow: Generator[Request, dict[str, Any], Outcomes], deadline: Deadline
) -> Outcomes:
    request = next(flow)
    while True:
        try:
            response = await _request(request, deadline)
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


async def _run_unit(
    unit: Unit, deadline: Deadline, report: Callable[[Outcomes], object]
) -> tuple[Unit, Outcomes | JobkitError]:
    what = unit.entries[0].target.what
    try:
        flow = _run_flow(unit.flow(report), deadline)
        return unit, await bounded(flow, deadline, what=what, operation=unit.operation.api)
    except JobkitError as exc:
        return unit, exc


async def drive_group(
    targets: Sequence[Target[Any]],
    policy: WaitPolicy | None,
    rate: RateLimit,
    on_update: Callable[[Any], object] | None,
    max_workers: int,
    *,
    full_models: bool = False,
    events: Any = None,
) -> AsyncGenerator[WaitResult[Any]]:
    """Run a :class:`Group` with asyncio tasks (at most ``max_workers`` calls in flight)."""
    driver = _AsyncDriver(targets, policy, rate, on_update, max_workers, full_models, events)
    group = driver.group
    try:
        while not group.done:
            driver.start_due()
            await driver.next_answer()
            for result in group.pop_finished():
                if driver.pump is not None:
                    driver.pump.ended(result.target)
                yield result
    finally:
        driver.close()


class _AsyncDriver:
    """The tasks, the clock and the event wake-ups of one async many-at-once wait."""

    def __init__(
        self,
        targets: Sequence[Target[Any]],
        policy: WaitPolicy | None,
        rate: RateLimit,
        on_update: Callable[[Any], object] | None,
        max_workers: int,
        full_models: bool,  # noqa: FBT001 -- internal, passed through positionally
        events: Any,
    ) -> None:
        self.clock = policy.clock if policy is not None else time.monotonic
        self.sleep = policy.sleep if policy is not None else time.sleep
        self.asleep = asleep_for(self.sleep)
        self.virtual = self.clock is not time.monotonic
        self.group = Group(
            targets, policy, self.clock(), full_models=full_models, events=events is not None
        )
        self.pacing = Pacing(rate, self.clock, self.sleep, self.asleep)
        self.on_update = on_update
        self.max_workers = max_workers
        # Per running unit's task: the flight of its calls, aborted if the group stops early.
        self.running: dict[asyncio.Task[tuple[Unit, Outcomes | JobkitError]], Flight] = {}
        # Wake-ups from the event pump's thread, and marks that a flow settled entries early.
        self.inbox: asyncio.Queue[tuple[Any, Any, None]] = asyncio.Queue()
        self.waker: asyncio.Task[tuple[Any, Any, None]] | None = None
        self.pump: EventPump | None = None
        if events is not None:  # the pump's thread hands wake-ups to this loop
            loop = asyncio.get_running_loop()
            inbox = self.inbox

            def put(item: tuple[Any, Any, None]) -> None:
                # The pump stops without a join (the loop must not block), so its last
                # wake-up may come after the loop closed: that wait is over, nothing to wake.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(inbox.put_nowait, item)

            self.pump = EventPump(events, self.group, put, thread=not self.virtual)

    def start_due(self) -> None:
        """Start a task for every unit due now, up to ``max_workers`` in flight."""
        clock = self.clock
        for unit, deadline_at in self.group.due(clock(), self.max_workers - len(self.running)):
            deadline = Deadline(deadline_at, clock, self.sleep)
            context = contextvars.copy_context()
            context.run(current_deadline.set, deadline)
            context.run(current_rate.set, self.pacing)
            flight = Flight()
            context.run(current_flight.set, flight)
            report = self._reporter(unit, flight)
            task = asyncio.create_task(_run_unit(unit, deadline, report), context=context)
            self.running[task] = flight

    def _reporter(self, unit: Unit, flight: Flight) -> Callable[[Outcomes], object]:
        """What a unit's flow calls with a list page's entries: settled at once (this loop)."""

        def report(outcomes: Outcomes) -> None:
            if flight.aborted:
                return
            self.group.settle_part(unit, self.clock(), outcomes, self.on_update)
            self.inbox.put_nowait((_PROGRESS, None, None))

        return report

    async def next_answer(self) -> None:
        """Wait for a unit's answer, the next due unit, or an event's wake-up; settle it."""
        if self.virtual and self._take_events():
            return
        next_due = self.group.next_due()
        timeout = None
        if next_due is not None and (len(self.running) < self.max_workers or not self.running):
            timeout = max(0.0, next_due - self.clock())
        if not self.running and (self.pump is None or self.virtual):
            if timeout:
                await self._idle(timeout)
            return
        if timeout == 0.0:
            return
        if self.waker is None:
            self.waker = asyncio.create_task(self.inbox.get())
        waker = self.waker
        waiting: set[asyncio.Task[Any]] = {*self.running, waker}
        finished, _ = await asyncio.wait(
            waiting, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if waker in finished:
            self.waker = None
            self._woke(waker.result())
        for done in finished:
            if done is waker:
                continue
            del self.running[done]
            unit, outcome = done.result()
            self.group.settle(unit, self.clock(), outcome, self.on_update)

    def _woke(self, item: tuple[Any, Any, None]) -> None:
        kind, key, _ = item
        if kind is not _PROGRESS:  # an event named a target: it is due now
            self.group.wake(key, self.clock())

    async def _idle(self, seconds: float) -> None:
        """Nothing runs and no event thread can wake the loop: sleep, in steps if events are on."""
        if self.pump is None:
            await self.asleep(seconds)
            return
        end = self.clock() + seconds  # an injected clock: take the events each step brings
        while not self._take_events() and (left := end - self.clock()) > 0:
            await self.asleep(min(left, EVENT_STEP))

    def _take_events(self) -> bool:
        """On an injected clock: wake the targets the source has events for now; whether any."""
        if self.pump is None:
            return False
        keys = self.pump.take()
        now = self.clock()
        for key in keys:
            self.group.wake(key, now)
        return bool(keys)

    def close(self) -> None:
        """Cancelled or closed early: no call goes on, and the event pump stops."""
        for task, flight in self.running.items():
            flight.abort()  # at once: the tasks' own cancellation waits for the loop
            task.cancel()
        if self.waker is not None:
            self.waker.cancel()
        if self.pump is not None:
            self.pump.stop(join=False)  # its thread ends within its one-second turn
