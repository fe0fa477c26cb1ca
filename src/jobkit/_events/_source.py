"""``SqsEvents``: AWS's own "this job ended" events, read from an SQS queue, as wake-ups.

Design
------

**An event is a hint, never an answer.** AWS delivers Amplify's EventBridge events best effort
and IoT's jobs events at least once, in no guaranteed order. So an event only *wakes* the target
it names (a :class:`~jobkit._events._protocol.WakeUp`: a target key and the status the event
claims); the wait then reads the resource and ends on what AWS says. A duplicate, stale or
out-of-order event costs at most one read; a lost one, an unwired queue or a disabled event
configuration only makes the wait slower, because polling goes on at a long fallback schedule.

**Layers.** ``_messages`` decodes a body into its JSON documents (raw, EventBridge, SNS, base64,
nested; bounded in size, depth and layers; never raises). Each service contributes a
*recogniser* (document in, wake-ups out), so the engine names no service. ``_sharing.plan``
decides a batch as a pure function and ``_sharing.Consumer`` holds the state and words the SQS
calls; this module is the thin sync shell that makes them. An async twin is the same loop with
``await`` (aiobotocore) or ``asyncio.to_thread`` (boto3) around the three calls.

**Sharing one queue.** Several processes may read one queue:

- a message naming a target this process watches wakes it and is deleted (DeleteMessageBatch);
- a message naming only targets this process watched lately (their wait is over) is deleted
  without waking anything: its own late events do not linger for others;
- a message naming nothing watched here is given back at once (ChangeMessageVisibilityBatch,
  ``VisibilityTimeout=0``) so another consumer receives it. Each time the same message comes
  back to this consumer it is given back hidden a little longer (1, 3, 7 ... s), and once
  that reaches ``visibility_timeout`` it is simply left hidden (no call): otherwise ten
  strangers could fill every receive and starve this consumer of its own events;
- a malformed message (not a JSON object within the bounds, at any layer) is **deleted as
  poison** and logged once on the ``jobkit`` logger at WARNING. No reader can act on it and the
  queue is jobkit's (EventBridge and IoT rules only write JSON objects); left, it would come back
  to every consumer every ``visibility_timeout`` until the queue's retention drops it. Well-formed
  JSON that no recogniser knows is *not* poison: it is given back like any stranger (another
  consumer, or a newer jobkit, may know it).

If two processes watch the *same* target, the first to receive its event deletes it and the
other learns the end by polling. A queue per consumer (EventBridge rule or SNS fan-out) avoids
even that; docs/events.md shows both.

**Never raising into the wait.** :meth:`SqsEvents.receive` returns wake-ups or, at its timeout,
nothing. A queue that no longer exists or refuses access stops the source for good; throttling,
5xx and connection failures (after botocore's own retries) pause it for 30 s, then 60, ... 300.
Either way :attr:`SqsEvents.problem` says ``"no events: <reason>; polling"`` for the driver to
show once, and ``receive`` keeps its timeout by sleeping, so a wait loop using it never spins.
"""

from __future__ import annotations

import math
import re
import threading
import time
from typing import TYPE_CHECKING, Any, Final, Literal, Self, cast

from jobkit._engine._validation import endpoint_url as check_endpoint_url
from jobkit._engine._validation import region_name as check_region_name
from jobkit._engine._validation import shown
from jobkit._events._sharing import Consumer, EventStats, State
from jobkit.errors import InvalidArgumentError

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

    import boto3.session

    from jobkit._events._protocol import Recogniser, TargetKey, WakeUp

__all__ = ["SqsEvents"]

MAX_WAIT: Final = 20
"""SQS's longest long poll (WaitTimeSeconds), in seconds."""
MAX_BATCH: Final = 10
"""SQS's most messages per ReceiveMessage."""
MAX_VISIBILITY: Final = 43_200
"""SQS's longest visibility timeout (12 h)."""
_SLACK: Final = 0.05
"""How far past its timeout a long poll may end: so ``receive(timeout=1)`` polls for 1 s."""

