"""The Amplify facade: get and wait for a branch's build and deploy jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from jobkit._facade import ClientHolder, Facade
from jobkit._operations import AMPLIFY_JOB

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_amplify import AmplifyClient  # noqa: F401 -- named in the base class string

    from jobkit import amplify
    from jobkit._targets import Target
    from jobkit._waiting import WaitPolicy

__all__ = ["Amplify", "AmplifyBase"]


class AmplifyBase(ClientHolder["AmplifyClient"]):
    """What the sync and async Amplify facades share: defaults and handles."""

    service: ClassVar[str] = "amplify"

    JOB_POLICY: ClassVar[WaitPolicy] = AMPLIFY_JOB.policy
    """Builds and deploys take a few minutes; Amplify stops a build after 30 minutes by default."""

    def job(self, app_id: str, branch_name: str, job_id: str) -> Target[amplify.Job]:
        """A handle on a job, for :func:`jobkit.as_completed` (checks the ids, calls nothing)."""
        return self._target(AMPLIFY_JOB.bind(app_id, branch_name, job_id))


class Amplify(AmplifyBase, Facade["AmplifyClient"]):
    """Typed access to Amplify jobs, with a waiter.

    ``Amplify(client)`` wraps a boto3 ``amplify`` client; ``Amplify()`` builds one from
    boto3's default chain (``session=``, ``region_name=``, ``endpoint_url=``,
    ``connect_timeout=`` and ``read_timeout=`` adjust it).
    """

    def get_job(self, app_id: str, branch_name: str, job_id: str) -> amplify.Job:
        """Return job ``job_id`` of branch ``branch_name`` of app ``app_id``."""
        return self._get(AMPLIFY_JOB.bind(app_id, branch_name, job_id))

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
        bound = AMPLIFY_JOB.bind(app_id, branch_name, job_id)
        return self._wait(bound, policy=policy, on_update=on_update, check=check)
