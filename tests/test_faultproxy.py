"""The fault proxy does what each fault says: proven with raw http.client and with boto3 over moto.

These tests prove the test infrastructure (tests/faultproxy.py), not jobkit.
"""

from __future__ import annotations

import http.client
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError

import faultproxy
from faultproxy import Fault, FaultProxy, Request, operation_for
from helpers import on_pinned_botocore

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.integration

no_thread_leaks = faultproxy.no_thread_leaks  # autouse: no thread outlives this module
no_socket_leaks = faultproxy.no_socket_leaks  # autouse: no socket either

_names = itertools.count()
MakeClient: TypeAlias = Callable[..., Any]


@pytest.fixture(scope="module")
def moto_client(moto_server: str) -> Iterator[Any]:
    """A client straight to moto (not through the proxy, so its requests are not counted)."""
    client = faultproxy.iot_client(moto_server)
    yield client
    client.close()


@pytest.fixture
def job_id(moto_client: Any) -> str:
    n = next(_names)
    thing = moto_client.create_thing(thingName=f"fp-thing-{n}")
    moto_client.create_job(jobId=f"fp-job-{n}", targets=[thing["thingArn"]], document="{}")
    return f"fp-job-{n}"


@pytest.fixture
def conn(fault_proxy: FaultProxy) -> Iterator[http.client.HTTPConnection]:
    connection = http.client.HTTPConnection(fault_proxy.host, fault_proxy.port, timeout=5)
    yield connection
    connection.close()


# moto routes a request to IoT by the service in its credential scope.
_IOT = {"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/iot/aws4_request"}


def _get(conn: http.client.HTTPConnection, path: str = "/things") -> http.client.HTTPResponse:
    conn.request("GET", path, headers=_IOT)
    return conn.getresponse()


def _thing_exists(moto_server: str, name: str) -> bool:
    connection = http.client.HTTPConnection(moto_server.removeprefix("http://"), timeout=5)
    try:
        connection.request("GET", f"/things/{name}", headers=_IOT)
        return connection.getresponse().status == 200
    finally:
        connection.close()


def _create_thing(conn: http.client.HTTPConnection, name: str) -> http.client.HTTPResponse:
    conn.request("POST", f"/things/{name}", body=b"{}", headers=_IOT)
    return conn.getresponse()


# -- routing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "query", "operation"),
    [
        ("GET", "/jobs/ota-1", "", "DescribeJob"),
        ("PUT", "/jobs/ota-1", "", "CreateJob"),
        ("PUT", "/jobs/ota-1/cancel", "", "CancelJob"),
        ("GET", "/things/sensor-1/jobs/ota-1", "", "DescribeJobExecution"),
        ("GET", "/things/sensor-1/jobs/ota-1", "executionNumber=2", "DescribeJobExecution"),
        ("GET", "/jobs", "", "ListJobs"),
        ("POST", "/things/sensor-1", "", "CreateThing"),
        ("GET", "/no/such/route", "", "GET /no/such/route"),
    ],
)
def test_operation_names_come_from_botocores_model(
    method: str, path: str, query: str, operation: str
) -> None:
    assert operation_for(method, path, query) == operation


# -- the plan and the records, over one keep-alive connection -----------------------------------


def test_faults_apply_per_request_on_one_keep_alive_connection(
    fault_proxy: FaultProxy, conn: http.client.HTTPConnection
) -> None:
    fault_proxy.schedule(Fault.passthrough(), Fault.service_unavailable(), Fault.throttling())
    statuses: list[int] = []
    for _ in range(4):
        response = _get(conn)
        response.read()
        statuses.append(response.status)
    assert statuses == [200, 503, 429, 200]
    records = fault_proxy.requests
    assert [r.connection for r in records] == [0, 0, 0, 0]  # one connection carried all four
    assert [r.index for r in records] == [0, 1, 2, 3]
    assert [r.at for r in records] == sorted(r.at for r in records)
    assert fault_proxy.faults() == [
        "pass",
        "503 ServiceUnavailableException",
        "429 ThrottlingException",
        "pass",
    ]
    assert fault_proxy.count() == 4
    assert fault_proxy.counts() == {"ListThings": 4}
    assert fault_proxy.pending() == 0


