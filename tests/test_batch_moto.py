"""AWS Batch against moto's server over real HTTP on 127.0.0.1: its real responses structure.

moto runs Batch jobs in docker unless told not to. Its "simple" backend (no docker) is picked
in server mode by POSTing ``{"batch": {"use_docker": false}}`` to ``/moto-api/config``; it
ends every job during ``SubmitJob`` itself: SUCCEEDED, or FAILED when the environment variable
``MOTO_SIMPLE_BATCH_FAIL_AFTER`` is set (read by the server, which runs in this process). So
these tests see SUCCEEDED and FAILED jobs, never one in between, and moto sends neither
``isCancelled`` nor ``isTerminated``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from botocore.config import Config

import faultproxy
import jobkit
from helpers import make_client
from jobkit import Batch, Outcome, aio, extras, structure, unstructure
from jobkit import batch as models
from jobkit.batch._models import STOPPED_BY_JOBKIT
from jobkit.batch._operations import TERMINATE_REASON
from jobkit.errors import JobFailedError, NotFoundError
from jobkit.testing import FakeClock

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.integration
no_thread_leaks = faultproxy.no_thread_leaks  # the server, and any thread moto starts, end here


def _moto_config(endpoint: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """Read (or, with ``body``, set) moto's server-wide configuration."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 -- moto's server on 127.0.0.1
        f"{endpoint}/moto-api/config", data=data, method="GET" if body is None else "POST"
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        found: dict[str, Any] = json.loads(answer.read())
    return found


