"""The wait core without any I/O: observations in, steps out, read like tables."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from jobkit import WaitPolicy, devicefarm, iot, structure
from jobkit._engine._core import Done, Fail, Poll, Sleep, Step, WaitCore, is_transient
from jobkit.errors import (
    AccessDeniedError,
    ConversionError,
    InvalidArgumentError,
    JobFailedError,
    JobkitError,
    NotFoundError,
    ServiceError,
    ThrottledError,
    WaitTimeoutError,
)


def _execution(status: str) -> iot.JobExecution:
    return structure({"status": status}, iot.JobExecution)


RUNNING, DONE, FAILED = _execution("IN_PROGRESS"), _execution("SUCCEEDED"), _execution("FAILED")
OUTAGE = ServiceError("503", code="ServiceUnavailable", operation="X", retryable=True)
THROTTLED = ThrottledError("slow down", code="ThrottlingException", operation="X")
MISSING = NotFoundError("no such execution", code="ResourceNotFoundException", operation="X")
DENIED = AccessDeniedError("denied", code="AccessDeniedException", operation="X")

Seen = iot.JobExecution | JobkitError


def _policy(**kw: Any) -> WaitPolicy:
    settings: dict[str, Any] = {"timeout": 100, "min_delay": 2, "max_delay": 20}
    settings["random"] = lambda: 0.5
    settings.update(kw)
    return WaitPolicy(**settings)


def _timed_out(step: Step[Any]) -> WaitTimeoutError[Any]:
    """The WaitTimeoutError a Fail step carries (typed for the checkers)."""
    assert isinstance(step, Fail)
    error: WaitTimeoutError[Any] = step.error  # type: ignore[assignment]
    assert isinstance(error, WaitTimeoutError)
    return error


def _core(policy: WaitPolicy | None = None, **kw: Any) -> WaitCore[iot.JobExecution]:
    return WaitCore(policy or _policy(), 0.0, what="execution e", operation="X", **kw)


def _drive(core: WaitCore[Any], seen: list[Seen]) -> tuple[list[tuple[str, float]], Step[Any]]:
    """Feed the observations in order, with time advancing only by the core's sleeps."""
    now = 0.0
    trace: list[tuple[str, float]] = []
    step: Step[Any] = core.first()
    for item in seen:
        assert isinstance(step, Poll)
        trace.append(("poll", now))
        step = core.failed(now, item) if isinstance(item, JobkitError) else core.observe(now, item)
        if isinstance(step, Sleep):
            trace.append(("sleep", step.seconds))
            now += step.seconds
            step = core.wake(now)
        else:
            break
    return trace, step


def test_first_step_polls_with_the_deadline() -> None:
    assert _core().first() == Poll(100.0)
    assert WaitCore(_policy(), 50.0, what="w", operation="X").first() == Poll(150.0)


def test_backoff_schedule_then_done() -> None:
    trace, step = _drive(_core(), [RUNNING, RUNNING, RUNNING, RUNNING, DONE])
    # r = 0.5: 2, then 2 + 0.5 * (min(20, 2 * 2**(n-1)) - 2) = 3, 5, 9
    assert trace == [
        ("poll", 0.0), ("sleep", 2.0), ("poll", 2.0), ("sleep", 3.0), ("poll", 5.0),
        ("sleep", 5.0), ("poll", 10.0), ("sleep", 9.0), ("poll", 19.0),
    ]  # fmt: skip
    assert step == Done(DONE, DONE)


def test_update_only_when_the_model_changes() -> None:
    core = _core()
    first = core.observe(0.0, RUNNING)
    again = core.observe(2.0, _execution("IN_PROGRESS"))
    final = core.observe(5.0, DONE)
    assert (first.update, again.update, final.update) == (RUNNING, None, DONE)


def test_deadline_clips_the_sleep_and_the_last_poll_is_at_it() -> None:
    trace, step = _drive(_core(_policy(timeout=12)), [RUNNING] * 10)
    assert trace[-2:] == [("sleep", 2.0), ("poll", 12.0)]  # 5 clipped to the 2 s left
    assert [t for kind, t in trace if kind == "poll"] == [0.0, 2.0, 5.0, 10.0, 12.0]
    error = _timed_out(step)
    assert error.resource == RUNNING
    assert (error.elapsed, error.polls) == (12.0, 5)
    assert error.__cause__ is None


