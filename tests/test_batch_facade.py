"""jobkit.Batch and jobkit.aio.Batch on botocore Stubber lifecycles: describe, wait, check,
cancel_on_timeout (TerminateJob with jobkit's reason), submit, list, and many jobs at once
through DescribeJobs (100 ids a call).
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest

import jobkit
from helpers import make_client
from jobkit import Batch, Outcome, RateLimit, aio, batch
from jobkit.batch._models import STOPPED_BY_JOBKIT
from jobkit.batch._operations import TERMINATE_REASON
from jobkit.errors import JobFailedError, NotFoundError, WaitTimeoutError
from jobkit.testing import FakeClock, Stubber, lifecycle, load_stub

JOB = "4b6a7c2e-1f3d-4e5a-9b8c-0d1e2f3a4b02"
ARN = f"arn:aws:batch:us-east-1:123456789012:job/{JOB}"
ASKED = {"jobs": [JOB]}
WHAT = f"Batch job {JOB}"


def _client() -> Any:
    return make_client("batch", "us-east-1")


def test_describe_job_reads_it_by_id_or_arn() -> None:
    client = _client()
    with lifecycle(client, "describe_jobs", ["failed", "failed"], expected_params=ASKED):
        by_id = Batch(client).describe_job(JOB)
        by_arn = Batch(client).describe_job(ARN)
    assert by_id == by_arn
    assert by_id.job_id == JOB
    assert by_id.outcome is Outcome.FAILED
    assert (by_id.exit_code, by_id.log_stream_name) == (
        1,
        "etl/default/9f8e7d6c5b4a39281706f5e4d3c2b106",
    )


def test_a_job_not_yet_started_is_stubbed_without_started_at() -> None:
    # botocore marks startedAt required; AWS sends it only once the job started.
    raw = load_stub("batch", "describe_jobs", "submitted")
    assert "startedAt" not in raw["jobs"][0]
    client = _client()
    with lifecycle(client, "describe_jobs", [raw]):
        job = Batch(client).describe_job(JOB)
    assert job.status is batch.JobStatus.SUBMITTED
    assert job.started_at is None


def test_wait_submitted_runnable_running_failed_reports_the_exit_code() -> None:
    client = _client()
    seen: list[str] = []
    clock = FakeClock()
    steps = ["submitted", "runnable", "running", "failed"]
    with lifecycle(client, "describe_jobs", steps, expected_params=ASKED):
        job = Batch(client).wait_for_job(
            JOB, policy=clock.policy(), on_update=lambda j: seen.append(j.describe())
        )
    assert job.status is batch.JobStatus.FAILED
    assert job.outcome is Outcome.FAILED
    assert (job.exit_code, job.status_reason) == (1, "Essential container in task exited")
    assert [s.split(":")[0].split(" ")[0] for s in seen] == [
        "SUBMITTED",
        "RUNNABLE",
        "RUNNING",
        "FAILED",
    ]
    assert seen[-1] == (
        "FAILED: Essential container in task exited (exit code 1, 2 attempts) -> FAILED"
    )
    assert clock.sleeps == [5.0, 7.5, 12.5]  # the row's first delay, then backing off


def test_check_raises_with_the_failed_job() -> None:
    client = _client()
    with (
        lifecycle(client, "describe_jobs", ["running", "failed"]),
        pytest.raises(JobFailedError) as info,
    ):
        Batch(client).wait_for_job(JOB, policy=FakeClock().policy(), check=True)
    failed = info.value.resource
    assert isinstance(failed, batch.JobDetail)
    assert failed.exit_code == 1
    assert WHAT in str(info.value)
    assert "exit code 1" in str(info.value)


@pytest.mark.parametrize(
    ("scenario", "outcome"),
    [
        ("succeeded", Outcome.SUCCEEDED),
        ("cancelled", Outcome.CANCELLED),
        ("terminated", Outcome.CANCELLED),
        ("stopped_by_jobkit", Outcome.CANCELLED),
        ("eks_failed", Outcome.FAILED),
    ],
)
def test_each_end(scenario: str, outcome: Outcome) -> None:
    client = _client()
    with lifecycle(client, "describe_jobs", ["running", scenario]):
        job = Batch(client).wait_for_job(JOB, policy=FakeClock().policy())
    assert job.outcome is outcome
    assert job.is_terminal


def test_a_job_describe_jobs_does_not_list_is_not_found_after_the_grace() -> None:
    client = _client()
    clock = FakeClock()
    gone = "4b6a7c2e-1f3d-4e5a-9b8c-0d1e2f3a4bff"
    with (
        lifecycle(client, "describe_jobs", ["not_found"], repeat_last=True),
        pytest.raises(NotFoundError) as info,
    ):
        Batch(client).wait_for_job(
            gone, policy=clock.policy(not_found_grace=60, min_delay=10, max_delay=10)
        )
    assert f"Batch job {gone}" in str(info.value)
    assert 60 <= clock.now <= 70  # polled through the grace, then gave up
    with lifecycle(client, "describe_jobs", ["not_found"]), pytest.raises(NotFoundError):
        Batch(client).describe_job(JOB)  # a read has no grace


def _timeout_then_terminate(client: Any) -> Stubber:
    stubber = Stubber(client)
    for _ in range(3):  # polls at 0, 10 and 20 seconds
        stubber.add_response(
            "describe_jobs", load_stub("batch", "describe_jobs", "runnable"), ASKED
        )
    terminated = load_stub("batch", "terminate_job", "terminated")
    stubber.add_response("terminate_job", terminated, {"jobId": JOB, "reason": TERMINATE_REASON})
    stopped = load_stub("batch", "describe_jobs", "stopped_by_jobkit")
    stopped["jobs"][0]["statusReason"] = TERMINATE_REASON
    stubber.add_response("describe_jobs", stopped, ASKED)
    return stubber


def test_cancel_on_timeout_terminates_the_job_with_jobkits_reason() -> None:
    assert TERMINATE_REASON.startswith(STOPPED_BY_JOBKIT)  # how the job then reads CANCELLED
    client = _client()
    policy = FakeClock().policy(timeout=20, min_delay=10, max_delay=10)
    with _timeout_then_terminate(client) as stubber:
        with pytest.raises(WaitTimeoutError) as info:
            Batch(client).wait_for_job(JOB, policy=policy, cancel_on_timeout=True)
        stubber.assert_no_pending_responses()  # TerminateJob was called, with those parameters
    assert str(info.value).endswith(
        "jobkit asked AWS to stop the Batch job (TerminateJob) and AWS accepted it; its status "
        f"is now FAILED: {TERMINATE_REASON} -> CANCELLED."
    )
    last = info.value.resource
    assert isinstance(last, batch.JobDetail)
    assert last.status is batch.JobStatus.RUNNABLE


def test_async_twins() -> None:
    client = _client()

    async def main() -> tuple[batch.SubmitJobResponse, batch.JobDetail, batch.JobDetail]:
        b = aio.Batch(client)
        with Stubber(client) as stubber:
            stubber.add_response(
                "submit_job",
                load_stub("batch", "submit_job", "submitted"),
                {"jobName": "nightly-etl", "jobQueue": "nightly", "jobDefinition": "etl:7"},
            )
            for scenario in ("submitted", "running", "succeeded", "succeeded"):
                stubber.add_response(
                    "describe_jobs", load_stub("batch", "describe_jobs", scenario), ASKED
                )
            submitted = await b.submit_job("nightly-etl", "nightly", "etl:7")
            assert submitted.job_id is not None
            final = await b.wait_for_job(submitted.job_id, policy=FakeClock().policy())
            again = await b.describe_job(ARN)
        return submitted, final, again

    submitted, final, again = asyncio.run(main())
    assert submitted.job_id == JOB
    assert final.outcome is Outcome.SUCCEEDED
    assert again == final


def test_async_cancel_on_timeout_terminates_the_job() -> None:
    client = _client()
    policy = FakeClock().policy(timeout=20, min_delay=10, max_delay=10)
    with (
        _timeout_then_terminate(client),
        pytest.raises(WaitTimeoutError, match=r"\(TerminateJob\) and AWS accepted it"),
    ):
        asyncio.run(aio.Batch(client).wait_for_job(JOB, policy=policy, cancel_on_timeout=True))


def test_submit_job_sends_only_what_it_is_given() -> None:
    client = _client()
    expected = {
        "jobName": "nightly-etl",
        "jobQueue": "arn:aws:batch:us-east-1:123456789012:job-queue/nightly",
        "jobDefinition": "etl:7",
        "parameters": {"date": "2026-01-01"},
        "arrayProperties": {"size": 10},
    }
    with Stubber(client) as stubber:
        stubber.add_response("submit_job", load_stub("batch", "submit_job", "submitted"), expected)
        submitted = Batch(client).submit_job(
            "nightly-etl",
            "arn:aws:batch:us-east-1:123456789012:job-queue/nightly",
            "etl:7",
            parameters={"date": "2026-01-01"},
            array_size=10,
        )
        stubber.assert_no_pending_responses()
    assert submitted == batch.SubmitJobResponse(job_arn=ARN, job_name="nightly-etl", job_id=JOB)
    assert jobkit.extras(submitted) == {}  # boto3's ResponseMetadata is not Batch's


def test_list_jobs_lists_one_status_or_each_in_turn() -> None:
    client = _client()
    page = load_stub("batch", "list_jobs", "page1")
    del page["nextToken"]  # one page each
    empty = load_stub("batch", "list_jobs", "empty")
    with Stubber(client) as stubber:
        stubber.add_response(
            "list_jobs", page, {"jobQueue": "nightly", "jobStatus": "FAILED", "maxResults": 100}
        )
        failed = Batch(client).list_jobs("nightly", "FAILED")
        for status in ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED"):
            stubber.add_response(
                "list_jobs", empty, {"jobQueue": "nightly", "jobStatus": status, "maxResults": 100}
            )
        stubber.add_response(
            "list_jobs", page, {"jobQueue": "nightly", "jobStatus": "FAILED", "maxResults": 100}
        )
        every = Batch(client).list_jobs("nightly")
        stubber.assert_no_pending_responses()
    assert failed == every
    assert [j.job_id for j in failed] == [j["jobId"] for j in page["jobSummaryList"]]
    assert all(isinstance(j, batch.JobSummary) for j in failed)


def test_list_array_children_pages_through_a_parents_children() -> None:
    client = _client()
    parent = "4b6a7c2e-1f3d-4e5a-9b8c-0d1e2f3a4b10"
    first = load_stub("batch", "list_jobs", "page1")
    token = first["nextToken"]
    last = load_stub("batch", "list_jobs", "page1")
    del last["nextToken"]
    asked = {"arrayJobId": parent, "jobStatus": "FAILED", "maxResults": 100}
    with Stubber(client) as stubber:
        stubber.add_response("list_jobs", first, asked)
        stubber.add_response("list_jobs", last, {**asked, "nextToken": token})
        children = Batch(client).list_array_children(
            f"arn:aws:batch:us-east-1:123456789012:job/{parent}", "FAILED"
        )
        stubber.assert_no_pending_responses()
    assert len(children) == 2 * len(last["jobSummaryList"])


def _described(scenario: str, ids: list[str]) -> dict[str, Any]:
    """One DescribeJobs answer: the scenario's job, once per id."""
    template = load_stub("batch", "describe_jobs", scenario)["jobs"][0]
    jobs: list[dict[str, Any]] = []
    for job_id in ids:
        job = copy.deepcopy(template)
        job["jobId"] = job_id
        job["jobArn"] = f"arn:aws:batch:us-east-1:123456789012:job/{job_id}"
        jobs.append(job)
    return {"jobs": jobs}


