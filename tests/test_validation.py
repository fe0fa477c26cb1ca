"""Every input rule refuses bad input with InvalidArgumentError before any request is sent.

Clients are real boto3 clients with dummy credentials; a ``before-send`` hook counts requests
and stops any that would leave the machine, so a rule that lets bad input through fails the
test instead of reaching AWS.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

import boto3
import botocore.session
import pytest

from jobkit import Amplify, CodeBuild, DeviceFarm, IoT, RetryPolicy, WaitPolicy
from jobkit._engine._validation import endpoint_url, on_update_callable, region_name, shown
from jobkit.amplify._ids import amplify_ids
from jobkit.codebuild._ids import build_id, project_name
from jobkit.devicefarm._ids import devicefarm_arn
from jobkit.errors import InvalidArgumentError
from jobkit.iot._ids import MAX_EXECUTION_NUMBER, iot_execution_number, iot_job_id, iot_thing_name
from jobkit.testing import Stubber

if TYPE_CHECKING:
    from collections.abc import Callable

GOOD_JOB = "arn:aws:devicefarm:us-west-2:123456789012:job:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b/00000"
RUN = "arn:aws:devicefarm:us-west-2:123456789012:run:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b"
DEVICE = "arn:aws:devicefarm:us-west-2::device:D1C28D6B913C479399C0F594E1EBCAE4"
SESSION = "arn:aws:devicefarm:us-west-2:123456789012:session:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/3a7c9e11/00000"
S3_ARN = "arn:aws:s3:::my-bucket/builds/app.apk"
IOT_JOB_ARN = "arn:aws:iot:us-east-1:123456789012:job/ota-firmware-2026-11"
IOT_THING_ARN = "arn:aws:iot:us-east-1:123456789012:thing/sensor-7"
HUGE_ARN = GOOD_JOB + "/" + "x" * 100_000
MAX_MESSAGE = 300
_BOTOCORE: Any = botocore.session  # untyped: botocore ships no annotations
# Wrong types, as an untyped caller would pass them.
_NONE = cast("Any", None)
_NUMBER = cast("Any", 123)
_TEXT = cast("Any", "1")


class RequestSent(Exception):  # noqa: N818 -- a signal, not an error condition
    """Raised by the ``before-send`` hook: no request may leave the machine."""


class Sent:
    """Counts requests that reach botocore's send step (none should) and stops them."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, **_: Any) -> None:
        self.count += 1
        raise RequestSent


def _client(service: str, sent: Sent) -> Any:
    session: Any = boto3.Session()  # Any: the client's type depends on ``service``
    client: Any = session.client(
        service,
        region_name="us-west-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        aws_session_token="testing",
    )
    client.meta.events.register("before-send.*", sent)
    return client


FACADES: dict[str, Callable[[Any], Any]] = {
    "devicefarm": DeviceFarm,
    "amplify": Amplify,
    "iot": IoT,
    "codebuild": CodeBuild,
}
CB = "checkout-web:1a2b3c42-5c3e-4b1a-9f0d-2e7a6b8c9d0e"
CB_ARN = f"arn:aws:codebuild:us-east-1:123456789012:build/{CB}"


def _assert_refused(info: pytest.ExceptionInfo[InvalidArgumentError], sent: Sent) -> str:
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert sent.count == 0
    assert len(message) < MAX_MESSAGE, message
    assert message.isprintable(), message  # control characters stay escaped
    assert message.endswith("."), message
    return message


