"""The Device Farm facade: get and wait for jobs and remote access sessions."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from jobkit._facade import ClientHolder, Facade
from jobkit._operations import DEVICEFARM_JOB, DEVICEFARM_SESSION

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_devicefarm import DeviceFarmClient  # noqa: F401 -- named in the base class string

    from jobkit import devicefarm
    from jobkit._targets import Target
    from jobkit._waiting import WaitPolicy

__all__ = ["DeviceFarm", "DeviceFarmBase"]


class DeviceFarmBase(ClientHolder["DeviceFarmClient"]):
    """What the sync and async Device Farm facades share: defaults and handles."""

    service: ClassVar[str] = "devicefarm"
    default_region: ClassVar[str | None] = "us-west-2"  # Device Farm's only region

    JOB_POLICY: ClassVar[WaitPolicy] = DEVICEFARM_JOB.policy
    """Jobs run minutes to hours (the default job timeout is 150 minutes); test counters
    give the time left, so polls are sparse mid-run and dense near the end."""
    SESSION_POLICY: ClassVar[WaitPolicy] = DEVICEFARM_SESSION.policy
    """Sessions last up to 150 minutes; a user usually waits for one to start or stop."""

    def job(self, arn: str) -> Target[devicefarm.Job]:
        """A handle on a job, for :func:`jobkit.as_completed` (checks the ARN, calls nothing)."""
        return self._target(DEVICEFARM_JOB.bind(arn))

    def remote_access_session(self, arn: str) -> Target[devicefarm.RemoteAccessSession]:
        """A handle on a remote access session, for :func:`jobkit.as_completed`."""
        return self._target(DEVICEFARM_SESSION.bind(arn))


class DeviceFarm(DeviceFarmBase, Facade["DeviceFarmClient"]):
    """Typed access to Device Farm jobs and remote access sessions, with waiters.

    ``DeviceFarm(client)`` wraps a boto3 ``devicefarm`` client; ``DeviceFarm()`` builds
    one from boto3's default chain (``session=``, ``region_name=``, ``endpoint_url=``,
    ``connect_timeout=`` and ``read_timeout=`` adjust it; Device Farm lives in ``us-west-2``).
    """

    def get_job(self, arn: str) -> devicefarm.Job:
        """Return the job with this ARN (``arn:aws:devicefarm:...:job:...``)."""
        return self._get(DEVICEFARM_JOB.bind(arn))

    def get_remote_access_session(self, arn: str) -> devicefarm.RemoteAccessSession:
        """Return the remote access session with this ARN (``...:session:...``)."""
        return self._get(DEVICEFARM_SESSION.bind(arn))

    def wait_for_job(
        self,
        arn: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[devicefarm.Job], object] | None = None,
        check: bool = False,
    ) -> devicefarm.Job:
        """Wait until the job is COMPLETED and return it (defaults: :attr:`JOB_POLICY`)."""
        bound = DEVICEFARM_JOB.bind(arn)
        return self._wait(bound, policy=policy, on_update=on_update, check=check)

    def wait_for_remote_access_session(
        self,
        arn: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[devicefarm.RemoteAccessSession], object] | None = None,
        check: bool = False,
    ) -> devicefarm.RemoteAccessSession:
        """Wait until the session is COMPLETED and return it (defaults: :attr:`SESSION_POLICY`)."""
        bound = DEVICEFARM_SESSION.bind(arn)
        return self._wait(bound, policy=policy, on_update=on_update, check=check)
