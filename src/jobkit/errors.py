"""Every error jobkit raises, drawn once.

::

    JobkitError                       base of everything below
    ├── InvalidArgumentError          bad input, refused before any AWS call (also ValueError)
    ├── ConversionError               a response does not fit its model (also ValueError)
    ├── AwsError                      an AWS call failed; the botocore exception is __cause__
    │   ├── NotFoundError             the resource does not exist (or no longer does)
    │   ├── AccessDeniedError         missing permissions or credentials
    │   ├── ThrottledError            throttled or over a limit after every retry
    │   └── ServiceError              5xx, connection failures, malformed responses, anything else
    │       └── ArtifactDownloadError     some artifacts could not be saved; .written, .failed
    ├── WaitTimeoutError              the wait's deadline passed; .resource is the last model seen
    └── JobFailedError                check=True and the outcome was not SUCCEEDED; .resource

Every error carries ``code``, ``operation`` and ``request_id`` (``None`` where they
do not apply).

:class:`WaitTimeoutError` and :class:`JobFailedError` are generic in the resource they
carry: ``wait_for_job`` on Device Farm raises ``WaitTimeoutError[devicefarm.Job]``, so a
checker knows ``exc.resource`` is a ``devicefarm.Job | None`` wherever it knows the error's
type. In a bare ``except WaitTimeoutError as exc:`` the parameter defaults to ``Any``
(``exc.resource`` is ``Any | None``): narrow it with ``isinstance`` to use a model's members.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic

from typing_extensions import TypeVar

from jobkit._convert._outcome import Outcome

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "AccessDeniedError",
    "ArtifactDownloadError",
    "AwsError",
    "ConversionError",
    "InvalidArgumentError",
    "JobFailedError",
    "JobkitError",
    "NotFoundError",
    "ServiceError",
    "ThrottledError",
    "WaitTimeoutError",
]

R_co = TypeVar("R_co", covariant=True, default=Any)
"""The model a wait error carries (``devicefarm.Job``, ``iot.JobExecution``, ...)."""


class JobkitError(Exception):
    """Base class of every error jobkit raises."""

    code: str | None
    operation: str | None
    request_id: str | None

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        operation: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.operation = operation
        self.request_id = request_id

    @property
    def message(self) -> str:
        """The one-sentence explanation: what went wrong and what to do."""
        return str(self.args[0])


class InvalidArgumentError(JobkitError, ValueError):
    """An argument was refused before any request was sent."""


class ConversionError(JobkitError, ValueError):
    """A dict does not have the shape of the model it was structured into.

    ``path`` names the offending member the way the dict spells it (``$.device.heapSize``,
    ``$.steps[2].screenshots["Pixel 8"]``), or is ``None`` when no single member is to blame.
    """

    path: str | None

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        code: str | None = "ConversionError",
        operation: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, code=code, operation=operation, request_id=request_id)
        self.path = path


class AwsError(JobkitError):
    """An AWS call failed; the original botocore exception is ``__cause__``."""

    retryable: bool = False
    """Whether retrying the same call later may succeed."""
    answered: bool = True
    """Whether AWS gave an answer jobkit could read: ``False`` when the connection could not be
    made, was dropped or timed out, or the body could not be parsed (nothing says AWS was reached).
    """


class NotFoundError(AwsError):
    """The resource does not exist, or no longer does."""


class AccessDeniedError(AwsError):
    """The caller lacks permissions or credentials."""


class ThrottledError(AwsError):
    """AWS kept throttling (or a limit kept being exceeded) through every retry."""

    retryable = True


class ServiceError(AwsError):
    """AWS failed (5xx), the connection failed, or the response was unreadable."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        operation: str | None = None,
        request_id: str | None = None,
        retryable: bool = False,
        answered: bool = True,
    ) -> None:
        super().__init__(message, code=code, operation=operation, request_id=request_id)
        self.retryable = retryable
        self.answered = answered


class ArtifactDownloadError(ServiceError):
    """Some artifacts could not be saved; ``written`` holds the paths of those that were.

    ``failed`` maps each artifact that was not saved (its name and ARN) to why. No partial
    file is left under a final name, and no presigned URL is in the message.
    """

    written: tuple[Path, ...]
    failed: dict[str, str]

    def __init__(self, message: str, *, written: tuple[Path, ...], failed: dict[str, str]) -> None:
        super().__init__(message, code="ArtifactDownloadFailed", retryable=True)
        self.written = written
        self.failed = failed


class WaitTimeoutError(JobkitError, Generic[R_co]):
    """The resource did not reach a terminal status before the wait's deadline.

    When the last poll failed, that (transient) error is ``__cause__``.

    Args:
        message: what happened and what to do.
        resource: the last model observed, or ``None`` if no poll succeeded.
        operation: the AWS operation the wait polled (``GetJob``).
        elapsed: seconds from the start of the wait to the moment it gave up.
        polls: how many polls the wait made, failed ones included.
    """

    resource: R_co | None
    """The last model observed, or ``None`` if no poll succeeded."""
    elapsed: float
    """Seconds from the start of the wait to the moment it gave up."""
    polls: int
    """How many polls the wait made, failed ones included."""

    def __init__(
        self,
        message: str,
        *,
        resource: R_co | None,
        operation: str | None = None,
        elapsed: float = 0.0,
        polls: int = 0,
    ) -> None:
        super().__init__(message, code="WaitTimeout", operation=operation)
        self.resource = resource
        self.elapsed = elapsed
        self.polls = polls


class JobFailedError(JobkitError, Generic[R_co]):
    """A wait with ``check=True`` ended in an outcome other than SUCCEEDED.

    Args:
        message: what happened and where to look.
        resource: the final (terminal) model.
        operation: the AWS operation the wait polled.
    """

    resource: R_co
    """The final model."""

    def __init__(self, message: str, *, resource: R_co, operation: str | None = None) -> None:
        super().__init__(message, code="JobFailed", operation=operation)
        self.resource = resource

    @property
    def outcome(self) -> Outcome | None:
        """The final model's outcome (FAILED or CANCELLED)."""
        found: object = getattr(self.resource, "outcome", None)
        return found if isinstance(found, Outcome) else None
