"""A fault-injecting HTTP/1.1 proxy on 127.0.0.1, and the pytest fixtures around it.

`FaultProxy` sits in front of an upstream HTTP server (moto's `ThreadedMotoServer`) and decides,
for every request on every keep-alive connection, what the client gets back: the upstream's answer
(``Fault.passthrough()``), nothing (``drop``, ``stall``), the answer a few bytes at a time
(``trickle``), or a canned answer that never reaches the upstream (``respond`` and its named forms:
AWS JSON errors, a load balancer's HTML page, truncated, non-UTF-8, wrongly shaped or broken gzip
bodies, or any raw bytes). Faults are queued with `FaultProxy.schedule` (optionally only for one
operation), chosen per request by a `FaultProxy.rule`, or by `FaultProxy.default`; every request is
recorded (time, method, path, IoT operation, headers, fault) so a test can assert the number of
HTTP attempts exactly.

Without an upstream (``FaultProxy(None)``) and with ``default=Fault.stall()`` it is an endpoint that
accepts connections and never answers (the `stalled_endpoint` fixture).

The proxy runs an accepting thread plus one thread per open client connection, at most
``max_connections`` of them (further connections wait in the accept backlog until one ends). Every
socket polls a stop flag, so `FaultProxy.stop` ends, joins and closes everything within about 0.1 s.
The proxy reads each upstream response in full on a fresh upstream connection and drops its
hop-by-hop ``Connection`` header, so clients keep their connection alive as they would with AWS
(moto's server closes after every response).

Usage (the fixtures ``fault_proxy``, ``iot_client_factory``, ``moto_server`` and
``stalled_endpoint`` come from tests/conftest.py)::

    def test_outage(fault_proxy, iot_client_factory):
        fault_proxy.schedule(Fault.service_unavailable(), operation="DescribeJob", times=4)
        client = iot_client_factory(fault_proxy.url, max_attempts=2, read_timeout=0.5)
        ...
        assert fault_proxy.count("DescribeJob") == 5
        assert fault_proxy.faults("DescribeJob")[:4] == ["503 ServiceUnavailableException"] * 4
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import json
import logging
import re
import socket
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, Self
from urllib.parse import parse_qs, urlsplit

import botocore.session
import pytest
from boto3.session import Session
from botocore.config import Config

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

__all__ = [
    "Fault",
    "FaultProxy",
    "Request",
    "fault_proxy",
    "iot_client",
    "iot_client_factory",
    "moto_server",
    "no_socket_leaks",
    "no_thread_leaks",
    "open_sockets",
    "operation_for",
    "stalled_endpoint",
]

_POLL: Final = 0.02  # how often a blocked socket operation looks at the stop flag
_MAX_HEAD: Final = 64 * 1024
_REASONS: Final = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

FaultKind = Literal["pass", "drop", "stall", "trickle", "respond"]


# --------------------------------------------------------------------------------------------
# Faults


@dataclass(frozen=True, slots=True)
class Fault:
    """What the proxy does with one request. Build one with the class methods.

    Attributes:
        kind: ``pass``, ``drop``, ``stall``, ``trickle`` or ``respond``.
        label: a short human name, recorded with the request (``"503 ServiceUnavailable"``).
        payload: for ``respond``, the exact bytes sent to the client.
        close: for ``respond``, close the connection after sending ``payload``.
        after: for ``drop``: None closes without contacting the upstream; an int forwards the
            request and sends that many bytes of the upstream's response first.
        mid_body: for ``drop``: forward, send the head and half the body, then close.
        interval: for ``trickle``, seconds before each chunk.
        chunk: for ``trickle``, bytes per chunk.
    """

    kind: FaultKind
    label: str
    payload: bytes = b""
    close: bool = False
    after: int | None = None
    mid_body: bool = False
    interval: float = 0.0
    chunk: int = 1

    # -- the fault kinds ---------------------------------------------------------------------

    @classmethod
    def passthrough(cls) -> Fault:
        """Forward to the upstream and relay its response unchanged."""
        return cls("pass", "pass")

    @classmethod
    def drop(cls, after: int | None = None, *, mid_body: bool = False) -> Fault:
        """Close the connection instead of answering.

        With no arguments the upstream never sees the request. With ``after=n`` the request is
        forwarded and the first ``n`` bytes of the upstream's response are sent before closing
        (``after=0``: the upstream acted, the client heard nothing). With ``mid_body=True`` the
        head and half the body are sent.
        """
        if after is not None and after < 0:
            raise ValueError("after must be >= 0")
        if mid_body:
            return cls("drop", "drop mid-body", mid_body=True)
        if after is None:
            return cls("drop", "drop before response")
        return cls("drop", f"drop after {after} bytes", after=after)

    @classmethod
    def stall(cls) -> Fault:
        """Read the request and never answer (until the client closes or the proxy stops)."""
        return cls("stall", "stall")

    @classmethod
    def trickle(cls, interval: float = 0.05, chunk: int = 1) -> Fault:
        """Relay the upstream's response ``chunk`` bytes at a time, ``interval`` s before each."""
        if interval < 0 or chunk < 1:
            raise ValueError("interval must be >= 0 and chunk >= 1")
        return cls("trickle", f"trickle {chunk}B/{interval}s", interval=interval, chunk=chunk)

    @classmethod
    def raw(cls, data: bytes, *, close: bool = True, label: str = "raw") -> Fault:
        """Send ``data`` as the whole answer (then close, unless ``close=False``)."""
        return cls("respond", label, payload=data, close=close)

    @classmethod
    def respond(
        cls,
        status: int,
        body: bytes | str = b"",
        *,
        headers: Mapping[str, str] | None = None,
        content_type: str = "application/json",
        content_length: int | None = None,
        close: bool = False,
        label: str | None = None,
    ) -> Fault:
        """A canned HTTP/1.1 response, sent without contacting the upstream.

        ``content_length`` overrides the header (a value above ``len(body)`` makes a truncated
        response; use ``close=True`` with it so the client sees the end).
        """
        data = body.encode() if isinstance(body, str) else body
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
        all_headers = {
            "Content-Type": content_type,
            "Content-Length": str(len(data) if content_length is None else content_length),
            "x-amzn-RequestId": "00000000-0000-4000-8000-faultproxy000",
            **(headers or {}),
        }
        if close:
            all_headers["Connection"] = "close"
        lines += [f"{name}: {value}" for name, value in all_headers.items()]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        return cls("respond", label or f"{status} canned", payload=head + data, close=close)

    # -- named canned responses ----------------------------------------------------------------

    @classmethod
    def aws_error(cls, status: int, code: str, message: str) -> Fault:
        """An AWS REST-JSON error: ``{"__type": code, "message": ...}`` and ``x-amzn-ErrorType``."""
        body = json.dumps({"__type": code, "message": message})
        return cls.respond(
            status, body, headers={"x-amzn-ErrorType": code}, label=f"{status} {code}"
        )

    @classmethod
    def throttling(cls, status: int = 429) -> Fault:
        """``ThrottlingException`` / "Rate exceeded" (429 by default)."""
        return cls.aws_error(status, "ThrottlingException", "Rate exceeded")

    @classmethod
    def service_unavailable(cls) -> Fault:
        """503 ``ServiceUnavailableException``, as IoT models it."""
        return cls.aws_error(503, "ServiceUnavailableException", "Service Unavailable")

    @classmethod
    def internal_error(cls) -> Fault:
        """500 ``InternalFailureException``, as IoT models it."""
        return cls.aws_error(500, "InternalFailureException", "An internal error occurred.")

    @classmethod
    def html(cls, status: int = 502) -> Fault:
        """A load balancer's HTML error page (502 or 504, ``text/html``)."""
        reason = _REASONS.get(status, "Error")
        page = (
            f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
            f"<center><h1>{status} {reason}</h1></center>\r\n</body>\r\n</html>\r\n"
        )
        return cls.respond(
            status,
            page,
            content_type="text/html",
            headers={"Server": "awselb/2.0"},
            label=f"{status} html",
        )

    @classmethod
    def truncated_json(cls) -> Fault:
        """A 200 whose Content-Length promises more than is sent, then the connection closes."""
        body = b'{"job": {"jobId": "cut-short", "status": "IN_PROG'
        return cls.respond(
            200, body, content_length=len(body) + 64, close=True, label="200 truncated"
        )

    @classmethod
    def non_utf8(cls) -> Fault:
        """A 200 ``application/json`` whose body is not UTF-8."""
        return cls.respond(200, b'{"job": {"jobId": "\xff\xfe\xc3("}}', label="200 non-utf8")

    @classmethod
    def wrong_shape(cls) -> Fault:
        """A 200 with valid JSON of the wrong shape: ``{"job": "a string"}``."""
        return cls.respond(200, json.dumps({"job": "a string"}), label="200 wrong shape")

    @classmethod
    def bad_gzip(cls) -> Fault:
        """A 200 with ``Content-Encoding: gzip`` and bytes that are not gzip."""
        return cls.respond(
            200,
            b"\x1f\x8bnot really gzip at all",
            headers={"Content-Encoding": "gzip"},
            label="200 bad gzip",
        )


