"""jobkit.aio: the async facades and many-at-once waits, on the same core as the sync ones."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest

from helpers import make_client
from jobkit import Outcome, RateLimit, WaitPolicy, aio
from jobkit.errors import InvalidArgumentError, JobFailedError, WaitTimeoutError
from jobkit.testing import FakeClock, MotoIoT, lifecycle

if TYPE_CHECKING:
    from collections.abc import Iterator

JOB_ARN = "arn:aws:devicefarm:us-west-2:123456789012:job:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE/00000"


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoIoT]:
    before = set(threading.enumerate())
    with MotoIoT() as server:
        yield server
    time.sleep(0.05)  # daemon call threads exit right after delivering their answer
    assert [t for t in threading.enumerate() if t not in before and t.is_alive()] == []


def test_stubbed_lifecycle_with_a_fake_clock_is_instant() -> None:
    client = make_client("devicefarm")
    clock = FakeClock()
    seen: list[Any] = []

    async def main() -> Any:
        df = aio.DeviceFarm(client)
        return await df.wait_for_job(
            JOB_ARN, policy=clock.policy(timeout=3600), on_update=seen.append
        )

    started = time.monotonic()
    with lifecycle(client, "get_job", ["pending", "running", "running", "passed"]):
        job = asyncio.run(main())
    assert time.monotonic() - started < 2
    assert job.outcome is Outcome.SUCCEEDED
    assert [j.status for j in seen] == ["PENDING", "RUNNING", "COMPLETED"]
    assert clock.now > 0  # time passed on the fake clock only


def test_check_raises_job_failed_with_the_final_model() -> None:
    client = make_client("devicefarm")
    clock = FakeClock()

    async def main() -> Any:
        return await aio.DeviceFarm(client).wait_for_job(JOB_ARN, policy=clock.policy(), check=True)

    with lifecycle(client, "get_job", ["running", "failed"]), pytest.raises(JobFailedError) as info:
        asyncio.run(main())
    assert info.value.resource.result == "FAILED"


def test_get_and_bad_input_before_any_call() -> None:
    client = make_client("devicefarm")

    async def main() -> Any:
        df = aio.DeviceFarm(client)
        with pytest.raises(InvalidArgumentError):
            await df.get_job("arn:aws:s3:::bucket")
        with pytest.raises(InvalidArgumentError):
            await df.wait_for_job(JOB_ARN, on_update=42)  # type: ignore[arg-type]
        return await df.get_job(JOB_ARN)

    with lifecycle(client, "get_job", ["running"]):
        job = asyncio.run(main())
    assert job.status == "RUNNING"


def test_iot_wait_over_real_http(moto: MotoIoT) -> None:
    moto.create_job("aio-job-1", ["aio-a", "aio-b"])
    moto.script(
        "aio-job-1", [{}, {"aio-a": "IN_PROGRESS"}, {"aio-a": "SUCCEEDED", "aio-b": "FAILED"}]
    )
    clock = FakeClock()

    async def main() -> Any:
        iot = aio.IoT(moto.client())
        return await iot.wait_for_job("aio-job-1", policy=clock.policy(timeout=600))

    job = asyncio.run(main())
    assert job.status == "COMPLETED"
    assert job.outcome is Outcome.FAILED  # one thing failed


def test_cancelling_the_task_stops_the_wait_and_its_calls(moto: MotoIoT) -> None:
    moto.create_job("aio-job-2", ["aio-c"])
    client = moto.client()
    sent: list[float] = []

    def record(**_: object) -> None:
        sent.append(time.monotonic())

    client.meta.events.register("before-send", record)

    async def main() -> float:
        iot = aio.IoT(client)
        policy = WaitPolicy(timeout=60, min_delay=0.05, max_delay=0.05)
        task = asyncio.create_task(iot.wait_for_job_execution("aio-job-2", "aio-c", policy=policy))
        await asyncio.sleep(0.3)
        task.cancel()
        cancelled_at = time.monotonic()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.3)
        return cancelled_at

    cancelled_at = asyncio.run(main())
    assert len(sent) >= 2
    assert all(t <= cancelled_at for t in sent)  # no call started after the cancel


def test_as_completed_and_wait_all_over_real_http(moto: MotoIoT) -> None:
    job_id = "aio-rollout"
    things = [f"aio-dev-{i}" for i in range(30)]
    moto.create_job(job_id, things)
    clock = FakeClock()
    done_at = {thing: 10.0 * (i % 5 + 1) for i, thing in enumerate(things)}

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        for thing, at in list(done_at.items()):
            if at <= clock.now:
                moto.report(job_id, thing, "SUCCEEDED" if hash(thing) % 2 else "FAILED")
                del done_at[thing]

    policy = WaitPolicy(timeout=300, min_delay=5, max_delay=10, clock=clock.clock, sleep=sleep)

    async def main() -> tuple[list[Any], list[Any]]:
        iot = aio.IoT(moto.client())
        targets = [iot.job_execution(job_id, t) for t in things]
        streamed = [r async for r in aio.as_completed(targets, policy=policy, rate=RateLimit(50))]
        return streamed, await aio.wait_all(targets, policy=policy, rate=RateLimit(50))

    streamed, ordered = asyncio.run(main())
    assert len(streamed) == len(ordered) == 30
    assert [r.target.ids[1] for r in ordered] == things
    assert all(
        r.error is None and r.outcome in (Outcome.SUCCEEDED, Outcome.FAILED) for r in ordered
    )
    assert all(r.resource is not None and r.resource.job_id == job_id for r in ordered)


def test_a_sync_group_refuses_async_handles_and_times_out_cleanly() -> None:
    from jobkit import as_completed  # noqa: PLC0415

    target = aio.DeviceFarm(make_client("devicefarm")).job(JOB_ARN)
    with pytest.raises(InvalidArgumentError, match=r"jobkit\.aio"):
        as_completed([target])
    client = make_client("devicefarm")
    clock = FakeClock()

    async def main() -> list[Any]:
        df = aio.DeviceFarm(client)
        return await aio.wait_all([df.job(JOB_ARN)], policy=clock.policy(timeout=20, min_delay=10))

    with lifecycle(client, "list_jobs", [{"jobs": [{"arn": JOB_ARN, "status": "RUNNING"}]}] * 3):
        (result,) = asyncio.run(main())
    assert result.outcome is None
    assert isinstance(result.error, WaitTimeoutError)
    assert result.resource is not None
    assert result.resource.status == "RUNNING"
