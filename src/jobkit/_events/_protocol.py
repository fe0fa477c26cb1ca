"""What a recogniser is, and what it hands the event source: wake-ups for target keys.

The engine (``_messages``, ``_sharing``, ``_source``) names no service. A service contributes a
*recogniser*: a function from one decoded JSON document to the wake-ups it names (usually none
or one). A recogniser must never raise and never do I/O; the engine guards it anyway (an
exception counts as "recognised nothing" and is logged once).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from attrs import frozen

__all__ = ["Recogniser", "TargetKey", "WakeUp"]

TargetKey = tuple[str, ...]
"""A hashable name for one watched resource: ``("amplify", app_id, branch, job_id)``.

The first member names the kind of resource; the rest are its ids exactly as AWS spells them.
The service that builds a key for a wait and the recogniser that builds it from an event build it
the same way, so equality is all the engine needs.
"""


@frozen
class WakeUp:
    """An event said something happened to ``key``: read it now.

    ``status`` and ``at`` are what the event *claims* (its status, and its time in seconds since
    the epoch): informational only. An event may be a duplicate, stale or out of order, so the
    wait always reads the resource and ends on what AWS then says.
    """

    key: TargetKey
    status: str | None = None
    at: float | None = None


Recogniser = Callable[[Mapping[str, Any]], Iterable[WakeUp]]
"""A service's recogniser: one decoded document in, the wake-ups it names out (pure, total)."""
