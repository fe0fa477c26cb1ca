"""jobkit for asyncio: the same facades, models, policies, errors and promises, awaited.

::

    from jobkit import aio
    df = aio.DeviceFarm(client)      # a boto3 client (its calls run on daemon threads)
                                     # or an aiobotocore client (awaited; pip install jobkit[aio])
    job = await df.wait_for_job(arn, policy=WaitPolicy(timeout=3600), check=True)
    async for result in aio.as_completed(targets, rate=RateLimit(per_second=5)):
        ...

Waits are driven by the same wait core as the sync ones. Cancelling the awaiting task
stops a wait at once (no further AWS call starts) and raises ``CancelledError``.
``jobkit.testing.FakeClock`` makes async waits instant too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from jobkit._convert._outcome import Resource
from jobkit._engine._async import drive_group
from jobkit._engine._many import DEFAULT_WORKERS, check_group, in_input_order
from jobkit._engine._watching import check_events
from jobkit._loading import exports

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Callable, Iterable

    from jobkit._engine._async_facade import AsyncFacade
    from jobkit._engine._rate import RateLimit
    from jobkit._engine._targets import Target, WaitResult
    from jobkit._engine._waiting import WaitPolicy
    from jobkit._events._source import SqsEvents
    from jobkit.amplify._aio import Amplify
    from jobkit.batch._aio import Batch
    from jobkit.codebuild._aio import CodeBuild
    from jobkit.devicefarm._aio import DeviceFarm
    from jobkit.iot._aio import IoT

__all__ = [
    "Amplify",
    "AsyncFacade",
    "Batch",
    "CodeBuild",
    "DeviceFarm",
    "IoT",
    "as_completed",
    "wait_all",
]

R = TypeVar("R", bound=Resource)

# Each service's async facade loads on first use (PEP 562).
_LAZY = {
    "Amplify": "jobkit.amplify._aio",
    "AsyncFacade": "jobkit._engine._async_facade",
    "Batch": "jobkit.batch._aio",
    "CodeBuild": "jobkit.codebuild._aio",
    "DeviceFarm": "jobkit.devicefarm._aio",
    "IoT": "jobkit.iot._aio",
}


__getattr__, __dir__ = exports(globals(), _LAZY)


def as_completed(
    targets: Iterable[Target[R]],
    *,
    policy: WaitPolicy | None = None,
    rate: RateLimit | None = None,
    on_update: Callable[[R], object] | None = None,
    max_workers: int = DEFAULT_WORKERS,
    full_models: bool = False,
    events: SqsEvents | None = None,
) -> AsyncGenerator[WaitResult[R]]:
    """Wait for many targets at once; an async iterator of each :class:`WaitResult` as it ends.

    The same rules as :func:`jobkit.as_completed`; handles from sync or async facades.

    Raises:
        InvalidArgumentError: bad arguments, before any call.
    """
    items, budget = check_group(
        targets, policy, rate, on_update, max_workers, full_models=full_models
    )
    return drive_group(
        items,
        policy,
        budget,
        on_update,
        max_workers,
        full_models=full_models,
        events=check_events(events),
    )


async def wait_all(
    targets: Iterable[Target[R]],
    *,
    policy: WaitPolicy | None = None,
    rate: RateLimit | None = None,
    on_update: Callable[[R], object] | None = None,
    max_workers: int = DEFAULT_WORKERS,
    full_models: bool = False,
    events: SqsEvents | None = None,
) -> list[WaitResult[R]]:
    """Wait for many targets at once; every :class:`WaitResult` in input order."""
    items, budget = check_group(
        targets, policy, rate, on_update, max_workers, full_models=full_models
    )
    stream = drive_group(
        items,
        policy,
        budget,
        on_update,
        max_workers,
        full_models=full_models,
        events=check_events(events),
    )
    results = [r async for r in stream]
    return in_input_order(items, results)
