"""jobkit's waits under real faults: a socket-level proxy in front of moto's server.

Nothing in jobkit is patched: the faults happen on the wire (tests/faultproxy.py).
Each fault kind is checked for the outcome, the number of HTTP attempts and the time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

import boto3
import pytest

import faultproxy
from faultproxy import Fault, FaultProxy
from jobkit import IoT, Outcome, RetryPolicy, WaitPolicy
from jobkit.errors import JobkitError, ServiceError, ThrottledError, WaitTimeoutError
from jobkit.testing import FakeClock

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.integration

no_thread_leaks = faultproxy.no_thread_leaks

REGION = "us-east-1"
_numbers = iter(range(1_000_000))


def _session() -> boto3.session.Session:
    return boto3.session.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name=REGION,
    )


def _job(moto_url: str) -> tuple[str, str]:
    """A SNAPSHOT job on one thing; it stays QUEUED unless the test moves it."""
    client: Any = _session().client("iot", endpoint_url=moto_url)
    n = next(_numbers)
    thing = client.create_thing(thingName=f"fault-thing-{n}")
    job_id = f"fault-job-{n}"
    client.create_job(
        jobId=job_id,
        targets=[thing["thingArn"]],
        document=json.dumps({"op": "noop"}),
        targetSelection="SNAPSHOT",
    )
    return job_id, f"fault-thing-{n}"


@pytest.fixture
def proxy(moto_server: str) -> Iterator[FaultProxy]:
    with FaultProxy(moto_server) as running:
        yield running


def _facade(url: str, **kw: Any) -> IoT:
    return IoT(session=_session(), endpoint_url=url, **kw)


RETRYABLE_FAULTS = {
    "503 json": Fault.service_unavailable,
    "500 json": Fault.internal_error,
    "429 throttling": Fault.throttling,
    "502 html": lambda: Fault.html(502),
    "dropped connection": Fault.drop,
    "dropped mid-body": lambda: Fault.drop(mid_body=True),
    "truncated json": Fault.truncated_json,
    "non-utf8 body": Fault.non_utf8,
    "200 of the wrong shape": Fault.wrong_shape,
    "gzip garbage": Fault.bad_gzip,
}


@pytest.mark.parametrize("kind", list(RETRYABLE_FAULTS))
def test_each_fault_is_retried_up_to_the_attempt_bound_then_typed(
    kind: str, proxy: FaultProxy, moto_server: str
) -> None:
    job_id, _ = _job(moto_server)
    proxy.default = RETRYABLE_FAULTS[kind]()
    iot = _facade(proxy.url, retry=RetryPolicy(max_attempts=3, sleep=lambda _: None))
    with pytest.raises(JobkitError) as info:
        iot.describe_job(job_id)
    error = info.value
    assert isinstance(error, ServiceError | ThrottledError), repr(error)
    assert error.retryable
    assert error.operation == "DescribeJob"
    assert proxy.count("DescribeJob") == iot.max_http_attempts == 3
    assert len(str(error)) < 400


@pytest.mark.parametrize(
    "fault",
    # Dropped connections from the first poll on end the wait at once (AWS was never reached:
    # tests/test_fail_fast.py); once the job has been seen they are ridden out like these.
    [Fault.stall, lambda: Fault.trickle(0.05), Fault.service_unavailable],
    ids=["stall", "trickle", "503"],
)
def test_the_deadline_bounds_a_wait_whatever_the_network_does(
    fault: Any, proxy: FaultProxy, moto_server: str
) -> None:
    job_id, _ = _job(moto_server)
    proxy.default = fault()
    iot = _facade(proxy.url, read_timeout=10)  # far longer than the wait: only jobkit bounds it
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError) as info:
        iot.wait_for_job(job_id, policy=WaitPolicy(timeout=1.5, min_delay=0.2, max_delay=0.4))
    elapsed = time.monotonic() - started
    assert 1.5 <= elapsed <= 2.5
    error = info.value
    assert error.resource is None
    assert error.polls >= 1
    assert 1.4 <= error.elapsed <= 2.5
    assert isinstance(error.__cause__, ServiceError | ThrottledError)
    assert proxy.count("DescribeJob") <= error.polls * iot.max_http_attempts


def test_an_outage_mid_wait_is_ridden_out(proxy: FaultProxy, moto_server: str) -> None:
    job_id, thing = _job(moto_server)
    clock = FakeClock()

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        if clock.now >= 30:  # the device finishes during the outage
            _finish(job_id, thing)

    iot = _facade(proxy.url)
    proxy.schedule(Fault.passthrough(), operation="DescribeJob")
    proxy.schedule(Fault.service_unavailable(), operation="DescribeJob", times=12)
    policy = WaitPolicy(
        timeout=24 * 3600, min_delay=30, max_delay=60, clock=clock.clock, sleep=sleep
    )
    job = iot.wait_for_job(job_id, policy=policy)
    assert job.outcome is Outcome.SUCCEEDED
    # 1 good poll, 3 polls of 4 failed attempts each, then the good one
    assert proxy.faults("DescribeJob")[:13] == ["pass"] + ["503 ServiceUnavailableException"] * 12
    assert proxy.count("DescribeJob") == 14
    assert clock.now < 600  # a short outage costs a few polls, not the wait


def _finish(job_id: str, thing: str) -> None:
    from moto.iot.models import iot_backends  # noqa: PLC0415

    backend = iot_backends["123456789012"][REGION]
    execution = backend.job_executions[job_id, thing]
    execution.status = "SUCCEEDED"
    backend.jobs[job_id].status = "COMPLETED"


def test_the_command_against_a_stalled_endpoint_exits_4_on_time(
    stalled_endpoint: FaultProxy,
) -> None:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "jobkit",
            "wait",
            "iot-job",
            "stuck-job",
            "--timeout",
            "2",
            "--endpoint-url",
            stalled_endpoint.url,
            "--quiet",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 4, result.stderr
    # The wait's 2 s and its 1 s grace, plus the interpreter's and boto3's start-up, which a
    # loaded CI machine stretches past a second; a stall the deadline missed would take 60 s.
    assert elapsed < 3.0 + 2.0
    assert "Traceback" not in result.stderr