# (id, service, call, a fragment of the message)
BAD: list[tuple[str, str, Callable[[Any], object], str]] = [
    # Device Farm ARNs
    ("df empty", "devicefarm", lambda f: f.get_job(""), "is empty"),
    ("df blank", "devicefarm", lambda f: f.get_job("   "), "is empty"),
    ("df newline only", "devicefarm", lambda f: f.get_job("\n"), "is empty"),
    ("df None", "devicefarm", lambda f: f.get_job(_NONE), "arn is None, not a string"),
    ("df int", "devicefarm", lambda f: f.get_job(_NUMBER), "not a string"),
    ("df not an arn", "devicefarm", lambda f: f.get_job("job-123"), "is not an ARN"),
    ("df NUL", "devicefarm", lambda f: f.get_job(GOOD_JOB + "\0"), "NUL character"),
    ("df NUL inside", "devicefarm", lambda f: f.get_job(GOOD_JOB[:40] + "\0" + GOOD_JOB[40:]), "NUL"),
    ("df newline", "devicefarm", lambda f: f.get_job(GOOD_JOB + "\n"), "whitespace"),
    ("df space", "devicefarm", lambda f: f.get_job(" " + GOOD_JOB), "whitespace"),
    ("df tab", "devicefarm", lambda f: f.get_job(GOOD_JOB.replace("/", "\t", 1)), "whitespace"),
    ("df DEL", "devicefarm", lambda f: f.get_job(GOOD_JOB + "\x7f"), "control character"),
    ("df e-acute", "devicefarm", lambda f: f.get_job(GOOD_JOB + "é"), "non-ASCII"),
    ("df emoji", "devicefarm", lambda f: f.get_job(GOOD_JOB + "\N{ROCKET}"), "U+1F680"),
    ("df zero width", "devicefarm", lambda f: f.get_job(GOOD_JOB + "\u200b"), "control character"),
    ("df 100k arn", "devicefarm", lambda f: f.get_job(HUGE_ARN), "is too long"),
    ("df 100k arn wait", "devicefarm", lambda f: f.wait_for_job(HUGE_ARN), "1011 characters"),
    ("df too short", "devicefarm", lambda f: f.get_job("arn:aws:devicefarm:a:1:job:x"), "32 to 1011"),
    ("df china partition", "devicefarm", lambda f: f.get_job(GOOD_JOB.replace(":aws:", ":aws-cn:")), "partition"),
    ("df run arn", "devicefarm", lambda f: f.get_job(RUN), "is a Device Farm run ARN, not a job ARN; pass the ARN of one of its jobs"),
    ("df run arn wait", "devicefarm", lambda f: f.wait_for_job(RUN), "run ARN"),
    ("df device arn", "devicefarm", lambda f: f.get_job(DEVICE), "is a Device Farm device ARN"),
    ("df session as job", "devicefarm", lambda f: f.get_job(SESSION), "remote access session ARN, not a job"),
    ("df s3 arn", "devicefarm", lambda f: f.get_job(S3_ARN), "is an S3 ARN, not a Device Farm one"),
    ("df iot arn", "devicefarm", lambda f: f.get_job(IOT_JOB_ARN), "is an IoT ARN, not a Device Farm one"),
    ("df job as session", "devicefarm", lambda f: f.get_remote_access_session(GOOD_JOB), "is a Device Farm job ARN, not a remote access session ARN"),
    ("df job as session wait", "devicefarm", lambda f: f.wait_for_remote_access_session(GOOD_JOB), "not a remote access session"),
    ("df bad policy type", "devicefarm", lambda f: f.wait_for_job(GOOD_JOB, policy=cast("Any", 60)), "WaitPolicy"),
    # Runs (issue 11): a job ARN where a run is meant and the reverse; artifacts' arguments
    ("df job as run", "devicefarm", lambda f: f.get_run(GOOD_JOB), "is a Device Farm job ARN, not a run ARN; pass the ARN of the run"),
    ("df job as run wait", "devicefarm", lambda f: f.wait_for_run(GOOD_JOB, cancel_on_timeout=True), "not a run ARN"),
    ("df job as run list", "devicefarm", lambda f: f.list_jobs(GOOD_JOB), "run_arn"),
    ("df session as run", "devicefarm", lambda f: f.get_run(SESSION), "not a run ARN"),
    ("df device failed tests", "devicefarm", lambda f: f.failed_tests(DEVICE), "not a run or job ARN"),
    ("df artifacts type", "devicefarm", lambda f: f.download_artifacts(RUN, ".", types=("VIDEO",)), "not an artifact category"),
    ("df artifacts dir", "devicefarm", lambda f: f.download_artifacts(RUN, "/proc/jobkit/x"), "cannot be created or written"),
    ("amp start type", "amplify", lambda f: f.start_job("d2a4xexample1", "main", "DEPLOY"), "is not a job type"),
    ("amp latest app", "amplify", lambda f: f.latest_job("app", "main"), "not an Amplify app id"),
    ("iot executions status", "iot", lambda f: f.list_job_executions("ota", status="DONE"), "not an execution status"),
    ("iot outcomes bad id", "iot", lambda f: f.thing_outcomes("ota job"), "whitespace"),
    # IoT job ids (and job ARNs)
    ("iot job empty", "iot", lambda f: f.describe_job(""), "job_id is empty"),
    ("iot job None", "iot", lambda f: f.describe_job(_NONE), "job_id is None"),
    ("iot job int", "iot", lambda f: f.describe_job(_NUMBER), "not a string"),
    ("iot job NUL", "iot", lambda f: f.describe_job("ota\0"), "NUL character"),
    ("iot job newline", "iot", lambda f: f.describe_job("ota\n"), "whitespace"),
    ("iot job space", "iot", lambda f: f.describe_job("has space"), "is not an IoT job id"),
    ("iot job tab", "iot", lambda f: f.wait_for_job("ota\t1"), "whitespace"),
    ("iot job e-acute", "iot", lambda f: f.describe_job("caf\N{LATIN SMALL LETTER E WITH ACUTE}"), "U+00E9"),
    ("iot job emoji", "iot", lambda f: f.describe_job("ota-\N{ROCKET}"), "non-ASCII"),
    ("iot job slash", "iot", lambda f: f.wait_for_job("bad/id"), "is not an IoT job id"),
    ("iot job 65", "iot", lambda f: f.describe_job("x" * 65), "1-64 letters"),
    ("iot job 100k", "iot", lambda f: f.describe_job("x" * 100_000), "is not an IoT job id"),
    ("iot job s3 arn", "iot", lambda f: f.describe_job(S3_ARN), "is an S3 ARN"),
    ("iot job df arn", "iot", lambda f: f.describe_job(GOOD_JOB), "is a Device Farm ARN"),
    ("iot job thing arn", "iot", lambda f: f.describe_job(IOT_THING_ARN), "is an IoT thing ARN"),
    ("iot job arn bad id", "iot", lambda f: f.describe_job(IOT_JOB_ARN + "!"), "is not an IoT job id"),
    ("iot job arn long id", "iot", lambda f: f.describe_job(IOT_JOB_ARN[:-20] + "x" * 65), "1-64"),
    ("iot job arn 100k", "iot", lambda f: f.describe_job(IOT_JOB_ARN + "x" * 100_000), "is not an IoT job id"),
    # IoT thing names
    ("iot thing empty", "iot", lambda f: f.describe_job_execution("ota", ""), "thing_name is empty"),
    ("iot thing None", "iot", lambda f: f.describe_job_execution("ota", _NONE), "thing_name is None"),
    ("iot thing NUL", "iot", lambda f: f.describe_job_execution("ota", "t\0"), "NUL"),
    ("iot thing space", "iot", lambda f: f.describe_job_execution("ota", "bad name"), "is not an IoT thing name"),
    ("iot thing e-acute", "iot", lambda f: f.describe_job_execution("ota", "capteur-é"), "non-ASCII"),
    ("iot thing 129", "iot", lambda f: f.describe_job_execution("ota", "t" * 129), "1-128"),
    ("iot thing arn", "iot", lambda f: f.wait_for_job_execution("ota", IOT_THING_ARN), "is a thing ARN"),
    ("iot thing bad job", "iot", lambda f: f.wait_for_job_execution("o ta", "thing"), "is not an IoT job id"),
    # IoT execution numbers
    ("exec 0", "iot", lambda f: f.describe_job_execution("ota", "thing", 0), "from 1 to 2**63-1"),
    ("exec -1", "iot", lambda f: f.describe_job_execution("ota", "thing", -1), "from 1 to 2**63-1"),
    ("exec 2**63", "iot", lambda f: f.describe_job_execution("ota", "thing", 2**63), "from 1 to 2**63-1"),
    ("exec huge", "iot", lambda f: f.describe_job_execution("ota", "thing", 10**5000), "from 1 to 2**63-1"),
    ("exec True", "iot", lambda f: f.describe_job_execution("ota", "thing", True), "from 1 to 2**63-1"),
    ("exec 1.0", "iot", lambda f: f.describe_job_execution("ota", "thing", cast("Any", 1.0)), "(an int)"),
    ("exec str", "iot", lambda f: f.wait_for_job_execution("ota", "thing", _TEXT), "from 1 to 2**63-1"),
    # Amplify
    ("amp app empty", "amplify", lambda f: f.get_job("", "main", "42"), "app_id is empty"),
    ("amp app None", "amplify", lambda f: f.get_job(_NONE, "main", "42"), "app_id is None"),
    ("amp app NUL", "amplify", lambda f: f.get_job("d2a4x\0", "main", "42"), "NUL"),
    ("amp app e-acute", "amplify", lambda f: f.get_job("d2a4é", "main", "42"), "non-ASCII"),
    ("amp app dashes", "amplify", lambda f: f.get_job("app-123", "main", "42"), "is not an Amplify app id"),
    ("amp app upper", "amplify", lambda f: f.get_job("D2A4X", "main", "42"), "is not an Amplify app id"),
    ("amp app d", "amplify", lambda f: f.get_job("d", "main", "42"), "is not an Amplify app id"),
    ("amp app 21", "amplify", lambda f: f.get_job("d" + "a" * 20, "main", "42"), "2-20"),
    ("amp branch empty", "amplify", lambda f: f.get_job("d2a4xexample1", "", "42"), "branch_name is empty"),
    ("amp branch None", "amplify", lambda f: f.get_job("d2a4xexample1", _NONE, "42"), "branch_name is None"),
    ("amp branch NUL", "amplify", lambda f: f.get_job("d2a4xexample1", "main\0", "42"), "NUL"),
    ("amp branch newline", "amplify", lambda f: f.get_job("d2a4xexample1", "main\n", "42"), "whitespace"),
    ("amp branch space", "amplify", lambda f: f.get_job("d2a4xexample1", "my branch", "42"), "whitespace"),
    ("amp branch tab", "amplify", lambda f: f.wait_for_job("d2a4xexample1", "a\tb", "42"), "whitespace"),
    ("amp branch escape", "amplify", lambda f: f.get_job("d2a4xexample1", "a\x1bb", "42"), "control character"),
    ("amp branch 256", "amplify", lambda f: f.get_job("d2a4xexample1", "b" * 256, "42"), "at most 255"),
    ("amp branch 100k", "amplify", lambda f: f.get_job("d2a4xexample1", "b" * 100_000, "42"), "at most 255"),
    ("amp job empty", "amplify", lambda f: f.get_job("d2a4xexample1", "main", ""), "job_id is empty"),
    ("amp job int", "amplify", lambda f: f.get_job("d2a4xexample1", "main", _NUMBER), "not a string"),
    ("amp job latest", "amplify", lambda f: f.get_job("d2a4xexample1", "main", "latest"), "is not an Amplify job id"),
    ("amp job space", "amplify", lambda f: f.get_job("d2a4xexample1", "main", "4 2"), "whitespace"),
    ("amp job arabic digits", "amplify", lambda f: f.get_job("d2a4xexample1", "main", "\u0664\u0662"), "non-ASCII"),
    ("amp job 256", "amplify", lambda f: f.wait_for_job("d2a4xexample1", "main", "1" * 256), "1-255 digits"),
    # CodeBuild build ids (and build ARNs)
    ("cb build empty", "codebuild", lambda f: f.get_build(""), "build_id is empty"),
    ("cb build None", "codebuild", lambda f: f.get_build(_NONE), "build_id is None"),
    ("cb build int", "codebuild", lambda f: f.wait_for_build(_NUMBER), "not a string"),
    ("cb build NUL", "codebuild", lambda f: f.get_build(CB + "\0"), "NUL character"),
    ("cb build newline", "codebuild", lambda f: f.get_build(CB + "\n"), "whitespace"),
    ("cb build e-acute", "codebuild", lambda f: f.get_build("caf\N{LATIN SMALL LETTER E WITH ACUTE}:" + CB[13:]), "non-ASCII"),
    ("cb build no colon", "codebuild", lambda f: f.get_build("checkout-web"), "(no ':')"),
    ("cb build no project", "codebuild", lambda f: f.get_build(CB[12:]), "(no ':')"),
    ("cb build not uuid", "codebuild", lambda f: f.wait_for_build("checkout-web:42"), "is not a UUID"),
    ("cb build bad project", "codebuild", lambda f: f.get_build("-web" + CB[12:]), "its project part is not a project name"),
    ("cb build 100k", "codebuild", lambda f: f.get_build("p" * 100_000 + CB[12:]), "(100037 characters)"),
    ("cb build s3 arn", "codebuild", lambda f: f.get_build(S3_ARN), "is an S3 ARN"),
    ("cb build iot arn", "codebuild", lambda f: f.get_build(IOT_JOB_ARN), "is an IoT ARN"),
    ("cb project arn as build", "codebuild", lambda f: f.get_build("arn:aws:codebuild:us-east-1:123456789012:project/web"), "is a CodeBuild project ARN, not a build ARN"),
    ("cb build arn bad id", "codebuild", lambda f: f.get_build(CB_ARN + "x"), "is not a UUID"),
    ("cb build handle", "codebuild", lambda f: f.build("checkout-web:"), "is not a UUID"),
    # CodeBuild project names
    ("cb project empty", "codebuild", lambda f: f.start_build(""), "project_name is empty"),
    ("cb project None", "codebuild", lambda f: f.list_builds_for_project(_NONE), "project_name is None"),
    ("cb project 1 char", "codebuild", lambda f: f.start_build("w"), "2-150 letters"),
    ("cb project 151", "codebuild", lambda f: f.start_build("w" * 151), "is too long"),
    ("cb project dot", "codebuild", lambda f: f.start_build("web.app"), "is not a CodeBuild project name"),
    ("cb project dash first", "codebuild", lambda f: f.list_builds_for_project("-web"), "starting with a letter or digit"),
    ("cb project space", "codebuild", lambda f: f.start_build("my web"), "whitespace"),
    ("cb project build arn", "codebuild", lambda f: f.start_build(CB_ARN), "is a CodeBuild build ARN, not a project ARN"),
    ("cb project df arn", "codebuild", lambda f: f.start_build(GOOD_JOB), "is a Device Farm ARN"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "service", "call", "fragment"), BAD, ids=[c[0] for c in BAD])
