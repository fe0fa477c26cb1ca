"""The async facade base: what every service's ``jobkit.aio`` facade shares.

A boto3 client's calls run on daemon worker threads; an aiobotocore client's are awaited.
The rules are the sync facade's (``jobkit._engine._facade``), driven by the async driver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from jobkit._convert._outcome import Resource
from jobkit._engine._async import asleep_for, bounded, in_daemon_thread
from jobkit._engine._async import wait_until_terminal as _wait_until_terminal
from jobkit._engine._aws_errors import translated
from jobkit._engine._deadline import Deadline
from jobkit._engine._facade import ClientHolder, Reuse, checked, require, unreadable
from jobkit._engine._flows import HISTORY_TIMEOUT, no_history, with_history
from jobkit._engine._progress import describe
from jobkit._engine._stopping import (
    STOP_TIMEOUT,
    annotate,
    interrupts,
    stopped_note,
    unstoppable_note,
)
from jobkit._engine._validation import flag, on_update_callable
from jobkit._engine._waiting import WaitPolicy
from jobkit._engine._watching import check_events, watching
from jobkit.errors import JobkitError

if TYPE_CHECKING:
    from collections.abc import Callable

    from jobkit._engine import _flows
    from jobkit._engine._operations import Bound

__all__ = ["AsyncFacade"]

R = TypeVar("R", bound=Resource)
C = TypeVar("C")
T = TypeVar("T")


def _is_aiobotocore(client: object) -> bool:
    return type(client).__module__.startswith("aiobotocore")


class AsyncFacade(ClientHolder[C]):
    """Base of the async facades; a boto3 client runs on daemon threads, aiobotocore natively."""

    @classmethod
    def _native_async(cls, client: object) -> bool:
        return _is_aiobotocore(client)

    async def _acall(
        self,
        method: str,
        operation: str,
        what: str,
        deadline: Deadline | None,
        *,
        require: str | None = None,
        abandon: bool = True,
        **params: Any,
    ) -> dict[str, Any]:
        """The coroutine twin of ``Facade._call``: retried, translated, bounded by ``deadline``."""
        call: Callable[..., Any] = getattr(self.client, method)
        native = _is_aiobotocore(self.client)

        async def attempt() -> dict[str, Any]:
            try:
                with translated(operation, what):
                    if native:
                        response: dict[str, Any] = await call(**params)
                    else:
                        response = await in_daemon_thread(lambda: call(**params))
            except Exception as exc:
                error = unreadable(exc, operation, what)
                if error is exc:
                    raise
                raise error from exc
            return checked(response, require, operation, what)

        sleep = asleep_for(deadline.sleep if deadline is not None else self.retry.sleep)
        retried = self.retry.acall(attempt, deadline=deadline, sleep=sleep)
        if deadline is None or not abandon:
            return await retried
        return await bounded(retried, deadline, what=what, operation=operation)

    async def _get(self, bound: Bound[R], deadline: Deadline | None = None) -> R:
        op = bound.operation
        response = await self._acall(
            op.method, op.api, bound.what, deadline, require=op.key, **bound.params
        )
        return Reuse(op.model)(op.resource(response, bound))

    async def _wait(
        self,
        bound: Bound[R],
        *,
        policy: WaitPolicy | None,
        on_update: Callable[[R], object] | None,
        check: bool,
        cancel_on_timeout: bool = False,
        events: Any = None,
    ) -> R:
        require(policy, WaitPolicy, "policy", "WaitPolicy(timeout=...)")
        on_update_callable(on_update)
        flag(check, "check")
        flag(cancel_on_timeout, "cancel_on_timeout")
        check_events(events)
        op = bound.operation
        convert = Reuse(op.model)

        async def fetch(deadline: Deadline) -> R:
            response = await self._acall(
                op.method, op.api, bound.what, deadline, require=op.key, **bound.params
            )
            return convert(op.resource(response, bound))

        with watching(events, bound) as watch:
            chosen = op.policy_for(policy, events=watch is not None)
            if watch is None:  # events wake the wait; a history read would be a wasted call
                chosen = await self._read_history(bound, chosen)
            try:
                return await _wait_until_terminal(
                    fetch,
                    what=bound.what,
                    operation=op.api,
                    policy=chosen,
                    on_update=on_update,
                    check=check,
                    refuse=op.refuse,
                    nap=None if watch is None else watch.anap,
                )
            except BaseException as exc:
                # Cancelling the task counts as an interrupt here: the caller asked for the stop.
                if cancel_on_timeout and interrupts(exc, cancelled=True):
                    annotate(exc, await self._stop(bound, chosen))
                raise

    async def _read_history(self, bound: Bound[R], policy: WaitPolicy) -> WaitPolicy:
        """The coroutine twin of ``Facade._read_history``: never fails the wait."""
        flow = bound.operation.history_flow(bound, policy)
        if flow is None:
            return policy
        clock, sleep = policy.clock, policy.sleep
        deadline = Deadline(clock() + min(HISTORY_TIMEOUT, policy.timeout), clock, sleep)
        try:
            history = await self._run(flow, deadline)
        except Exception as exc:  # noqa: BLE001 -- a history that cannot be read is no history
            return no_history(policy, bound, exc)
        return with_history(policy, history, bound)

    async def _stop(self, bound: Bound[R], policy: WaitPolicy) -> str:
        """The coroutine twin of ``Facade._stop``: ask AWS to stop the resource, say how it went."""
        op = bound.operation
        stop = op.cancel_call(bound)
        if stop is None:
            return unstoppable_note(op)
        method, api, params = stop
        clock, sleep = policy.clock, policy.sleep
        try:
            await self._acall(
                method, api, bound.what, Deadline(clock() + STOP_TIMEOUT, clock, sleep), **params
            )
        except JobkitError as error:
            return stopped_note(op, api, None, error)
        status: str | None = None
        try:
            model = await self._get(bound, Deadline(clock() + STOP_TIMEOUT, clock, sleep))
            status = describe(model)
        except JobkitError:
            status = None
        return stopped_note(op, api, status, None)

    async def _run(self, flow: _flows.Flow[T], deadline: Deadline | None = None) -> T:
        """Drive a flow of calls (``jobkit._engine._flows``), each awaited through ``_acall``."""
        try:
            ask = next(flow)
            while True:
                response = await self._acall(
                    ask.method, ask.api, ask.what, deadline, require=ask.require, **ask.params
                )
                ask = flow.send(response)
        except StopIteration as stop:
            result: T = stop.value
            return result
