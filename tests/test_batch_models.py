"""AWS Batch models: every botocore member, canned scenarios, round trips, outcomes, redaction.

This file names the API operations itself (it predates Batch's rows in the operation table;
the registry's generic tests cover them through ``jobkit._stubs.OPERATIONS`` too).
"""

from __future__ import annotations

import copy
import json
import math
import pickle
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import botocore.session
import pytest
from botocore.model import Shape, StructureShape
from botocore.stub import Stubber
from botocore.validate import ParamValidator
from hypothesis import given
from hypothesis import strategies as st

from drift import missing, undeclared
from helpers import make_client, on_pinned_botocore
from jobkit import AwsEnum, Outcome, Resource, extras, structure, unstructure
from jobkit import batch as models
from jobkit._convert._model import Model
from jobkit._convert._names import camel_case
from jobkit.batch import _models
from jobkit.errors import ConversionError
from strategies import from_shape, json_values, unknown_members

S, F, C = Outcome.SUCCEEDED, Outcome.FAILED, Outcome.CANCELLED

STUBS = Path(__file__).resolve().parent.parent / "stubs" / "batch"

# boto3 method -> (API operation, response model, the member that holds the resource)
OPERATIONS: dict[str, tuple[str, type[Model], str | None]] = {
    "describe_jobs": ("DescribeJobs", models.DescribeJobsResponse, "jobs"),
    "submit_job": ("SubmitJob", models.SubmitJobResponse, "jobId"),
    "terminate_job": ("TerminateJob", models.TerminateJobResponse, None),
    "list_jobs": ("ListJobs", models.ListJobsResponse, "jobSummaryList"),
}
PARAMS: dict[str, dict[str, Any]] = {
    "describe_jobs": {"jobs": ["4b6a7c2e-1f3d-4e5a-9b8c-0d1e2f3a4b05"]},
    "submit_job": {"jobName": "nightly-etl", "jobQueue": "nightly", "jobDefinition": "etl:7"},
    "terminate_job": {
        "jobId": "4b6a7c2e-1f3d-4e5a-9b8c-0d1e2f3a4b08",
        "reason": "Stopped by jobkit",
    },
    "list_jobs": {"jobQueue": "nightly"},
}
REQUIRED_SCENARIOS = {
    "describe_jobs": {
        "minimal",
        "not_found",
        "submitted",
        "runnable",
        "running",
        "succeeded",
        "failed",
        "cancelled",
        "terminated",
        "array_running",
        "unknown_enum",
    },
    "submit_job": {"minimal", "submitted"},
    "terminate_job": {"terminated"},
    "list_jobs": {"page1", "empty"},
}


def _shape(method: str) -> StructureShape:
    model: Any = botocore.session.get_session().get_service_model("batch")  # pyright: ignore[reportUnknownMemberType]
    shape: Any = model.operation_model(OPERATIONS[method][0]).output_shape
    assert isinstance(shape, StructureShape)
    return shape


def _scenarios(method: str) -> list[str]:
    return sorted(p.stem for p in (STUBS / method).glob("*.json"))


def _stub(method: str, scenario: str) -> dict[str, Any]:
    # Batch has no timestamp members (its times are epoch milliseconds, ints), so the JSON
    # is exactly what boto3 returns.
    loaded: dict[str, Any] = json.loads((STUBS / method / f"{scenario}.json").read_text("utf-8"))
    return loaded


def _job(scenario: str, index: int = 0) -> models.JobDetail:
    jobs = structure(_stub("describe_jobs", scenario), models.DescribeJobsResponse).jobs
    assert jobs is not None
    return jobs[index]


CASES = [(m, s) for m in OPERATIONS for s in _scenarios(m)]


# -- every member botocore declares ---------------------------------------------------------


@pytest.mark.parametrize("method", list(OPERATIONS))
def test_models_cover_every_member_botocore_declares(method: str) -> None:
    gaps = missing(_shape(method), OPERATIONS[method][1], method)
    assert [str(g) for g in gaps] == []


@on_pinned_botocore
@pytest.mark.parametrize("method", list(OPERATIONS))
def test_every_attribute_is_a_member_botocore_declares(method: str) -> None:
    assert undeclared(_shape(method), OPERATIONS[method][1], method) == []


