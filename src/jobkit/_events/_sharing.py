"""The event source without I/O: which messages wake what, and which are deleted or given back.

:func:`plan` is the whole sharing rule as a pure function of one received batch.
:class:`Consumer` keeps the little state around it (watched keys, a bounded memory of messages
already given back and of targets recently watched, the source's health) and speaks in the
keyword arguments and responses of SQS calls, so a sync shell (``SqsEvents``) and an async one
are each a loop of "build the call, make it, hand back the response".
"""

from __future__ import annotations

import enum
import logging
import threading
from collections import OrderedDict
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, Literal, cast

import attrs
from attrs import field, frozen

from jobkit._engine._aws_errors import is_retryable, translate
from jobkit._events._messages import documents
from jobkit._events._protocol import Recogniser, TargetKey, WakeUp
from jobkit.errors import AccessDeniedError

_NONE: Mapping[str, int] = {}

__all__ = [
    "PAUSES",
    "Consumer",
    "EventStats",
    "Message",
    "Plan",
    "State",
    "Step",
    "Verdict",
    "give_back",
    "plan",
    "verdict",
]

logger = logging.getLogger("jobkit")

MEMORY: Final = 10_000
"""How many given-back message ids, and recently watched keys, a consumer remembers."""

PAUSES: Final = (30.0, 60.0, 120.0, 240.0, 300.0)
"""Seconds a source waits before receiving again after the 1st, 2nd, ... transient failure."""

_GONE = frozenset({"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"})

State = Literal["receiving", "paused", "stopped", "closed"]


class Verdict(enum.Enum):
    """What one message is to this consumer, and so what happens to it."""

    OURS = "ours"
    """It names a target watched here: wake it, delete the message."""
    LATE = "late"
    """It names only targets this consumer watched recently: delete it, wake nothing."""
    STRANGER = "stranger"
    """It names nothing watched here (or nothing known): give it back (visibility 0)."""
    HELD = "held"
    """A stranger that keeps coming back to this consumer: left hidden (see :func:`give_back`)."""
    POISON = "poison"
    """Malformed (not a JSON object within the bounds): delete it and log why."""


@frozen
class Message:
    """One received SQS message: its id, receipt handle and body."""

    message_id: str
    receipt_handle: str
    body: object


@frozen
class Plan:
    """What to do with one received batch (see :func:`plan`)."""

    wake_ups: tuple[WakeUp, ...] = ()
    delete: tuple[Message, ...] = ()
    release: tuple[tuple[Message, int], ...] = ()
    """Messages to give back, each with the visibility timeout (seconds) to give it."""
    held: tuple[Message, ...] = ()
    poison: tuple[tuple[Message, str], ...] = ()
    faults: tuple[str, ...] = ()
    """The recognisers (by qualified name) that raised on this batch; they count as silent."""


def _recognised(
    decoded: Sequence[Mapping[str, Any]], recognisers: Iterable[Recogniser], faults: list[str]
) -> list[WakeUp]:
    found: list[WakeUp] = []
    for recognise in recognisers:
        for document in decoded:
            try:
                found.extend(w for w in recognise(document) if isinstance(w, WakeUp))  # pyright: ignore[reportUnnecessaryIsInstance]
            except Exception:  # noqa: BLE001 -- a recogniser's bug must not end the wait
                faults.append(getattr(recognise, "__qualname__", repr(recognise)))
    return found


def verdict(
    message: Message,
    *,
    recognisers: Iterable[Recogniser],
    watched: Container[TargetKey],
    recent: Container[TargetKey] = frozenset(),
    released: Mapping[str, int] = _NONE,
    visibility_timeout: int = 30,
    faults: list[str] | None = None,
) -> tuple[Verdict, tuple[WakeUp, ...], str | None]:
    """One message's verdict, the wake-ups it gives (watched targets only), and a poison reason."""
    decoded = documents(message.body)
    if decoded.problem is not None and not decoded.documents:
        return Verdict.POISON, (), decoded.problem
    named = _recognised(decoded.documents, recognisers, [] if faults is None else faults)
    ours = tuple(w for w in named if w.key in watched)
    if ours:
        return Verdict.OURS, ours, None
    if named and all(w.key in recent for w in named):
        return Verdict.LATE, (), None
    if decoded.problem is not None:
        return Verdict.POISON, (), decoded.problem
    if give_back(released.get(message.message_id, 0), visibility_timeout) is None:
        return Verdict.HELD, (), None
    return Verdict.STRANGER, (), None


