"""``cancel_on_timeout``: which ends of a wait ask AWS to stop the resource, and what to say.

The facades make the calls (sync or async); this module decides and words them, once.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

from jobkit.errors import JobkitError, WaitTimeoutError

if TYPE_CHECKING:
    from jobkit._engine._operations import Operation

__all__ = ["STOP_TIMEOUT", "annotate", "interrupts", "stopped_note", "unstoppable_note"]

logger = logging.getLogger("jobkit")

STOP_TIMEOUT = 15.0
"""Seconds for the stop call, and again for the one read that shows whether it took."""


def interrupts(exc: BaseException, *, cancelled: bool = False) -> bool:
    """Whether ``exc`` ends a wait in a way ``cancel_on_timeout`` answers by stopping the resource.

    The deadline (``WaitTimeoutError``), Ctrl-C (``KeyboardInterrupt``) and other interrupts
    that are ``BaseException`` but not ``Exception`` (the command's SIGTERM). Not
    ``SystemExit`` or ``GeneratorExit``; ``asyncio.CancelledError`` only when ``cancelled``.
    """
    if isinstance(exc, WaitTimeoutError | KeyboardInterrupt):
        return True
    # Only a process that imported asyncio can hold its CancelledError; the sync facades do not
    # import it (their import stays cheap).
    asyncio = sys.modules.get("asyncio")
    if asyncio is not None and isinstance(exc, asyncio.CancelledError):
        return cancelled
    return not isinstance(exc, Exception | SystemExit | GeneratorExit)


def _verb(operation: Operation[Any]) -> str:
    return (
        "cancel"
        if operation.cancel is not None and operation.cancel.startswith("cancel")
        else "stop"
    )


def stopped_note(
    operation: Operation[Any], api: str, status: str | None, error: JobkitError | None
) -> str:
    """What ``cancel_on_timeout`` did, for the end of the error's message."""
    verb = _verb(operation)
    if error is not None:
        said = _aws_message(error) or error.message
        reason = f"{error.code}: {said}" if error.code else said
        return (
            f"jobkit asked AWS to {verb} the {operation.label} ({api}), but the {verb} "
            f"failed ({reason[:160]}); it may still be running."
        )
    seen = f"; its status is now {status}" if status else ""
    return f"jobkit asked AWS to {verb} the {operation.label} ({api}) and AWS accepted it{seen}."


def _aws_message(error: JobkitError) -> str | None:
    """AWS's own words for a refused call (botocore's ``Error.Message``), if it gave any."""
    response = getattr(error.__cause__, "response", None)
    if isinstance(response, dict):
        found = response.get("Error", {}).get("Message")  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        if isinstance(found, str) and found:
            return found
    return None


def unstoppable_note(operation: Operation[Any]) -> str:
    """For a resource AWS has no stop call for."""
    return f"The {operation.label} has no stop or cancel call in AWS; it was left running."


def annotate(exc: BaseException, note: str) -> None:
    """Add ``note`` to the error being raised (its message for jobkit errors), and log it."""
    logger.warning("%s", note)
    if isinstance(exc, JobkitError):
        exc.args = (f"{exc.message} {note}", *exc.args[1:])
        return
    if not exc.args:
        exc.args = (note,)
    exc.add_note(note)
