"""What an IDE infers for models; mypy --strict and pyright check it (nox -s typecheck)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, assert_type

import mypy.api
import pytest

import jobkit
from helpers import make_client
from jobkit import DeviceFarm, Outcome, WaitPolicy, devicefarm, iot, structure, unstructure
from jobkit.errors import InvalidArgumentError, JobFailedError, WaitTimeoutError

if TYPE_CHECKING:
    from pathlib import Path

    from mypy_boto3_devicefarm import DeviceFarmClient  # noqa: F401 -- named in assert_type below


def test_static_types_of_model_attributes() -> None:
    job = structure({"status": "RUNNING", "device": {"cpu": {"clock": 2.5}}}, devicefarm.Job)
    assert_type(job, devicefarm.Job)
    assert_type(job.status, devicefarm.ExecutionStatus | None)
    assert job.device is not None
    assert job.device.cpu is not None
    assert_type(job.device.cpu.clock, float | None)
    assert job.device.cpu.clock == 2.5
    assert_type(job.outcome, Outcome | None)
    assert_type(job.is_terminal, bool)
    unknown = structure({"status": "QUEUED"}, iot.Job).status
    assert_type(unknown, iot.JobStatus | None)
    assert unknown is not None
    assert unknown.is_known is False


def test_facades_expose_the_mypy_boto3_client_type() -> None:
    df = DeviceFarm(make_client("devicefarm"))
    assert_type(df.client, "DeviceFarmClient")
    assert df.client.meta.service_model.service_name == "devicefarm"


def test_wait_errors_are_generic_in_their_resource() -> None:
    job = structure({"status": "COMPLETED", "result": "FAILED"}, devicefarm.Job)
    failed = JobFailedError("it failed", resource=job, operation="GetJob")
    assert_type(failed.resource, devicefarm.Job)
    assert failed.outcome is Outcome.FAILED
    late = WaitTimeoutError("too late", resource=job, operation="GetJob", elapsed=1.5, polls=2)
    assert_type(late.resource, devicefarm.Job | None)
    assert (late.elapsed, late.polls, late.code) == (1.5, 2, "WaitTimeout")
    never = WaitTimeoutError[iot.JobExecution]("never seen", resource=None)
    assert_type(never.resource, iot.JobExecution | None)
    with pytest.raises(WaitTimeoutError) as caught:  # the parameter is unknown here: Any
        raise late
    assert caught.value.resource is job


def test_unstructure_returns_a_dict() -> None:
    job = structure({"status": "RUNNING", "name": "x"}, devicefarm.Job)
    assert_type(unstructure(job), dict[str, Any])
    assert_type(unstructure(job, mode="json"), dict[str, Any])
    assert unstructure(job) == {"status": "RUNNING", "name": "x"}


def test_a_string_timeout_is_an_error_for_the_checkers_and_at_run_time() -> None:
    # mypy --strict (warn_unused_ignores) fails here if the parameter ever accepts a str again.
    with pytest.raises(InvalidArgumentError):
        WaitPolicy(timeout="abc")  # type: ignore[arg-type]


def test_mypy_reports_a_string_timeout(tmp_path: Path) -> None:
    source = tmp_path / "bad_policy.py"
    source.write_text(
        "from datetime import timedelta\n"
        "from jobkit import WaitPolicy\n"
        "WaitPolicy(timeout=60, min_delay=timedelta(seconds=2), max_delay=30.5)\n"
        'WaitPolicy(timeout="abc")\n',
        encoding="utf-8",
    )
    out, _, status = mypy.api.run(
        ["--strict", "--config-file", "", "--no-incremental", str(source)]
    )
    assert status == 1, out
    assert 'bad_policy.py:4: error: Argument "timeout" to "WaitPolicy" has incompatible type' in out
    assert "bad_policy.py:3" not in out


def test_dir_lists_only_the_public_surface() -> None:
    assert dir(jobkit) == sorted(jobkit.__all__)
    assert not {"Any", "TYPE_CHECKING", "annotations", "importlib"} & set(dir(jobkit))
