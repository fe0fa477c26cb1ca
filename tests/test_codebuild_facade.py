"""jobkit.CodeBuild and jobkit.aio.CodeBuild on botocore Stubber lifecycles: get, wait, check,
cancel_on_timeout, start, list, and many builds at once through BatchGetBuilds (100 ids a call).
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest

import jobkit
from helpers import make_client
from jobkit import CodeBuild, Outcome, RateLimit, aio, codebuild
from jobkit.errors import InvalidArgumentError, JobFailedError, NotFoundError, WaitTimeoutError
from jobkit.testing import FakeClock, Stubber, lifecycle, load_stub

BUILD = "checkout-web:1a2b3c42-5c3e-4b1a-9f0d-2e7a6b8c9d0e"
ARN = f"arn:aws:codebuild:us-east-1:123456789012:build/{BUILD}"
ASKED = {"ids": [BUILD]}


def _client() -> Any:
    return make_client("codebuild", "us-east-1")


def test_get_build_reads_it_by_id_or_arn() -> None:
    client = _client()
    with lifecycle(client, "batch_get_builds", ["failed", "failed"], expected_params=ASKED):
        by_id = CodeBuild(client).get_build(BUILD)
        by_arn = CodeBuild(client).get_build(ARN)
    assert by_id == by_arn
    assert by_id.id == BUILD
    assert by_id.outcome is Outcome.FAILED
    assert by_id.failed_phase is not None
    assert by_id.failed_phase.phase_type is codebuild.BuildPhaseType.BUILD


def test_wait_in_progress_to_failed_names_the_failed_phase() -> None:
    client = _client()
    seen: list[str] = []
    clock = FakeClock()
    with lifecycle(client, "batch_get_builds", ["in_progress", "failed"], expected_params=ASKED):
        build = CodeBuild(client).wait_for_build(
            BUILD, policy=clock.policy(), on_update=lambda b: seen.append(b.describe())
        )
    assert build.build_status is codebuild.StatusType.FAILED
    assert build.outcome is Outcome.FAILED
    failed = build.failed_phase
    assert failed is not None
    assert failed.phase_type is codebuild.BuildPhaseType.BUILD
    assert failed.reason == (
        "COMMAND_EXECUTION_ERROR: Error while executing command: npm test. Reason: exit status 1"
    )
    assert seen[0].startswith("IN_PROGRESS (phase ")
    assert seen[-1].endswith("-> FAILED")
    assert clock.sleeps == [10.0]  # the row's first delay: builds are rarely over sooner


def test_check_raises_with_the_build_and_its_phase() -> None:
    client = _client()
    with (
        lifecycle(client, "batch_get_builds", ["in_progress", "timed_out"]),
        pytest.raises(JobFailedError) as info,
    ):
        CodeBuild(client).wait_for_build(BUILD, policy=FakeClock().policy(), check=True)
    assert info.value.resource is not None
    assert info.value.resource.build_status is codebuild.StatusType.TIMED_OUT
    assert f"CodeBuild build {BUILD}" in str(info.value)


@pytest.mark.parametrize(
    ("scenario", "outcome"),
    [("succeeded", Outcome.SUCCEEDED), ("stopped", Outcome.CANCELLED), ("fault", Outcome.FAILED)],
)
def test_each_end(scenario: str, outcome: Outcome) -> None:
    client = _client()
    with lifecycle(client, "batch_get_builds", ["in_progress", scenario]):
        build = CodeBuild(client).wait_for_build(BUILD, policy=FakeClock().policy())
    assert build.outcome is outcome
    assert build.is_terminal


def test_a_build_batch_get_builds_does_not_list_is_not_found_after_the_grace() -> None:
    client = _client()
    clock = FakeClock()
    with (
        lifecycle(client, "batch_get_builds", ["not_found"], repeat_last=True),
        pytest.raises(NotFoundError) as info,
    ):
        CodeBuild(client).wait_for_build(
            "checkout-web:1a2b3c46-5c3e-4b1a-9f0d-2e7a6b8c9d0e",
            policy=clock.policy(not_found_grace=60, min_delay=10, max_delay=10),
        )
    assert "CodeBuild build checkout-web:1a2b3c46" in str(info.value)
    assert 60 <= clock.now <= 70  # polled through the grace, then gave up
    with lifecycle(client, "batch_get_builds", ["not_found"]), pytest.raises(NotFoundError):
        CodeBuild(client).get_build(BUILD)  # a get has no grace


def _timeout_then_stop(client: Any) -> Stubber:
    stubber = Stubber(client)
    for _ in range(3):  # polls at 0, 10 and 20 seconds
        stubber.add_response(
            "batch_get_builds", load_stub("codebuild", "batch_get_builds", "in_progress"), ASKED
        )
    stopping = load_stub("codebuild", "stop_build", "stopping")
    stubber.add_response("stop_build", stopping, {"id": BUILD})  # id=, not ids=[...]
    stubber.add_response(
        "batch_get_builds", load_stub("codebuild", "batch_get_builds", "stopped"), ASKED
    )
    return stubber


def test_cancel_on_timeout_stops_the_build_with_stop_build() -> None:
    client = _client()
    policy = FakeClock().policy(timeout=20, min_delay=10, max_delay=10)
    with _timeout_then_stop(client) as stubber:
        with pytest.raises(WaitTimeoutError) as info:
            CodeBuild(client).wait_for_build(BUILD, policy=policy, cancel_on_timeout=True)
        stubber.assert_no_pending_responses()
    assert str(info.value).endswith(
        "jobkit asked AWS to stop the CodeBuild build (StopBuild) and AWS accepted it; "
        "its status is now STOPPED (BUILD STOPPED) -> CANCELLED."
    )


def test_async_twins() -> None:
    client = _client()

    async def main() -> tuple[codebuild.Build, codebuild.Build, codebuild.Build]:
        cb = aio.CodeBuild(client)
        with Stubber(client) as stubber:
            stubber.add_response("start_build", load_stub("codebuild", "start_build", "queued"))
            for scenario in ("in_progress", "failed", "failed"):
                stubber.add_response(
                    "batch_get_builds", load_stub("codebuild", "batch_get_builds", scenario), ASKED
                )
            started = await cb.start_build("checkout-web")
            assert started.id is not None
            final = await cb.wait_for_build(started.id, policy=FakeClock().policy())
            again = await cb.get_build(ARN)
        return started, final, again

    started, final, again = asyncio.run(main())
    assert started.build_status is codebuild.StatusType.IN_PROGRESS
    assert final.outcome is Outcome.FAILED
    assert again == final


def test_async_cancel_on_timeout_stops_the_build() -> None:
    client = _client()
    policy = FakeClock().policy(timeout=20, min_delay=10, max_delay=10)
    with (
        _timeout_then_stop(client),
        pytest.raises(WaitTimeoutError, match=r"\(StopBuild\) and AWS accepted it"),
    ):
        asyncio.run(
            aio.CodeBuild(client).wait_for_build(BUILD, policy=policy, cancel_on_timeout=True)
        )


def test_start_build_sends_only_what_it_is_given() -> None:
    client = _client()
    expected = {
        "projectName": "checkout-web",
        "sourceVersion": "refs/heads/main",
        "environmentVariablesOverride": [{"name": "STAGE", "value": "ci", "type": "PLAINTEXT"}],
        "timeoutInMinutesOverride": 90,
        "idempotencyToken": "ci-run-17",
    }
    with Stubber(client) as stubber:
        stubber.add_response(
            "start_build", load_stub("codebuild", "start_build", "queued"), expected
        )
        stubber.add_response(
            "start_build",
            load_stub("codebuild", "start_build", "minimal"),
            {"projectName": "checkout-web"},
        )
        build = CodeBuild(client).start_build(
            "arn:aws:codebuild:us-east-1:123456789012:project/checkout-web",
            source_version="refs/heads/main",
            environment_variables={"STAGE": "ci"},
            timeout_in_minutes=90,
            idempotency_token="ci-run-17",
        )
        bare = CodeBuild(client).start_build("checkout-web")
        stubber.assert_no_pending_responses()
    assert build.id == bare.id == BUILD
    assert build.current_phase == "QUEUED"


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"project_name": "x"}, "project_name 'x' is not a CodeBuild project name"),
        ({"project_name": "my project"}, "whitespace"),
        ({"project_name": "p" * 151}, "is too long"),
        ({"project_name": "arn:aws:s3:::bucket/x"}, "is an S3 ARN"),
        ({"project_name": "checkout-web", "source_version": ""}, "source_version is empty"),
        ({"project_name": "checkout-web", "source_version": "main\n"}, "whitespace"),
        ({"project_name": "checkout-web", "environment_variables": [("A", "1")]}, "a dict"),
        (
            {"project_name": "checkout-web", "environment_variables": {"CODEBUILD_X": "1"}},
            "reserves",
        ),
        ({"project_name": "checkout-web", "environment_variables": {"A B": "1"}}, "whitespace"),
        ({"project_name": "checkout-web", "environment_variables": {"A": 1}}, "as text"),
        ({"project_name": "checkout-web", "timeout_in_minutes": 4}, "from 5 to 2160"),
        ({"project_name": "checkout-web", "timeout_in_minutes": 2161}, "from 5 to 2160"),
        ({"project_name": "checkout-web", "timeout_in_minutes": True}, "from 5 to 2160"),
        ({"project_name": "checkout-web", "idempotency_token": ""}, "idempotency_token is empty"),
    ],
)
def test_start_build_refuses_bad_input_before_any_request(
    kwargs: dict[str, Any], fragment: str
) -> None:
    client = _client()
    with Stubber(client), pytest.raises(InvalidArgumentError) as info:
        CodeBuild(client).start_build(**kwargs)
    assert fragment in str(info.value)
    assert str(info.value).endswith(".")


def test_list_builds_for_project_reads_every_page() -> None:
    client = _client()
    with Stubber(client) as stubber:
        stubber.add_response(
            "list_builds_for_project",
            load_stub("codebuild", "list_builds_for_project", "page"),
            {"projectName": "checkout-web"},
        )
        stubber.add_response(
            "list_builds_for_project",
            load_stub("codebuild", "list_builds_for_project", "last"),
            {"projectName": "checkout-web", "nextToken": "eyJpZCI6IjQ1In0="},
        )
        ids = CodeBuild(client).list_builds_for_project("checkout-web")
        stubber.assert_no_pending_responses()
    assert len(ids) == 6
    assert ids[0] == "checkout-web:1a2b3c47-5c3e-4b1a-9f0d-2e7a6b8c9d0e"
    assert all(isinstance(i, str) for i in ids)
    with lifecycle(client, "list_builds_for_project", ["empty"]):
        assert CodeBuild(client).list_builds_for_project("checkout-web") == ()


def _batch(scenario: str, ids: list[str]) -> dict[str, Any]:
    """One BatchGetBuilds answer: the scenario's build, once per id."""
    template = load_stub("codebuild", "batch_get_builds", scenario)["builds"][0]
    builds: list[dict[str, Any]] = []
    for build_id in ids:
        build = copy.deepcopy(template)
        build["id"] = build_id
        build["arn"] = f"arn:aws:codebuild:us-east-1:123456789012:build/{build_id}"
        builds.append(build)
    return {"builds": builds}


