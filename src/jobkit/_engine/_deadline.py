"""A wait's deadline, with the clock it is measured on and the sleep that spends it.

The waiting engine hands one to every call it makes, so the retry policy underneath
measures "never past the deadline" on the same clock, and sleeps with the same
(possibly simulated) sleep, as the wait itself.
"""

from __future__ import annotations

from collections.abc import Callable

from attrs import frozen

__all__ = ["Deadline"]


@frozen
class Deadline:
    """The instant ``at`` on ``clock``; ``sleep`` is how time is spent until then."""

    at: float
    clock: Callable[[], float]
    sleep: Callable[[float], None]

    def allows(self, seconds: float) -> bool:
        """Whether sleeping ``seconds`` from now still ends by the deadline."""
        return self.clock() + seconds <= self.at
