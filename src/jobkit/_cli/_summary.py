"""``--output summary``: one screen -- the outcome, then what failed.

Each resource class has a list of sections; a section turns the final model (and, when it
needs more, reads through the facade) into lines. Each service keeps its sections in its own
folder (``jobkit.iot._summary``: failed things with their status details; Device Farm's:
failed tests per device; Amplify's: failed steps), imported the first time one of its
resources is summarised. Long lists stop at :data:`MAX_ITEMS` and say how many more.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, cast

from attrs import frozen

from jobkit._engine._progress import describe
from jobkit.errors import JobkitError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "MAX_ITEMS",
    "SECTIONS",
    "Context",
    "best_effort",
    "first_line",
    "more",
    "section",
    "summary_lines",
]

MAX_ITEMS = 20  # one screen: the first failures, then how many more


@frozen(kw_only=True)
class Context:
    """What a section may use beyond the model: the facade (for more reads) and the flags."""

    facade: Any = None
    show_secrets: bool = False


SECTIONS: dict[str, list[Callable[[Any, Context], list[str]]]] = {}
"""Class path (``jobkit.iot.Job``) -> its sections, in the order they print."""


def section(
    path: str,
) -> Callable[[Callable[[Any, Context], list[str]]], Callable[[Any, Context], list[str]]]:
    """Register a summary section for the resource class at ``path``."""

    def register(fn: Callable[[Any, Context], list[str]]) -> Callable[[Any, Context], list[str]]:
        SECTIONS.setdefault(path, []).append(fn)
        return fn

    return register


def summary_lines(resource: Any, *, what: str, outcome: str, context: Context) -> list[str]:
    """The summary: ``OUTCOME: what``, the status line, then each section's lines."""
    lines = [f"{outcome}: {what}"]
    if resource is None:
        lines.append("  status: never seen")
        return lines
    lines.append(f"  status: {describe(resource)}")
    cls: type[Any] = type(cast("object", resource))
    _service_sections(cls.__module__)
    for fn in SECTIONS.get(f"{cls.__module__}.{cls.__qualname__}", ()):
        try:
            lines += fn(resource, context)
        except JobkitError as exc:  # the summary is best effort; the exit code stands
            lines.append(f"  (could not read more: {exc})")
    return lines


def _service_sections(module: str) -> None:
    """Import the sections a service keeps in its own folder (its ``Service.summary`` module)."""
    from jobkit._services import NAMES, service  # noqa: PLC0415 -- read once a summary is made

    name = module.split(".")[1] if module.startswith("jobkit.") else ""
    found = service(name).summary if name in NAMES else None
    if found is not None:
        importlib.import_module(found)


def best_effort(read: Callable[[], list[str]]) -> list[str]:
    """Lines that need more reads; a failed read is one line, and the lines before it stay."""
    try:
        return read()
    except JobkitError as exc:
        return [f"  (could not read more: {exc})"]


def more(shown: int, total: int) -> list[str]:
    return [f"  ... and {total - shown} more"] if total > shown else []


def first_line(text: str | None, limit: int = 160) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."
