"""Batch job ids, job ARNs and queues: bad input is refused before any request, good input passes.

Clients are real boto3 clients with dummy credentials; a ``before-send`` hook counts requests
and stops any that would leave the machine (as in tests/test_validation.py).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, cast

import boto3
import botocore.session
import pytest

from jobkit import Batch, aio
from jobkit.batch._ids import job_id, job_queue
from jobkit.batch._operations import BATCH_JOB
from jobkit.errors import InvalidArgumentError
from jobkit.testing import Stubber

if TYPE_CHECKING:
    from collections.abc import Callable

JOB = "4b6a7c2e-1f3d-4e5a-9b8c-0d1e2f3a4b02"
ARN = f"arn:aws:batch:us-east-1:123456789012:job/{JOB}"
QUEUE_ARN = "arn:aws:batch:us-east-1:123456789012:job-queue/nightly"
_NONE = cast("Any", None)
_NUMBER = cast("Any", 123)


class RequestSent(Exception):  # noqa: N818 -- a signal, not an error condition
    """Raised by the ``before-send`` hook: no request may leave the machine."""


class Sent:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, **_: Any) -> None:
        self.count += 1
        raise RequestSent


def _client(sent: Sent) -> Any:
    session: Any = boto3.Session()
    client: Any = session.client(
        "batch",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.meta.events.register("before-send.*", sent)
    return client


# (id, call, a fragment of the message)
BAD: list[tuple[str, Callable[[Batch], object], str]] = [
    ("empty", lambda b: b.describe_job(""), "job_id is empty"),
    ("None", lambda b: b.describe_job(_NONE), "job_id is None, not a string"),
    ("int", lambda b: b.wait_for_job(_NUMBER), "not a string"),
    ("NUL", lambda b: b.describe_job(JOB + "\0"), "NUL character"),
    ("newline", lambda b: b.describe_job(JOB + "\n"), "whitespace"),
    ("e-acute", lambda b: b.describe_job("\N{LATIN SMALL LETTER E WITH ACUTE}" + JOB[1:]), "non-ASCII"),
    ("a job name", lambda b: b.describe_job("nightly-etl"), "is not a Batch job id; pass the job id SubmitJob returned"),
    ("uppercase", lambda b: b.describe_job(JOB.upper()), "(Batch ids are lowercase)"),
    ("short uuid", lambda b: b.wait_for_job(JOB[:-1]), "is not a Batch job id"),
    ("child not a number", lambda b: b.describe_job(JOB + ":x"), "after ':' comes an array child's index"),
    ("child empty", lambda b: b.describe_job(JOB + ":"), "after ':' comes an array child's index"),
    ("child arabic digits", lambda b: b.describe_job(JOB + ":\u0664"), "non-ASCII"),
    ("child 10000", lambda b: b.describe_job(JOB + ":10000"), "numbered 0 to 9999"),
    ("node not a number", lambda b: b.describe_job(JOB + "#main"), "after '#' comes a node's number"),
    ("two indexes", lambda b: b.describe_job(JOB + ":1:2"), "is not a Batch job id"),
    ("100k", lambda b: b.describe_job("j" * 100_000), "(100000 characters)"),
    ("queue arn as job", lambda b: b.describe_job(QUEUE_ARN), "is a Batch job-queue ARN, not a job ARN"),
    ("iot arn", lambda b: b.describe_job("arn:aws:iot:us-east-1:123456789012:job/ota"), "is an IoT ARN"),
    ("codebuild arn", lambda b: b.describe_job(f"arn:aws:codebuild:us-east-1:123456789012:build/web:{JOB}"), "is a 'codebuild' ARN"),
    ("arn bad id", lambda b: b.describe_job(ARN + "x"), "is not a Batch job id"),
    ("arn no account", lambda b: b.describe_job(f"arn:aws:batch:us-east-1::job/{JOB}"), "not a job ARN"),
    ("handle", lambda b: b.job("nightly-etl"), "is not a Batch job id"),
    ("children of a name", lambda b: b.list_array_children("nightly-etl"), "is not a Batch job id"),
    ("queue empty", lambda b: b.list_jobs(""), "job_queue is empty"),
    ("queue space", lambda b: b.list_jobs("night ly"), "whitespace"),
    ("queue dot", lambda b: b.list_jobs("night.ly"), "is not a Batch job queue name"),
    ("queue 129", lambda b: b.list_jobs("q" * 129), "is not a Batch job queue name"),
    ("queue job arn", lambda b: b.list_jobs(ARN), "is a Batch job ARN, not a job-queue ARN"),
    ("status unknown", lambda b: b.list_jobs("nightly", "DONE"), "is not a Batch job status; pass one of SUBMITTED"),
    ("status lowercase", lambda b: b.list_array_children(JOB, "failed"), "is not a Batch job status"),
    ("submit name", lambda b: b.submit_job("nightly etl", "nightly", "etl"), "job_name"),
    ("submit name dash", lambda b: b.submit_job("-etl", "nightly", "etl"), "starting with a letter or digit"),
    ("submit queue", lambda b: b.submit_job("etl", "", "etl"), "job_queue is empty"),
    ("submit definition", lambda b: b.submit_job("etl", "nightly", _NONE), "job_definition is None"),
    ("submit array 1", lambda b: b.submit_job("etl", "nightly", "etl", array_size=1), "from 2 to 10000"),
    ("submit array bool", lambda b: b.submit_job("etl", "nightly", "etl", array_size=cast("Any", True)), "array_size is True"),
    ("submit parameters", lambda b: b.submit_job("etl", "nightly", "etl", parameters=cast("Any", {"n": 1})), "parameters is"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "call", "fragment"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_before_any_request(
    name: str, call: Callable[[Batch], object], fragment: str
) -> None:
    sent = Sent()
    with pytest.raises(InvalidArgumentError) as info:
        call(Batch(_client(sent)))
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert sent.count == 0
    assert len(message) < 300, message
    assert message.isprintable(), message
    assert message.endswith("."), message
    assert fragment in message, (name, message)


def test_the_async_facade_refuses_the_same_way() -> None:
    sent = Sent()
    with pytest.raises(InvalidArgumentError, match="is not a Batch job id"):
        asyncio.run(aio.Batch(_client(sent)).wait_for_job("nightly-etl"))
    assert sent.count == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (JOB, JOB),
        (f"{JOB}:0", f"{JOB}:0"),
        (f"{JOB}:9999", f"{JOB}:9999"),
        (f"{JOB}#3", f"{JOB}#3"),
        (ARN, JOB),
        (f"{ARN}:7", f"{JOB}:7"),
        (ARN.replace(":aws:", ":aws-cn:").replace("us-east-1", "cn-north-1"), JOB),
        (ARN.replace(":aws:", ":aws-us-gov:").replace("us-east-1", "us-gov-west-1"), JOB),
    ],
)
def test_good_ids_pass_and_arns_are_reduced_to_ids(value: str, expected: str) -> None:
    assert job_id(value) == expected
    bound = BATCH_JOB.bind(value)
    assert bound.params == {"jobs": [expected]}
    assert bound.what == f"Batch job {expected}"


@pytest.mark.parametrize("value", ["nightly", "q" * 128, "a_b-C9", QUEUE_ARN])
def test_good_queues_pass_as_given(value: str) -> None:
    assert job_queue(value) == value


def test_botocore_gives_the_ids_no_rule_of_its_own() -> None:
    # What the checks follow is Batch's own ids; botocore's shapes are plain strings.
    model: Any = botocore.session.get_session().get_service_model("batch")  # pyright: ignore[reportUnknownMemberType]
    jobs = model.operation_model("DescribeJobs").input_shape.members["jobs"]
    assert (jobs.type_name, jobs.metadata, jobs.member.metadata) == ("list", {}, {})
    terminate = model.operation_model("TerminateJob").input_shape
    assert terminate.members["jobId"].metadata == {}
    assert terminate.required_members == ["jobId", "reason"]


def test_an_arn_is_read_as_its_id() -> None:
    sent = Sent()
    client = _client(sent)
    stub: Any = Stubber(client)
    job = {
        "jobName": "n",
        "jobId": JOB,
        "jobQueue": "q",
        "status": "RUNNING",
        "startedAt": 1,
        "jobDefinition": "d",
    }
    stub.add_response("describe_jobs", {"jobs": [job]}, {"jobs": [JOB]})
    with stub:
        assert Batch(client).describe_job(ARN).job_id == JOB
    stub.assert_no_pending_responses()
    assert sent.count == 0
