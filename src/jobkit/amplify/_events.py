"""Amplify's recogniser: EventBridge "Amplify Deployment Status Change" events.

Amplify sends them straight to EventBridge, best effort (AWS's EventBridge reference, "AWS
Amplify events")::

    {"version": "0", "id": "...", "detail-type": "Amplify Deployment Status Change",
     "source": "aws.amplify", "account": "123456789012", "time": "2026-12-03T11:39:58Z",
     "region": "us-west-2", "resources": ["arn:aws:amplify:...:apps/d123/branches/main/jobs/1"],
     "detail": {"appId": "d123", "branchName": "main", "jobId": "1", "jobStatus": "SUCCEED"}}

``jobStatus`` is ``STARTED``, ``SUCCEED`` or ``FAILED`` (informational: the wait reads the job).
Self-contained on purpose: it moves into the Amplify service folder with the restructure.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from jobkit._events._protocol import WakeUp

__all__ = ["DETAIL_TYPE", "EVENT_PATTERN", "KIND", "SOURCE", "key", "recognise"]

SOURCE: Final = "aws.amplify"
DETAIL_TYPE: Final = "Amplify Deployment Status Change"
KIND: Final = "amplify"
EVENT_PATTERN: Final = {"source": [SOURCE], "detail-type": [DETAIL_TYPE]}
"""The EventBridge rule's event pattern that sends these events (and only these) to the queue."""

_MAX_ID = 255  # botocore's longest app id, branch name and job id
_MAX_STATUS = 64
_MAX_TIME = 40  # an ISO 8601 time with offset and microseconds is 32 characters


def key(app_id: str, branch_name: str, job_id: str) -> tuple[str, str, str, str]:
    """The target key of one Amplify job, as waits and this recogniser both build it."""
    return (KIND, app_id, branch_name, job_id)


def _id(value: object) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= _MAX_ID else None


def _time(value: object) -> float | None:
    """EventBridge's ``time`` (ISO 8601, UTC) in seconds since the epoch, or None."""
    if not isinstance(value, str) or len(value) > _MAX_TIME:
        return None
    try:
        moment = datetime.fromisoformat(value)
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
    except (ValueError, OverflowError):
        return None


def recognise(document: Mapping[str, Any]) -> tuple[WakeUp, ...]:
    """The job an Amplify deployment event names (none for any other document)."""
    if document.get("source") != SOURCE or document.get("detail-type") != DETAIL_TYPE:
        return ()
    detail = document.get("detail")
    if not isinstance(detail, Mapping):
        return ()
    fields: Mapping[str, Any] = detail  # pyright: ignore[reportUnknownVariableType]
    app_id, branch, job_id = (_id(fields.get(name)) for name in ("appId", "branchName", "jobId"))
    if app_id is None or branch is None or job_id is None:
        return ()
    status = fields.get("jobStatus")
    claimed = status if isinstance(status, str) and len(status) <= _MAX_STATUS else None
    return (WakeUp(key(app_id, branch, job_id), claimed, _time(document.get("time"))),)