# --------------------------------------------------------------------------------------------
# Requests and operations


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request the proxy read, and what it did with it.

    Attributes:
        index: 0-based position among all requests this proxy read.
        at: ``time.monotonic()`` when the request had been read in full.
        connection: which client connection (0-based, in accept order) carried it.
        method: ``GET``, ``PUT``, ...
        path: the request target's path, without the query.
        query: the query string.
        operation: the IoT operation (``DescribeJob``), or ``"METHOD /path"`` when unknown.
        headers: the request headers, names lower-cased.
        body: the request body.
        fault: the fault applied (``None`` while it is being decided).
    """

    index: int
    at: float
    connection: int
    method: str
    path: str
    query: str
    operation: str
    headers: Mapping[str, str]
    body: bytes
    fault: Fault | None = None


@functools.cache
def _routes(service: str) -> tuple[tuple[str, re.Pattern[str], frozenset[str], str], ...]:
    sessions: Any = botocore.session  # botocore-stubs leave get_session partly unknown
    model: Any = sessions.get_session().get_service_model(service)
    routes: list[tuple[int, str, re.Pattern[str], frozenset[str], str]] = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        uri, _, query = str(http["requestUri"]).partition("?")
        pattern = re.sub(
            r"\\\{([^}]+)\\\}",
            lambda m: ".+" if m.group(1).endswith("\\+") else "[^/]+",
            re.escape(uri.rstrip("/") or "/"),
        )
        keys = frozenset(k.split("=")[0] for k in query.split("&") if k)
        literal = len(re.sub(r"\{[^}]+\}", "", uri)) + 100 * len(keys)
        routes.append((literal, http["method"], re.compile(pattern + "/?"), keys, name))
    routes.sort(key=lambda route: -route[0])
    return tuple(route[1:] for route in routes)


def operation_for(method: str, path: str, query: str = "", service: str = "iot") -> str:
    """The operation of ``service`` that ``method path?query`` calls (from botocore's model).

    ``operation_for("GET", "/jobs/ota-1")`` is ``"DescribeJob"``; an unknown route gives
    ``"GET /path"``.
    """
    present = set(parse_qs(query, keep_blank_values=True))
    for route_method, pattern, keys, name in _routes(service):
        if route_method == method and keys <= present and pattern.fullmatch(path):
            return name
    return f"{method} {path}"


# --------------------------------------------------------------------------------------------
# Socket plumbing


class _StoppedError(Exception):
    """The proxy is stopping."""


class _ClosedError(Exception):
    """The peer closed the connection in the middle of a message."""


class _Stream:
    """Buffered reads from a socket with a short timeout, watching the stop flag."""

    def __init__(self, sock: socket.socket, stop: threading.Event, limit: float | None = None):
        self.sock = sock
        self._stop = stop
        self._buffer = bytearray()
        self._limit = None if limit is None else time.monotonic() + limit

    def _fill(self) -> bool:
        while True:
            if self._stop.is_set():
                raise _StoppedError
            if self._limit is not None and time.monotonic() > self._limit:
                raise TimeoutError("upstream too slow")
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                continue
            if not data:
                return False
            self._buffer += data
            return True

    def head(self) -> bytes | None:
        """Read up to and including the blank line; None on EOF before any byte."""
        while (end := self._buffer.find(b"\r\n\r\n")) < 0:
            if len(self._buffer) > _MAX_HEAD:
                raise ValueError("message head too long")
            if not self._fill():
                if self._buffer:
                    raise _ClosedError
                return None
        return self._take(end + 4)

    def exact(self, size: int) -> bytes:
        while len(self._buffer) < size:
            if not self._fill():
                raise _ClosedError
        return self._take(size)

    def line(self) -> bytes:
        while (end := self._buffer.find(b"\r\n")) < 0:
            if not self._fill():
                raise _ClosedError
        return self._take(end + 2)

    def chunked(self) -> bytes:
        """A chunked body, framing included, trailers and final blank line too."""
        parts: list[bytes] = []
        while True:
            size_line = self.line()
            parts.append(size_line)
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                while (trailer := self.line()) != b"\r\n":
                    parts.append(trailer)
                parts.append(trailer)
                return b"".join(parts)
            parts.append(self.exact(size + 2))

    def to_eof(self) -> bytes:
        while self._fill():
            pass
        return self._take(len(self._buffer))

    def discard_to_eof(self) -> None:
        while self._fill():
            self._buffer.clear()

    def _take(self, size: int) -> bytes:
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


def _send(sock: socket.socket, data: bytes, stop: threading.Event) -> None:
    view = memoryview(data)
    while view:
        if stop.is_set():
            raise _StoppedError
        try:
            sent = sock.send(view)
        except TimeoutError:
            continue
        view = view[sent:]


def _parse_head(head: bytes) -> tuple[list[str], dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    return lines[0].split(" ", 2), headers


def _body(stream: _Stream, headers: Mapping[str, str]) -> bytes | None:
    """The body framed by ``headers``; None when only the end of the connection frames it."""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return stream.chunked()
    if "content-length" in headers:
        return stream.exact(int(headers["content-length"]))
    return None


@dataclass(slots=True)
class _Raw:
    """A request as read: its bytes, and whether the client wants the connection kept."""

    data: bytes
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    keep_alive: bool


def _read_request(stream: _Stream) -> _Raw | None:
    head = stream.head()
    if head is None:
        return None
    (method, target, version), headers = _parse_head(head)
    body = _body(stream, headers) or b""
    connection = headers.get("connection", "").lower()
    keep_alive = connection != "close" and (version == "HTTP/1.1" or connection == "keep-alive")
    return _Raw(head + body, method, target, headers, body, keep_alive)


# --------------------------------------------------------------------------------------------
# The proxy


class FaultProxy:
    """A fault-injecting HTTP/1.1 proxy on 127.0.0.1; see the module docstring.

    Args:
        upstream: the upstream's URL (``http://127.0.0.1:5000``) or None (then ``pass`` and the
            forwarding faults answer 502).
        default: the fault for requests no queued fault and no rule claims.
        max_connections: the most client connections served at once.
        upstream_timeout: the longest the proxy waits for the upstream's full response.
        service: whose botocore model names the operations.
    """

    def __init__(
        self,
        upstream: str | None,
        *,
        default: Fault | None = None,
        max_connections: int = 32,
        upstream_timeout: float = 10.0,
        service: str = "iot",
    ) -> None:
        if upstream is None:
            self._upstream: tuple[str, int] | None = None
        else:
            parts = urlsplit(upstream)
            if parts.scheme != "http" or parts.hostname is None or parts.port is None:
                raise ValueError(f"upstream must be http://host:port, not {upstream!r}")
            self._upstream = (parts.hostname, parts.port)
        self.default = default or Fault.passthrough()
        self.rule: Callable[[Request], Fault | None] | None = None
        self.max_connections = max_connections
        self.upstream_timeout = upstream_timeout
        self.service = service
        self.errors: list[str] = []
        self._lock = threading.Condition()
        self._queue: deque[tuple[Fault, str | None]] = deque()
        self._records: list[Request] = []
        self._stop = threading.Event()
        self._slots = threading.BoundedSemaphore(max_connections)
        self._threads: list[threading.Thread] = []
        self._connections = 0
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self.host = "127.0.0.1"
        self.port = 0

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``, the endpoint URL for clients."""
        return f"http://{self.host}:{self.port}"

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> Self:
        """Listen on 127.0.0.1 (a free port) and serve in a thread."""
        if self._listener is not None:
            raise RuntimeError("FaultProxy already started")
        self._listener = socket.create_server((self.host, 0), backlog=64)
        self._listener.settimeout(_POLL)
        self.port = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(
            target=self._accept_loop, name=f"faultproxy-{self.port}-accept", daemon=True
        )
        self._acceptor.start()
        return self

    def stop(self) -> None:
        """Stop serving: end every connection, join every thread, close every socket."""
        self._stop.set()
        with self._lock:
            self._lock.notify_all()
        if self._acceptor is not None:
            self._acceptor.join(5)
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            threads = [*self._threads]
        for thread in threads:
            thread.join(5)
        alive = [t.name for t in [self._acceptor, *threads] if t is not None and t.is_alive()]
        if alive:
            raise RuntimeError(f"FaultProxy threads did not stop: {alive}")

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- the plan ------------------------------------------------------------------------------

    def schedule(self, *faults: Fault, operation: str | None = None, times: int = 1) -> None:
        """Queue ``faults`` (each ``times`` times), applied in order to the next requests.

        With ``operation`` (``"DescribeJob"``) they apply only to that operation's requests; other
        requests pass by them without using them up. Queued faults come before `rule`.
        """
        with self._lock:
            for fault in faults:
                self._queue.extend([(fault, operation)] * times)

    def pending(self) -> int:
        """How many queued faults are still unused."""
        with self._lock:
            return len(self._queue)

    def reset(self) -> None:
        """Forget the queue, the rule, the records and the errors; pass through by default."""
        with self._lock:
            self._queue.clear()
            self._records.clear()
            self.errors.clear()
            self.rule = None
            self.default = Fault.passthrough()

    def _decide(self, request: Request) -> Fault:
        for position, (fault, operation) in enumerate(self._queue):
            if operation is None or operation == request.operation:
                del self._queue[position]
                return fault
        if self.rule is not None:
            chosen = self.rule(request)
            if chosen is not None:
                return chosen
        return self.default

    # -- the records ---------------------------------------------------------------------------

    @property
    def requests(self) -> list[Request]:
        """Every request read so far, in order, with the fault applied."""
        with self._lock:
            return [*self._records]

    def count(self, operation: str | None = None) -> int:
        """How many requests (of ``operation``, e.g. ``"DescribeJob"``) the proxy read."""
        with self._lock:
            return sum(1 for r in self._records if operation in {None, r.operation})

    def counts(self) -> Counter[str]:
        """Requests per operation."""
        with self._lock:
            return Counter(r.operation for r in self._records)

    def faults(self, operation: str | None = None) -> list[str]:
        """The labels of the faults applied (to ``operation``'s requests), in order."""
        with self._lock:
            return [
                r.fault.label
                for r in self._records
                if r.fault is not None and operation in {None, r.operation}
            ]

    def wait_for(self, count: int, timeout: float = 5.0) -> bool:
        """Block until ``count`` requests have been read (True) or ``timeout`` passes (False)."""
        with self._lock:
            return (
                self._lock.wait_for(
                    lambda: len(self._records) >= count or self._stop.is_set(), timeout
                )
                and len(self._records) >= count
            )

    # -- serving -------------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError as error:  # pragma: no cover - listener broke
                self.errors.append(f"accept: {error!r}")
                return
            while not self._slots.acquire(timeout=_POLL):
                if self._stop.is_set():
                    client.close()
                    return
            with self._lock:
                self._threads = [t for t in self._threads if t.is_alive()]
                number = self._connections
                self._connections += 1
                thread = threading.Thread(
                    target=self._serve,
                    args=(client, number),
                    name=f"faultproxy-{self.port}-conn-{number}",
                    daemon=True,
                )
                self._threads.append(thread)
            thread.start()

    def _serve(self, client: socket.socket, number: int) -> None:
        try:
            with client:
                client.settimeout(_POLL)
                stream = _Stream(client, self._stop)
                while (raw := _read_request(stream)) is not None:
                    fault = self._admit(raw, number)
                    if not self._apply(fault, raw, stream) or not raw.keep_alive:
                        break
        except (_StoppedError, _ClosedError, ConnectionError):
            pass
        except Exception as error:  # noqa: BLE001 - a proxy thread must never die loudly
            self.errors.append(f"connection {number}: {error!r}")
        finally:
            self._slots.release()

    def _admit(self, raw: _Raw, number: int) -> Fault:
        path, _, query = raw.target.partition("?")
        with self._lock:
            request = Request(
                index=len(self._records),
                at=time.monotonic(),
                connection=number,
                method=raw.method,
                path=path,
                query=query,
                operation=operation_for(raw.method, path, query, self.service),
                headers=raw.headers,
                body=raw.body,
            )
            fault = self._decide(request)
            self._records.append(dataclasses.replace(request, fault=fault))
            self._lock.notify_all()
        return fault

    def _apply(self, fault: Fault, raw: _Raw, stream: _Stream) -> bool:
        """Answer one request; True when the connection may carry another."""
        client = stream.sock
        if fault.kind == "stall":
            stream.discard_to_eof()
            return False
        if fault.kind == "respond":
            _send(client, fault.payload, self._stop)
            return not fault.close
        if fault.kind == "drop" and fault.after is None and not fault.mid_body:
            return False
        response, keep = self._forward(raw)
        if fault.kind == "drop":
            if fault.mid_body:
                split = response.find(b"\r\n\r\n") + 4
                cut = split + (len(response) - split) // 2
            else:
                cut = fault.after or 0
            _send(client, response[:cut], self._stop)
            return False
        if fault.kind == "trickle":
            for start in range(0, len(response), fault.chunk):
                if self._stop.wait(fault.interval):
                    raise _StoppedError
                _send(client, response[start : start + fault.chunk], self._stop)
            return keep
        _send(client, response, self._stop)
        return keep

    def _forward(self, raw: _Raw) -> tuple[bytes, bool]:
        """The upstream's raw response to ``raw``, and whether the client connection may stay."""
        if self._upstream is None:
            return Fault.respond(502, b"no upstream", content_type="text/plain").payload, True
        try:
            return _exchange(self._upstream, raw, self._stop, self.upstream_timeout)
        except (OSError, _ClosedError, ValueError) as error:
            self.errors.append(f"upstream: {error!r}")
            return Fault.respond(502, b"upstream failed", content_type="text/plain").payload, True


