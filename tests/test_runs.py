"""Device Farm runs: lifecycles through the Stubber, the run's jobs over pages, failed tests."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest

from helpers import make_client, on_pinned_botocore
from jobkit import DeviceFarm, Outcome, aio, devicefarm
from jobkit.errors import InvalidArgumentError, JobFailedError
from jobkit.testing import FakeClock, Stubber, lifecycle

if TYPE_CHECKING:
    from collections.abc import Callable

P = "5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23"
R = "0fcac17b-6122-44d7-ae5a-12345EXAMPLE"
A = "arn:aws:devicefarm:us-west-2:123456789012"
RUN = f"{A}:run:{P}/{R}"
JOB = f"{A}:job:{P}/{R}/00000"


def _client() -> Any:
    return make_client("devicefarm")


@pytest.mark.parametrize(
    ("final", "outcome"),
    [
        ("passed", Outcome.SUCCEEDED),
        ("warned", Outcome.SUCCEEDED),
        ("failed", Outcome.FAILED),
        ("errored", Outcome.FAILED),
        ("stopped", Outcome.CANCELLED),
        ("skipped", Outcome.CANCELLED),
    ],
)
def test_run_lifecycle_ends_in_each_outcome(final: str, outcome: Outcome) -> None:
    client = _client()
    seen: list[str] = []
    clock = FakeClock()
    steps = ["pending", "scheduling", "running", "running_half", final]
    with lifecycle(client, "get_run", steps, expected_params={"arn": RUN}):
        run = DeviceFarm(client).wait_for_run(
            RUN, policy=clock.policy(timeout=3600), on_update=lambda r: seen.append(r.describe())
        )
    assert run.outcome is outcome
    assert run.is_terminal
    assert seen[0] == "PENDING (0/2 jobs)"
    assert seen[2] == "RUNNING (0/2 jobs, 11/24 tests, 10 passed, 1 warned)"
    assert seen[3] == "RUNNING (1/2 jobs, 19/24 tests, 17 passed, 1 failed, 1 warned)"
    assert seen[-1].endswith(f"-> {outcome}")


def test_run_progress_takes_the_further_of_jobs_and_tests() -> None:
    run = devicefarm.Run(
        status=devicefarm.ExecutionStatus.RUNNING,
        total_jobs=4,
        completed_jobs=1,
        counters=devicefarm.Counters(total=10, passed=5),
    )
    assert run.progress == 0.5
    assert devicefarm.Run(status=devicefarm.ExecutionStatus.RUNNING, total_jobs=4).progress == 0.0
    assert devicefarm.Run(status=devicefarm.ExecutionStatus.RUNNING).progress is None
    assert devicefarm.Run(status=devicefarm.ExecutionStatus.PENDING, total_jobs=4).progress is None


def test_run_check_raises_with_the_final_run() -> None:
    client = _client()
    with lifecycle(client, "get_run", ["running", "failed"]), pytest.raises(JobFailedError) as info:
        DeviceFarm(client).wait_for_run(RUN, policy=FakeClock().policy(), check=True)
    assert info.value.resource.result is devicefarm.ExecutionResult.FAILED
    assert "Device Farm run" in str(info.value)


@on_pinned_botocore  # insights and friends are newer than the floor's botocore
def test_get_run_has_every_member_and_hides_secrets() -> None:
    client = _client()
    with lifecycle(client, "get_run", ["passed"]):
        run = DeviceFarm(client).get_run(RUN)
    assert run.total_jobs == run.completed_jobs == 2
    assert run.network_profile is not None
    assert run.network_profile.type is devicefarm.NetworkProfileType.CURATED
    assert run.insights is not None
    assert run.insights.job_report is not None
    assert run.environment_variables is not None
    assert run.environment_variables[0].value == "s3cr3t-token-value"
    text = repr(run)
    assert "s3cr3t-token-value" not in text
    assert "X-Amz-Signature" not in text


def test_run_jobs_over_three_pages() -> None:
    client = _client()
    with lifecycle(client, "list_jobs", ["page1", "page2", "page3"]) as stubber:
        jobs = DeviceFarm(client).list_jobs(RUN)
    assert [j.name for j in jobs] == ["Google Pixel 8", "Samsung Galaxy S24", "OnePlus 12"]
    assert all(isinstance(j, devicefarm.Job) for j in jobs)
    assert stubber is not None


def test_run_jobs_ask_for_each_next_page() -> None:
    client = _client()
    stubbed = [("page1", {"arn": RUN}), ("page2", {"arn": RUN, "nextToken": "page-2"})]
    stubbed.append(("page3", {"arn": RUN, "nextToken": "page-3"}))

    from jobkit.testing import load_stub  # noqa: PLC0415

    with Stubber(client) as stubber:
        for scenario, params in stubbed:
            stubber.add_response(
                "list_jobs", load_stub("devicefarm", "list_jobs", scenario), params
            )
        assert len(DeviceFarm(client).list_jobs(RUN)) == 3
        stubber.assert_no_pending_responses()


def _failed_tests_script(client: Any) -> Any:

    from jobkit.testing import load_stub  # noqa: PLC0415

    stubber = Stubber(client)
    for scenario in ("page1", "page2", "page3"):
        stubber.add_response("list_jobs", load_stub("devicefarm", "list_jobs", scenario))
    # Pixel (job 0): its Tests Suite failed; Galaxy (job 1): its Login Suite errored.
    # OnePlus (job 2) passed: its counters rule it out, so it is never listed further.
    stubber.add_response(
        "list_suites",
        load_stub("devicefarm", "list_suites", "pixel"),
        {"arn": f"{RUN}".replace(":run:", ":job:") + "/00000"},
    )
    stubber.add_response(
        "list_tests",
        load_stub("devicefarm", "list_tests", "pixel_tests"),
        {"arn": f"{A}:suite:{P}/{R}/00000/00001"},
    )
    stubber.add_response(
        "list_suites",
        load_stub("devicefarm", "list_suites", "galaxy"),
        {"arn": f"{A}:job:{P}/{R}/00001"},
    )
    stubber.add_response(
        "list_tests",
        load_stub("devicefarm", "list_tests", "galaxy_login"),
        {"arn": f"{A}:suite:{P}/{R}/00001/00001"},
    )
    return stubber


def test_failed_tests_across_two_devices_and_two_suites() -> None:
    client = _client()
    with _failed_tests_script(client) as stubber:
        failed = DeviceFarm(client).failed_tests(RUN)
        stubber.assert_no_pending_responses()
    assert [(t.name, t.result) for t in failed] == [
        ("test_payment_declined", devicefarm.ExecutionResult.FAILED),
        ("test_login_sso", devicefarm.ExecutionResult.ERRORED),
    ]
    assert [t.job_arn for t in failed] == [f"{A}:job:{P}/{R}/00000", f"{A}:job:{P}/{R}/00001"]
    assert [t.suite_arn for t in failed] == [
        f"{A}:suite:{P}/{R}/00000/00001",
        f"{A}:suite:{P}/{R}/00001/00001",
    ]
    assert failed[0].message == "AssertionError: expected 'Declined' on screen"
    assert failed[0].run_arn == RUN


def test_failed_tests_async_is_the_same() -> None:
    client = _client()
    with _failed_tests_script(client):
        failed = asyncio.run(aio.DeviceFarm(client).failed_tests(RUN))
    assert [t.name for t in failed] == ["test_payment_declined", "test_login_sso"]


def test_failed_tests_of_one_job_lists_its_suites() -> None:
    client = _client()

    from jobkit.testing import load_stub  # noqa: PLC0415

    with Stubber(client) as stubber:
        stubber.add_response(
            "list_suites", load_stub("devicefarm", "list_suites", "pixel"), {"arn": JOB}
        )
        stubber.add_response("list_tests", load_stub("devicefarm", "list_tests", "pixel_tests"))
        failed = DeviceFarm(client).failed_tests(JOB)
    assert [t.name for t in failed] == ["test_payment_declined"]


BAD_ARNS: list[tuple[Callable[[DeviceFarm], object], str]] = [
    (
        lambda df: df.get_run(JOB),
        "is a Device Farm job ARN, not a run ARN; pass the ARN of the run",
    ),
    (lambda df: df.wait_for_run(JOB), "not a run ARN"),
    (lambda df: df.run(JOB), "not a run ARN"),
    (lambda df: df.list_jobs(JOB), "run_arn"),
    (lambda df: df.get_job(RUN), "is a Device Farm run ARN, not a job ARN"),
    (lambda df: df.failed_tests(f"{A}:suite:{P}/{R}/00000/00001"), "not a run or job ARN"),
    (
        lambda df: df.failed_tests("arn:aws:iot:us-east-1:123456789012:job/ota"),
        "not a Device Farm one",
    ),
]


@pytest.mark.parametrize(("call", "fragment"), BAD_ARNS)
def test_run_and_job_arns_are_refused_where_the_other_is_meant(
    call: Callable[[DeviceFarm], object], fragment: str
) -> None:
    client = _client()
    with lifecycle(client, "get_run", []), pytest.raises(InvalidArgumentError) as info:
        call(DeviceFarm(client))
    assert fragment in str(info.value)
    assert len(str(info.value)) < 300


def test_run_handle_batches_through_list_runs() -> None:
    target = DeviceFarm(_client()).run(RUN)
    batch = target.bound.operation.batch
    assert batch is not None
    assert batch.method == "list_runs"
    assert batch.parent(target.bound.ids) == {"arn": f"{A}:project:{P}"}
    assert batch.full
