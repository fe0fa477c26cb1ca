"""Argument checks that run before any AWS call; each failure says what is wrong and what to do.

Every check raises :class:`~jobkit.errors.InvalidArgumentError` (also a ``ValueError``) with a
one-sentence message under 300 characters. A message never echoes more than about 80
characters of the input, and shows it through ``repr`` so control characters stay escaped.

The id rules follow the patterns and lengths of botocore's service models (a test compares
them with the installed botocore, so drift is caught).
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from jobkit.errors import InvalidArgumentError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "MAX_EXECUTION_NUMBER",
    "amplify_app_branch",
    "amplify_ids",
    "as_seconds",
    "clock_reading",
    "delay_range",
    "devicefarm_arn",
    "devicefarm_arn_of",
    "endpoint_url",
    "finite_non_negative",
    "flag",
    "flag_value",
    "injected_callable",
    "iot_execution_number",
    "iot_job_id",
    "iot_thing_name",
    "non_negative",
    "on_update_callable",
    "optional_positive_int",
    "positive_int",
    "positive_seconds",
    "random_draw",
    "region_name",
    "seconds",
    "shown",
]

MAX_EXECUTION_NUMBER = 2**63 - 1
"""The largest IoT execution number (botocore's ``ExecutionNumber`` is a signed 64-bit long)."""

_SHOWN = 80  # at most this many characters of an input are echoed in a message

_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
    r"(?P<account>\d*):(?P<type>[A-Za-z-]+)[:/](?P<rest>.+)",
)
_SERVICE_NAMES = {  # with their articles: "is an S3 ARN"
    "devicefarm": "a Device Farm",
    "iot": "an IoT",
    "amplify": "an Amplify",
    "s3": "an S3",
    "iam": "an IAM",
    "lambda": "a Lambda",
    "ec2": "an EC2",
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
    (
        "job",
        "run",
    ): "pass the ARN of the run that contains it (...:run:PROJECT/RUN), or wait for the job",
    ("suite", "run"): "pass the ARN of the run that contains it",
    ("test", "run"): "pass the ARN of the run that contains it",
}
# botocore's patterns and length bounds (AmazonResourceName, AppId, BranchName, JobId, ThingName).
_DEVICEFARM_ARN_MIN, _DEVICEFARM_ARN_MAX = 32, 1011
_DEVICEFARM_ARN = re.compile(r"^arn:aws:devicefarm:.+")
_AMPLIFY_APP_ID = re.compile(r"d[a-z0-9]{1,19}")
_AMPLIFY_BRANCH_MAX = 255
_AMPLIFY_JOB_ID = re.compile(r"[0-9]{1,255}")
_IOT_JOB_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_IOT_THING_NAME = re.compile(r"[a-zA-Z0-9:_-]{1,128}")
_IOT_JOB_ARN = re.compile(
    r"arn:aws[a-z-]*:iot:[a-z0-9-]+:[0-9]{12}:job/(?P<job_id>.+)",
)
_IOT_JOB_ADVICE = "use 1-64 letters, digits, '_' or '-', or the job's ARN."
_IOT_THING_ADVICE = "use 1-128 letters, digits, ':', '_' or '-'."
# What botocore.utils.validate_region_name accepts, minus the empty string.
_REGION = re.compile(r"(?![0-9]+$)(?!-)[a-zA-Z0-9-]{1,63}(?<!-)")


