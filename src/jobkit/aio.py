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

from typing import TYPE_CHECKING, Any, TypeVar

from jobkit import _flows
from jobkit._amplify import AmplifyBase, started_summary
from jobkit._artifacts import (
    DEFAULT_FILE_TIMEOUT,
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_TYPES,
    file_names,
    save_all,
)
from jobkit._async import asleep_for, bounded, drive_group, in_daemon_thread
from jobkit._async import wait_until_terminal as _wait_until_terminal
from jobkit._aws_errors import translated
from jobkit._deadline import Deadline
from jobkit._devicefarm import DeviceFarmBase
from jobkit._facade import ClientHolder, Reuse, checked, require, unreadable
from jobkit._iot import IoTBase
from jobkit._many import DEFAULT_WORKERS, check_group, in_input_order
from jobkit._operations import (
    AMPLIFY_JOB,
    AMPLIFY_START_JOB,
    DEVICEFARM_JOB,
    DEVICEFARM_RUN,
    DEVICEFARM_SESSION,
    IOT_EXECUTION,
    IOT_JOB,
)
from jobkit._outcome import Resource
from jobkit._progress import describe
from jobkit._stopping import STOP_TIMEOUT, annotate, interrupts, stopped_note, unstoppable_note
from jobkit._validation import (
    amplify_app_branch,
    devicefarm_arn,
    devicefarm_arn_of,
    iot_job_id,
    on_update_callable,
)
from jobkit._waiting import WaitPolicy
from jobkit.errors import JobkitError

if TYPE_CHECKING:
    import os
    from collections.abc import AsyncGenerator, Callable, Iterable, Mapping
    from datetime import datetime
    from pathlib import Path

    from mypy_boto3_amplify import AmplifyClient  # noqa: F401 -- named in a base class string
    from mypy_boto3_devicefarm import DeviceFarmClient  # noqa: F401
    from mypy_boto3_iot import IoTClient  # noqa: F401

    from jobkit import amplify, devicefarm, iot
    from jobkit._operations import Bound
    from jobkit._outcome import Outcome
    from jobkit._rate import RateLimit
    from jobkit._targets import Target, WaitResult

__all__ = ["Amplify", "AsyncFacade", "DeviceFarm", "IoT", "as_completed", "wait_all"]

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
        return Reuse(op.model)(response[op.key])

    async def _wait(
        self,
        bound: Bound[R],
        *,
        policy: WaitPolicy | None,
        on_update: Callable[[R], object] | None,
        check: bool,
        cancel_on_timeout: bool = False,
    ) -> R:
        require(policy, WaitPolicy, "policy", "WaitPolicy(timeout=...)")
        on_update_callable(on_update)
        op = bound.operation
        convert = Reuse(op.model)
        chosen = op.policy_for(policy)

        async def fetch(deadline: Deadline) -> R:
            response = await self._acall(
                op.method, op.api, bound.what, deadline, require=op.key, **bound.params
            )
            return convert(response[op.key])

        try:
            return await _wait_until_terminal(
                fetch,
                what=bound.what,
                operation=op.api,
                policy=chosen,
                on_update=on_update,
                check=check,
                refuse=op.refuse,
            )
        except BaseException as exc:
            # Cancelling the task counts as an interrupt here: the caller asked for the stop.
            if cancel_on_timeout and interrupts(exc, cancelled=True):
                annotate(exc, await self._stop(bound, chosen))
            raise

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

    async def _run(self, flow: _flows.Flow[T]) -> T:
        """Drive a flow of calls (``jobkit._flows``), each awaited through ``_acall``."""
        try:
            ask = next(flow)
            while True:
                response = await self._acall(
                    ask.method, ask.api, ask.what, None, require=ask.require, **ask.params
                )
                ask = flow.send(response)
        except StopIteration as stop:
            result: T = stop.value
            return result


