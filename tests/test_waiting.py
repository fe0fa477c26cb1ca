"""The waiting engine on scripted fetches and a fake clock: nothing really sleeps."""

from __future__ import annotations

import functools
import logging
import math
import threading
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from jobkit import Outcome, WaitPolicy, devicefarm, iot, structure
from jobkit._engine._sync import wait_until_terminal
from jobkit.errors import (
    InvalidArgumentError,
    JobFailedError,
    JobkitError,
    NotFoundError,
    WaitTimeoutError,
)
from jobkit.testing import FakeClock

if TYPE_CHECKING:
    from collections.abc import Callable

    from jobkit._engine._deadline import Deadline


def _execution(status: str, **extra: Any) -> iot.JobExecution:
    return structure({"status": status, **extra}, iot.JobExecution)


class Script:
    """A fetch that returns (or raises) one scripted item per call, then repeats the last."""

    def __init__(self, clock: FakeClock, *items: iot.JobExecution | Exception) -> None:
        self.items = list(items)
        self.clock = clock
        self.calls: list[float] = []
        self.deadlines: list[float] = []

    def __call__(self, deadline: Deadline) -> iot.JobExecution:
        self.calls.append(self.clock.now)
        self.deadlines.append(deadline.at)
        item: iot.JobExecution | Exception = (
            self.items.pop(0) if len(self.items) > 1 else self.items[0]
        )
        if isinstance(item, Exception):
            raise item
        return item


def _wait(script: Script, policy: WaitPolicy, **kw: Any) -> iot.JobExecution:
    final: iot.JobExecution = wait_until_terminal(
        script, what="test execution", operation="DescribeJobExecution", policy=policy, **kw
    )
    return final


def test_returns_final_model_and_reports_each_change() -> None:
    clock = FakeClock()
    q, p, s = _execution("QUEUED"), _execution("IN_PROGRESS"), _execution("SUCCEEDED")
    script = Script(clock, q, q, p, p, s)
    seen: list[iot.JobExecution] = []
    final = _wait(
        script, clock.policy(timeout=600, min_delay=2, max_delay=120), on_update=seen.append
    )
    assert final is s
    assert final.outcome is Outcome.SUCCEEDED
    assert seen == [q, p, s]
    assert len(script.calls) == 5


def test_delay_sequence_follows_the_documented_formula() -> None:
    clock = FakeClock()
    script = Script(clock, *([_execution("IN_PROGRESS")] * 7), _execution("FAILED"))
    _wait(script, clock.policy(timeout=10_000, min_delay=2, max_delay=20))
    # r = 0.5: min + 0.5 * (min(max, min * 2**(n-1)) - min)
    assert clock.sleeps == [2.0, 3.0, 5.0, 9.0, 11.0, 11.0, 11.0]
    assert script.calls == [0.0, 2.0, 5.0, 10.0, 19.0, 30.0, 41.0, 52.0]


def test_jitter_bounds_hold_for_any_random_value() -> None:
    for r in (0.0, 0.25, 0.999):
        clock = FakeClock()
        script = Script(clock, *([_execution("QUEUED")] * 8), _execution("SUCCEEDED"))
        pinned = functools.partial(float, r)
        _wait(script, clock.policy(timeout=10_000, min_delay=3, max_delay=40, random=pinned))
        assert clock.sleeps[0] == 3.0
        assert all(3.0 <= d <= 40.0 for d in clock.sleeps)


def test_never_sleeps_past_the_deadline_and_polls_once_at_it() -> None:
    clock = FakeClock()
    script = Script(clock, _execution("IN_PROGRESS"))
    with pytest.raises(WaitTimeoutError) as info:
        _wait(script, clock.policy(timeout=30, min_delay=4, max_delay=60))
    assert sum(clock.sleeps) == 30.0
    assert clock.now == 30.0
    assert script.calls[-1] == 30.0  # the last poll is at the deadline
    assert script.calls == [0.0, 4.0, 10.0, 20.0, 30.0]  # 4, 6, 10, then 10 clamped from 16
    assert script.deadlines == [30.0] * 5
    assert info.value.resource == _execution("IN_PROGRESS")
    assert "Raise WaitPolicy(timeout=...)" in str(info.value)
    assert isinstance(info.value, JobkitError)


def test_timedelta_timeout_and_a_tiny_timeout_polls_once() -> None:
    assert WaitPolicy(timeout=timedelta(minutes=2)).timeout == 120.0
    with pytest.raises(InvalidArgumentError, match="timeout"):
        WaitPolicy(timeout=0)
    clock = FakeClock()
    script = Script(clock, _execution("IN_PROGRESS"))
    with pytest.raises(WaitTimeoutError):
        _wait(script, clock.policy(timeout=0.001))
    assert script.calls == [0.0, 0.001]  # the first poll, and the last one at the deadline
    assert clock.sleeps == [0.001]


