"""The history-aware schedule: the pure delay rule, the core using it, the facades reading it."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import make_client
from jobkit import Amplify, DeviceFarm, History, IoT, WaitPolicy, aio, amplify, devicefarm, iot
from jobkit._engine import _history
from jobkit._engine._core import Sleep, WaitCore
from jobkit._engine._history import history_delay
from jobkit.devicefarm import _flows as _df_flows
from jobkit.errors import InvalidArgumentError
from jobkit.testing import (
    AwsErrorResponse,
    FakeClock,
    Stubber,
    amplify_history,
    devicefarm_history,
    lifecycle,
    load_stub,
)

APP, BRANCH = "d2a4xexample1", "main"
RUN = "arn:aws:devicefarm:us-west-2:123456789012:run:project-1/run-1"

STEADY = History(durations=(600.0, 600.0, 600.0, 600.0))  # builds of ten minutes, every time


def _near(actual: list[float], expected: list[float], tol: float = 1e-6) -> bool:
    """Whether ``actual`` is ``expected``, value by value, within ``tol`` seconds."""
    return len(actual) == len(expected) and all(
        abs(a - e) <= tol for a, e in zip(actual, expected, strict=True)
    )


def _delay(
    elapsed: float,
    history: History,
    *,
    min_delay: float = 5,
    max_delay: float = 180,
    time_left: float = 1e9,
    backoff: float = 50,
) -> float:
    return history_delay(
        elapsed,
        history,
        min_delay=min_delay,
        max_delay=max_delay,
        time_left=time_left,
        backoff=backoff,
    )


# --- the pure rule ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("elapsed", "history", "expected"),
    [
        # unlikely to end yet (durations spread 540..660 s): one sleep to the window's
        # opening (552 s, where the chance it ended reaches STEP), past max_delay
        (0, STEADY, 552),
        (300, STEADY, 252),
        # the first poll where the chance it ended reaches STEP (10 %): 540 + 12 s
        (500, STEADY, 52),
        # inside the history: where the chance grew by another 10 % (12 s further)
        (552, STEADY, 12),
        (600, STEADY, 12),
        # outlived its history (past 660 s): the plain backoff
        (660, STEADY, 50),
        (900, STEADY, 50),
        # no durations: the plain backoff
        (0, History(), 50),
        (10_000, History(), 50),
        # a hard limit gets one poll exactly at it, then sleeps double from min_delay
        (0, History(limit=100), 50),
        (70, History(limit=100), 30),
        (100, History(limit=100), 5),
        (110, History(limit=100), 10),
        (140, History(limit=100), 40),
        (400, History(limit=100), 50),
        # the limit caps the history too: the poll at the limit comes before the window
        (0, History(durations=(600.0,) * 4, limit=300), 300),
        (200, History(durations=(600.0,) * 4, limit=300), 100),
    ],
)
def test_the_schedule_reads_the_history(elapsed: float, history: History, expected: float) -> None:
    assert _near([_delay(elapsed, history)], [expected])


def test_never_past_the_deadline_and_never_below_min_delay_or_above_max_delay() -> None:
    assert _delay(0, STEADY, time_left=30) == 30
    assert _delay(0, STEADY, time_left=2) == 2  # the deadline wins over min_delay
    assert _delay(599.9, History(durations=(600.0,)), max_delay=180) >= 5
    assert _delay(552, STEADY, backoff=1, max_delay=5) == 5  # inside the window: max_delay
    assert _delay(0, STEADY, backoff=1, max_delay=60) == 552  # before it: to its opening


def test_use_history_false_keeps_every_sleep_within_max_delay() -> None:
    policy = WaitPolicy(min_delay=5, max_delay=30, random=lambda: 0.5, history=STEADY)
    assert _sleeps(policy, 2) == [552, 12]
    off = _sleeps(attrs_evolve(policy, use_history=False), 12)
    assert max(off) <= 30


def test_recent_durations_count_more_than_old_ones() -> None:
    # the branch's builds got slower: the three newest took 20 min, older ones 10 min
    drifted = History(durations=(1200.0,) * 3 + (600.0,) * 3)
    middle = drifted.quantile(0.5)
    assert middle is not None
    assert middle > 900
    even = History(durations=drifted.durations, weights=(1.0,) * 6)
    assert abs((even.quantile(0.5) or 0) - 660) < 1e-6  # evenly weighted: the old builds too


def test_a_history_with_a_limit_ends_its_quantiles_there() -> None:
    assert History(durations=(1000.0,), limit=500).quantile(0.9) == 500
    assert History(limit=500).window() is None
    assert History(durations=(100.0,), limit=60).capped(30).limit == 30
    assert History(durations=(100.0,), limit=60).capped(90).limit == 60
    assert History(durations=(100.0,)).capped(None).limit is None


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"durations": (-1.0,)}, "durations is -1.0"),
        ({"durations": (float("nan"),)}, "durations is nan"),
        ({"durations": (1.0, 2.0), "weights": (1.0,)}, "one weight per duration"),
        ({"durations": (1.0,), "weights": (0.0,)}, "weights is 0.0"),
        ({"limit": 0}, "limit is 0.0"),
        ({"age": -5}, "age is -5.0"),
    ],
)
def test_a_bad_history_is_refused_in_words(kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(InvalidArgumentError, match=words):
        History(**kwargs)


def test_history_takes_timedeltas_and_a_policy_takes_only_a_history() -> None:
    h = History(durations=[timedelta(minutes=10)], limit=timedelta(hours=1), age=timedelta(0))
    assert (h.durations, h.limit, h.age) == ((600.0,), 3600.0, 0.0)
    with pytest.raises(InvalidArgumentError, match=r"pass a jobkit.History\(durations=...\)"):
        WaitPolicy(history=[600, 620])  # type: ignore[arg-type]


durations = st.lists(st.floats(0, 50_000), max_size=12).map(tuple)
limits = st.none() | st.floats(1, 50_000)
histories = st.builds(History, durations=durations, limit=limits, age=st.floats(0, 10_000))
delays = st.tuples(st.floats(0.1, 60), st.floats(0.1, 600)).map(sorted)


@given(histories, st.floats(0, 100_000), delays, st.floats(0, 100_000), st.floats(0, 1))
def test_every_delay_is_bounded(
    history: History, elapsed: float, bounds: list[float], time_left: float, r: float
) -> None:
    low, high = bounds
    backoff = low + r * (high - low)
    delay = _delay(
        elapsed, history, min_delay=low, max_delay=high, time_left=time_left, backoff=backoff
    )
    assert delay <= time_left  # never sleeps past the deadline
    opens = history.quantile(_history.STEP)
    if opens is not None and elapsed < opens:  # before the window: to its opening at most
        assert delay <= max(high, opens - elapsed) + 1e-9
    else:
        assert delay <= high  # never above max_delay
    assert delay >= min(low, time_left)  # never below min_delay, unless the deadline is nearer


@given(histories, st.floats(0, 50_000), st.floats(0, 50_000), delays)
def test_the_next_poll_never_moves_earlier_as_time_passes(
    history: History, a: float, b: float, bounds: list[float]
) -> None:
    # With the backoff pinned, the time of the next poll is non-decreasing in elapsed time.
    low, high = bounds
    early, late = sorted((a, b))
    first = early + _delay(early, history, min_delay=low, max_delay=high, backoff=high)
    second = late + _delay(late, history, min_delay=low, max_delay=high, backoff=high)
    assert second >= first - 1e-6


def test_the_step_polls_about_ten_times_across_a_tight_history() -> None:
    wakes: list[float] = []
    t = 0.0
    while t < 700:
        t += _delay(t, STEADY, min_delay=1, max_delay=180)
        wakes.append(t)
    inside = [w for w in wakes if 540 < w <= 660]
    assert len(inside) == round(1 / _history.STEP)


# --- the core ---------------------------------------------------------------------------


class _Running:
    """A minimal resource that is still running, with an optional AWS timeout."""

    is_terminal = False
    outcome = None
    progress = None

    def __init__(self, ends_within: float | None = None) -> None:
        self.ends_within = ends_within

    def describe(self) -> str:
        return "RUNNING"


def _sleeps(policy: WaitPolicy, polls: int, every: _Running | None = None) -> list[float]:
    core: WaitCore[Any] = WaitCore(policy, 0.0, what="job", operation="Get")
    now, out = 0.0, list[float]()
    for _ in range(polls):
        step = core.observe(now, every or _Running())
        assert isinstance(step, Sleep)
        out.append(step.seconds)
        now += step.seconds
    return out


def test_the_core_sleeps_by_the_history_and_counts_the_jobs_age() -> None:
    policy = WaitPolicy(min_delay=5, max_delay=180, random=lambda: 0.5)
    assert _near(_sleeps(attrs_evolve(policy, history=STEADY), 3), [552, 12, 12])
    # the same job, already 5 minutes old when the wait started
    aged = History(durations=STEADY.durations, age=300)
    assert _near(_sleeps(attrs_evolve(policy, history=aged), 3), [252, 12, 12])


def test_the_core_polls_at_a_timeout_the_resource_reports_and_the_opt_out_ignores_it() -> None:
    policy = WaitPolicy(min_delay=2, max_delay=120, random=lambda: 0.5)
    assert _sleeps(policy, 5, _Running(ends_within=30)) == [2, 3, 5, 9, 11]
    off = attrs_evolve(policy, use_history=False)
    assert _sleeps(off, 5, _Running(ends_within=30)) == [2, 3, 5, 9, 17]


def attrs_evolve(policy: WaitPolicy, **changes: Any) -> WaitPolicy:
    import attrs  # noqa: PLC0415

    return attrs.evolve(policy, **changes)


def test_iot_models_say_when_aws_ends_them() -> None:
    status = iot.JobExecutionStatus
    running = iot.JobExecution(status=status.IN_PROGRESS, approximate_seconds_before_timed_out=90)
    assert running.ends_within == 90
    assert iot.JobExecution(status=status.QUEUED).ends_within is None
    details = iot.JobProcessDetails(number_of_in_progress_things=3)
    job = iot.Job(
        status=iot.JobStatus.IN_PROGRESS,
        job_process_details=details,
        timeout_config=iot.TimeoutConfig(in_progress_timeout_in_minutes=10),
    )
    assert job.ends_within == 600
    queued = iot.JobProcessDetails(number_of_in_progress_things=3, number_of_queued_things=1)
    assert (
        iot.Job(
            status=iot.JobStatus.IN_PROGRESS,
            job_process_details=queued,
            timeout_config=iot.TimeoutConfig(in_progress_timeout_in_minutes=10),
        ).ends_within
        is None
    )


# --- the facades read the history -------------------------------------------------------


def _amplify_steps(polls: int) -> list[str]:
    return ["running"] * polls + ["succeed"]


def test_amplify_reads_the_branchs_builds_and_sleeps_until_they_usually_end() -> None:
    client = make_client("amplify", region_name="us-east-1")
    clock = FakeClock()
    history = amplify_history("42", [600, 600, 600, 600])
    with lifecycle(client, "get_job", _amplify_steps(25), history=history) as stubber:
        Amplify(client).wait_for_job(APP, BRANCH, "42", policy=clock.policy(timeout=3600))
        stubber.assert_no_pending_responses()
    # One sleep to the history's first tenth (552 s), past Amplify's max_delay of 30 s,
    # then a poll each time the chance it ended grows by a tenth.
    assert _near(clock.sleeps[:10], [552.0] + [12.0] * 9, 1)


def test_without_history_the_same_wait_backs_off_as_before() -> None:
    client = make_client("amplify", region_name="us-east-1")
    clock = FakeClock()
    history = amplify_history("42", [600, 600, 600, 600])
    with lifecycle(client, "get_job", _amplify_steps(4)):  # the history read is not scripted
        Amplify(client).wait_for_job(
            APP, BRANCH, "42", policy=clock.policy(timeout=3600, use_history=False)
        )
    assert clock.sleeps == [5, 7.5, 12.5, 17.5]
    assert history["jobSummaries"][1]["jobId"] == "41"


def test_only_ended_jobs_of_the_same_type_count() -> None:
    response = amplify_history("42", [600, 600])
    response["jobSummaries"][1]["jobType"] = "MANUAL"
    response["jobSummaries"][2]["status"] = "CANCELLED"
    client = make_client("amplify", region_name="us-east-1")
    clock = FakeClock()
    with lifecycle(client, "get_job", _amplify_steps(4), history=response):
        Amplify(client).wait_for_job(APP, BRANCH, "42", policy=clock.policy(timeout=3600))
    assert clock.sleeps == [5, 7.5, 12.5, 17.5]  # nothing left to learn from: backoff


@pytest.mark.parametrize(
    "failure",
    [
        AwsErrorResponse(code="AccessDeniedException", http_status=403),
        AwsErrorResponse(code="BadRequestException", http_status=400),
    ],
)
def test_a_failed_history_read_never_fails_the_wait(
    failure: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client("amplify", region_name="us-east-1")
    clock = FakeClock()
    with (
        caplog.at_level(logging.DEBUG, logger="jobkit"),
        lifecycle(client, "get_job", _amplify_steps(4), history=failure),
    ):
        job = Amplify(client).wait_for_job(APP, BRANCH, "42", policy=clock.policy(timeout=3600))
    assert job.is_terminal
    assert clock.sleeps == [5, 7.5, 12.5, 17.5]
    assert "could not read its history" in caplog.text


def test_a_history_given_on_the_policy_is_used_and_nothing_is_read() -> None:
    client = make_client("amplify", region_name="us-east-1")
    clock = FakeClock()
    with lifecycle(client, "get_job", _amplify_steps(2)) as stubber:
        policy = clock.policy(timeout=3600, history=History(durations=(60.0,)))
        Amplify(client).wait_for_job(APP, BRANCH, "42", policy=policy)
        stubber.assert_no_pending_responses()
    assert _near(clock.sleeps, [55.2, 5])  # at 55.2 s: a tenth of its spread


def test_devicefarm_reads_the_pools_runs_and_their_job_timeout() -> None:
    client = make_client("devicefarm")
    clock = FakeClock()
    history = devicefarm_history(RUN, [1800] * 5, job_timeout_minutes=20)
    with lifecycle(client, "get_run", ["running"] * 8 + ["passed"], history=history):
        DeviceFarm(client).wait_for_run(RUN, policy=clock.policy(timeout=6 * 3600))
    # the runs take 30 min but a job times out after 20: one sleep to 20 min (the limit
    # closes the window), then sleeps double from min_delay past it
    assert _near(clock.sleeps[:4], [1200, 5, 5, 10], 2)


def test_iot_executions_are_polled_at_their_timeout_with_no_extra_call() -> None:
    client = make_client("iot", region_name="us-east-1")
    clock = FakeClock()
    running = {
        "execution": {
            "jobId": "ota-1",
            "status": "IN_PROGRESS",
            "thingArn": "arn:aws:iot:us-east-1:123456789012:thing/dev-1",
            "approximateSecondsBeforeTimedOut": 25,
        }
    }
    timed_out = {"execution": {**running["execution"], "status": "TIMED_OUT"}}
    with lifecycle(client, "describe_job_execution", [running] * 5 + [timed_out]) as stubber:
        IoT(client).wait_for_job_execution("ota-1", "dev-1", policy=clock.policy(timeout=600))
        stubber.assert_no_pending_responses()
    assert clock.sleeps == [2, 3, 5, 9, 6]  # backoff, then exactly at the timeout (25 s)


def test_history_stubs_carry_the_age_of_the_job() -> None:
    now = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    response = amplify_history("7", [100.0], age=30, now=now)
    assert response["jobSummaries"][0]["startTime"] == "2026-11-02T11:59:30+00:00"
    runs = devicefarm_history(RUN, [100.0], now=now)["runs"]
    assert runs[1]["stopped"] == "2026-11-02T11:00:00+00:00"
    with (
        pytest.raises(InvalidArgumentError, match="iot waits read no history"),
        lifecycle(make_client("iot"), "describe_job", ["completed"], history=runs[0]),
    ):
        pass


# --- the async facades read the history the same way -----------------------------------


def test_aio_amplify_reads_the_branchs_builds_like_the_sync_facade() -> None:
    client = make_client("amplify", region_name="us-east-1")
    clock = FakeClock()
    history = amplify_history("42", [600, 600, 600, 600])

    async def main() -> amplify.Job:
        policy = clock.policy(timeout=3600)
        return await aio.Amplify(client).wait_for_job(APP, BRANCH, "42", policy=policy)

    with lifecycle(client, "get_job", _amplify_steps(25), history=history) as stubber:
        job = asyncio.run(main())
        stubber.assert_no_pending_responses()
    assert job.is_terminal
    # the same schedule as test_amplify_reads_the_branchs_builds_and_sleeps_until_they_usually_end
    assert _near(clock.sleeps[:10], [552.0] + [12.0] * 9, 1)


def test_aio_devicefarm_reads_the_pools_runs_and_their_job_timeout() -> None:
    client = make_client("devicefarm")
    clock = FakeClock()
    history = devicefarm_history(RUN, [1800] * 5, job_timeout_minutes=20)

    async def main() -> devicefarm.Run:
        policy = clock.policy(timeout=6 * 3600)
        return await aio.DeviceFarm(client).wait_for_run(RUN, policy=policy)

    with lifecycle(client, "get_run", ["running"] * 8 + ["passed"], history=history):
        run = asyncio.run(main())
    assert run.is_terminal
    assert _near(clock.sleeps[:4], [1200, 5, 5, 10], 2)


def test_aio_a_failed_history_read_never_fails_the_wait(caplog: pytest.LogCaptureFixture) -> None:
    client = make_client("amplify", region_name="us-east-1")
    clock = FakeClock()
    failure = AwsErrorResponse(code="AccessDeniedException", http_status=403)

    async def main() -> amplify.Job:
        policy = clock.policy(timeout=3600)
        return await aio.Amplify(client).wait_for_job(APP, BRANCH, "42", policy=policy)

    with (
        caplog.at_level(logging.DEBUG, logger="jobkit"),
        lifecycle(client, "get_job", _amplify_steps(4), history=failure),
    ):
        job = asyncio.run(main())
    assert job.is_terminal
    assert clock.sleeps == [5, 7.5, 12.5, 17.5]  # plain backoff, as in the sync facade
    assert "could not read its history" in caplog.text


# --- Device Farm's history read pages, up to a bound ------------------------------------

PROJECT = "arn:aws:devicefarm:us-west-2:123456789012:project:project-1"


def _other_pool(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "devicePoolArn": r["devicePoolArn"] + "-other"} for r in runs]


def _paged_history_wait(
    pages: list[dict[str, Any]], caplog: pytest.LogCaptureFixture, *, use_aio: bool = False
) -> FakeClock:
    """Wait on RUN (RUNNING once, then PASSED) with ``pages`` answering ListRuns, in order."""
    client = make_client("devicefarm")
    clock = FakeClock()
    stubber = Stubber(client)
    for i, page in enumerate(pages):
        expected = {"arn": PROJECT} if i == 0 else {"arn": PROJECT, "nextToken": f"page-{i + 1}"}
        stubber.add_response("list_runs", page, expected)
    stubber.add_response("get_run", load_stub("devicefarm", "get_run", "running"))
    stubber.add_response("get_run", load_stub("devicefarm", "get_run", "passed"))
    policy = clock.policy(timeout=6 * 3600)

    async def main() -> devicefarm.Run:
        return await aio.DeviceFarm(client).wait_for_run(RUN, policy=policy)

    with caplog.at_level(logging.DEBUG, logger="jobkit"), stubber:
        run = (
            asyncio.run(main()) if use_aio else DeviceFarm(client).wait_for_run(RUN, policy=policy)
        )
        stubber.assert_no_pending_responses()  # every page was read, and no more
    assert run.is_terminal
    assert "could not read its history" not in caplog.text
    return clock


@pytest.mark.parametrize("use_aio", [False, True])
def test_devicefarm_reads_the_next_page_when_the_first_holds_too_few_like_runs(
    caplog: pytest.LogCaptureFixture, use_aio: bool
) -> None:
    runs = devicefarm_history(RUN, [1800.0] * 12)["runs"]
    # page 1: the run, 3 like runs and 6 of another pool; page 2: 9 more like runs
    first = {"runs": runs[:4] + _other_pool(runs[4:10]), "nextToken": "page-2"}
    second = {"runs": runs[4:]}
    clock = _paged_history_wait([first, second], caplog, use_aio=use_aio)
    assert "12 past durations" in caplog.text  # 3 from the first page, 9 from the second
    assert _near(clock.sleeps[:1], [1620 + 36], 2)  # the window opens at 1656 s


def test_devicefarm_stops_paging_once_the_first_page_is_enough(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs = devicefarm_history(RUN, [1800.0] * _df_flows.HISTORY_ENOUGH)["runs"]
    _paged_history_wait([{"runs": runs, "nextToken": "page-2"}], caplog)  # one call only
    assert f"{_df_flows.HISTORY_ENOUGH} past durations" in caplog.text


def test_devicefarm_reads_at_most_history_pages_pages(caplog: pytest.LogCaptureFixture) -> None:
    runs = devicefarm_history(RUN, [1800.0] * 4)["runs"]
    more = [
        {"runs": runs[:2] if i == 0 else _other_pool(runs[2:]), "nextToken": f"page-{i + 2}"}
        for i in range(_df_flows.HISTORY_PAGES)
    ]  # every page has a next one; only HISTORY_PAGES are asked for
    assert _df_flows.HISTORY_PAGES == 3
    _paged_history_wait(more, caplog)
    assert "1 past durations" in caplog.text