def test_the_walk_catches_a_member_missing_deep_down() -> None:
    @attrs.frozen(kw_only=True)
    class _NoReason:
        exit_code: int | None = None

    top: Any = _shape("describe_jobs")
    container: Shape = top.members["jobs"].member.members["attempts"].member.members["container"]
    gaps = {g.path for g in missing(container, _NoReason, "container")}
    assert "container.reason" in gaps
    assert "container.logStreamName" in gaps
    assert "container.exitCode" not in gaps


def test_the_container_id_member_maps_by_the_naming_rule() -> None:
    assert camel_case("container_i_d") == "containerID"
    detail = structure({"containerID": "containerd://0f1e"}, models.EksAttemptContainerDetail)
    assert detail.container_id == "containerd://0f1e"
    assert unstructure(detail) == {"containerID": "containerd://0f1e"}
    assert extras(detail) == {}


def _enum_shapes(shape: Any, seen: set[str]) -> set[str]:
    """The names of the enum shapes reachable from ``shape``."""
    if shape.name in seen:
        return set()
    seen.add(shape.name)
    children: list[Any]
    if shape.type_name == "structure":
        children = list(shape.members.values())
    elif shape.type_name == "list":
        children = [shape.member]
    elif shape.type_name == "map":
        children = [shape.value]
    else:
        return {shape.name} if getattr(shape, "enum", None) else set()
    found: set[str] = set()
    for child in children:
        found |= _enum_shapes(child, seen)
    return found


@on_pinned_botocore  # the floor's botocore declares fewer of Batch's enums
def test_every_enum_botocore_declares_is_a_tolerant_aws_enum() -> None:
    seen: set[str] = set()
    wanted: set[str] = set()
    for method in OPERATIONS:
        wanted |= _enum_shapes(_shape(method), seen)
    declared = {
        name
        for name, v in vars(_models).items()
        if isinstance(v, type) and issubclass(v, AwsEnum) and v is not AwsEnum
    }
    assert declared == wanted
    assert len(declared) == 12
    assert models.LogDriver("json-file") is models.LogDriver.JSON_FILE
    assert (
        models.EksSeccompProfileType("RuntimeDefault")
        is models.EksSeccompProfileType.RUNTIME_DEFAULT
    )


# -- canned scenarios ---------------------------------------------------------------------


def test_every_required_scenario_is_canned() -> None:
    for method, wanted in REQUIRED_SCENARIOS.items():
        assert set(_scenarios(method)) >= wanted, (method, wanted - set(_scenarios(method)))


# botocore marks JobDetail.startedAt required, but Batch sends it only once a job has
# started (moto reproduced that in getmoto/moto#2202; amazonka made it optional in
# brendanhay/amazonka#561). Canned jobs that never started leave it out, as AWS does.
_NOT_YET_STARTED = 'Missing required parameter in jobs[0]: "startedAt"'


@on_pinned_botocore  # the canned jobs carry members the floor's botocore does not declare
@pytest.mark.parametrize(("method", "scenario"), CASES)
def test_stub_is_valid_for_botocore(method: str, scenario: str) -> None:
    response = _stub(method, scenario)
    report: Any = ParamValidator().validate(response, _shape(method))  # pyright: ignore[reportUnknownMemberType]
    problems: list[str] = report.generate_report().splitlines() if report.has_errors() else []
    if problems:
        assert problems == [_NOT_YET_STARTED]
        assert response["jobs"][0]["status"] in {
            "SUBMITTED",
            "PENDING",
            "RUNNABLE",
            "FAILED",
            "PAUSED",
        }
        assert "startedAt" not in response["jobs"][0]
        return
    client = make_client("batch", "us-east-1")
    with Stubber(client) as stubber:
        stubber.add_response(method, copy.deepcopy(response), PARAMS[method])  # pyright: ignore[reportUnknownMemberType]
        got = getattr(client, method)(**PARAMS[method])
    got.pop("ResponseMetadata", None)
    assert got == response


