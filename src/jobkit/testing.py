"""Test your own code that uses jobkit, without AWS.

``lifecycle`` scripts a resource's life on a boto3 client with botocore's
``Stubber`` (which checks each canned response against the service model), fed
from the responses that ship with jobkit or from your own dicts::

    client = boto3.client("devicefarm", region_name="us-west-2")
    with jobkit.testing.lifecycle(client, "get_job", ["pending", "running", "passed"]):
        job = my_code_that_waits(client)          # sees PENDING -> RUNNING -> COMPLETED

``FakeClock`` makes waits instant: pass ``clock.policy(...)`` as the ``policy``.
"""

from __future__ import annotations

import contextlib
import copy
from typing import TYPE_CHECKING, Any

from attrs import define, field, frozen
from botocore.stub import Stubber

from jobkit._stubs import load_stub, scenarios
from jobkit._waiting import WaitPolicy
from jobkit.errors import InvalidArgumentError

if TYPE_CHECKING:
    from collections.abc import Generator, Sequence

__all__ = ["AwsErrorResponse", "FakeClock", "lifecycle", "load_stub", "scenarios"]


@frozen(kw_only=True)
class AwsErrorResponse:
    """One scripted AWS error, for a step of :func:`lifecycle`."""

    code: str
    message: str = "scripted by jobkit.testing"
    http_status: int = 400
    request_id: str = "jobkit-testing-request"


@define
class FakeClock:
    """A clock whose ``sleep`` advances time instantly; every sleep is recorded."""

    now: float = 0.0
    sleeps: list[float] = field(factory=list[float])

    def clock(self) -> float:
        """Return the current fake time in seconds."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Advance the fake time by ``seconds`` without sleeping."""
        self.sleeps.append(seconds)
        self.now += seconds

    def policy(self, **kwargs: Any) -> WaitPolicy:
        """Return a :class:`jobkit.WaitPolicy` that runs on this clock (jitter pinned to 0.5)."""
        kwargs.setdefault("random", lambda: 0.5)
        return WaitPolicy(clock=self.clock, sleep=self.sleep, **kwargs)


Step = str | dict[str, Any] | AwsErrorResponse


@contextlib.contextmanager
def lifecycle(
    client: Any,
    operation: str,
    steps: Sequence[Step],
    *,
    expected_params: dict[str, Any] | None = None,
) -> Generator[Stubber]:
    """Script ``client.<operation>`` to answer with ``steps``, in order, one per call.

    A step is the name of a canned scenario (see :func:`scenarios`), a response dict,
    or an :class:`AwsErrorResponse`. On a clean exit every step must have been used.

    Raises:
        InvalidArgumentError: an unknown operation or scenario (before anything is stubbed).
    """
    service = client.meta.service_model.service_name
    if operation not in client.meta.method_to_api_mapping:
        msg = f"{service} clients have no operation {operation!r}; pass a boto3 method name like 'get_job'."
        raise InvalidArgumentError(msg, code="InvalidArgument")
    stubber = Stubber(client)
    for step in steps:
        if isinstance(step, AwsErrorResponse):
            stubber.add_client_error(
                operation,
                service_error_code=step.code,
                service_message=step.message,
                http_status_code=step.http_status,
                response_meta={"RequestId": step.request_id},
                expected_params=expected_params,
            )
            continue
        if isinstance(step, str):
            try:
                response = load_stub(service, operation, step)
            except (FileNotFoundError, KeyError) as exc:
                known = (
                    ", ".join(scenarios(service, operation)) if _has(service, operation) else "none"
                )
                msg = f"No canned {service}.{operation} scenario {step!r}; known: {known}."
                raise InvalidArgumentError(msg, code="InvalidArgument") from exc
        else:
            response = copy.deepcopy(step)
        stubber.add_response(operation, response, expected_params)
    with stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def _has(service: str, operation: str) -> bool:
    try:
        return bool(scenarios(service, operation))
    except FileNotFoundError:
        return False