def test_an_outage_is_ridden_out_and_the_wait_ends_succeeded() -> None:
    seen: list[Seen] = [RUNNING, OUTAGE, OUTAGE, THROTTLED, OUTAGE, RUNNING, DONE]
    trace, step = _drive(_core(), seen)
    assert step == Done(DONE, DONE)
    assert len([kind for kind, _ in trace if kind == "poll"]) == 7


def test_a_timeout_while_polls_fail_keeps_the_last_model_and_the_cause() -> None:
    trace, step = _drive(_core(_policy(timeout=10)), [RUNNING, *[OUTAGE] * 10])
    error = _timed_out(step)
    assert error.resource == RUNNING
    assert error.__cause__ is OUTAGE
    assert "the last poll failed: ServiceUnavailable" in str(error)
    assert trace[-1] == ("poll", 10.0)


def test_errors_that_cannot_heal_end_the_wait_at_once() -> None:
    for error in (DENIED, InvalidArgumentError("bad", code="ValidationException")):
        trace, step = _drive(_core(), [RUNNING, error])
        assert step == Fail(error)
        assert len(trace) == 3  # poll, sleep, poll


def test_not_found_within_the_grace_is_not_visible_yet() -> None:
    trace, step = _drive(_core(_policy(not_found_grace=6)), [MISSING, MISSING, RUNNING, DONE])
    assert isinstance(step, Done)
    assert [t for kind, t in trace if kind == "poll"] == [0.0, 2.0, 5.0, 10.0]


def test_not_found_after_the_grace_fails() -> None:
    _, step = _drive(_core(_policy(not_found_grace=4)), [MISSING, MISSING, MISSING])
    assert step == Fail(MISSING)  # at t=5, past the 4 s grace


def test_not_found_after_being_seen_means_deleted() -> None:
    _, step = _drive(_core(), [RUNNING, MISSING])
    assert isinstance(step, Fail)
    assert isinstance(step.error, NotFoundError)
    assert "disappeared while being waited on" in str(step.error)
    assert step.error.__cause__ is MISSING


def test_max_attempts_counts_failed_polls_too() -> None:
    trace, step = _drive(_core(_policy(max_attempts=3)), [RUNNING, OUTAGE, RUNNING, RUNNING])
    assert _timed_out(step).polls == 3
    assert len([kind for kind, _ in trace if kind == "poll"]) == 3


def test_check_turns_a_bad_outcome_into_job_failed() -> None:
    _, step = _drive(_core(check=True), [RUNNING, FAILED])
    assert isinstance(step, Fail)
    failed: JobFailedError[Any] = step.error  # type: ignore[assignment]
    assert isinstance(failed, JobFailedError)
    assert failed.resource == FAILED
    assert step.update == FAILED  # on_update still hears about the final model
    _, ok = _drive(_core(check=True), [DONE])
    assert ok == Done(DONE, DONE)


def test_refuse_stops_a_wait_that_can_never_end() -> None:
    def refuse(execution: iot.JobExecution) -> str | None:
        return "never ends" if execution.status == "IN_PROGRESS" else None

    core = _core(refuse=refuse)
    _, step = _drive(core, [RUNNING])
    assert isinstance(step, Fail)
    assert isinstance(step.error, InvalidArgumentError)
    assert str(step.error) == "never ends"


def _job(passed: int, total: int = 100) -> devicefarm.Job:
    counters = {"total": total, "passed": passed}
    return structure({"status": "RUNNING", "counters": counters}, devicefarm.Job)