@pytest.mark.parametrize(("method", "scenario"), CASES)
def test_stub_round_trips(method: str, scenario: str) -> None:
    response = _stub(method, scenario)
    model = structure(response, OPERATIONS[method][1])
    assert unstructure(model) == response
    assert extras(model) == {}
    assert structure(unstructure(model), OPERATIONS[method][1]) == model
    assert pickle.loads(pickle.dumps(model)) == model  # noqa: S301 -- our own bytes
    json.dumps(unstructure(model, mode="json"))


def test_not_found_is_an_empty_list() -> None:
    response = structure(_stub("describe_jobs", "not_found"), models.DescribeJobsResponse)
    assert response.jobs == ()


# -- generated responses ------------------------------------------------------------------


def _jobs(model: Model) -> list[models.JobDetail | models.JobSummary]:
    if isinstance(model, models.DescribeJobsResponse):
        return list(model.jobs or ())
    if isinstance(model, models.ListJobsResponse):
        return list(model.job_summary_list or ())
    return []


@pytest.mark.parametrize("method", list(OPERATIONS))
@given(data=st.data())
def test_generated_responses_round_trip_and_derived_values_are_total(
    method: str, data: st.DataObject
) -> None:
    response = data.draw(from_shape(_shape(method)))
    model = structure(response, OPERATIONS[method][1])
    assert unstructure(model) == response
    for job in _jobs(model):
        resource: Resource = job  # both satisfy the protocol the engine waits on
        assert isinstance(resource, Resource)
        assert job.is_terminal == (job.outcome is not None)
        assert isinstance(job.describe(), str)
        if job.status is None or job.status.is_known:  # an unknown status is shown as sent
            assert "\n" not in job.describe()
        assert job.progress is None or 0.0 <= job.progress <= 1.0
        for when in (job.created, job.started, job.stopped):
            assert when is None or when.tzinfo is UTC
        assert job.exit_code is None or isinstance(job.exit_code, int)
    for job in model.jobs or () if isinstance(model, models.DescribeJobsResponse) else ():
        assert job.exit_reason is None or isinstance(job.exit_reason, str)
        assert job.log_group_name is None or job.log_stream_name is not None
        assert isinstance(repr(job), str)


def _extras_by_path(model: Model, path: str = "$") -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    if extras(model):
        found[path] = dict(extras(model))
    for a in attrs.fields(type(model)):
        value = getattr(model, a.name)
        where = f"{path}.{camel_case(a.name)}"
        if isinstance(value, Model):
            found.update(_extras_by_path(value, where))
        elif isinstance(value, tuple):
            for i, item in enumerate(value):  # pyright: ignore[reportUnknownArgumentType, reportUnknownVariableType]
                if isinstance(item, Model):
                    found.update(_extras_by_path(item, f"{where}[{i}]"))
    return found


@pytest.mark.parametrize("method", ["describe_jobs", "list_jobs"])
@given(data=st.data())
def test_unknown_members_at_every_level_are_kept(method: str, data: st.DataObject) -> None:
    shape = _shape(method)
    response = data.draw(from_shape(shape, unknown=True))
    model = structure(response, OPERATIONS[method][1])
    assert _extras_by_path(model) == unknown_members(response, shape)
    assert unstructure(model) == response
    assert structure(unstructure(model), OPERATIONS[method][1]) == model
    json.dumps(unstructure(model, mode="json"))


@given(value=st.text(max_size=20))
def test_unknown_enum_values_are_kept_exactly(value: str) -> None:
    job = structure({"status": value}, models.JobDetail)
    assert isinstance(job.status, models.JobStatus)
    assert job.status == value
    assert job.status.is_known == (value in models.JobStatus._value2member_map_)
    assert unstructure(job) == {"status": value}


def test_unknown_enum_scenario_keeps_the_new_values() -> None:
    job = _job("unknown_enum")
    assert job.status == "PAUSED"
    assert job.status is not None
    assert not job.status.is_known
    assert job.is_terminal is False
    assert job.platform_capabilities is not None
    assert [p.is_known for p in job.platform_capabilities] == [True, False]
    assert job.container is not None
    assert job.container.log_configuration is not None
    assert job.container.log_configuration.log_driver == "otel"
    assert job.log_group_name is None  # no log stream yet


