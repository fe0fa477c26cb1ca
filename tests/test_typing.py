"""What an IDE infers for models; mypy --strict and pyright check it (nox -s typecheck)."""

from __future__ import annotations

from typing import TYPE_CHECKING, assert_type

from helpers import make_client
from jobkit import DeviceFarm, Outcome, devicefarm, iot, structure

if TYPE_CHECKING:
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