def test_bad_ids_are_refused_before_any_request(
    name: str, service: str, call: Callable[[Any], object], fragment: str
) -> None:
    sent = Sent()
    facade = FACADES[service](_client(service, sent))
    with pytest.raises(InvalidArgumentError) as info:
        call(facade)
    message = _assert_refused(info, sent)
    assert fragment in message, (name, message)


# (owner, keyword arguments, the parameter the message must name, or None for the range rule)
POLICIES: list[tuple[type[Any], dict[str, Any], str | None]] = [
    *[
        (owner, {param: value}, param)
        for owner, params in (
            (WaitPolicy, ("timeout", "min_delay", "max_delay")),
            (RetryPolicy, ("min_delay", "max_delay")),
        )
        for param in params
        for value in (0, 0.0, -1, -0.5, math.nan, math.inf, -math.inf, True, False, "5", None,
                      timedelta(0), timedelta(seconds=-1), 10**400, b"5")
    ],
    *[
        (WaitPolicy, {"not_found_grace": value}, "not_found_grace")
        for value in (-1, math.nan, math.inf, -math.inf, True, "5", None, timedelta(seconds=-1))
    ],
    *[
        (owner, {"max_attempts": value}, "max_attempts")
        for owner in (WaitPolicy, RetryPolicy)
        for value in (0, -1, True, False, 1.0, 2.5, "3", math.inf)
    ],
    (RetryPolicy, {"max_attempts": None}, "max_attempts"),
    (WaitPolicy, {"min_delay": 10, "max_delay": 5}, None),
    (WaitPolicy, {"min_delay": timedelta(minutes=2), "max_delay": 60}, None),
    (RetryPolicy, {"min_delay": 5, "max_delay": 1}, None),
]  # fmt: skip