def test_scheduled_faults_for_one_operation_let_others_pass(
    fault_proxy: FaultProxy, conn: http.client.HTTPConnection
) -> None:
    fault_proxy.schedule(Fault.internal_error(), operation="DescribeJob", times=2)
    listed = _get(conn)
    listed.read()
    assert listed.status == 200
    assert fault_proxy.pending() == 2  # ListThings did not use them up
    statuses: list[int] = []
    for _ in range(3):
        response = _get(conn, "/jobs/missing")
        response.read()
        statuses.append(response.status)
    assert statuses == [500, 500, 404]
    assert fault_proxy.pending() == 0
    assert fault_proxy.faults("DescribeJob") == ["500 InternalFailureException"] * 2 + ["pass"]
    assert fault_proxy.counts() == {"ListThings": 1, "DescribeJob": 3}


def test_a_rule_decides_per_request_and_none_means_default(
    fault_proxy: FaultProxy, conn: http.client.HTTPConnection
) -> None:
    def every_other(request: Request) -> Fault | None:
        return Fault.throttling() if request.index % 2 else None

    fault_proxy.rule = every_other
    statuses: list[int] = []
    for _ in range(4):
        response = _get(conn)
        response.read()
        statuses.append(response.status)
    assert statuses == [200, 429, 200, 429]
    fault_proxy.reset()
    assert fault_proxy.count() == 0
    assert _get(conn).status == 200


def test_wait_for_counts_requests(
    fault_proxy: FaultProxy, conn: http.client.HTTPConnection
) -> None:
    assert fault_proxy.wait_for(1, timeout=0.05) is False
    _get(conn).read()
    assert fault_proxy.wait_for(1, timeout=0.05) is True


# -- each fault kind with raw http.client --------------------------------------------------------


def test_drop_before_response_never_reaches_upstream(
    fault_proxy: FaultProxy, conn: http.client.HTTPConnection, moto_server: str
) -> None:
    fault_proxy.schedule(Fault.drop())
    with pytest.raises(http.client.RemoteDisconnected):
        _create_thing(conn, "fp-dropped-before")
    assert not _thing_exists(moto_server, "fp-dropped-before")
    assert fault_proxy.faults() == ["drop before response"]
    assert fault_proxy.counts() == {"CreateThing": 1}


def test_drop_after_zero_bytes_reaches_upstream_and_answers_nothing(
    fault_proxy: FaultProxy, conn: http.client.HTTPConnection, moto_server: str
) -> None:
    fault_proxy.schedule(Fault.drop(after=0))
    with pytest.raises(http.client.RemoteDisconnected):
        _create_thing(conn, "fp-dropped-after")
    assert _thing_exists(moto_server, "fp-dropped-after")  # the side effect happened


def test_drop_mid_head_and_mid_body(
    fault_proxy: FaultProxy, conn: http.client.HTTPConnection
) -> None:
    fault_proxy.schedule(Fault.drop(after=12))
    with _send_request(fault_proxy) as client:
        received = b""
        while chunk := client.recv(1024):
            received += chunk
    assert received == b"HTTP/1.1 200"  # twelve bytes of the upstream's answer, then the end
    fault_proxy.schedule(Fault.drop(mid_body=True))
    response = _get(conn)
    assert response.status == 200
    with pytest.raises(http.client.IncompleteRead):
        response.read()
    assert fault_proxy.faults() == ["drop after 12 bytes", "drop mid-body"]


def test_stall_never_answers(fault_proxy: FaultProxy) -> None:
    fault_proxy.schedule(Fault.stall())
    connection = http.client.HTTPConnection(fault_proxy.host, fault_proxy.port, timeout=0.3)
    try:
        start = time.monotonic()
        with pytest.raises(TimeoutError):
            _get(connection)
        assert 0.3 <= time.monotonic() - start < 0.6
    finally:
        connection.close()
    assert fault_proxy.count() == 1


