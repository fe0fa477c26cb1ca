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

import collections
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

READS_AT_ONCE = 4
"""At most this many reads of a batched unit's woken entries are on their way at once.

Beyond them the budget is what each further read waits for, behind the others: one sweep,
which reads every woken entry and those whose event was lost, is the better use of it.
(``_wakes_outrun_reads`` adds the rate: wake-ups faster than sweeps pay make the unit sweep
back to back.) Measured with ``benchmarks/events.py``, 10,000 executions at 5 calls/s, more
ends a second than reads: lag p95 13.4 s with reads up to a sweep's pages, 10.2 s with 4,
8.8 s once every wake-up counts towards the rate and an outrun unit sweeps again at once.
"""

__all__ = ["READS_AT_ONCE", "Entry", "Final", "Group", "Outcomes", "Part", "Request", "Unit"]


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


@frozen
class Part:
    """Outcomes a unit's flow knows before it ends (the entries one list page answered)."""

    outcomes: Outcomes


class Entry:
    """One target's place in the group."""

    __slots__ = ("core", "delay", "due", "index", "result", "target", "unit", "whole")

    def __init__(self, index: int, target: Target[Any], core: WaitCore[Any], due: float) -> None:
        self.index = index
        self.target = target
        self.core = core
        self.due = due
        # The delay its core last slept for; None while an event made it due (see _one_fallback).
        self.delay: float | None = None
        self.result: WaitResult[Any] | None = None
        self.unit: Unit | None = None
        self.whole = False  # whether the last model observed was a whole one (not a list's summary)

    def due_at_once(self, now: float) -> None:
        """Due at ``now``, off its unit's fallback schedule (an event, or a read of its own)."""
        self.due, self.delay = now, None


class Unit:
    """Targets observed by one call (or one target polled alone).

    A unit of one entry may have a ``home``: the batched unit that entry comes back to after
    this read of its own (a final fetch, or a read an event asked for).
    """

    __slots__ = (
        "answered",
        "at",
        "batch",
        "busy",
        "entries",
        "facade",
        "home",
        "operation",
        "pages",
        "parent",
        "ranks",
        "reads",
        "started",
        "sweep",
        "swept",
        "wakes",
    )

    def __init__(
        self,
        facade: Any,
        operation: Operation[Any],
        batch: Batch[Any] | None,
        parent: dict[str, Any] | None,
        home: Unit | None = None,
    ) -> None:
        self.facade = facade
        self.operation = operation
        self.batch = batch
        self.parent = parent
        self.home = home
        self.entries: list[Entry] = []
        self.busy = False
        self.at: float | None = None  # when it is scheduled (in the group's heap), if it is
        # Batched units only (None until needed, as a group may hold 100,000 units of one):
        self.answered: set[Entry] | None = None  # entries the running flow answered already
        self.ranks: dict[Hashable, int] | None = None  # keys several items answer: best rank
        self.reads: set[Entry] | None = None  # entries away on a read an event asked for
        self.swept = False  # a flow has ended once, so `ranks` knows the keys listed twice
        self.pages = 0  # list calls the last flow made
        self.started = 0.0  # when the running (or last) flow was taken
        self.sweep: tuple[int, float] | None = None  # the last whole sweep's pages and seconds
        self.wakes: collections.deque[float] | None = None  # the latest wake-ups' times

    def live(self) -> list[Entry]:
        """The entries still waiting here (not ended, not away on a read of their own)."""
        return [e for e in self.entries if e.result is None and e.unit is self]

    def due(self) -> float | None:
        """When the unit is next due: its earliest live entry's due time."""
        return min((e.due for e in self.live()), default=None)

    def flow(
        self, report: Callable[[Outcomes], object] | None = None
    ) -> Generator[Request, dict[str, Any], Outcomes]:
        """The calls that observe this unit's live entries, as a generator of requests.

        ``report``, if given, receives the outcomes a list page settles before the flow
        ends (called from wherever the flow runs); the flow's return holds the rest.
        """
        live = self.live()
        if self.batch is None or self.parent is None:
            return _single_flow(self.facade, live[0])
        return _batch_flow(self, self.batch, self.parent, live, report)


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


