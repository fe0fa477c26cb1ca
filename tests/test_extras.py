"""Members a model does not declare are kept: extras(), round trip, equality, hash, repr, evolve."""

from __future__ import annotations

import copy
import json
import pickle
import types
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import jobkit
from helpers import RESPONSE_MODELS
from jobkit import amplify, devicefarm, extras, iot, structure, unstructure
from jobkit._convert._model import Model
from jobkit._convert._names import camel_case
from jobkit._stubs import OPERATIONS, load_stub, output_shape
from jobkit.errors import InvalidArgumentError
from strategies import from_shape, unknown_members


def _extras_by_path(model: Model, path: str = "$") -> dict[str, dict[str, Any]]:
    """Every non-empty extras() in a model tree, by the path of the model that holds it."""
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


@pytest.mark.parametrize(("service", "operation"), list(OPERATIONS))
@given(data=st.data())
def test_unknown_members_at_every_level_are_kept_and_round_trip(
    service: str, operation: str, data: st.DataObject
) -> None:
    shape = output_shape(service, operation)
    response = data.draw(from_shape(shape, unknown=True))
    model = structure(response, RESPONSE_MODELS[service, operation])
    # Where botocore's shape says members are unknown is exactly where the models keep them.
    assert _extras_by_path(model) == unknown_members(response, shape)
    assert unstructure(model) == response
    again = structure(unstructure(model), RESPONSE_MODELS[service, operation])
    assert again == model
    assert hash(again) == hash(model)
    json.dumps(unstructure(model, mode="json"))  # JSON mode stays serialisable
    assert isinstance(repr(model), str)


def test_device_type_arrived_in_botocore_1_44_8() -> None:
    raw = load_stub("devicefarm", "get_remote_access_session", "running")
    ras = structure(raw, devicefarm.GetRemoteAccessSessionResponse).remote_access_session
    assert ras is not None
    assert ras.device is not None
    assert ras.device.type is devicefarm.DeviceType.VIRTUAL
    future = structure({"type": "EMULATED"}, devicefarm.Device)
    assert isinstance(future.type, devicefarm.DeviceType)
    assert future.type == "EMULATED"
    assert future.type.is_known is False
    assert unstructure(future) == {"type": "EMULATED"}


def test_extras_are_camel_case_read_only_and_as_received() -> None:
    nested = {"maxRetries": 2, "when": None}
    job = structure({"status": "RUNNING", "retryPolicy": nested, "shard_index": 3}, devicefarm.Job)
    found = extras(job)
    assert dict(found) == {"retryPolicy": {"maxRetries": 2, "when": None}, "shard_index": 3}
    assert found["retryPolicy"] is nested  # values exactly as received, not copies
    assert isinstance(found, types.MappingProxyType)
    with pytest.raises(TypeError):
        found["x"] = 1  # type: ignore[index]  # pyright: ignore[reportIndexIssue]
    assert extras(structure({"status": "RUNNING"}, devicefarm.Job)) == {}


def test_nested_models_keep_their_own() -> None:
    raw = {
        "job": {
            "summary": {"status": "RUNNING", "buildSpecHash": "abc"},
            "steps": [{"stepName": "BUILD"}, {"stepName": "DEPLOY", "region": "us-east-1"}],
            "queuePosition": 4,
        },
        "ResponseMetadata": {"RequestId": "r-1"},
    }
    response = structure(raw, amplify.GetJobResponse)
    job = response.job
    assert job is not None
    assert job.summary is not None
    assert job.steps is not None
    assert dict(extras(response)) == {"ResponseMetadata": {"RequestId": "r-1"}}
    assert dict(extras(job)) == {"queuePosition": 4}
    assert dict(extras(job.summary)) == {"buildSpecHash": "abc"}
    assert extras(job.steps[0]) == {}
    assert dict(extras(job.steps[1])) == {"region": "us-east-1"}
    assert unstructure(response) == raw


def test_null_and_odd_values_in_unknown_members_survive() -> None:
    raw: dict[str, Any] = {"newList": [1, None, {"a": []}], "newNull": None, "newFloat": 1.5}
    execution = structure(raw, iot.JobExecution)
    assert dict(extras(execution)) == raw
    assert unstructure(execution) == raw