def test_trickle_relays_the_same_bytes_slowly(
    fault_proxy: FaultProxy, conn: http.client.HTTPConnection
) -> None:
    expected = _get(conn).read()
    fault_proxy.schedule(Fault.trickle(interval=0.01, chunk=16))
    start = time.monotonic()
    response = _get(conn)
    body = response.read()
    elapsed = time.monotonic() - start
    assert body == expected
    head = sum(len(f"{k}: {v}\r\n") for k, v in response.getheaders()) + 20
    assert elapsed >= 0.01 * (head + len(body)) // 16 * 0.8
    assert fault_proxy.faults() == ["pass", "trickle 16B/0.01s"]


def _canned_cases() -> list[tuple[Fault, int, str, Callable[[http.client.HTTPResponse], None]]]:
    def aws_json(code: str) -> Callable[[http.client.HTTPResponse], None]:
        def check(response: http.client.HTTPResponse) -> None:
            assert response.getheader("x-amzn-ErrorType") == code
            assert json.loads(response.read())["__type"] == code

        return check

    def html(response: http.client.HTTPResponse) -> None:
        assert response.read().startswith(b"<html>")

    def truncated(response: http.client.HTTPResponse) -> None:
        with pytest.raises(http.client.IncompleteRead):
            response.read()

    def non_utf8(response: http.client.HTTPResponse) -> None:
        with pytest.raises(UnicodeDecodeError):
            response.read().decode()

    def wrong_shape(response: http.client.HTTPResponse) -> None:
        assert json.loads(response.read()) == {"job": "a string"}

    def bad_gzip(response: http.client.HTTPResponse) -> None:
        assert response.getheader("Content-Encoding") == "gzip"
        assert response.read().startswith(b"\x1f\x8bnot")

    return [
        (
            Fault.service_unavailable(),
            503,
            "application/json",
            aws_json("ServiceUnavailableException"),
        ),
        (Fault.throttling(), 429, "application/json", aws_json("ThrottlingException")),
        (Fault.internal_error(), 500, "application/json", aws_json("InternalFailureException")),
        (Fault.html(502), 502, "text/html", html),
        (Fault.html(504), 504, "text/html", html),
        (Fault.truncated_json(), 200, "application/json", truncated),
        (Fault.non_utf8(), 200, "application/json", non_utf8),
        (Fault.wrong_shape(), 200, "application/json", wrong_shape),
        (Fault.bad_gzip(), 200, "application/json", bad_gzip),
    ]


@pytest.mark.parametrize(
    ("fault", "status", "content_type", "check"),
    _canned_cases(),
    ids=lambda v: getattr(v, "label", ""),
)
def test_canned_responses_never_reach_upstream(
    fault_proxy: FaultProxy,
    conn: http.client.HTTPConnection,
    moto_server: str,
    fault: Fault,
    status: int,
    content_type: str,
    check: Callable[[http.client.HTTPResponse], None],
) -> None:
    fault_proxy.schedule(fault)
    name = f"fp-canned-{next(_names)}"
    response = _create_thing(conn, name)
    assert response.status == status
    assert response.getheader("Content-Type") == content_type
    check(response)
    assert not _thing_exists(moto_server, name)
    assert fault_proxy.faults() == [fault.label]


def test_raw_bytes_then_close(fault_proxy: FaultProxy, conn: http.client.HTTPConnection) -> None:
    fault_proxy.schedule(Fault.raw(b"HTTP/1.1 418 I'm a teapot\r\nContent-Length: 2\r\n\r\nhi"))
    response = _get(conn)
    assert (response.status, response.read()) == (418, b"hi")
    fault_proxy.schedule(Fault.raw(b"not http at all\r\n\r\n"))
    conn.close()
    with pytest.raises(http.client.BadStatusLine):
        _get(conn)


# -- bounds, teardown, and no upstream ------------------------------------------------------------


def _send_request(proxy: FaultProxy) -> socket.socket:
    client = socket.create_connection((proxy.host, proxy.port), timeout=2)
    head = "".join(f"{name}: {value}\r\n" for name, value in _IOT.items())
    client.sendall(f"GET /things HTTP/1.1\r\nHost: x\r\n{head}\r\n".encode())
    return client


def test_stalled_endpoint_reads_and_never_answers(stalled_endpoint: FaultProxy) -> None:
    with _send_request(stalled_endpoint) as client:
        assert stalled_endpoint.wait_for(1)
        client.settimeout(0.1)
        with pytest.raises(TimeoutError):
            client.recv(1)
    assert stalled_endpoint.faults() == ["stall"]


