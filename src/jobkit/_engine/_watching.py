"""Events in a wait: the key a wait watches on an event source, and sleeps that end early.

A wait given an event source (``events=SqsEvents(...)``) watches its resource's key while it
runs; each sleep between polls becomes a *nap* that ends as soon as an event names the key, so
the next poll reads the resource at once. The rules of the wait stay in the core: an event only
shortens a sleep, and the wait ends on what AWS then says.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import TYPE_CHECKING, Any

from jobkit._engine._validation import shown
from jobkit.errors import InvalidArgumentError

if TYPE_CHECKING:
    from collections.abc import Generator

    from jobkit._engine._operations import Bound

__all__ = ["WAKE", "EventPump", "Watch", "check_events", "watching"]

logger = logging.getLogger("jobkit")


def check_events(events: object) -> Any:
    """Refuse an ``events`` that is neither None nor an event source, before any call.

    An event source is a :class:`jobkit.SqsEvents`, or an object with its methods
    (:data:`SOURCE_METHODS`): a fake one in tests and simulations.
    """
    if events is None:
        return None
    from jobkit._events._source import SqsEvents  # noqa: PLC0415 -- only waits given events

    if not isinstance(events, SqsEvents) and not all(
        callable(getattr(events, name, None)) for name in SOURCE_METHODS
    ):
        msg = f"events is {shown(events, 40)}, not a jobkit.SqsEvents; pass SqsEvents(queue_url) or None."
        raise InvalidArgumentError(msg, code="InvalidArgument")
    return events


SOURCE_METHODS = ("watch", "unwatch", "nap", "poll", "note")
"""What an event source offers besides :class:`jobkit.SqsEvents` must have (a test's fake)."""


class Watch:
    """One wait's watch on an event source: its key, and naps that an event ends early."""

    __slots__ = ("key", "source")

    def __init__(self, source: Any, key: tuple[str, ...]) -> None:
        self.source = source
        self.key = key

    def nap(self, seconds: float) -> None:
        """Sleep up to ``seconds`` (the sync driver's sleep between polls)."""
        self.source.nap(self.key, seconds)

    async def anap(self, seconds: float) -> None:
        """The async twin: the nap runs on a thread; cancelling stops it before another call."""
        import asyncio  # noqa: PLC0415 -- async waits only

        stop = threading.Event()
        try:
            await asyncio.to_thread(self.source.nap, self.key, seconds, stop)
        except asyncio.CancelledError:
            stop.set()
            raise


@contextlib.contextmanager
def watching(events: Any, bound: Bound[Any]) -> Generator[Watch | None]:
    """Watch ``bound``'s resource on ``events`` for the duration; None without events to watch.

    A resource whose service publishes no events (Device Farm) is polled as usual, and the
    source says so once (its ``on_note``; the ``jobkit`` logger at INFO).
    """
    source = check_events(events)
    if source is None:
        yield None
        return
    op = bound.operation
    if op.events is None:
        text = f"{op.label}s publish no events; {bound.what} is polled as usual"
        logger.info("%s", text)
        source.note(text)
        yield None
        return
    key = op.events.key(bound.ids)
    source.watch(key, op.events.recognise())
    try:
        yield Watch(source, key)
    finally:
        source.unwatch(key)


WAKE = object()
"""Marks a wake-up in a many-at-once driver's queue of answers: ``(WAKE, key, None)``."""


class EventPump:
    """A group's watch on an event source: one thread receives, and hands each wake-up over.

    ``put`` receives ``(WAKE, key, None)`` for every wake-up of a key the group watches; the
    driver makes those targets due (:meth:`~jobkit._engine._group.Group.wake`). Targets whose
    service publishes no events are polled as usual, and the source says so once.

    ``thread=False`` (a group on an injected clock, e.g. ``FakeClock``) starts no thread: the
    driver calls :meth:`take` between steps of its own clock, so a source on the same clock
    (a simulation's) delivers in virtual time and nothing waits in real time.
    """

    def __init__(self, source: Any, group: Any, put: Any, *, thread: bool = True) -> None:
        self.source = source
        self._stop = threading.Event()
        self._keys: dict[int, tuple[str, ...]] = {}
        silent: set[str] = set()
        for entry in group.entries:
            op = entry.target.bound.operation
            if op.events is None:
                silent.add(op.label)
                continue
            key = op.events.key(entry.target.ids)
            self._keys[id(entry.target)] = key
            source.watch(key, op.events.recognise())
        for label in sorted(silent):
            source.note(f"{label}s publish no events; they are polled as usual")
        watched = self._watched = set(group.watched)
        self._thread: threading.Thread | None = None
        if not thread:
            return  # the driver asks the source itself (take), on its own clock

        def pump() -> None:
            while not self._stop.is_set():
                for wake_up in source.poll(1.0, self._stop):
                    if wake_up.key in watched and not self._stop.is_set():
                        put((WAKE, wake_up.key, None))

        self._thread = threading.Thread(target=pump, name="jobkit events", daemon=True)
        self._thread.start()

    def take(self) -> list[tuple[str, ...]]:
        """Without a thread: the keys of the wake-ups the source has now, without waiting."""
        return [w.key for w in self.source.poll(0.0, self._stop) if w.key in self._watched]

    def ended(self, target: object) -> None:
        """A target has its result: stop watching its key."""
        key = self._keys.pop(id(target), None)
        if key is not None:
            self.source.unwatch(key)

    def stop(self, *, join: bool = True) -> None:
        """Stop receiving (within the source's one-second turn) and watching.

        ``join=False`` (an event loop must not block) lets the thread end on its own, within
        that second.
        """
        self._stop.set()
        if join and self._thread is not None:
            self._thread.join()
        for key in self._keys.values():
            self.source.unwatch(key)
        self._keys.clear()