def _exchange(
    address: tuple[str, int], raw: _Raw, stop: threading.Event, limit: float
) -> tuple[bytes, bool]:
    """Send ``raw`` on a new connection to ``address``; its response, and keep-alive or not."""
    with socket.create_connection(address, timeout=2.0) as upstream:
        upstream.settimeout(_POLL)
        _send(upstream, raw.data, stop)
        stream = _Stream(upstream, stop, limit=limit)
        head = stream.head()
        if head is None:
            raise _ClosedError
        (_, status, *_), headers = _parse_head(head)
        if raw.method == "HEAD" or int(status) in {204, 304} or int(status) < 200:
            return head, True
        body = _body(stream, headers)
        if body is None:  # framed by the end of the connection: so must the relay be
            return head + stream.to_eof(), False
        # Connection is hop-by-hop: moto's server closes after every response, AWS keeps
        # connections alive; the client's connection stays open as the client asked.
        return _hop_by_hop_removed(head) + body, True


def _hop_by_hop_removed(head: bytes) -> bytes:
    lines = head.split(b"\r\n")
    kept = [
        line
        for line in lines
        if line.split(b":", 1)[0].strip().lower() not in {b"connection", b"keep-alive"}
    ]
    return b"\r\n".join(kept)


# --------------------------------------------------------------------------------------------
# Clients, leak checks and fixtures


