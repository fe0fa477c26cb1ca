"""The one configured cattrs converter: the only place that knows boto3's key names and wire quirks.

Structure and unstructure functions are generated once per model class, on first use,
and cached by cattrs. The wire rules:

- Types are exact: a declared member of the wrong JSON type raises :class:`ConversionError`
  naming its path (``$.device.heapSize``); nothing is coerced, except an int for a float and
  the three timestamp forms (datetime, ISO-8601 string, epoch seconds as a number or string).
- Members a model does not declare are kept, as received, in the model's ``_extras``
  (read them with :func:`jobkit.extras`); ``unstructure`` writes them back.
- Every failure inside :func:`structure` is a :class:`ConversionError`.
"""

from __future__ import annotations

import functools
import linecache
import re
import reprlib
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timezone
from typing import Any, Literal, TypeVar

import attrs
import cattrs

from jobkit._convert._enums import AwsEnum
from jobkit._convert._model import EMPTY, Model
from jobkit._convert._names import camel_case
from jobkit.errors import ConversionError

__all__ = ["camel_case", "converter", "json_converter", "structure", "unstructure"]

T = TypeVar("T")
Check = Callable[[Any, str], Any]
"""Turns one raw value into an attribute value, or raises :class:`_MismatchError` at ``segment``."""

_NUMERIC = re.compile(r"[+-]?\d+(\.\d+)?")
_PRIMITIVES = (str, int, float, bool)
_SEQUENCES = (list, tuple)


class _MismatchError(ConversionError):
    """A member that does not fit, found deep inside; each enclosing model adds its segment."""

    def __init__(self, problem: str, segment: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.segments = [segment]  # innermost first

    @property
    def where(self) -> str:
        return "$" + "".join(reversed(self.segments))

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 40
_SHORT.maxlevel = 2


def _shown(value: object) -> str:
    """A short, never-failing description of a raw value for error messages."""
    if value is None:
        return "null"
    try:
        text = _SHORT.repr(value)
    except Exception:  # noqa: BLE001 -- an error message must not fail in turn
        text = "..."
    text = text if len(text) <= 60 else text[:57] + "..."  # noqa: PLR2004
    return f"{type(value).__name__} {text}"


def _key(key: object) -> str:
    """A path segment for a member key: ``.heapSize``, or ``["odd key"]`` when not a name."""
    if isinstance(key, str) and key.isidentifier():
        return "." + (key if len(key) <= 40 else key[:37] + "...")  # noqa: PLR2004
    return f"[{_SHORT.repr(key)}]"


def _wrong(expected: str, value: object, segment: str) -> _MismatchError:
    return _MismatchError(f"expected {expected}, got {_shown(value)}", segment)


def _at(exc: Exception, segment: str) -> _MismatchError:
    """Prefix ``segment`` to a mismatch found further in; wrap anything else as one."""
    if isinstance(exc, _MismatchError):
        exc.segments.append(segment)
        return exc
    text = str(exc)
    text = text if len(text) <= 120 else text[:117] + "..."  # noqa: PLR2004
    wrapped = _MismatchError(f"{type(exc).__name__}: {text}", segment)
    wrapped.__cause__ = exc
    return wrapped


# Checks run only when the inline class test in the generated code fails.


def _check_str(value: Any, segment: str) -> Any:
    if isinstance(value, str):
        return value
    raise _wrong("a string", value, segment)


def _check_int(value: Any, segment: str) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _wrong("an integer", value, segment)


def _check_float(value: Any, segment: str) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            raise _wrong("a number in the range of a float", value, segment) from None
    raise _wrong("a number", value, segment)


def _check_bool(value: Any, segment: str) -> Any:
    if isinstance(value, bool):
        return value
    raise _wrong("a boolean", value, segment)


_CHECKS: dict[type, Check] = {
    str: _check_str,
    int: _check_int,
    float: _check_float,
    bool: _check_bool,
}


def _from_epoch(seconds: float, value: object, segment: str) -> datetime:
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, ValueError, OSError):
        raise _wrong("epoch seconds within years 1-9999", value, segment) from None


