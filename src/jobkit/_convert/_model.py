"""The base every jobkit model shares: members a model does not declare, and a safe ``repr()``.

AWS adds response members after a jobkit release. The converter keeps them in the
keyword-only ``_extras`` field (camelCase keys, values as received), so they
round-trip through ``unstructure``, take part in ``==`` (not in ``hash``) and
survive ``attrs.evolve``. :func:`extras` is the public way to read them.
"""

# No `from __future__ import annotations`: attrs and the converter read real annotations.
import types
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from jobkit._convert._redact import redact_extras
from jobkit.errors import InvalidArgumentError

__all__ = ["EMPTY", "Model", "extras"]

EMPTY: Mapping[str, Any] = types.MappingProxyType({})
"""The shared, read-only "no unknown members" value."""


@attrs.frozen(kw_only=True, repr=False)
class Model:
    """Base of every jobkit model; subclasses are ``@frozen(kw_only=True, repr=False)``."""

    _extras: Mapping[str, Any] = attrs.field(
        default=EMPTY, alias="_extras", eq=True, hash=False, repr=False
    )

    def __repr__(self) -> str:
        # Same shape as attrs' repr, but per-field failures are contained and the unknown
        # members (when there are any) come last, redacted, bounded in depth and size.
        cls = type(self)
        parts: list[str] = []
        for a in attrs.fields(cls):
            if not a.repr or a.name == "_extras":
                continue
            parts.append(f"{a.name}={_safe(a.repr, getattr(self, a.name))}")
        if self._extras:
            parts.append(f"extras={redact_extras(self._extras)}")
        return f"{cls.__qualname__}({', '.join(parts)})"

    def __reduce__(self) -> tuple[Any, ...]:
        # A mappingproxy cannot be pickled or deep-copied; carry the extras as a plain dict.
        cls = type(self)
        values = {a.name: getattr(self, a.name) for a in attrs.fields(cls)}
        values["_extras"] = dict(self._extras)
        return (_rebuild, (cls, values))


def _rebuild(cls: type[Model], values: dict[str, Any]) -> Model:
    extras_ = values.pop("_extras")
    found = types.MappingProxyType(extras_) if extras_ else EMPTY
    return cls(_extras=found, **values)


def _safe(how: object, value: object) -> str:
    try:
        return str(how(value)) if callable(how) else repr(value)
    except Exception:  # noqa: BLE001 -- repr() must never raise, whatever a value holds
        return f"<unprintable {type(value).__name__}>"


def extras(model: object) -> Mapping[str, Any]:
    """Return the response members ``model`` does not declare (camelCase keys, values as received).

    The mapping is read-only and empty when the response carried nothing new. Nested
    models keep their own: ``extras(job.device)``.

    Raises:
        jobkit.errors.InvalidArgumentError: ``model`` is not a jobkit model.
    """
    if not isinstance(model, Model):
        msg = f"extras() takes a jobkit model, got {type(model).__name__}."
        raise InvalidArgumentError(msg, code="InvalidArgument")
    found = model._extras  # noqa: SLF001  # pyright: ignore[reportPrivateUsage] -- the one public reader
    return found if isinstance(found, types.MappingProxyType) else types.MappingProxyType(found)


def name_public_module(names: Iterable[str], namespace: Mapping[str, Any], module: str) -> None:
    """Make each class in ``names`` say it lives in ``module``, the public one that re-exports it.

    Messages, reprs of the classes and pickles then name ``jobkit.iot.Job``, not the private
    ``jobkit.iot._models`` where it is defined.
    """
    for name in names:
        namespace[name].__module__ = module