def test_unknown_keys_are_kept() -> None:
    raw = {
        "jobs": [{"status": "RUNNING", "retryBudget": {"left": 2}, "container": {"gpuIds": [0, 1]}}]
    }
    response = structure(raw, models.DescribeJobsResponse)
    job = _only(response)
    assert dict(extras(job)) == {"retryBudget": {"left": 2}}
    assert job.container is not None
    assert dict(extras(job.container)) == {"gpuIds": [0, 1]}
    assert unstructure(response) == raw


def _only(response: models.DescribeJobsResponse) -> models.JobDetail:
    assert response.jobs is not None
    assert len(response.jobs) == 1
    return response.jobs[0]


# -- exact types --------------------------------------------------------------------------

WRONG: list[tuple[dict[str, Any], str, str]] = [
    ({"createdAt": "1767225600000"}, "$.jobs[0].createdAt", "an integer"),
    ({"createdAt": 1767225600000.0}, "$.jobs[0].createdAt", "an integer"),
    ({"startedAt": datetime(2026, 1, 1, tzinfo=UTC)}, "$.jobs[0].startedAt", "an integer"),
    ({"isCancelled": "true"}, "$.jobs[0].isCancelled", "a boolean"),
    ({"isTerminated": 1}, "$.jobs[0].isTerminated", "a boolean"),
    ({"status": 3}, "$.jobs[0].status", "a string (JobStatus)"),
    ({"attempts": {"container": {}}}, "$.jobs[0].attempts", "a list"),
    (
        {"attempts": [{"container": {"exitCode": "1"}}]},
        "$.jobs[0].attempts[0].container.exitCode",
        "an integer",
    ),
    (
        {"arrayProperties": {"statusSummary": {"SUCCEEDED": "3"}}},
        "$.jobs[0].arrayProperties.statusSummary['SUCCEEDED']",
        "an integer",
    ),
    ({"parameters": {"date": 20260101}}, "$.jobs[0].parameters['date']", "a string"),
    ({"container": {"command": ["echo", 1]}}, "$.jobs[0].container.command[1]", "a string"),
    (
        {"container": {"resourceRequirements": [{"type": "GPU", "value": 1}]}},
        "$.jobs[0].container.resourceRequirements[0].value",
        "a string",
    ),
    (
        {"eksAttempts": [{"containers": [{"containerID": 7}]}]},
        "$.jobs[0].eksAttempts[0].containers[0].containerID",
        "a string",
    ),
]


@pytest.mark.parametrize(("job", "path", "expected"), WRONG)
def test_a_member_of_the_wrong_type_is_a_conversion_error(
    job: dict[str, Any], path: str, expected: str
) -> None:
    with pytest.raises(ConversionError) as info:
        structure({"jobs": [job]}, models.DescribeJobsResponse)
    assert info.value.path == path
    assert f"expected {expected}" in str(info.value)
    assert "jobkit.batch.DescribeJobsResponse" in str(info.value)


_BAD = st.one_of(
    json_values,
    st.sampled_from([math.inf, math.nan, 10**400, 1.5e12, "1767225600000", "", True]),
)


def _corrupt(value: Any, data: st.DataObject) -> Any:
    """Replace some members, at any depth, with values of any type."""
    if isinstance(value, dict):
        items: dict[str, Any] = value  # pyright: ignore[reportUnknownVariableType]
        return {
            k: data.draw(_BAD) if data.draw(st.integers(0, 4)) == 0 else _corrupt(v, data)
            for k, v in items.items()
        }
    if isinstance(value, list):
        return [_corrupt(v, data) for v in value]  # pyright: ignore[reportUnknownVariableType]
    return value


@pytest.mark.parametrize("method", ["describe_jobs", "list_jobs"])
@given(data=st.data())
def test_structure_fails_only_with_conversion_error(method: str, data: st.DataObject) -> None:
    raw = _corrupt(data.draw(from_shape(_shape(method))), data)
    failure: ConversionError | None = None
    try:
        model = structure(raw, OPERATIONS[method][1])
    except ConversionError as error:  # anything else fails the test
        failure = error
    else:
        for job in _jobs(model):
            assert isinstance(job.describe(), str)
            assert isinstance(repr(job), str)
    if failure is not None:
        assert failure.path is not None
        assert failure.path.startswith("$")


# -- outcome -------------------------------------------------------------------------------