@pytest.mark.parametrize(("owner", "kwargs", "param"), POLICIES, ids=repr)
def test_bad_policy_values_are_refused(
    owner: type[Any], kwargs: dict[str, Any], param: str | None
) -> None:
    sent = Sent()
    with pytest.raises(InvalidArgumentError) as info:
        owner(**kwargs)
    message = _assert_refused(info, sent)
    assert f"{owner.__name__} {param or 'max_delay'}" in message, message
    assert ";" in message  # what is wrong; what to do


def test_a_zero_delay_says_why() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        WaitPolicy(min_delay=0, max_delay=60)
    assert str(info.value) == (
        "WaitPolicy min_delay is 0; it must be more than 0 seconds "
        "(a zero delay would poll in a busy loop)."
    )


def test_good_policy_values_pass() -> None:
    policy = WaitPolicy(
        timeout=timedelta(minutes=2), min_delay=0.01, max_delay=0.01, not_found_grace=0,
        max_attempts=1,
    )  # fmt: skip
    assert (policy.timeout, policy.min_delay, policy.max_delay) == (120.0, 0.01, 0.01)
    assert isinstance(WaitPolicy(timeout=5).timeout, float)
    retry = RetryPolicy(max_attempts=1, min_delay=timedelta(milliseconds=1), max_delay=1)
    assert retry.min_delay == 0.001


