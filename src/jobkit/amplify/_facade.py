"""The Amplify facade: start, find, get and wait for a branch's build and deploy jobs."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from jobkit import amplify
from jobkit._convert._lazy import structure
from jobkit._engine._facade import ClientHolder, Facade
from jobkit._loading import ClassValue, module

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_amplify import AmplifyClient  # noqa: F401 -- named in the base class string

    from jobkit import errors
    from jobkit._engine import _validation
    from jobkit._engine._targets import Target
    from jobkit._engine._waiting import WaitPolicy
    from jobkit._events._source import SqsEvents
    from jobkit.amplify import _flows, _ids
    from jobkit.amplify import _operations as _ops
else:
    # Rows, flows and checks load with the facade's first use (see jobkit._loading).
    errors = module("jobkit.errors")
    _validation = module("jobkit._engine._validation")
    _flows = module("jobkit.amplify._flows")
    _ids = module("jobkit.amplify._ids")
    _ops = module("jobkit.amplify._operations")

__all__ = ["Amplify", "AmplifyBase", "started_summary"]

_TEXT_LIMITS = {"job_reason": 255, "commit_id": 255, "commit_message": 10000}


class AmplifyBase(ClientHolder["AmplifyClient"]):
    """What the sync and async Amplify facades share: defaults, handles, argument checks."""

    service: ClassVar[str] = "amplify"

    JOB_POLICY = ClassValue(lambda: _ops.AMPLIFY_JOB.policy)
    """Builds and deploys take a few minutes; Amplify stops a build after 30 minutes by default."""

    def job(self, app_id: str, branch_name: str, job_id: str) -> Target[amplify.Job]:
        """A handle on a job, for :func:`jobkit.as_completed` (checks the ids, calls nothing)."""
        return self._target(_ops.AMPLIFY_JOB.bind(app_id, branch_name, job_id))

    @staticmethod
    def _start_params(
        app_id: object,
        branch_name: object,
        job_type: object,
        job_id: object,
        texts: dict[str, object],
        commit_time: object,
    ) -> dict[str, Any]:
        """Check start_job's arguments before any request; return StartJob's parameters."""
        app, branch = _ids.amplify_app_branch(app_id, branch_name)
        known = [t.value for t in amplify.JobType]
        if not isinstance(job_type, str) or job_type not in known:
            msg = f"job_type {_validation.shown(job_type, 40)} is not a job type; pass one of {', '.join(known)}."
            raise errors.InvalidArgumentError(msg, code="InvalidArgument")
        params: dict[str, Any] = {"appId": app, "branchName": branch, "jobType": job_type}
        if job_id is not None:
            params["jobId"] = _ids.amplify_ids(app, branch, job_id)[2]
        elif job_type == "RETRY":
            msg = "job_type 'RETRY' needs the job_id of the job to retry."
            raise errors.InvalidArgumentError(msg, code="InvalidArgument")
        for name, value in texts.items():
            if value is None:
                continue
            if not isinstance(value, str) or len(value) > _TEXT_LIMITS[name]:
                msg = f"{name} is {_validation.shown(value, 40)}; pass text of at most {_TEXT_LIMITS[name]} characters."
                raise errors.InvalidArgumentError(msg, code="InvalidArgument")
            camel = "".join(w.capitalize() if i else w for i, w in enumerate(name.split("_")))
            params[camel] = value
        if commit_time is not None:
            if not isinstance(commit_time, datetime):
                msg = f"commit_time is {_validation.shown(commit_time, 40)}; pass a datetime."
                raise errors.InvalidArgumentError(msg, code="InvalidArgument")
            params["commitTime"] = commit_time
        return params


def started_summary(response: dict[str, Any]) -> amplify.JobSummary:
    return structure(response[_ops.AMPLIFY_START_JOB.key], amplify.JobSummary)


class Amplify(AmplifyBase, Facade["AmplifyClient"]):
    """Typed access to Amplify jobs: start, find the latest, get, and wait.

    ``Amplify(client)`` wraps a boto3 ``amplify`` client; ``Amplify()`` builds one from
    boto3's default chain (``session=``, ``region_name=``, ``endpoint_url=``,
    ``connect_timeout=`` and ``read_timeout=`` adjust it).
    """

    def start_job(
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
        """Start a job on a branch (a RELEASE builds its latest commit); return its summary.

        ``job_id`` is the job to retry (``job_type="RETRY"``); the commit arguments
        describe what a RELEASE builds. Wait for it with
        ``wait_for_job(app_id, branch_name, summary.job_id)``.
        """
        params = self._start_params(
            app_id,
            branch_name,
            job_type,
            job_id,
            {"job_reason": job_reason, "commit_id": commit_id, "commit_message": commit_message},
            commit_time,
        )
        what = f"Amplify branch {params['appId']}/{params['branchName']}"
        response = self._call(
            _ops.AMPLIFY_START_JOB.method,
            _ops.AMPLIFY_START_JOB.api,
            what,
            None,
            require=_ops.AMPLIFY_START_JOB.key,
            **params,
        )
        return started_summary(response)

    def latest_job(self, app_id: str, branch_name: str) -> amplify.Job:
        """Return the branch's newest job in full (steps included).

        Raises:
            NotFoundError: the branch has no jobs yet.
        """
        app, branch = _ids.amplify_app_branch(app_id, branch_name)
        return self._run(_flows.latest_job(app, branch))

    def get_job(self, app_id: str, branch_name: str, job_id: str) -> amplify.Job:
        """Return job ``job_id`` of branch ``branch_name`` of app ``app_id``."""
        return self._get(_ops.AMPLIFY_JOB.bind(app_id, branch_name, job_id))

    def wait_for_job(
        self,
        app_id: str,
        branch_name: str,
        job_id: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[amplify.Job], object] | None = None,
        check: bool = False,
        cancel_on_timeout: bool = False,
        events: SqsEvents | None = None,
    ) -> amplify.Job:
        """Wait until the job SUCCEEDs, FAILs or is CANCELLED (defaults: :attr:`JOB_POLICY`).

        Args:
            app_id: the app (``d...``).
            branch_name: the app's branch.
            job_id: the job's number.
            policy: timeout and delays; values not set keep this resource's defaults
                (:attr:`JOB_POLICY`). Its ``clock`` and ``sleep`` may be injected (``FakeClock``).
            on_update: called with each newly observed model whose state changed (its
                exceptions propagate unchanged).
            check: raise :class:`~jobkit.errors.JobFailedError` unless the outcome is SUCCEEDED.
            cancel_on_timeout: when the deadline passes or the wait is interrupted, ask AWS
                to stop it (StopJob, never forced) and say in the error whether AWS accepted.
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
        bound = _ops.AMPLIFY_JOB.bind(app_id, branch_name, job_id)
        return self._wait(
            bound,
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
            events=events,
        )
