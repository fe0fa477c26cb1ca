"""The IoT facade: describe and wait for jobs and job executions."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from jobkit import iot
from jobkit._convert._lazy import structure
from jobkit._convert._outcome import Outcome
from jobkit._engine._facade import ClientHolder, Facade
from jobkit._loading import ClassValue, module

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from mypy_boto3_iot import IoTClient  # noqa: F401 -- named in the base class string

    from jobkit import errors
    from jobkit._engine import _validation
    from jobkit._engine._targets import Target
    from jobkit._engine._waiting import WaitPolicy
    from jobkit._events._source import SqsEvents
    from jobkit.iot import _flows, _ids
    from jobkit.iot import _operations as _ops
else:
    # Rows, flows and checks load with the facade's first use (see jobkit._loading).
    errors = module("jobkit.errors")
    _validation = module("jobkit._engine._validation")
    _flows = module("jobkit.iot._flows")
    _ids = module("jobkit.iot._ids")
    _ops = module("jobkit.iot._operations")

__all__ = ["IoT", "IoTBase"]


class IoTBase(ClientHolder["IoTClient"]):
    """What the sync and async IoT facades share: defaults and handles."""

    service: ClassVar[str] = "iot"

    JOB_POLICY = ClassValue(lambda: _ops.IOT_JOB.policy)
    """Rollouts take minutes to days; polls back off to every 5 minutes."""
    EXECUTION_POLICY = ClassValue(lambda: _ops.IOT_EXECUTION.policy)
    """An execution may end in seconds (a config push) or hours (firmware over a slow link)."""

    def job(self, job_id: str) -> Target[iot.Job]:
        """A handle on a job, for :func:`jobkit.as_completed` (checks the id, calls nothing)."""
        return self._target(_ops.IOT_JOB.bind(job_id))

    def job_execution(
        self, job_id: str, thing_name: str, execution_number: int | None = None
    ) -> Target[iot.JobExecution]:
        """A handle on one thing's execution (the latest by default), for :func:`jobkit.as_completed`."""
        return self._target(_ops.IOT_EXECUTION.bind(job_id, thing_name, execution_number))

    @staticmethod
    def _status(status: object) -> str | None:
        """Check list_job_executions' ``status`` filter: None or a JobExecutionStatus value."""
        known = [s.value for s in iot.JobExecutionStatus]
        if status is not None and (not isinstance(status, str) or status not in known):
            msg = f"status {_validation.shown(status, 40)} is not an execution status; pass one of {', '.join(known)}, or None."
            raise errors.InvalidArgumentError(msg, code="InvalidArgument")
        return status

    @staticmethod
    def _needs_things(job: iot.Job, check: bool) -> bool:  # noqa: FBT001
        """Whether ``check`` must look at each thing's latest execution (a retried job that FAILED)."""
        retry = job.job_executions_retry_config
        return (
            check
            and job.outcome is Outcome.FAILED
            and retry is not None
            and bool(retry.criteria_list)
        )

    @staticmethod
    def _checked(job: iot.Job, what: str) -> iot.Job:
        """``check=True`` for a job without retries: the outcome decides, as the wait core's rule."""
        if job.outcome is not Outcome.SUCCEEDED:
            msg = f"{what} ended {job.outcome}: {job.describe()}; see the resource for details."
            raise errors.JobFailedError(msg, resource=job, operation=_ops.IOT_JOB.api)
        return job


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
        return self._get(_ops.IOT_JOB.bind(job_id))

    def describe_job_response(
        self, job_id: str, *, before_substitution: bool = False
    ) -> iot.DescribeJobResponse:
        """Return the whole DescribeJob response, which adds ``document_source`` to the job."""
        bound = _ops.IOT_JOB.bind(job_id)
        response = self._call(
            _ops.IOT_JOB.method,
            _ops.IOT_JOB.api,
            bound.what,
            None,
            require=_ops.IOT_JOB.key,
            beforeSubstitution=_validation.flag(before_substitution, "before_substitution"),
            **bound.params,
        )
        return structure(response, iot.DescribeJobResponse)

    def describe_job_execution(
        self, job_id: str, thing_name: str, execution_number: int | None = None
    ) -> iot.JobExecution:
        """Return the execution of ``job_id`` on ``thing_name`` (the latest one by default)."""
        return self._get(_ops.IOT_EXECUTION.bind(job_id, thing_name, execution_number))

    def list_job_executions(
        self, job_id: str, status: str | None = None
    ) -> tuple[iot.JobExecutionSummaryForJob, ...]:
        """Return what ListJobExecutionsForJob lists for the job (of one ``status`` if given), all pages."""
        clean = _ids.iot_job_id(job_id)
        return self._run(_flows.job_executions(clean, self._status(status)))

    def thing_outcomes(self, job_id: str) -> Mapping[str, Outcome | None]:
        """Each targeted thing's outcome, from its latest execution (None while it runs).

        The latest is the highest execution number, then the highest retry attempt: a thing
        that failed and then succeeded on a retry is SUCCEEDED here, although the job's
        counts still include the failed attempt (boto/boto3#4656).
        """
        return self._run(_flows.thing_outcomes(_ids.iot_job_id(job_id)))

    def wait_for_job(
        self,
        job_id: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[iot.Job], object] | None = None,
        check: bool = False,
        cancel_on_timeout: bool = False,
        events: SqsEvents | None = None,
    ) -> iot.Job:
        """Wait until a SNAPSHOT job is COMPLETED, CANCELED or being deleted.

        Args:
            job_id: the job's id or ARN.
            policy: timeout and delays; values not set keep this resource's defaults
                (:attr:`JOB_POLICY`). Its ``clock`` and ``sleep`` may be injected (``FakeClock``).
            on_update: called with each newly observed model whose state changed (its
                exceptions propagate unchanged).
            check: raise :class:`~jobkit.errors.JobFailedError` unless the outcome is SUCCEEDED.
            cancel_on_timeout: when the deadline passes or the wait is interrupted, ask AWS
                to stop it (CancelJob, never forced) and say in the error whether AWS accepted.
            events: a :class:`jobkit.SqsEvents`: an event naming the resource wakes the wait
                at once, and polls follow a long fallback schedule (a lost event only
                makes the wait slower). See docs/events.md.

        Returns:
            The final model (``is_terminal`` is true).

        Raises:
            InvalidArgumentError: a bad argument, before any request.
            WaitTimeoutError: the deadline passed; ``.resource`` is the last model seen,
                and a poll that failed is ``__cause__``.
            JobFailedError: ``check`` and the outcome is FAILED or CANCELLED.
            NotFoundError: it does not exist (after the not-found grace) or was deleted.
            AccessDeniedError: the credentials may not read it.
        """
        bound = _ops.IOT_JOB.bind(job_id)
        _validation.flag(check, "check")
        job = self._wait(
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
        outcomes = self.thing_outcomes(bound.ids[0])
        error = _flows.retried_verdict(job, outcomes, bound.what)
        if error is not None:
            raise error
        return job

    def wait_for_job_execution(
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
        """Wait until the execution reaches a terminal status (defaults: :attr:`EXECUTION_POLICY`).

        Args:
            job_id: the job's id or ARN.
            thing_name: the thing the execution runs on.
            execution_number: a specific execution; ``None`` for the latest.
            policy: timeout and delays; values not set keep this resource's defaults
                (:attr:`EXECUTION_POLICY`). Its ``clock`` and ``sleep`` may be injected (``FakeClock``).
            on_update: called with each newly observed model whose state changed (its
                exceptions propagate unchanged).
            check: raise :class:`~jobkit.errors.JobFailedError` unless the outcome is SUCCEEDED.
            cancel_on_timeout: when the deadline passes or the wait is interrupted, ask AWS
                to stop it (CancelJobExecution, never forced) and say in the error whether AWS accepted.
            events: a :class:`jobkit.SqsEvents`: an event naming the resource wakes the wait
                at once, and polls follow a long fallback schedule (a lost event only
                makes the wait slower). See docs/events.md.

        Returns:
            The final model (``is_terminal`` is true).

        Raises:
            InvalidArgumentError: a bad argument, before any request.
            WaitTimeoutError: the deadline passed; ``.resource`` is the last model seen,
                and a poll that failed is ``__cause__``.
            JobFailedError: ``check`` and the outcome is FAILED or CANCELLED.
            NotFoundError: it does not exist (after the not-found grace) or was deleted.
            AccessDeniedError: the credentials may not read it.
        """
        bound = _ops.IOT_EXECUTION.bind(job_id, thing_name, execution_number)
        return self._wait(
            bound,
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
            events=events,
        )
