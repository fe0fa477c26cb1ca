"""AWS Batch's recogniser: EventBridge "Batch Job State Change" events.

Batch sends one for every status change of a job (AWS Batch user guide, "Job state change
events"); the detail is the job much as DescribeJobs shows it::

    {"version": "0", "id": "...", "detail-type": "Batch Job State Change",
     "source": "aws.batch", "account": "123456789012", "time": "2026-12-03T11:39:58Z",
     "region": "us-east-1", "resources": ["arn:aws:batch:us-east-1:123456789012:job/4b6a..."],
     "detail": {"jobName": "nightly-etl", "jobId": "4b6a...", "status": "RUNNABLE", ...}}

``status`` is informational: the wait reads the job.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from jobkit._events._protocol import WakeUp

__all__ = ["DETAIL_TYPE", "EVENT_PATTERN", "KIND", "SOURCE", "key", "recognise"]

SOURCE: Final = "aws.batch"
DETAIL_TYPE: Final = "Batch Job State Change"
KIND: Final = "batch"
EVENT_PATTERN: Final = {"source": [SOURCE], "detail-type": [DETAIL_TYPE]}
"""The EventBridge rule's event pattern that sends these events (and only these) to the queue."""

_MAX_ID = 64  # a UUID and an array index or node number
_MAX_STATUS = 64
_MAX_TIME = 40


def key(job_id: str) -> tuple[str, str]:
    """The target key of one job (its id), as waits and this recogniser both build it."""
    return (KIND, job_id)


def _time(value: object) -> float | None:
    if not isinstance(value, str) or len(value) > _MAX_TIME:
        return None
    try:
        moment = datetime.fromisoformat(value)
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
    except (ValueError, OverflowError):
        return None


def recognise(document: Mapping[str, Any]) -> tuple[WakeUp, ...]:
    """The job a Batch state-change event names (none for any other document)."""
    if document.get("source") != SOURCE or document.get("detail-type") != DETAIL_TYPE:
        return ()
    detail = document.get("detail")
    if not isinstance(detail, Mapping):
        return ()
    fields: Mapping[str, Any] = detail  # pyright: ignore[reportUnknownVariableType]
    job_id = fields.get("jobId")
    if not isinstance(job_id, str) or not 0 < len(job_id) <= _MAX_ID:
        return ()
    status = fields.get("status")
    claimed = status if isinstance(status, str) and len(status) <= _MAX_STATUS else None
    return (WakeUp(key(job_id), claimed, _time(document.get("time"))),)
