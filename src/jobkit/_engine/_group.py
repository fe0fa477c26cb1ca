"""Many waits at once, without I/O: which calls are due, and what their answers mean.

A :class:`Group` holds one :class:`~jobkit._engine._core.WaitCore` per target and sorts the
targets into *units*: targets that one list call observes together (IoT executions of
one job, Device Farm jobs of one run, Amplify jobs of one branch), or a single target
polled on its own. A unit is due when one of its targets' cores says so; a driver runs
the unit's *flow* -- a generator that yields :class:`Request` s and receives responses,
like httpx's ``auth_flow`` -- and hands the outcome back to :meth:`Group.settle`. The
rules of each wait stay in its core; the group adds only the batching.
"""

from __future__ import annotations

import heapq
import itertools
from typing import TYPE_CHECKING, Any

from attrs import frozen

from jobkit._convert._lazy import structure
from jobkit._engine._core import Done, Fail, Poll, Sleep, Step, WaitCore
from jobkit._engine._flows import Paging
from jobkit._engine._targets import Target, WaitResult
from jobkit.errors import JobkitError, NotFoundError

if TYPE_CHECKING:
    from collections.abc import Callable, Container, Generator, Hashable, Iterable, Sequence

    from jobkit._engine._operations import Batch, Operation
    from jobkit._engine._waiting import WaitPolicy

__all__ = ["Entry", "Final", "Group", "Outcomes", "Request", "Unit"]


@frozen
class Request:
    """One AWS call a unit's flow needs: the facade's client method and its parameters."""

    facade: Any
    method: str
    api: str
    what: str
    params: dict[str, Any]
    require: str | None = None


@frozen
class Final:
    """A list showed the entry ended, but only as a summary: its whole model is still to fetch."""

    summary: Any


Outcomes = dict["Entry", Any]
"""Per entry: the model observed, a :class:`Final`, or the :class:`JobkitError` its poll failed with."""


class Entry:
    """One target's place in the group."""

    __slots__ = ("core", "due", "index", "result", "target", "unit")

    def __init__(self, index: int, target: Target[Any], core: WaitCore[Any], due: float) -> None:
        self.index = index
        self.target = target
        self.core = core
        self.due = due
        self.result: WaitResult[Any] | None = None
        self.unit: Unit | None = None


class Unit:
    """Targets observed by one call (or one target polled alone)."""

    __slots__ = ("at", "batch", "busy", "entries", "facade", "operation", "parent")

    def __init__(
        self,
        facade: Any,
        operation: Operation[Any],
        batch: Batch[Any] | None,
        parent: dict[str, Any] | None,
    ) -> None:
        self.facade = facade
        self.operation = operation
        self.batch = batch
        self.parent = parent
        self.entries: list[Entry] = []
        self.busy = False
        self.at: float | None = None  # when it is scheduled (in the group's heap), if it is

    def live(self) -> list[Entry]:
        """The entries still waiting here (not ended, not moved to a final fetch of their own)."""
        return [e for e in self.entries if e.result is None and e.unit is self]

    def due(self) -> float | None:
        """When the unit is next due: its earliest live entry's due time."""
        return min((e.due for e in self.live()), default=None)

    def flow(self) -> Generator[Request, dict[str, Any], Outcomes]:
        """The calls that observe this unit's live entries, as a generator of requests."""
        live = self.live()
        if self.batch is None or self.parent is None:
            return _single_flow(self.facade, live[0])
        return _batch_flow(self.facade, self.operation, self.batch, self.parent, live)


def _get_request(facade: Any, entry: Entry) -> Request:
    bound = entry.target.bound
    op = bound.operation
    return Request(facade, op.method, op.api, bound.what, dict(bound.params), op.key)


def _single_flow(facade: Any, entry: Entry) -> Generator[Request, dict[str, Any], Outcomes]:
    op = entry.target.bound.operation
    response = yield _get_request(facade, entry)
    try:
        raw = op.resource(response, entry.target.bound)
    except NotFoundError as exc:  # a listed read that does not list it
        return {entry: exc}
    return {entry: structure(raw, op.model)}


