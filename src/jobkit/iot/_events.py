"""IoT's recogniser: the job and job-execution event documents of the reserved topics.

With ``UpdateEventConfigurations`` enabling ``JOB`` and ``JOB_EXECUTION``, AWS IoT publishes
(AWS IoT developer guide, "Jobs events"; at least once, in no guaranteed order):

- ``$aws/events/job/<jobId>/completed|canceled|deleted|cancellation_in_progress|
  deletion_in_progress``::

    {"eventType": "JOB", "eventId": "...", "timestamp": 1234567890, "operation": "completed",
     "jobId": "27450507-...", "status": "SUCCEEDED", "targetSelection": "SNAPSHOT",
     "targets": ["arn:aws:iot:...:thing/..."], "completedAt": 1234567890123,
     "jobProcessDetails": {"numberOfSucceededThings": 3, ...}}

- ``$aws/events/jobExecution/<jobId>/succeeded|failed|rejected|canceled|timed_out|removed|
  deleted``::

    {"eventType": "JOB_EXECUTION", "eventId": "...", "timestamp": 1234567890,
     "operation": "succeeded", "jobId": "154b39e5-...",
     "thingArn": "arn:aws:iot:us-east-1:123456789012:thing/myThing",
     "status": "SUCCEEDED", "statusDetails": {"key": "value"}}

An IoT topic rule (``SELECT * FROM '$aws/events/job/#'`` and ``'$aws/events/jobExecution/#'``)
with an ``sqs`` action puts each document on the queue as it is (or base64 with ``useBase64``).
A job event wakes :func:`job_key`; an execution event wakes :func:`execution_key`. For a deleted
job the execution event's ``status`` is the one before the deletion: informational either way.
Self-contained on purpose: it moves into the IoT service folder with the restructure.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final

from jobkit._events._protocol import WakeUp

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "EXECUTION_KIND",
    "JOB_KIND",
    "TOPICS",
    "execution_key",
    "job_key",
    "recognise",
    "thing_name",
]

JOB_KIND: Final = "iot-job"
EXECUTION_KIND: Final = "iot-execution"
TOPICS: Final = ("$aws/events/job/#", "$aws/events/jobExecution/#")
"""The reserved topic filters a topic rule selects from (one rule each)."""

_MAX_JOB_ID = 64
_MAX_THING = 128
_MAX_ARN = 2048
_MAX_STATUS = 64
_MILLISECONDS = 1e11  # a "timestamp" above this (year 5138 in seconds) is in milliseconds


def job_key(job_id: str) -> tuple[str, str]:
    """The target key of one IoT job."""
    return (JOB_KIND, job_id)


def execution_key(job_id: str, thing: str) -> tuple[str, str, str]:
    """The target key of one IoT job execution (the job's id and the thing's name)."""
    return (EXECUTION_KIND, job_id, thing)


def thing_name(thing_arn: object) -> str | None:
    """The thing's name in ``arn:aws:iot:REGION:ACCOUNT:thing/NAME`` (names may hold ':')."""
    if not isinstance(thing_arn, str) or len(thing_arn) > _MAX_ARN:
        return None
    parts = thing_arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iot":  # noqa: PLR2004 -- an ARN's six parts
        return None
    name = parts[5].partition("/")[2]
    return name if 0 < len(name) <= _MAX_THING else None


def _time(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        seconds = float(value) / 1000 if value > _MILLISECONDS else float(value)
    except OverflowError:  # an int too long for a float
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def recognise(document: Mapping[str, Any]) -> tuple[WakeUp, ...]:
    """The job or execution an IoT jobs event names (none for any other document)."""
    kind = document.get("eventType")
    if kind not in ("JOB", "JOB_EXECUTION"):  # a tuple: an unhashable eventType must not raise
        return ()
    job_id = document.get("jobId")
    if not isinstance(job_id, str) or not 0 < len(job_id) <= _MAX_JOB_ID:
        return ()
    status = document.get("status")
    claimed = status if isinstance(status, str) and len(status) <= _MAX_STATUS else None
    at = _time(document.get("timestamp"))
    if kind == "JOB":
        return (WakeUp(job_key(job_id), claimed, at),)
    thing = thing_name(document.get("thingArn"))
    if thing is None:
        return ()
    return (WakeUp(execution_key(job_id, thing), claimed, at),)
