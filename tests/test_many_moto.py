"""Many waits at once against moto's server over real HTTP: batching, the rate bound, outcomes.

Time is simulated: the group runs on a fake clock whose sleep also plays the devices'
side (executions end at scripted instants), so a 10-minute rollout takes a second.
"""

from __future__ import annotations

import math
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest

from jobkit import IoT, Outcome, RateLimit, Target, WaitPolicy, WaitResult, as_completed, wait_all
from jobkit import iot as iot_models
from jobkit.errors import NotFoundError, WaitTimeoutError
from jobkit.testing import MotoIoT

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.integration

THINGS = 300


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoIoT]:
    before = set(threading.enumerate())
    with MotoIoT() as server:
        yield server
    leftover = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert leftover == []


class SimulatedDevices:
    """A fake clock whose sleep advances time and reports the executions that end by then."""

    def __init__(self, moto: MotoIoT, job_id: str, plan: dict[str, tuple[float, str]]) -> None:
        self.moto = moto
        self.job_id = job_id
        self.plan = sorted(plan.items(), key=lambda kv: kv[1][0])
        self.now = 0.0
        self.lock = threading.Lock()

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds
            while self.plan and self.plan[0][1][0] <= self.now:
                thing, (_, status) = self.plan.pop(0)
                self.moto.report(self.job_id, thing, status)


class Counter:
    """Counts every HTTP request (before-send), with the fake time it started."""

    def __init__(self, devices: SimulatedDevices) -> None:
        self.devices = devices
        self.calls: list[tuple[str, float]] = []

    def __call__(self, request: Any, **_: Any) -> None:
        target = request.url.split("?")[0]
        name = "list" if target.endswith("/things") else "describe"
        self.calls.append((name, self.devices.now))


def _max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] > window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def test_three_hundred_executions_batched_under_the_rate_budget(moto: MotoIoT) -> None:
    job_id = "rollout-300"
    things = [f"dev-{i:03d}" for i in range(THINGS)]
    moto.create_job(job_id, things)
    # a third succeed, a third fail, the rest stay IN_PROGRESS past the deadline
    plan: dict[str, tuple[float, str]] = {}
    for i, thing in enumerate(things):
        if i % 3 == 0:
            plan[thing] = (20.0 + i, "SUCCEEDED")
        elif i % 3 == 1:
            plan[thing] = (40.0 + i, "FAILED")
        else:
            plan[thing] = (5.0, "IN_PROGRESS")
    devices = SimulatedDevices(moto, job_id, plan)
    client = moto.client()
    counter = Counter(devices)
    client.meta.events.register_last("before-send", counter)  # after the rate budget's wait
    iot = IoT(client)
    targets = [iot.job_execution(job_id, thing) for thing in things]
    policy = WaitPolicy(
        timeout=600, min_delay=10, max_delay=30, clock=devices.clock, sleep=devices.sleep
    )
    rate = RateLimit(per_second=5, burst=2)

    seen_order: list[str] = []
    results: list[WaitResult[iot_models.JobExecution]] = []
    for result in as_completed(targets, policy=policy, rate=rate, full_models=True):
        results.append(result)
        seen_order.append(result.target.ids[1])

    assert len(results) == THINGS
    by_thing = {r.target.ids[1]: r for r in results}
    for i, thing in enumerate(things):
        result = by_thing[thing]
        if i % 3 == 0:
            assert (result.outcome, result.error) == (Outcome.SUCCEEDED, None)
            assert result.resource is not None
            assert result.resource.job_id == job_id  # the full model from the final describe
            assert result.resource.version_number is not None
            assert result.complete
        elif i % 3 == 1:
            assert (result.outcome, result.error) == (Outcome.FAILED, None)
        else:
            assert result.outcome is None
            assert isinstance(result.error, WaitTimeoutError)
            assert result.resource is not None
            assert result.resource.status == "IN_PROGRESS"
            assert not result.complete  # the last model seen was a list's summary
    # results arrive as targets end: every ended one before any that timed out
    ended = [by_thing[t].outcome is not None for t in seen_order]
    assert ended == sorted(ended, reverse=True)

    lists = [t for name, t in counter.calls if name == "list"]
    describes = [t for name, t in counter.calls if name == "describe"]
    # one describe per ended execution, and nothing else describes
    assert len(describes) == 200
    # 300 executions = 2 pages of 250: every sweep lists exactly 2 pages
    sweeps = len(lists) / 2
    assert sweeps == int(sweeps)
    assert sweeps <= 600 / 10 + 1
    # the budget: over any window W at most burst + per_second * W calls start
    starts = [t for _, t in counter.calls]
    for window in (0.0, 0.5, 1.0, 5.0, 30.0):
        assert _max_in_window(starts, window) <= 2 + math.floor(5 * window + 1e-9)


