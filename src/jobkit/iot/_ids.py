"""IoT's id checks: job ids (or ARNs), thing names and execution numbers, before any call."""

from __future__ import annotations

import re

from jobkit._engine._validation import (
    ARN,
    SERVICE_NAMES,
    fail,
    matching,
    plain,
    shown,
)

__all__ = ["MAX_EXECUTION_NUMBER", "iot_execution_number", "iot_job_id", "iot_thing_name"]

MAX_EXECUTION_NUMBER = 2**63 - 1
"""The largest IoT execution number (botocore's ``ExecutionNumber`` is a signed 64-bit long)."""

# botocore's patterns and length bounds (JobId, ThingName).
_IOT_JOB_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_IOT_THING_NAME = re.compile(r"[a-zA-Z0-9:_-]{1,128}")
_IOT_JOB_ARN = re.compile(
    r"arn:aws[a-z-]*:iot:[a-z0-9-]+:[0-9]{12}:job/(?P<job_id>.+)",
)
_IOT_JOB_ADVICE = "use 1-64 letters, digits, '_' or '-', or the job's ARN."
_IOT_THING_ADVICE = "use 1-128 letters, digits, ':', '_' or '-'."


def iot_job_id(value: object) -> str:
    """Check an IoT job id (1-64 of letters, digits, '_' and '-') or job ARN; return the id.

    ``arn:aws:iot:REGION:ACCOUNT:job/JOB_ID`` is accepted wherever a job id is.
    """
    text = plain(value, "job_id", "an IoT job id", _IOT_JOB_ADVICE)
    if text.startswith("arn:"):
        arn = _IOT_JOB_ARN.fullmatch(text)
        if arn is None:
            match = ARN.fullmatch(text)
            if match is not None and match["service"] != "iot":
                found = SERVICE_NAMES.get(match["service"], f"a {match['service']!r}") + " ARN"
            elif match is not None:
                found = f"an IoT {match['type']} ARN"
            else:
                found = "not an IoT job ARN"
            msg = (
                f"job_id {shown(text)} is {found}; pass the IoT job id or its ARN "
                "(arn:aws:iot:REGION:ACCOUNT:job/JOB_ID)."
            )
            raise fail(msg)
        text = arn["job_id"]
    return matching(
        text,
        "job_id",
        _IOT_JOB_ID,
        "an IoT job id",
        _IOT_JOB_ADVICE,
    )


def iot_thing_name(value: object) -> str:
    """Check an IoT thing name: 1-128 of letters, digits, ':', '_' and '-'."""
    text = plain(value, "thing_name", "an IoT thing name", _IOT_THING_ADVICE)
    if text.startswith("arn:") and ":thing/" in text:
        msg = f"thing_name {shown(text)} is a thing ARN; pass the thing name (the part after 'thing/')."
        raise fail(msg)
    return matching(
        text,
        "thing_name",
        _IOT_THING_NAME,
        "an IoT thing name",
        _IOT_THING_ADVICE,
    )


def iot_execution_number(value: object) -> int | None:
    """Check an optional execution number: an int from 1 to 2**63-1 (not a bool), or None."""
    if value is None:
        return None
    if type(value) is not int or not 1 <= value <= MAX_EXECUTION_NUMBER:
        msg = (
            f"execution_number is {shown(value, 40)}; pass a whole number from 1 to 2**63-1 "
            "(an int), or None for the latest execution."
        )
        raise fail(msg)
    return value
