"""Pagination that never ends stops with a clear error after a bounded number of calls (issue 17).

AWS (or whatever answers in its place) returns the same ``nextToken`` forever: every paged
call jobkit makes -- ``failed_tests``, ``list_jobs``, ``list_job_executions``,
``thing_outcomes``, the batched sweeps of ``as_completed``/``wait_all`` and the command's
summary -- goes through one helper (``jobkit._engine._flows.Paging``) that refuses a repeated token
and more than ``MAX_PAGES`` pages. The pages come from a botocore ``before-call`` hook, below
jobkit: botocore's client and jobkit's retried calls run as they would against AWS.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders

from helpers import make_client
from jobkit import DeviceFarm, IoT, aio, structure, wait_all
from jobkit import iot as iot_models
from jobkit._cli._summary import Context, summary_lines
from jobkit._engine._flows import MAX_PAGES, Paging, pages
from jobkit.errors import ServiceError
from jobkit.iot._operations import IOT_LIST_EXECUTIONS
from jobkit.testing import FakeClock

RUN = "arn:aws:devicefarm:us-west-2:123456789012:run:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE"
JOB = "arn:aws:devicefarm:us-west-2:123456789012:job:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE/00000"
TOKEN = "the-same-token-" + "x" * 200  # long: the message elides it


class Endless:
    """Answers ``operation`` with ``page`` plus the same ``nextToken``, forever; counts calls."""

    def __init__(self, client: Any, operation: str, page: dict[str, Any]) -> None:
        self.calls: list[dict[str, Any]] = []
        self.page = page
        service = client.meta.service_model.service_id.hyphenize()
        client.meta.events.register(f"before-call.{service}.{operation}", self.answer)

    def answer(self, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        self.calls.append(params.get("body") or params.get("query_string") or {})
        return AWSResponse("https://aws.invalid", 200, HTTPHeaders(), None), {
            **self.page,
            "nextToken": TOKEN,
        }


def _repeated(error: BaseException, api: str) -> None:
    assert isinstance(error, ServiceError), repr(error)
    assert error.code == "RepeatedNextToken"
    assert error.operation == api
    message = str(error)
    assert api in message
    assert "repeated its nextToken" in message
    assert "after 2 pages" in message
    assert TOKEN not in message  # elided
    assert len(message) < 300


def test_list_jobs_stops_at_a_repeated_token() -> None:
    client = make_client("devicefarm")
    pages_ = Endless(client, "ListJobs", {"jobs": []})
    with pytest.raises(ServiceError) as info:
        DeviceFarm(client).list_jobs(RUN)
    _repeated(info.value, "ListJobs")
    assert len(pages_.calls) == 2


@pytest.mark.parametrize(("arn", "api"), [(RUN, "ListJobs"), (JOB, "ListSuites")])
def test_failed_tests_stops_at_a_repeated_token(arn: str, api: str) -> None:
    client = make_client("devicefarm")
    key = {"ListJobs": "jobs", "ListSuites": "suites"}[api]
    pages_ = Endless(client, api, {key: []})
    with pytest.raises(ServiceError) as info:
        DeviceFarm(client).failed_tests(arn)
    _repeated(info.value, api)
    assert len(pages_.calls) == 2


def test_failed_tests_stops_at_a_repeated_token_of_list_tests() -> None:
    client = make_client("devicefarm")
    suite = JOB.replace(":job:", ":suite:") + "/00001"
    counters = {"failed": 1, "total": 1}

    def one_page(**_: object) -> tuple[AWSResponse, dict[str, Any]]:  # then no token
        return (
            AWSResponse("https://aws.invalid", 200, HTTPHeaders(), None),
            {"suites": [{"arn": suite, "counters": counters}]},
        )

    client.meta.events.register("before-call.device-farm.ListSuites", one_page)
    tests = Endless(client, "ListTests", {"tests": []})
    with pytest.raises(ServiceError) as info:
        DeviceFarm(client).failed_tests(JOB)
    _repeated(info.value, "ListTests")
    assert len(tests.calls) == 2


@pytest.mark.parametrize("method", ["list_job_executions", "thing_outcomes"])
def test_iot_listings_stop_at_a_repeated_token(method: str) -> None:
    client = make_client("iot", region_name="us-east-1")
    pages_ = Endless(client, "ListJobExecutionsForJob", {"executionSummaries": []})
    with pytest.raises(ServiceError) as info:
        getattr(IoT(client), method)("ota-1")
    _repeated(info.value, "ListJobExecutionsForJob")
    assert len(pages_.calls) == 2


@pytest.mark.parametrize("flavour", ["sync", "aio"])
def test_a_batched_sweep_stops_at_a_repeated_token(flavour: str) -> None:
    client = make_client("iot", region_name="us-east-1")
    pages_ = Endless(client, "ListJobExecutionsForJob", {"executionSummaries": []})
    policy = FakeClock().policy(timeout=3600)
    if flavour == "sync":
        iot = IoT(client)
        targets = [iot.job_execution("ota-1", f"thing-{i}") for i in range(3)]
        results = wait_all(targets, policy=policy)
    else:

        async def main() -> list[Any]:
            iot = aio.IoT(client)
            targets = [iot.job_execution("ota-1", f"thing-{i}") for i in range(3)]
            return await aio.wait_all(targets, policy=policy)

        results = asyncio.run(main())
    assert len(pages_.calls) == 2  # one sweep, two pages: the waits end, not the deadline
    for result in results:
        assert result.outcome is None
        assert result.error is not None
        _repeated(result.error, "ListJobExecutionsForJob")


def test_the_command_summary_says_it_could_not_read_more() -> None:
    client = make_client("iot", region_name="us-east-1")
    pages_ = Endless(client, "ListJobExecutionsForJob", {"executionSummaries": []})
    job = structure(
        {
            "jobId": "ota-1",
            "status": "COMPLETED",
            "targetSelection": "SNAPSHOT",
            "jobProcessDetails": {"numberOfFailedThings": 2, "numberOfSucceededThings": 1},
        },
        iot_models.Job,
    )
    lines = summary_lines(
        job, what="IoT job ota-1", outcome="FAILED", context=Context(facade=IoT(client))
    )
    assert len(pages_.calls) == 2
    said = [line for line in lines if "could not read more" in line]
    assert len(said) == 1
    assert "ListJobExecutionsForJob for IoT job ota-1 repeated its nextToken" in said[0]


# Endless distinct tokens: the page bound (sans-I/O, so 10,000 pages take no network).


def test_pages_stop_after_max_pages_of_new_tokens() -> None:
    flow = pages(IOT_LIST_EXECUTIONS, "IoT job ota-1", {"jobId": "ota-1"})
    ask = next(flow)
    asked = 1

    def read_on() -> None:
        nonlocal ask, asked
        while True:
            ask = flow.send({"executionSummaries": [], "nextToken": f"token-{asked}"})
            asked += 1

    with pytest.raises(ServiceError) as info:
        read_on()
    assert asked == MAX_PAGES
    assert ask.params["nextToken"] == f"token-{MAX_PAGES - 1}"
    error = info.value
    assert error.code == "TooManyPages"
    assert f"{MAX_PAGES} pages" in str(error)
    assert "narrow the listing" in str(error)


def test_paging_remembers_tokens_by_hash_not_by_value() -> None:
    paging = Paging("ListTests", "Device Farm suite s")
    for n in range(100):
        assert paging.next_token({"nextToken": f"{n}" + "y" * 100_000}) is not None
    assert all(isinstance(seen, int) for seen in paging._seen)  # pyright: ignore[reportPrivateUsage]
    assert paging.next_token({"nextToken": ""}) is None
    assert paging.next_token({}) is None


def test_a_token_that_is_not_text_is_a_malformed_response() -> None:
    with pytest.raises(ServiceError) as info:
        Paging("ListJobs", "Device Farm run r").next_token({"nextToken": 12})
    assert info.value.code == "MalformedResponse"
    assert info.value.answered is True or info.value.retryable