def _fail(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(message, code="InvalidArgument")


def shown(value: object, limit: int = _SHOWN) -> str:
    """Return ``repr(value)`` cut to about ``limit`` characters, saying how long it was."""
    if not isinstance(value, str):
        try:
            text = repr(value)
        except Exception:  # noqa: BLE001 -- a huge int or a broken __repr__ is still refused clearly
            text = ""
        return text if 0 < len(text) <= limit else f"an object of type {type(value).__name__}"
    full = repr(value)
    if len(full) <= limit:
        return full
    suffix = f"... ({len(value)} characters)"
    keep = limit - len(suffix) - 2
    while keep > 0 and len(repr(value[:keep])) > limit - len(suffix):
        keep -= 1
    return f"{value[:keep]!r}{suffix}"


def _number(value: float) -> str:
    return f"{value:g}"


def _bad_character(text: str) -> str | None:
    """Describe the first control, whitespace or non-ASCII character of ``text``, if any."""
    for index, char in enumerate(text):
        if char == "\0":
            return f"a NUL character at position {index}"
        if char.isspace():
            return f"whitespace ({char!r}) at position {index}"
        if unicodedata.category(char).startswith("C"):
            return f"a control character ({char!r}) at position {index}"
        if not char.isascii():
            return f"the non-ASCII character {char!r} (U+{ord(char):04X}) at position {index}"
    return None


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        kind = "None" if value is None else f"a {type(value).__name__}"
        msg = f"{name} is {kind}, not a string; pass the identifier as text."
        raise _fail(msg)
    if not value.strip():
        msg = f"{name} is empty; pass the resource's identifier."
        raise _fail(msg)
    return value


def _plain(value: object, name: str, noun: str, advice: str) -> str:
    """A non-empty string of printable ASCII characters with no whitespace."""
    text = _text(value, name)
    problem = _bad_character(text)
    if problem is not None:
        msg = f"{name} {shown(text)} is not {noun} (it contains {problem}); {advice}"
        raise _fail(msg)
    return text


def devicefarm_arn(value: object, expected: str, *, name: str = "arn") -> str:
    """Check that ``value`` is a Device Farm ARN of resource type ``expected``."""
    wanted = _DEVICEFARM_TYPES[expected]
    text = _text(value, name)
    if len(text) > _DEVICEFARM_ARN_MAX:
        msg = (
            f"{name} {shown(text, 40)} is too long; a Device Farm ARN has "
            f"{_DEVICEFARM_ARN_MIN} to {_DEVICEFARM_ARN_MAX} characters, so pass the {wanted} ARN."
        )
        raise _fail(msg)
    arn = _plain(text, name, f"a Device Farm {wanted} ARN", "pass the ARN exactly as AWS shows it.")
    match = _ARN.fullmatch(arn)
    if match is None:
        msg = f"{name} {shown(arn)} is not an ARN; pass the Device Farm {wanted} ARN (arn:aws:devicefarm:...)."
        raise _fail(msg)
    service, kind = match["service"], match["type"]
    if service != "devicefarm":
        what = _SERVICE_NAMES.get(service, f"a {service!r}")
        msg = (
            f"{name} {shown(arn)} is {what} ARN, not a Device Farm one; "
            f"pass the Device Farm {wanted} ARN."
        )
        raise _fail(msg)
    if kind != expected:
        found = _DEVICEFARM_TYPES.get(kind, kind)
        hint = _HINTS.get((kind, expected), f"pass a Device Farm {wanted} ARN")
        msg = f"{name} {shown(arn)} is a Device Farm {found} ARN, not a {wanted} ARN; {hint}."
        raise _fail(msg)
    if not _DEVICEFARM_ARN.match(arn):
        msg = (
            f"{name} {shown(arn)} is not in the aws partition; Device Farm runs only in "
            f"us-west-2, so pass an arn:aws:devicefarm:... {wanted} ARN."
        )
        raise _fail(msg)
    if len(arn) < _DEVICEFARM_ARN_MIN:
        msg = (
            f"{name} {shown(arn)} has {len(arn)} characters; a Device Farm ARN has "
            f"{_DEVICEFARM_ARN_MIN} to {_DEVICEFARM_ARN_MAX}, so pass the whole {wanted} ARN."
        )
        raise _fail(msg)
    return arn


def devicefarm_arn_of(
    value: object, kinds: tuple[str, ...], *, name: str = "arn"
) -> tuple[str, str]:
    """Check a Device Farm ARN of one of ``kinds`` (``("run", "job")``); return it and its kind."""
    match = _ARN.fullmatch(value) if isinstance(value, str) else None
    if match is not None and match["service"] == "devicefarm" and match["type"] in kinds:
        return devicefarm_arn(value, match["type"], name=name), match["type"]
    try:
        devicefarm_arn(value, kinds[0], name=name)
    except InvalidArgumentError:
        if match is None or match["service"] != "devicefarm":
            raise
    assert match is not None  # noqa: S101 -- only a Device Farm ARN of another kind gets here
    wanted = " or ".join(_DEVICEFARM_TYPES[k] for k in kinds)
    found = _DEVICEFARM_TYPES.get(match["type"], match["type"])
    msg = (
        f"{name} {shown(value)} is a Device Farm {found} ARN, not a {wanted} ARN; "
        f"pass the ARN of the {wanted} it belongs to."
    )
    raise _fail(msg)


def _matching(value: object, name: str, pattern: re.Pattern[str], noun: str, advice: str) -> str:
    text = _plain(value, name, noun, advice)
    if not pattern.fullmatch(text):
        msg = f"{name} {shown(text)} is not {noun}; {advice}"
        raise _fail(msg)
    return text


def _amplify_branch(value: object) -> str:
    branch = _text(value, "branch_name")
    if len(branch) > _AMPLIFY_BRANCH_MAX:
        msg = (
            f"branch_name {shown(branch, 40)} is too long; Amplify allows at most "
            f"{_AMPLIFY_BRANCH_MAX} characters, so pass the branch's name."
        )
        raise _fail(msg)
    problem = _bad_character(branch)
    if problem is not None and "non-ASCII" not in problem:
        msg = f"branch_name {shown(branch)} contains {problem}; pass the branch name as Amplify shows it."
        raise _fail(msg)
    return branch


def amplify_ids(app_id: object, branch_name: object, job_id: object) -> tuple[str, str, str]:
    """Check an Amplify app id (``d...``), branch name and job id (digits).

    A branch name may hold any printable character git allows (non-ASCII included),
    but no whitespace or control characters.
    """
    return (
        _matching(
            app_id,
            "app_id",
            _AMPLIFY_APP_ID,
            "an Amplify app id",
            "it looks like 'd1a2b3c4d5e6f7' (2-20 lowercase letters and digits, starting with 'd').",
        ),
        _amplify_branch(branch_name),
        _matching(
            job_id,
            "job_id",
            _AMPLIFY_JOB_ID,
            "an Amplify job id",
            "pass the job's number (1-255 digits), e.g. '42'.",
        ),
    )


def amplify_app_branch(app_id: object, branch_name: object) -> tuple[str, str]:
    """Check an Amplify app id and branch name (no job id)."""
    app, branch, _ = amplify_ids(app_id, branch_name, "1")
    return app, branch


def iot_job_id(value: object) -> str:
    """Check an IoT job id (1-64 of letters, digits, '_' and '-') or job ARN; return the id.

    ``arn:aws:iot:REGION:ACCOUNT:job/JOB_ID`` is accepted wherever a job id is.
    """
    text = _plain(value, "job_id", "an IoT job id", _IOT_JOB_ADVICE)
    if text.startswith("arn:"):
        arn = _IOT_JOB_ARN.fullmatch(text)
        if arn is None:
            match = _ARN.fullmatch(text)
            if match is not None and match["service"] != "iot":
                found = _SERVICE_NAMES.get(match["service"], f"a {match['service']!r}") + " ARN"
            elif match is not None:
                found = f"an IoT {match['type']} ARN"
            else:
                found = "not an IoT job ARN"
            msg = (
                f"job_id {shown(text)} is {found}; pass the IoT job id or its ARN "
                "(arn:aws:iot:REGION:ACCOUNT:job/JOB_ID)."
            )
            raise _fail(msg)
        text = arn["job_id"]
    return _matching(
        text,
        "job_id",
        _IOT_JOB_ID,
        "an IoT job id",
        _IOT_JOB_ADVICE,
    )


def iot_thing_name(value: object) -> str:
    """Check an IoT thing name: 1-128 of letters, digits, ':', '_' and '-'."""
    text = _plain(value, "thing_name", "an IoT thing name", _IOT_THING_ADVICE)
    if text.startswith("arn:") and ":thing/" in text:
        msg = f"thing_name {shown(text)} is a thing ARN; pass the thing name (the part after 'thing/')."
        raise _fail(msg)
    return _matching(
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
        raise _fail(msg)
    return value


def on_update_callable(value: object) -> None:
    """Refuse an ``on_update`` that is neither None nor callable."""
    if value is not None and not callable(value):
        msg = (
            f"on_update is {shown(value, 40)}, which is not callable; pass a function that "
            "takes the model (e.g. print), or None."
        )
        raise _fail(msg)


def endpoint_url(value: object) -> str | None:
    """Check an ``endpoint_url`` the way botocore does before it builds a client; None passes.

    botocore refuses (with a bare ``ValueError``) a URL without a host name, or with a host
    name that is not a valid DNS name or IPv6 address; jobkit also wants http or https.
    """
    if value is None:
        return None
    from botocore import utils  # noqa: PLC0415 -- only needed when a caller passes a URL

    if not isinstance(value, str):
        msg = f"endpoint_url is a {type(value).__name__}, not a string; pass a URL such as https://localhost:4566."
        raise _fail(msg)
    scheme = value.partition("://")[0].lower() if "://" in value else ""
    checks = cast(
        "tuple[Callable[[str], object], ...]",
        (
            utils.is_valid_endpoint_url,  # pyright: ignore[reportUnknownMemberType]
            utils.is_valid_ipv6_endpoint_url,  # pyright: ignore[reportUnknownMemberType]
        ),
    )
    valid = any(bool(check(value)) for check in checks)
    if scheme not in {"http", "https"} or not valid:
        msg = (
            f"endpoint_url {shown(value)} is not a valid http(s) URL; "
            "pass one such as https://localhost:4566."
        )
        raise _fail(msg)
    return value


def region_name(value: object) -> str | None:
    """Check a region name the way ``botocore.utils.validate_region_name`` does; None passes."""
    if value is None:
        return None
    if not isinstance(value, str) or not _REGION.fullmatch(value):
        msg = f"region_name {shown(value, 40)} is not a region name; pass one such as 'us-west-2'."
        raise _fail(msg)
    return value


# Policy values: attrs converters and validators.


def seconds(value: object) -> float:
    """Convert seconds or a timedelta to float seconds; refuse anything else."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"expected seconds as a number or a timedelta, got {shown(value, 40)}; pass e.g. 600."
        raise _fail(msg)
    try:
        return float(value)
    except OverflowError:
        return math.inf


def as_seconds(value: float | timedelta) -> float:
    """Attrs converter: seconds or a timedelta to float seconds.

    Anything else (a bool, a string, None) is passed through unchanged, so the field's
    validator can refuse it with a message naming the policy and the parameter.
    """
    if isinstance(value, timedelta):
        return value.total_seconds()
    if type(value) is not bool and isinstance(value, int | float):  # pyright: ignore[reportUnnecessaryIsInstance]
        try:
            return float(value)
        except OverflowError:
            return math.inf
    return value


def _seconds_value(instance: object, attribute: Any, value: object) -> float:
    """Refuse a value that is not float seconds (after :func:`as_seconds`), NaN or infinite."""
    owner, name = type(instance).__name__, attribute.name
    if not isinstance(value, float):
        kind = "None" if value is None else f"the {type(value).__name__} {shown(value, 30)}"
        msg = f"{owner} {name} is {kind}; pass seconds as a number or a timedelta, e.g. 600."
        raise _fail(msg)
    if not math.isfinite(value):
        msg = f"{owner} {name} is {_number(value)}; it must be a finite number of seconds."
        raise _fail(msg)
    return value


def positive_seconds(instance: object, attribute: Any, value: object) -> None:
    """Attrs validator: finite seconds > 0 (timeouts and delays)."""
    number = _seconds_value(instance, attribute, value)
    if number <= 0:
        owner, name = type(instance).__name__, attribute.name
        why = " (a zero delay would poll in a busy loop)" if name.endswith("delay") else ""
        msg = f"{owner} {name} is {_number(number)}; it must be more than 0 seconds{why}."
        raise _fail(msg)


def finite_non_negative(instance: object, attribute: Any, value: object) -> None:
    """Attrs validator: finite seconds >= 0."""
    number = _seconds_value(instance, attribute, value)
    if number < 0:
        owner, name = type(instance).__name__, attribute.name
        msg = f"{owner} {name} is {_number(number)}; it must be zero or more seconds."
        raise _fail(msg)


non_negative = finite_non_negative
"""The earlier name of :func:`finite_non_negative`."""


def delay_range(owner: str, min_delay: float, max_delay: float) -> None:
    """Refuse a policy whose longest delay is shorter than its shortest."""
    if max_delay < min_delay:
        msg = (
            f"{owner} max_delay ({_number(max_delay)}) is below min_delay ({_number(min_delay)}); "
            "make max_delay at least min_delay."
        )
        raise _fail(msg)


def positive_int(instance: object, attribute: Any, value: object) -> None:
    """Attrs validator: an int >= 1 (not a bool)."""
    if type(value) is not int or value < 1:
        owner = type(instance).__name__
        msg = (
            f"{owner} {attribute.name} is {shown(value, 30)}; "
            "it must be a whole number (an int) of at least 1."
        )
        raise _fail(msg)


def optional_positive_int(instance: object, attribute: Any, value: object) -> None:
    """Attrs validator: None, or an int >= 1 (not a bool)."""
    if value is not None and (type(value) is not int or value < 1):
        owner = type(instance).__name__
        msg = (
            f"{owner} {attribute.name} is {shown(value, 30)}; "
            "it must be a whole number (an int) of at least 1, or None for no limit."
        )
        raise _fail(msg)


_INJECTED = {
    "clock": "a function of no arguments returning seconds as a float, e.g. time.monotonic",
    "sleep": "a function taking seconds, e.g. time.sleep (or FakeClock().sleep)",
    "random": "a function of no arguments returning a float in [0, 1), e.g. random.random",
}


def injected_callable(instance: object, attribute: Any, value: object) -> None:
    """Attrs validator: an injected ``clock``, ``sleep`` or ``random`` must be callable."""
    if not callable(value):
        owner, name = type(instance).__name__, attribute.name
        msg = (
            f"{owner} {name} is {shown(value, 30)}, which is not callable; pass {_INJECTED[name]}."
        )
        raise _fail(msg)


def flag_value(instance: object, attribute: Any, value: object) -> None:
    """Attrs validator: a bool (not 1, not "yes")."""
    if type(value) is not bool:
        owner, name = type(instance).__name__, attribute.name
        msg = f"{owner} {name} is {shown(value, 30)}; pass True or False."
        raise _fail(msg)


def flag(value: object, name: str) -> bool:
    """Refuse a keyword flag (``check``, ``cancel_on_timeout``...) that is not a bool."""
    if type(value) is not bool:
        msg = f"{name} is {shown(value, 30)}; pass True or False."
        raise _fail(msg)
    return value


def clock_reading(value: object, owner: str = "WaitPolicy") -> float:
    """Refuse what an injected ``clock`` returned unless it is finite seconds."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        msg = (
            f"{owner} clock returned {shown(value, 30)}; pass a clock that returns seconds "
            "as a finite float, e.g. time.monotonic."
        )
        raise _fail(msg)
    return float(value)


def random_draw(value: object, owner: str) -> float:
    """Refuse what an injected ``random`` returned unless it is a float in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        msg = (
            f"{owner} random returned {shown(value, 30)}; pass a function returning a float "
            "in [0, 1), e.g. random.random."
        )
        raise _fail(msg)
    return float(value)
