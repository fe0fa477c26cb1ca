"""What every service facade shares: the client, retried and bounded calls, conversion, waiting.

The service facades (:class:`DeviceFarm`, :class:`Amplify`, :class:`IoT`) are thin: each
public method names one row of the operation table and hands its arguments here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

import boto3
from botocore.config import Config

from jobkit._convert._lazy import structure
from jobkit._convert._outcome import Resource
from jobkit._engine._timeouts import DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT
from jobkit._loading import module

if TYPE_CHECKING:
    from collections.abc import Callable

    from jobkit import errors
    from jobkit._engine import (
        _aws_errors,
        _calls,
        _deadline,
        _flows,
        _progress,
        _retry,
        _validation,
        _waiting,
        _watching,
    )
    from jobkit._engine._deadline import Deadline
    from jobkit._engine._flows import Flow
    from jobkit._engine._operations import Bound
    from jobkit._engine._retry import RetryPolicy
    from jobkit._engine._targets import Target
    from jobkit._engine._waiting import WaitPolicy
    from jobkit.errors import ServiceError
else:
    # The engine loads with a facade's first use (built, or a first call), not its import:
    # ``from jobkit import DeviceFarm`` costs what defining the class needs.
    errors = module("jobkit.errors")
    _aws_errors = module("jobkit._engine._aws_errors")
    _calls = module("jobkit._engine._calls")
    _deadline = module("jobkit._engine._deadline")
    _flows = module("jobkit._engine._flows")
    _progress = module("jobkit._engine._progress")
    _retry = module("jobkit._engine._retry")
    _validation = module("jobkit._engine._validation")
    _waiting = module("jobkit._engine._waiting")
    _watching = module("jobkit._engine._watching")

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_READ_TIMEOUT",
    "ClientHolder",
    "Facade",
    "Reuse",
    "checked",
    "require",
    "unreadable",
]

R = TypeVar("R", bound=Resource)
C = TypeVar("C")
T = TypeVar("T")


class ClientHolder(Generic[C]):
    """What sync and async facades share: the client (given or built), the retry policy, handles.

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
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
    ) -> None:
        settings = (session, region_name, endpoint_url, connect_timeout, read_timeout)
        if client is not None and settings != (None,) * len(settings):
            msg = (
                f"{type(self).__name__} got both a client and settings to build one "
                "(session, region_name, endpoint_url, connect_timeout, read_timeout); pass one or the other."
            )
            raise errors.InvalidArgumentError(msg, code="InvalidArgument")
        require(retry, _retry.RetryPolicy, "retry", "RetryPolicy(max_attempts=...)")
        if client is None:
            client = self._build_client(
                session,
                _validation.region_name(region_name),
                _validation.endpoint_url(endpoint_url),
                _timeout("connect_timeout", connect_timeout, DEFAULT_CONNECT_TIMEOUT),
                _timeout("read_timeout", read_timeout, DEFAULT_READ_TIMEOUT),
            )
        else:
            actual = getattr(getattr(client, "meta", None), "service_model", None)
            name = getattr(actual, "service_name", None)
            if name != self.service:
                msg = (
                    f"{type(self).__name__} needs a boto3 {self.service!r} client, got "
                    f"{name or type(client).__name__!r}; pass boto3.client({self.service!r})."
                )
                raise errors.InvalidArgumentError(msg, code="InvalidArgument")
        _calls.guard_client(client, native_async=self._native_async(client))
        self.client: C = client
        self.retry: RetryPolicy = retry or _retry.RetryPolicy()

    def _build_client(
        self,
        session: boto3.session.Session | None,
        region_name: str | None,
        endpoint_url: str | None,
        connect_timeout: float,
        read_timeout: float,
    ) -> C:
        session = session or boto3.session.Session()
        region = region_name or session.region_name or self.default_region
        # jobkit's RetryPolicy does the retrying for clients it builds, so the attempt bound is exact.
        config = Config(
            retries={"total_max_attempts": 1, "mode": "standard"},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
        )
        with _aws_errors.translated("CreateClient", f"a {self.service} client"):
            try:
                # cast: boto3-stubs types client() per literal service name, not for a variable.
                client: C = cast("Any", session).client(
                    self.service, region_name=region, endpoint_url=endpoint_url, config=config
                )
            except ValueError as exc:  # botocore's own checks of the region and the URL
                msg = f"Could not build a {self.service} client ({str(exc)[:120]}); check region_name and endpoint_url."
                raise errors.InvalidArgumentError(msg, code="InvalidArgument") from exc
        return client

    @classmethod
    def _native_async(cls, client: object) -> bool:  # noqa: ARG003 -- overridden by jobkit.aio
        """Whether ``client`` is awaited natively (an aiobotocore client)."""
        return False

    def __repr__(self) -> str:
        region = getattr(cast("Any", self.client).meta, "region_name", None)
        return f"{type(self).__name__}(region_name={region!r}, retry={self.retry!r})"

    @property
    def max_http_attempts(self) -> int:
        """The most HTTP requests one call may make, counting botocore's retries underneath."""
        return _retry.http_attempt_bound(self.retry, cast("Any", self.client))

    def _target(self, bound: Bound[R]) -> Target[R]:
        """A handle for many-at-once waits: checked ids, no call."""
        from jobkit._engine._targets import Target  # noqa: PLC0415 -- see _wait

        return Target(self, bound)


