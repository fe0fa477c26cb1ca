"""The Device Farm facade: runs, jobs and remote access sessions; why a run failed; its artifacts."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from jobkit._engine._facade import ClientHolder, Facade
from jobkit._loading import ClassValue, module
from jobkit.devicefarm._limits import DEFAULT_FILE_TIMEOUT, DEFAULT_MAX_FILE_BYTES, DEFAULT_TYPES

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from mypy_boto3_devicefarm import DeviceFarmClient  # noqa: F401 -- named in the base class string

    from jobkit import devicefarm, errors
    from jobkit._engine import _validation
    from jobkit._engine._targets import Target
    from jobkit._engine._waiting import WaitPolicy
    from jobkit._events._source import SqsEvents
    from jobkit.devicefarm import _artifacts, _flows, _ids
    from jobkit.devicefarm import _operations as _ops
else:
    # The rows, flows, id checks and downloader load with the facade's first use (see
    # jobkit._loading): importing the class costs what defining it needs.
    errors = module("jobkit.errors")
    _validation = module("jobkit._engine._validation")
    _artifacts = module("jobkit.devicefarm._artifacts")
    _flows = module("jobkit.devicefarm._flows")
    _ids = module("jobkit.devicefarm._ids")
    _ops = module("jobkit.devicefarm._operations")

__all__ = ["DeviceFarm", "DeviceFarmBase"]


class DeviceFarmBase(ClientHolder["DeviceFarmClient"]):
    """What the sync and async Device Farm facades share: defaults, handles, argument checks."""

    service: ClassVar[str] = "devicefarm"
    default_region: ClassVar[str | None] = "us-west-2"  # Device Farm's only region

    RUN_POLICY = ClassValue(lambda: _ops.DEVICEFARM_RUN.policy)
    """Runs last as long as their longest job, or several when devices wait for a slot;
    completed jobs and test counters give the time left."""
    JOB_POLICY = ClassValue(lambda: _ops.DEVICEFARM_JOB.policy)
    """Jobs run minutes to hours (the default job timeout is 150 minutes); test counters
    give the time left, so polls are sparse mid-run and dense near the end."""
    SESSION_POLICY = ClassValue(lambda: _ops.DEVICEFARM_SESSION.policy)
    """Sessions last up to 150 minutes; a user usually waits for one to start or stop."""
    FILE_TIMEOUT: ClassVar[float] = DEFAULT_FILE_TIMEOUT
    """Seconds :meth:`download_artifacts` allows each file by default."""

    def run(self, arn: str) -> Target[devicefarm.Run]:
        """A handle on a run, for :func:`jobkit.as_completed` (checks the ARN, calls nothing)."""
        return self._target(_ops.DEVICEFARM_RUN.bind(arn))

    def job(self, arn: str) -> Target[devicefarm.Job]:
        """A handle on a job, for :func:`jobkit.as_completed` (checks the ARN, calls nothing)."""
        return self._target(_ops.DEVICEFARM_JOB.bind(arn))

    def remote_access_session(self, arn: str) -> Target[devicefarm.RemoteAccessSession]:
        """A handle on a remote access session, for :func:`jobkit.as_completed`."""
        return self._target(_ops.DEVICEFARM_SESSION.bind(arn))

    @staticmethod
    def _download_args(
        arn: object, directory: object, types: object, file_timeout: object, max_file_bytes: object
    ) -> tuple[str, str, Path, tuple[str, ...], float, int]:
        """Check download_artifacts' arguments before any request (the directory is created)."""
        clean, kind = _ids.devicefarm_arn_of(arn, ("run", "job"))
        categories = _artifacts.check_types(types)
        limit = _validation.seconds(file_timeout)
        if not 0 < limit < float("inf"):
            msg = f"file_timeout is {file_timeout!r}; pass a number of seconds above 0, e.g. 300."
            raise errors.InvalidArgumentError(msg, code="InvalidArgument")
        size = _artifacts.check_max_bytes(max_file_bytes)
        return clean, kind, _artifacts.check_directory(directory), categories, limit, size