def test_pass_without_upstream_is_a_502() -> None:
    with FaultProxy(None) as proxy:
        connection = http.client.HTTPConnection(proxy.host, proxy.port, timeout=2)
        try:
            assert _get(connection).status == 502
        finally:
            connection.close()
    assert proxy.errors == []


def test_connections_are_bounded_and_stop_ends_stalls_promptly() -> None:
    proxy = FaultProxy(None, default=Fault.stall(), max_connections=2).start()
    clients = [_send_request(proxy) for _ in range(3)]
    try:
        assert proxy.wait_for(2)
        assert not proxy.wait_for(3, timeout=0.2)  # the third waits for a free slot
        clients[0].close()
        assert proxy.wait_for(3)  # ... and gets one when a connection ends
        assert {r.connection for r in proxy.requests} == {0, 1, 2}
        threads = [
            t for t in threading.enumerate() if t.name.startswith(f"faultproxy-{proxy.port}")
        ]
        assert len(threads) == 3  # the acceptor and two connections
        start = time.monotonic()
        proxy.stop()
        assert time.monotonic() - start < 0.5
        assert not any(t.is_alive() for t in threads)
        assert clients[1].recv(1) == b""  # the proxy closed its end
    finally:
        for client in clients:
            client.close()


# -- boto3 against moto through the proxy ----------------------------------------------------------


def _attempts(proxy: FaultProxy) -> list[str]:
    return [r.headers.get("amz-sdk-request", "") for r in proxy.requests]


def test_boto3_passes_through_and_counts_operations(
    fault_proxy: FaultProxy, iot_client_factory: MakeClient
) -> None:
    client = iot_client_factory(fault_proxy.url)
    n = next(_names)
    thing = client.create_thing(thingName=f"fp-boto-{n}")
    client.create_job(jobId=f"fp-boto-{n}", targets=[thing["thingArn"]], document="{}")
    assert client.describe_job(jobId=f"fp-boto-{n}")["job"]["jobId"] == f"fp-boto-{n}"
    execution = client.describe_job_execution(jobId=f"fp-boto-{n}", thingName=f"fp-boto-{n}")
    assert execution["execution"]["status"] == "QUEUED"
    assert fault_proxy.counts() == {
        "CreateThing": 1,
        "CreateJob": 1,
        "DescribeJob": 1,
        "DescribeJobExecution": 1,
    }


@on_pinned_botocore  # what botocore itself does with the fault (retry headers, reads)
@pytest.mark.parametrize(
    ("fault", "code", "attempts"),
    [
        (Fault.service_unavailable(), "ServiceUnavailableException", 3),
        (Fault.internal_error(), "InternalFailureException", 3),
        (Fault.throttling(), "ThrottlingException", 2),  # botocore backs off 1 s on throttling
        (Fault.html(502), "502", 3),
        (Fault.html(504), "504", 3),
    ],
    ids=["503", "500", "429", "502-html", "504-html"],
)
def test_boto3_retries_error_statuses_and_the_proxy_counts_each_attempt(
    fault_proxy: FaultProxy,
    iot_client_factory: MakeClient,
    job_id: str,
    fault: Fault,
    code: str,
    attempts: int,
) -> None:
    fault_proxy.default = fault
    client = iot_client_factory(fault_proxy.url, max_attempts=attempts)
    with pytest.raises(ClientError) as raised:
        client.describe_job(jobId=job_id)
    error: Any = raised.value  # botocore-stubs leave .response partly unknown
    response = error.response
    assert response["Error"]["Code"] == code
    assert response["ResponseMetadata"]["RetryAttempts"] == attempts - 1
    assert fault_proxy.count("DescribeJob") == attempts
    assert _attempts(fault_proxy) == [
        f"attempt={i}; max={attempts}" for i in range(1, attempts + 1)
    ]


def test_boto3_recovers_when_faults_run_out(
    fault_proxy: FaultProxy, iot_client_factory: MakeClient, job_id: str
) -> None:
    fault_proxy.schedule(Fault.service_unavailable(), Fault.drop(), operation="DescribeJob")
    client = iot_client_factory(fault_proxy.url, max_attempts=3)
    response = client.describe_job(jobId=job_id)
    assert response["job"]["jobId"] == job_id
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert fault_proxy.faults() == [
        "503 ServiceUnavailableException",
        "drop before response",
        "pass",
    ]


