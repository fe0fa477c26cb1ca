"""Handles on resources to wait for (``Target``) and how each wait ended (``WaitResult``)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from attrs import field, frozen

from jobkit._convert._outcome import Outcome, Resource
from jobkit._engine._operations import Bound
from jobkit.errors import JobkitError

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

    def __repr__(self) -> str:
        return f"<Target {self.bound.what}>"


@frozen
class WaitResult(Generic[R_co]):
    """How one target's wait ended.

    ``error`` is ``None`` whenever the target ended (``outcome`` says how: SUCCEEDED,
    FAILED or CANCELLED); when it did not end, ``outcome`` is ``None`` and ``error`` says
    why (:class:`~jobkit.errors.WaitTimeoutError`, :class:`~jobkit.errors.NotFoundError`,
    :class:`~jobkit.errors.AccessDeniedError`, ...).
    """

    target: Target[R_co]
    resource: R_co | None
    """The final model, or the last one seen, or ``None`` if none was."""
    outcome: Outcome | None
    error: JobkitError | None

    @property
    def succeeded(self) -> bool:
        """Whether the target ended SUCCEEDED."""
        return self.outcome is Outcome.SUCCEEDED