class DeviceFarm(DeviceFarmBase, Facade["DeviceFarmClient"]):
    """Typed access to Device Farm runs, jobs and remote access sessions, with waiters.

    ``DeviceFarm(client)`` wraps a boto3 ``devicefarm`` client; ``DeviceFarm()`` builds
    one from boto3's default chain (``session=``, ``region_name=``, ``endpoint_url=``,
    ``connect_timeout=`` and ``read_timeout=`` adjust it; Device Farm lives in ``us-west-2``).
    """

    def get_run(self, arn: str) -> devicefarm.Run:
        """Return the run with this ARN (``arn:aws:devicefarm:...:run:PROJECT/RUN``)."""
        return self._get(_ops.DEVICEFARM_RUN.bind(arn))

    def get_job(self, arn: str) -> devicefarm.Job:
        """Return the job with this ARN (``arn:aws:devicefarm:...:job:...``)."""
        return self._get(_ops.DEVICEFARM_JOB.bind(arn))

    def get_remote_access_session(self, arn: str) -> devicefarm.RemoteAccessSession:
        """Return the remote access session with this ARN (``...:session:...``)."""
        return self._get(_ops.DEVICEFARM_SESSION.bind(arn))

    def list_jobs(self, run_arn: str) -> tuple[devicefarm.Job, ...]:
        """Return the run's jobs (one per device), all pages."""
        return self._run(_flows.run_jobs(_ids.devicefarm_arn(run_arn, "run", name="run_arn")))

    def failed_tests(self, arn: str) -> tuple[devicefarm.Test, ...]:
        """Return every FAILED or ERRORED test of a run or of one job (all pages).

        ``test.job_arn`` names the job (the device) each ran in, ``test.suite_arn`` its
        suite, ``test.message`` why it failed. Jobs and suites whose counters show no
        failure are skipped, so a green run costs one ListJobs call.
        """
        clean, kind = _ids.devicefarm_arn_of(arn, ("run", "job"))
        return self._run(_flows.failed_tests(clean, kind))

    def download_artifacts(
        self,
        arn: str,
        directory: str | os.PathLike[str],
        types: Iterable[str] = DEFAULT_TYPES,
        *,
        file_timeout: float = DEFAULT_FILE_TIMEOUT,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    ) -> tuple[Path, ...]:
        """Save a run's or job's artifacts into ``directory``; return the paths written.

        ``types`` are ListArtifacts categories (``"FILE"``, ``"LOG"``, ``"SCREENSHOT"``).
        Names come from each artifact's name and extension, made safe (ASCII, no path
        separators, no Windows device names, at most 200 characters) and unique in the
        directory whatever the letter case; nothing already there, a symlink included, is
        overwritten or followed. Each file is written under a temporary name and linked to
        its final name once complete, and may take at most ``file_timeout`` seconds and
        ``max_file_bytes`` bytes (8 GiB by default). Only ``https`` URLs are fetched, and
        redirects only to ``https``. Presigned URLs are never logged or shown.

        Raises:
            InvalidArgumentError: a bad ARN, an unknown type, or a directory that cannot be
                created or written -- before any request.
            jobkit.errors.ArtifactDownloadError: some files could not be saved (a
                ``ServiceError``; ``.written`` lists those that were).
        """
        clean, kind, folder, categories, limit, size = self._download_args(
            arn, directory, types, file_timeout, max_file_bytes
        )
        listed = self._run(_flows.artifacts(clean, kind, categories))
        return _artifacts.save_all(
            _artifacts.file_names(listed, folder), timeout=limit, max_bytes=size
        )

    def wait_for_run(
        self,
        arn: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[devicefarm.Run], object] | None = None,
        check: bool = False,
        cancel_on_timeout: bool = False,
        events: SqsEvents | None = None,
    ) -> devicefarm.Run:
        """Wait until the run is COMPLETED and return it (defaults: :attr:`RUN_POLICY`).

        Args:
            arn: its ARN.
            policy: timeout and delays; values not set keep this resource's defaults
                (:attr:`RUN_POLICY`). Its ``clock`` and ``sleep`` may be injected (``FakeClock``).
            on_update: called with each newly observed model whose state changed (its
                exceptions propagate unchanged).
            check: raise :class:`~jobkit.errors.JobFailedError` unless the outcome is SUCCEEDED.
            cancel_on_timeout: when the deadline passes or the wait is interrupted, ask AWS
                to stop it (StopRun, never forced) and say in the error whether AWS accepted.
            events: ignored: Device Farm publishes no state-change events, so the wait
                polls as usual (and the source says so once).

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
        bound = _ops.DEVICEFARM_RUN.bind(arn)
        return self._wait(
            bound,
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
            events=events,
        )

    def wait_for_job(
        self,
        arn: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[devicefarm.Job], object] | None = None,
        check: bool = False,
        cancel_on_timeout: bool = False,
        events: SqsEvents | None = None,
    ) -> devicefarm.Job:
        """Wait until the job is COMPLETED and return it (defaults: :attr:`JOB_POLICY`).

        Args:
            arn: its ARN.
            policy: timeout and delays; values not set keep this resource's defaults
                (:attr:`JOB_POLICY`). Its ``clock`` and ``sleep`` may be injected (``FakeClock``).
            on_update: called with each newly observed model whose state changed (its
                exceptions propagate unchanged).
            check: raise :class:`~jobkit.errors.JobFailedError` unless the outcome is SUCCEEDED.
            cancel_on_timeout: when the deadline passes or the wait is interrupted, ask AWS
                to stop it (StopJob, never forced) and say in the error whether AWS accepted.
            events: ignored: Device Farm publishes no state-change events, so the wait
                polls as usual (and the source says so once).

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
        bound = _ops.DEVICEFARM_JOB.bind(arn)
        return self._wait(
            bound,
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
            events=events,
        )

    def wait_for_remote_access_session(
        self,
        arn: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[devicefarm.RemoteAccessSession], object] | None = None,
        check: bool = False,
        cancel_on_timeout: bool = False,
        events: SqsEvents | None = None,
    ) -> devicefarm.RemoteAccessSession:
        """Wait until the session is COMPLETED and return it (defaults: :attr:`SESSION_POLICY`).

        Args:
            arn: its ARN.
            policy: timeout and delays; values not set keep this resource's defaults
                (:attr:`SESSION_POLICY`). Its ``clock`` and ``sleep`` may be injected (``FakeClock``).
            on_update: called with each newly observed model whose state changed (its
                exceptions propagate unchanged).
            check: raise :class:`~jobkit.errors.JobFailedError` unless the outcome is SUCCEEDED.
            cancel_on_timeout: when the deadline passes or the wait is interrupted, ask AWS
                to stop it (StopRemoteAccessSession, never forced) and say in the error whether AWS accepted.
            events: ignored: Device Farm publishes no state-change events, so the wait
                polls as usual (and the source says so once).

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
        bound = _ops.DEVICEFARM_SESSION.bind(arn)
        return self._wait(
            bound,
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
            events=events,
        )