def _listed(batch: Batch[Any], model: Any) -> Any:
    """What a list's item means for its entries: the model, or a :class:`Final` summary."""
    # The list shows only a summary; the whole model comes from the entry's own get.
    return Final(model) if model.is_terminal and not batch.full else model


def _batch_flow(
    unit: Unit,
    batch: Batch[Any],
    parent: dict[str, Any],
    live: Sequence[Entry],
    report: Callable[[Outcomes], object] | None,
) -> Generator[Request, dict[str, Any], Outcomes]:
    """List pages until every live entry is found; each page's entries are reported at once.

    An entry is reported with the page that lists it, so a sweep of 40 pages does not hold
    the first page's ends until the last page. A target several items may answer (an IoT
    execution named without its number: the latest) waits for the flow's end until one
    flow has shown which keys are listed more than once.
    """
    wanted: dict[Hashable, list[Entry]] = {}
    for entry in live:
        wanted.setdefault(batch.member(entry.target.ids), []).append(entry)
    found: dict[Hashable, Any] = {}
    reported: set[Hashable] = set()
    params = dict(parent)
    if batch.page_size is not None:
        params[batch.page_size[0]] = batch.page_size[1]
    of = " ".join(str(v) for v in parent.values())
    what = (
        f"the {unit.operation.label}s of {of}" if of else f"{len(wanted)} {unit.operation.label}s"
    )
    rank, ranks = batch.rank, unit.ranks or {}

    def page(keys: list[Hashable]) -> None:
        if report is None:
            return
        early: Outcomes = {}
        for key in keys:
            model = found[key]
            if key in reported or (
                rank is not None and (not unit.swept or rank(model) < ranks.get(key, 0))
            ):
                continue
            reported.add(key)
            for entry in wanted[key]:
                early[entry] = _listed(batch, model)
        if early:
            report(early)

    unit.pages = 0
    yield from _observe(unit, batch, parent, params, what, wanted, found, page)
    unit.swept = True
    return _rest(batch, wanted, found, reported)


def _rest(
    batch: Batch[Any],
    wanted: dict[Hashable, list[Entry]],
    found: dict[Hashable, Any],
    reported: Container[Hashable],
) -> Outcomes:
    """The outcomes of the entries no page reported: their models, or not listed."""
    outcomes: Outcomes = {}
    for key, entries in wanted.items():
        if key in reported:
            continue
        model = found.get(key)
        for entry in entries:
            if model is None:
                outcomes[entry] = NotFoundError(
                    f"{entry.target.what} is not listed by {batch.api}; check the identifier and the region.",
                    code="NotListed",
                    operation=batch.api,
                )
            else:
                outcomes[entry] = _listed(batch, model)
    return outcomes


def _observe(
    unit: Unit,
    batch: Batch[Any],
    parent: dict[str, Any],
    params: dict[str, Any],
    what: str,
    wanted: dict[Hashable, list[Entry]],
    found: dict[Hashable, Any],
    page: Callable[[list[Hashable]], None],
) -> Generator[Request, dict[str, Any]]:
    """The list calls that find ``wanted``: pages under a parent, or the ids named in batches."""
    facade = unit.facade
    if batch.ids_param is not None:
        # The call names the members it reads, a bounded number at a time: no paging.
        keys = list(wanted)
        for start in range(0, len(keys), batch.max_ids):
            asked = {**params, batch.ids_param: keys[start : start + batch.max_ids]}
            response = yield Request(facade, batch.method, batch.api, what, asked)
            unit.pages += 1
            page(_match(unit, batch, parent, response.get(batch.key) or (), wanted, found))
        return
    paging = Paging(batch.api, what)
    while True:
        response = yield Request(facade, batch.method, batch.api, what, dict(params))
        unit.pages += 1
        page(_match(unit, batch, parent, response.get(batch.key) or (), wanted, found))
        token = paging.next_token(response)
        if token is None or len(found) == len(wanted):
            return
        params["nextToken"] = token


