"""The wait core's words and error details, exactly: what it logs, what its errors carry.

Written to kill the mutants `nox -s mutants` found alive in jobkit._engine._core: a log line or
an error attribute that nothing checked.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from jobkit import WaitPolicy, iot, structure
from jobkit._engine._core import Done, Fail, Sleep, WaitCore, _Eta  # pyright: ignore[reportPrivateUsage]
from jobkit.errors import (
    InvalidArgumentError,
    JobFailedError,
    NotFoundError,
    ServiceError,
    WaitTimeoutError,
)


def _execution(status: str) -> iot.JobExecution:
    return structure({"status": status}, iot.JobExecution)


RUNNING, FAILED = _execution("IN_PROGRESS"), _execution("FAILED")
OUTAGE = ServiceError("503", code="ServiceUnavailable", operation="Op", retryable=True)
MISSING = NotFoundError("nope", code="ResourceNotFoundException", operation="Op", request_id="r1")


def _core(start: float = 1000.0, **kw: Any) -> WaitCore[iot.JobExecution]:
    policy = WaitPolicy(
        timeout=100, min_delay=2, max_delay=20, not_found_grace=30, random=lambda: 0.5
    )
    return WaitCore(policy, start, what="execution e", operation="DescribeJobExecution", **kw)


def _debug(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]


def test_every_debug_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="jobkit"):
        core = _core()
        core.failed(1000.0, MISSING)
        core.failed(1002.0, OUTAGE)
        core.observe(1005.0, FAILED)
    assert _debug(caplog) == [
        "waiting for execution e: timeout 100.0s, delays 2.0..20.0s, not-found grace 30.0s",
        "execution e not visible yet (poll 1); polling again",
        "execution e: poll 2 failed (ServiceUnavailable), polling again: 503",
        "execution e ended FAILED after 3 polls in 5.0s",
    ]


def test_one_info_line_per_new_description(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="jobkit"):
        core = _core()
        core.observe(1000.0, RUNNING)
        core.observe(1001.0, _execution("QUEUED"))
        core.observe(1002.0, RUNNING)
    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert infos == [
        "execution e: IN_PROGRESS",
        "execution e: QUEUED",
        "execution e: IN_PROGRESS",
    ]


def test_the_not_found_grace_counts_from_the_start_and_includes_its_end() -> None:
    core = _core(start=1000.0)
    assert isinstance(core.failed(1029.0, MISSING), Sleep)  # 29 s in: not visible yet
    assert core.last_error is MISSING
    step = core.failed(1030.0, MISSING)  # exactly the grace: over
    assert isinstance(step, Fail)
    assert step.error is MISSING


def test_a_deleted_resource_keeps_the_error_details() -> None:
    core = _core()
    core.observe(1000.0, RUNNING)
    step = core.failed(1002.0, MISSING)
    assert isinstance(step, Fail)
    gone = step.error
    assert isinstance(gone, NotFoundError)
    assert str(gone) == (
        "execution e disappeared while being waited on (last seen IN_PROGRESS); it was deleted."
    )
    assert (gone.code, gone.operation, gone.request_id) == (
        "ResourceNotFoundException",
        "Op",
        "r1",
    )
    assert gone.__cause__ is MISSING


def _never(_: iot.JobExecution) -> str:
    return "it never ends"


def test_a_refused_resource_fails_with_the_update_and_the_details() -> None:
    core = _core(refuse=_never)
    step = core.observe(1000.0, RUNNING)
    assert isinstance(step, Fail)
    assert step.update == RUNNING
    assert isinstance(step.error, InvalidArgumentError)
    assert (step.error.code, step.error.operation) == ("CannotWait", "DescribeJobExecution")


def test_check_fails_with_the_words_the_model_and_the_operation() -> None:
    core = _core(check=True)
    step = core.observe(1000.0, FAILED)
    assert isinstance(step, Fail)
    error = step.error
    assert isinstance(error, JobFailedError)
    assert str(error) == (  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]
        "execution e ended FAILED: FAILED -> FAILED; see the resource for details."
    )
    assert error.resource == FAILED  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]
    assert error.operation == "DescribeJobExecution"
    assert step.update == FAILED


def test_without_check_a_failure_is_done() -> None:
    assert _core().observe(1000.0, FAILED) == Done(FAILED, FAILED)


def test_the_timeout_error_in_full() -> None:
    core = _core(start=1000.0)
    step = core.observe(1000.0, RUNNING)
    assert isinstance(step, Sleep)
    core.failed(1099.0, OUTAGE)
    step = core.observe(1100.0, RUNNING)
    assert isinstance(step, Fail)
    assert step.update is None  # unchanged since the last one seen
    error = step.error
    assert isinstance(error, WaitTimeoutError)
    assert (error.elapsed, error.polls, error.operation) == (100.0, 3, "DescribeJobExecution")
    assert str(error) == (  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]
        "Timed out after 0:01:40 and 3 polls waiting for execution e; its last status was "
        "IN_PROGRESS. Raise WaitPolicy(timeout=...) or check why it is stuck."
    )
    assert error.__cause__ is None


def test_the_timeout_error_when_never_seen_and_the_last_poll_failed() -> None:
    core = _core(start=1000.0)
    step = core.failed(1100.0, OUTAGE)
    assert isinstance(step, Fail)
    error = step.error
    assert isinstance(error, WaitTimeoutError)
    assert error.resource is None  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]
    assert "it was never seen; the last poll failed: ServiceUnavailable." in str(error)  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]
    assert error.__cause__ is OUTAGE


def test_a_timeout_that_sees_a_change_hands_it_over() -> None:
    core = _core(start=1000.0)
    step = core.observe(1100.0, RUNNING)
    assert isinstance(step, Fail)
    assert step.update == RUNNING


def test_eta_overdue_is_strictly_more_than_twice_the_prediction() -> None:
    eta = _Eta()
    assert eta.time_left(0.0, 0.5) is None
    assert eta.time_left(100.0, 0.75) == 100.0  # 0.25 * 100 / 0.25
    assert eta.time_left(300.0, 0.75) is not None  # exactly twice: still trusted
    assert eta.time_left(300.5, 0.75) is None  # overdue


def test_eta_uses_the_last_half_of_the_watch() -> None:
    eta = _Eta()
    eta.time_left(10.0, 0.1)  # the watch starts at t=10
    eta.time_left(20.0, 0.2)
    eta.time_left(30.0, 0.3)
    eta.time_left(40.0, 0.5)
    # half-way point of 10..60 is 35: the rate is from the last movement at or before it
    # (t=30, 30 %): 0.3 in 30 s, so 0.4 left takes 40 s
    assert eta.time_left(60.0, 0.6) == pytest.approx(40.0)
    assert eta.points == [(30.0, 0.3), (40.0, 0.5), (60.0, 0.6)]


def test_eta_a_repeated_fraction_is_no_new_point() -> None:
    eta = _Eta()
    eta.time_left(0.0, 0.1)
    eta.time_left(10.0, 0.2)
    eta.time_left(12.0, 0.2)
    assert eta.points == [(0.0, 0.1), (10.0, 0.2)]
    assert eta.moved == (10.0, 0.2, 80.0)


def test_eta_starts_fresh() -> None:
    eta = _Eta()
    assert (eta.since, eta.points, eta.moved) == (0.0, [], None)
    assert eta.time_left(5.0, 0.0) is None
    assert eta.since == 5.0
    assert eta.time_left(5.0, 0.5) is None  # no time has passed