def give_back(times: int, visibility_timeout: int) -> int | None:
    """The visibility to give back a stranger with, after it was given back ``times`` times.

    0 s the first time (another consumer gets it at once), then 1, 3, 7, 15 ... s, and None
    (leave it hidden for the receive's ``visibility_timeout``, no call) once that is reached: a
    queue full of strangers cannot keep filling this consumer's receives, and a consumer that
    keeps seeing a stranger soon stops spending calls on it.
    """
    delay = 2 ** min(times, 16) - 1
    return None if times and delay >= visibility_timeout else delay


def plan(
    messages: Iterable[Message],
    *,
    recognisers: Iterable[Recogniser],
    watched: Container[TargetKey],
    recent: Container[TargetKey] = frozenset(),
    released: Mapping[str, int] = _NONE,
    visibility_timeout: int = 30,
) -> Plan:
    """Decide one received batch: the sharing rule, with no I/O.

    - a message naming a target in ``watched`` wakes it and is deleted (its other targets, if
      any, are not woken here: one consumer handles a message);
    - one naming only targets in ``recent`` (watched here until lately) is deleted unread;
    - one that is malformed (see ``_messages.documents``) is deleted as poison, with its reason;
    - any other is given back (``release``) with the visibility :func:`give_back` says for the
      number of times ``released`` says this consumer gave it back before, or left hidden
      (``held``) once that reaches ``visibility_timeout``.

    A malformed outer layer around a recognisable inner one cannot happen (an inner layer is
    only decoded from a well-formed outer one), so a message is poison only when no layer names
    a target. Wake-ups are one per key per batch, the latest claimed time winning: duplicates
    in a batch cost one read. Recognisers that raise are listed in ``faults``.
    """
    wake: dict[TargetKey, WakeUp] = {}
    delete: list[Message] = []
    release: list[tuple[Message, int]] = []
    held: list[Message] = []
    poison: list[tuple[Message, str]] = []
    faults: list[str] = []
    for message in messages:
        kind, wake_ups, reason = verdict(
            message,
            recognisers=recognisers,
            watched=watched,
            recent=recent,
            released=released,
            visibility_timeout=visibility_timeout,
            faults=faults,
        )
        if kind is Verdict.OURS:
            for wake_up in wake_ups:
                seen = wake.get(wake_up.key)
                if seen is None or (wake_up.at or 0.0) >= (seen.at or 0.0):
                    wake[wake_up.key] = wake_up
            delete.append(message)
        elif kind is Verdict.LATE:
            delete.append(message)
        elif kind is Verdict.POISON:
            delete.append(message)
            poison.append((message, reason or "it is malformed"))
        elif kind is Verdict.HELD:
            held.append(message)
        else:
            delay = give_back(released.get(message.message_id, 0), visibility_timeout)
            release.append((message, delay or 0))
    return Plan(
        tuple(wake.values()),
        tuple(delete),
        tuple(release),
        tuple(held),
        tuple(poison),
        tuple(dict.fromkeys(faults)),
    )


@frozen
class EventStats:
    """Counts since the source was made: calls, messages and what became of them."""

    receive_calls: int = 0
    messages: int = 0
    wake_ups: int = 0
    deleted: int = 0
    released: int = 0
    held: int = 0
    poison: int = 0
    failures: int = 0
    """Calls that failed (after botocore's own retries)."""


@frozen
class Step:
    """After a receive: the wake-ups to hand to the wait, and the two calls to make (or None)."""

    wake_ups: tuple[WakeUp, ...]
    delete_call: dict[str, Any] | None
    release_call: dict[str, Any] | None
    plan: Plan = field(repr=False)


class _Memory(Mapping[Any, int]):
    """A bounded mapping to counts, least recently counted forgotten first."""

    def __init__(self, size: int) -> None:
        self._items: OrderedDict[object, int] = OrderedDict()
        self._size = size

    def add(self, item: object) -> None:
        self._items[item] = self._items.get(item, 0) + 1
        self._items.move_to_end(item)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def discard(self, item: object) -> None:
        self._items.pop(item, None)

    def __getitem__(self, item: object) -> int:
        return self._items[item]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def _entries(messages: Sequence[Message]) -> list[dict[str, Any]]:
    # Batch entry ids only need to be unique within the call: the position is.
    return [{"Id": str(i), "ReceiptHandle": m.receipt_handle} for i, m in enumerate(messages)]