def _match(
    unit: Unit,
    batch: Batch[Any],
    parent: dict[str, Any],
    items: Iterable[dict[str, Any]],
    wanted: Container[Hashable],
    found: dict[Hashable, Any],
) -> list[Hashable]:
    """Record in ``found`` the model each wanted key shows (the highest ranked, if several).

    Returns the wanted keys these items answer; a key answered by several items is noted
    in the unit's ``ranks``, so later flows know to wait for its best.
    """
    matched: list[Hashable] = []
    rank = batch.rank
    for item in items:
        keys, model = batch.read(item, parent)
        for key in keys:
            if key not in wanted:
                continue
            seen = found.get(key)
            if seen is None:
                found[key] = model
                matched.append(key)
            elif rank is not None:
                best = max(rank(model), rank(seen))
                if unit.ranks is None:
                    unit.ranks = {}
                unit.ranks[key] = max(best, unit.ranks.get(key, 0))
                if rank(model) > rank(seen):
                    found[key] = model
    return matched


def _note_sweep(unit: Unit, now: float) -> None:
    """A batched unit's flow ended at ``now``: how many pages its sweep took, and how long."""
    if unit.batch is not None and unit.home is None and unit.pages:
        unit.sweep = (unit.pages, now - unit.started)


def _note_wake(unit: Unit, now: float) -> None:
    """An event woke one of batched ``unit``'s entries at ``now``: keep its time.

    Every wake-up counts, whether a read of its own, a page still to come or the next sweep
    answers it: the rate of ends is what decides between reads and sweeps.
    """
    if unit.sweep is None:
        return
    pages = unit.sweep[0]
    wakes = unit.wakes
    if wakes is None or wakes.maxlen != pages:
        wakes = unit.wakes = collections.deque(wakes or (), maxlen=pages)
    wakes.append(now)


def _wakes_outrun_reads(unit: Unit, now: float) -> bool:
    """Whether ``unit``'s wake-ups come faster than reads of their own could answer them.

    True once less than the last sweep's time saw at least as many wake-ups as it had pages:
    ends then come at least as fast as the budget pays calls, one sweep a sweep's time answers
    them all, and the unit is swept back to back, as polling alone would (reads of their own
    would only slow the sweeps). Strictly less: a one-page unit woken once and swept at once
    has answered that wake-up, and must not sweep again for it. The last sweep may have had
    fewer pages than the wake-ups kept (``_note_wake`` resizes on the next one).
    """
    wakes = unit.wakes
    if unit.sweep is None or wakes is None:
        return False
    pages, took = unit.sweep
    return len(wakes) >= pages and now - wakes[-pages] < took


