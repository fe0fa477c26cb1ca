"""Secrets and presigned URLs stay out of repr(); the values themselves are intact."""

from __future__ import annotations

from jobkit import amplify, devicefarm, iot, structure
from jobkit._stubs import load_stub


def test_sensitive_endpoints_are_hidden() -> None:
    raw = load_stub("devicefarm", "get_remote_access_session", "running")
    ras = structure(raw, devicefarm.GetRemoteAccessSessionResponse).remote_access_session
    assert ras is not None
    assert ras.endpoints is not None
    text = repr(ras)
    assert "SECRET-DRIVER-TOKEN-1234" not in text
    assert "SECRET-INTERACTIVE-TOKEN-5678" not in text
    assert "eyJhbGciOiJIUzI1NiJ9" not in text
    assert "remote_driver_endpoint='<redacted>'" in text
    assert ras.endpoints.remote_driver_endpoint is not None
    assert ras.endpoints.remote_driver_endpoint.endswith("token=SECRET-DRIVER-TOKEN-1234")
    assert ras.endpoint is not None
    assert "token=eyJhbGciOiJIUzI1NiJ9" in ras.endpoint
    assert "'wss://devicefarm-remote.us-west-2.amazonaws.com/session?<redacted>'" in text


def test_presigned_step_urls_are_hidden() -> None:
    raw = load_stub("amplify", "get_job", "succeed")
    job = structure(raw, amplify.GetJobResponse).job
    assert job is not None
    assert job.steps is not None
    text = repr(job)
    assert "X-Amz-Signature" not in text
    assert "X-Amz-Security-Token" not in text
    assert "IQoJb3JpZ2luX2VjEXAMPLETOKEN" not in text
    step = job.steps[-1]
    assert step.log_url is not None
    assert "X-Amz-Signature=9c7b1e2d" in step.log_url
    assert step.screenshots is not None
    assert "X-Amz-Signature=9c7b1e2d" in step.screenshots["Pixel 8"]
    assert "amplify-prod-us-east-1-artifacts.s3.amazonaws.com" in text  # where, without the key


def test_devicefarm_video_endpoint_is_hidden() -> None:
    job = structure(load_stub("devicefarm", "get_job", "passed"), devicefarm.GetJobResponse).job
    assert job is not None
    assert "3f1b8c0e0d9a7f6e" not in repr(job)
    assert job.video_endpoint is not None
    assert "X-Amz-Signature=3f1b8c0e0d9a7f6e" in job.video_endpoint


def test_plain_urls_are_shown_whole() -> None:
    response = structure(load_stub("iot", "describe_job", "completed"), iot.DescribeJobResponse)
    assert "ota-docs/firmware-2.4.1.json'" in repr(response)


def test_credentials_in_userinfo_are_hidden() -> None:
    step = amplify.Step(log_url="https://user:hunter2@example.com/log")
    assert "hunter2" not in repr(step)
    assert step.log_url == "https://user:hunter2@example.com/log"
