"""Device Farm and Amplify facades driven through botocore's Stubber (moto has neither)."""

from __future__ import annotations

from typing import Any, cast

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from helpers import make_client
from jobkit import Amplify, DeviceFarm, IoT, Outcome, RetryPolicy, amplify, devicefarm
from jobkit.errors import (
    AccessDeniedError,
    InvalidArgumentError,
    JobFailedError,
    NotFoundError,
    ServiceError,
    ThrottledError,
    WaitTimeoutError,
)
from jobkit.testing import AwsErrorResponse, FakeClock, lifecycle

JOB_ARN = "arn:aws:devicefarm:us-west-2:123456789012:job:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE/00000"
SESSION_ARN = "arn:aws:devicefarm:us-west-2:123456789012:session:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/3a7c9e11-2b4d-4f6a-8c0e-1f2a3b4c5d6e/00000"


_THREE = cast("Any", 3)  # a wrong type, as an untyped caller would pass it


def _client(service: str) -> Any:
    return make_client(service)


def _no_sleep_retry(**kw: Any) -> RetryPolicy:
    clock = FakeClock()
    return RetryPolicy(sleep=clock.sleep, random=lambda: 0.5, **kw)


@pytest.mark.parametrize(
    ("final", "outcome", "result"),
    [
        ("passed", Outcome.SUCCEEDED, devicefarm.ExecutionResult.PASSED),
        ("warned", Outcome.SUCCEEDED, devicefarm.ExecutionResult.WARNED),
        ("failed", Outcome.FAILED, devicefarm.ExecutionResult.FAILED),
        ("errored", Outcome.FAILED, devicefarm.ExecutionResult.ERRORED),
        ("stopped", Outcome.CANCELLED, devicefarm.ExecutionResult.STOPPED),
        ("skipped", Outcome.CANCELLED, devicefarm.ExecutionResult.SKIPPED),
        ("unknown_result", Outcome.FAILED, "FLAKY"),
    ],
)
def test_devicefarm_job_lifecycle(final: str, outcome: Outcome, result: object) -> None:
    client = _client("devicefarm")
    clock = FakeClock()
    seen: list[str] = []
    with lifecycle(
        client,
        "get_job",
        ["pending", "running", "running", final],
        expected_params={"arn": JOB_ARN},
    ):
        job = DeviceFarm(client).wait_for_job(
            JOB_ARN,
            policy=clock.policy(timeout=3600, min_delay=10, max_delay=60),
            on_update=lambda j: seen.append(str(j.status)),
        )
    assert isinstance(job, devicefarm.Job)
    assert job.outcome is outcome
    assert job.result == result
    assert seen == ["PENDING", "RUNNING", "COMPLETED"]
    assert clock.sleeps == [10.0, 15.0, 25.0]


def test_devicefarm_check_raises_with_final_model() -> None:
    client = _client("devicefarm")
    clock = FakeClock()
    with lifecycle(client, "get_job", ["running", "failed"]), pytest.raises(JobFailedError) as info:
        DeviceFarm(client).wait_for_job(JOB_ARN, policy=clock.policy(timeout=600), check=True)
    assert info.value.resource.result == "FAILED"
    assert info.value.outcome is Outcome.FAILED
    assert "FAILED" in str(info.value)


def test_devicefarm_get_job_and_session() -> None:
    client = _client("devicefarm")
    df = DeviceFarm(client)
    with lifecycle(client, "get_job", ["passed"]):
        job = df.get_job(JOB_ARN)
    assert job.counters is not None
    assert job.counters.passed == 12
    assert job.device is not None
    assert job.device.instances is not None
    assert len(job.device.instances) == 3
    with lifecycle(client, "get_remote_access_session", ["pending", "running", "stopped"]):
        clock = FakeClock()
        ras = df.wait_for_remote_access_session(SESSION_ARN, policy=clock.policy(timeout=600))
    assert isinstance(ras, devicefarm.RemoteAccessSession)
    assert ras.outcome is Outcome.CANCELLED