def _batch_flow(
    facade: Any,
    operation: Operation[Any],
    batch: Batch[Any],
    parent: dict[str, Any],
    live: Sequence[Entry],
) -> Generator[Request, dict[str, Any], Outcomes]:
    """List pages until every live entry is found; a :class:`Final` for those seen ended."""
    wanted: dict[Hashable, list[Entry]] = {}
    for entry in live:
        wanted.setdefault(batch.member(entry.target.ids), []).append(entry)
    found: dict[Hashable, Any] = {}
    params = dict(parent)
    if batch.page_size is not None:
        params[batch.page_size[0]] = batch.page_size[1]
    of = " ".join(str(v) for v in parent.values())
    what = f"the {operation.label}s of {of}" if of else f"{len(wanted)} {operation.label}s"
    yield from _observe(facade, batch, parent, params, what, wanted, found)
    outcomes: Outcomes = {}
    for key, entries in wanted.items():
        model = found.get(key)
        for entry in entries:
            if model is None:
                outcomes[entry] = NotFoundError(
                    f"{entry.target.what} is not listed by {batch.api}; check the identifier and the region.",
                    code="NotListed",
                    operation=batch.api,
                )
            elif model.is_terminal and not batch.full:
                # The list shows only a summary; the whole model comes from the entry's own
                # get, a unit of its own, so the sweep (and every other target) does not wait.
                outcomes[entry] = Final(model)
            else:
                outcomes[entry] = model
    return outcomes


def _observe(
    facade: Any,
    batch: Batch[Any],
    parent: dict[str, Any],
    params: dict[str, Any],
    what: str,
    wanted: dict[Hashable, list[Entry]],
    found: dict[Hashable, Any],
) -> Generator[Request, dict[str, Any]]:
    """The list calls that find ``wanted``: pages under a parent, or the ids named in batches."""
    if batch.ids_param is not None:
        # The call names the members it reads, a bounded number at a time: no paging.
        keys = list(wanted)
        for start in range(0, len(keys), batch.max_ids):
            asked = {**params, batch.ids_param: keys[start : start + batch.max_ids]}
            response = yield Request(facade, batch.method, batch.api, what, asked)
            _match(batch, parent, response.get(batch.key) or (), wanted, found)
        return
    paging = Paging(batch.api, what)
    while True:
        response = yield Request(facade, batch.method, batch.api, what, dict(params))
        _match(batch, parent, response.get(batch.key) or (), wanted, found)
        token = paging.next_token(response)
        if token is None or len(found) == len(wanted):
            return
        params["nextToken"] = token


def _match(
    batch: Batch[Any],
    parent: dict[str, Any],
    items: Iterable[dict[str, Any]],
    wanted: Container[Hashable],
    found: dict[Hashable, Any],
) -> None:
    """Record in ``found`` the model each wanted key shows (the highest ranked, if several)."""
    for item in items:
        keys, model = batch.read(item, parent)
        for key in keys:
            if key not in wanted:
                continue
            seen = found.get(key)
            if seen is None or (batch.rank is not None and batch.rank(model) > batch.rank(seen)):
                found[key] = model