_SHARED_ZONES: dict[type, Any] = {}
"""Per tzinfo class, the first zone seen of it: equal zones after it are replaced by it."""


def _zoned(value: datetime) -> datetime:
    """The same datetime, naive read as UTC, its zone shared with equal zones before it.

    botocore gives each epoch timestamp a ``tzlocal()`` object of its own (about 400 bytes),
    which a model would keep for its lifetime (100,000 IoT executions: about 150 MB). A
    zone equal to the first seen of its class (by the zone's own ``==``, so the same rules)
    becomes that one; the instant, offset and zone behave as before.
    """
    zone = value.tzinfo
    if zone is None:
        return value.replace(tzinfo=UTC)
    shared = _SHARED_ZONES.setdefault(type(zone), zone)
    if shared is zone or shared != zone:
        return value
    return value.replace(tzinfo=shared)


def _check_datetime(value: Any, segment: str) -> datetime:
    """Datetime (naive means UTC), ISO-8601 string, or epoch seconds as a number or string."""
    if isinstance(value, datetime):
        return _zoned(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_epoch(value, value, segment)
    if isinstance(value, str):
        if _NUMERIC.fullmatch(value):
            return _from_epoch(float(value), value, segment)
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise _wrong("an ISO-8601 timestamp", value, segment) from None
        return _zoned(parsed)
    raise _wrong("a timestamp (datetime, ISO-8601 string or epoch seconds)", value, segment)


def _enum_check(cls: type[AwsEnum]) -> Check:
    def check(value: Any, segment: str) -> Any:
        if isinstance(value, str):
            return cls(value)  # unknown values become pseudo-members, never errors
        raise _wrong(f"a string ({cls.__name__})", value, segment)

    return check


def _mapping(value: Any, segment: str) -> Any:
    if isinstance(value, Mapping):
        return typing.cast("Any", value)
    raise _wrong("an object", value, segment)


def _sequence(value: Any, segment: str) -> Any:
    if isinstance(value, list | tuple):
        return typing.cast("Any", value)
    raise _wrong("a list", value, segment)


def _optional_arg(tp: Any) -> Any:
    """``X | None`` -> ``X``; anything else unchanged."""
    args = typing.get_args(tp)
    if type(None) in args and len(args) == 2:  # noqa: PLR2004
        return args[0] if args[1] is type(None) else args[1]
    return tp


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, AwsEnum)


def _is_tuple(tp: Any) -> bool:
    args = typing.get_args(tp)
    return typing.get_origin(tp) is tuple and len(args) == 2 and args[1] is Ellipsis  # noqa: PLR2004


def _is_map(tp: Any) -> bool:
    return typing.get_origin(tp) in (Mapping, dict) and typing.get_args(tp)[0] is str


def _check_for(tp: Any, conv: cattrs.Converter) -> Check:  # noqa: C901, PLR0911 -- one return per member kind
    """A :data:`Check` for any member type (used for list items and map values)."""
    tp = _optional_arg(tp)
    if tp in _CHECKS:
        check = _CHECKS[tp]
        return lambda v, s: v if v.__class__ is tp else check(v, s)
    if tp is datetime:
        return _check_datetime
    if _is_enum(tp):
        return _enum_check(tp)
    if _is_model(tp):
        hook = conv.get_structure_hook(tp)

        def model(value: Any, segment: str) -> Any:
            try:
                return hook(value, tp)
            except Exception as exc:  # noqa: BLE001 -- any failure inside becomes a ConversionError
                raise _at(exc, segment) from None

        return model
    if _is_tuple(tp):
        item = _check_for(typing.get_args(tp)[0], conv)
        return lambda v, s: tuple(_items(_sequence(v, s), item, s))
    if _is_map(tp):
        value_check = _check_for(typing.get_args(tp)[1], conv)
        return lambda v, s: _map_items(_mapping(v, s), value_check, s)
    hook = conv.get_structure_hook(tp)

    def other(value: Any, segment: str) -> Any:
        try:
            return hook(value, tp)
        except Exception as exc:  # noqa: BLE001 -- any failure inside becomes a ConversionError
            raise _at(exc, segment) from None

    return other


