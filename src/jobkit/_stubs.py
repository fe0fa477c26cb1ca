"""Finding and loading the canned AWS responses that ship with jobkit (``stubs/`` in the repo)."""

from __future__ import annotations

import functools
import json
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import botocore.session
from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.utils import parse_to_aware_datetime

from jobkit._services import calls, operations

__all__ = [
    "OPERATIONS",
    "declared_only",
    "load_stub",
    "output_shape",
    "scenarios",
    "stubs_dir",
]

OPERATIONS: dict[tuple[str, str], str] = {
    **{(op.service, op.method): op.api for op in operations()},
    **{(call.service, call.method): call.api for call in calls()},
}
"""(service, boto3 method) -> the API operation name: the table's reads, then the list and
start calls around them (``jobkit._services.calls()``)."""


@functools.cache
def stubs_dir() -> Path:
    """Return the folder of canned responses: inside the wheel, or ``stubs/`` in a source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_stubs", here.parent.parent / "stubs"):
        if candidate.is_dir():
            return candidate
    msg = "jobkit's canned responses are missing; reinstall jobkit from a wheel or a full checkout."
    raise FileNotFoundError(msg)


def scenarios(service: str, operation: str) -> list[str]:
    """Return the scenario names canned for one operation, sorted."""
    return sorted(p.stem for p in (stubs_dir() / service / operation).glob("*.json"))


@functools.cache
def output_shape(service: str, operation: str) -> StructureShape:
    """Return botocore's output shape of ``service.operation`` (boto3 method name)."""
    model = _session().get_service_model(service)
    shape = model.operation_model(OPERATIONS[service, operation]).output_shape
    assert isinstance(shape, StructureShape)  # noqa: S101 -- every listed operation has an output
    return shape


@functools.cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


def load_stub(service: str, operation: str, scenario: str) -> dict[str, Any]:
    """Load one canned response the way boto3 returns it (timestamps as aware datetimes).

    Raises:
        FileNotFoundError: no such scenario; the message lists the ones there are.
    """
    path = stubs_dir() / service / operation / f"{scenario}.json"
    if not path.is_file():
        known = ", ".join(scenarios(service, operation)) or "none"
        msg = f"No canned response {service}/{operation}/{scenario}; the scenarios are: {known}."
        raise FileNotFoundError(msg)
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    revived: dict[str, Any] = _revive(raw, output_shape(service, operation))
    return revived


def declared_only(response: dict[str, Any], shape: Shape | None) -> dict[str, Any]:
    """``response`` without the members the installed botocore does not declare.

    botocore's Stubber refuses a response with members its model lacks, while its parser
    simply drops them from a real one; canned responses follow the newest botocore, so an
    older botocore (the lowest versions jobkit supports) gets them the way it would parse them.
    """
    if shape is None:
        return response
    kept: dict[str, Any] = _declared(response, shape)
    return kept


def _declared(value: Any, shape: Shape) -> Any:
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        members = shape.members
        items = cast("dict[str, Any]", value).items()
        return {k: _declared(v, members[k]) for k, v in items if k in members}
    if isinstance(shape, ListShape) and isinstance(value, list):
        values: list[Any] = value  # pyright: ignore[reportUnknownVariableType]
        return [_declared(v, shape.member) for v in values]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {k: _declared(v, shape.value) for k, v in cast("dict[str, Any]", value).items()}
    return value


def _revive(value: Any, shape: Shape | None) -> Any:
    """Turn JSON timestamps back into datetimes, guided by the shape; keep unmodelled keys as-is."""
    if shape is None:
        return value
    if isinstance(shape, StructureShape):
        members = shape.members
        return {k: _revive(v, members.get(k)) for k, v in cast("dict[str, Any]", value).items()}
    if isinstance(shape, ListShape):
        return [_revive(v, shape.member) for v in cast("list[Any]", value)]
    if isinstance(shape, MapShape):
        return {k: _revive(v, shape.value) for k, v in cast("dict[str, Any]", value).items()}
    if shape.type_name == "timestamp" and not isinstance(value, datetime):
        return parse_to_aware_datetime(value)
    return value