class Group:
    """The state of many waits at once, and the batching between them; no I/O.

    Args:
        targets: the handles to wait for, in input order.
        policy: applied to each target; ``None`` uses each operation's default policy.
        start: the clock reading when the group starts.
        full_models: a target a list shows ended is fetched once more for its whole model;
            ``False`` ends it on the list's summary (one call fewer per target).
    """

    def __init__(
        self,
        targets: Sequence[Target[Any]],
        policy: WaitPolicy | None,
        start: float,
        *,
        full_models: bool = True,
        events: bool = False,
    ) -> None:
        self.full_models = full_models
        self.entries: list[Entry] = []
        # With events: the entries each target key names, and entries woken while busy.
        self.watched: dict[tuple[str, ...], list[Entry]] = {}
        self._woken: set[Entry] = set()
        self.units: list[Unit] = []
        self.finished: list[WaitResult[Any]] = []
        self._open = len(targets)
        by_parent: dict[tuple[int, str, tuple[tuple[str, Any], ...]], Unit] = {}
        for index, target in enumerate(targets):
            op = target.bound.operation
            watch = events and op.events is not None
            core: WaitCore[Any] = WaitCore(
                op.policy_for(policy, events=watch),
                start,
                what=target.what,
                operation=op.api,
                refuse=op.refuse,
            )
            entry = Entry(index, target, core, start)
            self.entries.append(entry)
            if watch:
                assert op.events is not None  # noqa: S101 -- watch says so
                self.watched.setdefault(op.events.key(target.ids), []).append(entry)
            unit = self._unit_for(target, by_parent)
            unit.entries.append(entry)
            entry.unit = unit
        self._sequence = itertools.count()
        # Units by when they are next due; an entry whose unit's `at` no longer matches is stale.
        self._heap: list[tuple[float, int, Unit]] = []
        for unit in self.units:
            self._schedule(unit)

    def _schedule(self, unit: Unit) -> None:
        unit.at = unit.due()
        if unit.at is not None:
            heapq.heappush(self._heap, (unit.at, next(self._sequence), unit))

    def _top(self) -> tuple[float, int, Unit] | None:
        heap = self._heap
        while heap:
            at, _, unit = heap[0]
            if not unit.busy and unit.at == at:
                return heap[0]
            heapq.heappop(heap)  # stale: the unit was taken or rescheduled since
        return None

    def _unit_for(
        self,
        target: Target[Any],
        by_parent: dict[tuple[int, str, tuple[tuple[str, Any], ...]], Unit],
    ) -> Unit:
        op = target.bound.operation
        batch = op.batch
        if batch is None:
            unit = Unit(target.facade, op, None, None)
            self.units.append(unit)
            return unit
        parent = batch.parent(target.ids)
        key = (id(target.facade), batch.method, tuple(sorted(parent.items())))
        found = by_parent.get(key)
        if found is None:
            found = by_parent[key] = Unit(target.facade, op, batch, parent)
            self.units.append(found)
        return found

    @property
    def done(self) -> bool:
        """Whether every target has a result."""
        return self._open == 0

    def due(self, now: float, limit: int) -> list[tuple[Unit, float]]:
        """Take up to ``limit`` idle units due at ``now``; each with its call's deadline."""
        taken: list[tuple[Unit, float]] = []
        while len(taken) < limit and (top := self._top()) is not None and top[0] <= now:
            heapq.heappop(self._heap)
            unit = top[2]
            unit.busy, unit.at = True, None
            deadlines = [e.core.wake(now).deadline for e in unit.live()]
            taken.append((unit, min(deadlines)))
        return taken

    def next_due(self) -> float | None:
        """When the earliest idle unit is next due, or ``None`` if none is waiting."""
        top = self._top()
        return None if top is None else top[0]

    def settle(
        self,
        unit: Unit,
        now: float,
        outcome: Outcomes | JobkitError,
        on_update: Callable[[Any], object] | None = None,
    ) -> None:
        """Hand a unit's outcome (per entry, or one error for all) to the cores."""
        unit.busy = False
        for entry in unit.live():
            seen = outcome if isinstance(outcome, JobkitError) else outcome.get(entry)
            if seen is None:  # pragma: no cover -- a flow answers every live entry
                continue
            if isinstance(seen, Final):
                if self.full_models:
                    self._fetch_alone(entry, now)
                    continue
                seen = seen.summary
            step: Step[Any] = (
                entry.core.failed(now, seen)
                if isinstance(seen, JobkitError)
                else entry.core.observe(now, seen)
            )
            if step.update is not None and on_update is not None:
                on_update(step.update)
            self._apply(entry, now, step)
        self._schedule(unit)

    def _fetch_alone(self, entry: Entry, now: float) -> None:
        """Move an entry that a list showed ended into a unit of its own, due at once."""
        op = entry.target.bound.operation
        alone = Unit(entry.target.facade, op, None, None)
        alone.entries.append(entry)
        entry.unit = alone
        entry.due = now
        self.units.append(alone)
        self._schedule(alone)

    def _apply(self, entry: Entry, now: float, step: Step[Any]) -> None:
        if isinstance(step, Sleep):
            # Woken while its call ran (that read may predate the event): read again at once.
            entry.due = now if entry in self._woken else now + step.seconds
            self._woken.discard(entry)
            return
        if isinstance(step, Poll):  # pragma: no cover -- observe/failed never answer Poll
            entry.due = now
            return
        core = entry.core
        if isinstance(step, Done):
            result = WaitResult(entry.target, step.resource, step.resource.outcome, None)
        else:
            assert isinstance(step, Fail)  # noqa: S101 -- the four steps are exhaustive
            result = WaitResult(entry.target, core.last, None, step.error)
        entry.result = result
        self._woken.discard(entry)
        self._open -= 1
        self.finished.append(result)

    def wake(self, key: tuple[str, ...], now: float) -> None:
        """An event named ``key``: its waiting entries are due now (a busy one once it settles)."""
        for entry in self.watched.get(key, ()):
            unit = entry.unit
            if entry.result is not None or unit is None:
                continue
            if unit.busy:
                self._woken.add(entry)
            elif entry.due > now:
                entry.due = now
                self._schedule(unit)

    def pop_finished(self) -> list[WaitResult[Any]]:
        """The results that arrived since the last call, in the order they arrived."""
        out, self.finished = self.finished, []
        return out