def test_as_completed_reads_250_jobs_in_three_describe_jobs_calls_a_sweep() -> None:
    client = _client()
    b = Batch(client)
    ids = [f"{n:08x}-1f3d-4e5a-9b8c-0d1e2f3a4b02" for n in range(250)]
    chunks = [ids[:100], ids[100:200], ids[200:]]
    clock = FakeClock()
    with Stubber(client) as stubber:
        # Sweep 1: all running. Sweep 2: the first two hundred succeeded, the rest failed.
        for chunk in chunks:
            stubber.add_response("describe_jobs", _described("running", chunk), {"jobs": chunk})
        for chunk, scenario in zip(chunks, ("succeeded", "succeeded", "failed"), strict=True):
            stubber.add_response("describe_jobs", _described(scenario, chunk), {"jobs": chunk})
        results = list(
            jobkit.as_completed(
                [b.job(i) for i in ids],
                policy=clock.policy(),
                rate=RateLimit(per_second=1000),
                max_workers=1,
            )
        )
        stubber.assert_no_pending_responses()  # six calls in all: no per-job read
    assert len(results) == 250
    outcomes = {r.target.ids[0]: r.outcome for r in results}
    assert {outcomes[i] for i in ids[:200]} == {Outcome.SUCCEEDED}
    assert {outcomes[i] for i in ids[200:]} == {Outcome.FAILED}
    assert all(r.error is None and r.resource is not None for r in results)
    failed = next(r.resource for r in results if r.outcome is Outcome.FAILED)
    assert isinstance(failed, batch.JobDetail)
    assert failed.exit_code == 1  # the batch's items are whole jobs


