"""Handles on resources to wait for (``Target``) and how each wait ended (``WaitResult``)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar, cast

from attrs import field, frozen

from jobkit._convert._outcome import Outcome, Resource
from jobkit._engine._operations import Bound
from jobkit.errors import InvalidArgumentError, JobkitError

__all__ = ["Target", "WaitResult"]

R_co = TypeVar("R_co", bound=Resource, covariant=True)


@frozen(eq=False)
class Target(Generic[R_co]):
    """A resource to wait for, with checked ids: no AWS call has been made for it.

    Made by the facades (``DeviceFarm.job(arn)``, ``IoT.job_execution(job_id, thing)``,
    ...) and handed to :func:`jobkit.as_completed` or :func:`jobkit.wait_all`. Two
    handles are equal only if they are the same object.
    """

    facade: Any = field(repr=False)
    bound: Bound[R_co] = field(repr=False)

    @property
    def what(self) -> str:
        """How messages name the resource, e.g. ``"IoT job ota-1"``."""
        return self.bound.what

    @property
    def ids(self) -> tuple[Any, ...]:
        """The checked ids, in the order the facade method takes them."""
        return self.bound.ids

    def get(self) -> R_co:
        """Read the resource's whole model now: one call of its facade's own read.

        ``IoT.job_execution(j, t).get()`` is ``IoT.describe_job_execution(j, t)``: retried by
        the facade's ``RetryPolicy``, outside any group's ``RateLimit``. For a handle from a
        ``jobkit.aio`` facade, ``await target.aget()``.

        Raises:
            InvalidArgumentError: the handle comes from a ``jobkit.aio`` facade.
            JobkitError: the read failed (``NotFoundError``, ``AccessDeniedError``, ...).
        """
        if not hasattr(self.facade, "_call"):
            msg = (
                f"{self.what} comes from a jobkit.aio facade, whose reads are awaited; "
                "use await target.aget()."
            )
            raise InvalidArgumentError(msg, code="InvalidArgument")
        return cast("R_co", self.facade._get(self.bound))  # noqa: SLF001 -- the facades' read

    async def aget(self) -> R_co:
        """The awaitable twin of :meth:`get`, for handles from sync or ``jobkit.aio`` facades.

        A sync facade's read runs on a daemon thread, as in ``jobkit.aio.as_completed``.
        """
        facade = self.facade
        if hasattr(facade, "_acall"):
            return cast("R_co", await facade._get(self.bound))  # noqa: SLF001
        from jobkit._engine._async import in_daemon_thread  # noqa: PLC0415 -- async callers only

        return cast("R_co", await in_daemon_thread(lambda: facade._get(self.bound)))  # noqa: SLF001

    def __repr__(self) -> str:
        return f"<Target {self.bound.what}>"


@frozen
class WaitResult(Generic[R_co]):
    """How one target's wait ended.

    ``error`` is ``None`` whenever the target ended (``outcome`` says how: SUCCEEDED,
    FAILED or CANCELLED); when it did not end, ``outcome`` is ``None`` and ``error`` says
    why (:class:`~jobkit.errors.WaitTimeoutError`, :class:`~jobkit.errors.NotFoundError`,
    :class:`~jobkit.errors.AccessDeniedError`, ...).

    ``complete`` says what ``resource`` is. A target observed through a list call (IoT
    executions of one job, Amplify jobs of one branch) is reported as soon as the list shows
    its end, with the list's *summary* model (``complete`` false: members the list does not
    carry, such as an IoT execution's ``status_details``, are ``None``); ``target.get()``
    (``await target.aget()``) reads the whole model on demand, and ``full_models=True`` reads
    it before the result is yielded. ``complete`` is true when ``resource`` came from the
    target's own read (``DescribeJobExecution``, ``GetJob``) or from a list of whole models
    (Device Farm), and false when ``resource`` is ``None``.
    """

    target: Target[R_co]
    resource: R_co | None
    """The final model, or the last one seen, or ``None`` if none was."""
    outcome: Outcome | None
    error: JobkitError | None
    complete: bool = field(default=True, kw_only=True)
    """Whether ``resource`` is the whole model (false: a list's summary, or ``None``)."""

    @property
    def succeeded(self) -> bool:
        """Whether the target ended SUCCEEDED."""
        return self.outcome is Outcome.SUCCEEDED
