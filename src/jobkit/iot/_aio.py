"""IoT for asyncio: :class:`jobkit.aio.IoT`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobkit import iot
from jobkit._convert._lazy import structure
from jobkit._engine._async_facade import AsyncFacade
from jobkit._engine._validation import flag
from jobkit.iot import _flows
from jobkit.iot._facade import IoTBase
from jobkit.iot._ids import iot_job_id
from jobkit.iot._operations import IOT_EXECUTION, IOT_JOB

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from mypy_boto3_iot import IoTClient  # noqa: F401 -- named in a base class string

    from jobkit._convert._outcome import Outcome
    from jobkit._engine._waiting import WaitPolicy
    from jobkit._events._source import SqsEvents

__all__ = ["IoT"]


class IoT(IoTBase, AsyncFacade["IoTClient"]):
    """IoT jobs and job executions, awaited (see :class:`jobkit.IoT`)."""

    async def describe_job(self, job_id: str) -> iot.Job:
        """Return the job ``job_id`` (an id or a job ARN)."""
        return await self._get(IOT_JOB.bind(job_id))

    async def describe_job_response(
        self, job_id: str, *, before_substitution: bool = False
    ) -> iot.DescribeJobResponse:
        """Return the whole DescribeJob response, which adds ``document_source`` to the job."""
        bound = IOT_JOB.bind(job_id)
        response = await self._acall(
            IOT_JOB.method,
            IOT_JOB.api,
            bound.what,
            None,
            require=IOT_JOB.key,
            beforeSubstitution=flag(before_substitution, "before_substitution"),
            **bound.params,
        )
        return structure(response, iot.DescribeJobResponse)

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
        events: SqsEvents | None = None,
    ) -> iot.Job:
        """Wait until a SNAPSHOT job is COMPLETED, CANCELED or being deleted (see the sync method)."""
        bound = IOT_JOB.bind(job_id)
        flag(check, "check")
        job = await self._wait(
            bound,
            policy=policy,
            on_update=on_update,
            check=False,
            cancel_on_timeout=cancel_on_timeout,
            events=events,
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
        events: SqsEvents | None = None,
    ) -> iot.JobExecution:
        """Wait until the execution reaches a terminal status (cancels the execution, not the job)."""
        bound = IOT_EXECUTION.bind(job_id, thing_name, execution_number)
        return await self._wait(
            bound,
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
            events=events,
        )