class Facade(ClientHolder[C]):
    """Base of the sync facades :class:`DeviceFarm`, :class:`Amplify` and :class:`IoT`."""

    def _call(
        self,
        method: str,
        operation: str,
        what: str,
        deadline: Deadline | None,
        *,
        require: str | None = None,
        abandon: bool = True,
        **params: Any,
    ) -> dict[str, Any]:
        """Call one boto3 method through the retry policy, raising jobkit errors only.

        ``require`` names a member the response must carry; a response without it is
        treated as a malformed (retryable) answer. With a ``deadline``, the call (its
        retries included) is abandoned when it passes -- unless ``abandon`` is false,
        for a caller that runs it on a thread it abandons itself.
        """
        call: Callable[..., dict[str, Any]] = getattr(self.client, method)

        def attempt() -> dict[str, Any]:
            try:
                with _aws_errors.translated(operation, what):
                    response = call(**params)
            except Exception as exc:
                error = unreadable(exc, operation, what)
                if error is exc:
                    raise
                raise error from exc
            return checked(response, require, operation, what)

        if deadline is None or not abandon:
            return self.retry.call(attempt, deadline=deadline)
        return _calls.bounded_call(
            lambda: self.retry.call(attempt, deadline=deadline),
            deadline,
            what=what,
            operation=operation,
        )

    def _get(self, bound: Bound[R], deadline: Deadline | None = None) -> R:
        """Read one resource: call, then convert its response member into the model."""
        op = bound.operation
        response = self._call(
            op.method, op.api, bound.what, deadline, require=op.key, **bound.params
        )
        return structure(op.resource(response, bound), op.model)

    def _wait(
        self,
        bound: Bound[R],
        *,
        policy: WaitPolicy | None,
        on_update: Callable[[R], object] | None,
        check: bool,
        cancel_on_timeout: bool = False,
        events: Any = None,
    ) -> R:
        """Wait for a bound operation's resource to end; see ``wait_for_*``.

        With ``cancel_on_timeout``, a deadline or an interrupt (Ctrl-C, the command's
        SIGTERM) first asks AWS to stop the resource; the raised error says how that went.
        With ``events`` (a :class:`jobkit.SqsEvents`), an event naming the resource ends the
        sleep before the next poll, and polls follow the row's longer fallback schedule.
        """
        # The driver and the stop rules load with the first wait: importing a facade stays cheap.
        from jobkit._engine._stopping import annotate, interrupts  # noqa: PLC0415
        from jobkit._engine._sync import wait_until_terminal  # noqa: PLC0415

        require(policy, _waiting.WaitPolicy, "policy", "WaitPolicy(timeout=...)")
        _validation.on_update_callable(on_update)
        _validation.flag(check, "check")
        _validation.flag(cancel_on_timeout, "cancel_on_timeout")
        _watching.check_events(events)
        op = bound.operation
        convert = Reuse(op.model)  # one per wait: waits through one facade share nothing

        def fetch(deadline: Deadline) -> R:
            response = self._call(
                op.method, op.api, bound.what, deadline, require=op.key, **bound.params
            )
            return convert(op.resource(response, bound))

        with _watching.watching(events, bound) as watch:
            chosen = op.policy_for(policy, events=watch is not None)
            if watch is None:  # events wake the wait; a history read would be a wasted call
                chosen = self._read_history(bound, chosen)
            try:
                return wait_until_terminal(
                    fetch,
                    what=bound.what,
                    operation=op.api,
                    policy=chosen,
                    on_update=on_update,
                    check=check,
                    refuse=op.refuse,
                    nap=None if watch is None else watch.nap,
                )
            except BaseException as exc:
                if cancel_on_timeout and interrupts(exc):
                    annotate(exc, self._stop(bound, chosen))
                raise

    def _read_history(self, bound: Bound[R], policy: WaitPolicy) -> WaitPolicy:
        """``policy`` with the history of jobs like ``bound``'s, when its row reads one.

        Never fails the wait: a history that cannot be read is none (logged at debug).
        """
        flow = bound.operation.history_flow(bound, policy)
        if flow is None:
            return policy
        clock, sleep = policy.clock, policy.sleep
        deadline = _deadline.Deadline(
            clock() + min(_flows.HISTORY_TIMEOUT, policy.timeout), clock, sleep
        )
        try:
            history = self._run(flow, deadline)
        except Exception as exc:  # noqa: BLE001 -- a history that cannot be read is no history
            return _flows.no_history(policy, bound, exc)
        return _flows.with_history(policy, history, bound)

    def _stop(self, bound: Bound[R], policy: WaitPolicy) -> str:
        """Ask AWS to stop ``bound``'s resource (never with force); say what happened."""
        from jobkit._engine._stopping import (  # noqa: PLC0415 -- see _wait
            STOP_TIMEOUT,
            stopped_note,
            unstoppable_note,
        )

        op = bound.operation
        stop = op.cancel_call(bound)
        if stop is None:
            return unstoppable_note(op)
        method, api, params = stop
        clock, sleep = policy.clock, policy.sleep
        try:
            self._call(
                method,
                api,
                bound.what,
                _deadline.Deadline(clock() + STOP_TIMEOUT, clock, sleep),
                **params,
            )
        except errors.JobkitError as error:
            return stopped_note(op, api, None, error)
        status: str | None = None
        try:  # one look, to show that the stop took
            status = _progress.describe(
                self._get(bound, _deadline.Deadline(clock() + STOP_TIMEOUT, clock, sleep))
            )
        except errors.JobkitError:
            status = None
        return stopped_note(op, api, status, None)

    def _run(self, flow: Flow[T], deadline: Deadline | None = None) -> T:
        """Drive a flow of calls (``jobkit._engine._flows``): each one retried, translated, converted."""
        try:
            ask = next(flow)
            while True:
                response = self._call(
                    ask.method, ask.api, ask.what, deadline, require=ask.require, **ask.params
                )
                ask = flow.send(response)
        except StopIteration as stop:
            result: T = stop.value
            return result