def _items(raw: Any, check: Check, segment: str) -> list[Any]:
    return [check(x, f"{segment}[{i}]") for i, x in enumerate(raw)]


def _map_items(raw: Mapping[Any, Any], check: Check, segment: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in raw.items():
        if not isinstance(k, str):
            raise _wrong("string keys", k, segment)
        out[k] = check(v, f"{segment}[{_SHORT.repr(k)}]")
    return out


def _is_model(cls: Any) -> bool:
    return isinstance(cls, type) and attrs.has(cls) and cls.__module__.startswith("jobkit.")


def _field_code(  # noqa: PLR0911 -- one return per member kind
    i: int, key: str, tp: Any, conv: cattrs.Converter, env: dict[str, Any]
) -> list[str]:
    """Lines that turn ``v{i}`` (a raw value, maybe None) into the attribute's value.

    The common case (the value already has the exact type) costs one class test; the
    checks and their error messages run only when it fails.
    """
    v, c, s = f"v{i}", f"c{i}", f"s{i}"
    env[s] = _key(key)
    if tp in _CHECKS:
        env[f"t{i}"], env[c] = tp, _CHECKS[tp]
        return [f"    if {v} is not None and {v}.__class__ is not t{i}: {v} = {c}({v}, {s})"]
    if tp is datetime:
        env[c] = _check_datetime
        return [  # a datetime (botocore's usual) goes straight to the zone rule
            f"    if {v} is not None:",
            f"        if {v}.__class__ is not __dt: {v} = {c}({v}, {s})",
            f"        elif {v}.tzinfo.__class__ is not __tz: {v} = __zoned({v})",
        ]
    if _is_enum(tp):
        env[f"m{i}"], env[f"u{i}"], env[c] = (
            tp._value2member_map_,
            tp.unknown_members(),
            _enum_check(tp),
        )
        return [
            f"    if {v} is not None:",
            f"        if {v}.__class__ is str: {v} = m{i}.get({v}) or u{i}.get({v}) or {c}({v}, {s})",
            f"        else: {v} = {c}({v}, {s})",
        ]
    if _is_model(tp):
        env[c] = conv.get_structure_hook(tp)
        return [
            f"    if {v} is not None:",
            f"        try: {v} = {c}({v})",
            f"        except Exception as e: raise __at(e, {s}) from None",
        ]
    if _is_tuple(tp):
        item = typing.get_args(tp)[0]
        env[f"e{i}"] = _check_for(item, conv)
        head = [
            f"    if {v} is not None:",
            f"        if {v}.__class__ is not list and {v}.__class__ is not tuple: __seq({v}, {s})",
        ]
        if item in _PRIMITIVES:
            env[f"t{i}"] = item
            return [
                *head,
                f"        for x in {v}:",
                f"            if x.__class__ is not t{i}: {v} = __items({v}, e{i}, {s}); break",
                f"        {v} = tuple({v})",
            ]
        return [*head, f"        {v} = tuple(__items({v}, e{i}, {s}))"]
    if _is_map(tp) and typing.get_args(tp)[1] is str:
        env[f"e{i}"] = _check_for(str, conv)
        return [
            f"    if {v} is not None:",
            f"        if {v}.__class__ is not dict: __map({v}, {s})",
            f"        for k, x in {v}.items():",
            "            if k.__class__ is not str or x.__class__ is not str:",
            f"                __map_items({v}, e{i}, {s}); break",
            f"        {v} = dict({v})",
        ]
    env[c] = _check_for(tp, conv)
    return [f"    if {v} is not None: {v} = {c}({v}, {s})"]


def _fields(cls: type[Any]) -> tuple[list[attrs.Attribute[Any]], dict[str, Any]]:
    """The declared fields (the extras field aside) and their types."""
    fields = [a for a in attrs.fields(cls) if a.name != "_extras"]
    # Real annotations are used as they are; string ones (a user's model) are evaluated once.
    hints = (
        typing.get_type_hints(cls)
        if any(isinstance(a.type, str) for a in fields)
        else {a.name: a.type for a in fields}
    )
    return fields, hints


def _structure_fn(cls: type[Any], conv: cattrs.Converter) -> Callable[..., Any]:
    """Generate ``structure(raw)`` for one model class, as straight-line code."""
    fields, hints = _fields(cls)
    keep = issubclass(cls, Model)
    keys = [camel_case(a.name) for a in fields]
    env: dict[str, Any] = {
        "__cls": cls,
        "__dt": datetime,
        "__tz": timezone,
        "__zoned": _zoned,
        "__at": _at,
        "__seq": _sequence,
        "__map": _mapping,
        "__items": _items,
        "__map_items": _map_items,
        "__known": frozenset(keys),
        "__empty": EMPTY,
        "__proxy": types.MappingProxyType,
    }
    lines = [
        "def structure(o, _=None):",
        "    if o.__class__ is not dict: __map(o, '')",
        "    g = o.get",
    ]
    names: list[str] = []
    for i, (a, key) in enumerate(zip(fields, keys, strict=True)):
        lines.append(f"    v{i} = g({key!r})")
        lines += _field_code(i, key, _optional_arg(hints[a.name]), conv, env)
        names.append(f"{a.name}=v{i}")
    if keep:
        # Most responses carry no unknown member: one C-level subset test decides that.
        lines += [
            "    if __known.issuperset(o): x = __empty",
            "    else: x = __proxy({k: w for k, w in o.items() if k not in __known})",
        ]
        names.append("_extras=x")
    lines.append(f"    return __cls({', '.join(names)})")
    return _compile(cls, "structure", lines, env)


def _unstructure_fn(cls: type[Any], conv: cattrs.Converter, *, json: bool) -> Callable[..., Any]:
    """Generate ``unstructure(model)``: declared members that are set, then the unknown ones."""
    fields, hints = _fields(cls)
    env: dict[str, Any] = {"__json": _jsonable}
    lines = ["def unstructure(obj):", "    r = {}"]
    for i, a in enumerate(fields):
        tp = _optional_arg(hints[a.name])
        lines.append(f"    v = obj.{a.name}")
        key = camel_case(a.name)
        if tp in _PRIMITIVES:
            value = "v"
        elif tp is datetime:
            value = "v.isoformat()" if json else "v"
        elif _is_enum(tp):
            value = "v._value_"
        elif _is_tuple(tp) and typing.get_args(tp)[0] in _PRIMITIVES:
            value = "list(v)"
        elif _is_map(tp) and typing.get_args(tp)[1] in _PRIMITIVES:
            value = "dict(v)"
        else:
            env[f"h{i}"] = conv.get_unstructure_hook(tp)
            value = f"h{i}(v)"
        lines.append(f"    if v is not None: r[{key!r}] = {value}")
    if issubclass(cls, Model):
        # Declared members win over an unknown one of the same name (only a hand-built
        # model can have both).
        extra = "__json(x)" if json else "x"
        lines += ["    x = obj._extras", f"    if x: r = {{**{extra}, **r}}"]
    lines.append("    return r")
    return _compile(cls, "unstructure", lines, env)


def _compile(
    cls: type[Any], name: str, lines: list[str], env: dict[str, Any]
) -> Callable[..., Any]:
    source = "\n".join(lines) + "\n"
    filename = f"<jobkit {name} {cls.__module__}.{cls.__qualname__}>"
    # Registered like cattrs does, so tracebacks through generated code show its lines.
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    code = compile(source, filename, "exec")
    exec(code, env)  # noqa: S102 -- generated from our own attrs fields, as cattrs does
    fn: Callable[..., Any] = env[name]
    return fn


def _jsonable(value: Any) -> Any:
    """Unknown members made JSON-ready: datetimes as ISO-8601, tuples as lists."""
    try:
        return _to_json(value)
    except RecursionError:
        return value  # absurdly deep: hand it over as received rather than fail


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        pairs = typing.cast("Mapping[object, Any]", value)
        return {k: _to_json(v) for k, v in pairs.items()}
    if isinstance(value, list | tuple):
        return [_to_json(v) for v in typing.cast("Sequence[Any]", value)]
    return value


def _structure_enum(value: object, cls: type[AwsEnum]) -> AwsEnum:
    return typing.cast("AwsEnum", _enum_check(cls)(value, ""))


def _configure(conv: cattrs.Converter, *, json: bool) -> cattrs.Converter:
    conv.register_structure_hook(datetime, lambda v, _: _check_datetime(v, ""))
    # Registered by class, not predicate: cattrs' own `str` hooks would otherwise win for StrEnums.
    conv.register_structure_hook(AwsEnum, _structure_enum)
    conv.register_unstructure_hook(AwsEnum, lambda v: v._value_)
    if json:
        conv.register_unstructure_hook(datetime, datetime.isoformat)
    else:
        conv.register_unstructure_hook(datetime, lambda d: d)

    def structure_factory(cls: type[Any]) -> Callable[..., Any]:
        return _structure_fn(cls, conv)

    def unstructure_factory(cls: type[Any]) -> Callable[..., Any]:
        return _unstructure_fn(cls, conv, json=json)

    conv.register_structure_hook_factory(_is_model, structure_factory)
    conv.register_unstructure_hook_factory(_is_model, unstructure_factory)
    return conv


def _new(*, json: bool) -> cattrs.Converter:
    return _configure(
        cattrs.Converter(unstruct_collection_overrides={Sequence: list, Mapping: dict}),
        json=json,
    )


converter: cattrs.Converter = _new(json=False)
"""Turns boto3 response dicts into models and back (datetimes stay datetimes)."""

json_converter: cattrs.Converter  # provided by __getattr__ on first use


@functools.cache
def _json_converter() -> cattrs.Converter:
    """Like :data:`converter`, but unstructures to JSON-ready values (ISO-8601 strings)."""
    return _new(json=True)


def __getattr__(name: str) -> Any:
    # json_converter is built on first use: most programs never need it.
    if name == "json_converter":
        return _json_converter()
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def structure(obj: Mapping[str, Any], cl: type[T]) -> T:
    """Turn a boto3 response dict (or a part of one) into the jobkit model ``cl``.

    Members ``cl`` does not declare are kept (see :func:`jobkit.extras`).

    Raises:
        jobkit.errors.ConversionError: ``obj`` does not fit ``cl``; the message and
            ``.path`` name the first member that does not (``$.device.heapSize``).
    """
    try:
        return converter.structure(obj, cl)
    except _MismatchError as exc:
        raise ConversionError(
            f"Could not read the response as {_name(cl)}: {exc.where}: {exc.problem}.",
            path=exc.where,
        ) from exc.__cause__
    except Exception as exc:
        text = str(exc)
        text = text if len(text) <= 120 else text[:117] + "..."  # noqa: PLR2004
        raise ConversionError(
            f"Could not read the response as {_name(cl)} ({type(exc).__name__}: {text})."
        ) from exc


def _name(cl: object) -> str:
    return f"{getattr(cl, '__module__', '')}.{getattr(cl, '__qualname__', cl)}".lstrip(".")


def unstructure(obj: Model, *, mode: Literal["python", "json"] = "python") -> dict[str, Any]:
    """Turn a model back into boto3's dict shape, unknown members included.

    Args:
        obj: any jobkit model (``devicefarm.Job``, ``iot.DescribeJobResponse``, ...).
        mode: ``"python"`` (the default) gives what boto3 gives: ``datetime`` timestamps,
            unknown members as received. ``"json"`` gives values ``json.dumps`` accepts
            (ISO-8601 strings for timestamps).

    Returns:
        A new dict with boto3's camelCase keys; members that are ``None`` are left out.
    """
    out: dict[str, Any] = (_json_converter() if mode == "json" else converter).unstructure(obj)
    return out
