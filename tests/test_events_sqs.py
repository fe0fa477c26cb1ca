"""SqsEvents on moto's server over real HTTP: SQS for real, EventBridge rules delivering to it."""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import socket
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

import boto3.session
import pytest
from botocore.config import Config

import faultproxy
from helpers import make_client
from jobkit._events._source import SqsEvents
from jobkit.amplify import _events as amplify_events
from jobkit.errors import InvalidArgumentError
from jobkit.iot import _events as iot_events

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from jobkit._events._protocol import TargetKey, WakeUp

pytestmark = pytest.mark.integration
no_thread_leaks = faultproxy.no_thread_leaks

JOB_ID = "154b39e5-60b0-48a4-9b73-f6f8dd032d27"


def execution(thing: str, status: str = "SUCCEEDED", timestamp: int = 1_234_567_890) -> str:
    return json.dumps(
        {
            "eventType": "JOB_EXECUTION",
            "eventId": str(uuid.uuid4()),
            "timestamp": timestamp,
            "operation": status.lower(),
            "jobId": JOB_ID,
            "thingArn": f"arn:aws:iot:us-west-2:123456789012:thing/{thing}",
            "status": status,
            "statusDetails": {"step": "done"},
        }
    )


def key(thing: str) -> TargetKey:
    return iot_events.execution_key(JOB_ID, thing)


@pytest.fixture
def sqs(moto_server: str) -> Iterator[Any]:
    client = make_client("sqs", endpoint_url=moto_server)
    yield client
    client.close()


@pytest.fixture
def queue(sqs: Any) -> Iterator[str]:
    url: str = sqs.create_queue(QueueName=f"jobkit-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    yield url
    with contextlib.suppress(Exception):
        sqs.delete_queue(QueueUrl=url)


@pytest.fixture
def source(sqs: Any, queue: str) -> Iterator[Callable[..., SqsEvents]]:
    """``make(*thing_names, **SqsEvents keywords)``: a source on the queue, watching executions."""
    made: list[SqsEvents] = []

    def make(*things: str, **kwargs: Any) -> SqsEvents:
        settings: dict[str, Any] = {"wait_time": 1, **kwargs}
        events = SqsEvents(queue, client=sqs, **settings)
        for thing in things:
            events.watch(key(thing), iot_events.recognise)
        made.append(events)
        return events

    yield make
    for events in made:
        events.close()


def left_in(sqs: Any, queue: str) -> int:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=names)["Attributes"]
    return sum(int(attributes[name]) for name in names)


def calls(client: Any) -> list[str]:
    """The SQS operations ``client`` makes from now on, in order."""
    seen: list[str] = []

    def record(model: Any, **_: object) -> None:
        seen.append(str(model.name))

    client.meta.events.register("before-call.sqs", record)
    return seen


def collect(events: SqsEvents, want: set[TargetKey], within: float) -> list[WakeUp]:
    got: list[WakeUp] = []
    end = time.monotonic() + within
    while {w.key for w in got} < want and time.monotonic() < end:
        got += events.receive(timeout=1)
    return got


def test_an_eventbridge_rule_delivers_amplify_events_that_wake_their_job(
    moto_server: str, sqs: Any, queue: str
) -> None:
    rules = make_client("events", endpoint_url=moto_server)
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    rule = f"amplify-{uuid.uuid4().hex[:8]}"
    rules.put_rule(Name=rule, EventPattern=json.dumps(amplify_events.EVENT_PATTERN))
    rules.put_targets(Rule=rule, Targets=[{"Id": "jobkit", "Arn": arn}])
    detail = {"appId": "d1a2b3", "branchName": "main", "jobId": "7", "jobStatus": "SUCCEED"}
    rules.put_events(
        Entries=[
            {
                "Source": "aws.amplify",
                "DetailType": amplify_events.DETAIL_TYPE,
                "Detail": json.dumps(detail),
            },
            {
                "Source": "aws.codebuild",
                "DetailType": "CodeBuild Build State Change",
                "Detail": "{}",
            },
        ]
    )
    rules.remove_targets(Rule=rule, Ids=["jobkit"])
    rules.delete_rule(Name=rule)
    rules.close()
    with SqsEvents(queue, client=sqs, wait_time=1) as events:
        events.watch(amplify_events.key("d1a2b3", "main", "7"), amplify_events.recognise)
        woke = events.receive(timeout=5)
        assert [(w.key, w.status) for w in woke] == [
            (("amplify", "d1a2b3", "main", "7"), "SUCCEED")
        ]
        assert isinstance(woke[0].at, float)
        assert (events.stats.messages, events.stats.deleted) == (1, 1)  # the rule matched one
    assert left_in(sqs, queue) == 0