def test_devicefarm_unknown_status_is_not_terminal_and_times_out() -> None:
    client = _client("devicefarm")
    clock = FakeClock()
    with (
        lifecycle(client, "get_job", ["unknown_enum"] * 4),
        pytest.raises(WaitTimeoutError) as info,
    ):
        DeviceFarm(client).wait_for_job(
            JOB_ARN, policy=clock.policy(timeout=30, min_delay=10, max_delay=10)
        )
    assert info.value.resource is not None
    status: devicefarm.ExecutionStatus = info.value.resource.status
    assert status.is_known is False
    assert status.value == "HIBERNATING"


@pytest.mark.parametrize(
    ("final", "outcome"),
    [("succeed", Outcome.SUCCEEDED), ("failed", Outcome.FAILED), ("cancelled", Outcome.CANCELLED)],
)
def test_amplify_job_lifecycle(final: str, outcome: Outcome) -> None:
    client = _client("amplify")
    clock = FakeClock()
    params = {"appId": "d2a4xexample1", "branchName": "main", "jobId": "42"}
    with lifecycle(
        client, "get_job", ["pending", "provisioning", "running", final], expected_params=params
    ):
        job = Amplify(client).wait_for_job(
            "d2a4xexample1", "main", "42", policy=clock.policy(timeout=600)
        )
    assert isinstance(job, amplify.Job)
    assert job.outcome is outcome
    assert job.summary is not None
    assert job.summary.job_id == "42"


def test_amplify_get_job_keeps_step_urls() -> None:
    client = _client("amplify")
    with lifecycle(client, "get_job", ["failed"]):
        job = Amplify(client).get_job("d2a4xexample1", "main", "42")
    assert job.steps is not None
    failed = [s for s in job.steps if s.status is amplify.JobStatus.FAILED]
    assert [s.step_name for s in failed] == ["DEPLOY"]
    assert failed[0].status_reason == "Build output directory 'dist' not found."
    assert failed[0].log_url is not None
    assert "X-Amz-Signature=" in failed[0].log_url


@pytest.mark.parametrize(
    ("code", "status", "error", "calls"),
    [
        ("NotFoundException", 404, NotFoundError, 1),
        ("ArgumentException", 400, InvalidArgumentError, 1),
        ("ServiceAccountException", 403, AccessDeniedError, 1),
        ("AccessDeniedException", 403, AccessDeniedError, 1),
        ("LimitExceededException", 400, ThrottledError, 3),
        ("ThrottlingException", 400, ThrottledError, 3),
        ("ServiceUnavailableException", 503, ServiceError, 3),
        ("InternalFailure", 500, ServiceError, 3),
    ],
)
def test_aws_errors_are_typed_and_retried_only_when_transient(
    code: str, status: int, error: type[Exception], calls: int
) -> None:
    client = _client("devicefarm")
    df = DeviceFarm(client, retry=_no_sleep_retry(max_attempts=3))
    steps = [AwsErrorResponse(code=code, http_status=status, request_id="req-123")] * calls
    with lifecycle(client, "get_job", steps) as stubber, pytest.raises(error) as info:
        df.get_job(JOB_ARN)
    stubber.assert_no_pending_responses()  # exactly `calls` requests were made
    err: Any = info.value
    assert err.code == code
    assert err.operation == "GetJob"
    assert err.request_id == "req-123"
    assert isinstance(err.__cause__, ClientError)
    assert JOB_ARN in str(err)


def test_transient_errors_then_success() -> None:
    client = _client("amplify")
    clock = FakeClock()
    retry = RetryPolicy(sleep=clock.sleep, random=lambda: 1.0, max_attempts=4)
    steps: list[Any] = [
        AwsErrorResponse(code="TooManyRequestsException", http_status=429),
        AwsErrorResponse(code="InternalFailureException", http_status=500),
        "succeed",
    ]
    with lifecycle(client, "get_job", steps):
        job = Amplify(client, retry=retry).get_job("d2a4xexample1", "main", "42")
    assert job.outcome is Outcome.SUCCEEDED
    assert clock.sleeps == [0.5, 1.0]  # full jitter with r=1: min(20, 0.5 * 2**(n-1))


