"""The terminal-status table of DESIGN.md, case by case."""

from __future__ import annotations

from typing import Any

import pytest

from jobkit import Outcome, amplify, devicefarm, iot, structure

S, F, C = Outcome.SUCCEEDED, Outcome.FAILED, Outcome.CANCELLED


@pytest.mark.parametrize("cls", [devicefarm.Job, devicefarm.RemoteAccessSession])
@pytest.mark.parametrize(
    ("status", "result", "expected"),
    [
        ("COMPLETED", "PASSED", S),
        ("COMPLETED", "WARNED", S),
        ("COMPLETED", "FAILED", F),
        ("COMPLETED", "ERRORED", F),
        ("COMPLETED", "PENDING", F),
        ("COMPLETED", "FLAKY", F),
        ("COMPLETED", None, F),
        ("COMPLETED", "STOPPED", C),
        ("COMPLETED", "SKIPPED", C),
        ("PENDING", "PENDING", None),
        ("RUNNING", "PASSED", None),
        ("STOPPING", "STOPPED", None),
        ("HIBERNATING", "PASSED", None),
        (None, None, None),
    ],
)
def test_devicefarm(
    cls: type[Any], status: str | None, result: str | None, expected: Outcome | None
) -> None:
    raw = {k: v for k, v in {"status": status, "result": result}.items() if v is not None}
    model = structure(raw, cls)
    assert model.outcome is expected
    assert model.is_terminal is (expected is not None)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("SUCCEED", S),
        ("FAILED", F),
        ("CANCELLED", C),
        ("CREATED", None),
        ("PENDING", None),
        ("PROVISIONING", None),
        ("RUNNING", None),
        ("CANCELLING", None),
        ("WAITING_FOR_APPROVAL", None),
    ],
)
def test_amplify(status: str, expected: Outcome | None) -> None:
    job = structure({"summary": {"status": status}, "steps": []}, amplify.Job)
    assert job.outcome is expected
    assert job.is_terminal is (expected is not None)
    assert job.status == status


def test_amplify_without_summary_is_not_terminal() -> None:
    job = amplify.Job()
    assert job.status is None
    assert job.is_terminal is False
    assert job.outcome is None


@pytest.mark.parametrize(
    ("status", "details", "expected"),
    [
        ("COMPLETED", {"numberOfSucceededThings": 10}, S),
        ("COMPLETED", {}, S),
        ("COMPLETED", None, S),
        ("COMPLETED", {"numberOfSucceededThings": 9, "numberOfFailedThings": 1}, F),
        ("COMPLETED", {"numberOfRejectedThings": 1}, F),
        ("COMPLETED", {"numberOfTimedOutThings": 2}, F),
        ("COMPLETED", {"numberOfCanceledThings": 3, "numberOfRemovedThings": 1}, S),
        ("CANCELED", {"numberOfSucceededThings": 10}, C),
        ("DELETION_IN_PROGRESS", None, C),
        ("IN_PROGRESS", None, None),
        ("SCHEDULED", None, None),
        ("QUEUED", None, None),
    ],
)
def test_iot_job(status: str, details: dict[str, int] | None, expected: Outcome | None) -> None:
    raw: dict[str, Any] = {"status": status}
    if details is not None:
        raw["jobProcessDetails"] = details
    job = structure(raw, iot.Job)
    assert job.outcome is expected
    assert job.is_terminal is (expected is not None)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("SUCCEEDED", S),
        ("FAILED", F),
        ("TIMED_OUT", F),
        ("REJECTED", F),
        ("CANCELED", C),
        ("REMOVED", C),
        ("QUEUED", None),
        ("IN_PROGRESS", None),
        ("PAUSED", None),
    ],
)
def test_iot_job_execution(status: str, expected: Outcome | None) -> None:
    execution = structure({"status": status}, iot.JobExecution)
    assert execution.outcome is expected
    assert execution.is_terminal is (expected is not None)
