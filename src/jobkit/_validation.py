"""Argument checks that run before any AWS call; each failure says what is wrong and what to do."""

from __future__ import annotations

import math
import re
from datetime import timedelta
from typing import Any

from jobkit.errors import InvalidArgumentError

__all__ = [
    "amplify_ids",
    "delay_range",
    "devicefarm_arn",
    "iot_execution_number",
    "iot_job_id",
    "iot_thing_name",
    "non_negative",
    "positive_int",
    "seconds",
]

_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
    r"(?P<account>\d*):(?P<type>[A-Za-z-]+)[:/](?P<rest>.+)",
)
_SERVICE_NAMES = {
    "devicefarm": "Device Farm",
    "iot": "IoT",
    "amplify": "Amplify",
    "s3": "S3",
    "iam": "IAM",
}
_DEVICEFARM_TYPES = {
    "project": "project",
    "run": "run",
    "job": "job",
    "suite": "suite",
    "test": "test",
    "device": "device",
    "session": "remote access session",
    "upload": "upload",
    "devicepool": "device pool",
    "deviceinstance": "device instance",
    "instanceprofile": "instance profile",
    "networkprofile": "network profile",
    "vpceconfiguration": "VPC endpoint configuration",
    "artifact": "artifact",
    "sample": "sample",
    "testgrid-project": "test grid project",
    "testgrid-session": "test grid session",
}
_HINTS = {
    ("run", "job"): "pass the ARN of one of its jobs (list_jobs(arn=RUN_ARN) lists them)",
    ("suite", "job"): "pass the ARN of the job that contains it",
    ("test", "job"): "pass the ARN of the job that contains it",
    ("device", "job"): "a device is not a job; pass the job ARN from list_jobs",
}
# botocore's patterns, with its length bounds folded in.
_AMPLIFY_APP_ID = re.compile(r"d[a-z0-9]{1,19}")
_AMPLIFY_BRANCH = re.compile(r"(?s).{1,255}")
_AMPLIFY_JOB_ID = re.compile(r"[0-9]{1,255}")
_IOT_JOB_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_IOT_THING_NAME = re.compile(r"[a-zA-Z0-9:_-]{1,128}")


def _fail(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(message, code="InvalidArgument")


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        msg = f"{name} must be a string, got {type(value).__name__}; pass the identifier as text."
        raise _fail(msg)
    if not value.strip():
        msg = f"{name} is empty; pass the resource's identifier."
        raise _fail(msg)
    return value


def devicefarm_arn(value: object, expected: str, *, name: str = "arn") -> str:
    """Check that ``value`` is a Device Farm ARN of resource type ``expected``."""
    arn = _text(value, name)
    wanted = _DEVICEFARM_TYPES[expected]
    match = _ARN.fullmatch(arn)
    if match is None:
        msg = f"{name} {arn!r} is not an ARN; pass the Device Farm {wanted} ARN (arn:aws:devicefarm:...)."
        raise _fail(msg)
    service, kind = match["service"], match["type"]
    if service != "devicefarm":
        what = _SERVICE_NAMES.get(service, service)
        msg = f"{name} {arn!r} is an {what} ARN, not a Device Farm one; pass the Device Farm {wanted} ARN."
        raise _fail(msg)
    if kind != expected:
        found = _DEVICEFARM_TYPES.get(kind, kind)
        hint = _HINTS.get((kind, expected), f"pass a Device Farm {wanted} ARN")
        msg = f"{name} {arn!r} is a Device Farm {found} ARN, not a {wanted} ARN; {hint}."
        raise _fail(msg)
    if len(arn) < 32 or len(arn) > 1011:  # noqa: PLR2004 -- botocore's AmazonResourceName bounds
        msg = f"{name} {arn!r} has {len(arn)} characters; a Device Farm ARN has 32 to 1011."
        raise _fail(msg)
    return arn


def _matching(value: object, name: str, pattern: re.Pattern[str], problem: str) -> str:
    text = _text(value, name)
    if not pattern.fullmatch(text):
        shown = text if len(text) <= 80 else text[:77] + "..."  # noqa: PLR2004
        msg = f"{name} {shown!r} {problem}"
        raise _fail(msg)
    return text


def amplify_ids(app_id: object, branch_name: object, job_id: object) -> tuple[str, str, str]:
    """Check an Amplify app id (``d...``), branch name and job id (digits)."""
    return (
        _matching(
            app_id,
            "app_id",
            _AMPLIFY_APP_ID,
            "is not an Amplify app id; it looks like 'd1a2b3c4d5e6f7' (1-20 characters, starting with 'd').",
        ),
        _matching(
            branch_name,
            "branch_name",
            _AMPLIFY_BRANCH,
            "is not an Amplify branch name; Amplify allows at most 255 characters.",
        ),
        _matching(
            job_id,
            "job_id",
            _AMPLIFY_JOB_ID,
            "is not an Amplify job id; pass the job's number, e.g. '42'.",
        ),
    )


def iot_job_id(value: object) -> str:
    """Check an IoT job id: 1-64 of letters, digits, '_' and '-'."""
    return _matching(
        value, "job_id", _IOT_JOB_ID, "is not an IoT job id; use 1-64 letters, digits, '_' or '-'."
    )


def iot_thing_name(value: object) -> str:
    """Check an IoT thing name: 1-128 of letters, digits, ':', '_' and '-'."""
    return _matching(
        value,
        "thing_name",
        _IOT_THING_NAME,
        "is not an IoT thing name; use 1-128 letters, digits, ':', '_' or '-'.",
    )


def iot_execution_number(value: object) -> int | None:
    """Check an optional execution number: a non-negative integer."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"execution_number {value!r} is not a non-negative integer; pass e.g. 1, or None for the latest."
        raise _fail(msg)
    return value


def seconds(value: object) -> float:
    """Convert seconds or a timedelta to float seconds (for attrs converters)."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"expected seconds as a number or a timedelta, got {type(value).__name__}; pass e.g. 600."
        raise _fail(msg)
    return float(value)


def delay_range(owner: str, min_delay: float, max_delay: float) -> None:
    """Refuse a policy whose longest delay is shorter than its shortest."""
    if max_delay < min_delay:
        msg = (
            f"{owner} max_delay ({max_delay}) is below min_delay ({min_delay}); "
            "make max_delay at least min_delay."
        )
        raise InvalidArgumentError(msg, code=f"Invalid{owner}")


def non_negative(instance: object, attribute: Any, value: float) -> None:
    """Attrs validator: a finite number >= 0."""
    if math.isnan(value) or value < 0:
        owner = type(instance).__name__
        msg = f"{owner} {attribute.name} is {value}; it must be zero or more seconds."
        raise _fail(msg)


def positive_int(instance: object, attribute: Any, value: object) -> None:
    """Attrs validator: an int >= 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        owner = type(instance).__name__
        msg = f"{owner} {attribute.name} is {value!r}; it must be a whole number of at least 1."
        raise _fail(msg)
