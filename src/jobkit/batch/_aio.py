"""AWS Batch for asyncio: :class:`jobkit.aio.Batch`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobkit._engine._async_facade import AsyncFacade
from jobkit.batch import _flows
from jobkit.batch._facade import BatchBase, submitted
from jobkit.batch._ids import job_id as checked_job_id
from jobkit.batch._ids import job_queue as checked_queue
from jobkit.batch._operations import BATCH_JOB, BATCH_SUBMIT_JOB

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from mypy_boto3_batch import BatchClient  # noqa: F401 -- named in a base class string

    from jobkit import batch
    from jobkit._engine._waiting import WaitPolicy
    from jobkit._events._source import SqsEvents

__all__ = ["Batch"]


class Batch(BatchBase, AsyncFacade["BatchClient"]):
    """AWS Batch jobs, awaited (see :class:`jobkit.Batch`)."""

    async def submit_job(
        self,
        job_name: str,
        job_queue: str,
        job_definition: str,
        *,
        parameters: Mapping[str, str] | None = None,
        array_size: int | None = None,
    ) -> batch.SubmitJobResponse:
        """Submit a job to a queue; return its ids (see :meth:`jobkit.Batch.submit_job`)."""
        params = self._submit_params(job_name, job_queue, job_definition, parameters, array_size)
        response = await self._acall(
            BATCH_SUBMIT_JOB.method,
            BATCH_SUBMIT_JOB.api,
            f"Batch job queue {params['jobQueue']}",
            None,
            **params,
        )
        return submitted(response)

    async def describe_job(self, job_id: str) -> batch.JobDetail:
        """Return job ``job_id`` (its id, ``UUID:INDEX`` for an array child, or its ARN)."""
        return await self._get(BATCH_JOB.bind(job_id))

    async def list_jobs(
        self, job_queue: str, status: str | None = None
    ) -> tuple[batch.JobSummary, ...]:
        """Return a queue's jobs in ``status``, or in every status (see :meth:`jobkit.Batch.list_jobs`)."""
        queue = checked_queue(job_queue)
        flow = _flows.job_summaries(
            f"Batch job queue {queue}", {"jobQueue": queue}, self._statuses(status)
        )
        return await self._run(flow)

    async def list_array_children(
        self, job_id: str, status: str | None = None
    ) -> tuple[batch.JobSummary, ...]:
        """Return an array job's children in ``status``, or in every status, all pages."""
        parent = checked_job_id(job_id)
        flow = _flows.job_summaries(
            f"Batch job {parent}", {"arrayJobId": parent}, self._statuses(status)
        )
        return await self._run(flow)

    async def wait_for_job(
        self,
        job_id: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[batch.JobDetail], object] | None = None,
        check: bool = False,
        cancel_on_timeout: bool = False,
        events: SqsEvents | None = None,
    ) -> batch.JobDetail:
        """Wait until the job SUCCEEDED or FAILED (see :meth:`jobkit.Batch.wait_for_job`)."""
        return await self._wait(
            BATCH_JOB.bind(job_id),
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
            events=events,
        )