def test_as_completed_reads_150_builds_in_two_batch_get_builds_calls_a_sweep() -> None:
    client = _client()
    cb = CodeBuild(client)
    ids = [f"checkout-web:{n:08x}-5c3e-4b1a-9f0d-2e7a6b8c9d0e" for n in range(150)]
    first, rest = ids[:100], ids[100:]
    clock = FakeClock()
    with Stubber(client) as stubber:
        # Sweep 1: all running. Sweep 2: the first hundred succeeded, the rest failed.
        stubber.add_response("batch_get_builds", _batch("in_progress", first), {"ids": first})
        stubber.add_response("batch_get_builds", _batch("in_progress", rest), {"ids": rest})
        stubber.add_response("batch_get_builds", _batch("succeeded", first), {"ids": first})
        stubber.add_response("batch_get_builds", _batch("failed", rest), {"ids": rest})
        results = list(
            jobkit.as_completed(
                [cb.build(i) for i in ids],
                policy=clock.policy(),
                rate=RateLimit(per_second=1000),
                max_workers=1,
            )
        )
        stubber.assert_no_pending_responses()  # four calls in all: no per-build read
    assert len(results) == 150
    outcomes = {r.target.ids[0]: r.outcome for r in results}
    assert {outcomes[i] for i in first} == {Outcome.SUCCEEDED}
    assert {outcomes[i] for i in rest} == {Outcome.FAILED}
    assert all(r.error is None and r.resource is not None for r in results)
    failed = next(r.resource for r in results if r.outcome is Outcome.FAILED)
    assert failed is not None
    assert failed.failed_phase is not None  # the batch's items are whole builds


