"""SIGTERM as an interrupt: a cancelled CI step unwinds the command like Ctrl-C does."""

from __future__ import annotations

import contextlib
import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Generator
    from types import FrameType

__all__ = ["Terminated", "sigterm_as_interrupt"]


class Terminated(BaseException):
    """SIGTERM arrived: unwinds the command like Ctrl-C (a BaseException, so nothing swallows it)."""


@contextlib.contextmanager
def sigterm_as_interrupt() -> Generator[None]:
    """While inside, SIGTERM raises :class:`Terminated` in the main thread."""

    def on_term(_signum: int, _frame: FrameType | None) -> None:
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, on_term)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
