"""The one configured cattrs converter: the only place that knows boto3's key names and wire quirks.

Hooks are generated once per model class, on first use, and cached by cattrs.
"""

from __future__ import annotations

import functools
import re
import typing
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


_PRIMITIVES = (str, int, float, bool)


def _optional_arg(tp: Any) -> Any:
    """``X | None`` -> ``X``; anything else unchanged."""
    args = typing.get_args(tp)
    if type(None) in args and len(args) == 2:  # noqa: PLR2004
        return args[0] if args[1] is type(None) else args[1]
    return tp


def _field_code(i: int, tp: Any, conv: cattrs.Converter, env: dict[str, Any]) -> list[str]:  # noqa: PLR0911 -- one return per field kind
    """Lines that turn ``v{i}`` (a raw value, maybe None) into the attribute's value."""
    v, h, t = f"v{i}", f"h{i}", f"t{i}"
    env[t] = tp
    if tp in _PRIMITIVES:
        env[h] = conv.get_structure_hook(tp)
        return [f"    if {v} is not None and {v}.__class__ is not {t}: {v} = {h}({v}, {t})"]
    if tp is datetime:
        env[h] = _structure_datetime
        return [f"    if {v} is not None: {v} = {h}({v}, {t})"]
    if isinstance(tp, type) and issubclass(tp, AwsEnum):
        env[h], env[f"m{i}"], env[f"u{i}"] = (
            _structure_enum,
            tp._value2member_map_,
            tp.unknown_members(),
        )
        return [f"    if {v} is not None: {v} = m{i}.get({v}) or u{i}.get({v}) or {h}({v}, {t})"]
    if isinstance(tp, type) and _is_model(tp):
        env[h] = conv.get_structure_hook(tp)
        return [f"    if {v} is not None: {v} = {h}({v}, {t})"]
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    env[h] = conv.get_structure_hook(tp)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:  # noqa: PLR2004
        item = args[0]
        env[f"e{i}"] = item
        if item in _PRIMITIVES:
            return [
                f"    if {v} is not None:",
                f"        {v} = tuple({v})",
                f"        for x in {v}:",
                f"            if x.__class__ is not e{i}: {v} = {h}({v}, {t}); break",
            ]
        env[f"g{i}"] = conv.get_structure_hook(item)
        return [f"    if {v} is not None: {v} = tuple([g{i}(x, e{i}) for x in {v}])"]
    if origin in (Mapping, dict) and args == (str, str):
        return [
            f"    if {v} is not None:",
            f"        {v} = dict({v})",
            f"        for x in {v}.values():",
            f"            if x.__class__ is not str: {v} = {h}({v}, {t}); break",
        ]
    return [f"    if {v} is not None: {v} = {h}({v}, {t})"]


def _fast_structure_fn(cls: type[Any], conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """Generate ``structure(raw, cls)`` for one model class, as straight-line code."""
    fields = attrs.fields(cls)
    # Real annotations are used as they are; string ones (a user's model) are evaluated once.
    hints = (
        typing.get_type_hints(cls)
        if any(isinstance(a.type, str) for a in fields)
        else {a.name: a.type for a in fields}
    )
    env: dict[str, Any] = {"__cls": cls}
    lines = ["def structure(o, _=None):", "    g = o.get"]
    names: list[str] = []
    for i, a in enumerate(fields):
        lines.append(f"    v{i} = g({camel_case(a.name)!r})")
        lines += _field_code(i, _optional_arg(hints[a.name]), conv, env)
        names.append(f"{a.name}=v{i}")
    lines.append(f"    return __cls({', '.join(names)})")
    source = "\n".join(lines)
    exec(compile(source, f"<jobkit structure {cls.__qualname__}>", "exec"), env)  # noqa: S102 -- generated from our own attrs fields, as cattrs does
    fn: Callable[[Any, Any], Any] = env["structure"]
    return fn


def _configure(conv: cattrs.Converter, *, json: bool, fast: bool = True) -> cattrs.Converter:
    conv.register_structure_hook(datetime, _structure_datetime)
    # Registered by class, not predicate: cattrs' own `str` hooks would otherwise win for StrEnums.
    conv.register_structure_hook(AwsEnum, _structure_enum)
    conv.register_unstructure_hook(AwsEnum, _unstructure_enum)
    if json:
        conv.register_unstructure_hook(datetime, datetime.isoformat)
    else:
        conv.register_unstructure_hook(datetime, lambda d: d)

    def structure_factory(cls: type[Any]) -> Callable[[Any, Any], Any]:
        if fast:
            return _fast_structure_fn(cls, conv)
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


def _new(*, json: bool, fast: bool = True) -> cattrs.Converter:
    return _configure(
        cattrs.Converter(
            unstruct_collection_overrides={Sequence: list, Mapping: dict},
            detailed_validation=not fast,
        ),
        json=json,
        fast=fast,
    )


converter: cattrs.Converter = _new(json=False)
"""Turns boto3 response dicts into models and back (datetimes stay datetimes)."""

json_converter: cattrs.Converter  # provided by __getattr__ on first use


@functools.cache
def _json_converter() -> cattrs.Converter:
    """Like :data:`converter`, but unstructures to JSON-ready values (ISO-8601 strings)."""
    return _new(json=True)


@functools.cache
def _explaining_converter() -> cattrs.Converter:
    """Cattrs' own detailed validation, used only to explain why a structure failed."""
    return _new(json=False, fast=False)


def __getattr__(name: str) -> Any:
    # json_converter is built on first use: most programs never need it.
    if name == "json_converter":
        return _json_converter()
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def structure(obj: Mapping[str, Any], cl: type[T]) -> T:
    """Turn a boto3 response dict (or a part of one) into the jobkit model ``cl``.

    Raises:
        jobkit.errors.ConversionError: ``obj`` does not fit ``cl``.
    """
    try:
        return converter.structure(obj, cl)
    except (cattrs.BaseValidationError, TypeError, ValueError, AttributeError) as exc:
        try:
            _explaining_converter().structure(obj, cl)
        except (cattrs.BaseValidationError, TypeError, ValueError, AttributeError) as detailed:
            raise ConversionError.from_exception(detailed, cl) from exc
        raise ConversionError.from_exception(exc, cl) from exc


def unstructure(obj: object, *, mode: Literal["python", "json"] = "python") -> Any:
    """Turn a model back into boto3's dict shape; ``mode="json"`` gives JSON-ready values."""
    return (_json_converter() if mode == "json" else converter).unstructure(obj)
