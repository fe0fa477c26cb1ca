"""The one walker between botocore's service model and jobkit's models.

``tests/test_drift.py`` asserts with it against the botocore the constraints pin;
``nox -s drift`` runs this file as a script against the newest botocore and prints, per
operation, what a maintainer has to add: the path, botocore's shape and type, the attribute
line to paste, and the enum values an enum class lacks. Exit status 1 when anything is
missing, 0 otherwise.
"""

from __future__ import annotations

import re
import sys
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import attrs
import botocore
from botocore.model import ListShape, MapShape, Shape, StructureShape

from helpers import RESPONSE_MODELS
from jobkit import AwsEnum
from jobkit._convert._converter import camel_case
from jobkit._stubs import OPERATIONS, output_shape

__all__ = ["SCALARS", "Gap", "annotation", "main", "missing", "report", "snake_case", "undeclared"]

SCALARS: dict[str, type] = {
    "string": str,
    "integer": int,
    "long": int,
    "double": float,
    "float": float,
    "boolean": bool,
    "timestamp": datetime,
}


@dataclass(frozen=True)
class Gap:
    """One thing botocore declares that a model lacks, or models differently."""

    path: str
    """Where, as boto3 keys: ``get_job.job.device.type``."""
    problem: str
    """What is wrong, one line."""
    fix: tuple[str, ...] = field(default=())
    """Lines a maintainer can paste or act on (an attribute, enum members, a new class)."""

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def _without_none(tp: Any) -> Any:
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        assert len(args) == 1, tp  # every model attribute is `X | None`
        return args[0]
    return tp


def _fields(tp: type) -> list[attrs.Attribute[Any]]:
    # A leading underscore marks private state (the members a model keeps without declaring
    # them), which has no botocore counterpart.
    return [a for a in attrs.fields(tp) if not a.name.startswith("_")]


def snake_case(key: str) -> str:
    """Return the attribute name for a boto3 key (``heapSize`` -> ``heap_size``)."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()


def annotation(shape: Shape) -> str:
    """Return the annotation a model would give ``shape`` (``DeviceType``, ``tuple[str, ...]``)."""
    if isinstance(shape, StructureShape) or getattr(shape, "enum", None):
        return shape.name
    if isinstance(shape, ListShape):
        return f"tuple[{annotation(shape.member)}, ...]"
    if isinstance(shape, MapShape):
        return f"Mapping[{annotation(shape.key)}, {annotation(shape.value)}]"
    scalar = SCALARS.get(shape.type_name)
    return scalar.__name__ if scalar else f"Any  # botocore type {shape.type_name}"


def _describe(shape: Shape) -> str:
    enum: list[str] = getattr(shape, "enum", [])
    if enum:
        return f"botocore {shape.name}: string enum {' | '.join(enum)}"
    return f"botocore {shape.name}: {shape.type_name}"


def _new_classes(shape: Shape, seen: set[str]) -> list[str]:
    """Describe the classes a missing member needs: its structures and enums, nested ones too."""
    if shape.name in seen:
        return []
    lines: list[str] = []
    if isinstance(shape, StructureShape):
        seen.add(shape.name)
        lines.append(f"new model class {shape.name}:")
        lines += [f"    {_attribute(k, m)}" for k, m in shape.members.items()]
        for member in shape.members.values():
            lines += _new_classes(member, seen)
    elif isinstance(shape, ListShape):
        lines += _new_classes(shape.member, seen)
    elif isinstance(shape, MapShape):
        lines += _new_classes(shape.value, seen)
    elif getattr(shape, "enum", None):
        seen.add(shape.name)
        lines.append(f"new enum class {shape.name}(AwsEnum):")
        lines += [f"    {_enum_member(v)}" for v in getattr(shape, "enum", [])]
    return lines


def _attribute(key: str, shape: Shape) -> str:
    return f"{snake_case(key)}: {annotation(shape)} | None = None"


def _enum_member(value: str) -> str:
    return f"{re.sub(r'[^0-9A-Za-z_]', '_', value).upper()} = {value!r}"


def missing(shape: Shape, tp: Any, path: str) -> list[Gap]:  # noqa: C901
    """Return what botocore's ``shape`` declares that the model type ``tp`` lacks, recursively."""
    gaps: list[Gap] = []
    if isinstance(shape, StructureShape):
        if not (isinstance(tp, type) and attrs.has(tp)):
            return [Gap(path, f"expected a model class, found {tp!r}")]
        hints = typing.get_type_hints(tp)
        by_key = {camel_case(a.name): a.name for a in _fields(tp)}
        for key, member in shape.members.items():
            where = f"{path}.{key}"
            if key not in by_key:
                fix = (
                    f"add to {tp.__module__}.{tp.__qualname__}:",
                    f"    {_attribute(key, member)}",
                    *_new_classes(member, set()),
                )
                problem = f"declared by botocore, no attribute on {tp.__name__}"
                gaps.append(Gap(where, problem, fix))
                continue
            gaps += missing(member, _without_none(hints[by_key[key]]), where)
    elif isinstance(shape, ListShape):
        if typing.get_origin(tp) is not tuple:
            return [Gap(path, f"a list should be a tuple, found {tp!r}")]
        gaps += missing(shape.member, typing.get_args(tp)[0], f"{path}[]")
    elif isinstance(shape, MapShape):
        if typing.get_origin(tp) not in (Mapping, dict):
            return [Gap(path, f"a map should be a Mapping, found {tp!r}")]
        gaps += missing(shape.value, typing.get_args(tp)[1], f"{path}{{}}")
    elif getattr(shape, "enum", None):
        if not (isinstance(tp, type) and issubclass(tp, AwsEnum)):
            return [Gap(path, f"an enum ({shape.name}) should be an AwsEnum, found {tp!r}")]
        declared: list[str] = getattr(shape, "enum", [])
        absent = sorted(set(declared) - {m.value for m in tp})
        if absent:
            fix = (
                f"add to {tp.__module__}.{tp.__qualname__} (botocore {shape.name}):",
                *(f"    {_enum_member(v)}" for v in absent),
            )
            gaps.append(Gap(path, f"{tp.__name__} lacks {absent}", fix))
    elif SCALARS.get(shape.type_name) is not tp:
        expected = SCALARS.get(shape.type_name)
        gaps.append(Gap(path, f"{shape.type_name} should be {expected}, is {tp!r}"))
    return gaps