def test_iot_documents_raw_and_wrapped_wake_their_targets(
    moto_server: str, sqs: Any, queue: str, source: Callable[..., SqsEvents]
) -> None:
    job = {"eventType": "JOB", "jobId": JOB_ID, "status": "CANCELED", "timestamp": 1}
    forwarded = {"version": "0", "detail-type": "IoT job", "source": "my.forwarder", "detail": job}
    sqs.send_message(QueueUrl=queue, MessageBody=execution("raw"))
    sqs.send_message(
        QueueUrl=queue, MessageBody=base64.b64encode(execution("b64").encode()).decode()
    )
    sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(forwarded))
    topics = make_client("sns", endpoint_url=moto_server)  # a real SNS envelope, not raw delivery
    topic = topics.create_topic(Name=f"jobkit-{uuid.uuid4().hex[:8]}")["TopicArn"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    topics.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    topics.publish(TopicArn=topic, Message=execution("sns"))
    topics.delete_topic(TopicArn=topic)
    topics.close()
    events = source("raw", "b64", "sns")
    events.watch(iot_events.job_key(JOB_ID), iot_events.recognise)
    want = {key("raw"), key("b64"), key("sns"), iot_events.job_key(JOB_ID)}
    woke = collect(events, want, within=8)
    assert {w.key for w in woke} == want
    assert {w.key: w.status for w in woke}[iot_events.job_key(JOB_ID)] == "CANCELED"
    assert left_in(sqs, queue) == 0


def test_duplicates_and_reordered_events_wake_at_most_once_each_and_are_all_deleted(
    sqs: Any, queue: str, source: Callable[..., SqsEvents]
) -> None:
    for body in (execution("t"), execution("t"), execution("t", "IN_PROGRESS", timestamp=1)):
        sqs.send_message(QueueUrl=queue, MessageBody=body)
    events = source("t")
    woke: list[WakeUp] = []
    end = time.monotonic() + 8
    while left_in(sqs, queue) and time.monotonic() < end:
        woke += events.receive(timeout=1)
    assert 1 <= len(woke) <= 3  # one per batch it came in: at most one read per message
    assert {w.key for w in woke} == {key("t")}
    assert {w.status for w in woke} <= {"SUCCEEDED", "IN_PROGRESS"}  # claims, never trusted
    assert (events.stats.messages, events.stats.deleted, left_in(sqs, queue)) == (3, 3, 0)


def test_late_events_for_a_finished_target_are_deleted_without_waking(
    sqs: Any, queue: str, source: Callable[..., SqsEvents]
) -> None:
    events = source("done", "other")
    events.unwatch(key("done"))
    sqs.send_message(QueueUrl=queue, MessageBody=execution("done"))
    assert events.receive(timeout=2) == []
    assert (events.stats.deleted, events.stats.released, left_in(sqs, queue)) == (1, 0, 0)


def test_events_for_unknown_targets_are_given_back_for_another_consumer(
    sqs: Any, queue: str, source: Callable[..., SqsEvents]
) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody=execution("theirs"))
    sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"hello": "world"}))
    mine = source("mine", visibility_timeout=60)
    seen = calls(sqs)
    assert mine.receive(timeout=1) == []
    assert "ChangeMessageVisibilityBatch" in seen
    assert (mine.stats.released >= 2, mine.stats.deleted) == (True, 0)
    theirs = source("theirs")
    started = time.monotonic()
    assert [w.key for w in theirs.receive(timeout=5)] == [key("theirs")]
    # Given back (at 0 s, then 1 s when mine saw them again): far sooner than its 60 s.
    assert time.monotonic() - started < 5
    assert left_in(sqs, queue) == 1  # the unrecognised document stays for whoever knows it


def test_a_stranger_that_comes_back_is_held_not_given_back_again(
    sqs: Any, queue: str, source: Callable[..., SqsEvents]
) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody=execution("theirs"))
    mine = source("mine", visibility_timeout=2)
    seen = calls(sqs)
    assert mine.receive(timeout=3) == []
    # Given back at once, then after 1 s, then left hidden (2 s is the visibility timeout).
    assert seen.count("ChangeMessageVisibilityBatch") == 2
    assert (mine.stats.released, mine.stats.held) == (2, 1)
    assert left_in(sqs, queue) == 1


def test_malformed_messages_are_logged_once_and_deleted(
    sqs: Any, queue: str, source: Callable[..., SqsEvents], caplog: pytest.LogCaptureFixture
) -> None:
    bad = ["not json", "[" * 50, json.dumps({"Type": "Notification", "Message": "plain text"})]
    ids = [sqs.send_message(QueueUrl=queue, MessageBody=body)["MessageId"] for body in bad]
    sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"unknown": True}))
    events = source("t", visibility_timeout=5)
    name = queue.rpartition("/")[2]
    with caplog.at_level(logging.WARNING, logger="jobkit"):
        assert events.receive(timeout=2) == []
    why = ["it is not JSON", "its JSON nests deeper than 32 levels", "it is not JSON"]
    reasons = dict(zip(ids, why, strict=True))
    assert sorted(r.getMessage() for r in caplog.records) == sorted(
        f"Deleted a malformed message {mid} from the event queue {name}: {reason}."
        for mid, reason in reasons.items()
    )
    assert (events.stats.poison, events.stats.deleted, left_in(sqs, queue)) == (3, 3, 1)


