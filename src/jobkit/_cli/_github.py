"""GitHub Actions mode (``GITHUB_ACTIONS=true``): groups, annotations, step outputs, a summary.

Workflow commands go to stderr (the runner reads both streams), so stdout stays the
result. ``outcome=``, ``status=`` and ``id=`` are appended to ``$GITHUB_OUTPUT``; a
Markdown table to ``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

from contextlib import suppress
from typing import IO, TYPE_CHECKING

from jobkit._cli._sinks import command_data, command_property, markdown, output_entry

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["GitHub"]


class GitHub:
    """What the command tells GitHub Actions; every method does nothing when not enabled."""

    def __init__(self, environ: Mapping[str, str], stream: IO[str]) -> None:
        self.enabled = environ.get("GITHUB_ACTIONS") == "true"
        self.stream = stream
        self.output_file = environ.get("GITHUB_OUTPUT") or None
        self.summary_file = environ.get("GITHUB_STEP_SUMMARY") or None
        self._open_group = False

    def _command(self, text: str) -> None:
        with suppress(OSError, ValueError):
            self.stream.write(text + "\n")
            self.stream.flush()

    def group(self, title: str) -> None:
        """Start a collapsible group of log lines."""
        if self.enabled and not self._open_group:
            self._command(f"::group::{command_data(title)}")
            self._open_group = True

    def end_group(self) -> None:
        """End the group, if one is open."""
        if self._open_group:
            self._command("::endgroup::")
            self._open_group = False

    def error(self, message: str, title: str = "jobkit") -> None:
        """An error annotation on the step."""
        if self.enabled:
            self.end_group()
            self._command(f"::error title={command_property(title)}::{command_data(message)}")

    def outputs(self, values: Mapping[str, str | None]) -> None:
        """Append one entry per value to ``$GITHUB_OUTPUT`` (see ``_sinks.output_entry``)."""
        if not self.enabled or self.output_file is None:
            return
        lines = "".join(output_entry(k, v) for k, v in values.items() if v is not None)
        _append(self.output_file, lines)

    def step_summary(
        self, title: str, rows: Sequence[tuple[str, str]], details: Sequence[str]
    ) -> None:
        """Append a Markdown table (and what failed, as a list) to ``$GITHUB_STEP_SUMMARY``."""
        if not self.enabled or self.summary_file is None:
            return
        text = f"### {markdown(title)}\n\n| | |\n|---|---|\n"
        text += "".join(f"| {markdown(k)} | {markdown(v)} |\n" for k, v in rows)
        if details:
            text += "\n" + "".join(
                f"- {markdown(line.strip().removeprefix('- '))}\n" for line in details
            )
        _append(self.summary_file, text + "\n")


def _append(path: str, text: str) -> None:
    with suppress(OSError), open(path, "a", encoding="utf-8", newline="") as f:  # noqa: PTH123 -- bytes as written
        f.write(text)