def test_extras_take_part_in_equality_but_not_in_hash() -> None:
    plain = structure({"status": "RUNNING"}, devicefarm.Job)
    more = structure({"status": "RUNNING", "shardIndex": 3}, devicefarm.Job)
    same = structure({"status": "RUNNING", "shardIndex": 3}, devicefarm.Job)
    other = structure({"status": "RUNNING", "shardIndex": 4}, devicefarm.Job)
    assert more == same
    assert more != plain
    assert more != other
    assert hash(more) == hash(plain)  # extras are excluded from the hash, so models stay hashable
    unhashable = structure({"status": "RUNNING", "tags": {"a": ["b"]}}, devicefarm.Job)
    assert {unhashable: 1}[unhashable] == 1


def test_evolve_keeps_extras() -> None:
    job = structure({"status": "RUNNING", "shardIndex": 3}, devicefarm.Job)
    done = attrs.evolve(job, status=devicefarm.ExecutionStatus.COMPLETED)
    assert dict(extras(done)) == {"shardIndex": 3}
    assert unstructure(done) == {"status": "COMPLETED", "shardIndex": 3}


def test_json_mode_writes_extras_back_json_ready() -> None:
    when = datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)
    job = structure({"status": "RUNNING", "archivedAt": when, "labels": ("a", "b")}, devicefarm.Job)
    out = unstructure(job, mode="json")
    assert out == {
        "status": "RUNNING",
        "archivedAt": "2027-01-02T03:04:05+00:00",
        "labels": ["a", "b"],
    }
    assert json.loads(json.dumps(out)) == out
    assert unstructure(job)["archivedAt"] is when  # python mode: as received


def test_declared_members_win_over_a_hand_built_extra_of_the_same_name() -> None:
    job = devicefarm.Job(name="declared", _extras=types.MappingProxyType({"name": "extra"}))
    assert unstructure(job) == {"name": "declared"}


def test_repr_shows_extras_redacted() -> None:
    signed = "https://b.s3.amazonaws.com/k.zip?X-Amz-Credential=AKIA&X-Amz-Signature=deadbeef"
    job = structure(
        {
            "status": "RUNNING",
            "artifactUrl": signed,
            "nested": {"links": [signed], "sessionToken": "opaque-secret-value"},
            "apiKey": "k-123",
            "plain": "hello",
        },
        devicefarm.Job,
    )
    text = repr(job)
    assert "deadbeef" not in text
    assert "AKIA" not in text
    assert "opaque-secret-value" not in text
    assert "k-123" not in text
    assert "'https://b.s3.amazonaws.com/k.zip?<redacted>'" in text
    assert "'sessionToken': '<redacted>'" in text
    assert "'plain': 'hello'" in text
    assert text.startswith("Job(arn=None, ")
    assert "extras=" not in repr(structure({"status": "RUNNING"}, devicefarm.Job))
    assert extras(job)["artifactUrl"] == signed  # the value itself is intact


def test_deeply_nested_or_cyclic_extras_are_kept_and_repr_is_bounded() -> None:
    deep: Any = "bottom"
    for _ in range(10_000):
        deep = [deep]
    cyclic: dict[str, Any] = {}
    cyclic["self"] = cyclic
    job = structure({"deep": deep, "cyclic": cyclic, "wide": list(range(100_000))}, devicefarm.Job)
    assert extras(job)["deep"] is deep
    assert unstructure(job)["deep"] is deep
    text = repr(job)
    assert "..." in text
    assert len(text) < 5_000
    assert isinstance(unstructure(job, mode="json"), dict)


def test_extras_refuses_what_is_not_a_model() -> None:
    with pytest.raises(InvalidArgumentError, match="jobkit model"):
        extras({"status": "RUNNING"})


def test_extras_is_public() -> None:
    assert "extras" in jobkit.__all__
    assert jobkit.extras is extras


def test_models_with_extras_pickle_and_deep_copy() -> None:
    raw = {"status": "RUNNING", "shardIndex": 3, "device": {"type": "VIRTUAL", "rack": [1, 2]}}
    job = structure(raw, devicefarm.Job)
    for copied in (pickle.loads(pickle.dumps(job)), copy.deepcopy(job), copy.copy(job)):  # noqa: S301 -- our own bytes
        assert copied == job
        assert copied.device is not None
        assert dict(extras(copied.device)) == {"rack": [1, 2]}
        assert isinstance(extras(copied), types.MappingProxyType)
        assert unstructure(copied) == raw
