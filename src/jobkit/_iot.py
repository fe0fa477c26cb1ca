"""The IoT facade: describe and wait for jobs and job executions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from jobkit import iot
from jobkit._converter import structure
from jobkit._facade import Facade
from jobkit._validation import iot_execution_number, iot_job_id, iot_thing_name
from jobkit._waiting import WaitPolicy

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_iot import IoTClient  # noqa: F401 -- named in the base class string

    from jobkit._deadline import Deadline

__all__ = ["IoT"]


class IoT(Facade["IoTClient"]):
    """Typed access to IoT jobs and job executions, with waiters.

    ``IoT(client)`` wraps a boto3 ``iot`` client; ``IoT()`` builds one from boto3's
    default chain (``session=``, ``region_name=``, ``endpoint_url=`` adjust it).

    A ``CONTINUOUS`` job never completes on its own, so :meth:`wait_for_job` refuses
    to wait for one that is still running (``InvalidArgumentError``, after the first
    describe); wait for its executions, or cancel it, instead.
    """

    service: ClassVar[str] = "iot"

    JOB_POLICY: ClassVar[WaitPolicy] = WaitPolicy(timeout=24 * 3600, min_delay=5, max_delay=300)
    """Rollouts take minutes to days; polls back off to every 5 minutes."""
    EXECUTION_POLICY: ClassVar[WaitPolicy] = WaitPolicy(
        timeout=24 * 3600, min_delay=2, max_delay=120
    )
    """An execution may end in seconds (a config push) or hours (firmware over a slow link)."""

    def describe_job(self, job_id: str) -> iot.Job:
        """Return the job ``job_id``."""
        return self._describe_job(iot_job_id(job_id), None)

    def describe_job_response(
        self, job_id: str, *, before_substitution: bool = False
    ) -> iot.DescribeJobResponse:
        """Return the whole DescribeJob response, which adds ``document_source`` to the job."""
        job_id = iot_job_id(job_id)
        response = self._call(
            "describe_job",
            "DescribeJob",
            f"IoT job {job_id}",
            None,
            require="job",
            jobId=job_id,
            beforeSubstitution=bool(before_substitution),
        )
        return structure(response, iot.DescribeJobResponse)

    def describe_job_execution(
        self, job_id: str, thing_name: str, execution_number: int | None = None
    ) -> iot.JobExecution:
        """Return the execution of ``job_id`` on ``thing_name`` (the latest one by default)."""
        return self._describe_execution(
            iot_job_id(job_id),
            iot_thing_name(thing_name),
            iot_execution_number(execution_number),
            None,
        )

    def wait_for_job(
        self,
        job_id: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[iot.Job], object] | None = None,
        check: bool = False,
    ) -> iot.Job:
        """Wait until a SNAPSHOT job is COMPLETED, CANCELED or being deleted.

        Defaults: :attr:`JOB_POLICY`. Raises ``InvalidArgumentError`` for a running
        CONTINUOUS job, which would never end on its own.
        """
        job_id = iot_job_id(job_id)
        return self._wait(
            lambda deadline: self._describe_job(job_id, deadline),
            what=f"IoT job {job_id}",
            operation="DescribeJob",
            policy=policy,
            default=self.JOB_POLICY,
            on_update=on_update,
            check=check,
            refuse=_refuse_continuous,
        )

    def wait_for_job_execution(
        self,
        job_id: str,
        thing_name: str,
        execution_number: int | None = None,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[iot.JobExecution], object] | None = None,
        check: bool = False,
    ) -> iot.JobExecution:
        """Wait until the execution reaches a terminal status (defaults: :attr:`EXECUTION_POLICY`)."""
        ids = (iot_job_id(job_id), iot_thing_name(thing_name))
        number = iot_execution_number(execution_number)
        return self._wait(
            lambda deadline: self._describe_execution(*ids, number, deadline),
            what=f"IoT job execution of {ids[0]} on {ids[1]}",
            operation="DescribeJobExecution",
            policy=policy,
            default=self.EXECUTION_POLICY,
            on_update=on_update,
            check=check,
        )

    def _describe_job(self, job_id: str, deadline: Deadline | None) -> iot.Job:
        return self._fetch(
            "describe_job",
            "DescribeJob",
            "job",
            iot.Job,
            f"IoT job {job_id}",
            deadline,
            jobId=job_id,
        )

    def _describe_execution(
        self, job_id: str, thing_name: str, number: int | None, deadline: Deadline | None
    ) -> iot.JobExecution:
        params: dict[str, Any] = {"jobId": job_id, "thingName": thing_name}
        if number is not None:
            params["executionNumber"] = number
        return self._fetch(
            "describe_job_execution",
            "DescribeJobExecution",
            "execution",
            iot.JobExecution,
            f"IoT job execution of {job_id} on {thing_name}",
            deadline,
            **params,
        )


def _refuse_continuous(job: iot.Job) -> str | None:
    if job.target_selection is iot.TargetSelection.CONTINUOUS:
        return (
            f"IoT job {job.job_id} is CONTINUOUS and never completes on its own; wait for "
            "one thing's run with wait_for_job_execution(), or cancel the job first."
        )
    return None
