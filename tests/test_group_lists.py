"""The group without I/O: a list page's ends are results at once, and events read alone.

The flows are driven by hand with ListJobExecutionsForJob pages in AWS's shape, so each
test says exactly which call answered what; no client call is made (handles make none).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from helpers import make_client
from jobkit import IoT, Outcome, WaitPolicy
from jobkit._engine._group import Group, Outcomes, Request

if TYPE_CHECKING:
    from collections.abc import Generator

JOB = "ota-1"


def _item(thing: str, status: str, number: int = 1) -> dict[str, Any]:
    return {
        "thingArn": f"arn:aws:iot:us-east-1:123456789012:thing/{thing}",
        "jobExecutionSummary": {"status": status, "executionNumber": number, "queuedAt": 0},
    }


def _group(things: list[str], *, events: bool = False, full_models: bool = False) -> Group:
    iot = IoT(make_client("iot"))
    targets = [iot.job_execution(JOB, t) for t in things]
    return Group(targets, None, 0.0, full_models=full_models, events=events)


def _pages(per_page: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, items in enumerate(per_page):
        page: dict[str, Any] = {"executionSummaries": items}
        if i + 1 < len(per_page):
            page["nextToken"] = str(i + 1)
        out.append(page)
    return out


def _sweep(
    group: Group, now: float, pages: list[dict[str, Any]], after_page: list[int] | None = None
) -> list[Request]:
    """Take the due unit and answer its flow with ``pages``; record results after each page."""
    ((unit, _),) = group.due(now, 1)
    parts: list[Outcomes] = []
    flow: Generator[Request, dict[str, Any], Outcomes] = unit.flow(parts.append)
    requests = [next(flow)]
    before = 0
    try:
        for page in pages:
            before = len(parts)
            request = flow.send(page)
            for part in parts[before:]:
                group.settle_part(unit, now, part)
            if after_page is not None:
                after_page.append(len(group.pop_finished()))
            requests.append(request)
    except StopIteration as stop:
        for part in parts[before:]:
            group.settle_part(unit, now, part)
        if after_page is not None:
            after_page.append(len(group.pop_finished()))
        group.settle(unit, now, stop.value)
    return requests


def test_an_end_on_the_first_page_is_a_result_before_the_last_page_is_read() -> None:
    group = _group(["a", "b", "c"])
    pages = _pages(
        [[_item("a", "IN_PROGRESS")], [_item("b", "IN_PROGRESS")], [_item("c", "IN_PROGRESS")]]
    )
    _sweep(group, 0.0, pages)  # the first sweep: nothing ended
    at = group.next_due()
    assert at is not None
    finished: list[int] = []
    pages = _pages([[_item("a", "SUCCEEDED")], [_item("b", "IN_PROGRESS")], [_item("c", "FAILED")]])
    _sweep(group, at, pages, finished)
    assert finished == [1, 0, 1]  # a's result after page 1, c's after page 3
    assert group.done is False


def test_results_from_a_list_say_they_hold_its_summary() -> None:
    group = _group(["a"])
    _sweep(group, 0.0, _pages([[_item("a", "SUCCEEDED")]]))
    (result,) = group.pop_finished()
    assert (result.outcome, result.error, result.complete) == (Outcome.SUCCEEDED, None, False)
    assert result.resource is not None
    assert result.resource.status_details is None  # the list carries none


def test_full_models_moves_an_end_to_a_read_of_its_own() -> None:
    group = _group(["a", "b"], full_models=True)
    _sweep(group, 0.0, _pages([[_item("a", "SUCCEEDED"), _item("b", "IN_PROGRESS")]]))
    assert group.pop_finished() == []  # a waits for its whole model
    ((unit, _),) = group.due(0.0, 8)
    flow = unit.flow()
    request = next(flow)
    assert (request.api, request.params["thingName"]) == ("DescribeJobExecution", "a")
    whole = {"execution": {"jobId": JOB, "status": "SUCCEEDED", "versionNumber": 2}}
    try:
        flow.send(whole)
    except StopIteration as stop:
        group.settle(unit, 0.0, stop.value)
    (result,) = group.pop_finished()
    assert result.complete
    assert result.resource is not None
    assert result.resource.version_number == 2


def test_the_latest_execution_waits_for_the_end_of_the_first_sweep() -> None:
    # A thing listed twice (executions 1 and 2): the first flow must see every page to know.
    group = _group(["a", "b"])
    finished: list[int] = []
    pages = _pages(
        [[_item("a", "SUCCEEDED", 1)], [_item("b", "IN_PROGRESS"), _item("a", "IN_PROGRESS", 2)]]
    )
    _sweep(group, 0.0, pages, finished)
    assert finished == [0, 0]
    assert group.pop_finished() == []  # a's latest execution (2) runs
    at = group.next_due()
    assert at is not None
    # Later sweeps: a's execution 1 on page 1 is known to be outranked; b ends at page 2.
    pages = _pages(
        [[_item("a", "SUCCEEDED", 1)], [_item("b", "SUCCEEDED"), _item("a", "IN_PROGRESS", 2)]]
    )
    finished = []
    _sweep(group, at, pages, finished)
    assert finished == [0, 1]
    assert group.done is False


def test_an_event_for_a_target_of_a_many_page_list_reads_it_alone() -> None:
    group = _group(["a", "b", "c"], events=True)
    pages = _pages(
        [[_item("a", "IN_PROGRESS")], [_item("b", "IN_PROGRESS")], [_item("c", "IN_PROGRESS")]]
    )
    _sweep(group, 0.0, pages)
    group.wake(("iot-execution", JOB, "b"), 1.0)
    ((unit, _),) = group.due(1.0, 8)  # at once, not at the fallback's next sweep
    request = next(unit.flow())
    assert (request.api, request.params["thingName"]) == ("DescribeJobExecution", "b")


def test_an_event_for_a_one_page_list_makes_the_list_due() -> None:
    group = _group(["a", "b"], events=True)
    _sweep(group, 0.0, _pages([[_item("a", "IN_PROGRESS"), _item("b", "IN_PROGRESS")]]))
    group.wake(("iot-execution", JOB, "b"), 1.0)
    ((unit, _),) = group.due(1.0, 8)
    assert next(unit.flow()).api == "ListJobExecutionsForJob"  # one call reads every woken one


def _gaps(group: Group, things: list[str], sweeps: int) -> list[float]:
    """Sweep ``sweeps`` times (every execution still running); each next sweep's gap."""
    at, gaps = 0.0, list[float]()
    for _ in range(sweeps):
        _sweep(group, at, _pages([[_item(t, "IN_PROGRESS") for t in things]]))
        assert len({e.due for e in group.entries}) == 1  # one schedule for the unit
        due = group.next_due()
        assert due is not None
        gaps.append(due - at)
        at = due
    return gaps


