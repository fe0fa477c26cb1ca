"""Abort a call's HTTP request from another thread: shut its socket so its read ends at once.

A thread blocked reading a stalled response cannot be interrupted from Python; shutting
its socket down from outside is what ends the read. So each call that runs on a jobkit
thread carries a :class:`Flight` (in a context variable), the client's urllib3 pools
note which connections a flight has checked out, and :meth:`Flight.abort` shuts those
sockets down. From then on every step of that call -- a botocore retry, a retry's sleep,
a new connection, a new request -- raises :class:`CallAbortedError` in the call's own
thread, which ends the thread.

The pools are botocore's own classes, subclassed per client (``guard_client``), through
``URLLib3Session._pool_classes_by_scheme`` and urllib3's ``_get_conn``/``_put_conn``,
which every botocore and urllib3 jobkit supports has. A client without them (aiobotocore,
whose requests are cancelled with their task) is left as it is.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import socket
import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["CallAbortedError", "Flight", "current_flight", "pause", "track_connections"]


class CallAbortedError(BaseException):
    """Raised in an aborted call's own thread; a BaseException, so nothing retries or logs it."""


class Flight:
    """One call's connections in use, and whether another thread has aborted the call."""

    __slots__ = ("_held", "_lock", "_stop")

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._held: list[Any] = []

    @property
    def aborted(self) -> bool:
        """Whether :meth:`abort` was called."""
        return self._stop.is_set()

    def check(self) -> None:
        """Raise :class:`CallAbortedError` if the call was aborted."""
        if self._stop.is_set():
            raise CallAbortedError

    def sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` of real time, or until aborted (then raise)."""
        if self._stop.wait(seconds):
            raise CallAbortedError

    def hold(self, connection: Any) -> None:
        """Note a connection checked out for this call (raise if the call was aborted)."""
        with self._lock:
            self.check()
            self._held.append(connection)

    def release(self, connection: Any) -> None:
        """Forget a connection given back to its pool."""
        with self._lock, contextlib.suppress(ValueError):
            self._held.remove(connection)

    def abort(self) -> None:
        """Stop the call: shut the sockets it reads from, and refuse its every next step."""
        with self._lock:
            self._stop.set()
            held = list(self._held)
        for connection in held:
            _shut(connection)


current_flight: contextvars.ContextVar[Flight | None] = contextvars.ContextVar(
    "jobkit_flight", default=None
)
"""The flight of the call running in this context (set by the drivers' worker threads)."""


def pause(sleep: Callable[[float], None], seconds: float) -> None:
    """``sleep(seconds)`` in this context's flight: real sleeps end early when it is aborted."""
    flight = current_flight.get()
    if flight is None:
        sleep(seconds)
    elif sleep is time.sleep:
        flight.sleep(seconds)
    else:  # an injected sleep (a fake clock's) is instant: look once it returns
        sleep(seconds)
        flight.check()


def _shut(connection: Any) -> None:
    sock = getattr(connection, "sock", None)
    if isinstance(sock, socket.socket):
        # The plain socket's shutdown, also for an SSLSocket: its own would drop the TLS
        # object under the reading thread. Shutting (not closing) keeps the descriptor
        # the owner thread still reads from valid until that thread closes it.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


@functools.cache
def _tracked_connection(base: type[Any]) -> type[Any]:
    def connect(self: Any) -> None:
        base.connect(self)
        owner: Flight | None = getattr(self, "_jobkit_flight", None)
        if owner is not None and owner.aborted:  # aborted while it connected
            _shut(self)
            raise CallAbortedError

    return type(base.__name__, (base,), {"connect": connect, "_jobkit_tracked": True})


@functools.cache
def _tracked_pool(base: type[Any]) -> type[Any]:
    def get_conn(self: Any, *args: Any, **kwargs: Any) -> Any:
        connection = base._get_conn(self, *args, **kwargs)  # noqa: SLF001 -- urllib3's checkout
        flight = current_flight.get()
        if flight is not None and connection is not None:
            try:
                flight.hold(connection)
            except CallAbortedError:
                connection.close()  # urlopen gives its pool slot back
                raise
            connection._jobkit_flight = flight  # noqa: SLF001 -- our own mark
        return connection

    def put_conn(self: Any, connection: Any) -> None:
        owner: Flight | None = getattr(connection, "_jobkit_flight", None)
        if owner is not None:
            owner.release(connection)
            connection._jobkit_flight = None  # noqa: SLF001 -- our own mark
        base._put_conn(self, connection)  # noqa: SLF001 -- urllib3's check-in

    members = {
        "_get_conn": get_conn,
        "_put_conn": put_conn,
        "ConnectionCls": _tracked_connection(base.ConnectionCls),
        "_jobkit_tracked": True,
    }
    return type(base.__name__, (base,), members)


def track_connections(client: Any) -> None:
    """Make ``client``'s connection pools note which flight holds which connection (idempotent).

    Inert outside a flight: other code using the same client sees no difference.
    """
    session = getattr(getattr(client, "_endpoint", None), "http_session", None)
    classes = getattr(session, "_pool_classes_by_scheme", None)
    if not isinstance(classes, dict):
        return
    pools: dict[str, Any] = classes  # pyright: ignore[reportUnknownVariableType]
    fresh = False
    for scheme, pool in list(pools.items()):
        usable = (
            isinstance(pool, type) and hasattr(pool, "_get_conn") and hasattr(pool, "_put_conn")
        )
        if usable and not getattr(pool, "_jobkit_tracked", False):
            pools[scheme] = _tracked_pool(pool)
            fresh = True
    manager = getattr(session, "_manager", None)
    if manager is not None and getattr(manager, "pool_classes_by_scheme", None) is not pools:
        manager.pool_classes_by_scheme = pools
    if fresh:
        # Pools made before now are of the old classes; new ones are made on the next call.
        with contextlib.suppress(Exception):
            session.close()  # type: ignore[union-attr]