@pytest.mark.parametrize(
    ("use_progress", "expected"),
    [
        # Backoff ceilings 5, 10, 20. 50 % done at t=0, 60 % at t=60: 240 s left, and
        # 0.3 * 240 = 72 caps nothing; 90 % at t=120: the rate of the last half (from 60 %
        # at t=60) leaves 20 s, so 0.3 * 20 = 6, not 20.
        (True, [5.0, 10.0, 6.0]),
        (False, [5.0, 10.0, 20.0]),
    ],
)
def test_progress_shortens_the_sleep_near_the_end(
    use_progress: bool, expected: list[float]
) -> None:
    policy = _policy(timeout=10_000, min_delay=5, max_delay=600, random=lambda: 1.0)
    core: WaitCore[devicefarm.Job] = WaitCore(
        attrs.evolve(policy, use_progress=use_progress),
        0.0,
        what="job",
        operation="GetJob",
    )
    sleeps: list[float] = []
    for now, job in ((0.0, _job(50)), (60.0, _job(60)), (120.0, _job(90))):
        step = core.observe(now, job)
        assert isinstance(step, Sleep)
        sleeps.append(step.seconds)
    assert sleeps == pytest.approx(expected)


def test_transient_means_retryable_aws_errors_and_unreadable_models() -> None:
    assert is_transient(OUTAGE)
    assert is_transient(THROTTLED)
    assert is_transient(ConversionError("bad body"))
    assert not is_transient(DENIED)
    assert not is_transient(MISSING)
    assert not is_transient(ServiceError("odd", code="Odd", operation="X"))


def _eta_sleeps(seen: list[tuple[float, devicefarm.Job]]) -> list[float]:
    """The sleeps a core answers to ``(time, job)`` observations (backoff ceiling 5, 10, 20, 40...)."""
    policy = _policy(
        timeout=100_000, min_delay=5, max_delay=600, random=lambda: 1.0, use_progress=True
    )
    core: WaitCore[devicefarm.Job] = WaitCore(policy, 0.0, what="job", operation="GetJob")
    sleeps: list[float] = []
    for now, job in seen:
        step = core.observe(now, job)
        assert isinstance(step, Sleep)
        sleeps.append(step.seconds)
    return sleeps


@pytest.mark.parametrize(
    ("seen", "expected"),
    [
        # 100 % while still RUNNING (teardown): unknown, never "done now" -> backoff 20, 40
        ([(0.0, _job(50)), (60.0, _job(90)), (120.0, _job(100)), (140.0, _job(100))],
         [5.0, 5.0, 20.0, 40.0]),
        # no movement since the first fraction: unknown -> backoff
        ([(0.0, _job(50)), (60.0, _job(50)), (120.0, _job(50))], [5.0, 10.0, 20.0]),
        # the total grew (90 % -> 45 %): the watch restarts, so unknown -> backoff 20
        ([(0.0, _job(50)), (60.0, _job(90)), (65.0, _job(90, total=200))], [5.0, 5.0, 20.0]),
        # 99 % at t=100 predicts 2 s left; still 99 % at t=105 (> 2 * 2 s later): overdue,
        # so unknown -> backoff 20, not min_delay
        ([(0.0, _job(50)), (100.0, _job(99)), (105.0, _job(99))], [5.0, 5.0, 20.0]),
        # still within twice the prediction: the estimate holds (0.3 * 2.1 s -> min_delay)
        ([(0.0, _job(50)), (100.0, _job(99)), (103.0, _job(99))], [5.0, 5.0, 5.0]),
        # after an overdue restart at (100 s, 99 %), the rate is the one from there:
        # 99.8 % at t=300 leaves 0.2 * 200 / 0.8 = 50 s -> 0.3 * 50 = 15 (ceiling 40)
        ([(0.0, _job(500, 1000)), (100.0, _job(990, 1000)), (105.0, _job(990, 1000)),
          (300.0, _job(998, 1000))], [5.0, 5.0, 20.0, 15.0]),
    ],
)  # fmt: skip
def test_an_estimate_that_cannot_be_trusted_falls_back_to_backoff(
    seen: list[tuple[float, devicefarm.Job]], expected: list[float]
) -> None:
    assert _eta_sleeps(seen) == pytest.approx(expected)


# A wait that has never reached AWS fails fast (DESIGN "Waiting reliably").

