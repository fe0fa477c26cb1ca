"""IoT against moto's server over real HTTP on 127.0.0.1, with faults injected at botocore's
send step. Waits use a fake clock for the waiter; the cancelling thread is released by it."""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.config import Config
from botocore.exceptions import ConnectionClosedError, ReadTimeoutError

from helpers import make_client
from jobkit import IoT, Outcome, RetryPolicy, WaitPolicy, iot
from jobkit.errors import InvalidArgumentError, NotFoundError, ServiceError, ThrottledError
from jobkit.testing import FakeClock

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer  # noqa: PLC0415

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _client(endpoint: str, **config: Any) -> Any:
    settings: dict[str, Any] = {"retries": {"total_max_attempts": 1, "mode": "standard"}, **config}
    return make_client("iot", "us-east-1", endpoint_url=endpoint, config=Config(**settings))


_counter = iter(range(1_000_000))


@pytest.fixture
def job(endpoint: str) -> tuple[str, str]:
    client = _client(endpoint)
    n = next(_counter)
    thing = client.create_thing(thingName=f"sensor-{n}")
    job_id = f"ota-{n}"
    client.create_job(
        jobId=job_id,
        targets=[thing["thingArn"]],
        document=json.dumps({"firmware": "2.4.1"}),
        targetSelection="SNAPSHOT",
    )
    return job_id, f"sensor-{n}"


def _retry(clock: FakeClock, attempts: int = 4) -> RetryPolicy:
    return RetryPolicy(max_attempts=attempts, sleep=clock.sleep, random=lambda: 1.0)


def test_describe_job_and_execution(endpoint: str, job: tuple[str, str]) -> None:
    job_id, thing = job
    facade = IoT(_client(endpoint))
    described = facade.describe_job(job_id)
    assert isinstance(described, iot.Job)
    assert described.job_id == job_id
    assert described.status == "QUEUED"  # moto's status, outside the documented enum
    assert described.status is not None
    assert described.status.is_known is False
    assert described.is_terminal is False
    assert described.target_selection is iot.TargetSelection.SNAPSHOT
    execution = facade.describe_job_execution(job_id, thing)
    assert execution.status is iot.JobExecutionStatus.QUEUED
    assert execution.thing_arn is not None
    assert execution.thing_arn.endswith(f":thing/{thing}")
    response = facade.describe_job_response(job_id)
    assert response.job is not None
    assert response.job.job_id == job_id


def _cancel_on_poll(n: int, action: Callable[[], object]) -> Callable[[float], None]:
    """A sleep that, on the n-th call, cancels from another thread and waits for it."""
    calls = {"count": 0}

    def sleep(_: float) -> None:
        calls["count"] += 1
        if calls["count"] == n:
            worker = threading.Thread(target=action)
            worker.start()
            worker.join(timeout=10)

    return sleep


def test_wait_for_job_while_another_thread_cancels_it(endpoint: str, job: tuple[str, str]) -> None:
    job_id, _ = job
    admin = _client(endpoint)
    clock = FakeClock()
    seen: list[str] = []
    policy = WaitPolicy(
        timeout=3600,
        clock=clock.clock,
        sleep=_cancel_on_poll(2, lambda: admin.cancel_job(jobId=job_id)),
    )
    final = IoT(_client(endpoint)).wait_for_job(
        job_id, policy=policy, on_update=lambda j: seen.append(str(j.status))
    )
    assert final.status is iot.JobStatus.CANCELED
    assert final.outcome is Outcome.CANCELLED
    assert seen == ["QUEUED", "CANCELED"]


def test_wait_for_execution_while_another_thread_cancels_it(
    endpoint: str, job: tuple[str, str]
) -> None:
    job_id, thing = job
    admin = _client(endpoint)
    clock = FakeClock()

    def cancel() -> None:
        admin.cancel_job_execution(jobId=job_id, thingName=thing, force=True)

    policy = WaitPolicy(timeout=600, clock=clock.clock, sleep=_cancel_on_poll(3, cancel))
    final = IoT(_client(endpoint)).wait_for_job_execution(job_id, thing, policy=policy)
    assert final.status is iot.JobExecutionStatus.CANCELED
    assert final.outcome is Outcome.CANCELLED


def test_not_found(endpoint: str) -> None:
    facade = IoT(_client(endpoint))
    with pytest.raises(NotFoundError) as info:
        facade.describe_job("does-not-exist")
    assert info.value.code == "ResourceNotFoundException"
    assert info.value.operation == "DescribeJob"
    assert "IoT job does-not-exist was not found" in str(info.value)
    clock = FakeClock()
    with pytest.raises(NotFoundError):
        facade.wait_for_job("does-not-exist", policy=clock.policy(timeout=600, not_found_grace=20))
    assert clock.now >= 20  # retried through the grace period, then gave up


def test_continuous_job_is_refused(endpoint: str) -> None:
    client = _client(endpoint)
    thing = client.create_thing(thingName="continuous-thing")
    client.create_job(
        jobId="continuous-1",
        targets=[thing["thingArn"]],
        document="{}",
        targetSelection="CONTINUOUS",
    )
    with pytest.raises(InvalidArgumentError, match="CONTINUOUS and never completes"):
        IoT(client).wait_for_job("continuous-1", policy=FakeClock().policy(timeout=600))