def undeclared(shape: Shape, tp: Any, path: str) -> list[str]:
    """Return the model attributes (as boto3 key paths) that botocore's ``shape`` does not declare.

    The reverse direction of :func:`missing`: members the published reference still documents,
    or that a newer botocore declares, show up here.
    """
    found: list[str] = []
    if isinstance(shape, StructureShape) and isinstance(tp, type) and attrs.has(tp):
        hints = typing.get_type_hints(tp)
        for a in _fields(tp):
            key = camel_case(a.name)
            if key not in shape.members:
                found.append(f"{path}.{key}")
                continue
            found += undeclared(shape.members[key], _without_none(hints[a.name]), f"{path}.{key}")
    elif isinstance(shape, ListShape) and typing.get_origin(tp) is tuple:
        found += undeclared(shape.member, typing.get_args(tp)[0], f"{path}[]")
    elif isinstance(shape, MapShape) and typing.get_origin(tp) in (Mapping, dict):
        found += undeclared(shape.value, typing.get_args(tp)[1], f"{path}{{}}")
    return found


def report() -> tuple[list[str], int]:
    """Return the report's lines and how many gaps it found, for the installed botocore."""
    lines = [f"botocore {botocore.__version__}: members and enum values the jobkit models lack"]
    total = 0
    for (service, operation), api_name in OPERATIONS.items():
        model = RESPONSE_MODELS.get((service, operation))
        header = f"{service} {operation} ({api_name})"
        if model is None:
            lines += ["", f"{header}: no response model registered in tests/helpers.py"]
            total += 1
            continue
        shape = output_shape(service, operation)
        gaps = missing(shape, model, operation)
        name = f"{model.__module__}.{model.__qualname__}"
        lines += ["", f"{header} -> {name}: {len(gaps) or 'nothing'} missing"]
        for gap in gaps:
            lines.append(f"  {gap.path}  [{_describe(_shape_at(shape, gap.path))}]")
            lines.append(f"    {gap.problem}")
            lines += [f"      {line}" for line in gap.fix]
        kept = undeclared(shape, model, operation)
        if kept:
            lines.append(f"  (kept, not declared by this botocore: {', '.join(kept)})")
        total += len(gaps)
    lines += ["", f"{total} missing" if total else "nothing missing"]
    return lines, total


def main() -> int:
    """Print, per operation, what the installed botocore declares and the models lack."""
    lines, total = report()
    sys.stdout.write("\n".join(lines) + "\n")
    return 1 if total else 0


def _shape_at(shape: Shape, path: str) -> Shape:
    """Follow a gap's path (``get_job.job.device.type``) back to its botocore shape."""
    rest = path[path.find(".") :] if "." in path else ""
    for step in re.findall(r"\.(\w+)|(\[\])|(\{\})", rest):
        key, item, value = step
        if key and isinstance(shape, StructureShape):
            shape = shape.members[key]
        elif item and isinstance(shape, ListShape):
            shape = shape.member
        elif value and isinstance(shape, MapShape):
            shape = shape.value
    return shape


if __name__ == "__main__":
    sys.exit(main())