def test_missing_and_present_targets_in_one_group(moto: MotoIoT) -> None:
    job_id = "small-rollout"
    moto.create_job(job_id, ["alpha", "beta"])
    devices = SimulatedDevices(moto, job_id, {"alpha": (3.0, "SUCCEEDED")})
    iot = IoT(moto.client())
    targets: list[Target[Any]] = [
        iot.job_execution(job_id, "alpha"),
        iot.job_execution(job_id, "no-such-thing"),
        iot.job(job_id),
    ]
    policy = WaitPolicy(
        timeout=120,
        min_delay=2,
        max_delay=4,
        not_found_grace=10,
        clock=devices.clock,
        sleep=devices.sleep,
    )
    results = wait_all(targets, policy=policy, rate=RateLimit(per_second=50, burst=5))
    assert [r.target for r in results] == targets  # input order
    alpha, missing, job = results
    assert alpha.outcome is Outcome.SUCCEEDED
    assert isinstance(missing.error, NotFoundError)
    assert missing.resource is None
    assert job.outcome is None  # beta never ends
    assert isinstance(job.error, WaitTimeoutError)


def test_by_default_ends_are_yielded_from_the_list_and_whole_models_read_on_demand(
    moto: MotoIoT,
) -> None:
    job_id = "summary-rollout"
    things = [f"sum-{i}" for i in range(20)]
    moto.create_job(job_id, things)
    devices = SimulatedDevices(
        moto, job_id, {t: (10.0, "SUCCEEDED" if i % 2 else "FAILED") for i, t in enumerate(things)}
    )
    client = moto.client()
    counter = Counter(devices)
    client.meta.events.register_last("before-send", counter)
    iot = IoT(client)
    policy = WaitPolicy(
        timeout=120, min_delay=5, max_delay=10, clock=devices.clock, sleep=devices.sleep
    )
    results = wait_all(
        [iot.job_execution(job_id, t) for t in things],
        policy=policy,
        rate=RateLimit(per_second=50, burst=5),
    )
    assert [r.outcome for r in results] == [
        Outcome.SUCCEEDED if i % 2 else Outcome.FAILED for i in range(len(things))
    ]
    assert all(r.error is None and r.resource is not None for r in results)
    assert {name for name, _ in counter.calls} == {"list"}  # no describe at all
    assert [r.complete for r in results] == [False] * len(things)
    first = results[0].resource
    assert first is not None
    assert first.job_id == job_id  # the summary model, from the list
    assert first.version_number is None  # only the full describe carries it
    # The whole model, on demand, through the target's own facade: one describe.
    whole = results[0].target.get()
    assert whole.status == first.status
    assert whole.version_number is not None
    assert [name for name, _ in counter.calls].count("describe") == 1


def test_full_models_reads_each_end_before_yielding_it(moto: MotoIoT) -> None:
    job_id = "full-rollout"
    things = [f"full-{i}" for i in range(6)]
    moto.create_job(job_id, things)
    devices = SimulatedDevices(moto, job_id, dict.fromkeys(things, (10.0, "SUCCEEDED")))
    client = moto.client()
    counter = Counter(devices)
    client.meta.events.register_last("before-send", counter)
    iot = IoT(client)
    policy = WaitPolicy(
        timeout=120, min_delay=5, max_delay=10, clock=devices.clock, sleep=devices.sleep
    )
    results = wait_all(
        [iot.job_execution(job_id, t) for t in things],
        policy=policy,
        rate=RateLimit(per_second=50, burst=5),
        full_models=True,
    )
    assert all(r.outcome is Outcome.SUCCEEDED and r.complete for r in results)
    assert all(r.resource is not None and r.resource.version_number is not None for r in results)
    assert [name for name, _ in counter.calls].count("describe") == len(things)


def test_stopping_early_leaves_no_thread_and_no_further_call(moto: MotoIoT) -> None:
    job_id = "early-stop"
    things = [f"early-{i}" for i in range(5)]
    moto.create_job(job_id, things)
    devices = SimulatedDevices(moto, job_id, {things[0]: (1.0, "SUCCEEDED")})
    client = moto.client()
    counter = Counter(devices)
    client.meta.events.register_last("before-send", counter)
    iot = IoT(client)
    targets: list[Target[Any]] = [iot.job_execution(job_id, t) for t in things]
    targets.append(iot.job(job_id))  # polled on its own, so two units run at once
    policy = WaitPolicy(
        timeout=600, min_delay=2, max_delay=4, clock=devices.clock, sleep=devices.sleep
    )
    stream = as_completed(targets, policy=policy, rate=RateLimit(per_second=50, burst=5))
    first = next(iter(stream))
    assert first.target.ids[1] == things[0]
    stream.close()  # what a `break` or Ctrl-C in the loop does
    calls = len(counter.calls)
    deadline = time.monotonic() + 5
    while (
        any(t.name.startswith("jobkit") for t in threading.enumerate())
        and time.monotonic() < deadline
    ):
        time.sleep(0.01)
    assert [t.name for t in threading.enumerate() if t.name.startswith("jobkit")] == []
    assert len(counter.calls) == calls  # nothing started after the group stopped