# Inputs refused only once the facades check them (wired by the wait-engine rewrite).
WIRED: list[tuple[str, Callable[[Sent], object], str]] = [
    (
        "on_update not callable",
        lambda sent: DeviceFarm(_client("devicefarm", sent)).wait_for_job(
            GOOD_JOB, on_update=cast("Any", "print")
        ),
        "on_update",
    ),
    (
        "on_update not callable (iot)",
        lambda sent: IoT(_client("iot", sent)).wait_for_job_execution(
            "ota", "thing", on_update=cast("Any", 42)
        ),
        "on_update",
    ),
    ("endpoint_url not a url", lambda _: IoT(endpoint_url="not a url"), "endpoint_url"),
    ("endpoint_url no host", lambda _: IoT(endpoint_url="http://"), "endpoint_url"),
    ("endpoint_url NUL", lambda _: Amplify(endpoint_url="http://local\0host"), "endpoint_url"),
    ("region_name spaces", lambda _: IoT(region_name="us west 2"), "region_name"),
]


@pytest.mark.parametrize(("name", "call", "fragment"), WIRED, ids=[c[0] for c in WIRED])
def test_facade_arguments_are_refused(
    name: str, call: Callable[[Sent], object], fragment: str
) -> None:
    sent = Sent()
    with pytest.raises(InvalidArgumentError) as info:
        call(sent)
    assert fragment in _assert_refused(info, sent), name


