"""The Device Farm facade: get and wait for jobs and remote access sessions."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from jobkit import devicefarm
from jobkit._facade import Facade
from jobkit._validation import devicefarm_arn
from jobkit._waiting import WaitPolicy

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_devicefarm import DeviceFarmClient  # noqa: F401 -- named in the base class string

    from jobkit._deadline import Deadline

__all__ = ["DeviceFarm"]


class DeviceFarm(Facade["DeviceFarmClient"]):
    """Typed access to Device Farm jobs and remote access sessions, with waiters.

    ``DeviceFarm(client)`` wraps a boto3 ``devicefarm`` client; ``DeviceFarm()`` builds
    one from boto3's default chain (``session=``, ``region_name=`` and ``endpoint_url=``
    adjust it; Device Farm lives in ``us-west-2``).
    """

    service: ClassVar[str] = "devicefarm"
    default_region: ClassVar[str | None] = "us-west-2"  # Device Farm's only region

    JOB_POLICY: ClassVar[WaitPolicy] = WaitPolicy(timeout=3 * 3600, min_delay=5, max_delay=180)
    """Jobs run minutes to hours (the default job timeout is 150 minutes); test counters
    give the time left, so polls are sparse mid-run and dense near the end."""
    SESSION_POLICY: ClassVar[WaitPolicy] = WaitPolicy(timeout=3 * 3600, min_delay=5, max_delay=30)
    """Sessions last up to 150 minutes; a user usually waits for one to start or stop."""

    def get_job(self, arn: str) -> devicefarm.Job:
        """Return the job with this ARN (``arn:aws:devicefarm:...:job:...``)."""
        return self._get_job(devicefarm_arn(arn, "job"), None)

    def get_remote_access_session(self, arn: str) -> devicefarm.RemoteAccessSession:
        """Return the remote access session with this ARN (``...:session:...``)."""
        return self._get_session(devicefarm_arn(arn, "session"), None)

    def wait_for_job(
        self,
        arn: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[devicefarm.Job], object] | None = None,
        check: bool = False,
    ) -> devicefarm.Job:
        """Wait until the job is COMPLETED and return it (defaults: :attr:`JOB_POLICY`)."""
        arn = devicefarm_arn(arn, "job")
        return self._wait(
            lambda deadline: self._get_job(arn, deadline),
            what=f"Device Farm job {arn}",
            operation="GetJob",
            policy=policy,
            default=self.JOB_POLICY,
            on_update=on_update,
            check=check,
        )

    def wait_for_remote_access_session(
        self,
        arn: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[devicefarm.RemoteAccessSession], object] | None = None,
        check: bool = False,
    ) -> devicefarm.RemoteAccessSession:
        """Wait until the session is COMPLETED and return it (defaults: :attr:`SESSION_POLICY`)."""
        arn = devicefarm_arn(arn, "session")
        return self._wait(
            lambda deadline: self._get_session(arn, deadline),
            what=f"Device Farm remote access session {arn}",
            operation="GetRemoteAccessSession",
            policy=policy,
            default=self.SESSION_POLICY,
            on_update=on_update,
            check=check,
        )

    def _get_job(self, arn: str, deadline: Deadline | None) -> devicefarm.Job:
        return self._fetch(
            "get_job", "GetJob", "job", devicefarm.Job, f"Device Farm job {arn}", deadline, arn=arn
        )

    def _get_session(self, arn: str, deadline: Deadline | None) -> devicefarm.RemoteAccessSession:
        return self._fetch(
            "get_remote_access_session",
            "GetRemoteAccessSession",
            "remoteAccessSession",
            devicefarm.RemoteAccessSession,
            f"Device Farm remote access session {arn}",
            deadline,
            arn=arn,
        )