def test_with_events_a_list_of_many_follows_one_fallback_schedule() -> None:
    # Left to each entry's jittered due, 200 entries would make the unit due near the 15 s
    # minimum after every sweep; one schedule grows as a single wait's does (15..600 s).
    things = [f"t{i}" for i in range(200)]
    gaps = _gaps(_group(things, events=True), things, 4)
    assert gaps[0] == 15.0  # the fallback's first delay is its minimum
    assert gaps[3] > 40  # the median of 15..120 s, not its minimum


def test_one_fallback_schedule_never_passes_an_entrys_deadline() -> None:
    iot = IoT(make_client("iot"))
    things = [f"t{i}" for i in range(50)]
    targets = [iot.job_execution(JOB, t) for t in things]
    group = Group(targets, WaitPolicy(timeout=40), 0.0, events=True)
    gaps = _gaps(group, things, 3)
    assert sum(gaps) <= 40  # the last sweep is at the deadline at the latest


def _settle_flow(group: Group, unit: Any, now: float, answers: list[dict[str, Any]]) -> None:
    flow = unit.flow()
    next(flow)
    try:
        for answer in answers:
            flow.send(answer)
    except StopIteration as stop:
        group.settle(unit, now, stop.value)


def _reads_for_wakes(times: list[float]) -> list[str]:
    """Five things, one a page, swept in 10 s; then each woken at its time: the calls asked.

    A read of its own is answered "still running", so the entry goes back to its unit.
    """
    things = ["a", "b", "c", "d", "e"]
    group = _group(things, events=True)
    ((unit, _),) = group.due(0.0, 1)
    _settle_flow(group, unit, 10.0, _pages([[_item(t, "IN_PROGRESS")] for t in things]))
    apis: list[str] = []
    for thing, now in zip(things, times, strict=True):
        group.wake(("iot-execution", JOB, thing), now)
        ((taken, _),) = group.due(now, 8)
        request = next(taken.flow())
        apis.append(request.api)
        if request.api == "DescribeJobExecution":
            running = {"execution": {"jobId": JOB, "status": "IN_PROGRESS", "thingArn": thing}}
            _settle_flow(group, taken, now, [running])
    return apis


def test_events_faster_than_reads_pay_make_the_unit_sweep_back_to_back() -> None:
    # Five pages a sweep, which took 10 s: while five wake-ups come within 10 s, one sweep
    # answers them all for the calls five reads of their own would cost.
    apis = _reads_for_wakes([20.0, 21.0, 22.0, 23.0, 24.0])
    assert apis == ["DescribeJobExecution"] * 4 + ["ListJobExecutionsForJob"]


def test_events_slower_than_a_sweep_are_read_alone() -> None:
    # Five wake-ups over 12 s (all before the 15 s fallback): slower than the sweep's 10 s.
    apis = _reads_for_wakes([11.0, 14.0, 17.0, 20.0, 23.0])
    assert apis == ["DescribeJobExecution"] * 5


