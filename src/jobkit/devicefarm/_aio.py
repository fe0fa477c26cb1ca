"""Device Farm for asyncio: :class:`jobkit.aio.DeviceFarm`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobkit._engine._async import in_daemon_thread
from jobkit._engine._async_facade import AsyncFacade
from jobkit.devicefarm import _flows
from jobkit.devicefarm._artifacts import (
    DEFAULT_FILE_TIMEOUT,
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_TYPES,
    file_names,
    save_all,
)
from jobkit.devicefarm._facade import DeviceFarmBase
from jobkit.devicefarm._ids import devicefarm_arn, devicefarm_arn_of
from jobkit.devicefarm._operations import DEVICEFARM_JOB, DEVICEFARM_RUN, DEVICEFARM_SESSION

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from mypy_boto3_devicefarm import DeviceFarmClient  # noqa: F401 -- named in a base class string

    from jobkit import devicefarm
    from jobkit._engine._waiting import WaitPolicy
    from jobkit._events._source import SqsEvents

__all__ = ["DeviceFarm"]


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
        events: SqsEvents | None = None,
    ) -> devicefarm.Run:
        """Wait until the run is COMPLETED and return it (defaults: :attr:`RUN_POLICY`)."""
        bound = DEVICEFARM_RUN.bind(arn)
        return await self._wait(
            bound,
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
            events=events,
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
        events: SqsEvents | None = None,
    ) -> devicefarm.Job:
        """Wait until the job is COMPLETED and return it (defaults: :attr:`JOB_POLICY`)."""
        bound = DEVICEFARM_JOB.bind(arn)
        return await self._wait(
            bound,
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
            events=events,
        )

    async def wait_for_remote_access_session(
        self,
        arn: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[devicefarm.RemoteAccessSession], object] | None = None,
        check: bool = False,
        cancel_on_timeout: bool = False,
        events: SqsEvents | None = None,
    ) -> devicefarm.RemoteAccessSession:
        """Wait until the session is COMPLETED and return it (defaults: :attr:`SESSION_POLICY`)."""
        bound = DEVICEFARM_SESSION.bind(arn)
        return await self._wait(
            bound,
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
            events=events,
        )
