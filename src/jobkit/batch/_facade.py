"""The AWS Batch facade: submit, describe, list and wait for Batch jobs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from jobkit import batch
from jobkit._convert._lazy import structure
from jobkit._engine._facade import ClientHolder, Facade
from jobkit._loading import ClassValue, module

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_batch import BatchClient  # noqa: F401 -- named in the base class string

    from jobkit._engine import _validation
    from jobkit._engine._targets import Target
    from jobkit._engine._waiting import WaitPolicy
    from jobkit._events._source import SqsEvents
    from jobkit.batch import _flows, _ids
    from jobkit.batch import _operations as _ops
else:
    # Rows, flows and checks load with the facade's first use (see jobkit._loading).
    _validation = module("jobkit._engine._validation")
    _flows = module("jobkit.batch._flows")
    _ids = module("jobkit.batch._ids")
    _ops = module("jobkit.batch._operations")

__all__ = ["Batch", "BatchBase", "submitted"]

# SubmitJob's jobName: up to 128 letters, digits, hyphens and underscores, starting with a
# letter or digit (botocore gives it no pattern; Batch refuses others).
_JOB_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
_ARRAY_SIZE = (2, 10_000)  # SubmitJob's arrayProperties.size


class BatchBase(ClientHolder["BatchClient"]):
    """What the sync and async Batch facades share: defaults, handles, argument checks."""

    service: ClassVar[str] = "batch"

    JOB_POLICY = ClassValue(lambda: _ops.BATCH_JOB.policy)
    """Twelve hours, polls from 5 s to 2 minutes: a job may queue RUNNABLE for long, then run."""

    def job(self, job_id: str) -> Target[batch.JobDetail]:
        """A handle on a job, for :func:`jobkit.as_completed` (checks the id, calls nothing).

        Many jobs through one facade are read together, 100 ids a ``DescribeJobs`` call.
        """
        return self._target(_ops.BATCH_JOB.bind(job_id))

    @staticmethod
    def _statuses(status: object) -> tuple[str, ...]:
        """Check a listing's ``status`` filter: None (every status) or a JobStatus value."""
        if status is None:
            return _flows.STATUSES
        if not isinstance(status, str) or status not in _flows.STATUSES:
            msg = (
                f"status {_validation.shown(status, 40)} is not a Batch job status; pass one of "
                f"{', '.join(_flows.STATUSES)}, or None for every status."
            )
            raise _validation.fail(msg)
        return (status,)

    @staticmethod
    def _submit_params(
        job_name: object,
        job_queue: object,
        job_definition: object,
        parameters: object,
        array_size: object,
    ) -> dict[str, Any]:
        """Check submit_job's arguments before any request; return SubmitJob's parameters."""
        name = _validation.plain(
            job_name, "job_name", "a Batch job name", "pass up to 128 letters, digits, '-' or '_'."
        )
        if not _JOB_NAME.fullmatch(name):
            msg = (
                f"job_name {_validation.shown(name, 40)} is not a Batch job name; pass up to 128 letters, "
                "digits, '-' or '_', starting with a letter or digit."
            )
            raise _validation.fail(msg)
        definition = _validation.plain(
            job_definition,
            "job_definition",
            "a Batch job definition",
            "pass its name, NAME:REVISION or its ARN.",
        )
        params: dict[str, Any] = {
            "jobName": name,
            "jobQueue": _ids.job_queue(job_queue),
            "jobDefinition": definition,
        }
        if parameters is not None:
            given: object = parameters  # as passed, for the message
            if not isinstance(parameters, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str)
                for k, v in parameters.items()  # pyright: ignore[reportUnknownVariableType]
            ):
                msg = f"parameters is {_validation.shown(given, 40)}; pass a dict of names to text values."
                raise _validation.fail(msg)
            params["parameters"] = dict(parameters)  # pyright: ignore[reportUnknownArgumentType]
        if array_size is not None:
            low, high = _ARRAY_SIZE
            if type(array_size) is not int or not low <= array_size <= high:
                msg = f"array_size is {_validation.shown(array_size, 40)}; pass a whole number from {low} to {high}, or None."
                raise _validation.fail(msg)
            params["arrayProperties"] = {"size": array_size}
        return params


def submitted(response: dict[str, Any]) -> batch.SubmitJobResponse:
    """SubmitJob's answer as a model (its ``ResponseMetadata`` is boto3's, not Batch's)."""
    raw = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    return structure(raw, batch.SubmitJobResponse)


