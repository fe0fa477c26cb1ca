"""The outcome every job-like resource ends with, and the protocol the waiting engine relies on."""

from __future__ import annotations

import enum
from typing import Protocol, runtime_checkable

__all__ = ["Outcome", "Resource", "with_outcome"]


class Outcome(enum.StrEnum):
    """How a resource that reached a terminal status ended."""

    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


@runtime_checkable
class Resource(Protocol):
    """What the waiting engine needs from a model: whether it is done, and how it ended."""

    @property
    def is_terminal(self) -> bool:
        """Whether the resource will not change status again on its own."""
        ...

    @property
    def outcome(self) -> Outcome | None:
        """How the resource ended; ``None`` while it is not terminal."""
        ...


def with_outcome(text: str, outcome: Outcome | None) -> str:
    """``text``, followed by ``-> OUTCOME`` once there is one (for one-line descriptions)."""
    return f"{text} -> {outcome}" if outcome is not None else text
