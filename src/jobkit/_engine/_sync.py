"""The synchronous driver: runs a :class:`WaitCore` with real (or injected) time in this thread.

The driver only does I/O -- it calls ``fetch`` and sleeps -- and asks the core what to
do next. Each poll runs on the wait's one daemon :class:`~jobkit._engine._calls.Worker` thread,
which the driver stops waiting for at the poll's deadline (botocore's timeouts cannot
bound a trickling response); Ctrl-C reaches this thread and simply propagates.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, TypeVar

from jobkit._convert._outcome import Resource
from jobkit._engine._calls import Worker
from jobkit._engine._core import Done, Fail, Poll, Sleep, Step, WaitCore
from jobkit._engine._deadline import Deadline
from jobkit.errors import JobkitError

if TYPE_CHECKING:
    from collections.abc import Callable

    from jobkit._engine._waiting import WaitPolicy

__all__ = ["wait_until_terminal"]

R = TypeVar("R", bound=Resource)


def wait_until_terminal(
    fetch: Callable[[Deadline], R],
    *,
    what: str,
    operation: str,
    policy: WaitPolicy,
    on_update: Callable[[R], object] | None = None,
    check: bool = False,
    refuse: Callable[[R], str | None] | None = None,
    nap: Callable[[float], None] | None = None,
) -> R:
    """Poll ``fetch(deadline)`` until the resource is terminal, then return the final model.

    ``fetch`` raises jobkit errors only; transient ones are ridden out until the deadline.
    ``nap`` sleeps between polls instead of the policy's ``sleep``: it may end early (an
    event woke the wait), never late.

    Raises:
        WaitTimeoutError: the deadline (or ``max_attempts``) passed first.
        JobFailedError: ``check`` is true and the outcome is not SUCCEEDED.
        NotFoundError: the resource vanished, or stayed invisible past the grace period.
        InvalidArgumentError: ``refuse`` said the resource can never end on its own.
        JobkitError: any other error that cannot heal (access denied, invalid request).
    """
    clock, sleep = policy.clock, policy.sleep
    core: WaitCore[R] = WaitCore(
        policy, clock(), what=what, operation=operation, check=check, refuse=refuse
    )
    step: Step[R] = core.first()
    with Worker() as worker:  # every poll runs there, abandoned if it outlives its deadline
        while True:
            if step.update is not None and on_update is not None:
                on_update(step.update)
            if isinstance(step, Poll):
                deadline = Deadline(step.deadline, clock, sleep)
                try:
                    resource = worker.run(
                        functools.partial(fetch, deadline), deadline, what=what, operation=operation
                    )
                except JobkitError as exc:
                    step = core.failed(clock(), exc)
                else:
                    step = core.observe(clock(), resource)
            elif isinstance(step, Sleep):
                (nap or sleep)(step.seconds)
                step = core.wake(clock())
            elif isinstance(step, Done):
                return step.resource
            else:
                assert isinstance(step, Fail)  # noqa: S101 -- the four steps are exhaustive
                raise step.error
