"""A group on an injected clock takes its events between the clock's steps: nothing waits.

A fake event source on the same fake clock (SqsEvents' interface) delivers each end's
event a few virtual seconds after the device reports it to moto's IoT server; the wait is
instant in real time, starts no event thread, and sees each end within a step of its event.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import TYPE_CHECKING, Any, cast

import pytest

from jobkit import IoT, RateLimit, aio, as_completed
from jobkit._events._protocol import WakeUp
from jobkit.testing import FakeClock, MotoIoT

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.integration

ENDS = {"lamp-1": 100.0, "lamp-2": 250.0, "lamp-3": 400.0}
LATE = 2.0  # each event arrives this long after its end


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoIoT]:
    with MotoIoT() as server:
        yield server


class Devices(FakeClock):
    """A fake clock whose sleep also ends the executions due by then, as the devices would."""

    def bind(self, moto: MotoIoT, job_id: str) -> Devices:
        self.moto, self.job_id = moto, job_id
        self.plan = sorted(ENDS.items(), key=lambda kv: kv[1])
        self.lock = threading.Lock()
        return self

    def sleep(self, seconds: float) -> None:
        with self.lock:
            super().sleep(seconds)
            while self.plan and self.plan[0][1] <= self.now:
                thing, _ = self.plan.pop(0)
                self.moto.report(self.job_id, thing, "SUCCEEDED")


class FakeEvents:
    """SqsEvents' interface on a fake clock: ``poll`` hands over what is due, never waits."""

    def __init__(self, clock: FakeClock, job_id: str) -> None:
        self.clock = clock
        self.due = sorted((at + LATE, ("iot-execution", job_id, t)) for t, at in ENDS.items())
        self.watched: set[tuple[str, ...]] = set()
        self.polls: list[float] = []
        self.notes: list[str] = []

    def watch(self, key: tuple[str, ...], recognise: object) -> None:  # noqa: ARG002
        self.watched.add(key)

    def unwatch(self, key: tuple[str, ...]) -> None:
        self.watched.discard(key)

    def poll(self, seconds: float, stop: object = None) -> list[WakeUp]:  # noqa: ARG002
        self.polls.append(seconds)
        out: list[WakeUp] = []
        while self.due and self.due[0][0] <= self.clock.now:
            _, key = self.due.pop(0)
            if key in self.watched:
                out.append(WakeUp(key))
        return out

    def nap(self, key: tuple[str, ...], seconds: float, stop: object = None) -> bool:  # noqa: ARG002  # pragma: no cover
        self.clock.sleep(seconds)
        return False

    def note(self, text: str) -> None:  # pragma: no cover -- IoT publishes events
        self.notes.append(text)


def _setup(moto: MotoIoT, name: str) -> tuple[Devices, FakeEvents, Any]:
    moto.create_job(name, list(ENDS))
    devices = Devices().bind(moto, name)
    return devices, FakeEvents(devices, name), moto.client()


def _threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "jobkit events"]


def test_fake_clock_and_fake_events_make_as_completed_instant(moto: MotoIoT) -> None:
    devices, events, client = _setup(moto, "virtual-events")
    iot = IoT(client)
    targets = [iot.job_execution("virtual-events", t) for t in ENDS]
    started = time.monotonic()
    seen: dict[str, float] = {}
    for result in as_completed(
        targets,
        policy=devices.policy(timeout=3600),
        rate=RateLimit(per_second=50, burst=5),
        events=cast("Any", events),  # SqsEvents' interface, not the class
    ):
        assert result.error is None
        seen[result.target.ids[1]] = devices.now
        assert _threads() == []  # no pump thread on an injected clock
    assert (
        time.monotonic() - started < 10
    )  # the fallback polls (15 s and more) would be virtual too
    assert 0.0 in events.polls  # it was asked without waiting
    for thing, at in ENDS.items():
        # Seen within a step (0.1 s) of its event, where the 15..600 s fallback would lag.
        assert at + LATE <= seen[thing] < at + LATE + 0.5, (thing, seen[thing])


def test_the_async_group_takes_events_on_the_fake_clock_too(moto: MotoIoT) -> None:
    devices, events, client = _setup(moto, "virtual-events-aio")

    async def main() -> dict[str, float]:
        iot = aio.IoT(client)
        seen: dict[str, float] = {}
        stream = aio.as_completed(
            [iot.job_execution("virtual-events-aio", t) for t in ENDS],
            policy=devices.policy(timeout=3600),
            rate=RateLimit(per_second=50, burst=5),
            events=cast("Any", events),
        )
        async for result in stream:
            assert result.error is None
            seen[result.target.ids[1]] = devices.now
        return seen

    started = time.monotonic()
    seen = asyncio.run(main())
    assert time.monotonic() - started < 10
    assert _threads() == []
    for thing, at in ENDS.items():
        assert at + LATE <= seen[thing] < at + LATE + 0.5, (thing, seen[thing])
