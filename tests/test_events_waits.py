"""Event-first waits on moto's server: an event wakes the wait, polling is the safety net.

IoT jobs run on moto's IoT; their event documents are sent to a real SQS queue in AWS's
documented shape (moto publishes no IoT events). Amplify events go through a real EventBridge
rule to the queue (moto delivers ``put_events``), while Amplify itself is a Stubber lifecycle.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import faultproxy
from helpers import make_client
from jobkit import IoT, SqsEvents, WaitPolicy, aio
from jobkit._cli import main
from jobkit.amplify._facade import Amplify
from jobkit.devicefarm._facade import DeviceFarm
from jobkit.errors import InvalidArgumentError
from jobkit.testing import MotoIoT, lifecycle

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

pytestmark = pytest.mark.integration
no_thread_leaks = faultproxy.no_thread_leaks

SLOW = WaitPolicy(timeout=60, min_delay=30, max_delay=30)
"""Polls 30 s apart: a wait that ends within seconds was woken by an event."""


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoIoT]:
    with MotoIoT() as server:
        yield server


@pytest.fixture
def sqs(moto: MotoIoT) -> Iterator[Any]:
    # The region the command's session uses (AWS_DEFAULT_REGION below), as moto keeps queues per region.
    client = make_client("sqs", region_name="us-east-1", endpoint_url=moto.endpoint_url)
    yield client
    client.close()


@pytest.fixture
def queue(sqs: Any) -> Iterator[str]:
    url: str = sqs.create_queue(QueueName=f"jobkit-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    yield url
    with contextlib.suppress(Exception):
        sqs.delete_queue(QueueUrl=url)


@pytest.fixture
def events(sqs: Any, queue: str) -> Iterator[SqsEvents]:
    source = SqsEvents(queue, client=sqs, wait_time=1)
    yield source
    source.close()


_ids = iter(range(1_000_000))


def _job(moto: MotoIoT, things: int = 1) -> tuple[str, list[str]]:
    n = next(_ids)
    names = [f"ev-{n}-thing-{i}" for i in range(things)]
    job_id = f"ev-job-{n}-{uuid.uuid4().hex[:6]}"
    moto.create_job(job_id, names)
    return job_id, names


def _execution_event(job_id: str, thing: str, status: str) -> str:
    return json.dumps(
        {
            "eventType": "JOB_EXECUTION",
            "eventId": str(uuid.uuid4()),
            "timestamp": int(time.time()),
            "operation": status.lower(),
            "jobId": job_id,
            "thingArn": f"arn:aws:iot:us-east-1:123456789012:thing/{thing}",
            "status": status,
            "statusDetails": {},
        }
    )


def _job_event(job_id: str, status: str = "COMPLETED") -> str:
    return json.dumps(
        {
            "eventType": "JOB",
            "eventId": str(uuid.uuid4()),
            "timestamp": int(time.time()),
            "operation": status.lower(),
            "jobId": job_id,
            "status": status,
            "targetSelection": "SNAPSHOT",
        }
    )


def _later(seconds: float, action: Callable[[], object]) -> threading.Thread:
    def run() -> None:
        time.sleep(seconds)
        action()

    thread = threading.Thread(target=run, name="test device", daemon=True)
    thread.start()
    return thread


def _describes(client: Any, api: str) -> list[float]:
    seen: list[float] = []

    def record(model: Any, **_: object) -> None:
        if model.name == api:
            seen.append(time.monotonic())

    client.meta.events.register(f"before-call.{client.meta.service_model.service_name}", record)
    return seen


def test_an_execution_event_ends_the_wait_at_once(
    moto: MotoIoT, sqs: Any, queue: str, events: SqsEvents
) -> None:
    job_id, (thing,) = _job(moto)
    client = moto.client()
    reads = _describes(client, "DescribeJobExecution")

    def device() -> None:
        moto.report(job_id, thing, "SUCCEEDED")
        sqs.send_message(QueueUrl=queue, MessageBody=_execution_event(job_id, thing, "SUCCEEDED"))

    started = time.monotonic()
    helper = _later(1.0, device)
    execution = IoT(client).wait_for_job_execution(job_id, thing, policy=SLOW, events=events)
    elapsed = time.monotonic() - started
    helper.join()
    assert str(execution.status) == "SUCCEEDED"
    assert elapsed < 5, elapsed  # without the event: the next poll, 30 s later
    assert len(reads) == 2  # the first read, then the one the event triggered
    assert events.stats.wake_ups == 1
    assert events.stats.deleted == 1


def test_a_stale_event_costs_one_read_and_the_wait_goes_on(
    moto: MotoIoT, sqs: Any, queue: str, events: SqsEvents
) -> None:
    job_id, (thing,) = _job(moto)
    client = moto.client()
    reads = _describes(client, "DescribeJobExecution")
    # An event that claims SUCCEEDED while AWS still says QUEUED: a hint, not an answer.
    sqs.send_message(QueueUrl=queue, MessageBody=_execution_event(job_id, thing, "SUCCEEDED"))

    def device() -> None:
        moto.report(job_id, thing, "FAILED")
        sqs.send_message(QueueUrl=queue, MessageBody=_execution_event(job_id, thing, "FAILED"))

    helper = _later(2.5, device)
    execution = IoT(client).wait_for_job_execution(job_id, thing, policy=SLOW, events=events)
    helper.join()
    assert str(execution.status) == "FAILED"
    assert len(reads) == 3  # first read, the stale event's read (still QUEUED), the real end


def test_a_job_event_wakes_a_job_wait(
    moto: MotoIoT, sqs: Any, queue: str, events: SqsEvents
) -> None:
    job_id, (a, b) = _job(moto, things=2)
    client = moto.client()

    def devices() -> None:
        moto.report(job_id, a, "SUCCEEDED")
        moto.report(job_id, b, "SUCCEEDED")
        sqs.send_message(QueueUrl=queue, MessageBody=_job_event(job_id))

    started = time.monotonic()
    helper = _later(1.0, devices)
    job = IoT(client).wait_for_job(job_id, policy=SLOW, events=events, check=True)
    helper.join()
    assert str(job.status) == "COMPLETED"
    assert time.monotonic() - started < 5


def test_without_events_the_fallback_polls_find_the_end(
    moto: MotoIoT, sqs: Any, queue: str
) -> None:
    job_id, (thing,) = _job(moto)
    client = moto.client()
    notes: list[str] = []
    source = SqsEvents(queue, client=sqs, wait_time=1, on_note=notes.append)
    _later(0.5, lambda: moto.report(job_id, thing, "SUCCEEDED"))
    quick = WaitPolicy(timeout=30, min_delay=1.5, max_delay=1.5)
    with source:
        execution = IoT(client).wait_for_job_execution(job_id, thing, policy=quick, events=source)
    assert str(execution.status) == "SUCCEEDED"  # the event was lost: polling found it
    assert any("no event has arrived yet" in note for note in notes), notes


def test_a_queue_deleted_mid_wait_falls_back_to_polling_and_says_so(
    moto: MotoIoT, sqs: Any, queue: str
) -> None:
    job_id, (thing,) = _job(moto)
    client = moto.client()
    notes: list[str] = []
    source = SqsEvents(queue, client=sqs, wait_time=1, on_note=notes.append)

    def later() -> None:
        sqs.delete_queue(QueueUrl=queue)
        time.sleep(2.5)
        moto.report(job_id, thing, "SUCCEEDED")

    helper = _later(0.5, later)
    quick = WaitPolicy(timeout=30, min_delay=2, max_delay=2)
    with source:
        execution = IoT(client).wait_for_job_execution(job_id, thing, policy=quick, events=source)
        assert source.state == "stopped"
    helper.join()
    assert str(execution.status) == "SUCCEEDED"
    assert any(note.startswith("no events:") and note.endswith("; polling") for note in notes)


def test_an_amplify_event_from_an_eventbridge_rule_wakes_the_wait(
    moto: MotoIoT, sqs: Any, queue: str, events: SqsEvents
) -> None:
    rules = make_client("events", region_name="us-east-1", endpoint_url=moto.endpoint_url)
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    rule = f"jobkit-{uuid.uuid4().hex[:8]}"
    pattern = {"source": ["aws.amplify"], "detail-type": ["Amplify Deployment Status Change"]}
    rules.put_rule(Name=rule, EventPattern=json.dumps(pattern))
    rules.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": arn}])
    amplify = make_client("amplify")
    app, branch, job_id = "d1a2b3c4d5e6f7", "main", "7"

    def build_ends() -> None:
        detail = {"appId": app, "branchName": branch, "jobId": job_id, "jobStatus": "SUCCEED"}
        rules.put_events(
            Entries=[
                {
                    "Source": "aws.amplify",
                    "DetailType": "Amplify Deployment Status Change",
                    "Detail": json.dumps(detail),
                }
            ]
        )

    try:
        started = time.monotonic()
        with lifecycle(amplify, "get_job", ["running", "succeed"]):
            helper = _later(1.0, build_ends)
            job = Amplify(amplify).wait_for_job(app, branch, job_id, policy=SLOW, events=events)
            helper.join()
        assert job.outcome is not None
        assert time.monotonic() - started < 5
        assert events.stats.wake_ups == 1
    finally:
        rules.remove_targets(Rule=rule, Ids=["q"])
        rules.delete_rule(Name=rule)
        rules.close()


def test_device_farm_publishes_no_events_and_the_source_says_so(sqs: Any, queue: str) -> None:
    notes: list[str] = []
    source = SqsEvents(queue, client=sqs, wait_time=1, on_note=notes.append)
    client = make_client("devicefarm")
    arn = "arn:aws:devicefarm:us-west-2:123456789012:job:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE/00000"
    with lifecycle(client, "get_job", ["passed"]):
        job = DeviceFarm(client).wait_for_job(arn, events=source)
    assert job.outcome is not None
    assert notes == [
        f"Device Farm jobs publish no events; Device Farm job {arn} is polled as usual"
    ]


def test_events_of_the_wrong_type_are_refused_before_any_call(moto: MotoIoT) -> None:
    client = moto.client()
    reads = _describes(client, "DescribeJobExecution")
    with pytest.raises(InvalidArgumentError, match=r"events is .*not a jobkit\.SqsEvents"):
        IoT(client).wait_for_job_execution("j", "t", events="https://sqs.example/q")  # type: ignore[arg-type]
    assert reads == []


def test_an_async_wait_is_woken_too_and_cancelling_stops_the_nap(
    moto: MotoIoT, sqs: Any, queue: str, events: SqsEvents
) -> None:
    job_id, (thing,) = _job(moto)
    client = moto.client()

    def device() -> None:
        moto.report(job_id, thing, "SUCCEEDED")
        sqs.send_message(QueueUrl=queue, MessageBody=_execution_event(job_id, thing, "SUCCEEDED"))

    async def woken() -> Any:
        return await aio.IoT(client).wait_for_job_execution(
            job_id, thing, policy=SLOW, events=events
        )

    started = time.monotonic()
    helper = _later(1.0, device)
    execution = asyncio.run(woken())
    helper.join()
    assert str(execution.status) == "SUCCEEDED"
    assert time.monotonic() - started < 5

    other, (quiet,) = _job(moto)
    calls: list[str] = []

    def record(model: Any, **_: object) -> None:
        calls.append(str(model.name))

    sqs.meta.events.register("before-call.sqs", record)

    async def cancelled() -> None:
        task = asyncio.ensure_future(
            aio.IoT(client).wait_for_job_execution(other, quiet, policy=SLOW, events=events)
        )
        await asyncio.sleep(1.5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancelled())
    time.sleep(1.2)  # a receive already in flight ends within wait_time (1 s)
    settled = len(calls)
    time.sleep(1.5)
    assert len(calls) == settled  # no further call started after the cancel


def test_the_command_wakes_on_an_event(moto: MotoIoT, sqs: Any, queue: str) -> None:
    job_id, (thing,) = _job(moto)
    src = str(Path(__file__).parent.parent / "src")
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
    }

    def device() -> None:
        moto.report(job_id, thing, "SUCCEEDED")
        sqs.send_message(QueueUrl=queue, MessageBody=_execution_event(job_id, thing, "SUCCEEDED"))

    helper = _later(3.0, device)
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "jobkit",
            "wait",
            "iot-execution",
            job_id,
            thing,
            "--endpoint-url",
            moto.endpoint_url,
            "--events",
            queue,
            "--min-delay",
            "40",
            "--timeout",
            "60",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    helper.join()
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 15
    assert result.stdout.startswith("iot.JobExecution: SUCCEEDED")


def test_the_command_refuses_a_bad_queue_url_before_any_call(moto: MotoIoT) -> None:
    err = io.StringIO()
    code = main(
        ["wait", "iot-job", "j", "--events", "not a url", "--endpoint-url", moto.endpoint_url],
        stdout=io.StringIO(),
        stderr=err,
    )
    assert code == 2
    assert "queue_url" in err.getvalue() or "--events" in err.getvalue()


def _group_scenario(moto: MotoIoT, sqs: Any, queue: str, things: int) -> tuple[str, list[str], Any]:
    job_id, names = _job(moto, things=things)

    def devices() -> None:
        for name in names:
            moto.report(job_id, name, "SUCCEEDED")
            sqs.send_message(
                QueueUrl=queue, MessageBody=_execution_event(job_id, name, "SUCCEEDED")
            )

    return job_id, names, devices


def test_a_group_is_woken_by_events_through_its_batched_list_calls(
    moto: MotoIoT, sqs: Any, queue: str, events: SqsEvents
) -> None:
    from jobkit import wait_all  # noqa: PLC0415

    job_id, names, devices = _group_scenario(moto, sqs, queue, things=12)
    client = moto.client()
    lists = _describes(client, "ListJobExecutionsForJob")
    iot = IoT(client)
    helper = _later(1.0, devices)
    started = time.monotonic()
    results = wait_all([iot.job_execution(job_id, n) for n in names], policy=SLOW, events=events)
    helper.join()
    assert [r.outcome for r in results] == [results[0].outcome] * 12
    assert all(r.error is None for r in results)
    assert time.monotonic() - started < 10  # the fallback alone would take 30 s
    assert len(lists) <= 8  # one list call covers every woken execution of the job


def test_an_async_group_is_woken_by_events(
    moto: MotoIoT, sqs: Any, queue: str, events: SqsEvents
) -> None:
    job_id, names, devices = _group_scenario(moto, sqs, queue, things=5)
    client = moto.client()

    async def main() -> list[Any]:
        iot = aio.IoT(client)
        return await aio.wait_all(
            [iot.job_execution(job_id, n) for n in names], policy=SLOW, events=events
        )

    helper = _later(1.0, devices)
    started = time.monotonic()
    results = asyncio.run(main())
    helper.join()
    assert all(r.error is None and r.outcome is not None for r in results)
    assert time.monotonic() - started < 10
    time.sleep(1.2)  # the pump's thread ends within its one-second turn