def iot_client(
    endpoint_url: str,
    *,
    max_attempts: int = 1,
    mode: Literal["standard", "adaptive", "legacy"] = "standard",
    connect_timeout: float = 1.0,
    read_timeout: float = 5.0,
    region_name: str = "us-east-1",
    **config: Any,
) -> Any:
    """A boto3 IoT client for ``endpoint_url`` with dummy credentials and the given retries."""
    session: Any = Session()  # typed Any: tests call any operation
    client: Any = session.client(
        "iot",
        region_name=region_name,
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(
            retries={"total_max_attempts": max_attempts, "mode": mode},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            **config,
        ),
    )
    return client


def open_sockets() -> int:
    """How many socket file descriptors this process has open (-1 where /proc is missing)."""
    try:
        entries = list(Path("/proc/self/fd").iterdir())
    except OSError:
        return -1
    count = 0
    for entry in entries:
        with contextlib.suppress(OSError):
            count += str(entry.readlink()).startswith("socket:")
    return count


def _settled(check: Callable[[], list[str]], grace: float) -> list[str]:
    """``check()`` once it returns nothing, or its last answer after ``grace`` seconds."""
    end = time.monotonic() + grace
    while (left := check()) and time.monotonic() < end:
        time.sleep(0.02)
    return left


@pytest.fixture(scope="module", autouse=True)
def no_thread_leaks() -> Iterator[None]:
    """Fail the module if a thread it started is still alive 2 s after its last test.

    Autouse where it is visible: ``no_thread_leaks = faultproxy.no_thread_leaks`` at the top
    level of a test module checks that module.
    """
    before = set(threading.enumerate())
    yield
    left = _settled(
        lambda: [t.name for t in threading.enumerate() if t not in before and t.is_alive()], 2.0
    )
    if left:
        pytest.fail(f"threads outlived the module's tests: {left}")