# Good input goes through: a Stubber answers, so the before-send hook still sees nothing.


def _stubbed(service: str) -> tuple[Any, Any, Sent]:
    sent = Sent()
    client = _client(service, sent)
    stub: Any = Stubber(client)
    return client, stub, sent


def test_an_iot_job_arn_is_reduced_to_its_job_id() -> None:
    client, stub, sent = _stubbed("iot")
    expected = {"jobId": "ota-firmware-2026-11"}
    stub.add_response("describe_job", {"job": {**expected, "status": "COMPLETED"}}, expected)
    stub.add_response(
        "describe_job_execution",
        {"execution": {**expected, "status": "SUCCEEDED"}},
        {**expected, "thingName": "t", "executionNumber": MAX_EXECUTION_NUMBER},
    )
    with stub:
        job = IoT(client).describe_job(IOT_JOB_ARN)
        execution = IoT(client).describe_job_execution(IOT_JOB_ARN, "t", MAX_EXECUTION_NUMBER)
    assert job.job_id == execution.job_id == "ota-firmware-2026-11"
    stub.assert_no_pending_responses()
    assert sent.count == 0


def test_longest_ids_pass_through_the_facades() -> None:
    job_id, thing = "j" * 64, "t:_-" * 32
    client, stub, sent = _stubbed("iot")
    params = {"jobId": job_id, "thingName": thing}
    response = {"execution": {"jobId": job_id, "status": "QUEUED"}}
    stub.add_response("describe_job_execution", response, params)
    with stub:
        assert IoT(client).describe_job_execution(job_id, thing).job_id == job_id
    app, branch, number = "d" + "z9" * 9 + "a", "feature/" + "é" * 247, "9" * 255
    client, stub, sent2 = _stubbed("amplify")
    ids = {"appId": app, "branchName": branch, "jobId": number}
    when = datetime(2026, 1, 1, tzinfo=UTC)
    summary = {
        "jobArn": f"arn:aws:amplify:us-west-2:123456789012:apps/{app}/branches/x/jobs/{number}",
        "jobId": number,
        "commitId": "abc",
        "commitMessage": "m",
        "commitTime": when,
        "startTime": when,
        "status": "SUCCEED",
        "jobType": "RELEASE",
    }
    stub.add_response("get_job", {"job": {"summary": summary, "steps": []}}, ids)
    with stub:
        Amplify(client).get_job(app, branch, number)
    arn = GOOD_JOB + "/" + "0" * (1011 - len(GOOD_JOB) - 1)
    client, stub, sent3 = _stubbed("devicefarm")
    stub.add_response("get_job", {"job": {"arn": arn}}, {"arn": arn})
    with stub:
        assert DeviceFarm(client).get_job(arn).arn == arn
    assert sent.count == sent2.count == sent3.count == 0