def test_max_attempts_bounds_the_polls() -> None:
    clock = FakeClock()
    script = Script(clock, _execution("QUEUED"))
    with pytest.raises(WaitTimeoutError, match="3 polls"):
        _wait(script, clock.policy(timeout=10_000, max_attempts=3))
    assert len(script.calls) == 3


def test_not_found_is_retried_within_the_grace_period() -> None:
    clock = FakeClock()
    missing = NotFoundError("not yet", code="ResourceNotFoundException")
    script = Script(clock, missing, missing, _execution("SUCCEEDED"))
    final = _wait(script, clock.policy(timeout=600, min_delay=2, not_found_grace=30))
    assert final.status == "SUCCEEDED"
    assert len(script.calls) == 3


def test_not_found_past_the_grace_period_is_raised() -> None:
    clock = FakeClock()
    missing = NotFoundError("gone", code="ResourceNotFoundException")
    script = Script(clock, missing)
    with pytest.raises(NotFoundError, match="gone"):
        _wait(script, clock.policy(timeout=600, min_delay=5, max_delay=5, not_found_grace=12))
    assert script.calls == [0.0, 5.0, 10.0, 15.0]


def test_resource_deleted_during_the_wait() -> None:
    clock = FakeClock()
    gone = NotFoundError("gone", code="ResourceNotFoundException", request_id="r-1")
    script = Script(clock, _execution("IN_PROGRESS"), gone)
    with pytest.raises(NotFoundError, match="disappeared while being waited on") as info:
        _wait(script, clock.policy(timeout=600))
    assert info.value.__cause__ is gone
    assert info.value.request_id == "r-1"


@pytest.mark.parametrize(
    ("status", "outcome"), [("FAILED", Outcome.FAILED), ("CANCELED", Outcome.CANCELLED)]
)
def test_check_raises_job_failed_with_the_final_model(status: str, outcome: Outcome) -> None:
    clock = FakeClock()
    script = Script(clock, _execution("IN_PROGRESS"), _execution(status))
    with pytest.raises(JobFailedError) as info:
        _wait(script, clock.policy(timeout=600), check=True)
    assert info.value.resource == _execution(status)
    assert info.value.outcome is outcome
    assert _wait(Script(clock, _execution(status)), clock.policy(timeout=60)).outcome is outcome


def test_check_passes_on_success() -> None:
    clock = FakeClock()
    final = _wait(Script(clock, _execution("SUCCEEDED")), clock.policy(timeout=60), check=True)
    assert final.outcome is Outcome.SUCCEEDED


def _never_ends(_: iot.JobExecution) -> str:
    return "it never ends"


def test_refuse_stops_with_a_clear_error() -> None:
    clock = FakeClock()
    script = Script(clock, _execution("IN_PROGRESS"))
    with pytest.raises(InvalidArgumentError, match="never ends"):
        _wait(script, clock.policy(timeout=600), refuse=_never_ends)
    assert len(script.calls) == 1


def test_logs_one_info_line_per_status_change(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    details = {"statusDetails": {"detailsMap": {"percent": "10"}}}
    script = Script(
        clock,
        _execution("QUEUED"),
        _execution("QUEUED"),
        _execution("IN_PROGRESS", **details),
        _execution("SUCCEEDED"),
    )
    with caplog.at_level(logging.INFO, logger="jobkit"):
        _wait(script, clock.policy(timeout=600))
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert lines == [
        "test execution: QUEUED",
        "test execution: IN_PROGRESS (percent=10)",
        "test execution: SUCCEEDED -> SUCCEEDED",
    ]


def test_ctrl_c_propagates_and_leaves_no_thread() -> None:
    before = threading.active_count()
    clock = FakeClock()

    def interrupted(_: float) -> None:
        raise KeyboardInterrupt

    policy = WaitPolicy(timeout=600, clock=clock.clock, sleep=interrupted)
    with pytest.raises(KeyboardInterrupt):
        _wait(Script(clock, _execution("IN_PROGRESS")), policy)
    assert threading.active_count() == before


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": -1},
        {"min_delay": -0.5},
        {"max_delay": -1},
        {"min_delay": 10, "max_delay": 5},
        {"max_attempts": 0},
        {"max_attempts": True},
        {"timeout": "soon"},
        {"not_found_grace": -3},
        {"timeout": float("nan")},
    ],
)
def test_bad_wait_policies_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        WaitPolicy(**kwargs)
    assert isinstance(info.value, ValueError)
    assert ";" in str(info.value)  # what is wrong; what to do