OUTCOMES: list[tuple[str | None, bool | None, bool | None, str | None, Outcome | None]] = [
    # Columns: status, isCancelled, isTerminated, statusReason, then the outcome.
    ("SUCCEEDED", None, None, "Essential container in task exited", S),
    ("SUCCEEDED", False, True, "Stopped by jobkit", S),  # terminating an ended job changes nothing
    ("FAILED", None, None, "Essential container in task exited", F),
    ("FAILED", False, False, None, F),
    ("FAILED", None, None, "Host EC2 (instance i-0abc) terminated.", F),
    ("FAILED", None, None, "Job attempt duration exceeded timeout", F),
    ("FAILED", None, None, "Terminated by user", F),  # someone's free text is not read
    ("FAILED", None, None, "stopped by jobkit", F),
    ("FAILED", None, None, "Reason: Stopped by jobkit", F),
    ("FAILED", True, None, None, C),
    ("FAILED", None, True, "Superseded", C),
    ("FAILED", True, True, None, C),
    ("FAILED", None, None, "Stopped by jobkit", C),
    ("FAILED", None, None, "Stopped by jobkit: wait timed out", C),
    ("SUBMITTED", None, None, None, None),
    ("PENDING", None, None, None, None),
    ("RUNNABLE", None, None, "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - no c5", None),
    ("STARTING", None, None, None, None),
    ("RUNNING", True, True, "Stopped by jobkit", None),  # asked to stop, not stopped yet
    ("PAUSED", None, None, None, None),
    (None, None, None, None, None),
]


@pytest.mark.parametrize("cls", [models.JobDetail, models.JobSummary])
@pytest.mark.parametrize(("status", "cancelled", "terminated", "reason", "expected"), OUTCOMES)
def test_outcome_table(
    cls: type[Any],
    status: str | None,
    cancelled: bool | None,
    terminated: bool | None,
    reason: str | None,
    expected: Outcome | None,
) -> None:
    raw = {
        k: v
        for k, v in {
            "status": status,
            "isCancelled": cancelled,
            "isTerminated": terminated,
            "statusReason": reason,
        }.items()
        if v is not None
    }
    job = structure(raw, cls)
    assert job.outcome is expected
    assert job.is_terminal is (expected is not None)


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("minimal", None),
        ("submitted", None),
        ("runnable", None),
        ("running", None),
        ("array_running", None),
        ("multinode", None),
        ("unknown_enum", None),
        ("succeeded", S),
        ("array_child", S),
        ("failed", F),
        ("ecs_properties_failed", F),
        ("eks_failed", F),
        ("cancelled", C),
        ("terminated", C),
        ("stopped_by_jobkit", C),
    ],
)
def test_scenario_outcomes(scenario: str, expected: Outcome | None) -> None:
    assert _job(scenario).outcome is expected


def test_the_rule_is_a_plain_function() -> None:
    rule = _models._outcome  # pyright: ignore[reportPrivateUsage]
    assert (
        rule(models.JobStatus.FAILED, is_cancelled=None, is_terminated=None, status_reason=None)
        is F
    )
    assert _models.STOPPED_BY_JOBKIT == "Stopped by jobkit"


# -- one line, progress, why it failed ------------------------------------------------------

DESCRIBED = [
    ("minimal", "SUBMITTED"),
    ("submitted", "SUBMITTED"),
    (
        "runnable",
        (
            "RUNNABLE: CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - Service cannot fulfill the capacity"
            " requested for instance type [c5.large]"
        ),
    ),
    ("running", "RUNNING"),
    ("succeeded", "SUCCEEDED -> SUCCEEDED"),
    ("failed", "FAILED: Essential container in task exited (exit code 1, 2 attempts) -> FAILED"),
    ("cancelled", "FAILED: Superseded by tonight's rerun -> CANCELLED"),
    ("terminated", "FAILED: Stopped by jobkit: wait timed out (exit code 143) -> CANCELLED"),
    ("array_running", "PENDING (4/10 children done, 3 succeeded, 1 failed)"),
    ("ecs_properties_failed", "FAILED: Essential container in task exited (exit code 2) -> FAILED"),
    ("eks_failed", "FAILED: PodFailed (exit code 137) -> FAILED"),
    ("unknown_enum", "PAUSED"),
]


