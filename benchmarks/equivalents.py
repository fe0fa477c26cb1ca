"""pydantic v2 and msgspec models equivalent to jobkit's, generated from the same attrs classes.

Same members, same nesting, camelCase aliases, every member optional. Enums are plain
strings here: both libraries' enum types would reject the unknown values AWS sends.
pydantic keeps unknown members (``extra="allow"``), as jobkit does; msgspec cannot keep
them and drops them.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs
import msgspec
import pydantic

from jobkit import AwsEnum
from jobkit._convert._names import camel_case


def _map(tp: Any, make: Any) -> Any:
    args = typing.get_args(tp)
    if type(None) in args:
        (inner,) = [a for a in args if a is not type(None)]
        return _map(inner, make) | None
    if isinstance(tp, type) and issubclass(tp, AwsEnum):
        return str
    if isinstance(tp, type) and attrs.has(tp):
        return make(tp)
    origin = typing.get_origin(tp)
    if origin is tuple:
        return tuple[_map(args[0], make), ...]  # type: ignore[misc]
    if origin in (Mapping, dict):
        return dict[str, str]
    return tp


def _declared(cls: type[Any]) -> list[attrs.Attribute[Any]]:
    """The members a response may carry (jobkit's private ``_extras`` field aside)."""
    return [a for a in attrs.fields(cls) if not a.name.startswith("_")]


def pydantic_model(
    cls: type[Any], cache: dict[type[Any], Any] | None = None
) -> type[pydantic.BaseModel]:
    """A frozen pydantic model mirroring ``cls`` (aliases = boto3 keys)."""
    cache = {} if cache is None else cache
    if cls in cache:
        return cache[cls]  # type: ignore[no-any-return]
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {
        a.name: (
            _map(hints[a.name], lambda t: pydantic_model(t, cache)),
            pydantic.Field(default=None, alias=camel_case(a.name)),
        )
        for a in _declared(cls)
    }
    model = pydantic.create_model(
        f"Pydantic{cls.__name__}",
        __config__=pydantic.ConfigDict(frozen=True, populate_by_name=True, extra="allow"),
        **fields,
    )
    cache[cls] = model
    return model  # type: ignore[no-any-return]


def msgspec_struct(
    cls: type[Any], cache: dict[type[Any], Any] | None = None
) -> type[msgspec.Struct]:
    """A frozen msgspec Struct mirroring ``cls`` (renamed to camelCase)."""
    cache = {} if cache is None else cache
    if cls in cache:
        return cache[cls]  # type: ignore[no-any-return]
    hints = typing.get_type_hints(cls)
    fields = [
        (a.name, _map(hints[a.name], lambda t: msgspec_struct(t, cache)), None)
        for a in _declared(cls)
    ]
    struct = msgspec.defstruct(
        f"Msgspec{cls.__name__}", fields, rename="camel", frozen=True, kw_only=True
    )
    cache[cls] = struct
    return struct


__all__ = ["datetime", "msgspec_struct", "pydantic_model"]