REFUSED = ServiceError(
    "refused", code="EndpointConnectionError", operation="X", retryable=True, answered=False
)
DROPPED = ServiceError(
    "dropped", code="ConnectionClosedError", operation="X", retryable=True, answered=False
)
STALLED = ServiceError(
    "no answer", code="ReadTimeoutError", operation="X", retryable=True, answered=False
)
CORRUPT = ServiceError(
    "unreadable", code="MalformedResponse", operation="X", retryable=True, answered=False
)
UNFIT = ConversionError("a member of the wrong type", path="$.status")
UNREACHED = {"refused": REFUSED, "dropped": DROPPED, "stalled": STALLED, "corrupt": CORRUPT}


@pytest.mark.parametrize(
    ("seen", "polls", "ends"),
    [
        # never answered: the first failed poll ends the wait with its own error
        ([REFUSED], 1, REFUSED),
        ([DROPPED], 1, DROPPED),
        ([STALLED], 1, STALLED),
        ([CORRUPT], 1, CORRUPT),
        # AWS answered first (throttling, a 5xx, a not-found, a model): the outage rule holds
        ([THROTTLED, REFUSED, REFUSED, DONE], 4, None),
        ([OUTAGE, CORRUPT, DROPPED, DONE], 4, None),
        ([MISSING, REFUSED, DONE], 3, None),
        ([RUNNING, REFUSED, DROPPED, STALLED, CORRUPT, DONE], 6, None),
        # a readable answer of the wrong shape is AWS answering: ridden out, then refused
        ([UNFIT, REFUSED, DONE], 3, None),
    ],
    ids=[
        "refused",
        "dropped",
        "stalled",
        "corrupt",
        "throttled-then-refused",
        "5xx-then-corrupt",
        "not-found-then-refused",
        "seen-then-every-fault",
        "unfit-then-refused",
    ],
)
def test_until_aws_answers_a_transport_or_parse_failure_ends_the_wait(
    seen: list[Seen], polls: int, ends: JobkitError | None
) -> None:
    trace, step = _drive(_core(), seen)
    assert len([kind for kind, _ in trace if kind == "poll"]) == polls
    if ends is None:
        assert isinstance(step, Done)
        assert step.resource == DONE
    else:
        assert step == Fail(ends)
        assert isinstance(step, Fail)
        assert step.error is ends


@pytest.mark.parametrize("kind", list(UNREACHED))
def test_a_never_answered_poll_at_the_deadline_is_still_a_timeout(kind: str) -> None:
    core = _core(_policy(timeout=10))
    core.first()
    error = _timed_out(core.failed(10.0, UNREACHED[kind]))
    assert error.__cause__ is UNREACHED[kind]
    assert error.resource is None


def test_the_translation_flags_what_shows_aws_never_answered() -> None:
    from botocore.exceptions import (  # noqa: PLC0415 -- only this test builds botocore errors
        ClientError,
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        ReadTimeoutError,
    )
    from botocore.parsers import ResponseParserError  # noqa: PLC0415

    from jobkit._engine._aws_errors import translate  # noqa: PLC0415

    never = [
        EndpointConnectionError(endpoint_url="http://127.0.0.1:9"),
        ConnectTimeoutError(endpoint_url="http://127.0.0.1:9"),
        ConnectionClosedError(endpoint_url="http://127.0.0.1:9"),
        ReadTimeoutError(endpoint_url="http://127.0.0.1:9"),
        ResponseParserError("not json"),
    ]
    answered = [
        ClientError({"Error": {"Code": "ServiceUnavailableException"}}, "DescribeJob"),
        ClientError({"Error": {"Code": "ThrottlingException"}}, "DescribeJob"),
        ClientError({"Error": {"Code": "InternalFailureException"}}, "DescribeJob"),
    ]
    flags = [getattr(translate(e, "DescribeJob", "IoT job j"), "answered", None) for e in never]
    assert flags == [False] * len(never)
    flags = [getattr(translate(e, "DescribeJob", "IoT job j"), "answered", None) for e in answered]
    assert flags == [True] * len(answered)