@pytest.mark.parametrize(("scenario", "expected"), DESCRIBED)
def test_describe(scenario: str, expected: str) -> None:
    assert _job(scenario).describe() == expected


def test_describe_keeps_to_one_line_and_names_an_unknown_status() -> None:
    job = models.JobDetail(status_reason="line one\n  line two")
    assert job.describe() == "UNKNOWN: line one line two"


def test_array_progress_counts_ended_children() -> None:
    job = _job("array_running")
    assert job.progress == pytest.approx(0.4)  # pyright: ignore[reportUnknownMemberType]
    assert job.array_properties is not None
    assert job.array_properties.status_summary_last_updated == datetime(
        2026, 1, 1, 0, 10, tzinfo=UTC
    )
    assert _job("running").progress is None
    assert _job("array_child").progress is None  # a child has an index, not a size


@pytest.mark.parametrize(
    ("size", "summary", "expected"),
    [
        (10, {"SUCCEEDED": 10}, 1.0),
        (10, {"SUCCEEDED": 2, "FAILED": 3, "RUNNING": 5}, 0.5),
        (10, {"RUNNING": 10}, 0.0),
        (10, {}, 0.0),
        (4, {"SUCCEEDED": 9}, 1.0),
        (4, {"SUCCEEDED": -3}, 0.0),
        (0, {"SUCCEEDED": 0}, None),
        (None, {"SUCCEEDED": 1}, None),
        (3, None, None),
    ],
)
def test_progress_rule(
    size: int | None, summary: dict[str, int] | None, expected: float | None
) -> None:
    props = models.ArrayPropertiesDetail(size=size, status_summary=summary)
    assert props.progress == (None if expected is None else pytest.approx(expected))  # pyright: ignore[reportUnknownMemberType]
    listed = models.JobSummary(
        array_properties=models.ArrayPropertiesSummary(size=size, status_summary=summary)
    )
    assert listed.progress == props.progress


def test_why_it_failed_reads_the_latest_attempt() -> None:
    job = _job("failed")
    assert job.status_reason == "Essential container in task exited"
    assert job.attempts is not None
    assert job.exit_code == 1
    assert job.exit_reason is None  # the second attempt's container gave no reason
    assert job.attempts[0].container is not None
    assert (
        job.attempts[0].container.reason == "OutOfMemoryError: Container killed due to memory usage"
    )
    assert job.log_stream_name == "etl/default/9f8e7d6c5b4a39281706f5e4d3c2b106"
    assert job.log_group_name == "/aws/batch/job"
    last = job.last_attempt
    assert last is not None
    assert last is job.attempts[-1]
    assert last.started == datetime(2026, 1, 1, 0, 7, 40, tzinfo=UTC)
    assert last.stopped == datetime(2026, 1, 1, 0, 15, 5, tzinfo=UTC)


def test_why_it_failed_finds_the_failed_container_of_a_task() -> None:
    job = _job("ecs_properties_failed")
    assert job.exit_code == 2
    assert job.exit_reason == "Exited with usage error"
    assert job.log_stream_name == "etl/app/aa02"


def test_why_it_failed_reads_eks_attempts() -> None:
    job = _job("eks_failed")
    assert job.exit_code == 137
    assert job.exit_reason == "OOMKilled"
    assert job.log_stream_name is None
    assert job.log_group_name is None
    assert job.eks_attempts is not None
    assert job.eks_attempts[-1].stopped == datetime(2026, 1, 1, 0, 5, tzinfo=UTC)


def test_log_group_follows_the_awslogs_option() -> None:
    job = _job("succeeded")
    assert job.log_group_name == "/etl/nightly"
    assert job.exit_code == 0
    assert job.exit_reason is None


def test_a_job_without_attempts_has_nothing_to_explain() -> None:
    job = _job("submitted")
    assert job.last_attempt is None
    assert (job.exit_code, job.exit_reason, job.log_stream_name, job.log_group_name) == (None,) * 4


