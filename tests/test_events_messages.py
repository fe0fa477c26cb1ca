"""Event bodies decode and recognise without I/O, within bounds, and never raise (issue 19)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from hypothesis import given
from hypothesis import strategies as st

from jobkit._events._messages import MAX_BODY, MAX_DEPTH, MAX_LAYERS, documents
from jobkit._events._protocol import WakeUp
from jobkit._events._sharing import PAUSES, Consumer, Message, Verdict, give_back, plan, verdict
from jobkit.amplify import _events as amplify_events
from jobkit.iot import _events as iot_events

AMPLIFY: dict[str, Any] = {
    "version": "0",
    "id": "9075e7cc-ccdc-415d-a96a-6d41fca85a5d",
    "detail-type": "Amplify Deployment Status Change",
    "source": "aws.amplify",
    "account": "123456789012",
    "time": "2026-12-03T11:39:58Z",
    "region": "us-west-2",
    "resources": ["arn:aws:amplify:us-west-2:123456789012:apps/d123/branches/main/jobs/0000000001"],
    "detail": {"appId": "d123", "branchName": "main", "jobId": "1", "jobStatus": "SUCCEED"},
}
EXECUTION: dict[str, Any] = {
    "eventType": "JOB_EXECUTION",
    "eventId": "cca89fa5-8a7f-4ced-8c20-5e653afb3572",
    "timestamp": 1234567890,
    "operation": "succeeded",
    "jobId": "154b39e5-60b0-48a4-9b73-f6f8dd032d27",
    "thingArn": "arn:aws:iot:us-east-1:123456789012:thing/my:Thing",
    "status": "SUCCEEDED",
    "statusDetails": {"key": "value"},
}
JOB: dict[str, Any] = {
    "eventType": "JOB",
    "eventId": "7364ffd1-8b65-4824-85d5-6c14686c97c6",
    "timestamp": 1234567890,
    "operation": "completed",
    "jobId": "27450507-bf6f-4012-92af-bb8a1c8c4484",
    "status": "SUCCEEDED",
    "targetSelection": "SNAPSHOT",
    "targets": ["arn:aws:iot:us-east-1:123456789012:thing/a39f6f91"],
    "completedAt": 1234567890123,
    "jobProcessDetails": {"numberOfSucceededThings": 3, "numberOfFailedThings": 0},
}
RECOGNISERS = (amplify_events.recognise, iot_events.recognise)
AMPLIFY_KEY = amplify_events.key("d123", "main", "1")
EXECUTION_KEY = iot_events.execution_key("154b39e5-60b0-48a4-9b73-f6f8dd032d27", "my:Thing")
JOB_KEY = iot_events.job_key("27450507-bf6f-4012-92af-bb8a1c8c4484")


def sns(message: str) -> str:
    return json.dumps({"Type": "Notification", "MessageId": "m", "Message": message})


def eventbridge(detail: dict[str, Any]) -> dict[str, Any]:
    return {"version": "0", "detail-type": "Forwarded", "source": "my.forwarder", "detail": detail}


def woken(body: object) -> list[WakeUp]:
    return [w for d in documents(body).documents for r in RECOGNISERS for w in r(d)]


# -- the documented shapes, raw and wrapped ---------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (json.dumps(AMPLIFY), [WakeUp(AMPLIFY_KEY, "SUCCEED", 1796297998.0)]),
        (json.dumps(EXECUTION), [WakeUp(EXECUTION_KEY, "SUCCEEDED", 1234567890.0)]),
        (json.dumps(JOB), [WakeUp(JOB_KEY, "SUCCEEDED", 1234567890.0)]),
        (sns(json.dumps(EXECUTION)), [WakeUp(EXECUTION_KEY, "SUCCEEDED", 1234567890.0)]),
        (sns(json.dumps(AMPLIFY)), [WakeUp(AMPLIFY_KEY, "SUCCEED", 1796297998.0)]),
        (json.dumps(eventbridge(JOB)), [WakeUp(JOB_KEY, "SUCCEEDED", 1234567890.0)]),
        (
            sns(json.dumps(eventbridge(EXECUTION))),
            [WakeUp(EXECUTION_KEY, "SUCCEEDED", 1234567890.0)],
        ),
        (sns(sns(json.dumps(JOB))), [WakeUp(JOB_KEY, "SUCCEEDED", 1234567890.0)]),
        (
            base64.b64encode(json.dumps(EXECUTION).encode()).decode(),
            [WakeUp(EXECUTION_KEY, "SUCCEEDED", 1234567890.0)],
        ),
        (json.dumps(EXECUTION).encode(), [WakeUp(EXECUTION_KEY, "SUCCEEDED", 1234567890.0)]),
    ],
    ids=[
        "amplify",
        "execution",
        "job",
        "sns-execution",
        "sns-amplify",
        "eb-job",
        "sns-eb-execution",
        "sns-sns-job",
        "base64",
        "bytes",
    ],
)
def test_documented_shapes_wake_their_target(body: str | bytes, expected: list[WakeUp]) -> None:
    assert woken(body) == expected


def test_milliseconds_timestamps_and_odd_fields_are_read_or_dropped() -> None:
    assert woken(json.dumps({**EXECUTION, "timestamp": 1234567890123})) == [
        WakeUp(EXECUTION_KEY, "SUCCEEDED", 1234567890.123)
    ]
    assert woken(json.dumps({**EXECUTION, "timestamp": "soon", "status": 3})) == [
        WakeUp(EXECUTION_KEY)
    ]
    assert woken(json.dumps({**AMPLIFY, "time": "yesterday"})) == [WakeUp(AMPLIFY_KEY, "SUCCEED")]
    assert woken(json.dumps({**AMPLIFY, "time": "2026-12-03T11:39:58"})) == [
        WakeUp(AMPLIFY_KEY, "SUCCEED", 1796297998.0)
    ]


@pytest.mark.parametrize(
    "document",
    [
        {**AMPLIFY, "source": "aws.codebuild"},
        {**AMPLIFY, "detail-type": "AWS API Call via CloudTrail"},
        {**AMPLIFY, "detail": {"appId": "d123", "branchName": "main"}},
        {**AMPLIFY, "detail": {"appId": "d123", "branchName": "", "jobId": "1"}},
        {**AMPLIFY, "detail": {"appId": "d" * 256, "branchName": "main", "jobId": "1"}},
        {**EXECUTION, "thingArn": "not an arn"},
        {**EXECUTION, "thingArn": "arn:aws:s3:::bucket/key"},
        {**EXECUTION, "thingArn": "arn:aws:iot:us-east-1:123456789012:thing/"},
        {**EXECUTION, "jobId": "j" * 65},
        {**JOB, "eventType": "THING"},
        {**JOB, "jobId": 7},
    ],
)
def test_other_documents_name_nothing(document: dict[str, Any]) -> None:
    assert woken(json.dumps(document)) == []


def test_thing_names_keep_their_colons() -> None:
    assert iot_events.thing_name("arn:aws:iot:eu-west-1:123456789012:thing/a:b:c") == "a:b:c"
    assert iot_events.thing_name("arn:aws-cn:iot:cn-north-1:123456789012:thing/t") == "t"


# -- bounds ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("not json", "it is not JSON"),
        (b"\xff\xfe", "it is not UTF-8"),
        ("[1, 2]", "it is not a JSON object"),
        ('"just a string"', "it is not a JSON object"),
        ("[" * 100_000, f"its JSON nests deeper than {MAX_DEPTH} levels"),
        (
            '{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1),
            f"its JSON nests deeper than {MAX_DEPTH} levels",
        ),
        ("x" * (MAX_BODY + 1), f"it is over {MAX_BODY} bytes"),
        ("é" * (MAX_BODY // 2 + 1), f"it is over {MAX_BODY} bytes"),
        (b"x" * (MAX_BODY + 1), f"it is over {MAX_BODY} bytes"),
        ("1" * 5000, "it is not JSON"),
        (None, "its body is not text"),
        (12, "its body is not text"),
    ],
    ids=[
        "text",
        "utf8",
        "list",
        "string",
        "deep-list",
        "deep-object",
        "big",
        "big-multibyte",
        "big-bytes",
        "long-int",
        "none",
        "int",
    ],
)
def test_malformed_bodies_are_refused_with_a_reason(body: object, problem: str) -> None:
    assert documents(body).problem == problem
    assert documents(body).documents == ()


def test_depth_inside_strings_does_not_count() -> None:
    body = json.dumps({**EXECUTION, "statusDetails": {"log": "[" * 10_000}})
    assert woken(body) == [WakeUp(EXECUTION_KEY, "SUCCEEDED", 1234567890.0)]


def test_layers_are_bounded_and_the_outer_ones_kept() -> None:
    body = json.dumps(JOB)
    for _ in range(MAX_LAYERS):
        body = sns(body)
    decoded = documents(body)
    assert decoded.problem == f"it is wrapped in more than {MAX_LAYERS} encoded layers"
    assert len(decoded.documents) == MAX_LAYERS
    assert woken(body) == []


def test_an_sns_envelope_around_text_is_malformed_but_keeps_its_envelope() -> None:
    decoded = documents(sns("hello"))
    assert decoded.problem == "it is not JSON"
    assert [d["Type"] for d in decoded.documents] == ["Notification"]


# -- never raises ----------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)
keys = st.sampled_from(
    [
        "source",
        "detail-type",
        "detail",
        "Type",
        "Message",
        "eventType",
        "jobId",
        "thingArn",
        "status",
        "timestamp",
        "time",
        "appId",
        "branchName",
    ]
)
shaped = st.recursive(
    st.none()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "aws.amplify",
            "Amplify Deployment Status Change",
            "Notification",
            "JOB",
            "JOB_EXECUTION",
            "arn:aws:iot:r:1:thing/t",
        ]
    ),
    lambda children: (
        st.dictionaries(keys | st.text(max_size=5), children, max_size=6)
        | st.lists(children, max_size=3)
    ),
    max_leaves=25,
)


def wrapped(value: object) -> st.SearchStrategy[str]:
    text = json.dumps(value)
    return st.sampled_from(
        [text, sns(text), base64.b64encode(text.encode()).decode(), sns(sns(text))]
    )


@given(st.binary(max_size=300) | st.text(max_size=300))
def test_arbitrary_bodies_never_raise(body: str | bytes) -> None:
    decoded = documents(body)
    assert decoded.problem is None or isinstance(decoded.problem, str)
    for document in decoded.documents:
        for recognise in RECOGNISERS:
            assert all(isinstance(w, WakeUp) for w in recognise(document))


@given((json_values | shaped).flatmap(wrapped))
def test_arbitrary_json_never_raises(body: str) -> None:
    for wake_up in woken(body):
        assert all(isinstance(part, str) for part in wake_up.key)
        hash(wake_up)


@given(
    st.lists(
        st.tuples(
            st.text(max_size=8),
            st.text(max_size=8),
            (st.binary(max_size=50) | shaped.map(json.dumps)),
        ),
        max_size=12,
    )
)
def test_plan_never_raises_and_accounts_for_every_message(
    rows: list[tuple[str, str, bytes | str]],
) -> None:
    messages = [Message(mid, handle or "h", body) for mid, handle, body in rows]
    decided = plan(messages, recognisers=RECOGNISERS, watched={AMPLIFY_KEY}, released={"x": 9})
    placed = [*decided.delete, *(m for m, _ in decided.release), *decided.held]
    assert sorted(map(id, placed)) == sorted(map(id, messages))


# -- the sharing rule, without I/O ------------------------------------------------------------


def message(body: object, mid: str = "m1") -> Message:
    return Message(mid, f"handle-{mid}", body)


def test_verdicts() -> None:
    amplify = json.dumps(AMPLIFY)
    common: dict[str, Any] = {"recognisers": RECOGNISERS, "watched": {AMPLIFY_KEY}}
    assert verdict(message(amplify), **common)[:2] == (
        Verdict.OURS,
        (WakeUp(AMPLIFY_KEY, "SUCCEED", 1796297998.0),),
    )
    assert verdict(message(json.dumps(JOB)), **common)[0] is Verdict.STRANGER
    assert verdict(message(json.dumps(JOB)), **common, released={"m1": 5})[0] is Verdict.HELD
    assert verdict(message(json.dumps(JOB)), **common, recent={JOB_KEY})[0] is Verdict.LATE
    assert verdict(message('{"hello": 1}'), **common)[0] is Verdict.STRANGER
    assert verdict(message("nope"), **common) == (Verdict.POISON, (), "it is not JSON")
    assert verdict(message(sns("nope")), **common) == (Verdict.POISON, (), "it is not JSON")


def test_plan_dedupes_per_key_keeping_the_latest_claim_and_deletes_every_copy() -> None:
    older = json.dumps({**EXECUTION, "status": "IN_PROGRESS", "timestamp": 100})
    newer = json.dumps({**EXECUTION, "status": "SUCCEEDED", "timestamp": 200})
    batch = [message(newer, "a"), message(older, "b"), message(newer, "c")]
    decided = plan(batch, recognisers=RECOGNISERS, watched={EXECUTION_KEY})
    assert decided.wake_ups == (WakeUp(EXECUTION_KEY, "SUCCEEDED", 200.0),)
    assert [m.message_id for m in decided.delete] == ["a", "b", "c"]


def test_strangers_are_given_back_later_each_time_then_held() -> None:
    assert [give_back(n, 30) for n in range(7)] == [0, 1, 3, 7, 15, None, None]
    assert [give_back(n, 1) for n in range(3)] == [0, None, None]
    assert give_back(10**6, 43_200) is None


def test_a_raising_recogniser_counts_as_silent() -> None:
    def broken(document: object) -> list[WakeUp]:
        raise KeyError(document)

    decided = plan(
        [message(json.dumps(JOB))], recognisers=(broken, iot_events.recognise), watched={JOB_KEY}
    )
    assert decided.wake_ups == (WakeUp(JOB_KEY, "SUCCEEDED", 1234567890.0),)
    assert decided.faults == ("test_a_raising_recogniser_counts_as_silent.<locals>.broken",)


def test_consumer_calls_and_memory() -> None:
    consumer = Consumer("http://x/123456789012/q", batch=7, visibility_timeout=9)
    assert consumer.receive_call(5) == {
        "QueueUrl": "http://x/123456789012/q",
        "MaxNumberOfMessages": 7,
        "WaitTimeSeconds": 5,
        "VisibilityTimeout": 9,
    }
    assert not consumer.ready(0.0)  # nothing watched: no reason to receive
    consumer.watch(JOB_KEY, iot_events.recognise)
    assert consumer.ready(0.0)
    response = {
        "Messages": [
            {"MessageId": "1", "ReceiptHandle": "r1", "Body": json.dumps(JOB)},
            {"MessageId": "2", "ReceiptHandle": "r2", "Body": json.dumps(EXECUTION)},
            {"MessageId": "3", "ReceiptHandle": "r3", "Body": "{"},
            {"MessageId": "4", "Body": "no handle"},
            "junk",
        ]
    }
    step = consumer.on_receive(response)
    assert step.wake_ups == (WakeUp(JOB_KEY, "SUCCEEDED", 1234567890.0),)
    assert step.delete_call == {
        "QueueUrl": "http://x/123456789012/q",
        "Entries": [{"Id": "0", "ReceiptHandle": "r1"}, {"Id": "1", "ReceiptHandle": "r3"}],
    }
    assert step.release_call == {
        "QueueUrl": "http://x/123456789012/q",
        "Entries": [{"Id": "0", "ReceiptHandle": "r2", "VisibilityTimeout": 0}],
    }
    back = {"Messages": [{"MessageId": "2", "ReceiptHandle": "r2b", "Body": json.dumps(EXECUTION)}]}
    given = [consumer.on_receive(back).release_call for _ in range(4)]
    assert [c and c["Entries"][0]["VisibilityTimeout"] for c in given] == [1, 3, 7, None]
    consumer.unwatch(JOB_KEY)
    late = consumer.on_receive(
        {"Messages": [{"MessageId": "5", "ReceiptHandle": "r5", "Body": json.dumps(JOB)}]}
    )
    assert (late.wake_ups, late.delete_call is not None) == ((), True)
    consumer.on_batch("delete", {"Successful": [{"Id": "0"}], "Failed": [{"Id": "1"}]})
    assert (
        consumer.stats.messages,
        consumer.stats.held,
        consumer.stats.poison,
        consumer.stats.deleted,
    ) == (8, 1, 1, 1)


def test_consumer_pauses_on_transient_failures_and_stops_on_a_missing_queue() -> None:
    consumer = Consumer("http://x/123456789012/q")
    consumer.watch(JOB_KEY, iot_events.recognise)
    consumer.on_error(EndpointConnectionError(endpoint_url="http://x"), "ReceiveMessage", 100.0)
    assert (consumer.state, consumer.ready(129.0), consumer.ready(130.0)) == ("paused", False, True)
    resumed = consumer.problem  # receiving again after the pause: nothing to show
    consumer.on_error(EndpointConnectionError(endpoint_url="http://x"), "ReceiveMessage", 200.0)
    assert resumed is None
    assert (
        consumer.problem
        == "no events: could not reach the queue q (EndpointConnectionError); trying again in 60 s; polling"
    )
    assert consumer.resume_at == 200.0 + PAUSES[1]
    consumer.on_receive({})  # a success resets the backoff
    gone = ClientError(
        {"Error": {"Code": "AWS.SimpleQueueService.NonExistentQueue", "Message": "x"}},
        "ReceiveMessage",
    )
    consumer.on_error(gone, "ReceiveMessage", 300.0)
    assert (consumer.state, consumer.ready(10_000.0)) == ("stopped", False)
    assert consumer.problem == "no events: the queue q does not exist (was it deleted?); polling"