def _json_content_type(app: Any) -> Any:
    """WSGI middleware: Batch's answers as ``application/json``, as AWS sends them.

    moto 5.2.5 answers Batch's REST-JSON calls as ``text/html``, and jobkit takes a non-JSON
    body for a proxy's or a web server's page (a retryable MalformedResponse), so the facades
    and the command could not read moto's Batch at all.
    """

    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        def start(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            if str(environ.get("PATH_INFO", "")).startswith("/v1/"):
                headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
                headers.append(("Content-Type", "application/json"))
            return start_response(status, headers, *rest)

        return app(environ, start)

    return wrapped


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer  # noqa: PLC0415

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    wsgi: Any = vars(server)["_server"]  # the werkzeug server: it reads .app per request
    wsgi.app = _json_content_type(wsgi.app)
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    # The setting is a module global of moto, shared by everything in this process: put back
    # what was there.
    before = _moto_config(url)["batch"]
    try:
        assert _moto_config(url, {"batch": {"use_docker": False}})["batch"] == {"use_docker": False}
        yield url
    finally:
        _moto_config(url, {"batch": before})
        server.stop()


def _client(endpoint: str, service: str = "batch") -> Any:
    config = Config(retries={"total_max_attempts": 1, "mode": "standard"})
    return make_client(service, "us-east-1", endpoint_url=endpoint, config=config)


_names = itertools.count()


@pytest.fixture(scope="module")
def queue(endpoint: str) -> str:
    """A job queue on an unmanaged compute environment (moto needs a real IAM role for it).

    moto's backends are global to the process: a second module's server (tests/test_cli_batch.py
    uses these fixtures too) finds the queue already there, and uses it.
    """
    batch = _client(endpoint)
    if batch.describe_job_queues(jobQueues=["nightly"])["jobQueues"]:
        return "nightly"
    iam = _client(endpoint, "iam")
    role = iam.create_role(RoleName="batch-service", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    env = batch.create_compute_environment(
        computeEnvironmentName="jobkit-ce", type="UNMANAGED", state="ENABLED", serviceRole=role
    )
    batch.create_job_queue(
        jobQueueName="nightly",
        state="ENABLED",
        priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": env["computeEnvironmentArn"]}],
    )
    batch.register_job_definition(
        jobDefinitionName="etl",
        type="container",
        containerProperties={
            "image": "busybox",
            "command": ["echo", "hello"],
            "resourceRequirements": [
                {"type": "VCPU", "value": "1"},
                {"type": "MEMORY", "value": "512"},
            ],
            "environment": [{"name": "DB_PASSWORD", "value": "planted-moto-secret"}],
        },
    )
    return "nightly"


def batch_client(endpoint: str) -> Any:
    """A boto3 Batch client for moto's server (no retries: a test sees each answer)."""
    return _client(endpoint)


def submit(endpoint: str, queue: str, **more: Any) -> models.SubmitJobResponse:
    """Submit a job of the ``etl`` definition to ``queue`` through boto3; moto ends it at once."""
    return _submit(endpoint, queue, **more)


def _submit(endpoint: str, queue: str, **more: Any) -> models.SubmitJobResponse:
    raw = _client(endpoint).submit_job(
        jobName=f"etl-{next(_names)}", jobQueue=queue, jobDefinition="etl", **more
    )
    raw.pop("ResponseMetadata")
    submitted = structure(raw, models.SubmitJobResponse)
    assert unstructure(submitted) == raw
    return submitted


def _describe(
    endpoint: str, *job_ids: str | None
) -> tuple[models.DescribeJobsResponse, dict[str, Any]]:
    raw = _client(endpoint).describe_jobs(jobs=[j for j in job_ids if j is not None])
    raw.pop("ResponseMetadata")
    response = structure(raw, models.DescribeJobsResponse)
    assert unstructure(response) == raw
    assert extras(response) == {}
    return response, raw


def _one(response: models.DescribeJobsResponse) -> models.JobDetail:
    assert response.jobs is not None
    assert len(response.jobs) == 1
    return response.jobs[0]


def test_a_submitted_job_reads_back_as_a_model(endpoint: str, queue: str) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    submitted = _submit(endpoint, queue)
    assert submitted.job_id is not None
    assert submitted.job_arn == f"arn:aws:batch:us-east-1:123456789012:job/{submitted.job_id}"
    job = _one(_describe(endpoint, submitted.job_id)[0])
    assert extras(job) == {}
    assert job.job_id == submitted.job_id
    assert job.status is models.JobStatus.SUCCEEDED
    assert job.outcome is Outcome.SUCCEEDED
    assert job.is_terminal is True
    assert job.describe() == "SUCCEEDED -> SUCCEEDED"
    assert job.job_queue == "arn:aws:batch:us-east-1:123456789012:job-queue/nightly"
    assert job.job_definition == "arn:aws:batch:us-east-1:123456789012:job-definition/etl:1"
    assert job.attempts is not None
    assert len(job.attempts) == 1
    assert job.log_stream_name == f"etl/default/{submitted.job_id}"
    assert job.log_group_name == "/aws/batch/job"
    assert job.exit_code is None  # moto's simple backend runs nothing, so no exit code
    # moto's clock is local time read as UTC (naive datetime.now()); allow for any zone.
    assert job.created is not None
    assert job.started is not None
    assert job.stopped is not None
    assert abs(job.created - before) < timedelta(hours=15)
    assert job.created <= job.started <= job.stopped
    assert job.container is not None
    assert job.container.command == ("echo", "hello")
    assert "planted-moto-secret" not in repr(job)


def test_a_job_moto_fails(endpoint: str, queue: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_SIMPLE_BATCH_FAIL_AFTER", "0")  # the server reads it at submit time
    submitted = _submit(endpoint, queue)
    job = _one(_describe(endpoint, submitted.job_id)[0])
    assert job.status is models.JobStatus.FAILED
    assert job.outcome is Outcome.FAILED
    assert job.describe() == "FAILED -> FAILED"


def test_terminating_with_jobkits_reason_reads_as_cancelled(
    endpoint: str, queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOTO_SIMPLE_BATCH_FAIL_AFTER", "0")
    submitted = _submit(endpoint, queue)
    raw = _client(endpoint).terminate_job(jobId=submitted.job_id, reason=STOPPED_BY_JOBKIT)
    raw.pop("ResponseMetadata")
    assert raw == {}
    assert unstructure(structure(raw, models.TerminateJobResponse)) == {}
    job = _one(_describe(endpoint, submitted.job_id)[0])
    assert job.status_reason == STOPPED_BY_JOBKIT
    assert (job.is_cancelled, job.is_terminated) == (None, None)  # moto sends neither
    assert job.outcome is Outcome.CANCELLED
    assert job.describe() == "FAILED: Stopped by jobkit -> CANCELLED"


def test_terminating_an_ended_job_changes_no_outcome(endpoint: str, queue: str) -> None:
    submitted = _submit(endpoint, queue)
    _client(endpoint).terminate_job(jobId=submitted.job_id, reason=STOPPED_BY_JOBKIT)
    job = _one(_describe(endpoint, submitted.job_id)[0])
    assert job.status is models.JobStatus.SUCCEEDED
    assert job.status_reason == STOPPED_BY_JOBKIT
    assert job.outcome is Outcome.SUCCEEDED


def test_an_array_job_counts_its_children(endpoint: str, queue: str) -> None:
    submitted = _submit(endpoint, queue, arrayProperties={"size": 3})
    parent = _one(_describe(endpoint, submitted.job_id)[0])
    assert parent.array_properties is not None
    assert parent.array_properties.size == 3
    assert parent.array_properties.status_summary is not None
    assert parent.array_properties.status_summary["SUCCEEDED"] == 3
    assert parent.progress == 1.0
    assert parent.describe() == "SUCCEEDED (3/3 children done, 3 succeeded) -> SUCCEEDED"
    raw = _client(endpoint).list_jobs(arrayJobId=submitted.job_id)
    raw.pop("ResponseMetadata")
    page = structure(raw, models.ListJobsResponse)
    assert unstructure(page) == raw
    assert page.job_summary_list is not None
    assert [j.job_id for j in page.job_summary_list] == [
        f"{submitted.job_id}:{i}" for i in range(3)
    ]
    assert {j.outcome for j in page.job_summary_list} == {Outcome.SUCCEEDED}
    children, _ = _describe(endpoint, *(j.job_id for j in page.job_summary_list))
    assert children.jobs is not None
    assert [c.outcome for c in children.jobs] == [Outcome.SUCCEEDED] * 3
    # AWS gives a child its arrayProperties.index; moto 5.2.5 leaves arrayProperties out.
    assert [c.array_properties for c in children.jobs] == [None] * 3
    assert [c.progress for c in children.jobs] == [None] * 3


def test_many_jobs_in_one_call_and_unknown_ids_are_left_out(endpoint: str, queue: str) -> None:
    first = _submit(endpoint, queue)
    second = _submit(endpoint, queue)
    response, _ = _describe(endpoint, first.job_id, "no-such-job", second.job_id)
    assert response.jobs is not None
    assert {j.job_id for j in response.jobs} == {first.job_id, second.job_id}
    nothing, raw = _describe(endpoint, "no-such-job")
    assert raw == {"jobs": []}
    assert nothing.jobs == ()


def test_listing_a_queue_by_status(endpoint: str, queue: str) -> None:
    submitted = _submit(endpoint, queue)
    raw = _client(endpoint).list_jobs(jobQueue=queue, jobStatus="SUCCEEDED")
    raw.pop("ResponseMetadata")
    page = structure(raw, models.ListJobsResponse)
    assert unstructure(page) == raw
    assert page.job_summary_list is not None
    mine = [j for j in page.job_summary_list if j.job_id == submitted.job_id]
    assert len(mine) == 1
    assert mine[0].outcome is Outcome.SUCCEEDED
    assert mine[0].created is not None


# -- the facades over the same server ------------------------------------------------------


def _facade(endpoint: str) -> Batch:
    return Batch(_client(endpoint))


def test_the_facade_submits_waits_and_reads_by_arn(endpoint: str, queue: str) -> None:
    b = _facade(endpoint)
    submitted = b.submit_job("etl-facade", queue, "etl", parameters={"date": "2026-01-01"})
    assert submitted.job_id is not None
    assert submitted.job_arn is not None
    seen: list[models.JobDetail] = []
    job = b.wait_for_job(
        submitted.job_id, policy=FakeClock().policy(), on_update=seen.append, check=True
    )
    assert job.outcome is Outcome.SUCCEEDED
    assert [s.status for s in seen] == [models.JobStatus.SUCCEEDED]  # moto ends it at submit
    assert b.describe_job(submitted.job_arn) == job


def test_the_facade_sees_moto_fail_and_terminate(
    endpoint: str, queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOTO_SIMPLE_BATCH_FAIL_AFTER", "0")
    b = _facade(endpoint)
    failed = b.submit_job("etl-fails", queue, "etl").job_id
    stopped = b.submit_job("etl-stopped", queue, "etl").job_id
    assert failed is not None
    assert stopped is not None
    _client(endpoint).terminate_job(jobId=stopped, reason=TERMINATE_REASON)
    with pytest.raises(JobFailedError) as info:
        b.wait_for_job(failed, policy=FakeClock().policy(), check=True)
    assert isinstance(info.value.resource, models.JobDetail)
    assert info.value.resource.outcome is Outcome.FAILED
    cancelled = b.wait_for_job(stopped, policy=FakeClock().policy())
    assert cancelled.outcome is Outcome.CANCELLED
    assert cancelled.status_reason == TERMINATE_REASON


def test_the_facade_lists_a_queue_and_an_array_jobs_children(endpoint: str, queue: str) -> None:
    b = _facade(endpoint)
    parent = b.submit_job("etl-array", queue, "etl", array_size=3).job_id
    assert parent is not None
    children = b.list_array_children(parent)
    assert sorted(c.job_id or "" for c in children) == [f"{parent}:{i}" for i in range(3)]
    assert {c.outcome for c in children} == {Outcome.SUCCEEDED}
    listed = b.list_jobs(queue, "SUCCEEDED")
    assert parent in {j.job_id for j in listed}
    results = jobkit.wait_all(
        [b.job(parent), *(b.job(c.job_id or "") for c in children)], policy=FakeClock().policy()
    )
    assert [r.outcome for r in results] == [Outcome.SUCCEEDED] * 4


def test_not_found_over_http(endpoint: str) -> None:
    with pytest.raises(
        NotFoundError, match="Batch job 00000000-0000-4000-8000-000000000000 was not found"
    ):
        _facade(endpoint).describe_job("00000000-0000-4000-8000-000000000000")


def test_the_async_facade_over_http(endpoint: str, queue: str) -> None:
    async def main() -> models.JobDetail:
        b = aio.Batch(_client(endpoint))
        submitted = await b.submit_job("etl-async", queue, "etl")
        assert submitted.job_id is not None
        return await b.wait_for_job(submitted.job_id, policy=FakeClock().policy())

    assert asyncio.run(main()).outcome is Outcome.SUCCEEDED
