"""Argument checks that run before any AWS call; each failure says what is wrong and what to do.

Every check raises :class:`~jobkit.errors.InvalidArgumentError` (also a ``ValueError``) with a
one-sentence message under 300 characters. A message never echoes more than about 80
characters of the input, and shows it through ``repr`` so control characters stay escaped.

The building blocks of id checks live here (:func:`plain`, :func:`matching`); each service's
own id rules live in its folder (``jobkit.iot._ids``), following the patterns and lengths of
botocore's service models (a test compares them with the installed botocore).
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
    "ARN",
    "SERVICE_NAMES",
    "as_seconds",
    "bad_character",
    "clock_reading",
    "delay_range",
    "endpoint_url",
    "fail",
    "finite_non_negative",
    "flag",
    "flag_value",
    "injected_callable",
    "matching",
    "non_negative",
    "on_update_callable",
    "optional_positive_int",
    "plain",
    "positive_int",
    "positive_seconds",
    "random_draw",
    "region_name",
    "seconds",
    "shown",
    "text_id",
]

_SHOWN = 80  # at most this many characters of an input are echoed in a message

ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
    r"(?P<account>\d*):(?P<type>[A-Za-z-]+)[:/](?P<rest>.+)",
)
SERVICE_NAMES = {  # with their articles: "is an S3 ARN"
    "devicefarm": "a Device Farm",
    "iot": "an IoT",
    "amplify": "an Amplify",
    "s3": "an S3",
    "iam": "an IAM",
    "lambda": "a Lambda",
    "ec2": "an EC2",
}
# What botocore.utils.validate_region_name accepts, minus the empty string.
_REGION = re.compile(r"(?![0-9]+$)(?!-)[a-zA-Z0-9-]{1,63}(?<!-)")


def fail(message: str) -> InvalidArgumentError:
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


def bad_character(text: str) -> str | None:
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


def text_id(value: object, name: str) -> str:
    if not isinstance(value, str):
        kind = "None" if value is None else f"a {type(value).__name__}"
        msg = f"{name} is {kind}, not a string; pass the identifier as text."
        raise fail(msg)
    if not value.strip():
        msg = f"{name} is empty; pass the resource's identifier."
        raise fail(msg)
    return value


def plain(value: object, name: str, noun: str, advice: str) -> str:
    """A non-empty string of printable ASCII characters with no whitespace."""
    text = text_id(value, name)
    problem = bad_character(text)
    if problem is not None:
        msg = f"{name} {shown(text)} is not {noun} (it contains {problem}); {advice}"
        raise fail(msg)
    return text


def matching(value: object, name: str, pattern: re.Pattern[str], noun: str, advice: str) -> str:
    text = plain(value, name, noun, advice)
    if not pattern.fullmatch(text):
        msg = f"{name} {shown(text)} is not {noun}; {advice}"
        raise fail(msg)
    return text


def on_update_callable(value: object) -> None:
    """Refuse an ``on_update`` that is neither None nor callable."""
    if value is not None and not callable(value):
        msg = (
            f"on_update is {shown(value, 40)}, which is not callable; pass a function that "
            "takes the model (e.g. print), or None."
        )
        raise fail(msg)


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
        raise fail(msg)
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
        raise fail(msg)
    return value


def region_name(value: object) -> str | None:
    """Check a region name the way ``botocore.utils.validate_region_name`` does; None passes."""
    if value is None:
        return None
    if not isinstance(value, str) or not _REGION.fullmatch(value):
        msg = f"region_name {shown(value, 40)} is not a region name; pass one such as 'us-west-2'."
        raise fail(msg)
    return value


# Policy values: attrs converters and validators.


def seconds(value: object) -> float:
    """Convert seconds or a timedelta to float seconds; refuse anything else."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"expected seconds as a number or a timedelta, got {shown(value, 40)}; pass e.g. 600."
        raise fail(msg)
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
        raise fail(msg)
    if not math.isfinite(value):
        msg = f"{owner} {name} is {_number(value)}; it must be a finite number of seconds."
        raise fail(msg)
    return value


def positive_seconds(instance: object, attribute: Any, value: object) -> None:
    """Attrs validator: finite seconds > 0 (timeouts and delays)."""
    number = _seconds_value(instance, attribute, value)
    if number <= 0:
        owner, name = type(instance).__name__, attribute.name
        why = " (a zero delay would poll in a busy loop)" if name.endswith("delay") else ""
        msg = f"{owner} {name} is {_number(number)}; it must be more than 0 seconds{why}."
        raise fail(msg)


def finite_non_negative(instance: object, attribute: Any, value: object) -> None:
    """Attrs validator: finite seconds >= 0."""
    number = _seconds_value(instance, attribute, value)
    if number < 0:
        owner, name = type(instance).__name__, attribute.name
        msg = f"{owner} {name} is {_number(number)}; it must be zero or more seconds."
        raise fail(msg)


non_negative = finite_non_negative
"""The earlier name of :func:`finite_non_negative`."""


def delay_range(owner: str, min_delay: float, max_delay: float) -> None:
    """Refuse a policy whose longest delay is shorter than its shortest."""
    if max_delay < min_delay:
        msg = (
            f"{owner} max_delay ({_number(max_delay)}) is below min_delay ({_number(min_delay)}); "
            "make max_delay at least min_delay."
        )
        raise fail(msg)


def positive_int(instance: object, attribute: Any, value: object) -> None:
    """Attrs validator: an int >= 1 (not a bool)."""
    if type(value) is not int or value < 1:
        owner = type(instance).__name__
        msg = (
            f"{owner} {attribute.name} is {shown(value, 30)}; "
            "it must be a whole number (an int) of at least 1."
        )
        raise fail(msg)


def optional_positive_int(instance: object, attribute: Any, value: object) -> None:
    """Attrs validator: None, or an int >= 1 (not a bool)."""
    if value is not None and (type(value) is not int or value < 1):
        owner = type(instance).__name__
        msg = (
            f"{owner} {attribute.name} is {shown(value, 30)}; "
            "it must be a whole number (an int) of at least 1, or None for no limit."
        )
        raise fail(msg)


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
        raise fail(msg)


def flag_value(instance: object, attribute: Any, value: object) -> None:
    """Attrs validator: a bool (not 1, not "yes")."""
    if type(value) is not bool:
        owner, name = type(instance).__name__, attribute.name
        msg = f"{owner} {name} is {shown(value, 30)}; pass True or False."
        raise fail(msg)


def flag(value: object, name: str) -> bool:
    """Refuse a keyword flag (``check``, ``cancel_on_timeout``...) that is not a bool."""
    if type(value) is not bool:
        msg = f"{name} is {shown(value, 30)}; pass True or False."
        raise fail(msg)
    return value


def clock_reading(value: object, owner: str = "WaitPolicy") -> float:
    """Refuse what an injected ``clock`` returned unless it is finite seconds."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        msg = (
            f"{owner} clock returned {shown(value, 30)}; pass a clock that returns seconds "
            "as a finite float, e.g. time.monotonic."
        )
        raise fail(msg)
    return float(value)


def random_draw(value: object, owner: str) -> float:
    """Refuse what an injected ``random`` returned unless it is a float in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        msg = (
            f"{owner} random returned {shown(value, 30)}; pass a function returning a float "
            "in [0, 1), e.g. random.random."
        )
        raise fail(msg)
    return float(value)