def test_async_as_completed_batches_the_same_way() -> None:
    client = _client()
    b = aio.Batch(client)
    ids = [f"{n:08x}-1f3d-4e5a-9b8c-0d1e2f3a4b02" for n in range(150)]

    async def main() -> list[Any]:
        return await aio.wait_all(
            [b.job(i) for i in ids],
            policy=FakeClock().policy(),
            rate=RateLimit(per_second=1000),
            max_workers=1,
        )

    with Stubber(client) as stubber:
        stubber.add_response(
            "describe_jobs", _described("succeeded", ids[:100]), {"jobs": ids[:100]}
        )
        stubber.add_response(
            "describe_jobs", _described("succeeded", ids[100:]), {"jobs": ids[100:]}
        )
        results = asyncio.run(main())
        stubber.assert_no_pending_responses()
    assert [r.target.ids[0] for r in results] == ids
    assert {r.outcome for r in results} == {Outcome.SUCCEEDED}


def test_many_at_once_a_missing_job_is_not_found_and_the_others_end() -> None:
    client = _client()
    b = Batch(client)
    gone = "4b6a7c2e-1f3d-4e5a-9b8c-0d1e2f3a4bff"
    with lifecycle(client, "describe_jobs", [_described("succeeded", [JOB])], repeat_last=True):
        results = jobkit.wait_all(
            [b.job(JOB), b.job(gone)],
            policy=FakeClock().policy(not_found_grace=0),
            rate=RateLimit(per_second=1000),
        )
    assert results[0].outcome is Outcome.SUCCEEDED
    assert isinstance(results[1].error, NotFoundError)
    assert gone in str(results[1].error)


def test_a_job_state_change_event_names_the_job() -> None:
    from jobkit.batch._events import EVENT_PATTERN, recognise  # noqa: PLC0415

    event = {
        "source": "aws.batch",
        "detail-type": "Batch Job State Change",
        "time": "2026-12-03T11:39:58Z",
        "resources": [ARN],
        "detail": {"jobName": "nightly-etl", "jobId": JOB, "status": "RUNNABLE"},
    }
    [wake] = recognise(event)
    events = Batch(_client()).job(ARN).bound.operation.events
    assert events is not None
    assert wake.key == ("batch", JOB) == events.key((JOB,))  # what a wait watches
    assert wake.status == "RUNNABLE"
    assert wake.at == 1796297998.0
    assert recognise({**event, "source": "aws.codebuild"}) == ()
    assert recognise({**event, "detail": {"jobId": 7}}) == ()
    assert recognise({**event, "detail": {"jobId": "x" * 65}}) == ()
    assert EVENT_PATTERN == {"source": ["aws.batch"], "detail-type": ["Batch Job State Change"]}
