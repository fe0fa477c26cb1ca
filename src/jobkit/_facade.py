"""What every service facade shares: client, retried calls, error translation, conversion."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

import boto3
from botocore.config import Config

from jobkit._aws_errors import translated
from jobkit._converter import structure
from jobkit._outcome import Resource
from jobkit._retry import RetryPolicy, http_attempt_bound
from jobkit._waiting import WaitPolicy, wait_until_terminal
from jobkit.errors import InvalidArgumentError, ServiceError

if TYPE_CHECKING:
    from collections.abc import Callable

    from jobkit._deadline import Deadline

__all__ = ["Facade"]

R = TypeVar("R", bound=Resource)
C = TypeVar("C")

# jobkit's RetryPolicy does the retrying for clients it builds, so the attempt bound is exact.
_OWN_CLIENT_CONFIG = Config(retries={"total_max_attempts": 1, "mode": "standard"})


class Facade(Generic[C]):
    """Base of :class:`DeviceFarm`, :class:`Amplify` and :class:`IoT`.

    ``C`` is the service's client type from the mypy-boto3 stubs, for type checkers
    only: the stubs are never needed at run time.
    """

    service: ClassVar[str]
    default_region: ClassVar[str | None] = None
    """Used when neither region_name nor the session names a region."""

    def __init__(
        self,
        client: C | None = None,
        *,
        session: boto3.session.Session | None = None,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        if client is not None and (session, region_name, endpoint_url) != (None, None, None):
            msg = (
                f"{type(self).__name__} got both a client and session/region_name/endpoint_url; "
                "pass either a ready client or the settings to build one."
            )
            raise InvalidArgumentError(msg, code="InvalidArgument")
        _require(retry, RetryPolicy, "retry", "RetryPolicy(max_attempts=...)")
        if client is None:
            client = self._build_client(session, region_name, endpoint_url)
        else:
            actual = getattr(getattr(client, "meta", None), "service_model", None)
            name = getattr(actual, "service_name", None)
            if name != self.service:
                msg = (
                    f"{type(self).__name__} needs a boto3 {self.service!r} client, got "
                    f"{name or type(client).__name__!r}; pass boto3.client({self.service!r})."
                )
                raise InvalidArgumentError(msg, code="InvalidArgument")
        self.client: C = client
        self.retry: RetryPolicy = retry or RetryPolicy()
        # The last response converted, and its model: a poll that sees no change reuses it.
        self._last: tuple[type[Any], dict[str, Any], Any] | None = None

    def _build_client(
        self,
        session: boto3.session.Session | None,
        region_name: str | None,
        endpoint_url: str | None,
    ) -> C:
        session = session or boto3.session.Session()
        region = region_name or session.region_name or self.default_region
        with translated("CreateClient", f"a {self.service} client"):
            # cast: boto3-stubs types client() per literal service name, not for a variable.
            client: C = cast("Any", session).client(
                self.service,
                region_name=region,
                endpoint_url=endpoint_url,
                config=_OWN_CLIENT_CONFIG,
            )
        return client

    def __repr__(self) -> str:
        region = getattr(cast("Any", self.client).meta, "region_name", None)
        return f"{type(self).__name__}(region_name={region!r}, retry={self.retry!r})"

    @property
    def max_http_attempts(self) -> int:
        """The most HTTP requests one call may make, counting botocore's retries underneath."""
        return http_attempt_bound(self.retry, cast("Any", self.client))

    def _call(
        self,
        method: str,
        operation: str,
        what: str,
        deadline: Deadline | None,
        *,
        require: str | None = None,
        **params: Any,
    ) -> dict[str, Any]:
        """Call one boto3 method through the retry policy, raising jobkit errors.

        ``require`` names a member the response must carry; a response without it is
        treated as a malformed (retryable) answer.
        """
        call: Callable[..., dict[str, Any]] = getattr(self.client, method)

        def attempt() -> dict[str, Any]:
            with translated(operation, what):
                response = call(**params)
            if require is not None and not isinstance(response.get(require), dict):
                msg = (
                    f"AWS answered {operation} on {what} without a {require!r} member; "
                    "try again, and report it to jobkit if it persists."
                )
                raise ServiceError(
                    msg, code="MalformedResponse", operation=operation, retryable=True
                )
            return response

        return self.retry.call(attempt, deadline=deadline)

    def _fetch(
        self,
        method: str,
        operation: str,
        key: str,
        model: type[R],
        what: str,
        deadline: Deadline | None,
        **params: Any,
    ) -> R:
        """Call, then convert the response member ``key`` into ``model``."""
        response = self._call(method, operation, what, deadline, require=key, **params)
        raw: dict[str, Any] = response[key]
        last = self._last
        if last is not None and last[0] is model and last[1] == raw:
            reused: R = last[2]
            return reused
        converted = structure(raw, model)
        self._last = (model, raw, converted)
        return converted

    def _wait(
        self,
        fetch: Callable[[Deadline], R],
        *,
        what: str,
        operation: str,
        policy: WaitPolicy | None,
        default: WaitPolicy,
        on_update: Callable[[R], object] | None,
        check: bool,
        refuse: Callable[[R], str | None] | None = None,
    ) -> R:
        _require(policy, WaitPolicy, "policy", "WaitPolicy(timeout=...)")
        return wait_until_terminal(
            fetch,
            what=what,
            operation=operation,
            policy=policy or default,
            on_update=on_update,
            check=check,
            refuse=refuse,
        )


def _require(value: object, cls: type, name: str, example: str) -> None:
    if value is not None and not isinstance(value, cls):
        msg = f"{name} must be a jobkit.{cls.__name__}, got {type(value).__name__}; pass {example}."
        raise InvalidArgumentError(msg, code="InvalidArgument")
