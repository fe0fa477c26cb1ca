"""One AWS call under a wait's deadline: run it, stop botocore retrying past it, abandon it at it.

botocore's own timeouts cannot bound a call: a response that trickles in a byte at a
time resets the read timeout with every byte, and botocore retries underneath. So a
call made during a wait runs on a daemon thread that the wait stops waiting for at
the deadline (plus a short grace). A call given up on -- abandoned at its deadline, or
left behind by an interrupt (Ctrl-C) or a cancelled task -- is aborted: its socket is
shut down (see :mod:`jobkit._engine._abort`), so its thread ends at once whatever the network
does. While it runs, a ``needs-retry`` hook registered first on the client vetoes
botocore's inner retries once the deadline has passed.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import threading
from concurrent.futures import Future
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any, Self, TypeVar

import botocore.endpoint

from jobkit._engine._abort import Flight, current_flight, pause, track_connections
from jobkit.errors import ServiceError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from jobkit._engine._deadline import Deadline
    from jobkit._engine._rate import RateLimit

__all__ = [
    "GRACE",
    "CallAbandonedError",
    "Pacing",
    "Worker",
    "bounded_call",
    "current_deadline",
    "current_rate",
    "guard_client",
]

T = TypeVar("T")

GRACE = 0.5
"""Seconds a call started at (or near) the deadline may still take: the last poll's chance."""

current_deadline: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "jobkit_deadline", default=None
)
"""The deadline of the call running in this context (set by :func:`bounded_call`)."""

current_rate: contextvars.ContextVar[Pacing | None] = contextvars.ContextVar(
    "jobkit_rate", default=None
)
"""The rate budget every HTTP request in this context spends (set by the many-at-once drivers)."""

_GUARD_ID = "jobkit-deadline-guard"
_RATE_ID = "jobkit-rate-budget"
_ABORT_ID = "jobkit-abort"


