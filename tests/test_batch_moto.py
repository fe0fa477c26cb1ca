"""AWS Batch against moto's server over real HTTP on 127.0.0.1: its real responses structure.

moto runs Batch jobs in docker unless told not to. Its "simple" backend (no docker) is picked
in server mode by POSTing ``{"batch": {"use_docker": false}}`` to ``/moto-api/config``; it
ends every job during ``SubmitJob`` itself: SUCCEEDED, or FAILED when the environment variable
``MOTO_SIMPLE_BATCH_FAIL_AFTER`` is set (read by the server, which runs in this process). So
these tests see SUCCEEDED and FAILED jobs, never one in between, and moto sends neither
``isCancelled`` nor ``isTerminated``.
"""

from __future__ import annotations

import itertools
import json
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from botocore.config import Config

import faultproxy
from helpers import make_client
from jobkit import Outcome, extras, structure, unstructure
from jobkit import batch as models
from jobkit.batch._models import STOPPED_BY_JOBKIT

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


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer  # noqa: PLC0415

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
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
    """A job queue on an unmanaged compute environment (moto needs a real IAM role for it)."""
    iam = _client(endpoint, "iam")
    role = iam.create_role(RoleName="batch-service", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    batch = _client(endpoint)
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