class Batch(BatchBase, Facade["BatchClient"]):
    """Typed access to AWS Batch jobs: submit, describe, list, and wait.

    ``Batch(client)`` wraps a boto3 ``batch`` client; ``Batch()`` builds one from boto3's
    default chain (``session=``, ``region_name=``, ``endpoint_url=``, ``connect_timeout=``
    and ``read_timeout=`` adjust it). A job id is what SubmitJob returns (a UUID; an array
    job's children are ``UUID:INDEX``); a job's ARN is accepted wherever an id is.
    """

    def submit_job(
        self,
        job_name: str,
        job_queue: str,
        job_definition: str,
        *,
        parameters: Mapping[str, str] | None = None,
        array_size: int | None = None,
    ) -> batch.SubmitJobResponse:
        """Submit a job to a queue; return its ids (wait with ``wait_for_job(response.job_id)``).

        ``job_definition`` is a name (its latest revision), ``NAME:REVISION`` or an ARN;
        ``parameters`` fill the definition's ``Ref::`` placeholders; ``array_size`` (2-10,000)
        makes it an array job of that many children.
        """
        params = self._submit_params(job_name, job_queue, job_definition, parameters, array_size)
        response = self._call(
            _ops.BATCH_SUBMIT_JOB.method,
            _ops.BATCH_SUBMIT_JOB.api,
            f"Batch job queue {params['jobQueue']}",
            None,
            **params,
        )
        return submitted(response)

    def describe_job(self, job_id: str) -> batch.JobDetail:
        """Return job ``job_id`` (its id, ``UUID:INDEX`` for an array child, or its ARN).

        Raises:
            NotFoundError: DescribeJobs does not know it (Batch forgets a job some 7 days
                after it ended).
        """
        return self._get(_ops.BATCH_JOB.bind(job_id))

    def list_jobs(self, job_queue: str, status: str | None = None) -> tuple[batch.JobSummary, ...]:
        """Return a queue's jobs (name or ARN) in ``status``, or in every status, all pages.

        ListJobs lists one status a call, so ``status=None`` makes one listing per status,
        SUBMITTED first.
        """
        queue = _ids.job_queue(job_queue)
        flow = _flows.job_summaries(
            f"Batch job queue {queue}", {"jobQueue": queue}, self._statuses(status)
        )
        return self._run(flow)

    def list_array_children(
        self, job_id: str, status: str | None = None
    ) -> tuple[batch.JobSummary, ...]:
        """Return an array job's children in ``status``, or in every status, all pages."""
        parent = _ids.job_id(job_id)
        flow = _flows.job_summaries(
            f"Batch job {parent}", {"arrayJobId": parent}, self._statuses(status)
        )
        return self._run(flow)

    def wait_for_job(
        self,
        job_id: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[batch.JobDetail], object] | None = None,
        check: bool = False,
        cancel_on_timeout: bool = False,
        events: SqsEvents | None = None,
    ) -> batch.JobDetail:
        """Wait until the job SUCCEEDED or FAILED (defaults: :attr:`JOB_POLICY`).

        Args:
            job_id: the job (its id, ``UUID:INDEX`` for an array child, or its ARN).
            policy: timeout and delays; values not set keep this resource's defaults
                (:attr:`JOB_POLICY`). Its ``clock`` and ``sleep`` may be injected (``FakeClock``).
            on_update: called with each newly observed model whose state changed (its
                exceptions propagate unchanged).
            check: raise :class:`~jobkit.errors.JobFailedError` unless the outcome is
                SUCCEEDED (a FAILED job that was cancelled or terminated is CANCELLED).
            cancel_on_timeout: when the deadline passes or the wait is interrupted, ask AWS
                to stop it (TerminateJob, which also cancels a job not yet started, with a
                reason saying jobkit stopped it) and say in the error whether AWS accepted.
            events: a :class:`jobkit.SqsEvents`: a "Batch Job State Change" event naming the
                job wakes the wait at once, and polls follow a longer fallback schedule (a
                lost event only makes the wait slower). See docs/events.md.

        Returns:
            The final model (``is_terminal`` is true); ``status_reason``, ``exit_code``,
            ``exit_reason`` and ``log_stream_name`` say why it failed.

        Raises:
            InvalidArgumentError: a bad argument, before any request.
            WaitTimeoutError: the deadline passed; ``.resource`` is the last model seen.
            JobFailedError: ``check`` and the outcome is FAILED or CANCELLED.
            NotFoundError: DescribeJobs does not know it (after the not-found grace).
            AccessDeniedError: the credentials may not read it.
        """
        return self._wait(
            _ops.BATCH_JOB.bind(job_id),
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
            events=events,
        )