def test_many_at_once_a_missing_build_is_not_found_and_the_others_end() -> None:
    client = _client()
    cb = CodeBuild(client)
    gone = "checkout-web:1a2b3c46-5c3e-4b1a-9f0d-2e7a6b8c9d0e"
    with lifecycle(client, "batch_get_builds", [_batch("succeeded", [BUILD])], repeat_last=True):
        results = jobkit.wait_all(
            [cb.build(BUILD), cb.build(gone)],
            policy=FakeClock().policy(not_found_grace=0),
            max_workers=1,
        )
    assert results[0].outcome is Outcome.SUCCEEDED
    assert isinstance(results[1].error, NotFoundError)


def test_the_facade_needs_a_codebuild_client() -> None:
    with pytest.raises(InvalidArgumentError, match=r"needs a boto3 'codebuild' client"):
        CodeBuild(make_client("amplify"))
    assert CodeBuild.BUILD_POLICY.timeout == 8 * 3600
    assert repr(CodeBuild(_client()).build(ARN)) == f"<Target CodeBuild build {BUILD}>"


def test_a_build_state_change_event_names_the_build() -> None:
    from jobkit.codebuild._events import EVENT_PATTERN, recognise  # noqa: PLC0415

    event = {
        "source": "aws.codebuild",
        "detail-type": "CodeBuild Build State Change",
        "time": "2026-12-03T11:39:58Z",
        "detail": {"build-status": "FAILED", "project-name": "checkout-web", "build-id": ARN},
    }
    [wake] = recognise(event)
    events = CodeBuild(_client()).build(ARN).bound.operation.events
    assert events is not None
    assert wake.key == ("codebuild", BUILD) == events.key((BUILD,))  # what a wait watches
    assert wake.status == "FAILED"
    assert recognise({**event, "source": "aws.amplify"}) == ()
    assert recognise({**event, "detail": {"build-id": 7}}) == ()
    assert EVENT_PATTERN == {
        "source": ["aws.codebuild"],
        "detail-type": ["CodeBuild Build State Change"],
    }