# The rules match the installed botocore's service models (drift is caught here).

MODEL_RULES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("devicefarm", "GetJob", "arn", {"min": 32, "max": 1011, "pattern": "^arn:aws:devicefarm:.+"}),
    ("devicefarm", "GetRemoteAccessSession", "arn", {"min": 32, "max": 1011, "pattern": "^arn:aws:devicefarm:.+"}),
    ("amplify", "GetJob", "appId", {"min": 1, "max": 20, "pattern": "d[a-z0-9]+"}),
    ("amplify", "GetJob", "branchName", {"min": 1, "max": 255, "pattern": "(?s).+"}),
    ("amplify", "GetJob", "jobId", {"max": 255, "pattern": "[0-9]+"}),
    ("iot", "DescribeJob", "jobId", {"min": 1, "max": 64, "pattern": "[a-zA-Z0-9_-]+"}),
    ("iot", "DescribeJobExecution", "jobId", {"min": 1, "max": 64, "pattern": "[a-zA-Z0-9_-]+"}),
    ("iot", "DescribeJobExecution", "thingName", {"min": 1, "max": 128, "pattern": "[a-zA-Z0-9:_-]+"}),
    # StartBuild and ListBuildsForProject take any non-empty string; no project has a name
    # CreateProject refuses, so jobkit checks that one.
    ("codebuild", "CreateProject", "name", {"min": 2, "max": 150, "pattern": "[A-Za-z0-9][A-Za-z0-9\\-_]{1,149}"}),
    ("codebuild", "StartBuild", "projectName", {"min": 1}),
    ("codebuild", "StopBuild", "id", {"min": 1}),
]  # fmt: skip


def _shape(service: str, operation: str, member: str) -> Any:
    model = _BOTOCORE.get_session().get_service_model(service)
    return model.operation_model(operation).input_shape.members[member]


@pytest.mark.parametrize(("service", "operation", "member", "rule"), MODEL_RULES)
def test_rules_match_botocore(
    service: str, operation: str, member: str, rule: dict[str, Any]
) -> None:
    assert _shape(service, operation, member).metadata == rule


def test_execution_number_is_a_signed_long_in_botocore() -> None:
    assert _shape("iot", "DescribeJobExecution", "executionNumber").type_name == "long"


def _botocore_accepts(service: str, operation: str, member: str, value: str) -> bool:
    meta = _shape(service, operation, member).metadata
    if not meta.get("min", 0) <= len(value) <= meta.get("max", len(value)):
        return False
    return re.fullmatch(meta.get("pattern", "(?s).*").lstrip("^"), value) is not None


GOOD: list[tuple[str, str, str, str, Callable[[str], object]]] = [
    ("devicefarm", "GetJob", "arn", GOOD_JOB, lambda v: devicefarm_arn(v, "job")),
    ("devicefarm", "GetJob", "arn", "arn:aws:devicefarm:us-west-2:1:job:x", lambda v: devicefarm_arn(v, "job")),
    ("devicefarm", "GetRemoteAccessSession", "arn", SESSION, lambda v: devicefarm_arn(v, "session")),
    ("amplify", "GetJob", "appId", "d" + "a" * 19, lambda v: amplify_ids(v, "main", "1")[0]),
    ("amplify", "GetJob", "appId", "d1", lambda v: amplify_ids(v, "main", "1")[0]),
    ("amplify", "GetJob", "branchName", "b" * 255, lambda v: amplify_ids("d1", v, "1")[1]),
    ("amplify", "GetJob", "branchName", "feature/JIRA-1_fix.ü", lambda v: amplify_ids("d1", v, "1")[1]),
    ("amplify", "GetJob", "jobId", "0" * 255, lambda v: amplify_ids("d1", "main", v)[2]),
    ("iot", "DescribeJob", "jobId", "A-_z" * 16, iot_job_id),
    ("iot", "DescribeJobExecution", "thingName", "t" * 128, iot_thing_name),
    ("iot", "DescribeJobExecution", "thingName", "a:b_c-D", iot_thing_name),
    ("codebuild", "CreateProject", "name", "w" * 150, project_name),
    ("codebuild", "CreateProject", "name", "9_web-app", project_name),
    ("codebuild", "StopBuild", "id", CB, build_id),
    ("codebuild", "StopBuild", "id", "a" * 150 + CB[12:].upper(), build_id),
]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (CB_ARN, CB),
        (CB_ARN.replace(":aws:", ":aws-cn:").replace("us-east-1", "cn-north-1"), CB),
        ("arn:aws:codebuild:us-east-1:123456789012:project/checkout-web", "checkout-web"),
    ],
)
def test_codebuild_arns_are_reduced_to_ids_and_names(value: str, expected: str) -> None:
    check = project_name if ":project/" in value else build_id
    assert check(value) == expected


