"""The tolerant enum base shared by every jobkit model enum.

AWS adds and retires enum values without notice.  A value this release does not
know is turned into a *pseudo-member*: an instance of the same enum class (so the
static type an IDE shows is still the enum) that keeps the exact string, compares
equal to it, round-trips through the converter, and answers ``False`` to
``is_known`` and to ``value in EnumClass``.
"""

from __future__ import annotations

import enum
import threading
from typing import Any, ClassVar, Self

__all__ = ["AwsEnum"]


class AwsEnum(enum.StrEnum):
    """A string enum that never raises on a value AWS sends but this release lacks."""

    _unknown_: ClassVar[dict[str, Any]]
    _unknown_lock_: ClassVar[threading.Lock]

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        # The cache keeps pseudo-members unique, so `is` and hashing behave like real members.
        cache: dict[str, Self] = cls.unknown_members()
        member = cache.get(value)
        if member is None:
            with cls._unknown_lock_:
                member = cache.get(value)
                if member is None:
                    member = str.__new__(cls, value)
                    member._name_ = value
                    member._value_ = value
                    cache[value] = member
        return member

    @classmethod
    def unknown_members(cls) -> dict[str, Any]:
        """The values seen so far that this release does not declare, and their pseudo-members."""
        cache = cls.__dict__.get("_unknown_")
        if cache is None:
            with _CACHE_LOCK:
                if "_unknown_" not in cls.__dict__:
                    # type.__setattr__: Enum's metaclass would refuse a new attribute.
                    type.__setattr__(cls, "_unknown_", {})
                    type.__setattr__(cls, "_unknown_lock_", threading.Lock())
            cache = cls.__dict__["_unknown_"]
        return cache  # type: ignore[no-any-return]

    @property
    def is_known(self) -> bool:
        """Whether this value is one this release of jobkit declares."""
        return self._name_ in type(self).__members__

    def __repr__(self) -> str:
        if self.is_known:
            return f"<{type(self).__name__}.{self._name_}: {self._value_!r}>"
        return f"<{type(self).__name__} unknown: {self._value_!r}>"


_CACHE_LOCK = threading.Lock()