def test_listed_jobs_explain_themselves_too() -> None:
    page = structure(_stub("list_jobs", "page1"), models.ListJobsResponse)
    assert page.job_summary_list is not None
    assert [j.describe() for j in page.job_summary_list] == [
        "SUCCEEDED -> SUCCEEDED",
        "FAILED: Essential container in task exited (exit code 1) -> FAILED",
        "FAILED: Superseded by tonight's rerun -> CANCELLED",
        "PENDING (4/10 children done, 3 succeeded, 1 failed)",
        "RUNNING",
    ]
    first = page.job_summary_list[0]
    assert first.scheduled == datetime(2026, 1, 1, 0, 1, 30, tzinfo=UTC)
    assert page.next_token == "eyJtYXJrZXIiOiAiNGI2YTdjMmUifQ=="


# -- timestamps ----------------------------------------------------------------------------


def test_timestamps_stay_epoch_milliseconds_with_datetimes_beside() -> None:
    job = _job("succeeded")
    assert job.created_at == 1767225600000
    assert job.created == datetime(2026, 1, 1, tzinfo=UTC)
    assert job.started == datetime(2026, 1, 1, 0, 1, 35, tzinfo=UTC)
    assert job.stopped == datetime(2026, 1, 1, 0, 21, 35, tzinfo=UTC)
    assert unstructure(job)["createdAt"] == 1767225600000


@pytest.mark.parametrize(
    ("millis", "expected"),
    [
        (1767225600123, datetime(2026, 1, 1, 0, 0, 0, 123000, tzinfo=UTC)),
        (1796298066945, datetime(2026, 12, 3, 11, 41, 6, 945000, tzinfo=UTC)),  # no float rounding
        (0, datetime(1970, 1, 1, tzinfo=UTC)),
        (-1, datetime(1969, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)),
        (2**63 - 1, None),
        (-(2**63), None),
        (None, None),
    ],
)
def test_milliseconds_become_exact_datetimes(millis: int | None, expected: datetime | None) -> None:
    assert models.JobDetail(created_at=millis).created == expected


# -- secrets in repr -----------------------------------------------------------------------


def test_repr_hides_environment_values_and_secret_looking_keys() -> None:
    job = _job("succeeded")
    text = repr(job)
    assert "hunter2-planted" not in text
    assert "name='DB_PASSWORD', value='<redacted>'" in text
    assert "name='STAGE', value='<redacted>'" in text
    assert job.container is not None
    assert job.container.environment is not None
    assert job.container.environment[1].value == "hunter2-planted"  # the value itself is intact
    # A secret's valueFrom is where the secret lives, not the secret: shown.
    assert "secret:etl/api-token-AbCdEf" in text
    assert "'awslogs-group': '/etl/nightly'" in text


def test_repr_hides_secret_looking_map_values() -> None:
    eks = _job("eks_failed")
    text = repr(eks)
    assert "planted-annotation-secret" not in text
    assert "'example.com/api-token': '<redacted>'" in text
    job = structure(
        {
            "parameters": {"date": "2026-01-01", "dbPassword": "p-planted"},
            "tags": {"team": "data", "deployToken": "t-planted"},
            "container": {
                "logConfiguration": {
                    "logDriver": "splunk",
                    "options": {"splunk-token": "s-planted"},
                }
            },
        },
        models.JobDetail,
    )
    text = repr(job)
    for planted in ("p-planted", "t-planted", "s-planted"):
        assert planted not in text
    assert "'date': '2026-01-01'" in text
    assert "'team': 'data'" in text


def test_models_with_maps_stay_hashable() -> None:
    job = _job("succeeded")
    assert {job: 1}[job] == 1


# -- the public module ---------------------------------------------------------------------


def test_public_module_reexports_exactly_the_models() -> None:
    assert models.__all__ == sorted(models.__all__)
    assert models.__all__ == _models.__all__
    assert dir(models) == sorted(models.__all__)
    for name in models.__all__:
        assert getattr(models, name) is getattr(_models, name)
    with pytest.raises(AttributeError, match="NoSuchModel"):
        getattr(models, "NoSuchModel")  # noqa: B009


def test_importing_the_package_builds_no_model() -> None:
    code = (
        "import sys, jobkit.batch as b; before = 'jobkit.batch._models' in sys.modules;"
        " b.JobDetail; print(before, 'jobkit.batch._models' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "True"]
