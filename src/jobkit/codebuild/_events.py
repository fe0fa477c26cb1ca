"""CodeBuild's recogniser: EventBridge "CodeBuild Build State Change" events.

CodeBuild sends them straight to EventBridge (AWS's CodeBuild user guide, "Build
notifications input format reference")::

    {"version": "0", "id": "...", "detail-type": "CodeBuild Build State Change",
     "source": "aws.codebuild", "account": "123456789012", "time": "2026-12-03T11:39:58Z",
     "region": "us-east-1", "resources": ["arn:aws:codebuild:...:build/web:1a2b..."],
     "detail": {"build-status": "SUCCEEDED", "project-name": "web",
                "build-id": "arn:aws:codebuild:us-east-1:123456789012:build/web:1a2b...", ...}}

``build-status`` is ``IN_PROGRESS``, ``SUCCEEDED``, ``FAILED`` or ``STOPPED``
(informational: the wait reads the build).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from jobkit._events._protocol import WakeUp

__all__ = ["DETAIL_TYPE", "EVENT_PATTERN", "KIND", "SOURCE", "key", "recognise"]

SOURCE: Final = "aws.codebuild"
DETAIL_TYPE: Final = "CodeBuild Build State Change"
KIND: Final = "codebuild"
EVENT_PATTERN: Final = {"source": [SOURCE], "detail-type": [DETAIL_TYPE]}
"""The EventBridge rule's event pattern that sends these events (and only these) to the queue."""

_MAX_ID = 2048  # a build ARN: a 150-character project name, a UUID and the ARN's prefix
_MAX_STATUS = 64
_MAX_TIME = 40


def key(build_id: str) -> tuple[str, str]:
    """The target key of one build (``PROJECT:UUID``), as waits and this recogniser build it."""
    return (KIND, build_id)


def _time(value: object) -> float | None:
    if not isinstance(value, str) or len(value) > _MAX_TIME:
        return None
    try:
        moment = datetime.fromisoformat(value)
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
    except (ValueError, OverflowError):
        return None


def recognise(document: Mapping[str, Any]) -> tuple[WakeUp, ...]:
    """The build a CodeBuild state-change event names (none for any other document)."""
    if document.get("source") != SOURCE or document.get("detail-type") != DETAIL_TYPE:
        return ()
    detail = document.get("detail")
    if not isinstance(detail, Mapping):
        return ()
    fields: Mapping[str, Any] = detail  # pyright: ignore[reportUnknownVariableType]
    named = fields.get("build-id")
    if not isinstance(named, str) or not 0 < len(named) <= _MAX_ID:
        return ()
    build_id = named.partition(":build/")[2] if named.startswith("arn:") else named
    if not build_id:
        return ()
    status = fields.get("build-status")
    claimed = status if isinstance(status, str) and len(status) <= _MAX_STATUS else None
    return (WakeUp(key(build_id), claimed, _time(document.get("time"))),)