class DeviceFarm(DeviceFarmBase, AsyncFacade["DeviceFarmClient"]):
    """Device Farm runs, jobs and remote access sessions, awaited (see :class:`jobkit.DeviceFarm`)."""

    async def get_run(self, arn: str) -> devicefarm.Run:
        """Return the run with this ARN."""
        return await self._get(DEVICEFARM_RUN.bind(arn))

    async def list_jobs(self, run_arn: str) -> tuple[devicefarm.Job, ...]:
        """Return the run's jobs (one per device), all pages."""
        return await self._run(_flows.run_jobs(devicefarm_arn(run_arn, "run", name="run_arn")))

    async def failed_tests(self, arn: str) -> tuple[devicefarm.Test, ...]:
        """Return every FAILED or ERRORED test of a run or of one job (all pages)."""
        clean, kind = devicefarm_arn_of(arn, ("run", "job"))
        return await self._run(_flows.failed_tests(clean, kind))

    async def download_artifacts(
        self,
        arn: str,
        directory: str | os.PathLike[str],
        types: Iterable[str] = DEFAULT_TYPES,
        *,
        file_timeout: float = DEFAULT_FILE_TIMEOUT,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    ) -> tuple[Path, ...]:
        """Save a run's or job's artifacts into ``directory`` (see the sync method); the paths."""
        clean, kind, folder, categories, limit, size = self._download_args(
            arn, directory, types, file_timeout, max_file_bytes
        )
        listed = await self._run(_flows.artifacts(clean, kind, categories))
        planned = file_names(listed, folder)
        return await in_daemon_thread(lambda: save_all(planned, timeout=limit, max_bytes=size))

    async def wait_for_run(
        self,
        arn: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[devicefarm.Run], object] | None = None,
        check: bool = False,
        cancel_on_timeout: bool = False,
    ) -> devicefarm.Run:
        """Wait until the run is COMPLETED and return it (defaults: :attr:`RUN_POLICY`)."""
        bound = DEVICEFARM_RUN.bind(arn)
        return await self._wait(
            bound,
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
        )

    async def get_job(self, arn: str) -> devicefarm.Job:
        """Return the job with this ARN."""
        return await self._get(DEVICEFARM_JOB.bind(arn))

    async def get_remote_access_session(self, arn: str) -> devicefarm.RemoteAccessSession:
        """Return the remote access session with this ARN."""
        return await self._get(DEVICEFARM_SESSION.bind(arn))

    async def wait_for_job(
        self,
        arn: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[devicefarm.Job], object] | None = None,
        check: bool = False,
        cancel_on_timeout: bool = False,
    ) -> devicefarm.Job:
        """Wait until the job is COMPLETED and return it (defaults: :attr:`JOB_POLICY`)."""
        bound = DEVICEFARM_JOB.bind(arn)
        return await self._wait(
            bound,
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
        )

    async def wait_for_remote_access_session(
        self,
        arn: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[devicefarm.RemoteAccessSession], object] | None = None,
        check: bool = False,
        cancel_on_timeout: bool = False,
    ) -> devicefarm.RemoteAccessSession:
        """Wait until the session is COMPLETED and return it (defaults: :attr:`SESSION_POLICY`)."""
        bound = DEVICEFARM_SESSION.bind(arn)
        return await self._wait(
            bound,
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
        )


class Amplify(AmplifyBase, AsyncFacade["AmplifyClient"]):
    """Amplify jobs, awaited (see :class:`jobkit.Amplify`)."""

    async def start_job(
        self,
        app_id: str,
        branch_name: str,
        job_type: str = "RELEASE",
        *,
        job_id: str | None = None,
        job_reason: str | None = None,
        commit_id: str | None = None,
        commit_message: str | None = None,
        commit_time: datetime | None = None,
    ) -> amplify.JobSummary:
        """Start a job on a branch; return its summary (see :meth:`jobkit.Amplify.start_job`)."""
        params = self._start_params(
            app_id,
            branch_name,
            job_type,
            job_id,
            {"job_reason": job_reason, "commit_id": commit_id, "commit_message": commit_message},
            commit_time,
        )
        what = f"Amplify branch {params['appId']}/{params['branchName']}"
        response = await self._acall(
            AMPLIFY_START_JOB.method,
            AMPLIFY_START_JOB.api,
            what,
            None,
            require=AMPLIFY_START_JOB.key,
            **params,
        )
        return started_summary(response)

    async def latest_job(self, app_id: str, branch_name: str) -> amplify.Job:
        """Return the branch's newest job in full (``NotFoundError`` when it has none)."""
        app, branch = amplify_app_branch(app_id, branch_name)
        return await self._run(_flows.latest_job(app, branch))

    async def get_job(self, app_id: str, branch_name: str, job_id: str) -> amplify.Job:
        """Return job ``job_id`` of branch ``branch_name`` of app ``app_id``."""
        return await self._get(AMPLIFY_JOB.bind(app_id, branch_name, job_id))

    async def wait_for_job(
        self,
        app_id: str,
        branch_name: str,
        job_id: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[amplify.Job], object] | None = None,
        check: bool = False,
        cancel_on_timeout: bool = False,
    ) -> amplify.Job:
        """Wait until the job SUCCEEDs, FAILs or is CANCELLED (defaults: :attr:`JOB_POLICY`)."""
        bound = AMPLIFY_JOB.bind(app_id, branch_name, job_id)
        return await self._wait(
            bound,
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
        )


