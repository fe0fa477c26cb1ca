"""Amplify start_job and latest_job; cancel_on_timeout for Device Farm and Amplify (Stubber)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from helpers import make_client
from jobkit import Amplify, DeviceFarm, Outcome, aio, amplify
from jobkit.errors import InvalidArgumentError, NotFoundError, WaitTimeoutError
from jobkit.testing import FakeClock, Stubber, load_stub

APP, BRANCH = "d2a4xexample1", "main"
RUN = (
    "arn:aws:devicefarm:us-west-2:123456789012:run:"
    "5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE"
)


def test_start_job_returns_the_new_jobs_summary() -> None:
    client = make_client("amplify", "us-east-1")
    when = datetime(2026, 11, 2, 9, 14, 5, tzinfo=UTC)
    expected = {
        "appId": APP,
        "branchName": BRANCH,
        "jobType": "RELEASE",
        "jobReason": "CI release",
        "commitId": "abc1234",
        "commitTime": when,
    }
    with Stubber(client) as stubber:
        stubber.add_response("start_job", load_stub("amplify", "start_job", "pending"), expected)
        summary = Amplify(client).start_job(
            APP, BRANCH, job_reason="CI release", commit_id="abc1234", commit_time=when
        )
    assert isinstance(summary, amplify.JobSummary)
    assert summary.job_id == "43"
    assert summary.status is amplify.JobStatus.PENDING


def test_start_then_wait_async() -> None:
    client = make_client("amplify", "us-east-1")
    with Stubber(client) as stubber:
        stubber.add_response("start_job", load_stub("amplify", "start_job", "pending"))
        for scenario in ("running", "failed"):
            stubber.add_response("get_job", load_stub("amplify", "get_job", scenario))

        async def main() -> amplify.Job:
            amp = aio.Amplify(client)
            summary = await amp.start_job(APP, BRANCH)
            assert summary.job_id is not None
            return await amp.wait_for_job(APP, BRANCH, summary.job_id, policy=FakeClock().policy())

        job = asyncio.run(main())
    assert job.outcome is Outcome.FAILED
    assert [s.step_name for s in job.failed_steps] == ["DEPLOY"]
    assert job.failed_steps[0].status_reason


def test_latest_job_reads_the_newest_in_full() -> None:
    client = make_client("amplify", "us-east-1")
    with Stubber(client) as stubber:
        stubber.add_response(
            "list_jobs",
            load_stub("amplify", "list_jobs", "latest"),
            {"appId": APP, "branchName": BRANCH, "maxResults": 50},
        )
        stubber.add_response(
            "get_job",
            load_stub("amplify", "get_job", "running"),
            {"appId": APP, "branchName": BRANCH, "jobId": "43"},
        )
        job = Amplify(client).latest_job(APP, BRANCH)
    assert job.steps


def test_latest_job_of_a_branch_without_jobs_is_not_found() -> None:
    client = make_client("amplify", "us-east-1")
    with Stubber(client) as stubber:
        stubber.add_response("list_jobs", load_stub("amplify", "list_jobs", "empty"))
        with pytest.raises(NotFoundError, match="has no jobs yet"):
            Amplify(client).latest_job(APP, BRANCH)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"job_type": "DEPLOY"}, "is not a job type"),
        ({"job_type": "RETRY"}, "needs the job_id"),
        ({"job_id": "x1"}, "not an Amplify job id"),
        ({"job_reason": "x" * 300}, "at most 255"),
        ({"commit_time": "yesterday"}, "pass a datetime"),
        ({"app_id": "not-an-app"}, "not an Amplify app id"),
    ],
)
def test_start_job_refuses_bad_input_before_any_request(
    kwargs: dict[str, Any], fragment: str
) -> None:
    client = make_client("amplify", "us-east-1")
    args: dict[str, Any] = {"app_id": APP, "branch_name": BRANCH, **kwargs}
    with Stubber(client), pytest.raises(InvalidArgumentError) as info:
        Amplify(client).start_job(**args)
    assert fragment in str(info.value)
    assert len(str(info.value)) < 300


def _timeout_then_stop(client: Any, *, stop_ok: bool) -> Stubber:
    stubber = Stubber(client)
    for _ in range(5):  # polls at 0, 5, 10, 15 and 20 seconds
        stubber.add_response("get_run", load_stub("devicefarm", "get_run", "running"))
    if stop_ok:
        stopping = load_stub("devicefarm", "get_run", "stopping")
        stubber.add_response("stop_run", stopping, {"arn": RUN})
        stubber.add_response("get_run", stopping, {"arn": RUN})
    else:
        stubber.add_client_error(
            "stop_run",
            "ArgumentException",
            "Run is already completing",
            400,
            expected_params={"arn": RUN},
        )
    return stubber


def test_cancel_on_timeout_stops_the_run_and_says_so() -> None:
    client = make_client("devicefarm")
    policy = FakeClock().policy(timeout=20, min_delay=5, max_delay=5)
    with _timeout_then_stop(client, stop_ok=True) as stubber:
        with pytest.raises(WaitTimeoutError) as info:
            DeviceFarm(client).wait_for_run(RUN, policy=policy, cancel_on_timeout=True)
        stubber.assert_no_pending_responses()
    message = str(info.value)
    assert message.startswith("Timed out after")
    assert message.endswith(
        "jobkit asked AWS to stop the Device Farm run (StopRun) and AWS accepted it; "
        "its status is now STOPPING (1/2 jobs, 11/24 tests, 10 passed, 1 warned)."
    )
    assert info.value.resource is not None


def test_a_refused_stop_is_reported_with_its_reason() -> None:
    client = make_client("devicefarm")
    policy = FakeClock().policy(timeout=20, min_delay=5, max_delay=5)
    with _timeout_then_stop(client, stop_ok=False), pytest.raises(WaitTimeoutError) as info:
        DeviceFarm(client).wait_for_run(RUN, policy=policy, cancel_on_timeout=True)
    assert "but the stop failed (ArgumentException: " in str(info.value)
    assert "Run is already completing" in str(info.value)


def test_async_cancel_on_timeout_stops_the_run() -> None:
    client = make_client("devicefarm")
    policy = FakeClock().policy(timeout=20, min_delay=5, max_delay=5)
    with (
        _timeout_then_stop(client, stop_ok=True),
        pytest.raises(WaitTimeoutError, match=r"\(StopRun\) and AWS accepted it"),
    ):
        asyncio.run(aio.DeviceFarm(client).wait_for_run(RUN, policy=policy, cancel_on_timeout=True))


def test_ctrl_c_stops_an_amplify_job_never_with_force() -> None:
    client = make_client("amplify", "us-east-1")
    ids = {"appId": APP, "branchName": "main", "jobId": "42"}
    with Stubber(client) as stubber:
        stubber.add_response("get_job", load_stub("amplify", "get_job", "running"))
        stubber.add_response(
            "stop_job",
            {"jobSummary": load_stub("amplify", "get_job", "cancelled")["job"]["summary"]},
            ids,
        )
        stubber.add_response("get_job", load_stub("amplify", "get_job", "cancelled"))

        def ctrl_c(_: object) -> None:
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt) as info:
            Amplify(client).wait_for_job(
                APP,
                "main",
                "42",
                policy=FakeClock().policy(),
                on_update=ctrl_c,
                cancel_on_timeout=True,
            )
        stubber.assert_no_pending_responses()
    assert "stop the Amplify job (StopJob) and AWS accepted it; its status is now CANCELLED" in str(
        info.value
    )


def test_other_errors_never_stop_the_resource() -> None:
    client = make_client("devicefarm")
    with Stubber(client) as stubber:
        stubber.add_client_error("get_run", "NotFoundException", "no such run", 404)
        with pytest.raises(NotFoundError) as info:
            DeviceFarm(client).wait_for_run(
                RUN, policy=FakeClock().policy(not_found_grace=0), cancel_on_timeout=True
            )
        stubber.assert_no_pending_responses()  # no StopRun was asked for
    assert "stop" not in str(info.value)
