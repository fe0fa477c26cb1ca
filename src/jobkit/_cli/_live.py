r"""Progress on stderr: one live line on a terminal, one line per change otherwise.

The live line is redrawn in place (``\r\x1b[K`` first, every time) and cut to the
terminal's width so it never wraps: the status stays whole and the middle of a long
ARN is elided. The resource's name and status pass through ``_sinks.terminal`` before
the line is cut and ``_sinks.line`` after, so the only control bytes on it are jobkit's. While the resource is not visible yet (the not-found grace), the line
says so and how long the grace has left.
"""

from __future__ import annotations

import os
import shutil
import time
from typing import IO, TYPE_CHECKING

from jobkit._cli._sinks import line, terminal
from jobkit._engine._progress import describe

if TYPE_CHECKING:
    from collections.abc import Callable

    from jobkit._convert._outcome import Resource

__all__ = ["Progress", "fit", "terminal_width"]

_ELLIPSIS = "..."
_MIN_NAME = 12  # keep at least this much of the resource's name before cutting the status


def terminal_width(stream: IO[str]) -> int:
    """Columns of the terminal ``stream`` writes to (``COLUMNS`` wins, as in ``shutil``)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (OSError, ValueError, AttributeError):
        return shutil.get_terminal_size().columns


def _elide_middle(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    if width <= len(_ELLIPSIS):
        return text[:width]
    keep = width - len(_ELLIPSIS)
    head = (keep + 1) // 2
    return text[:head] + _ELLIPSIS + text[len(text) - (keep - head) :]


def fit(prefix: str, name: str, status: str, width: int) -> str:
    """``prefix name: status`` in at most ``width`` columns; the name gives way first."""
    line = f"{prefix}{name}: {status}"
    if len(line) <= width:
        return line
    room = width - len(prefix) - 2 - len(status)
    if room >= min(_MIN_NAME, len(name)):
        return f"{prefix}{_elide_middle(name, room)}: {status}"
    short = _elide_middle(name, min(_MIN_NAME, len(name)))
    line = f"{prefix}{short}: {status}"
    if len(line) <= width:
        return line
    cut = max(0, width - len(_ELLIPSIS))
    return line[:cut] + _ELLIPSIS if width > len(_ELLIPSIS) else line[:width]


class Progress:
    """Progress of one wait on ``stream``; ``sleep`` redraws the live line once a second."""

    def __init__(
        self,
        stream: IO[str],
        *,
        quiet: bool,
        what: str,
        grace: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.quiet = quiet
        self.live = not quiet and _isatty(stream)
        self.what = what
        self.grace = grace
        self.clock = clock
        self.start = clock()
        self.text = "waiting for the first answer"
        self.status: str | None = None  # the last status seen, for GitHub's outputs
        self.last: Resource | None = None
        self.not_found = False
        self._said_not_found = False
        self.drawn = False

    def elapsed(self) -> float:
        """Seconds since the wait began."""
        return self.clock() - self.start

    def _stamp(self) -> str:
        seconds = int(self.elapsed())
        return f"[{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}] "

    def _line_text(self) -> str:
        if self.not_found and self.last is None:
            left = max(0, round(self.grace - self.elapsed()))
            return f"not found yet; polling for {left}s more (check the id and --region)"
        return self.text

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (BrokenPipeError, ValueError, OSError):
            self.quiet = True
            self.live = False

    def _draw(self) -> None:
        # The last column would wrap on some terminals.
        width = max(20, terminal_width(self.stream) - 1)
        shown = fit(self._stamp(), terminal(self.what), terminal(self._line_text()), width)
        self._write("\r\x1b[K" + line(shown)[:width])
        self.drawn = True

    def _line(self, text: str) -> None:
        self._write(line(f"{self._stamp()}{self.what}: {text}") + "\n")

    def update(self, resource: Resource) -> None:
        """A newly observed state (the wait's ``on_update``)."""
        self.last = resource
        self.not_found = False
        self.text = describe(resource)
        status = getattr(resource, "status", None)
        self.status = None if status is None else str(status)
        if self.quiet:
            return
        if self.live:
            self._draw()
        else:
            self._line(self.text)

    def answered(self, *, not_found: bool) -> None:
        """What the last poll's answer was, from the client's event hook."""
        if not_found == self.not_found:
            return
        self.not_found = not_found
        if not not_found or self.last is not None or self.quiet:
            return
        if self.live:
            self._draw()
        elif not self._said_not_found:
            self._said_not_found = True
            self._line(self._line_text())

    def sleep(self, seconds: float) -> None:
        """The wait's sleep: on a terminal, redraw the line each second meanwhile."""
        if not self.live:
            time.sleep(seconds)
            return
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            time.sleep(min(1.0, left))
            self._draw()

    def close(self) -> None:
        """End the live line, so what follows starts on a line of its own."""
        if self.live and self.drawn:
            self._write("\n")
        self.drawn = False


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (ValueError, AttributeError):
        return False