@pytest.mark.parametrize("fault", [Fault.drop(), Fault.drop(after=10)], ids=lambda f: f.label)
def test_boto3_dropped_connections_are_connection_closed_errors(
    fault_proxy: FaultProxy, iot_client_factory: MakeClient, job_id: str, fault: Fault
) -> None:
    fault_proxy.default = fault
    client = iot_client_factory(fault_proxy.url, max_attempts=3)
    with pytest.raises(ConnectionClosedError):
        client.describe_job(jobId=job_id)
    assert fault_proxy.count("DescribeJob") == 3


@on_pinned_botocore  # what botocore itself does with the fault (retry headers, reads)
@pytest.mark.parametrize(
    "fault", [Fault.drop(mid_body=True), Fault.truncated_json()], ids=lambda f: f.label
)
def test_boto3_takes_a_cut_short_body_for_a_200_without_the_resource(
    fault_proxy: FaultProxy, iot_client_factory: MakeClient, job_id: str, fault: Fault
) -> None:
    # urllib3 does not notice the short body; botocore parses what came as a 200 without "job".
    fault_proxy.default = fault
    client = iot_client_factory(fault_proxy.url, max_attempts=3)
    response = client.describe_job(jobId=job_id)
    assert "job" not in response
    assert fault_proxy.count() == 1


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.non_utf8(), UnicodeDecodeError),
        (Fault.bad_gzip(), UnicodeDecodeError),
        (Fault.wrong_shape(), AttributeError),
    ],
    ids=["non-utf8", "bad-gzip", "wrong-shape"],
)
def test_boto3_cannot_parse_these_bodies_and_does_not_retry(
    fault_proxy: FaultProxy,
    iot_client_factory: MakeClient,
    job_id: str,
    fault: Fault,
    error: type[Exception],
) -> None:
    fault_proxy.default = fault
    client = iot_client_factory(fault_proxy.url, max_attempts=3)
    with pytest.raises(error):
        client.describe_job(jobId=job_id)
    assert fault_proxy.count() == 1


def test_boto3_read_timeout_on_a_stall(
    fault_proxy: FaultProxy, iot_client_factory: MakeClient, job_id: str
) -> None:
    fault_proxy.schedule(Fault.stall(), times=2)
    client = iot_client_factory(fault_proxy.url, max_attempts=1, read_timeout=0.5)
    start = time.monotonic()
    with pytest.raises(ReadTimeoutError):
        client.describe_job(jobId=job_id)
    assert 0.5 <= time.monotonic() - start < 1.0
    assert fault_proxy.count() == 1
    retrying = iot_client_factory(fault_proxy.url, max_attempts=2, read_timeout=0.3)
    assert retrying.describe_job(jobId=job_id)["job"]["jobId"] == job_id  # stall, then pass
    assert fault_proxy.faults() == ["stall", "stall", "pass"]


def test_boto3_read_timeout_does_not_bound_a_trickle(
    fault_proxy: FaultProxy, iot_client_factory: MakeClient, job_id: str
) -> None:
    fault_proxy.default = Fault.trickle(interval=0.05, chunk=96)
    client = iot_client_factory(fault_proxy.url, read_timeout=0.2)
    start = time.monotonic()
    assert client.describe_job(jobId=job_id)["job"]["jobId"] == job_id
    assert time.monotonic() - start > 0.3  # longer than read_timeout: each read got a byte
    assert fault_proxy.count() == 1


@on_pinned_botocore  # what botocore itself does with the fault (retry headers, reads)
def test_boto3_against_the_stalled_endpoint(
    stalled_endpoint: FaultProxy, iot_client_factory: MakeClient
) -> None:
    client = iot_client_factory(stalled_endpoint.url, max_attempts=2, read_timeout=0.2)
    start = time.monotonic()
    with pytest.raises(ReadTimeoutError):
        client.describe_job(jobId="anything")
    assert time.monotonic() - start < 1.0
    assert stalled_endpoint.counts() == {"DescribeJob": 2}
