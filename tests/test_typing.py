"""What an IDE infers for models; mypy --strict and pyright check it (nox -s typecheck)."""

from __future__ import annotations

from typing import assert_type

from jobkit import Outcome, devicefarm, iot, structure


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
