"""A local HTTP endpoint that replays canned Device Farm and Amplify responses.

botocore's Stubber cannot reach a subprocess, so the command's tests point
``--endpoint-url`` here. Device Farm is JSON 1.1 (``POST /`` with ``X-Amz-Target:
DeviceFarm_20150623.GetJob``); Amplify is REST-JSON (``GET
/apps/{appId}/branches/{branch}/jobs/{jobId}``). Each resource has a script of
responses; each request takes the next one and the last one repeats. An unscripted
resource answers NotFoundException. Every request's signing region is recorded.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Self

from jobkit._stubs import load_stub

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["Replay", "canned", "devicefarm_job"]

_AMPLIFY_JOB = re.compile(r"^/apps/([^/]+)/branches/([^/]+)/jobs/([^/?]+)")
_REGION = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/")


def canned(service: str, method: str, scenario: str) -> dict[str, Any]:
    """One canned response, as a JSON-ready dict (timestamps as epoch seconds)."""
    raw = load_stub(service, method, scenario)
    loaded: dict[str, Any] = json.loads(json.dumps(raw, default=_epoch))
    return loaded


def _epoch(value: object) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    msg = f"cannot serialize {type(value).__name__}"
    raise TypeError(msg)


class Replay:
    """The endpoint, as a context manager: ``with Replay() as replay: replay.url``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scripts: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        self.regions: list[str] = []
        self.requests = 0
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 -- the base names it
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body: dict[str, Any] = json.loads(self.rfile.read(length) or b"{}")
                operation = str(self.headers.get("X-Amz-Target", "")).rpartition(".")[2]
                replay.seen(self.headers.get("Authorization", ""))
                self.answer(replay.next(("devicefarm", operation, str(body.get("arn")))), 400)

            def do_GET(self) -> None:
                replay.seen(self.headers.get("Authorization", ""))
                match = _AMPLIFY_JOB.match(self.path)
                key = ("amplify", *match.groups()) if match else ("amplify", self.path)
                self.answer(replay.next(key), 404)

            def answer(self, body: dict[str, Any] | None, missing: int) -> None:
                status = 200
                headers = {"Content-Type": "application/x-amz-json-1.1"}
                if body is None:
                    status = missing
                    headers["x-amzn-ErrorType"] = "NotFoundException"
                    body = {"__type": "NotFoundException", "message": "Not found"}
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def devicefarm(self, operation: str, arn: str, responses: Sequence[dict[str, Any]]) -> None:
        """Script Device Farm ``GetJob``/``GetRemoteAccessSession`` answers for ``arn``."""
        with self._lock:
            self._scripts["devicefarm", operation, arn] = list(responses)

    def amplify(self, app: str, branch: str, job: str, responses: Sequence[dict[str, Any]]) -> None:
        """Script Amplify ``GetJob`` answers for one job."""
        with self._lock:
            self._scripts["amplify", app, branch, job] = list(responses)

    def seen(self, authorization: str) -> None:
        """Record one request and the region it was signed for."""
        match = _REGION.search(authorization)
        with self._lock:
            self.requests += 1
            self.regions.append(match[1] if match else "")

    def next(self, key: tuple[str, ...]) -> dict[str, Any] | None:
        """The next scripted response for ``key`` (the last one repeats), or None."""
        with self._lock:
            script = self._scripts.get(key)
            if not script:
                return None
            return script.pop(0) if len(script) > 1 else script[0]


def devicefarm_job(scenario: str, arn: str, **changes: Any) -> dict[str, Any]:
    """A canned GetJob response for ``arn``, with ``changes`` to the job."""
    body = canned("devicefarm", "get_job", scenario)
    body["job"] = {**body["job"], "arn": arn, **changes}
    return body