@pytest.fixture(scope="module", autouse=True)
def no_socket_leaks() -> Iterator[None]:
    """Fail the module if it leaves more sockets open than it found (Linux's /proc only)."""
    before = open_sockets()
    yield

    def extra() -> list[str]:
        gc.collect()
        now = open_sockets()
        return [f"{now - before} more sockets"] if now > before >= 0 else []

    if left := _settled(extra, 2.0):
        pytest.fail(f"sockets outlived the module's tests: {left}")


@pytest.fixture(scope="module")
def moto_server() -> Iterator[str]:
    """moto's server on a free port of 127.0.0.1, for the module; yields its URL."""
    from moto.server import ThreadedMotoServer  # noqa: PLC0415 -- test-only dependency

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def fault_proxy(moto_server: str) -> Iterator[FaultProxy]:
    """A `FaultProxy` in front of `moto_server`, passing through until told otherwise.

    Fails the test at teardown if the proxy itself hit an error (not a fault it injected).
    """
    with FaultProxy(moto_server) as proxy:
        yield proxy
    assert not proxy.errors, proxy.errors


@pytest.fixture
def stalled_endpoint() -> Iterator[FaultProxy]:
    """An endpoint (``.url``) that reads every request and never answers; it counts them."""
    with FaultProxy(None, default=Fault.stall()) as proxy:
        yield proxy
    assert not proxy.errors, proxy.errors


@pytest.fixture
def iot_client_factory() -> Iterator[Callable[..., Any]]:
    """``make(endpoint_url, max_attempts=1, read_timeout=5.0, ...)``: IoT clients, closed after.

    Takes the keywords of `iot_client`.
    """
    clients: list[Any] = []

    def make(endpoint_url: str, **options: Any) -> Any:
        client = iot_client(endpoint_url, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