def test_retry_never_sleeps_past_the_waiters_deadline() -> None:
    client = _client("devicefarm")
    clock = FakeClock()
    retry = RetryPolicy(sleep=clock.sleep, random=lambda: 1.0, max_attempts=10, min_delay=4)
    steps = [AwsErrorResponse(code="ThrottlingException")] * 4
    policy = clock.policy(timeout=10, min_delay=5)
    with lifecycle(client, "get_job", steps), pytest.raises(WaitTimeoutError) as info:
        DeviceFarm(client, retry=retry).wait_for_job(JOB_ARN, policy=policy)
    # t=0 throttled, retry after 4 s (a second retry, 8 s, would end past the deadline);
    # the wait rides the failed poll out: sleeps 5 s, polls at 9 s, sleeps 1 s, polls at 10 s.
    assert clock.sleeps == [4.0, 5.0, 1.0]
    assert clock.now == 10
    assert info.value.resource is None
    assert info.value.polls == 3
    assert info.value.elapsed == 10
    assert isinstance(info.value.__cause__, ThrottledError)


def test_malformed_response_is_retried_then_reported() -> None:
    client = _client("devicefarm")
    steps: list[Any] = [{}, {}]
    with lifecycle(client, "get_job", steps), pytest.raises(ServiceError, match="no 'job' member"):
        DeviceFarm(client, retry=_no_sleep_retry(max_attempts=2)).get_job(JOB_ARN)


def test_facade_refuses_wrong_client_and_mixed_arguments() -> None:
    with pytest.raises(InvalidArgumentError, match="needs a boto3 'devicefarm' client"):
        DeviceFarm(_client("amplify"))
    with pytest.raises(InvalidArgumentError, match="pass one or the other"):
        DeviceFarm(_client("devicefarm"), region_name="us-west-2")
    with pytest.raises(InvalidArgumentError, match="RetryPolicy"):
        DeviceFarm(_client("devicefarm"), retry=_THREE)


def test_facade_builds_its_own_client_without_botocore_retries() -> None:
    iot_ = IoT(region_name="eu-west-1", endpoint_url="http://127.0.0.1:9")
    assert iot_.client.meta.region_name == "eu-west-1"
    config: Any = iot_.client.meta.config
    assert config.retries["total_max_attempts"] == 1
    assert iot_.max_http_attempts == RetryPolicy().max_attempts
    explicit = make_client(
        "devicefarm", config=Config(retries={"max_attempts": 4, "mode": "legacy"})
    )
    assert DeviceFarm(explicit, retry=RetryPolicy(max_attempts=3)).max_http_attempts == 3 * 5


def test_a_poll_that_sees_no_change_reports_nothing_new() -> None:
    client = _client("devicefarm")
    df = DeviceFarm(client)
    seen: list[devicefarm.Job] = []
    clock = FakeClock()
    with lifecycle(client, "get_job", ["running", "running", "passed"]):
        final = df.wait_for_job(JOB_ARN, policy=clock.policy(), on_update=seen.append)
    assert [job.status for job in seen] == ["RUNNING", "COMPLETED"]
    assert seen[-1] is final
    assert len(clock.sleeps) == 2


def test_region_defaults_and_missing_region(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "missing-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "missing-credentials"))
    assert DeviceFarm().client.meta.region_name == "us-west-2"  # Device Farm's only region
    with pytest.raises(InvalidArgumentError, match="No AWS region is configured"):
        IoT()


def test_retries_inside_a_wait_use_the_waits_clock_and_sleep() -> None:
    """A simulated wait never really sleeps, even when a poll is throttled and retried."""
    client = _client("devicefarm")
    clock = FakeClock(now=1_000_000.0)  # far from time.monotonic(), as a fake clock may be
    steps: list[Any] = ["running", AwsErrorResponse(code="ThrottlingException"), "passed"]
    with lifecycle(client, "get_job", steps):
        job = DeviceFarm(client).wait_for_job(
            JOB_ARN, policy=clock.policy(timeout=600, min_delay=10)
        )
    assert job.outcome is Outcome.SUCCEEDED
    assert len(clock.sleeps) == 2  # one wait sleep, one retry sleep, both on the fake clock
    assert clock.sleeps[0] == 10.0
    assert 0.0 <= clock.sleeps[1] <= 0.5  # full jitter before the first retry
