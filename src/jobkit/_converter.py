"""The one configured cattrs converter: the only place that knows boto3's key names and wire quirks.

Hooks are generated once per model class, on first use, and cached by cattrs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from jobkit._enums import AwsEnum
from jobkit._names import camel_case
from jobkit.errors import ConversionError

__all__ = ["camel_case", "converter", "json_converter", "structure", "unstructure"]

T = TypeVar("T")

_NUMERIC = re.compile(r"[+-]?\d+(\.\d+)?")


def _is_model(cls: Any) -> bool:
    return isinstance(cls, type) and attrs.has(cls) and cls.__module__.startswith("jobkit.")


def _structure_datetime(value: object, _: object) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        if _NUMERIC.fullmatch(value):
            return datetime.fromtimestamp(float(value), UTC)
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    msg = f"expected a datetime, an ISO-8601 string or epoch seconds, got {type(value).__name__}"
    raise TypeError(msg)


def _structure_enum(value: object, cls: type[AwsEnum]) -> AwsEnum:
    if not isinstance(value, str):
        msg = f"expected a string for {cls.__name__}, got {type(value).__name__}"
        raise TypeError(msg)
    return cls(value)


def _unstructure_enum(value: AwsEnum) -> str:
    return value._value_


def _configure(conv: cattrs.Converter, *, json: bool) -> cattrs.Converter:
    conv.register_structure_hook(datetime, _structure_datetime)
    # Registered by class, not predicate: cattrs' own `str` hooks would otherwise win for StrEnums.
    conv.register_structure_hook(AwsEnum, _structure_enum)
    conv.register_unstructure_hook(AwsEnum, _unstructure_enum)
    if json:
        conv.register_unstructure_hook(datetime, datetime.isoformat)
    else:
        conv.register_unstructure_hook(datetime, lambda d: d)

    def structure_factory(cls: type[Any]) -> Callable[[Any, Any], Any]:
        overrides = {a.name: override(rename=camel_case(a.name)) for a in attrs.fields(cls)}
        return make_dict_structure_fn(cls, conv, **overrides)  # type: ignore[arg-type]

    def unstructure_factory(cls: type[Any]) -> Callable[[Any], Any]:
        overrides = {a.name: override(rename=camel_case(a.name)) for a in attrs.fields(cls)}
        return make_dict_unstructure_fn(
            cls,
            conv,
            _cattrs_omit_if_default=True,
            **overrides,  # type: ignore[arg-type]
        )

    conv.register_structure_hook_factory(_is_model, structure_factory)
    conv.register_unstructure_hook_factory(_is_model, unstructure_factory)
    return conv


def _new(*, json: bool) -> cattrs.Converter:
    return _configure(
        cattrs.Converter(
            unstruct_collection_overrides={Sequence: list, Mapping: dict},
            detailed_validation=True,
        ),
        json=json,
    )


converter: cattrs.Converter = _new(json=False)
"""Turns boto3 response dicts into models and back (datetimes stay datetimes)."""

json_converter: cattrs.Converter = _new(json=True)
"""Like :data:`converter`, but unstructures to JSON-ready values (ISO-8601 strings)."""


def structure(obj: Mapping[str, Any], cl: type[T]) -> T:
    """Turn a boto3 response dict (or a part of one) into the jobkit model ``cl``.

    Raises:
        jobkit.errors.ConversionError: ``obj`` does not fit ``cl``.
    """
    try:
        return converter.structure(obj, cl)
    except (cattrs.BaseValidationError, TypeError, ValueError, AttributeError) as exc:
        raise ConversionError.from_exception(exc, cl) from exc


def unstructure(obj: object, *, mode: Literal["python", "json"] = "python") -> Any:
    """Turn a model back into boto3's dict shape; ``mode="json"`` gives JSON-ready values."""
    return (json_converter if mode == "json" else converter).unstructure(obj)
