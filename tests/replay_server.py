"""A local HTTP endpoint that replays canned Device Farm, Amplify and CodeBuild responses.

botocore's Stubber cannot reach a subprocess, so the command's tests point
``--endpoint-url`` here. Device Farm is JSON 1.1 (``POST /`` with ``X-Amz-Target:
DeviceFarm_20150623.GetJob``); Amplify is REST-JSON (``GET
/apps/{appId}/branches/{branch}/jobs/{jobId}``, ``GET .../jobs`` to list, ``POST .../jobs``
to start, ``DELETE .../jobs/{jobId}/stop``); CodeBuild is JSON 1.1 too, scripted per build id
(``ids[0]`` of BatchGetBuilds, ``id`` of StopBuild) or project (StartBuild). Each resource has a script of responses; each
request takes the next one and the last one repeats. An unscripted resource answers
NotFoundException. Every request's signing region and operation are recorded.

Device Farm list calls are scripted per ARN and, for later pages, per ``nextToken``
(ListArtifacts per ``type``). ListArtifacts' presigned URLs are rewritten to point here
(``/artifacts/...``, their query string kept) on a second listener that speaks HTTPS
(``tests/tls.py``; a client trusts it with ``SSL_CERT_FILE=tls.ca_file()``), so downloads
stay on 127.0.0.1.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

from jobkit._stubs import load_stub
from tls import serve_tls

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "RUN_ARN",
    "Replay",
    "amplify_job",
    "canned",
    "devicefarm_job",
    "devicefarm_run",
    "script_failed_run",
]

_AMPLIFY_JOB = re.compile(r"^/apps/([^/]+)/branches/([^/]+)/jobs/([^/?]+)")
_AMPLIFY_JOBS = re.compile(r"^/apps/([^/]+)/branches/([^/]+)/jobs/?(?:\?|$)")
_AMPLIFY_STOP = re.compile(r"^/apps/([^/]+)/branches/([^/]+)/jobs/([^/?]+)/stop")
_REGION = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/")

RUN_ARN = (
    "arn:aws:devicefarm:us-west-2:123456789012:run:"
    "5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE"
)
"""The run the canned ListJobs/ListSuites/ListTests/ListArtifacts responses belong to."""


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
        self._then: dict[tuple[str, ...], dict[tuple[str, ...], list[dict[str, Any]]]] = {}
        self.regions: list[str] = []
        self.operations: list[str] = []  # AWS operations asked, in order (GetRun, StopRun...)
        self.requests = 0  # AWS requests (artifact downloads are counted in ``downloads``)
        self.downloads: list[str] = []  # artifact paths fetched (no query string)
        self.failing: set[str] = set()  # artifact paths that answer HTTP 500
        self.bodies: list[dict[str, Any]] = []  # CodeBuild requests' parameters, in order
        handler = type("Handler", (_Handler,), {"replay": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        self._files = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._files.daemon_threads = True
        serve_tls(self._files)
        self._files_thread = threading.Thread(target=self._files.serve_forever, daemon=True)
        self.files_url = f"https://127.0.0.1:{self._files.server_address[1]}"

    def __enter__(self) -> Self:
        self._thread.start()
        self._files_thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        for server, thread in ((self._server, self._thread), (self._files, self._files_thread)):
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

    def devicefarm(
        self,
        operation: str,
        arn: str,
        responses: Sequence[dict[str, Any]],
        *,
        qualifier: str | None = None,
        then: Mapping[str, Sequence[dict[str, Any]]] | None = None,
    ) -> None:
        """Script Device Farm answers of ``operation`` for ``arn``.

        ``qualifier`` is a later page's ``nextToken`` (ListArtifacts: the ``type``). ``then``
        replaces other operations' scripts for ``arn`` once this one has answered (after
        StopRun, GetRun says STOPPING).
        """
        key: tuple[str, ...] = ("devicefarm", operation, arn)
        if qualifier:
            key = (*key, qualifier)
        with self._lock:
            self._scripts[key] = list(responses)
            if then:
                self._then[key] = {("devicefarm", op, arn): list(r) for op, r in then.items()}

    def codebuild(self, operation: str, key: str, responses: Sequence[dict[str, Any]]) -> None:
        """Script CodeBuild answers of ``operation`` for a build id (or a project, StartBuild)."""
        with self._lock:
            self._scripts["codebuild", operation, key] = list(responses)

    def amplify(self, app: str, branch: str, job: str, responses: Sequence[dict[str, Any]]) -> None:
        """Script Amplify ``GetJob`` answers for one job."""
        with self._lock:
            self._scripts["amplify", app, branch, job] = list(responses)

    def amplify_call(
        self, operation: str, app: str, branch: str, responses: Sequence[dict[str, Any]]
    ) -> None:
        """Script Amplify ``StartJob`` or ``ListJobs`` answers for one branch."""
        with self._lock:
            self._scripts["amplify", operation, app, branch] = list(responses)

    def seen(self, authorization: str, operation: str) -> None:
        """Record one request, its operation and the region it was signed for."""
        match = _REGION.search(authorization)
        with self._lock:
            self.requests += 1
            self.operations.append(operation)
            self.regions.append(match[1] if match else "")

    def asked(self, body: dict[str, Any]) -> None:
        """Record one CodeBuild request's parameters."""
        with self._lock:
            self.bodies.append(body)

    def downloaded(self, path: str) -> bool:
        """Record one artifact download; whether it should fail."""
        with self._lock:
            self.downloads.append(path)
            return path in self.failing

    def next(self, key: tuple[str, ...]) -> dict[str, Any] | None:
        """The next scripted response for ``key`` (the last one repeats), or None."""
        with self._lock:
            script = self._scripts.get(key)
            if not script:
                return None
            self._scripts.update(self._then.pop(key, {}))
            return script.pop(0) if len(script) > 1 else script[0]

    def local_urls(self, body: dict[str, Any]) -> dict[str, Any]:
        """ListArtifacts' presigned URLs pointed here, each path unique, the query kept."""
        listed: list[dict[str, Any]] = body.get("artifacts") or []
        artifacts = [dict(a) for a in listed]
        for artifact in artifacts:
            url = urlsplit(str(artifact.get("url") or ""))
            name = str(artifact.get("arn") or "").rsplit("/", 1)[-1]
            artifact["url"] = (
                f"{self.files_url}/artifacts/{name}.{artifact.get('extension')}?{url.query}"
            )
        return {**body, "artifacts": artifacts}