class Reuse(Generic[R]):
    """Converts a resource's response member, reusing the last model when nothing changed.

    Most polls see the same response again; comparing dicts is cheaper than converting.
    """

    __slots__ = ("_last", "_model")

    def __init__(self, model: type[R]) -> None:
        self._model = model
        self._last: tuple[dict[str, Any], R] | None = None

    def __call__(self, raw: dict[str, Any]) -> R:
        last = self._last
        if last is not None and last[0] == raw:
            return last[1]
        converted = structure(raw, self._model)
        self._last = (raw, converted)
        return converted


def _malformed(operation: str, what: str, detail: str) -> ServiceError:
    msg = (
        f"AWS answered {operation} on {what} with a response jobkit cannot read ({detail}); "
        "it is usually transient, so try again, and report it to jobkit if it persists."
    )
    return errors.ServiceError(
        msg, code="MalformedResponse", operation=operation, retryable=True, answered=False
    )


def unreadable(exc: Exception, operation: str, what: str) -> Exception:
    """What to raise for an exception from inside a boto3 call (already translated or not).

    jobkit errors and ``AssertionError`` (botocore's ``Stubber`` telling a test what went
    wrong) pass through; anything else is botocore failing to parse the body (bad JSON,
    non-UTF-8 bytes, a gzip error page...), a retryable ``MalformedResponse``.
    """
    if isinstance(exc, errors.JobkitError | AssertionError):
        return exc
    return _malformed(operation, what, type(exc).__name__)


def checked(
    response: dict[str, Any], require: str | None, operation: str, what: str
) -> dict[str, Any]:
    """Return ``response``, or raise ``MalformedResponse`` when it lacks the ``require`` member.

    The member is an object, or a list for a listed read (``BatchGetBuilds``' ``builds``).
    An HTML body (a page from a proxy or a web server at a wrong endpoint) is malformed too:
    botocore reads it as an empty answer, which a list call would take for an empty page.
    """
    meta: object = response.get("ResponseMetadata")
    headers: object = (
        cast("dict[str, Any]", meta).get("HTTPHeaders") if isinstance(meta, dict) else None
    )
    kind: object = (
        cast("dict[str, Any]", headers).get("content-type") if isinstance(headers, dict) else None
    )
    # Only an HTML page is refused: AWS answers JSON or (newer protocols) CBOR, never HTML.
    if isinstance(kind, str) and kind.lower().startswith(("text/html", "application/xhtml")):
        raise _malformed(operation, what, f"a {kind.partition(';')[0][:40]} body, not JSON")
    if require is not None and not isinstance(response.get(require), dict | list):
        raise _malformed(operation, what, f"no {require!r} member")
    return response


def _timeout(name: str, value: object, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 3600:  # noqa: PLR2004
        msg = f"{name} is {value!r}; pass a number of seconds above 0 and below 3600, e.g. {default:g}."
        raise errors.InvalidArgumentError(msg, code="InvalidArgument")
    return float(value)


def require(value: object, cls: type, name: str, example: str) -> None:
    """Refuse a ``value`` that is neither ``None`` nor a ``cls``."""
    if value is not None and not isinstance(value, cls):
        msg = f"{name} must be a jobkit.{cls.__name__}, got {type(value).__name__}; pass {example}."
        raise errors.InvalidArgumentError(msg, code="InvalidArgument")