# https://sqs.REGION.amazonaws.com/ACCOUNT/NAME (also the legacy REGION.queue.amazonaws.com,
# and any host, for local endpoints). Names: 1-80 letters, digits, '-' or '_' (.fifo refused).
_QUEUE_URL = re.compile(r"https?://(?P<host>[^/\s]+)/(?P<account>[0-9]{12})/(?P<name>[^/\s]+)/?")
_QUEUE_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
_REGION_HOST = re.compile(
    r"(?:sqs\.(?P<a>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|(?P<b>[a-z0-9-]+)\.queue\.amazonaws\.com)"
    r"(?::[0-9]+)?"
)


def _fail(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(message, code="InvalidArgument")


def _queue_url(value: object) -> tuple[str, str | None]:
    """Check ``queue_url``; return it and the region its host names (None for other hosts)."""
    example = "https://sqs.us-west-2.amazonaws.com/123456789012/jobkit-events"
    if not isinstance(value, str):
        msg = f"queue_url is a {type(value).__name__}, not a string; pass the queue's URL, e.g. {example}."
        raise _fail(msg)
    found = _QUEUE_URL.fullmatch(value)
    if found is None:
        msg = f"queue_url {shown(value)} is not an SQS queue URL; pass one such as {example} (aws sqs get-queue-url prints it)."
        raise _fail(msg)
    name = found["name"]
    if name.endswith(".fifo"):
        msg = (
            f"queue_url {shown(value)} is a FIFO queue; pass a standard queue's URL (a FIFO "
            "queue holds back a message group while one consumer holds a message for another)."
        )
        raise _fail(msg)
    if not _QUEUE_NAME.fullmatch(name):
        msg = f"queue_url {shown(value)} does not end in a queue name (1-80 letters, digits, '-' or '_'); pass one such as {example}."
        raise _fail(msg)
    host = _REGION_HOST.fullmatch(found["host"].lower())
    return value, (host["a"] or host["b"]) if host else None


def _whole(name: str, value: object, low: int, high: int, unit: str) -> int:
    if type(value) is not int or not low <= value <= high:
        msg = f"{name} is {shown(value, 30)}; pass a whole number (an int) of {unit} from {low} to {high}."
        raise _fail(msg)
    return value


def _timeout(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        msg = f"timeout is {shown(value, 30)}; pass the seconds to wait as a number of at least 0, e.g. 20."
        raise _fail(msg)
    return math.inf if value == math.inf else float(value)


class SqsEvents:
    """Events from an SQS queue that wake the targets they name (see docs/events.md).

    ``client`` is a boto3 SQS client; without one, a client is made from ``session`` (or a new
    boto3 session) for ``region_name`` (or the session's region, or the one in ``queue_url``'s
    host) and ``endpoint_url``. ``wait_time`` (1-20 s) is each long poll's length, ``batch``
    (1-10) the most messages per receive, and ``visibility_timeout`` (1-43200 s) how long a
    received message stays hidden from other consumers unless given back. A client of your own
    must have a read timeout longer than ``wait_time`` (botocore's default, 60 s, is).

    Arguments are checked before any call (:class:`~jobkit.errors.InvalidArgumentError` names
    the parameter); making the source calls nothing. One source serves one wait loop at a
    time: concurrent :meth:`receive` calls take turns.
    """

    def __init__(
        self,
        queue_url: str,
        *,
        client: Any = None,
        session: boto3.session.Session | None = None,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        wait_time: int = MAX_WAIT,
        batch: int = MAX_BATCH,
        visibility_timeout: int = 30,
        on_note: Callable[[str], object] | None = None,
    ) -> None:
        url, url_region = _queue_url(queue_url)
        if on_note is not None and not callable(cast("object", on_note)):
            msg = f"on_note is {shown(on_note, 40)}, which is not callable; pass a function taking a line of text (e.g. print), or None."
            raise _fail(msg)
        self._wait_time = _whole("wait_time", wait_time, 1, MAX_WAIT, "seconds")
        batch = _whole("batch", batch, 1, MAX_BATCH, "messages")
        visibility = _whole("visibility_timeout", visibility_timeout, 1, MAX_VISIBILITY, "seconds")
        region = check_region_name(region_name)
        endpoint = check_endpoint_url(endpoint_url)
        if client is not None:
            others = [
                name
                for name, value in (
                    ("session", session),
                    ("region_name", region_name),
                    ("endpoint_url", endpoint_url),
                )
                if value is not None
            ]
            if others:
                msg = f"client was passed with {', '.join(others)}; pass a client, or the settings to make one, not both."
                raise _fail(msg)
            self._client = self._checked_client(client)
            self._owns_client = False
        else:
            self._client = self._make_client(session, region or None, url_region, endpoint)
            self._owns_client = True
        self._consumer = Consumer(url, batch=batch, visibility_timeout=visibility)
        self._turn = threading.Lock()
        self._closing = threading.Event()
        # Wake-ups one wait's receive brought for another wait of this process (see nap).
        self._pending: dict[TargetKey, WakeUp] = {}
        self._pending_lock = threading.Lock()
        self._on_note = on_note
        self._noted: set[str] = set()

    @staticmethod
    def _checked_client(client: object) -> Any:
        service = getattr(
            getattr(getattr(client, "meta", None), "service_model", None), "service_name", None
        )
        if service not in {"sqs", None} or not callable(getattr(client, "receive_message", None)):
            name = service or type(client).__name__
            msg = f"client is {shown(name, 40)}, not an SQS client; pass boto3.client('sqs')."
            raise _fail(msg)
        return client

    @staticmethod
    def _make_client(
        session: object,
        region_name: str | None,
        url_region: str | None,
        endpoint_url: str | None,
    ) -> Any:
        import boto3.session  # noqa: PLC0415 -- only when no client is given
        from botocore.config import Config  # noqa: PLC0415

        if session is not None and not isinstance(session, boto3.session.Session):
            msg = f"session is a {type(session).__name__}, not a boto3 Session; pass boto3.session.Session() or None."
            raise _fail(msg)
        session = session or boto3.session.Session()
        # A queue lives in the region its URL names; the session's region is for URLs that name
        # none (an endpoint of your own, as in tests).
        region = region_name or url_region or cast("str | None", cast("Any", session).region_name)
        if region is None:
            msg = "No AWS region is known for the queue; pass region_name=... or a queue_url on sqs.REGION.amazonaws.com."
            raise _fail(msg)
        # A long poll holds the connection up to 20 s: the read timeout must outlast it.
        config = Config(
            connect_timeout=10, read_timeout=MAX_WAIT + 20, retries={"mode": "standard"}
        )
        client: Any = cast("Any", session).client(
            "sqs", region_name=region, endpoint_url=endpoint_url, config=config
        )
        return client

    # -- what is watched -------------------------------------------------------------------------

    def watch(self, key: TargetKey, recognise: Recogniser) -> None:
        """Wake ``key`` when an event names it; ``recognise`` is its service's recogniser."""
        self._consumer.watch(key, recognise)

    def unwatch(self, key: TargetKey) -> None:
        """Stop waking ``key`` (its wait is over); its late events are deleted unread for a while."""
        self._consumer.unwatch(key)
        with self._pending_lock:
            self._pending.pop(key, None)

    # -- what the driver shows -------------------------------------------------------------------

    @property
    def queue_url(self) -> str:
        """The queue's URL."""
        return self._consumer.queue_url

    @property
    def state(self) -> State:
        """``receiving``, ``paused`` (a transient failure), ``stopped`` (for good) or ``closed``."""
        return self._consumer.state

    @property
    def problem(self) -> str | None:
        """``"no events: <reason>; polling"`` while events cannot arrive; None while receiving."""
        return self._consumer.problem

    @property
    def stats(self) -> EventStats:
        """Calls made and what became of the messages received."""
        return self._consumer.stats

    # -- receiving -------------------------------------------------------------------------------

    def receive(self, timeout: float) -> list[WakeUp]:
        """Wait up to ``timeout`` seconds for events naming watched targets; return their wake-ups.

        Returns as soon as one received batch wakes something, or with ``[]`` at the timeout;
        never raises for the queue's sake (see :attr:`problem`) and never polls past the
        timeout (by more than 50 ms): each long poll is a whole number of seconds within what is
        left, and the rest is slept (:meth:`close` from another thread ends that sleep). With nothing watched, or
        the source paused or stopped, it only sleeps.
        """
        deadline = time.monotonic() + _timeout(timeout)
        with self._turn:
            while not self._closing.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    return []
                woke = self._receive_turn(left, None)
                if woke:
                    return woke
        return []

    def nap(self, key: TargetKey, seconds: float, stop: threading.Event | None = None) -> bool:
        """Sleep up to ``seconds``, ending early when an event wakes ``key``; whether one did.

        A wait's sleep between polls. Several waits of this process may nap on one source at
        once: one of them receives at a time, and wake-ups it brings for the others are kept
        for them. ``stop`` (set from another thread, e.g. when an async wait is cancelled) ends
        the nap before any further call starts.
        """
        deadline = time.monotonic() + _timeout(seconds)
        while stop is None or not stop.is_set():
            if self._take(key):
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                self._note_silence()
                return False
            if not self._turn.acquire(timeout=min(left, 1.0)):
                continue  # another wait is receiving; what it brings for key lands in _pending
            try:
                if self._take(key):
                    return True
                left = deadline - time.monotonic()
                woke = self._receive_turn(min(left, float(self._wait_time)), stop)
            finally:
                self._turn.release()
            with self._pending_lock:
                for wake_up in woke:
                    self._pending[wake_up.key] = wake_up
            self._note_problem()
        return False

    def poll(self, seconds: float, stop: threading.Event | None = None) -> list[WakeUp]:
        """One turn of receiving, within ``seconds``: the wake-ups it brought, for any key.

        The many-at-once driver's pump. What it brings is also kept for waits of this process
        that :meth:`nap` on the same source, until they take it or stop watching.
        """
        if not self._turn.acquire(timeout=max(0.0, _timeout(seconds))):
            return []
        try:
            woke = self._receive_turn(seconds, stop)
        finally:
            self._turn.release()
        with self._pending_lock:
            for wake_up in woke:
                self._pending[wake_up.key] = wake_up
        self._note_problem()
        return woke

    def _take(self, key: TargetKey) -> bool:
        with self._pending_lock:
            return self._pending.pop(key, None) is not None

    def _receive_turn(self, left: float, stop: threading.Event | None) -> list[WakeUp]:
        """One receive within ``left`` seconds (the caller holds the turn); sleeps when it cannot."""
        wait = min(self._wait_time, math.floor(left + _SLACK))
        now = time.monotonic()
        if self._consumer.ready(now) and wait >= 1 and not self._closing.is_set():
            return self._receive_once(wait)
        nap = left
        if self._consumer.state == "paused":
            nap = min(left, max(0.0, self._consumer.resume_at - now))
        (stop or self._closing).wait(max(0.0, min(nap, 1.0)))
        return []

    def note(self, text: str) -> None:
        """Hand ``text`` to ``on_note`` once (the same text twice is said once)."""
        if self._on_note is not None and text not in self._noted:
            self._noted.add(text)
            self._on_note(text)

    def _note_problem(self) -> None:
        problem = self._consumer.problem
        if problem is not None:
            self.note(problem)

    def _note_silence(self) -> None:
        self._note_problem()
        if self._consumer.state == "receiving" and self._consumer.stats.messages == 0:
            self.note(
                f"no event has arrived yet on {self.queue_url}; polling meanwhile "
                "(jobkit events check tells whether events are wired)"
            )

    def _receive_once(self, wait: int) -> list[WakeUp]:
        consumer = self._consumer
        try:
            response = self._client.receive_message(**consumer.receive_call(wait))
        except Exception as exc:  # noqa: BLE001 -- reported through .problem, never raised
            consumer.on_error(exc, "ReceiveMessage", time.monotonic())
            return []
        step = consumer.on_receive(response)
        calls: tuple[tuple[Literal["delete", "release"], str, Any, dict[str, Any] | None], ...] = (
            ("delete", "DeleteMessageBatch", self._client.delete_message_batch, step.delete_call),
            (
                "release",
                "ChangeMessageVisibilityBatch",
                self._client.change_message_visibility_batch,
                step.release_call,
            ),
        )
        for kind, operation, method, kwargs in calls:
            if kwargs is None:
                continue
            try:
                consumer.on_batch(kind, method(**kwargs))
            except Exception as exc:  # noqa: BLE001 -- the message comes back later: one more read
                consumer.on_error(exc, operation, time.monotonic())
        return list(step.wake_ups)

    # -- the end ---------------------------------------------------------------------------------

    def close(self) -> None:
        """Stop receiving (a sleeping :meth:`receive` returns at once); close a client it made."""
        self._closing.set()
        self._consumer.close()
        if self._owns_client:
            with self._turn:  # an in-flight long poll ends within wait_time
                self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SqsEvents(queue_url={self.queue_url!r}, state={self.state!r}, watching={self._consumer.watching})"