class _Handler(BaseHTTPRequestHandler):
    """Answers one request from the ``replay`` it belongs to."""

    replay: Replay

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002, ARG002 -- the base names them
        return

    def body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        loaded: dict[str, Any] = json.loads(self.rfile.read(length) or b"{}")
        return loaded

    def do_POST(self) -> None:
        body = self.body()
        start = _AMPLIFY_JOBS.match(self.path)
        if start:
            self.replay.seen(self.headers.get("Authorization", ""), "StartJob")
            self.answer(self.replay.next(("amplify", "StartJob", *start.groups())), 404)
            return
        target = str(self.headers.get("X-Amz-Target", ""))
        operation = target.rpartition(".")[2]
        self.replay.seen(self.headers.get("Authorization", ""), operation)
        if target.startswith("CodeBuild_"):
            self.replay.asked(body)
            named = (body.get("ids") or [None])[0] or body.get("id") or body.get("projectName")
            self.answer(self.replay.next(("codebuild", operation, str(named))), 400)
            return
        key: tuple[str, ...] = ("devicefarm", operation, str(body.get("arn")))
        qualifier = body.get("type") or body.get("nextToken")
        if qualifier:
            key = (*key, str(qualifier))
        answer = self.replay.next(key)
        if operation == "ListArtifacts" and answer is not None:
            answer = self.replay.local_urls(answer)
        self.answer(answer, 400)

    def do_GET(self) -> None:
        if self.path.startswith("/artifacts/"):
            self.artifact()
            return
        listing = _AMPLIFY_JOBS.match(self.path)
        match = _AMPLIFY_JOB.match(self.path)
        self.replay.seen(self.headers.get("Authorization", ""), "ListJobs" if listing else "GetJob")
        if listing:
            key = ("amplify", "ListJobs", *listing.groups())
        else:
            key = ("amplify", *match.groups()) if match else ("amplify", self.path)
        self.answer(self.replay.next(key), 404)

    def do_DELETE(self) -> None:
        self.replay.seen(self.headers.get("Authorization", ""), "StopJob")
        match = _AMPLIFY_STOP.match(self.path)
        key = ("amplify", "StopJob", *match.groups()) if match else ("amplify", self.path)
        self.answer(self.replay.next(key), 404)

    def artifact(self) -> None:
        path = urlsplit(self.path).path
        failing = self.replay.downloaded(path)
        data = b"" if failing else f"artifact {path}\n".encode()
        self.send_response(500 if failing else 200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

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


def devicefarm_job(scenario: str, arn: str, **changes: Any) -> dict[str, Any]:
    """A canned GetJob response for ``arn``, with ``changes`` to the job."""
    body = canned("devicefarm", "get_job", scenario)
    body["job"] = {**body["job"], "arn": arn, **changes}
    return body


def devicefarm_run(scenario: str, arn: str = RUN_ARN, **changes: Any) -> dict[str, Any]:
    """A canned GetRun (or StopRun) response for ``arn``, with ``changes`` to the run."""
    body = canned("devicefarm", "get_run", scenario)
    body["run"] = {**body["run"], "arn": arn, **changes}
    return body


def amplify_job(scenario: str, job_id: str, **changes: Any) -> dict[str, Any]:
    """A canned Amplify GetJob response for job ``job_id``, with ``changes`` to its summary."""
    body = canned("amplify", "get_job", scenario)
    summary = {**body["job"]["summary"], "jobId": job_id, **changes}
    arn = str(summary.get("jobArn") or "")
    if arn:
        summary["jobArn"] = f"{arn.rsplit('/', 1)[0]}/{job_id.zfill(10)}"
    body["job"] = {**body["job"], "summary": summary}
    return body


_JOB = RUN_ARN.replace(":run:", ":job:")


def script_failed_run(replay: Replay, *, artifacts: bool = False) -> None:
    """The canned run's lists: three jobs (pages), two with a failed test each; its artifacts."""
    replay.devicefarm("ListJobs", RUN_ARN, [canned("devicefarm", "list_jobs", "page1")])
    for token, page in (("page-2", "page2"), ("page-3", "page3")):
        replay.devicefarm(
            "ListJobs", RUN_ARN, [canned("devicefarm", "list_jobs", page)], qualifier=token
        )
    for job, suites in (("00000", "pixel"), ("00001", "galaxy")):
        replay.devicefarm(
            "ListSuites", f"{_JOB}/{job}", [canned("devicefarm", "list_suites", suites)]
        )
    suite = RUN_ARN.replace(":run:", ":suite:")
    for path, tests in (("00000/00001", "pixel_tests"), ("00001/00001", "galaxy_login")):
        replay.devicefarm(
            "ListTests", f"{suite}/{path}", [canned("devicefarm", "list_tests", tests)]
        )
    if artifacts:
        for category, scenario in (
            ("FILE", "files"),
            ("LOG", "logs"),
            ("SCREENSHOT", "screenshots"),
        ):
            replay.devicefarm(
                "ListArtifacts",
                RUN_ARN,
                [canned("devicefarm", "list_artifacts", scenario)],
                qualifier=category,
            )
