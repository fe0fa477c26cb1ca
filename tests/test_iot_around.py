"""IoT around the wait, against moto over real HTTP: executions, per-thing outcomes of a
retried job, and cancel_on_timeout."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest

from jobkit import IoT, Outcome, aio, iot
from jobkit._cli._signals import Terminated
from jobkit.errors import InvalidArgumentError, JobFailedError, WaitTimeoutError
from jobkit.testing import FakeClock, MotoIoT

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.integration

_ids = iter(range(1_000_000))


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoIoT]:
    with MotoIoT() as server:
        yield server


def _job(moto: MotoIoT, things: int = 2, **kwargs: Any) -> tuple[str, list[str]]:
    n = next(_ids)
    names = [f"around-{n}-{i}" for i in range(things)]
    moto.create_job(f"around-{n}", names, **kwargs)
    return f"around-{n}", names


def test_a_thing_that_failed_once_then_succeeded_is_succeeded(moto: MotoIoT) -> None:
    job_id, (first, second) = _job(moto, retries=1)
    moto.report(job_id, first, "IN_PROGRESS")
    moto.retry(job_id, first, reason="checksum mismatch")
    moto.report(job_id, second, "SUCCEEDED")
    moto.report(job_id, first, "SUCCEEDED")
    facade = IoT(moto.client())
    job = facade.describe_job(job_id)
    # AWS's counts (and so the model's own outcome) still include the failed attempt.
    assert job.job_process_details is not None
    assert job.job_process_details.number_of_failed_things == 1
    assert job.outcome is Outcome.FAILED
    assert dict(facade.thing_outcomes(job_id)) == {
        first: Outcome.SUCCEEDED,
        second: Outcome.SUCCEEDED,
    }
    waited = facade.wait_for_job(job_id, policy=FakeClock().policy(timeout=60), check=True)
    assert waited == job  # AWS's own model, returned as it is
    listed = facade.list_job_executions(job_id)
    attempts = {
        e.thing_name: e.job_execution_summary.retry_attempt
        for e in listed
        if e.job_execution_summary
    }
    assert attempts == {first: 1, second: 0}
    arn = f"arn:aws:iot:us-east-1:123456789012:job/{job_id}"  # a job ARN works as the id
    succeeded = facade.list_job_executions(arn, status="SUCCEEDED")
    assert sorted(e.thing_name or "" for e in succeeded) == sorted([first, second])
    assert facade.list_job_executions(job_id, status="FAILED") == ()


def test_a_retried_job_whose_thing_failed_for_good_raises(moto: MotoIoT) -> None:
    job_id, (first, second) = _job(moto, retries=1)
    moto.retry(job_id, first)
    moto.report(job_id, first, "FAILED", reason="flash error")
    moto.report(job_id, second, "SUCCEEDED")
    with pytest.raises(JobFailedError) as info:
        IoT(moto.client()).wait_for_job(job_id, policy=FakeClock().policy(timeout=60), check=True)
    assert f"{first} (FAILED)" in str(info.value)
    assert second not in str(info.value)
    assert isinstance(info.value.resource, iot.Job)


def test_a_job_without_retries_keeps_the_count_rule(moto: MotoIoT) -> None:
    job_id, (first, second) = _job(moto)
    moto.report(job_id, first, "FAILED")
    moto.report(job_id, second, "SUCCEEDED")
    with pytest.raises(JobFailedError, match="ended FAILED"):
        IoT(moto.client()).wait_for_job(job_id, policy=FakeClock().policy(timeout=60), check=True)


def test_async_thing_outcomes_and_check(moto: MotoIoT) -> None:
    job_id, (first, second) = _job(moto, retries=2)
    moto.retry(job_id, first)
    moto.report(job_id, first, "SUCCEEDED")
    moto.report(job_id, second, "SUCCEEDED")

    async def main() -> tuple[dict[str, Outcome | None], iot.Job]:
        facade = aio.IoT(moto.client())
        outcomes = dict(await facade.thing_outcomes(job_id))
        job = await facade.wait_for_job(job_id, policy=FakeClock().policy(timeout=60), check=True)
        return outcomes, job

    outcomes, job = asyncio.run(main())
    assert outcomes == {first: Outcome.SUCCEEDED, second: Outcome.SUCCEEDED}
    assert job.status is iot.JobStatus.COMPLETED


def test_cancel_on_timeout_cancels_the_job_and_says_so(moto: MotoIoT) -> None:
    job_id, (first, _) = _job(moto)
    moto.report(job_id, first, "IN_PROGRESS")
    facade = IoT(moto.client())
    with pytest.raises(WaitTimeoutError) as info:
        facade.wait_for_job(job_id, policy=FakeClock().policy(timeout=30), cancel_on_timeout=True)
    message = str(info.value)
    assert "Timed out" in message
    assert "asked AWS to cancel the IoT job (CancelJob) and AWS accepted it" in message
    assert "status is now CANCELED" in message
    assert facade.describe_job(job_id).status is iot.JobStatus.CANCELED


def test_without_cancel_on_timeout_the_job_keeps_running(moto: MotoIoT) -> None:
    job_id, (first, _) = _job(moto)
    moto.report(job_id, first, "IN_PROGRESS")
    facade = IoT(moto.client())
    with pytest.raises(WaitTimeoutError) as info:
        facade.wait_for_job(job_id, policy=FakeClock().policy(timeout=30))
    assert "cancel" not in str(info.value)
    assert facade.describe_job(job_id).status is iot.JobStatus.IN_PROGRESS


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, Terminated])
def test_an_interrupt_cancels_the_execution_not_the_job(
    moto: MotoIoT, interrupt: type[BaseException]
) -> None:
    job_id, (first, _) = _job(moto)
    facade = IoT(moto.client())

    def press_ctrl_c(_: object) -> None:
        raise interrupt

    with pytest.raises(interrupt) as info:
        facade.wait_for_job_execution(
            job_id,
            first,
            policy=FakeClock().policy(timeout=30),
            on_update=press_ctrl_c,
            cancel_on_timeout=True,
        )
    assert "cancel the IoT job execution (CancelJobExecution) and AWS accepted it" in str(
        info.value
    )
    assert facade.describe_job_execution(job_id, first).status is iot.JobExecutionStatus.CANCELED
    assert facade.describe_job(job_id).status is not iot.JobStatus.CANCELED


def test_a_failed_cancel_says_why(moto: MotoIoT) -> None:
    job_id, (first, _) = _job(moto)
    moto.report(job_id, first, "IN_PROGRESS")  # moto refuses to cancel it without force
    facade = IoT(moto.client())
    with pytest.raises(WaitTimeoutError) as info:
        facade.wait_for_job_execution(
            job_id, first, policy=FakeClock().policy(timeout=30), cancel_on_timeout=True
        )
    message = str(info.value)
    assert "but the cancel failed (InvalidStateTransition" in message
    assert "it may still be running" in message


def test_async_cancel_on_timeout(moto: MotoIoT) -> None:
    job_id, (first, _) = _job(moto)
    moto.report(job_id, first, "IN_PROGRESS")

    async def main() -> None:
        await aio.IoT(moto.client()).wait_for_job(
            job_id, policy=FakeClock().policy(timeout=30), cancel_on_timeout=True
        )

    with pytest.raises(WaitTimeoutError, match="AWS accepted it"):
        asyncio.run(main())
    assert IoT(moto.client()).describe_job(job_id).status is iot.JobStatus.CANCELED


def test_bad_status_filter_is_refused_before_any_request() -> None:
    from helpers import make_client  # noqa: PLC0415

    with pytest.raises(InvalidArgumentError, match="not an execution status"):
        IoT(make_client("iot", "us-east-1", endpoint_url="http://127.0.0.1:9")).list_job_executions(
            "ota", status="DONE"
        )