def _messages(response: object) -> list[Message]:
    """The usable messages of a ReceiveMessage response.

    One without a receipt handle can be neither deleted nor given back, so it is skipped: it
    comes back after the visibility timeout.
    """
    raw = (
        cast("Mapping[str, object]", response).get("Messages")
        if isinstance(response, Mapping)
        else None
    )
    found: list[Message] = []
    for item in cast("list[object]", raw) if isinstance(raw, list) else []:
        if not isinstance(item, Mapping):
            continue
        fields = cast("Mapping[str, object]", item)
        handle, message_id = fields.get("ReceiptHandle"), fields.get("MessageId")
        if isinstance(handle, str) and handle:
            found.append(
                Message(
                    message_id if isinstance(message_id, str) else handle,
                    handle,
                    fields.get("Body"),
                )
            )
    return found


class Consumer:
    """One event source's state, without I/O; thread-safe.

    The shell asks :meth:`ready`, makes the ReceiveMessage call :meth:`receive_call` describes,
    hands the response to :meth:`on_receive`, makes the delete and release calls the returned
    :class:`Step` describes and hands their responses to :meth:`on_batch`; any exception a call
    raises goes to :meth:`on_error` (which never raises). Times are the shell's clock (seconds).
    """

    def __init__(
        self,
        queue_url: str,
        *,
        batch: int = 10,
        visibility_timeout: int = 30,
        memory: int = MEMORY,
    ) -> None:
        self.queue_url = queue_url
        self.queue_name = queue_url.rstrip("/").rpartition("/")[2]
        self.batch = batch
        self.visibility_timeout = visibility_timeout
        self._lock = threading.Lock()
        self._watched: dict[TargetKey, Recogniser] = {}
        self._recognisers: dict[Recogniser, None] = {}
        self._recent = _Memory(memory)
        self._released = _Memory(memory)
        self._faulty: set[str] = set()
        self._state: State = "receiving"
        self._reason: str | None = None
        self._failures = 0
        self._resume_at = 0.0
        self._stats = EventStats()

    # -- what is watched -----------------------------------------------------------------------

    def watch(self, key: TargetKey, recognise: Recogniser) -> None:
        """Wake ``key`` when an event names it; ``recognise`` is its service's recogniser."""
        with self._lock:
            self._watched[key] = recognise
            self._recognisers.setdefault(recognise, None)
            self._recent.discard(key)

    def unwatch(self, key: TargetKey) -> None:
        """Stop waking ``key``; its late events are still deleted for a while (no wake-up)."""
        with self._lock:
            if self._watched.pop(key, None) is not None:
                self._recent.add(key)

    @property
    def watching(self) -> int:
        """How many targets are watched."""
        return len(self._watched)

    # -- health ----------------------------------------------------------------------------------

    @property
    def state(self) -> State:
        """``receiving``; ``paused`` after a transient failure; ``stopped`` for good; ``closed``."""
        return self._state

    @property
    def problem(self) -> str | None:
        """Why no events arrive, as a driver shows it once; None while receiving."""
        if self._state == "receiving" or self._reason is None:
            return None
        return f"no events: {self._reason}; polling"

    @property
    def resume_at(self) -> float:
        """When a paused source receives again (the shell's clock)."""
        return self._resume_at

    @property
    def stats(self) -> EventStats:
        """The counts so far."""
        return self._stats

    def ready(self, now: float) -> bool:
        """Whether to receive now: not stopped or closed, not paused, and something is watched."""
        if self._state == "paused" and now >= self._resume_at:
            self._state = "receiving"
        return self._state == "receiving" and bool(self._watched)

    def close(self) -> None:
        """Receive no more."""
        self._state = "closed"
        self._reason = "the event source is closed"

    def _count(self, **more: int) -> None:
        counts = attrs.asdict(self._stats)
        self._stats = EventStats(**{name: n + more.get(name, 0) for name, n in counts.items()})

    # -- the calls ---------------------------------------------------------------------------

    def receive_call(self, wait_seconds: int) -> dict[str, Any]:
        """The ReceiveMessage keyword arguments for one long poll of ``wait_seconds`` (0-20)."""
        return {
            "QueueUrl": self.queue_url,
            "MaxNumberOfMessages": self.batch,
            "WaitTimeSeconds": wait_seconds,
            # Explicit, so a message this process dies holding comes back in this many seconds
            # whatever the queue's default, and a held stranger stays hidden just as long.
            "VisibilityTimeout": self.visibility_timeout,
        }

    def on_receive(self, response: object) -> Step:
        """Plan a received batch; says which calls to make next."""
        messages = _messages(response)
        with self._lock:
            decided = plan(
                messages,
                recognisers=tuple(self._recognisers),
                watched=self._watched,
                recent=self._recent,
                released=self._released,
                visibility_timeout=self.visibility_timeout,
            )
            for message in (*(m for m, _ in decided.release), *decided.held):
                self._released.add(message.message_id)
            new_faults = [name for name in decided.faults if name not in self._faulty]
            self._faulty.update(new_faults)
        self._failures = 0
        for message, reason in decided.poison:
            logger.warning(
                "Deleted a malformed message %s from the event queue %s: %s.",
                message.message_id[:100],
                self.queue_name,
                reason,
            )
        for name in new_faults:
            logger.warning(
                "The event recogniser %s raised on a message from %s; it counts as naming "
                "nothing (logged once).",
                name,
                self.queue_name,
            )
        self._count(
            receive_calls=1,
            messages=len(messages),
            wake_ups=len(decided.wake_ups),
            held=len(decided.held),
            poison=len(decided.poison),
        )
        delete = (
            {"QueueUrl": self.queue_url, "Entries": _entries(decided.delete)}
            if decided.delete
            else None
        )
        release = (
            {
                "QueueUrl": self.queue_url,
                "Entries": [
                    {**entry, "VisibilityTimeout": delay}
                    for entry, (_, delay) in zip(
                        _entries([m for m, _ in decided.release]), decided.release, strict=True
                    )
                ],
            }
            if decided.release
            else None
        )
        return Step(decided.wake_ups, delete, release, decided)

    def on_batch(self, kind: Literal["delete", "release"], response: object) -> None:
        """Count a DeleteMessageBatch or ChangeMessageVisibilityBatch response.

        Entries AWS reports as failed are only logged at debug level: an undeleted message
        comes back and costs one more read; one not given back reappears after the visibility
        timeout.
        """
        ok = failed = 0
        if isinstance(response, Mapping):
            fields = cast("Mapping[str, object]", response)
            successful, failures = fields.get("Successful"), fields.get("Failed")
            ok = len(cast("list[object]", successful)) if isinstance(successful, list) else 0
            failed = len(cast("list[object]", failures)) if isinstance(failures, list) else 0
        if failed:
            logger.debug("%d of the event queue's %s entries failed.", failed, kind)
        self._count(**({"deleted": ok} if kind == "delete" else {"released": ok}))

    def on_error(self, exc: BaseException, operation: str, now: float) -> None:
        """Record a failed call: stop for good, or pause (transient), never raise."""
        self._count(failures=1)
        error = translate(exc, operation, f"the queue {self.queue_name}")
        code = getattr(error, "code", None)
        if error is not None and code in _GONE:
            self._stop(f"the queue {self.queue_name} does not exist (was it deleted?)")
        elif isinstance(error, AccessDeniedError):
            self._stop(f"access to the queue {self.queue_name} was denied ({code}) for {operation}")
        elif error is not None and is_retryable(error):
            pause = PAUSES[min(self._failures, len(PAUSES) - 1)]
            self._failures += 1
            self._resume_at = now + pause
            if self._state != "closed":
                self._state = "paused"
                self._reason = (
                    f"could not reach the queue {self.queue_name} ({code}); "
                    f"trying again in {pause:.0f} s"
                )
        elif error is not None:
            self._stop(f"{operation} on the queue {self.queue_name} failed ({code})")
        else:
            logger.warning("The event source for %s failed.", self.queue_name, exc_info=exc)
            self._stop(f"{operation} on the queue {self.queue_name} raised {type(exc).__name__}")

    def _stop(self, reason: str) -> None:
        if self._state != "closed":
            self._state = "stopped"
            self._reason = reason