# --- fault injection at botocore's send step ------------------------------------------------


class _Body:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


def _http(status: int, error_type: str | None = None, body: bytes = b"{}") -> AWSResponse:
    headers = HTTPHeaders()
    headers["Content-Type"] = "application/json"
    if error_type:
        headers["x-amzn-ErrorType"] = error_type
        body = json.dumps({"message": f"injected {error_type}"}).encode()
    return AWSResponse("http://127.0.0.1/", status, headers, _Body(body))


class Faults:
    """Counts every HTTP attempt; answers the first ones with scripted faults, then lets moto answer."""

    def __init__(self, *faults: AWSResponse | Exception) -> None:
        self.faults = list(faults)
        self.attempts = 0

    def __call__(self, **_: Any) -> AWSResponse | None:
        self.attempts += 1
        if not self.faults:
            return None
        fault = self.faults.pop(0)
        if isinstance(fault, Exception):
            raise fault
        return fault


def _faulty(endpoint: str, faults: Faults, **config: Any) -> Any:
    client = _client(endpoint, **config)
    client.meta.events.register("before-send.iot", faults)
    return client


THROTTLE = _http(400, "ThrottlingException")
UNAVAILABLE = _http(503, "ServiceUnavailableException")
INTERNAL = _http(500, "InternalFailureException")


@pytest.mark.parametrize(
    ("name", "faults"),
    [
        ("throttling burst", [THROTTLE, THROTTLE, THROTTLE]),
        ("500 then 503", [INTERNAL, UNAVAILABLE]),
        ("connection reset", [ConnectionClosedError(endpoint_url="http://127.0.0.1/")]),
        (
            "read timeout",
            [
                ReadTimeoutError(endpoint_url="http://127.0.0.1/"),
                ReadTimeoutError(endpoint_url="http://127.0.0.1/"),
            ],
        ),
        ("malformed json", [_http(200, body=b'{"job": {"jobId": ')]),
    ],
)
def test_transient_faults_are_retried_to_the_right_model(
    endpoint: str, job: tuple[str, str], name: str, faults: list[Any]
) -> None:
    job_id, _ = job
    injected = Faults(*faults)
    clock = FakeClock()
    facade = IoT(_faulty(endpoint, injected), retry=_retry(clock))
    described = facade.describe_job(job_id)
    assert described.job_id == job_id, name
    assert injected.attempts == len(faults) + 1
    assert clock.now <= 20.0


@pytest.mark.parametrize(
    ("fault", "error", "code"),
    [
        (THROTTLE, ThrottledError, "ThrottlingException"),
        (UNAVAILABLE, ServiceError, "ServiceUnavailableException"),
        (
            ConnectionClosedError(endpoint_url="http://127.0.0.1/"),
            ServiceError,
            "ConnectionClosedError",
        ),
    ],
)
def test_persistent_faults_raise_typed_errors_within_the_bound(
    endpoint: str, job: tuple[str, str], fault: Any, error: type[Exception], code: str
) -> None:
    job_id, _ = job
    injected = Faults(*([fault] * 50))
    clock = FakeClock()
    facade = IoT(_faulty(endpoint, injected), retry=_retry(clock, attempts=3))
    with pytest.raises(error) as info:
        facade.describe_job(job_id)
    assert getattr(info.value, "code", None) == code
    assert info.value.__cause__ is not None
    assert injected.attempts == 3 == facade.max_http_attempts


def test_bound_counts_botocores_own_retries(
    endpoint: str, job: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """botocore's retry layer sleeps with time.sleep; the fake keeps the test instant."""
    import time  # noqa: PLC0415

    botocore_sleeps: list[float] = []
    monkeypatch.setattr(time, "sleep", botocore_sleeps.append)
    job_id, _ = job
    injected = Faults(*([THROTTLE] * 50))
    clock = FakeClock()
    client = _client(endpoint, retries={"total_max_attempts": 3, "mode": "standard"})
    client.meta.events.register("before-send.iot", injected)
    facade = IoT(client, retry=_retry(clock, attempts=2))
    with pytest.raises(ThrottledError):
        facade.describe_job(job_id)
    assert facade.max_http_attempts == 6
    assert injected.attempts == 6
    assert len(botocore_sleeps) == 4  # two retries inside each of jobkit's two attempts


def test_faults_during_a_wait_finish_within_the_deadline(
    endpoint: str, job: tuple[str, str]
) -> None:
    job_id, _ = job
    injected = Faults(THROTTLE, INTERNAL, THROTTLE)
    clock = FakeClock()
    admin = _client(endpoint)
    policy = WaitPolicy(
        timeout=120,
        clock=clock.clock,
        sleep=_cancel_on_poll(1, lambda: admin.cancel_job(jobId=job_id)),
        random=lambda: 0.5,
    )
    retry = RetryPolicy(max_attempts=4, sleep=clock.sleep, random=lambda: 1.0)
    final = IoT(_faulty(endpoint, injected), retry=retry).wait_for_job(job_id, policy=policy)
    assert final.outcome is Outcome.CANCELLED
    # Retries sleep with the wait's sleep, so the first retry's sleep already lets the
    # canceller run: 3 faults, then the first good answer is CANCELED.
    assert injected.attempts == 4
    assert clock.now <= 120
