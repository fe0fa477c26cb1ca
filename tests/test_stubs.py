"""Every canned response is valid for botocore and survives structure -> unstructure unchanged."""

from __future__ import annotations

import copy
from typing import Any, cast

import botocore.session
import pytest
from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.stub import Stubber

from helpers import RESOURCE_KEYS, RESPONSE_MODELS
from jobkit import structure, unstructure
from jobkit._services import operations
from jobkit._stubs import OPERATIONS, load_stub, output_shape, scenarios

TABLE = operations()

CASES = [(svc, op, sc) for (svc, op) in OPERATIONS for sc in scenarios(svc, op)]
REQUIRED_SCENARIOS = {"minimal", "seed_era", "unknown_enum"}
# seed_era replays members an older botocore declared (the seed's published history). CodeBuild
# joined jobkit without such a history: there is no older response of ours to replay, and its
# models follow the pinned botocore from the start (tests/test_drift.py covers them).
NO_SEED_ERA = {("codebuild", "batch_get_builds")}


def _modelled_only(value: Any, shape: Shape) -> Any:
    """Drop members the installed botocore no longer models (seed-era keys)."""
    if isinstance(shape, StructureShape):
        members = shape.members
        return {k: _modelled_only(v, members[k]) for k, v in _items(value) if k in members}
    if isinstance(shape, ListShape):
        return [_modelled_only(v, shape.member) for v in cast("list[Any]", value)]
    if isinstance(shape, MapShape):
        return {k: _modelled_only(v, shape.value) for k, v in _items(value)}
    return value


def _items(value: Any) -> list[tuple[str, Any]]:
    return list(cast("dict[str, Any]", value).items())


def test_every_operation_has_the_required_scenarios() -> None:
    # The table's reads need the full set; list and start calls have what their tests use.
    for svc, op in ((row.service, row.method) for row in TABLE):
        have = set(scenarios(svc, op))
        required = REQUIRED_SCENARIOS - ({"seed_era"} if (svc, op) in NO_SEED_ERA else set())
        assert have >= required, (svc, op, required - have)
        assert len(have) >= 7, (svc, op, have)


@pytest.mark.parametrize(("service", "operation", "scenario"), CASES)
def test_stub_passes_botocore_validation(service: str, operation: str, scenario: str) -> None:
    response = load_stub(service, operation, scenario)
    client = botocore.session.get_session().create_client(
        service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stubber:
        stubber.add_response(
            operation, _modelled_only(copy.deepcopy(response), output_shape(service, operation))
        )
        got = getattr(client, operation)(**_params(service, operation))
    got.pop("ResponseMetadata", None)
    assert got == _modelled_only(response, output_shape(service, operation))


@pytest.mark.parametrize(("service", "operation", "scenario"), CASES)
def test_stub_round_trips(service: str, operation: str, scenario: str) -> None:
    response = load_stub(service, operation, scenario)
    model = structure(response, RESPONSE_MODELS[service, operation])
    assert unstructure(model) == response
    resource = getattr(model, _snake(RESOURCE_KEYS[service, operation]))
    if RESOURCE_KEYS[service, operation] not in response:  # an empty list: AWS omits the member
        assert resource is None
        return
    assert resource is not None
    assert unstructure(resource) == response[RESOURCE_KEYS[service, operation]]


def test_seed_era_members_survive() -> None:
    response = load_stub("devicefarm", "get_remote_access_session", "seed_era")
    session = structure(response, RESPONSE_MODELS["devicefarm", "get_remote_access_session"])
    ras = session.remote_access_session
    assert ras.remote_record_enabled is True
    assert ras.host_address == "10.0.12.34"
    assert ras.client_id == "jobkit-demo-client"
    assert ras.remote_record_app_arn.endswith("ffff0000-1111-2222-3333-444455556666")


def _snake(key: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key)


def _params(service: str, operation: str) -> dict[str, Any]:
    arn = (
        "arn:aws:devicefarm:us-west-2:123456789012:job:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/x/00000"
    )
    branch = {"appId": "d2a4xexample1", "branchName": "main"}
    table: dict[tuple[str, str], dict[str, Any]] = {
        ("devicefarm", "get_run"): {"arn": arn},
        ("devicefarm", "list_runs"): {"arn": arn},
        ("devicefarm", "list_jobs"): {"arn": arn},
        ("devicefarm", "list_suites"): {"arn": arn},
        ("devicefarm", "list_tests"): {"arn": arn},
        ("devicefarm", "list_artifacts"): {"arn": arn, "type": "LOG"},
        ("amplify", "list_jobs"): branch,
        ("amplify", "start_job"): {**branch, "jobType": "RELEASE"},
        ("iot", "list_job_executions_for_job"): {"jobId": "ota"},
        ("devicefarm", "get_job"): {"arn": arn},
        ("devicefarm", "get_remote_access_session"): {"arn": arn},
        ("amplify", "get_job"): {"appId": "d2a4xexample1", "branchName": "main", "jobId": "42"},
        ("iot", "describe_job"): {"jobId": "ota"},
        ("iot", "describe_job_execution"): {"jobId": "ota", "thingName": "sensor-0042"},
        ("codebuild", "batch_get_builds"): {"ids": [_BUILD]},
        ("codebuild", "start_build"): {"projectName": "checkout-web"},
        ("codebuild", "stop_build"): {"id": _BUILD},
        ("codebuild", "list_builds_for_project"): {"projectName": "checkout-web"},
    }
    return table[service, operation]


_BUILD = "checkout-web:1a2b3c42-5c3e-4b1a-9f0d-2e7a6b8c9d0e"
