"""The services jobkit knows: one line each. Adding a service is one line here plus its folder.

Everything that lists services (the command's resources, ``jobkit.testing``, the stub loader,
the drift check) reads :func:`services`; the engine never names one. Each entry is a package
whose ``_operations`` module holds a :class:`~jobkit._engine._operations.Service`. Reading the
table imports those light modules only, never a model.
"""

from __future__ import annotations

import functools
import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jobkit._engine._operations import Call, Operation, Service

__all__ = ["NAMES", "by_command", "calls", "operations", "service", "services"]

NAMES: tuple[str, ...] = (
    "devicefarm",
    "amplify",
    "iot",
    "codebuild",
)
"""The service packages under ``jobkit``, in the order the command lists their resources."""


@functools.cache
def services() -> tuple[Service, ...]:
    """Every service's part of the operation table, in :data:`NAMES` order."""
    return tuple(importlib.import_module(f"jobkit.{name}._operations").SERVICE for name in NAMES)


def service(name: str) -> Service:
    """The service called ``name`` (its boto3 name, ``"devicefarm"``)."""
    for known in services():
        if known.name == name:
            return known
    raise KeyError(name)


def operations() -> tuple[Operation[Any], ...]:
    """Every get/describe operation jobkit reads, in the order the command lists them."""
    return tuple(op for known in services() for op in known.operations)


def calls() -> tuple[Call, ...]:
    """The list and start calls jobkit makes around the waits; their models are drift-checked too."""
    return tuple(call for known in services() for call in known.calls)


def by_command(word: str) -> Operation[Any]:
    """Return the operation behind a resource word of the command (``"iot-job"``)."""
    for operation in operations():
        if operation.command == word:
            return operation
    raise KeyError(word)
