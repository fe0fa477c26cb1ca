"""Durations as the command takes them: ``90``, ``90s``, ``15m``, ``1h30m``, ``2h``, ``0.5``."""

from __future__ import annotations

import argparse
import math
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["duration", "format_duration", "parse_duration"]

_NUMBER = r"\d+(?:\.\d*)?|\.\d+"
_DURATION = re.compile(
    rf"(?:(?P<h>{_NUMBER})h)?(?:(?P<m>{_NUMBER})m(?:in)?)?(?:(?P<s>{_NUMBER})s)?", re.IGNORECASE
)
_EXAMPLES = "use e.g. 90, 90s, 15m or 1h30m"


def parse_duration(text: str) -> float:
    """Return the seconds ``text`` says, or raise ``ValueError`` saying what is wrong.

    A bare number is seconds. Units are ``h``, ``m`` and ``s``, largest first, each at most
    once (``1h30m``, ``2m30s``, ``1.5h``).
    """
    value = text.strip()
    try:
        seconds = float(value)
    except ValueError:
        match = _DURATION.fullmatch(value)
        if not value or match is None:
            msg = f"{text!r} is not a duration; {_EXAMPLES}"
            raise ValueError(msg) from None
        seconds = sum(
            float(match[unit] or 0) * size for unit, size in (("h", 3600), ("m", 60), ("s", 1))
        )
    if not math.isfinite(seconds):
        msg = f"is {text}; {_EXAMPLES}"
        raise ValueError(msg)
    return seconds


def duration(
    *, minimum: float = 0.0, allow_zero: bool = False, below: float | None = None
) -> Callable[[str], float]:
    """An argparse ``type=`` for a duration; argparse puts the flag in front of the message."""

    def convert(text: str) -> float:
        try:
            seconds = parse_duration(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        if seconds < minimum or (seconds == 0 and not allow_zero):
            least = "0 seconds or more" if allow_zero else "more than 0 seconds"
            msg = f"is {text}; it must be {least}"
            raise argparse.ArgumentTypeError(msg)
        if below is not None and seconds >= below:
            msg = f"is {text}; it must be below {format_duration(below)}"
            raise argparse.ArgumentTypeError(msg)
        return seconds

    convert.__name__ = "duration"  # argparse names the type in some messages
    return convert


def format_duration(seconds: float) -> str:
    """``10800`` -> ``3h``, ``90`` -> ``1m30s``, ``0.5`` -> ``0.5s``: the form the help shows."""
    if seconds < 60 or seconds != int(seconds):  # noqa: PLR2004
        return f"{seconds:g}s"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(hours, "h"), (minutes, "m"), (secs, "s")]
    return "".join(f"{n}{unit}" for n, unit in parts if n)
