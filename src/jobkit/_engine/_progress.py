"""One-line, human descriptions of a resource's state, for logs and the command's progress.

Each model describes itself (``describe()``); this module knows no service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jobkit._convert._outcome import Resource

__all__ = ["describe"]


def describe(resource: Resource) -> str:
    """Return e.g. ``RUNNING (12/40 tests, 12 passed)`` for any jobkit resource."""
    own = getattr(resource, "describe", None)
    if callable(own):
        return str(own())
    status = getattr(resource, "status", None)
    return str(status) if status is not None else "UNKNOWN"
