"""The Amplify facade: get and wait for a branch's build and deploy jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from jobkit import amplify
from jobkit._facade import Facade
from jobkit._validation import amplify_ids
from jobkit._waiting import WaitPolicy

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_amplify import AmplifyClient  # noqa: F401 -- named in the base class string

    from jobkit._deadline import Deadline

__all__ = ["Amplify"]


class Amplify(Facade["AmplifyClient"]):
    """Typed access to Amplify jobs, with a waiter.

    ``Amplify(client)`` wraps a boto3 ``amplify`` client; ``Amplify()`` builds one from
    boto3's default chain (``session=``, ``region_name=``, ``endpoint_url=`` adjust it).
    """

    service: ClassVar[str] = "amplify"

    JOB_POLICY: ClassVar[WaitPolicy] = WaitPolicy(timeout=3600, min_delay=5, max_delay=30)
    """Builds and deploys take a few minutes; Amplify stops a build after 30 minutes by default."""

    def get_job(self, app_id: str, branch_name: str, job_id: str) -> amplify.Job:
        """Return job ``job_id`` of branch ``branch_name`` of app ``app_id``."""
        return self._get_job(*amplify_ids(app_id, branch_name, job_id), None)

    def wait_for_job(
        self,
        app_id: str,
        branch_name: str,
        job_id: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[amplify.Job], object] | None = None,
        check: bool = False,
    ) -> amplify.Job:
        """Wait until the job SUCCEEDs, FAILs or is CANCELLED (defaults: :attr:`JOB_POLICY`)."""
        ids = amplify_ids(app_id, branch_name, job_id)
        return self._wait(
            lambda deadline: self._get_job(*ids, deadline),
            what=_what(*ids),
            operation="GetJob",
            policy=policy,
            default=self.JOB_POLICY,
            on_update=on_update,
            check=check,
        )

    def _get_job(
        self, app_id: str, branch_name: str, job_id: str, deadline: Deadline | None
    ) -> amplify.Job:
        return self._fetch(
            "get_job",
            "GetJob",
            "job",
            amplify.Job,
            _what(app_id, branch_name, job_id),
            deadline,
            appId=app_id,
            branchName=branch_name,
            jobId=job_id,
        )


def _what(app_id: str, branch_name: str, job_id: str) -> str:
    return f"Amplify job {job_id} of {app_id}/{branch_name}"