def test_ends_outrunning_reads_make_the_next_sweep_start_at_once() -> None:
    # Two things a page, five pages, swept in 10 s. During the next sweep (6 s) five events
    # name things on pages still to come, and that sweep finds them ended: five wake-ups
    # within a sweep's time count as ends outrunning reads, whichever call answered them,
    # so the unit sweeps again at once instead of at its fallback (15 s or more).
    things = [f"t{i}" for i in range(10)]
    group = _group(things, events=True)
    pairs = [things[i : i + 2] for i in range(0, 10, 2)]
    ((unit, _),) = group.due(0.0, 1)
    _settle_flow(group, unit, 10.0, _pages([[_item(t, "IN_PROGRESS") for t in p] for p in pairs]))
    start = group.next_due()
    assert start is not None
    assert start == 25.0
    ((unit, _),) = group.due(start, 1)
    ended = [p[0] for p in pairs]
    for i, thing in enumerate(ended):
        group.wake(("iot-execution", JOB, thing), 26.0 + i)
    answers = [[_item(t, "SUCCEEDED" if t in ended else "IN_PROGRESS") for t in p] for p in pairs]
    _settle_flow(group, unit, 31.0, _pages(answers))
    assert sorted(r.target.ids[1] for r in group.pop_finished()) == sorted(ended)
    assert group.next_due() == 31.0


def test_a_sweep_longer_than_the_fallback_delay_waits_that_delay_after_it_ends() -> None:
    # Twenty pages answered 2 s apart (a 38 s sweep, the second: the first reports nothing
    # early) against the fallback's 15 s minimum: the first pages' entries were due again
    # before the sweep ended, yet the unit's next sweep is at least 15 s after this one, not
    # at once (which would sweep back to back, as polling alone does).
    things = [f"t{i}" for i in range(20)]
    group = _group(things, events=True)
    ((unit, _),) = group.due(0.0, 1)
    _settle_flow(group, unit, 1.0, _pages([[_item(t, "IN_PROGRESS")] for t in things]))
    start = group.next_due()
    assert start is not None
    assert start == 16.0
    ((unit, _),) = group.due(start, 1)
    parts: list[Outcomes] = []
    flow: Generator[Request, dict[str, Any], Outcomes] = unit.flow(parts.append)
    next(flow)
    now, before = start, 0
    try:
        for i, page in enumerate(_pages([[_item(t, "IN_PROGRESS")] for t in things])):
            now = start + 2.0 * i
            before = len(parts)
            flow.send(page)
            for part in parts[before:]:
                group.settle_part(unit, now, part)
    except StopIteration as stop:
        for part in parts[before:]:
            group.settle_part(unit, now, part)
        group.settle(unit, now, stop.value)
    assert len(parts) == 20  # each page's entry was observed when its page came
    assert now == 54.0
    due = group.next_due()
    assert due is not None
    assert due >= now + 15.0


def test_an_event_for_an_entry_back_home_during_a_sweep_is_read_when_the_sweep_ends() -> None:
    # b is read alone (an event); meanwhile its unit's sweep starts without it; b comes home
    # and an event names it again. That sweep's pages were chosen without b, so none reads
    # it: when the sweep ends b is read at once, not at the fallback's next sweep.
    things = ["a", "b", "c"]
    group = _group(things, events=True)
    ((unit, _),) = group.due(0.0, 1)
    _settle_flow(group, unit, 1.0, _pages([[_item(t, "IN_PROGRESS")] for t in things]))
    group.wake(("iot-execution", JOB, "b"), 5.0)
    ((alone, _),) = group.due(5.0, 8)
    assert next(alone.flow()).api == "DescribeJobExecution"
    ((home, _),) = group.due(16.0, 8)
    flow = home.flow()
    next(flow)
    running = {"execution": {"jobId": JOB, "status": "IN_PROGRESS", "thingArn": "b"}}
    _settle_flow(group, alone, 17.0, [running])  # b is home again, its unit still sweeping
    group.wake(("iot-execution", JOB, "b"), 18.0)
    try:
        for page in _pages([[_item(t, "IN_PROGRESS")] for t in things]):
            flow.send(page)
    except StopIteration as stop:
        group.settle(home, 19.0, stop.value)
    taken = group.due(19.0, 8)
    assert [next(u.flow()).params.get("thingName") for u, _ in taken] == ["b"]


def test_a_one_page_unit_woken_once_does_not_sweep_again_for_that_event() -> None:
    # The event made the one-page list due at once, and that sweep answered it (still
    # running, a stale event): the next sweep is the fallback's, not another one at once.
    group = _group(["a", "b"], events=True)
    _sweep(group, 0.0, _pages([[_item("a", "IN_PROGRESS"), _item("b", "IN_PROGRESS")]]))
    group.wake(("iot-execution", JOB, "b"), 5.0)
    ((unit, _),) = group.due(5.0, 8)
    _settle_flow(group, unit, 6.0, _pages([[_item("a", "IN_PROGRESS"), _item("b", "IN_PROGRESS")]]))
    due = group.next_due()
    assert due is not None
    assert due >= 6.0 + 15.0
