"""The converter's two verbs, importing cattrs and building the converter on first use.

The facades and the engine convert only once a response arrives, so importing them (and
``from jobkit import DeviceFarm``) costs nothing for the converter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["structure", "unstructure"]

T = TypeVar("T")


def structure(raw: Mapping[str, Any], cls: type[T]) -> T:
    """:func:`jobkit.structure`, imported on first use."""
    from jobkit._convert._converter import structure as convert  # noqa: PLC0415 -- lazy on purpose

    return convert(raw, cls)


def unstructure(model: Any, *, mode: Literal["python", "json"] = "python") -> dict[str, Any]:
    """:func:`jobkit.unstructure`, imported on first use."""
    from jobkit._convert._converter import unstructure as convert  # noqa: PLC0415 -- lazy on purpose

    return convert(model, mode=mode)
