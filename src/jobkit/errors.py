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
    ├── WaitTimeoutError              the wait's deadline passed; .resource is the last model seen
    └── JobFailedError                check=True and the outcome was not SUCCEEDED; .resource

Every error carries ``code``, ``operation`` and ``request_id`` (``None`` where they
do not apply).
"""

from __future__ import annotations

import re
from typing import Any

_SEGMENT = re.compile(r"\.([a-z][a-z0-9_]*)")

__all__ = [
    "AccessDeniedError",
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
    """A dict does not have the shape of the model it was structured into."""

    @classmethod
    def from_exception(cls, exc: BaseException, target: type[Any]) -> ConversionError:
        """Summarise a cattrs failure (with the paths of every bad member) in one message."""
        import cattrs  # noqa: PLC0415 -- keeps errors.py importable without the converter

        from jobkit._names import camel_case  # noqa: PLC0415

        if isinstance(exc, cattrs.BaseValidationError):
            # cattrs names attributes; users know the boto3 keys they passed in.
            lines: list[str] = []
            for line in cattrs.transform_error(exc):  # pyright: ignore[reportUnknownVariableType]
                what, at, path = line.rpartition(" @ ")
                path = _SEGMENT.sub(lambda m: "." + camel_case(m.group(1)), path)
                lines.append(f"{what}{at}{path}")
            details = "; ".join(lines)
        else:
            details = f"{type(exc).__name__}: {exc}"
        return cls(
            f"Could not read the response as {target.__module__}.{target.__qualname__} "
            f"({details}); check that the dict is the matching boto3 response, not another "
            "operation's.",
            code="ConversionError",
        )


class AwsError(JobkitError):
    """An AWS call failed; the original botocore exception is ``__cause__``."""

    retryable: bool = False
    """Whether retrying the same call later may succeed."""


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
    ) -> None:
        super().__init__(message, code=code, operation=operation, request_id=request_id)
        self.retryable = retryable


class WaitTimeoutError(JobkitError):
    """The resource did not reach a terminal status before the wait's deadline.

    When the last poll failed, that (transient) error is ``__cause__``.
    """

    resource: Any
    """The last model observed, or ``None`` if no poll succeeded."""
    elapsed: float
    """Seconds from the start of the wait to the moment it gave up."""
    polls: int
    """How many polls the wait made, failed ones included."""

    def __init__(
        self,
        message: str,
        *,
        resource: Any,
        operation: str | None = None,
        elapsed: float = 0.0,
        polls: int = 0,
    ) -> None:
        super().__init__(message, code="WaitTimeout", operation=operation)
        self.resource = resource
        self.elapsed = elapsed
        self.polls = polls


class JobFailedError(JobkitError):
    """A wait with ``check=True`` ended in an outcome other than SUCCEEDED."""

    resource: Any
    """The final model."""

    def __init__(self, message: str, *, resource: Any, operation: str | None = None) -> None:
        super().__init__(message, code="JobFailed", operation=operation)
        self.resource = resource

    @property
    def outcome(self) -> Any:
        """The final model's outcome (FAILED or CANCELLED)."""
        return getattr(self.resource, "outcome", None)
