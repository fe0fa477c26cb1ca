"""CodeBuild models against botocore's own shapes: coverage, canned scenarios, round trips, rules.

The operation table does not list CodeBuild yet (issue 18's restructure registers it), so
this module names the API operations itself instead of going through ``jobkit._stubs``.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import typing
from datetime import datetime
from typing import Any, cast

import attrs
import botocore.session
import pytest
from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.stub import Stubber
from botocore.utils import parse_to_aware_datetime
from hypothesis import given
from hypothesis import strategies as st

from drift import missing, undeclared
from helpers import make_client, on_pinned_botocore
from jobkit import Outcome, codebuild, extras, structure, unstructure
from jobkit._convert._model import Model
from jobkit._convert._names import camel_case
from jobkit._convert._redact import redact_secret
from jobkit._stubs import stubs_dir
from jobkit.errors import ConversionError
from strategies import from_shape, unknown_members

S, F, C = Outcome.SUCCEEDED, Outcome.FAILED, Outcome.CANCELLED

# boto3 method -> (API operation, response model, a valid request for botocore's Stubber)
OPERATIONS: dict[str, tuple[str, type[Model], dict[str, Any]]] = {
    "batch_get_builds": (
        "BatchGetBuilds",
        codebuild.BatchGetBuildsResponse,
        {"ids": ["checkout-web:1a2b3c42-5c3e-4b1a-9f0d-2e7a6b8c9d0e"]},
    ),
    "start_build": ("StartBuild", codebuild.StartBuildResponse, {"projectName": "checkout-web"}),
    "stop_build": (
        "StopBuild",
        codebuild.StopBuildResponse,
        {"id": "checkout-web:1a2b3c42-5c3e-4b1a-9f0d-2e7a6b8c9d0e"},
    ),
    "list_builds_for_project": (
        "ListBuildsForProject",
        codebuild.ListBuildsForProjectResponse,
        {"projectName": "checkout-web"},
    ),
}


def _shape(operation: str) -> StructureShape:
    model = botocore.session.get_session().get_service_model("codebuild")
    shape = model.operation_model(OPERATIONS[operation][0]).output_shape
    assert isinstance(shape, StructureShape)
    return shape


def _scenarios(operation: str) -> list[str]:
    return sorted(p.stem for p in (stubs_dir() / "codebuild" / operation).glob("*.json"))


def _revive(value: Any, shape: Shape | None) -> Any:
    """JSON timestamps back into datetimes, as boto3 returns them (what jobkit._stubs does)."""
    if isinstance(shape, StructureShape):
        items = cast("dict[str, Any]", value).items()
        return {k: _revive(v, shape.members.get(k)) for k, v in items}
    if isinstance(shape, ListShape):
        return [_revive(v, shape.member) for v in cast("list[Any]", value)]
    if isinstance(shape, MapShape):
        return {k: _revive(v, shape.value) for k, v in cast("dict[str, Any]", value).items()}
    if shape is not None and shape.type_name == "timestamp":
        return parse_to_aware_datetime(value)
    return value


def load(operation: str, scenario: str) -> dict[str, Any]:
    path = stubs_dir() / "codebuild" / operation / f"{scenario}.json"
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    revived: dict[str, Any] = _revive(raw, _shape(operation))
    return revived


def build(scenario: str) -> codebuild.Build:
    builds = structure(load("batch_get_builds", scenario), codebuild.BatchGetBuildsResponse).builds
    assert builds is not None
    return builds[0]


CASES = [(op, sc) for op in OPERATIONS for sc in _scenarios(op)]


# -- every member botocore declares has an attribute ------------------------------------------


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_models_cover_botocore(operation: str) -> None:
    gaps = missing(_shape(operation), OPERATIONS[operation][1], operation)
    assert [str(g) for g in gaps] == []


@on_pinned_botocore
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_every_attribute_is_a_botocore_member(operation: str) -> None:
    assert undeclared(_shape(operation), OPERATIONS[operation][1], operation) == []


def test_the_drift_walk_reaches_the_nested_shapes() -> None:
    """A model losing a nested member is caught: the walk goes down to PhaseContext."""

    @attrs.frozen(kw_only=True)
    class Context:
        status_code: str | None = None

    phases = _shape("batch_get_builds").members["builds"]
    assert isinstance(phases, ListShape)
    context = cast("StructureShape", phases.member).members["phases"]
    assert isinstance(context, ListShape)
    contexts = cast("StructureShape", context.member).members["contexts"]
    gaps = missing(contexts, tuple[Context, ...], "contexts")
    assert [str(g) for g in gaps] == [
        "contexts[].message: declared by botocore, no attribute on Context"
    ]


# -- canned scenarios -------------------------------------------------------------------------


def test_the_scenarios_the_brief_names_exist() -> None:
    assert set(_scenarios("batch_get_builds")) >= {
        "in_progress",
        "succeeded",
        "failed",
        "fault",
        "timed_out",
        "stopped",
        "not_found",
        "minimal",
        "unknown_enum",
    }
    assert _scenarios("start_build") != []
    assert _scenarios("stop_build") != []


@on_pinned_botocore  # the canned builds carry members the floor's botocore does not declare
@pytest.mark.parametrize(("operation", "scenario"), CASES)
def test_stub_passes_botocore_validation(operation: str, scenario: str) -> None:
    response = load(operation, scenario)
    client = make_client("codebuild", "us-east-1")
    with Stubber(client) as stubber:
        stubber.add_response(operation, copy.deepcopy(response), OPERATIONS[operation][2])
        got = getattr(client, operation)(**OPERATIONS[operation][2])
    got.pop("ResponseMetadata", None)
    assert got == response


@pytest.mark.parametrize(("operation", "scenario"), CASES)
def test_stub_round_trips(operation: str, scenario: str) -> None:
    response = load(operation, scenario)
    model = structure(response, OPERATIONS[operation][1])
    assert unstructure(model) == response
    assert extras(model) == {}


@on_pinned_botocore
def test_the_full_scenario_sets_every_build_member() -> None:
    raw = load("batch_get_builds", "succeeded")["builds"][0]
    assert set(raw) == set(cast("StructureShape", _build_shape()).members)


def _build_shape() -> Shape:
    builds = _shape("batch_get_builds").members["builds"]
    assert isinstance(builds, ListShape)
    return builds.member


# -- generated responses ----------------------------------------------------------------------

# StopBuild answers with the same Build shape as StartBuild: generating it twice buys nothing.
GENERATED = ["batch_get_builds", "start_build", "list_builds_for_project"]


@pytest.mark.parametrize("operation", GENERATED)
@given(data=st.data())
def test_generated_responses_round_trip(operation: str, data: st.DataObject) -> None:
    response = data.draw(from_shape(_shape(operation)))
    model = structure(response, OPERATIONS[operation][1])
    assert unstructure(model) == response
    for found in _builds(model):
        # The derived properties are total: they never raise, whatever the statuses.
        assert found.is_terminal == (found.outcome is not None)
        assert isinstance(found.describe(), str)
        assert found.failed_phase is None or found.failed_phase in (found.phases or ())


@pytest.mark.parametrize("operation", GENERATED)
@given(data=st.data())
def test_unknown_members_at_every_level_are_kept(operation: str, data: st.DataObject) -> None:
    shape = _shape(operation)
    response = data.draw(from_shape(shape, unknown=True))
    model = structure(response, OPERATIONS[operation][1])
    assert _extras_by_path(model) == unknown_members(response, shape)
    assert unstructure(model) == response
    again = structure(unstructure(model), OPERATIONS[operation][1])
    assert again == model
    assert hash(again) == hash(model)
    json.dumps(unstructure(model, mode="json"))
    assert isinstance(repr(model), str)


def _builds(model: Model) -> list[codebuild.Build]:
    if isinstance(model, codebuild.BatchGetBuildsResponse):
        return list(model.builds or ())
    one = getattr(model, "build", None)
    return [one] if isinstance(one, codebuild.Build) else []


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
            for i, item in enumerate(cast("tuple[object, ...]", value)):
                if isinstance(item, Model):
                    found.update(_extras_by_path(item, f"{where}[{i}]"))
    return found


# -- tolerant enums, extras, exact types ------------------------------------------------------


def test_unknown_enum_values_are_kept_exactly() -> None:
    raw = load("batch_get_builds", "unknown_enum")
    found = build("unknown_enum")
    assert isinstance(found.build_status, codebuild.StatusType)
    assert found.build_status == "PAUSED"
    assert found.build_status.is_known is False
    assert found.is_terminal is False
    assert found.outcome is None
    assert found.phases is not None
    verify = found.phases[-1]
    assert isinstance(verify.phase_type, codebuild.BuildPhaseType)
    assert verify.phase_type == "VERIFY"
    assert verify.phase_status == "PENDING_APPROVAL"
    assert found.environment is not None
    assert found.environment.compute_type == "BUILD_GENERAL2_HUGE"
    assert found.environment.compute_type.is_known is False
    assert found.describe() == "PAUSED (phase VERIFY)"
    assert unstructure(found) == raw["builds"][0]


@given(value=st.text(max_size=20))
def test_any_status_string_round_trips(value: str) -> None:
    found = structure({"buildStatus": value}, codebuild.Build)
    assert isinstance(found.build_status, codebuild.StatusType)
    assert found.build_status.value == value
    assert unstructure(found) == {"buildStatus": value}


def test_unknown_keys_are_kept() -> None:
    raw = {
        "builds": [
            {
                "id": "checkout-web:1",
                "buildStatus": "IN_PROGRESS",
                "sandboxConfig": {"enabled": True},
                "phases": [{"phaseType": "BUILD", "retryCount": 2}],
            }
        ],
        "buildsNotFound": [],
        "nextToken": None,
    }
    model = structure(raw, codebuild.BatchGetBuildsResponse)
    assert extras(model) == {"nextToken": None}
    assert model.builds is not None
    assert extras(model.builds[0]) == {"sandboxConfig": {"enabled": True}}
    assert model.builds[0].phases is not None
    assert extras(model.builds[0].phases[0]) == {"retryCount": 2}
    assert unstructure(model) == raw


WRONG: list[tuple[type[Any], Any, str, str]] = [
    (codebuild.Build, {"buildNumber": "42"}, "$.buildNumber", "an integer"),
    (codebuild.Build, {"buildNumber": 4.2}, "$.buildNumber", "an integer"),
    (codebuild.Build, {"buildComplete": "true"}, "$.buildComplete", "a boolean"),
    (codebuild.Build, {"buildComplete": 1}, "$.buildComplete", "a boolean"),
    (codebuild.Build, {"timeoutInMinutes": True}, "$.timeoutInMinutes", "an integer"),
    (codebuild.Build, {"id": 7}, "$.id", "a string"),
    (codebuild.Build, {"buildStatus": 3}, "$.buildStatus", "a string (StatusType)"),
    (codebuild.Build, {"startTime": "yesterday"}, "$.startTime", "an ISO-8601 timestamp"),
    (codebuild.Build, {"phases": {"BUILD": {}}}, "$.phases", "a list"),
    (codebuild.Build, {"phases": ["BUILD"]}, "$.phases[0]", "an object"),
    (
        codebuild.Build,
        {"phases": [{}, {"contexts": [{"message": ["exit 1"]}]}]},
        "$.phases[1].contexts[0].message",
        "a string",
    ),
    (
        codebuild.Build,
        {"phases": [{"durationInSeconds": "187"}]},
        "$.phases[0].durationInSeconds",
        "an integer",
    ),
    (
        codebuild.Build,
        {"environment": {"environmentVariables": [{"name": "A", "value": 5}]}},
        "$.environment.environmentVariables[0].value",
        "a string",
    ),
    (
        codebuild.Build,
        {"environment": {"computeConfiguration": {"vCpu": 4.5}}},
        "$.environment.computeConfiguration.vCpu",
        "an integer",
    ),
    (codebuild.Build, {"reportArns": "arn:aws:codebuild:x"}, "$.reportArns", "a list"),
    (codebuild.Build, {"logs": "https://console"}, "$.logs", "an object"),
    (codebuild.BatchGetBuildsResponse, {"buildsNotFound": [1]}, "$.buildsNotFound[0]", "a string"),
    (codebuild.BatchGetBuildsResponse, {"builds": {}}, "$.builds", "a list"),
    (codebuild.StartBuildResponse, {"build": []}, "$.build", "an object"),
    (codebuild.ListBuildsForProjectResponse, {"nextToken": 2}, "$.nextToken", "a string"),
]


@pytest.mark.parametrize(("model", "raw", "path", "expected"), WRONG)
def test_wrong_types_name_the_path(model: type[Any], raw: Any, path: str, expected: str) -> None:
    with pytest.raises(ConversionError) as info:
        structure(raw, model)
    assert info.value.path == path
    assert f": {path}: expected {expected}" in str(info.value)


def test_types_follow_botocore() -> None:
    found = build("succeeded")
    assert isinstance(found.start_time, datetime)
    assert found.start_time.tzinfo is not None
    assert found.phases is not None
    assert isinstance(found.phases, tuple)
    assert found.environment is not None
    assert found.environment.compute_configuration is not None
    assert found.environment.compute_configuration.v_cpu == 4
    assert found.cache is not None
    assert found.cache.modes == (
        codebuild.CacheMode.LOCAL_DOCKER_LAYER_CACHE,
        codebuild.CacheMode.LOCAL_SOURCE_CACHE,
    )
    assert found.logs is not None
    assert found.logs.s3_deep_link is not None
    assert found.logs.s3_logs is not None
    assert found.logs.s3_logs.status is codebuild.LogsConfigStatusType.ENABLED


# -- outcome, failed phase, describe ----------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("SUCCEEDED", S),
        ("FAILED", F),
        ("FAULT", F),
        ("TIMED_OUT", F),
        ("STOPPED", C),
        ("IN_PROGRESS", None),
        ("PAUSED", None),
        ("succeeded", None),
        ("", None),
        (None, None),
    ],
)
def test_outcome_table(status: str | None, expected: Outcome | None) -> None:
    raw = {} if status is None else {"buildStatus": status}
    found = structure(raw, codebuild.Build)
    assert found.outcome is expected
    assert found.is_terminal is (expected is not None)
    assert found.status is found.build_status


@pytest.mark.parametrize(
    ("scenario", "outcome", "phase", "reason", "line"),
    [
        ("in_progress", None, None, None, "IN_PROGRESS (phase 7/11 BUILD)"),
        ("succeeded", S, None, None, "SUCCEEDED -> SUCCEEDED"),
        (
            "failed",
            F,
            "BUILD",
            "COMMAND_EXECUTION_ERROR: Error while executing command: npm test. Reason: exit status 1",
            (
                "FAILED (BUILD FAILED: COMMAND_EXECUTION_ERROR: Error while executing command: "
                "npm test. Reason: exit status 1) -> FAILED"
            ),
        ),
        (
            "fault",
            F,
            "PROVISIONING",
            "INTERNAL_ERROR: Internal service error while provisioning the build container",
            (
                "FAULT (PROVISIONING FAULT: INTERNAL_ERROR: Internal service error while "
                "provisioning the build container) -> FAILED"
            ),
        ),
        (
            "timed_out",
            F,
            "BUILD",
            "BUILD_TIMED_OUT: Build has timed out.",
            "TIMED_OUT (BUILD TIMED_OUT: BUILD_TIMED_OUT: Build has timed out.) -> FAILED",
        ),
        ("stopped", C, "BUILD", None, "STOPPED (BUILD STOPPED) -> CANCELLED"),
        ("minimal", None, None, None, "IN_PROGRESS"),
    ],
)
def test_scenarios_say_how_and_where(
    scenario: str, outcome: Outcome | None, phase: str | None, reason: str | None, line: str
) -> None:
    found = build(scenario)
    assert found.outcome is outcome
    failed = found.failed_phase
    assert (failed.phase_type if failed else None) == phase
    assert (failed.reason if failed else None) == reason
    assert found.describe() == line


def test_not_found_lists_the_missing_ids() -> None:
    response = structure(load("batch_get_builds", "not_found"), codebuild.BatchGetBuildsResponse)
    assert response.builds == ()
    assert response.builds_not_found == ("checkout-web:1a2b3c46-5c3e-4b1a-9f0d-2e7a6b8c9d0e",)


def _phase(status: str | None, *contexts: tuple[str | None, str | None]) -> dict[str, Any]:
    raw: dict[str, Any] = {"phaseType": "BUILD"}
    if status is not None:
        raw["phaseStatus"] = status
    if contexts:
        raw["contexts"] = [
            {k: v for k, v in {"statusCode": c, "message": m}.items() if v is not None}
            for c, m in contexts
        ]
    return raw


@pytest.mark.parametrize(
    ("phases", "index"),
    [
        ([], None),
        ([_phase("SUCCEEDED"), _phase(None)], None),
        ([_phase("SUCCEEDED"), _phase("IN_PROGRESS")], None),
        ([_phase("SUCCEEDED"), _phase("FAILED"), _phase("FAULT")], 1),
        ([_phase("TIMED_OUT"), _phase("SUCCEEDED")], 0),
        ([_phase("SUCCEEDED"), _phase("STOPPED")], 1),
        ([_phase("SUCCEEDED"), _phase("PENDING_APPROVAL")], 1),  # an unknown end is not success
    ],
)
def test_failed_phase_is_the_first_that_ended_otherwise(
    phases: list[dict[str, Any]], index: int | None
) -> None:
    found = structure({"buildStatus": "FAILED", "phases": phases}, codebuild.Build)
    assert found.phases is not None
    assert found.failed_phase is (None if index is None else found.phases[index])


@pytest.mark.parametrize(
    ("contexts", "reason"),
    [
        ((), None),
        ((("", ""),), None),
        (((None, None),), None),
        ((("  ", "\n"),), None),
        ((("CLIENT_ERROR", ""),), "CLIENT_ERROR"),
        ((("", "exit status 2"),), "exit status 2"),
        ((("A", "one\n  two"),), "A: one two"),
        ((("A", "x"), ("", ""), (None, "y")), "A: x; y"),
    ],
)
def test_reason_joins_what_the_contexts_say(
    contexts: tuple[tuple[str | None, str | None], ...], reason: str | None
) -> None:
    phase = structure(_phase("FAILED", *contexts), codebuild.BuildPhase)
    assert phase.reason == reason


DESCRIBED: list[tuple[dict[str, Any], str]] = [
    ({}, "UNKNOWN"),
    ({"buildStatus": "IN_PROGRESS", "currentPhase": "SUBMITTED"}, "IN_PROGRESS (phase 1/11 SUBMITTED)"),
    ({"buildStatus": "IN_PROGRESS", "currentPhase": "COMPLETED"}, "IN_PROGRESS (phase 11/11 COMPLETED)"),
    ({"buildStatus": "IN_PROGRESS", "phases": [{"phaseType": "INSTALL"}]}, "IN_PROGRESS (phase 5/11 INSTALL)"),
    ({"buildStatus": "IN_PROGRESS", "phases": [{}]}, "IN_PROGRESS"),
    ({"buildStatus": "IN_PROGRESS", "currentPhase": "WARM_UP"}, "IN_PROGRESS (phase WARM_UP)"),
    ({"buildStatus": "SUCCEEDED", "currentPhase": "COMPLETED"}, "SUCCEEDED -> SUCCEEDED"),
    ({"buildStatus": "FAILED"}, "FAILED -> FAILED"),
    ({"buildStatus": "FAILED", "phases": [{"phaseStatus": "FAILED"}]}, "FAILED (UNKNOWN FAILED) -> FAILED"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "line"), DESCRIBED)
def test_describe(raw: dict[str, Any], line: str) -> None:
    assert structure(raw, codebuild.Build).describe() == line


def test_log_link_prefers_cloudwatch() -> None:
    found = build("succeeded")
    assert found.logs is not None
    assert found.log_link == found.logs.deep_link
    s3_only = codebuild.Build(logs=codebuild.LogsLocation(s3_deep_link="https://s3.console/x"))
    assert s3_only.log_link == "https://s3.console/x"
    assert codebuild.Build().log_link is None


# -- redaction --------------------------------------------------------------------------------


def test_variable_values_are_hidden_in_repr_and_intact() -> None:
    found = build("succeeded")
    text = repr(found)
    assert "npm_PLANTEDPLAINTEXTSECRET0001" not in text
    assert "PLANTED-EXPORTED-SECRET-0002" not in text
    assert "name='NPM_TOKEN', value='<redacted>'" in text
    assert "name='DEPLOY_TOKEN', value='<redacted>'" in text
    assert found.environment is not None
    assert found.environment.environment_variables is not None
    assert found.environment.environment_variables[1].value == "npm_PLANTEDPLAINTEXTSECRET0001"
    assert found.exported_environment_variables is not None
    assert found.exported_environment_variables[1].value == "PLANTED-EXPORTED-SECRET-0002"


def test_credentials_in_source_urls_are_hidden() -> None:
    url = "https://oauth2:glpat-PLANTED0003@gitlab.example.com/shop/checkout.git"
    source = codebuild.ProjectSource(type=codebuild.SourceType.GITLAB, location=url)
    assert "glpat-PLANTED0003" not in repr(source)
    assert "'https://gitlab.example.com/shop/checkout.git'" in repr(source)
    assert source.location == url
    logs = codebuild.LogsLocation(deep_link="https://s3.example/log?X-Amz-Signature=PLANTED0004")
    assert "PLANTED0004" not in repr(logs)


def _sensitive_unredacted(shape: Shape, tp: Any, path: str, seen: list[str]) -> list[str]:
    """Members botocore marks sensitive whose attribute does not hide them in ``repr()``."""
    found: list[str] = []
    if isinstance(shape, StructureShape) and isinstance(tp, type) and attrs.has(tp):
        seen.append(shape.name)
        hints = typing.get_type_hints(tp)
        by_key = {camel_case(a.name): a for a in attrs.fields(tp) if not a.name.startswith("_")}
        for key, member in shape.members.items():
            a = by_key[key]
            if member.metadata.get("sensitive") and a.repr is not redact_secret:
                found.append(f"{path}.{key}")
            inner = next(t for t in typing.get_args(hints[a.name]) if t is not type(None))
            found += _sensitive_unredacted(member, inner, f"{path}.{key}", seen)
    elif isinstance(shape, ListShape):
        found += _sensitive_unredacted(shape.member, typing.get_args(tp)[0], f"{path}[]", seen)
    return found


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_botocore_sensitive_members_are_redacted(operation: str) -> None:
    seen: list[str] = []
    shape = _shape(operation)
    assert _sensitive_unredacted(shape, OPERATIONS[operation][1], operation, seen) == []
    if operation == "batch_get_builds":  # the walk did go all the way down
        assert {"Build", "BuildPhase", "PhaseContext", "EnvironmentVariable"} <= set(seen)


# -- the public module ------------------------------------------------------------------------


def test_the_public_module_is_exactly_its_all() -> None:
    assert codebuild.__all__ == sorted(codebuild.__all__)
    assert dir(codebuild) == sorted(codebuild.__all__)
    for name in codebuild.__all__:
        value = getattr(codebuild, name)
        assert value.__module__ == "jobkit.codebuild", name
    with pytest.raises(AttributeError, match="NoSuchThing"):
        getattr(codebuild, "NoSuchThing")  # noqa: B009


def test_importing_the_package_builds_no_model() -> None:
    code = (
        "import sys, jobkit.codebuild as cb; loaded = 'jobkit.codebuild._models' in sys.modules; "
        "cb.Build; print(loaded, 'jobkit.codebuild._models' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "True"]
