"""jobkit.aio with an aiobotocore client (awaited natively), against moto's server.

aiobotocore pins botocore tightly, older than the botocore the main session tests, so
these run in their own session (`nox -s aio`, pinned by constraints-aio.txt) and are
skipped where aiobotocore is not installed.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest

from jobkit import Outcome, RateLimit, WaitPolicy, aio
from jobkit.errors import NotFoundError, WaitTimeoutError
from jobkit.testing import FakeClock, MotoIoT

if TYPE_CHECKING:
    from collections.abc import Iterator

aiobotocore_session = pytest.importorskip(
    "aiobotocore.session",
    reason="aiobotocore is the optional extra jobkit[aio]; nox -s aio runs these",
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoIoT]:
    before = set(threading.enumerate())
    with MotoIoT() as server:
        yield server
    time.sleep(0.05)
    assert [t for t in threading.enumerate() if t not in before and t.is_alive()] == []


def _client(moto: MotoIoT) -> Any:
    session: Any = aiobotocore_session.get_session()
    return session.create_client(
        "iot",
        region_name=moto.region_name,
        endpoint_url=moto.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_describe_and_wait_are_awaited_natively(moto: MotoIoT) -> None:
    moto.create_job("native-1", ["native-a"])
    moto.script("native-1", [{}, {"native-a": "IN_PROGRESS"}, {"native-a": "SUCCEEDED"}])
    clock = FakeClock()
    seen: list[Any] = []

    async def main() -> Any:
        async with _client(moto) as client:
            iot = aio.IoT(client)
            assert (await iot.describe_job("native-1")).job_id == "native-1"
            return await iot.wait_for_job(
                "native-1", policy=clock.policy(timeout=600), on_update=seen.append
            )

    job = asyncio.run(main())
    assert job.outcome is Outcome.SUCCEEDED
    assert [j.status for j in seen][-1] == "COMPLETED"


def test_errors_are_translated_and_a_deadline_ends_the_wait(moto: MotoIoT) -> None:
    moto.create_job("native-2", ["native-b"])
    clock = FakeClock()

    async def main() -> None:
        async with _client(moto) as client:
            iot = aio.IoT(client)
            with pytest.raises(NotFoundError):
                await iot.describe_job("no-such-native-job")
            with pytest.raises(WaitTimeoutError) as info:
                await iot.wait_for_job_execution(
                    "native-2", "native-b", policy=clock.policy(timeout=30, min_delay=10)
                )
            assert info.value.resource is not None
            assert info.value.resource.status == "QUEUED"

    asyncio.run(main())


def test_as_completed_spends_the_rate_budget_on_every_request(moto: MotoIoT) -> None:
    job_id = "native-rollout"
    things = [f"native-dev-{i}" for i in range(12)]
    moto.create_job(job_id, things)
    clock = FakeClock()

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        if clock.now >= 20:
            for thing in things:
                moto.report(job_id, thing, "SUCCEEDED")

    policy = WaitPolicy(timeout=300, min_delay=5, max_delay=10, clock=clock.clock, sleep=sleep)
    starts: list[float] = []

    async def main() -> list[Any]:
        async with _client(moto) as client:

            def record(**_: object) -> None:
                starts.append(clock.now)

            client.meta.events.register_last("before-send", record)
            iot = aio.IoT(client)
            targets = [iot.job_execution(job_id, t) for t in things]
            # One call at a time: with a fake clock that every sleeping task moves, the times
            # recorded by concurrent tasks would blur; the budget itself is shared either way.
            rate = RateLimit(per_second=2)
            return await aio.wait_all(
                targets, policy=policy, rate=rate, max_workers=1, full_models=True
            )

    results = asyncio.run(main())
    assert [r.outcome for r in results] == [Outcome.SUCCEEDED] * len(things)
    assert len(starts) >= 1 + len(things)  # list pages, then one describe per ended execution
    for i, t in enumerate(starts):  # at most 1 + 2 * W calls start in any window W
        window = [s for s in starts[i:] if s - t <= 1.0]
        assert len(window) <= 1 + 2 * 1.0
