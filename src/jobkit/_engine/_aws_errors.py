"""Turning botocore exceptions into jobkit's typed errors, and the facts retrying needs."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ReadTimeoutError,
)
from botocore.parsers import ResponseParserError

from jobkit.errors import (
    AccessDeniedError,
    AwsError,
    InvalidArgumentError,
    JobkitError,
    NotFoundError,
    ServiceError,
    ThrottledError,
)

if TYPE_CHECKING:
    from collections.abc import Generator

__all__ = ["is_retryable", "translate", "translated"]

NOT_FOUND = frozenset({"ResourceNotFoundException", "NotFoundException", "NotFound"})
ACCESS = frozenset(
    {
        "AccessDeniedException",
        "AccessDenied",
        "UnauthorizedException",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "ExpiredTokenException",
        "ExpiredToken",
        "ServiceAccountException",
        "MissingAuthenticationTokenException",
    }
)
THROTTLING = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "ProvisionedThroughputExceededException",
        "BandwidthLimitExceeded",
    }
)
TRANSIENT = frozenset(
    {
        "ServiceUnavailableException",
        "ServiceUnavailable",
        "InternalFailureException",
        "InternalFailure",
        "InternalServerException",
        "InternalServerError",
        "InternalException",
        "InternalError",
        "RequestTimeout",
        "RequestTimeoutException",
        "PriorRequestNotComplete",
    }
)
INVALID = frozenset(
    {
        "InvalidRequestException",
        "ArgumentException",
        "BadRequestException",
        "ValidationException",
        "InvalidParameterException",
    }
)
_CONNECTION = (
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
    ConnectTimeoutError,
)


def _client_error(exc: ClientError, operation: str, what: str) -> JobkitError:
    error: dict[str, Any] = dict(exc.response.get("Error") or {})
    meta: dict[str, Any] = dict(exc.response.get("ResponseMetadata") or {})
    code = str(error.get("Code") or "Unknown")
    status = int(meta.get("HTTPStatusCode") or 0)
    request_id = meta.get("RequestId")
    aws_message = str(error.get("Message") or "").rstrip(".")
    detail = f" ({code}: {aws_message})" if aws_message else f" ({code})"
    kw: dict[str, Any] = {"code": code, "operation": operation, "request_id": request_id}
    if code in NOT_FOUND or status == 404:  # noqa: PLR2004
        return NotFoundError(
            f"{what} was not found{detail}; check the identifier and the region.", **kw
        )
    if code in ACCESS or status in (401, 403):
        return AccessDeniedError(
            f"{operation} on {what} was denied{detail}; check the caller's IAM permissions "
            "and credentials.",
            **kw,
        )
    if code in THROTTLING or status == 429:  # noqa: PLR2004
        return ThrottledError(
            f"{operation} on {what} stayed throttled through every retry{detail}; "
            "wait longer between calls or raise RetryPolicy.max_attempts.",
            **kw,
        )
    if code in TRANSIENT or status >= 500:  # noqa: PLR2004
        return ServiceError(
            f"AWS failed to answer {operation} on {what}{detail}; "
            "it is usually transient, so try again later.",
            retryable=True,
            **kw,
        )
    if code in INVALID or status == 400:  # noqa: PLR2004
        return InvalidArgumentError(
            f"AWS refused {operation} on {what} as invalid{detail}; fix the request's arguments.",
            **kw,
        )
    return ServiceError(
        f"{operation} on {what} failed{detail}; see the AWS documentation for {code}.", **kw
    )


def translate(exc: BaseException, operation: str, what: str) -> JobkitError | None:  # noqa: PLR0911
    """Map a botocore exception to a jobkit error, or ``None`` if it is not botocore's."""
    if isinstance(exc, ClientError):
        return _client_error(exc, operation, what)
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return AccessDeniedError(
            f"No usable AWS credentials were found for {operation} ({exc}); configure "
            "credentials (environment, profile or role) or pass a session.",
            code="NoCredentials",
            operation=operation,
        )
    if isinstance(exc, NoRegionError):
        return InvalidArgumentError(
            "No AWS region is configured; pass region_name=... or set AWS_DEFAULT_REGION.",
            code="NoRegion",
            operation=operation,
        )
    if isinstance(exc, _CONNECTION):
        return ServiceError(
            f"Could not reach AWS for {operation} on {what} ({exc}); check the network "
            "and endpoint, then try again.",
            code=type(exc).__name__,
            operation=operation,
            retryable=True,
            answered=False,
        )
    if isinstance(exc, ResponseParserError):
        return ServiceError(
            f"AWS answered {operation} on {what} with an unreadable body; "
            "it is usually transient, so try again later.",
            code="ResponseParserError",
            operation=operation,
            retryable=True,
            answered=False,
        )
    if isinstance(exc, BotoCoreError):
        return ServiceError(
            f"{operation} on {what} failed in botocore ({exc}); check the client's configuration.",
            code=type(exc).__name__,
            operation=operation,
        )
    return None


@contextlib.contextmanager
def translated(operation: str, what: str) -> Generator[None]:
    """Re-raise botocore exceptions from the block as jobkit errors (the original as ``__cause__``)."""
    try:
        yield
    except Exception as exc:
        error = translate(exc, operation, what)
        if error is None:
            raise
        raise error from exc


def is_retryable(exc: BaseException) -> bool:
    """Whether a translated error is worth retrying: throttling, 5xx, connection, bad body."""
    return isinstance(exc, AwsError) and exc.retryable
