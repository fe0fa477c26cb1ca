"""Every input rule refuses bad input with InvalidArgumentError before any request is sent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import pytest

from helpers import make_client
from jobkit import Amplify, DeviceFarm, IoT, RetryPolicy
from jobkit.errors import InvalidArgumentError

if TYPE_CHECKING:
    from collections.abc import Callable

GOOD_JOB = "arn:aws:devicefarm:us-west-2:123456789012:job:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b/00000"
RUN = "arn:aws:devicefarm:us-west-2:123456789012:run:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b"
DEVICE = "arn:aws:devicefarm:us-west-2::device:D1C28D6B913C479399C0F594E1EBCAE4"
SESSION = "arn:aws:devicefarm:us-west-2:123456789012:session:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/3a7c9e11/00000"
IOT_JOB_ARN = "arn:aws:iot:us-east-1:123456789012:job/ota-firmware-2026-11"
# Wrong types, as an untyped caller would pass them.
_AS_ANY = cast("Any", 60)
_NUMBER = cast("Any", 123)
_TEXT = cast("Any", "1")


class Sent:
    """Counts requests that reach botocore's send step (none should)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, **_: Any) -> None:
        self.count += 1


def _client(service: str, sent: Sent) -> Any:
    client = make_client(service)
    client.meta.events.register("before-send", sent)
    return client


DF_CASES: list[tuple[str, Callable[[DeviceFarm], object], str]] = [
    ("empty arn", lambda df: df.get_job(""), "is empty"),
    ("blank arn", lambda df: df.get_job("   "), "is empty"),
    ("not a string", lambda df: df.get_job(_NUMBER), "not a string"),
    ("not an arn", lambda df: df.get_job("job-123"), "is not an ARN"),
    (
        "run arn as job",
        lambda df: df.get_job(RUN),
        "is a Device Farm run ARN, not a job ARN; pass the ARN of one of its jobs",
    ),
    ("device arn as job", lambda df: df.get_job(DEVICE), "is a Device Farm device ARN"),
    ("session arn as job", lambda df: df.get_job(SESSION), "remote access session ARN, not a job"),
    ("iot arn as job", lambda df: df.get_job(IOT_JOB_ARN), "is an IoT ARN, not a Device Farm one"),
    (
        "job arn as session",
        lambda df: df.get_remote_access_session(GOOD_JOB),
        "is a Device Farm job ARN, not a remote access session ARN",
    ),
    (
        "job arn as session wait",
        lambda df: df.wait_for_remote_access_session(GOOD_JOB),
        "not a remote access session",
    ),
    ("run arn in wait", lambda df: df.wait_for_job(RUN), "run ARN"),
    (
        "bad policy type",
        lambda df: df.wait_for_job(GOOD_JOB, policy=_AS_ANY),
        "policy must be a jobkit.WaitPolicy",
    ),
]


@pytest.mark.parametrize(("name", "call", "message"), DF_CASES, ids=[c[0] for c in DF_CASES])
def test_devicefarm_rules(name: str, call: Callable[[DeviceFarm], object], message: str) -> None:
    sent = Sent()
    with pytest.raises(InvalidArgumentError, match=message.replace("(", r"\(")) as info:
        call(DeviceFarm(_client("devicefarm", sent)))
    assert sent.count == 0, name
    assert isinstance(info.value, ValueError)


AMPLIFY_CASES: list[tuple[tuple[Any, ...], str]] = [
    (("", "main", "42"), "app_id is empty"),
    (("app-123", "main", "42"), "is not an Amplify app id"),
    (("D2A4X", "main", "42"), "is not an Amplify app id"),
    (("d", "main", "42"), "is not an Amplify app id"),
    (("d" + "a" * 20, "main", "42"), "is not an Amplify app id"),
    (("d2a4xexample1", "", "42"), "branch_name is empty"),
    (("d2a4xexample1", "b" * 256, "42"), "at most 255"),
    (("d2a4xexample1", "main", ""), "job_id is empty"),
    (("d2a4xexample1", "main", "latest"), "is not an Amplify job id"),
    (("d2a4xexample1", "main", 42), "not a string"),
]


@pytest.mark.parametrize(("args", "message"), AMPLIFY_CASES)
def test_amplify_rules(args: tuple[Any, ...], message: str) -> None:
    sent = Sent()
    amp = Amplify(_client("amplify", sent))
    with pytest.raises(InvalidArgumentError, match=message):
        amp.get_job(*args)
    with pytest.raises(InvalidArgumentError, match=message):
        amp.wait_for_job(*args)
    assert sent.count == 0


IOT_CASES: list[tuple[Callable[[IoT], object], str]] = [
    (lambda c: c.describe_job(""), "job_id is empty"),
    (lambda c: c.describe_job("has space"), "is not an IoT job id"),
    (lambda c: c.describe_job("x" * 65), "is not an IoT job id"),
    (lambda c: c.wait_for_job("bad/id"), "is not an IoT job id"),
    (lambda c: c.describe_job_execution("ota", ""), "thing_name is empty"),
    (lambda c: c.describe_job_execution("ota", "bad name"), "is not an IoT thing name"),
    (lambda c: c.describe_job_execution("ota", "t" * 129), "is not an IoT thing name"),
    (lambda c: c.describe_job_execution("ota", "thing", -1), "from 1 to 2"),
    (lambda c: c.describe_job_execution("ota", "thing", True), "from 1 to 2"),
    (lambda c: c.wait_for_job_execution("ota", "thing", _TEXT), "from 1 to 2"),
]


@pytest.mark.parametrize(("call", "message"), IOT_CASES)
def test_iot_rules(call: Callable[[IoT], object], message: str) -> None:
    sent = Sent()
    with pytest.raises(InvalidArgumentError, match=message):
        call(IoT(_client("iot", sent)))
    assert sent.count == 0


@pytest.mark.parametrize(
    "kwargs",
    [{"max_attempts": 0}, {"min_delay": -1}, {"max_delay": -2}, {"min_delay": 5, "max_delay": 1}],
)
def test_bad_retry_policies_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgumentError):
        RetryPolicy(**kwargs)