class IoT(IoTBase, AsyncFacade["IoTClient"]):
    """IoT jobs and job executions, awaited (see :class:`jobkit.IoT`)."""

    async def describe_job(self, job_id: str) -> iot.Job:
        """Return the job ``job_id`` (an id or a job ARN)."""
        return await self._get(IOT_JOB.bind(job_id))

    async def describe_job_execution(
        self, job_id: str, thing_name: str, execution_number: int | None = None
    ) -> iot.JobExecution:
        """Return the execution of ``job_id`` on ``thing_name`` (the latest one by default)."""
        return await self._get(IOT_EXECUTION.bind(job_id, thing_name, execution_number))

    async def list_job_executions(
        self, job_id: str, status: str | None = None
    ) -> tuple[iot.JobExecutionSummaryForJob, ...]:
        """Return what ListJobExecutionsForJob lists for the job, all pages."""
        clean = iot_job_id(job_id)
        return await self._run(_flows.job_executions(clean, self._status(status)))

    async def thing_outcomes(self, job_id: str) -> Mapping[str, Outcome | None]:
        """Each targeted thing's outcome, from its latest execution (see :meth:`jobkit.IoT.thing_outcomes`)."""
        return await self._run(_flows.thing_outcomes(iot_job_id(job_id)))

    async def wait_for_job(
        self,
        job_id: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[iot.Job], object] | None = None,
        check: bool = False,
        cancel_on_timeout: bool = False,
    ) -> iot.Job:
        """Wait until a SNAPSHOT job is COMPLETED, CANCELED or being deleted (see the sync method)."""
        bound = IOT_JOB.bind(job_id)
        job = await self._wait(
            bound,
            policy=policy,
            on_update=on_update,
            check=False,
            cancel_on_timeout=cancel_on_timeout,
        )
        if not check:
            return job
        if not self._needs_things(job, check):
            return self._checked(job, bound.what)
        outcomes = await self.thing_outcomes(bound.ids[0])
        error = _flows.retried_verdict(job, outcomes, bound.what)
        if error is not None:
            raise error
        return job

    async def wait_for_job_execution(
        self,
        job_id: str,
        thing_name: str,
        execution_number: int | None = None,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[iot.JobExecution], object] | None = None,
        check: bool = False,
        cancel_on_timeout: bool = False,
    ) -> iot.JobExecution:
        """Wait until the execution reaches a terminal status (cancels the execution, not the job)."""
        bound = IOT_EXECUTION.bind(job_id, thing_name, execution_number)
        return await self._wait(
            bound,
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
        )


def as_completed(
    targets: Iterable[Target[R]],
    *,
    policy: WaitPolicy | None = None,
    rate: RateLimit | None = None,
    on_update: Callable[[R], object] | None = None,
    max_workers: int = DEFAULT_WORKERS,
    full_models: bool = True,
) -> AsyncGenerator[WaitResult[R]]:
    """Wait for many targets at once; an async iterator of each :class:`WaitResult` as it ends.

    The same rules as :func:`jobkit.as_completed`; handles from sync or async facades.

    Raises:
        InvalidArgumentError: bad arguments, before any call.
    """
    items, budget = check_group(targets, policy, rate, on_update, max_workers)
    return drive_group(items, policy, budget, on_update, max_workers, full_models=full_models)


async def wait_all(
    targets: Iterable[Target[R]],
    *,
    policy: WaitPolicy | None = None,
    rate: RateLimit | None = None,
    on_update: Callable[[R], object] | None = None,
    max_workers: int = DEFAULT_WORKERS,
    full_models: bool = True,
) -> list[WaitResult[R]]:
    """Wait for many targets at once; every :class:`WaitResult` in input order."""
    items, budget = check_group(targets, policy, rate, on_update, max_workers)
    stream = drive_group(items, policy, budget, on_update, max_workers, full_models=full_models)
    results = [r async for r in stream]
    return in_input_order(items, results)
