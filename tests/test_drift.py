"""The models cover everything botocore's service model declares for the five outputs."""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs
import pytest
from botocore.model import ListShape, MapShape, Shape, StructureShape

from helpers import RESPONSE_MODELS
from jobkit import AwsEnum
from jobkit._converter import camel_case
from jobkit._stubs import OPERATIONS, output_shape

SCALARS: dict[str, type] = {
    "string": str,
    "integer": int,
    "long": int,
    "double": float,
    "float": float,
    "boolean": bool,
    "timestamp": datetime,
}


def _without_none(tp: Any) -> Any:
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        assert len(args) == 1, tp
        return args[0]
    return tp


def _check(shape: Shape, tp: Any, path: str, problems: list[str]) -> None:  # noqa: C901
    if isinstance(shape, StructureShape):
        if not (isinstance(tp, type) and attrs.has(tp)):
            problems.append(f"{path}: expected a model class, found {tp!r}")
            return
        hints = typing.get_type_hints(tp)
        by_key = {camel_case(a.name): a.name for a in attrs.fields(tp)}
        for key, member in shape.members.items():
            if key not in by_key:
                problems.append(
                    f"{path}.{key}: declared by botocore, no attribute on {tp.__name__}"
                )
                continue
            _check(member, _without_none(hints[by_key[key]]), f"{path}.{key}", problems)
    elif isinstance(shape, ListShape):
        if typing.get_origin(tp) is not tuple:
            problems.append(f"{path}: a list should be a tuple, found {tp!r}")
            return
        _check(shape.member, typing.get_args(tp)[0], f"{path}[]", problems)
    elif isinstance(shape, MapShape):
        if typing.get_origin(tp) not in (Mapping, dict):
            problems.append(f"{path}: a map should be a Mapping, found {tp!r}")
            return
        _check(shape.value, typing.get_args(tp)[1], f"{path}{{}}", problems)
    elif getattr(shape, "enum", None):
        if not (isinstance(tp, type) and issubclass(tp, AwsEnum)):
            problems.append(f"{path}: an enum ({shape.name}) should be an AwsEnum, found {tp!r}")
            return
        declared: list[str] = getattr(shape, "enum", [])
        missing = set(declared) - {m.value for m in tp}
        if missing:
            problems.append(f"{path}: {tp.__name__} lacks {sorted(missing)}")
    elif SCALARS.get(shape.type_name) is not tp:
        problems.append(
            f"{path}: {shape.type_name} should be {SCALARS.get(shape.type_name)}, is {tp!r}"
        )


@pytest.mark.parametrize(("service", "operation"), list(OPERATIONS))
def test_models_cover_botocore(service: str, operation: str) -> None:
    problems: list[str] = []
    _check(
        output_shape(service, operation), RESPONSE_MODELS[service, operation], operation, problems
    )
    assert problems == []


def test_drift_check_catches_a_missing_member() -> None:
    @attrs.frozen(kw_only=True)
    class Partial:
        arn: str | None = None

    problems: list[str] = []
    shape = output_shape("devicefarm", "get_job").members["job"]
    assert isinstance(shape, StructureShape)
    _check(shape, Partial, "job", problems)
    assert "job.name: declared by botocore, no attribute on Partial" in problems
    assert len(problems) == len(shape.members) - 1


@pytest.mark.parametrize(("service", "operation"), list(OPERATIONS))
def test_every_model_attribute_is_a_documented_member(service: str, operation: str) -> None:
    """The reverse direction: only seed-era and newer-botocore members may be absent."""
    seed_only = {
        "insights",  # Device Farm job insights, botocore >= 1.44
        "remoteRecordEnabled",
        "remoteRecordAppArn",
        "hostAddress",
        "clientId",
        "remoteDebugEnabled",
    }
    extra: list[str] = []

    def walk(shape: Shape, tp: Any, path: str) -> None:
        if isinstance(shape, StructureShape) and attrs.has(tp):
            hints = typing.get_type_hints(tp)
            for a in attrs.fields(tp):
                key = camel_case(a.name)
                if key not in shape.members:
                    if key not in seed_only:
                        extra.append(f"{path}.{key}")
                    continue
                walk(shape.members[key], _without_none(hints[a.name]), f"{path}.{key}")
        elif isinstance(shape, ListShape):
            walk(shape.member, typing.get_args(tp)[0], path + "[]")

    walk(output_shape(service, operation), RESPONSE_MODELS[service, operation], operation)
    assert extra == []
