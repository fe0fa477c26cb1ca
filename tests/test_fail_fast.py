"""A wait that has never reached AWS fails fast, on real HTTP (issue 17, DESIGN "Waiting reliably").

A closed port, dropped connections or a corrupt 200 body from the first poll on end a wait
with the poll's ``ServiceError`` after one poll's retries (``RetryPolicy.max_attempts``
requests), long before its deadline: sync, ``jobkit.aio``, ``wait_all`` and the command (exit
5, "Could not reach AWS at <endpoint>"). Once the resource has been read, the same faults
are ridden out. Faults are on the wire (tests/faultproxy.py); nothing in jobkit is patched.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

import boto3
import pytest

import faultproxy
from faultproxy import Fault, FaultProxy
from jobkit import IoT, Outcome, RetryPolicy, WaitPolicy, aio, wait_all
from jobkit.errors import ServiceError
from jobkit.testing import FakeClock

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

pytestmark = pytest.mark.integration

no_thread_leaks = faultproxy.no_thread_leaks

REGION = "us-east-1"
ATTEMPTS = 3
TIMEOUT = 60.0  # far beyond what a fast failure takes
FAST = 10.0  # a fast failure ends well within this
_numbers = iter(range(1_000_000))


def _session() -> boto3.session.Session:
    return boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )


def _retry() -> RetryPolicy:
    return RetryPolicy(max_attempts=ATTEMPTS, min_delay=0.05, max_delay=0.2)


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there any more


CORRUPT_BODIES: dict[str, Callable[[], Fault]] = {
    "html": lambda: Fault.respond(
        200, "<html><body>not AWS</body></html>", content_type="text/html"
    ),
    "not json": lambda: Fault.respond(200, b"hello, this is not JSON"),
    "non-utf8": Fault.non_utf8,
    "wrong shape": Fault.wrong_shape,
}
FAULTS: dict[str, Callable[[], Fault]] = {"dropped": Fault.drop, **CORRUPT_BODIES}


@pytest.fixture(params=["closed port", *FAULTS])
def endpoint(request: pytest.FixtureRequest) -> Iterator[tuple[str, FaultProxy | None]]:
    """An endpoint that never gives an AWS answer: a closed port, or a proxy with one fault."""
    kind: str = request.param
    if kind == "closed port":
        yield _closed_port_url(), None
        return
    with FaultProxy(None, default=FAULTS[kind]()) as proxy:
        yield proxy.url, proxy
    assert not proxy.errors, proxy.errors


def _never_answered(error: BaseException) -> ServiceError:
    assert isinstance(error, ServiceError), repr(error)
    assert error.answered is False
    assert error.retryable
    assert error.code in {"EndpointConnectionError", "ConnectionClosedError", "MalformedResponse"}
    return error


def test_a_sync_wait_that_never_reached_aws_fails_fast(
    endpoint: tuple[str, FaultProxy | None],
) -> None:
    url, proxy = endpoint
    iot = IoT(session=_session(), endpoint_url=url, retry=_retry())
    started = time.monotonic()
    with pytest.raises(ServiceError) as info:
        iot.wait_for_job("never-seen", policy=WaitPolicy(timeout=TIMEOUT))
    assert time.monotonic() - started < FAST
    assert _never_answered(info.value).operation == "DescribeJob"
    if proxy is not None:
        assert proxy.count() == iot.max_http_attempts == ATTEMPTS


def test_an_async_wait_that_never_reached_aws_fails_fast(
    endpoint: tuple[str, FaultProxy | None],
) -> None:
    url, proxy = endpoint

    async def main() -> None:
        iot = aio.IoT(session=_session(), endpoint_url=url, retry=_retry())
        await iot.wait_for_job_execution(
            "never-seen", "thing-1", policy=WaitPolicy(timeout=TIMEOUT)
        )

    started = time.monotonic()
    with pytest.raises(ServiceError) as info:
        asyncio.run(main())
    assert time.monotonic() - started < FAST
    assert _never_answered(info.value).operation == "DescribeJobExecution"
    if proxy is not None:
        assert proxy.count() == ATTEMPTS


def test_wait_all_gives_each_never_reached_target_its_service_error(
    endpoint: tuple[str, FaultProxy | None],
) -> None:
    url, proxy = endpoint
    iot = IoT(session=_session(), endpoint_url=url, retry=_retry())
    targets: list[Any] = [iot.job("never-seen-1"), iot.job("never-seen-2")]
    started = time.monotonic()
    results = wait_all(targets, policy=WaitPolicy(timeout=TIMEOUT))
    assert time.monotonic() - started < FAST
    assert [r.target for r in results] == targets
    assert [r.outcome for r in results] == [None, None]
    for result in results:
        assert result.error is not None
        _never_answered(result.error)
    if proxy is not None:  # two targets, one poll's retries each
        assert proxy.count() == 2 * ATTEMPTS


# A list page botocore could not read as JSON at all (garbage sent as application/json) reads
# as an empty page: its targets are "not listed" (NotFoundError after the grace), not fast.
BATCH_DETECTED = ["closed port", "dropped", "html", "non-utf8"]


@pytest.mark.parametrize("kind", BATCH_DETECTED)
def test_wait_all_fails_fast_for_targets_seen_through_one_list_call(kind: str) -> None:
    with contextlib.ExitStack() as stack:
        if kind == "closed port":
            url, proxy = _closed_port_url(), None
        else:
            proxy = stack.enter_context(FaultProxy(None, default=FAULTS[kind]()))
            url = proxy.url
        iot = IoT(session=_session(), endpoint_url=url, retry=_retry())
        targets = [iot.job_execution("never-seen", f"thing-{i}") for i in range(3)]
        started = time.monotonic()
        results = wait_all(targets, policy=WaitPolicy(timeout=TIMEOUT))
        assert time.monotonic() - started < FAST
        for result in results:
            assert result.error is not None
            _never_answered(result.error)
            assert result.error.operation == "ListJobExecutionsForJob"
        if proxy is not None:  # one list call observes all three: one poll's retries
            assert proxy.count() == ATTEMPTS


def test_async_wait_all_gives_each_never_reached_target_its_service_error(
    endpoint: tuple[str, FaultProxy | None],
) -> None:
    url, proxy = endpoint

    async def main() -> list[Any]:
        iot = aio.IoT(session=_session(), endpoint_url=url, retry=_retry())
        targets = [iot.job("never-seen-1"), iot.job("never-seen-2")]
        return await aio.wait_all(targets, policy=WaitPolicy(timeout=TIMEOUT))

    started = time.monotonic()
    results = asyncio.run(main())
    assert time.monotonic() - started < FAST
    for result in results:
        assert result.error is not None
        _never_answered(result.error)
    if proxy is not None:
        assert proxy.count() == 2 * ATTEMPTS


# Once the resource has been read, the same faults are an outage, ridden out.


def _job(moto_url: str) -> tuple[str, str]:
    client: Any = _session().client("iot", endpoint_url=moto_url)
    n = next(_numbers)
    thing = client.create_thing(thingName=f"ff-thing-{n}")
    job_id = f"ff-job-{n}"
    client.create_job(
        jobId=job_id,
        targets=[thing["thingArn"]],
        document=json.dumps({"op": "noop"}),
        targetSelection="SNAPSHOT",
    )
    return job_id, f"ff-thing-{n}"


def _finish(job_id: str, thing: str) -> None:
    from moto.iot.models import iot_backends  # noqa: PLC0415 -- test-only dependency

    backend = iot_backends["123456789012"][REGION]
    backend.job_executions[job_id, thing].status = "SUCCEEDED"
    backend.jobs[job_id].status = "COMPLETED"


@pytest.mark.parametrize("kind", list(FAULTS))
def test_once_seen_the_same_faults_are_ridden_out(kind: str, moto_server: str) -> None:
    job_id, thing = _job(moto_server)
    clock = FakeClock()

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        if clock.now >= 30:  # the device finishes during the outage
            _finish(job_id, thing)

    with FaultProxy(moto_server) as proxy:
        proxy.schedule(Fault.passthrough(), operation="DescribeJob")
        proxy.schedule(FAULTS[kind](), operation="DescribeJob", times=3 * ATTEMPTS)
        iot = IoT(session=_session(), endpoint_url=proxy.url, retry=_retry())
        policy = WaitPolicy(
            timeout=24 * 3600, min_delay=30, max_delay=60, clock=clock.clock, sleep=sleep
        )
        job = iot.wait_for_job(job_id, policy=policy)
        assert job.outcome is Outcome.SUCCEEDED
        # 1 good poll, 3 polls whose retries all failed, then the good one
        assert proxy.count("DescribeJob") == 1 + 3 * ATTEMPTS + 1
    assert not proxy.errors, proxy.errors


# The command: exit 5 and the endpoint it could not reach.


def _command(url: str) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }
    argv = [sys.executable, "-m", "jobkit", "wait", "iot-job", "J", "--endpoint-url", url]
    started = time.monotonic()
    result = subprocess.run(
        [*argv, "--timeout", "60", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    return result, time.monotonic() - started


@pytest.mark.parametrize("kind", ["closed port", "dropped", "html"])
def test_the_command_exits_5_naming_the_endpoint_it_could_not_reach(kind: str) -> None:
    if kind == "closed port":
        url = _closed_port_url()
        result, elapsed = _command(url)
        count = None
    else:
        with FaultProxy(None, default=FAULTS[kind]()) as proxy:
            url = proxy.url
            result, elapsed = _command(url)
            count = proxy.count()
    assert result.returncode == 5, result.stderr
    assert elapsed < 15  # 4 attempts with jitter, and the interpreter's start-up; not 60 s
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith(f"jobkit: aws error: Could not reach AWS at {url}: "), line
    assert "check --endpoint-url and --region" in line
    assert "Traceback" not in result.stderr
    assert len(line) < 300
    if count is not None:
        assert count == RetryPolicy().max_attempts  # the command's client: botocore retries off
