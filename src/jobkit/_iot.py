"""The IoT facade: describe and wait for jobs and job executions."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from jobkit import iot
from jobkit._converter import structure
from jobkit._facade import ClientHolder, Facade
from jobkit._operations import IOT_EXECUTION, IOT_JOB

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_iot import IoTClient  # noqa: F401 -- named in the base class string

    from jobkit._targets import Target
    from jobkit._waiting import WaitPolicy

__all__ = ["IoT", "IoTBase"]


class IoTBase(ClientHolder["IoTClient"]):
    """What the sync and async IoT facades share: defaults and handles."""

    service: ClassVar[str] = "iot"

    JOB_POLICY: ClassVar[WaitPolicy] = IOT_JOB.policy
    """Rollouts take minutes to days; polls back off to every 5 minutes."""
    EXECUTION_POLICY: ClassVar[WaitPolicy] = IOT_EXECUTION.policy
    """An execution may end in seconds (a config push) or hours (firmware over a slow link)."""

    def job(self, job_id: str) -> Target[iot.Job]:
        """A handle on a job, for :func:`jobkit.as_completed` (checks the id, calls nothing)."""
        return self._target(IOT_JOB.bind(job_id))

    def job_execution(
        self, job_id: str, thing_name: str, execution_number: int | None = None
    ) -> Target[iot.JobExecution]:
        """A handle on one thing's execution (the latest by default), for :func:`jobkit.as_completed`."""
        return self._target(IOT_EXECUTION.bind(job_id, thing_name, execution_number))


class IoT(IoTBase, Facade["IoTClient"]):
    """Typed access to IoT jobs and job executions, with waiters.

    ``IoT(client)`` wraps a boto3 ``iot`` client; ``IoT()`` builds one from boto3's
    default chain (``session=``, ``region_name=``, ``endpoint_url=``,
    ``connect_timeout=`` and ``read_timeout=`` adjust it). A job ARN is accepted
    wherever a job id is.

    A ``CONTINUOUS`` job never completes on its own, so :meth:`wait_for_job` refuses
    to wait for one that is still running (``InvalidArgumentError``, after the first
    describe); wait for its executions, or cancel it, instead.
    """

    def describe_job(self, job_id: str) -> iot.Job:
        """Return the job ``job_id``."""
        return self._get(IOT_JOB.bind(job_id))

    def describe_job_response(
        self, job_id: str, *, before_substitution: bool = False
    ) -> iot.DescribeJobResponse:
        """Return the whole DescribeJob response, which adds ``document_source`` to the job."""
        bound = IOT_JOB.bind(job_id)
        response = self._call(
            IOT_JOB.method,
            IOT_JOB.api,
            bound.what,
            None,
            require=IOT_JOB.key,
            beforeSubstitution=bool(before_substitution),
            **bound.params,
        )
        return structure(response, iot.DescribeJobResponse)

    def describe_job_execution(
        self, job_id: str, thing_name: str, execution_number: int | None = None
    ) -> iot.JobExecution:
        """Return the execution of ``job_id`` on ``thing_name`` (the latest one by default)."""
        return self._get(IOT_EXECUTION.bind(job_id, thing_name, execution_number))

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
        bound = IOT_JOB.bind(job_id)
        return self._wait(bound, policy=policy, on_update=on_update, check=check)

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
        bound = IOT_EXECUTION.bind(job_id, thing_name, execution_number)
        return self._wait(bound, policy=policy, on_update=on_update, check=check)
