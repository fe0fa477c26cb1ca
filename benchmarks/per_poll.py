"""Per-poll overhead: one poll through botocore's full stack against a local endpoint.

A tiny HTTP server on 127.0.0.1 answers every request with a recorded Device Farm
GetJob body. Rows: a bare ``client.get_job`` call, jobkit's poll (validation, retry
policy, conversion, or reuse of the last model when nothing changed), and jobkit's
poll when every answer differs (so it must convert each time).
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, ClassVar

import boto3
from _timing import interleaved
from botocore.config import Config

from jobkit import DeviceFarm
from jobkit._engine._calls import Worker
from jobkit._engine._deadline import Deadline
from jobkit._engine._facade import Reuse
from jobkit._stubs import load_stub
from jobkit.devicefarm._operations import DEVICEFARM_JOB

if TYPE_CHECKING:
    from collections.abc import Callable

ARN = "arn:aws:devicefarm:us-west-2:123456789012:job:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE/00000"


def _body(counter: int | None = None) -> bytes:
    response = load_stub("devicefarm", "get_job", "running")
    if counter is not None:
        response["job"]["counters"]["passed"] = counter
    return json.dumps(
        response, default=lambda v: v.timestamp() if isinstance(v, datetime) else v
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    same: ClassVar[bytes] = _body()
    changing: ClassVar[list[bytes]] = [_body(i) for i in range(64)]
    count: ClassVar[int] = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        _Handler.count += 1
        body = self.same if "same" in self.path else self.changing[_Handler.count % 64]
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-RequestId", "bench")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:
        return


def _wait_poll(df: DeviceFarm) -> Callable[[], object]:
    """One poll as ``wait_for_job`` makes it: on the wait's worker thread, retried, reused."""
    bound = DEVICEFARM_JOB.bind(ARN)
    op = bound.operation
    convert = Reuse(op.model)
    deadline = Deadline(time.monotonic() + 3600, time.monotonic, time.sleep)
    worker = Worker()  # the wait's one thread; a daemon, so it never holds the benchmark up

    def fetch() -> object:
        response = df._call(  # noqa: SLF001 -- the wait's own call path
            op.method, op.api, bound.what, deadline, require=op.key, **bound.params
        )
        return convert(response[op.key])

    def poll() -> object:
        return worker.run(fetch, deadline, what=bound.what, operation=op.api)

    return poll


def run(rounds: int = 40, batch: int = 10) -> dict[str, float]:
    """Median seconds per poll for each row."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:

        def client(path: str) -> Any:
            return boto3.session.Session().client(
                "devicefarm",
                region_name="us-west-2",
                endpoint_url=f"http://127.0.0.1:{port}/{path}",
                aws_access_key_id="bench",
                aws_secret_access_key="bench",
                config=Config(retries={"total_max_attempts": 1}),
            )

        bare, same, changing = client("same"), client("same"), client("changing")
        df_same, df_changing = DeviceFarm(same), DeviceFarm(changing)
        return interleaved(
            {
                "bare client.get_job": lambda: bare.get_job(arn=ARN),
                "jobkit get_job (converts every answer)": lambda: df_same.get_job(ARN),
                "jobkit poll in a wait, unchanged answer": _wait_poll(df_same),
                "jobkit poll in a wait, changed answer": _wait_poll(df_changing),
            },
            rounds=rounds,
            batch=batch,
        )
    finally:
        server.shutdown()
        server.server_close()
