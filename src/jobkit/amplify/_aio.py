"""Amplify for asyncio: :class:`jobkit.aio.Amplify`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobkit._engine._async_facade import AsyncFacade
from jobkit.amplify import _flows
from jobkit.amplify._facade import AmplifyBase, started_summary
from jobkit.amplify._ids import amplify_app_branch
from jobkit.amplify._operations import AMPLIFY_JOB, AMPLIFY_START_JOB

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from mypy_boto3_amplify import AmplifyClient  # noqa: F401 -- named in a base class string

    from jobkit import amplify
    from jobkit._engine._waiting import WaitPolicy
    from jobkit._events._source import SqsEvents

__all__ = ["Amplify"]


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
        events: SqsEvents | None = None,
    ) -> amplify.Job:
        """Wait until the job SUCCEEDs, FAILs or is CANCELLED (defaults: :attr:`JOB_POLICY`)."""
        bound = AMPLIFY_JOB.bind(app_id, branch_name, job_id)
        return await self._wait(
            bound,
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
            events=events,
        )