@pytest.mark.parametrize(("service", "operation", "member", "value", "check"), GOOD)
def test_good_ids_pass_and_botocore_agrees(
    service: str, operation: str, member: str, value: str, check: Callable[[str], object]
) -> None:
    assert check(value) == value
    assert _botocore_accepts(service, operation, member, value)


@pytest.mark.parametrize(
    "value",
    [
        "x" * 64,
        "A",
        "ota_firmware-2026",
        f"arn:aws:iot:us-east-1:123456789012:job/{'x' * 64}",
        "arn:aws-cn:iot:cn-north-1:123456789012:job/ota",
        "arn:aws-us-gov:iot:us-gov-west-1:123456789012:job/ota",
    ],
)
def test_iot_job_ids_and_arns_pass(value: str) -> None:
    job_id = iot_job_id(value)
    assert value.endswith(job_id)
    assert _botocore_accepts("iot", "DescribeJob", "jobId", job_id)


def test_over_long_ids_are_refused_and_botocore_would_too() -> None:
    for service, operation, member, value in [
        ("iot", "DescribeJob", "jobId", "x" * 65),
        ("iot", "DescribeJobExecution", "thingName", "t" * 129),
        ("amplify", "GetJob", "appId", "d" * 21),
        ("amplify", "GetJob", "branchName", "b" * 256),
        ("amplify", "GetJob", "jobId", "1" * 256),
        ("devicefarm", "GetJob", "arn", GOOD_JOB + "0" * 1011),
    ]:
        assert not _botocore_accepts(service, operation, member, value)


@pytest.mark.parametrize("value", [1, 2, MAX_EXECUTION_NUMBER, None])
def test_good_execution_numbers(value: int | None) -> None:
    assert iot_execution_number(value) == value


def test_messages_elide_long_and_unprintable_input() -> None:
    assert shown("x" * 10) == "'xxxxxxxxxx'"
    long = shown("\0" * 100_000)
    assert len(long) <= 80
    assert long.endswith("(100000 characters)")
    assert "\0" not in long
    assert shown(10**5000) == "an object of type int"


@pytest.mark.parametrize(
    "value",
    ["not a url", "", "http://", "localhost:4566", "ftp://example.com", "http://exa mple.com",
     "http://local\0host", "https://" + "a" * 300, cast("Any", 42)],
)  # fmt: skip
def test_endpoint_urls_botocore_would_refuse(value: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        endpoint_url(value)
    assert len(str(info.value)) < MAX_MESSAGE
    assert str(info.value).isprintable()


@pytest.mark.parametrize(
    "value",
    [None, "http://localhost:4566", "https://iot.us-west-2.amazonaws.com", "http://127.0.0.1:5000/",
     "http://[::1]:4566"],
)  # fmt: skip
def test_endpoint_urls_that_pass(value: str | None) -> None:
    assert endpoint_url(value) == value
    if value is not None:  # botocore builds a client for it
        _client_for(value)


def _client_for(url: str) -> None:
    _BOTOCORE.get_session().create_client(
        "iot", region_name="us-west-2", endpoint_url=url,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip


@pytest.mark.parametrize(
    "value", ["", "us west 2", "-us", "us-", "123", "us_west", "x" * 64, cast("Any", 5)]
)
def test_bad_region_names(value: str) -> None:
    with pytest.raises(InvalidArgumentError, match="region_name"):
        region_name(value)


@pytest.mark.parametrize("value", [None, "us-west-2", "eu-central-1", "local"])
def test_good_region_names(value: str | None) -> None:
    assert region_name(value) == value


def test_on_update_callable() -> None:
    on_update_callable(None)
    on_update_callable(print)
    with pytest.raises(InvalidArgumentError, match="on_update"):
        on_update_callable("print")