def test_a_queue_deleted_mid_receive_is_reported_and_never_raised(
    sqs: Any, queue: str, source: Callable[..., SqsEvents]
) -> None:
    events = source("t")
    deleter = threading.Timer(0.3, lambda: sqs.delete_queue(QueueUrl=queue))
    deleter.start()
    started = time.monotonic()
    try:
        assert events.receive(timeout=3) == []
    finally:
        deleter.join()
    assert 2.9 <= time.monotonic() - started < 4.5  # it kept its timeout, sleeping once stopped
    assert events.state == "stopped"
    assert (
        events.problem
        == f"no events: the queue {queue.rpartition('/')[2]} does not exist (was it deleted?); polling"
    )
    seen = calls(sqs)
    assert events.receive(timeout=0.2) == []
    assert seen == []


def test_an_unreachable_queue_pauses_the_source_and_says_so() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client(
        "sqs",
        endpoint_url=f"http://127.0.0.1:{port}",
        config=Config(connect_timeout=0.5, retries={"max_attempts": 1, "mode": "standard"}),
    )
    try:
        with SqsEvents(
            f"http://127.0.0.1:{port}/123456789012/gone", client=client, wait_time=1
        ) as events:
            events.watch(key("t"), iot_events.recognise)
            assert events.receive(timeout=1.5) == []
            assert events.state == "paused"
            assert (
                events.problem
                == "no events: could not reach the queue gone (EndpointConnectionError); trying again in 30 s; polling"
            )
            assert events.stats.receive_calls == 0
            assert events.stats.failures == 1
    finally:
        client.close()


def test_two_consumers_on_one_queue_each_get_their_own_targets(
    moto_server: str, sqs: Any, queue: str
) -> None:
    a_things = [f"a{i}" for i in range(6)]
    b_things = [f"b{i}" for i in range(6)]
    for a, b in zip(a_things, b_things, strict=True):
        sqs.send_message(QueueUrl=queue, MessageBody=execution(a))
        sqs.send_message(QueueUrl=queue, MessageBody=execution(b))
    results: dict[str, list[WakeUp]] = {}

    def consume(name: str, things: list[str]) -> None:
        client = make_client("sqs", endpoint_url=moto_server)
        try:
            with SqsEvents(
                queue, client=client, wait_time=1, batch=4, visibility_timeout=1
            ) as events:
                for thing in things:
                    events.watch(key(thing), iot_events.recognise)
                results[name] = collect(events, {key(t) for t in things}, within=20)
        finally:
            client.close()

    threads = [
        threading.Thread(target=consume, args=("a", a_things)),
        threading.Thread(target=consume, args=("b", b_things)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {w.key for w in results["a"]} == {key(t) for t in a_things}
    assert {w.key for w in results["b"]} == {key(t) for t in b_things}
    assert len(results["a"]) + len(results["b"]) == 12
    assert left_in(sqs, queue) == 0


# -- arguments ---------------------------------------------------------------------------------

URL = "https://sqs.us-west-2.amazonaws.com/123456789012/jobkit-events"


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"queue_url": 7}, "queue_url is a int, not a string"),
        ({"queue_url": "jobkit-events"}, "queue_url 'jobkit-events' is not an SQS queue URL"),
        ({"queue_url": URL + ".fifo"}, "is a FIFO queue; pass a standard queue's URL"),
        ({"queue_url": URL[:-7] + "ev$nts"}, "does not end in a queue name"),
        ({"wait_time": 0}, "wait_time is 0; pass a whole number (an int) of seconds from 1 to 20."),
        ({"wait_time": 21}, "wait_time is 21;"),
        ({"wait_time": True}, "wait_time is True;"),
        ({"wait_time": 1.5}, "wait_time is 1.5;"),
        ({"batch": 11}, "batch is 11; pass a whole number (an int) of messages from 1 to 10."),
        ({"visibility_timeout": 0}, "visibility_timeout is 0;"),
        ({"region_name": "not a region"}, "region_name 'not a region' is not a region name"),
        ({"endpoint_url": "ftp://x"}, "endpoint_url 'ftp://x' is not a valid http(s) URL"),
        ({"client": object(), "region_name": "us-west-2"}, "client was passed with region_name"),
        ({"client": object()}, "client is 'object', not an SQS client"),
        ({"session": "default"}, "session is a str, not a boto3 Session"),
    ],
)
def test_arguments_are_refused_before_any_call(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        SqsEvents(**{"queue_url": URL, **kwargs})  # pyright: ignore[reportArgumentType]
    assert fragment in caught.value.message
    assert len(caught.value.message) < 300


def test_a_region_is_taken_from_the_queue_url_and_a_timeout_is_checked() -> None:
    session = boto3.session.Session(
        aws_access_key_id="x", aws_secret_access_key="y", region_name=None
    )
    with SqsEvents(URL, session=session) as events:
        assert events._client.meta.region_name == "us-west-2"  # pyright: ignore[reportPrivateUsage]
        assert repr(events) == f"SqsEvents(queue_url={URL!r}, state='receiving', watching=0)"
        with pytest.raises(InvalidArgumentError, match="timeout is -1;"):
            events.receive(timeout=-1)
        assert events.receive(timeout=0) == []
    assert events.state == "closed"