def _df_job(done: int | None, total: int = 100, status: str = "RUNNING") -> devicefarm.Job:
    counters = None if done is None else {"total": total, "passed": done}
    raw: dict[str, Any] = {"status": status}
    if counters:
        raw["counters"] = counters
    return structure(raw, devicefarm.Job)


def test_progress_fractions() -> None:
    assert _df_job(25).progress == 0.25
    assert _df_job(None).progress is None
    assert _df_job(5, status="PREPARING").progress is None
    assert _df_job(0, total=0).progress is None
    rollout = structure(
        {
            "status": "IN_PROGRESS",
            "jobProcessDetails": {
                "numberOfSucceededThings": 6,
                "numberOfFailedThings": 2,
                "numberOfInProgressThings": 4,
                "numberOfQueuedThings": 8,
            },
        },
        iot.Job,
    )
    assert rollout.progress == 0.4
    assert structure({"status": "COMPLETED"}, iot.Job).progress is None
    assert not hasattr(_execution("IN_PROGRESS"), "progress")  # executions report none


def _linear_job(clock: FakeClock) -> Callable[[Deadline], devicefarm.Job]:
    """10 % done at t=0, one more percent every 10 s, COMPLETED at t=900."""

    def fetch(_: Deadline) -> devicefarm.Job:
        if clock.now >= 900:
            return _df_job(100, status="COMPLETED")
        return _df_job(10 + int(clock.now // 10))

    return fetch


def test_progress_shortens_sleeps_near_the_estimated_end() -> None:
    clock, plain = FakeClock(), FakeClock()
    policy = WaitPolicy(timeout=10_000, min_delay=5, max_delay=300, random=lambda: 0.5)
    aware = attrs.evolve(policy, clock=clock.clock, sleep=clock.sleep, use_progress=True)
    final = wait_until_terminal(_linear_job(clock), what="job", operation="GetJob", policy=aware)
    assert final.status == "COMPLETED"
    blind = attrs.evolve(policy, clock=plain.clock, sleep=plain.sleep, use_progress=False)
    wait_until_terminal(_linear_job(plain), what="job", operation="GetJob", policy=blind)
    # Backoff alone sleeps 5, 7.5, 12.5, 22.5, 42.5, 82.5, 152.5, ... and sees the end 35 s late.
    assert plain.now == 935.0
    # With an accurate estimate the end is seen within one min_delay of it ...
    assert 900 <= clock.now <= 900 + policy.min_delay
    # ... for a bounded number of extra polls: each shortened sleep is ETA_FRACTION of the
    # time left, so the time left shrinks by (1 - f) per poll from where shortening starts
    # (f * left < max_delay) down to where min_delay takes over (f * left < min_delay),
    # then at most 1 / f polls at min_delay; plus the one that sees the end.
    f = WaitPolicy.ETA_FRACTION
    geometric = math.log(policy.max_delay / policy.min_delay) / -math.log(1 - f)
    extra = math.ceil(geometric + 1 / f) + 1
    assert len(clock.sleeps) <= len(plain.sleeps) + extra


def _tail_job(clock: FakeClock, tail: float) -> Callable[[Deadline], devicefarm.Job]:
    """As _linear_job, but RUNNING at 100 % from t=900 for ``tail`` more seconds (teardown)."""

    def fetch(_: Deadline) -> devicefarm.Job:
        if clock.now >= 900 + tail:
            return _df_job(100, status="COMPLETED")
        return _df_job(min(100, 10 + int(clock.now // 10)))

    return fetch


@pytest.mark.parametrize("tail", [60.0, 300.0, 600.0])
def test_a_job_at_100_percent_that_still_runs_is_polled_on_backoff(tail: float) -> None:
    clock = FakeClock()
    policy = WaitPolicy(timeout=10_000, min_delay=5, max_delay=180, random=lambda: 0.5)
    aware = attrs.evolve(policy, clock=clock.clock, sleep=clock.sleep, use_progress=True)
    wait_until_terminal(_tail_job(clock, tail), what="job", operation="GetJob", policy=aware)
    in_tail = [t for t in _sleep_starts(clock) if t >= 900]
    # Backoff at this point sleeps about (min + max) / 2 = 92.5 s: never min_delay throughout.
    assert len(in_tail) <= tail / ((policy.min_delay + policy.max_delay) / 2) + 2
    assert clock.now - (900 + tail) <= policy.max_delay


def _sleep_starts(clock: FakeClock) -> list[float]:
    starts: list[float] = []
    now = 0.0
    for s in clock.sleeps:
        starts.append(now)
        now += s
    return starts
