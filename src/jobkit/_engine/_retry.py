"""RetryPolicy: retrying one AWS call through transient failures, with tenacity inside.

How the two retry layers combine: botocore retries inside each call jobkit makes,
and jobkit retries around it. For one logical call the number of HTTP requests is
at most ``RetryPolicy.max_attempts * botocore_attempts``, where ``botocore_attempts``
is the client's ``retries`` setting (botocore's defaults: 5 in legacy mode, 3 in
standard and adaptive mode). A client that jobkit creates itself turns botocore's
retries off (``total_max_attempts=1``), so the bound is exactly ``max_attempts``.
:func:`http_attempt_bound` computes the bound for a given client.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import field, frozen

from jobkit._engine._abort import pause
from jobkit._engine._aws_errors import is_retryable
from jobkit._engine._backoff import full_jitter_delay
from jobkit._engine._validation import (
    as_seconds,
    delay_range,
    injected_callable,
    positive_int,
    positive_seconds,
    random_draw,
)

if TYPE_CHECKING:
    from botocore.client import BaseClient

    from jobkit._engine._deadline import Deadline

__all__ = ["RetryPolicy", "http_attempt_bound"]

logger = logging.getLogger("jobkit")

T = TypeVar("T")

_BOTOCORE_DEFAULT_ATTEMPTS = {"legacy": 5, "standard": 3, "adaptive": 3}


@frozen(kw_only=True)
class RetryPolicy:
    """How jobkit retries one AWS call: throttling, 5xx, connection and parse failures only.

    Invalid-request, not-found, access and credential errors are never retried. Sleeps
    use full jitter, ``uniform(0, min(max_delay, min_delay * 2**(n-1)))``, and a retry is
    never started if its sleep would end past the caller's deadline. During a wait,
    retries run on the wait's clock and sleep (see :class:`Deadline`), so a simulated
    wait never really sleeps and the deadline means one thing.
    """

    max_attempts: int = field(default=4, validator=positive_int)
    min_delay: float = field(default=0.5, converter=as_seconds, validator=positive_seconds)
    max_delay: float = field(default=20.0, converter=as_seconds, validator=positive_seconds)
    sleep: Callable[[float], None] = field(
        default=time.sleep, eq=False, repr=False, validator=injected_callable
    )
    random: Callable[[], float] = field(
        default=random.random, eq=False, repr=False, validator=injected_callable
    )

    def __attrs_post_init__(self) -> None:
        delay_range("RetryPolicy", self.min_delay, self.max_delay)

    def tenacity_options(self, deadline: Deadline | None = None) -> dict[str, Any]:
        """Return the one tenacity configuration behind every retried call, sync or async.

        It decides which errors are retried and how long to wait before each retry; the
        sleeping itself is the driver's (``time.sleep``, the wait's injected sleep, or
        ``asyncio.sleep``). ``stop`` refuses a retry whose sleep would end past ``deadline``.
        """
        import tenacity  # noqa: PLC0415 -- imported at the first retried call, not with the facades

        def wait(state: tenacity.RetryCallState) -> float:
            r = random_draw(self.random(), "RetryPolicy")
            return full_jitter_delay(state.attempt_number, self.min_delay, self.max_delay, r)

        def stop(state: tenacity.RetryCallState) -> bool:
            if state.attempt_number >= self.max_attempts:
                return True
            return deadline is not None and not deadline.allows(state.upcoming_sleep)

        def before_sleep(state: tenacity.RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome is not None else None
            logger.debug(
                "retrying %s after attempt %d in %.2fs: %s",
                getattr(error, "operation", None) or "the call",
                state.attempt_number,
                state.upcoming_sleep,
                getattr(error, "code", None) or type(error).__name__,
            )

        return {
            "retry": tenacity.retry_if_exception(is_retryable),
            "wait": wait,
            "stop": stop,
            "before_sleep": before_sleep,
            "reraise": True,
        }

    def call(self, fn: Callable[[], T], *, deadline: Deadline | None = None) -> T:
        """Call ``fn`` until it succeeds, fails for good, or attempts or time run out.

        ``fn`` must raise already-translated jobkit errors; the last one is re-raised.
        """
        sleep = self.sleep if deadline is None else deadline.sleep
        import tenacity  # noqa: PLC0415 -- see tenacity_options

        # In a call's flight, a real sleep between retries ends when the call is aborted.
        return tenacity.Retrying(
            sleep=functools.partial(pause, sleep), **self.tenacity_options(deadline)
        )(fn)

    async def acall(
        self,
        fn: Callable[[], Awaitable[T]],
        *,
        deadline: Deadline | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> T:
        """The coroutine twin of :meth:`call`: same rules, ``sleep`` awaited (asyncio's by default)."""
        import tenacity  # noqa: PLC0415 -- see tenacity_options

        options = self.tenacity_options(deadline)
        if sleep is None:
            import asyncio  # noqa: PLC0415 -- only async callers pay for importing asyncio

            sleep = asyncio.sleep
        retrying = tenacity.AsyncRetrying(sleep=sleep, **options)
        return await retrying(fn)


def http_attempt_bound(policy: RetryPolicy, client: BaseClient | Any) -> int:
    """Return the most HTTP requests one logical call through ``policy`` and ``client`` makes."""
    retries: dict[str, Any] = dict(getattr(client.meta.config, "retries", None) or {})
    if "total_max_attempts" in retries:
        inner = int(retries["total_max_attempts"])
    elif "max_attempts" in retries:
        inner = int(retries["max_attempts"]) + 1
    else:
        inner = _BOTOCORE_DEFAULT_ATTEMPTS.get(str(retries.get("mode", "legacy")), 5)
    return policy.max_attempts * inner