class Pacing:
    """A :class:`RateLimit` with the clock it is measured on and the sleep that waits for it."""

    __slots__ = ("asleep", "clock", "rate", "sleep")

    def __init__(
        self,
        rate: RateLimit,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        asleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.rate = rate
        self.clock = clock
        self.sleep = sleep
        self.asleep = asleep

    def wait_turn(self) -> None:
        """Block until this call has taken its token (on the injected clock)."""
        while (delay := self.rate.take(self.clock)) > 0:
            pause(self.sleep, delay)

    async def await_turn(self) -> None:
        """Await this call's token (an aiobotocore client's requests run on the event loop)."""
        while (delay := self.rate.take(self.clock)) > 0:
            if self.asleep is None:  # pragma: no cover -- the async driver always sets it
                self.sleep(delay)
            else:
                await self.asleep(delay)


def _spend_rate_budget(**_: Any) -> None:
    """Make every HTTP request (retries too) wait for its token (a ``before-send`` handler).

    A request of an aborted call never starts.
    """
    if (flight := current_flight.get()) is not None:
        flight.check()
    pacing = current_rate.get()
    if pacing is not None:
        pacing.wait_turn()


def _stop_aborted(**_: Any) -> None:
    """End an aborted call instead of letting botocore retry it (a ``needs-retry`` handler)."""
    if (flight := current_flight.get()) is not None:
        flight.check()


class CallAbandonedError(ServiceError):
    """A call was still running when its wait's deadline passed; the wait stopped waiting for it."""


def _veto_retry_past_deadline(**_: Any) -> bool | None:
    """Answer botocore's ``needs-retry`` with ``False`` (no retry) once the deadline has passed."""
    deadline = current_deadline.get()
    if deadline is not None and deadline.clock() >= deadline.at:
        return False
    return None  # no opinion: botocore's own retry handler decides


async def _await_rate_budget(**_: Any) -> None:
    """The ``before-send`` handler for aiobotocore clients, whose emitter awaits handlers."""
    pacing = current_rate.get()
    if pacing is not None:
        await pacing.await_turn()


@functools.cache
def _botocore_accepts_a_veto() -> bool:
    """Whether botocore reads ``False`` from a ``needs-retry`` handler as "do not retry".

    Older botocore (1.35, for one) only tests for ``None`` and would sleep ``False`` seconds
    and retry at once: there the veto would turn into a tight retry loop, so it is left out
    (the wait still abandons a call at its deadline).
    """
    try:
        method: object = getattr(botocore.endpoint.Endpoint, "_needs_retry")  # noqa: B009 -- private, untyped in the stubs
        source = inspect.getsource(method)  # type: ignore[arg-type]
    except (OSError, TypeError, AttributeError):  # pragma: no cover -- no source to read
        return False
    return "handler_response is False" in source


def guard_client(client: Any, *, native_async: bool = False) -> None:
    """Register the retry veto, the abort and the rate budget on ``client`` (idempotent).

    The hooks are inert outside a bounded call and a many-at-once wait.
    ``native_async`` registers the awaitable budget hook, for an aiobotocore client.
    """
    events = getattr(getattr(client, "meta", None), "events", None)
    if events is not None:
        if _botocore_accepts_a_veto():
            events.register_first("needs-retry", _veto_retry_past_deadline, unique_id=_GUARD_ID)
        # A raise, not a veto: every botocore lets a handler's exception through.
        events.register_first("needs-retry", _stop_aborted, unique_id=_ABORT_ID)
        spend = _await_rate_budget if native_async else _spend_rate_budget
        events.register_first("before-send", spend, unique_id=_RATE_ID)
    if not native_async:
        track_connections(client)


def _abandoned(operation: str, what: str) -> CallAbandonedError:
    msg = (
        f"{operation} on {what} was still running at the wait's deadline and was "
        "abandoned; check the network, or raise the timeout."
    )
    return CallAbandonedError(msg, code="DeadlineExceeded", operation=operation, retryable=True)


class Worker:
    """One daemon thread that runs a wait's calls one at a time, each bounded by its deadline.

    A wait owns one for all its polls (a thread per call would cost more than the call's
    own overhead). A call still running at its deadline plus :data:`GRACE`, or when the
    worker is closed (an interrupt, a cancelled task), is aborted and its thread exits at
    once; the next call gets a new thread.
    """

    __slots__ = ("_flight", "_inbox", "_pending", "_thread")

    def __init__(self) -> None:
        self._pending: Future[Any] | None = None
        self._flight: Flight | None = None
        self._inbox: SimpleQueue[tuple[contextvars.Context, Callable[[], Any], Future[Any]] | None]
        self._inbox = SimpleQueue()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        # Interrupted mid-call (Ctrl-C), the call is aborted; an idle thread is joined.
        self.close(wait=self.idle)

    def submit(self, fn: Callable[[], T], context: contextvars.Context | None = None) -> Future[T]:
        """Queue ``fn()`` for the worker thread (in ``context``, or a copy of this one)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=_serve, args=(self._inbox,), name="jobkit call", daemon=True
            )
            self._thread.start()
        future: Future[T] = Future()
        context = context or contextvars.copy_context()
        flight = Flight()
        context.run(current_flight.set, flight)
        self._pending, self._flight = future, flight
        self._inbox.put((context, fn, future))
        return future

    def run(self, fn: Callable[[], T], deadline: Deadline, *, what: str, operation: str) -> T:
        """Run ``fn()`` on the worker thread; its result, or its exception, as if called here.

        Raises:
            CallAbandonedError: ``fn`` was still running at the deadline plus the grace.
        """
        context = contextvars.copy_context()
        context.run(current_deadline.set, deadline)
        future = self.submit(fn, context)
        limit = max(0.0, deadline.at - deadline.clock()) + GRACE
        try:
            return future.result(timeout=limit)
        except TimeoutError:
            if future.done():  # fn itself raised TimeoutError
                raise
            self.close(wait=False)
            raise _abandoned(operation, what) from None

    @property
    def idle(self) -> bool:
        """Whether no call is running (the thread, if any, can be joined at once)."""
        pending = self._pending
        return pending is None or pending.done()

    def close(self, *, wait: bool = True) -> None:
        """Let the thread exit: join it if idle (``wait``), else abort its current call."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        if not self.idle and self._flight is not None:
            self._flight.abort()
        self._inbox.put(None)
        self._inbox = SimpleQueue()
        if wait:
            thread.join()


def _serve(
    inbox: SimpleQueue[tuple[contextvars.Context, Callable[[], Any], Future[Any]] | None],
) -> None:
    while (item := inbox.get()) is not None:
        context, fn, future = item
        if not future.set_running_or_notify_cancel():  # pragma: no cover -- never cancelled
            continue
        try:
            result = context.run(fn)
        except BaseException as exc:  # noqa: BLE001 -- handed to the waiting thread as is
            future.set_exception(exc)
        else:
            future.set_result(result)


def bounded_call(fn: Callable[[], T], deadline: Deadline, *, what: str, operation: str) -> T:
    """Run ``fn()`` bounded by ``deadline``: inline when a :class:`Worker` already bounds it.

    Raises:
        CallAbandonedError: ``fn`` was still running (retryable: the wait decides).
        BaseException: whatever ``fn`` raised.
    """
    if current_deadline.get() is deadline:  # already on a worker bounded by this deadline
        return fn()
    with Worker() as worker:
        return worker.run(fn, deadline, what=what, operation=operation)