def _one_fallback(unit: Unit, now: float) -> None:
    """Give a watched batched unit's sleeping entries one next sweep: their median delay on.

    With events, a sweep only catches what events missed, so the unit follows one fallback
    schedule. Left to each entry's own jittered due, the unit would be due at the earliest
    of them: with 10,000 entries, always near the schedule's minimum, and those sweeps would
    take the budget the reads events ask for need. The delay counts from the sweep's end,
    ``now``: a sweep longer than the delay (400 pages at 10 calls/s, 40 s, against the
    fallback's 15 s) would otherwise find its first pages' entries due when it ends, and
    sweep back to back. An entry an event made due keeps its due, and none is moved past
    its own deadline.
    """
    sleeping = [(e, e.delay) for e in unit.live() if e.delay is not None]
    if len(sleeping) <= 1:  # one entry's own due is already the unit's
        return
    delays = sorted(delay for _, delay in sleeping)
    due = now + delays[(len(delays) - 1) // 2]
    for entry, _ in sleeping:
        entry.due = min(due, entry.core.deadline)


class Group:
    """The state of many waits at once, and the batching between them; no I/O.

    Args:
        targets: the handles to wait for, in input order.
        policy: applied to each target; ``None`` uses each operation's default policy.
        start: the clock reading when the group starts.
        full_models: a target a list shows ended is fetched once more for its whole model
            before its result; ``False`` ends it on the list's summary (one call fewer).
        events: the targets whose rows have events are watched (:meth:`wake`) and poll on
            the rows' fallback schedules.
    """

    def __init__(
        self,
        targets: Sequence[Target[Any]],
        policy: WaitPolicy | None,
        start: float,
        *,
        full_models: bool = False,
        events: bool = False,
    ) -> None:
        self.full_models = full_models
        self.events = events
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
            unit.at = None
            live = unit.live()
            if not live:  # every entry is away on a read of its own
                continue
            unit.busy = True
            unit.started = now
            taken.append((unit, min(e.core.wake(now).deadline for e in live)))
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
        """Hand a unit's outcome (per entry, or one error for all) to the cores; the unit is idle.

        Entries a :meth:`settle_part` answered during this run are not answered again.
        """
        unit.busy = False
        _note_sweep(unit, now)
        answered, unit.answered = unit.answered, None
        for entry in unit.live():
            if answered is not None and entry in answered:
                continue
            seen = outcome if isinstance(outcome, JobkitError) else outcome.get(entry)
            if seen is None:  # it came home from a read of its own while this run was out
                self._came_home(unit, entry, now)
                continue
            self._observed(unit, entry, now, seen, on_update)
        home = unit.home
        if home is None:
            self._reschedule(unit, now)
            return
        # A read of its own is over: the entry goes back to its batched unit.
        for entry in unit.entries:
            if home.reads is not None:
                home.reads.discard(entry)
            if entry.unit is unit:
                entry.unit = home
                if entry.result is None:
                    self._sooner(home, entry.due)

    def _came_home(self, unit: Unit, entry: Entry, now: float) -> None:
        """An entry this run did not read (it was away): an event meanwhile is answered now.

        :meth:`wake` left it for a page still to come, but the run's pages were chosen
        before it came back, so none read it.
        """
        if entry not in self._woken:
            return
        self._woken.discard(entry)
        if unit.pages > 1:
            self._read_woken(unit, entry, now)
        else:
            entry.due_at_once(now)

    def _reschedule(self, unit: Unit, now: float) -> None:
        """A unit's own call is over: due on its schedule, or at once while ends outrun reads."""
        if self.events and unit.batch is not None and unit.operation.events is not None:
            _one_fallback(unit, now)
        self._schedule(unit)
        if _wakes_outrun_reads(unit, now):
            self._sooner(unit, now)

    def settle_part(
        self,
        unit: Unit,
        now: float,
        outcomes: Outcomes,
        on_update: Callable[[Any], object] | None = None,
    ) -> None:
        """Hand the outcomes a running unit's flow reported early (one list page's) to the cores."""
        if unit.answered is None:
            unit.answered = set()
        for entry, seen in outcomes.items():
            if entry.result is not None or entry.unit is not unit:
                continue
            unit.answered.add(entry)
            self._observed(unit, entry, now, seen, on_update)

    def _observed(
        self,
        unit: Unit,
        entry: Entry,
        now: float,
        seen: Any,
        on_update: Callable[[Any], object] | None,
    ) -> None:
        whole = unit.batch is None or unit.batch.full
        if isinstance(seen, Final):
            if self.full_models:
                self._read_alone(entry, now)
                return
            seen, whole = seen.summary, False
        if isinstance(seen, JobkitError):
            step: Step[Any] = entry.core.failed(now, seen)
        else:
            entry.whole = whole
            step = entry.core.observe(now, seen)
        if step.update is not None and on_update is not None:
            on_update(step.update)
        woken = entry in self._woken
        self._apply(entry, now, step)
        if woken and entry.result is None and unit.batch is not None and unit.pages > 1:
            self._read_woken(unit, entry, now)  # its read may predate the event: read it alone

    def _read_alone(self, entry: Entry, now: float) -> Unit:
        """Move an entry into a unit of its own, due at once; it comes back after the read.

        A list showed it ended (its whole model is to read), or an event named it and its
        batched unit would need several pages to read it again.
        """
        op = entry.target.bound.operation
        home = entry.unit
        alone = Unit(entry.target.facade, op, None, None, home=home)
        alone.entries.append(entry)
        entry.unit = alone
        entry.due_at_once(now)
        self._schedule(alone)
        return alone

    def _apply(self, entry: Entry, now: float, step: Step[Any]) -> None:
        if isinstance(step, Sleep):
            # Woken while its call ran (that read may predate the event): read again at once.
            if entry in self._woken:
                entry.due_at_once(now)
            else:
                entry.due, entry.delay = now + step.seconds, step.seconds
            self._woken.discard(entry)
            return
        if isinstance(step, Poll):  # pragma: no cover -- observe/failed never answer Poll
            entry.due_at_once(now)
            return
        core = entry.core
        if isinstance(step, Done):
            result = WaitResult(
                entry.target, step.resource, step.resource.outcome, None, complete=entry.whole
            )
        else:
            assert isinstance(step, Fail)  # noqa: S101 -- the four steps are exhaustive
            last = core.last
            result = WaitResult(
                entry.target, last, None, step.error, complete=last is not None and entry.whole
            )
        entry.result = result
        self._woken.discard(entry)
        self._open -= 1
        self.finished.append(result)

    def wake(self, key: tuple[str, ...], now: float) -> None:
        """An event named ``key``: its waiting entries are read as soon as the budget allows.

        An entry whose unit lists several pages a sweep is read alone (its own get), unless
        as many of that unit's entries wait for a read as a sweep has pages: then one sweep
        reads them all. An entry whose call is running is read again once it settles,
        unless a later page of that call reads it. Every wake-up of a batched unit counts
        towards its rate of ends (``_wakes_outrun_reads``), however it is then answered.
        """
        for entry in self.watched.get(key, ()):
            unit = entry.unit
            if entry.result is not None or unit is None:
                continue
            home = unit.home or unit
            if home.batch is not None:
                _note_wake(home, now)
            if unit.busy:
                if unit.answered is not None and entry in unit.answered:
                    # This run read it before the event: read it again (alone, or next sweep).
                    self._read_woken(unit, entry, now)
                else:  # (a page still to come reads it; a read of its own, after it settles)
                    self._woken.add(entry)
            elif unit.batch is not None and unit.pages > 1:
                self._read_woken(unit, entry, now)
            elif entry.due > now:
                entry.due_at_once(now)
                self._sooner(unit, now)

    def _sooner(self, unit: Unit, at: float) -> None:
        """An entry of an idle ``unit`` is due at ``at``: the unit is, if it was not sooner."""
        if not unit.busy and (unit.at is None or at < unit.at):
            unit.at = at
            heapq.heappush(self._heap, (at, next(self._sequence), unit))

    def _read_woken(self, unit: Unit, entry: Entry, now: float) -> None:
        """Read a woken entry of batched ``unit`` alone, unless its next sweep is no dearer.

        Reads on their way for the unit are counted: once they are as many as a sweep has
        pages, the entry (and, if the unit is idle, those not yet started) wait for one sweep.
        """
        reads: set[Entry] = unit.reads if unit.reads is not None else set()
        if len(reads) + 1 < min(unit.pages, READS_AT_ONCE) and not _wakes_outrun_reads(unit, now):
            reads.add(entry)
            unit.reads = reads
            self._read_alone(entry, now)
            return
        entry.due_at_once(now)  # the sweep after the running one, or the next one, reads it
        if unit.busy:
            return
        for away in list(reads):
            alone = away.unit
            if alone is None or alone.busy or alone.home is not unit:
                continue
            alone.at = None  # its place in the heap is stale
            away.unit = unit
            away.due_at_once(now)
            reads.discard(away)
        self._sooner(unit, now)

    def pop_finished(self) -> list[WaitResult[Any]]:
        """The results that arrived since the last call, in the order they arrived."""
        out, self.finished = self.finished, []
        return out
