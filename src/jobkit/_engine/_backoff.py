"""Pure backoff maths; randomness is passed in so tests read like tables.

Waiter delay (the Smithy / AWS SDK for Go v2 and JS v3 waiter schedule), for the
``n``-th sleep (``n >= 1``) with ``r`` uniform in ``[0, 1)``::

    ceiling(n) = min(max_delay, min_delay * 2 ** (n - 1))
    delay(n)   = min_delay + r * (ceiling(n) - min_delay)

so the first sleep is exactly ``min_delay`` and later sleeps are jittered between
``min_delay`` and a ceiling that doubles up to ``max_delay``.

Retry delay (full jitter, as in botocore's standard retry mode), before retry ``n``::

    delay(n) = r * min(max_delay, min_delay * 2 ** (n - 1))
"""

from __future__ import annotations

__all__ = ["full_jitter_delay", "waiter_delay"]

_MAX_EXPONENT = 62  # 2**62 seconds already exceeds any max_delay; avoids float overflow


def _ceiling(attempt: int, min_delay: float, max_delay: float) -> float:
    exponent = min(max(attempt - 1, 0), _MAX_EXPONENT)
    return min(max_delay, min_delay * 2.0**exponent)


def waiter_delay(attempt: int, min_delay: float, max_delay: float, r: float) -> float:
    """Return the delay before the poll after the ``attempt``-th one (``attempt >= 1``)."""
    ceiling = _ceiling(attempt, min_delay, max_delay)
    return min_delay + r * (ceiling - min_delay)


def full_jitter_delay(attempt: int, min_delay: float, max_delay: float, r: float) -> float:
    """Return the delay before retry number ``attempt`` (``attempt >= 1``)."""
    return r * _ceiling(attempt, min_delay, max_delay)
