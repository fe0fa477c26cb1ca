"""download_artifacts: a local HTTPS server on 127.0.0.1 serves the presigned URLs.

The server's certificate is trusted through ``SSL_CERT_FILE`` (``tests/tls.py``).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest

from helpers import make_client
from jobkit import DeviceFarm, aio
from jobkit.errors import ArtifactDownloadError, InvalidArgumentError, ServiceError
from jobkit.testing import Stubber
from tls import ca_file, serve_tls

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

A = "arn:aws:devicefarm:us-west-2:123456789012"
RUN = f"{A}:run:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE"
SECRET = "X-Amz-Signature=0123456789abcdef"
BODY = b"log line\n" * 20_000  # 180 KB: several chunks


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002, ARG002 -- the base names it
        return

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/broken":  # promises the whole body, sends a part, hangs up
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY[:1000])
            self.wfile.flush()
            self.close_connection = True
            return
        if path == "/slow":  # trickles past the per-file bound
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            for _ in range(20):
                try:
                    self.wfile.write(b"x" * 100)
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.05)
            return
        if path == "/missing":
            self.send_error(403)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("SSL_CERT_FILE", ca_file())
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    serve_tls(httpd)
    httpd.daemon_threads = False  # server_close() joins every handler: none outlives the test
    httpd.block_on_close = True
    thread = threading.Thread(
        target=lambda: httpd.serve_forever(0.05), name="artifact server", daemon=True
    )
    thread.start()
    try:
        yield f"https://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)
    assert not thread.is_alive()
    assert not [
        t
        for t in threading.enumerate()
        if t.name.startswith("Thread-") and "process_request" in str(t)
    ]


def _artifact(n: int, name: str, ext: str, url: str) -> dict[str, Any]:
    return {
        "arn": f"{A}:artifact:5e01a8c7/run/00000/00000/{n:05d}",
        "name": name,
        "type": "DEVICE_LOG",
        "extension": ext,
        "url": url,
    }


def _stub(client: Any, pages: dict[str, list[dict[str, Any]]]) -> Stubber:
    stubber = Stubber(client)
    for category, artifacts in pages.items():
        stubber.add_response(
            "list_artifacts", {"artifacts": artifacts}, {"arn": RUN, "type": category}
        )
    return stubber


def test_saves_each_artifact_under_a_unique_name(server: str, tmp_path: Path) -> None:
    client = make_client("devicefarm")
    (tmp_path / "Logcat.logcat").write_text("an older download", encoding="utf-8")
    pages = {
        "LOG": [
            _artifact(1, "Logcat", "logcat", f"{server}/a?{SECRET}"),
            _artifact(2, "Logcat", "logcat", f"{server}/b?{SECRET}"),
        ],
        "SCREENSHOT": [_artifact(3, "home/screen", "png", f"{server}/c?{SECRET}")],
    }
    with _stub(client, pages) as stubber:
        paths = DeviceFarm(client).download_artifacts(RUN, tmp_path / "out", ("LOG", "SCREENSHOT"))
        stubber.assert_no_pending_responses()
    assert [p.name for p in paths] == ["Logcat.logcat", "Logcat-2.logcat", "home_screen.png"]
    assert all(p.read_bytes() == BODY for p in paths)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths)


def test_a_broken_and_a_slow_download_leave_no_partial_file(
    server: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client("devicefarm")
    pages = {
        "LOG": [
            _artifact(1, "broken", "txt", f"{server}/broken?{SECRET}"),
            _artifact(2, "slow", "txt", f"{server}/slow?{SECRET}"),
            _artifact(3, "denied", "txt", f"{server}/missing?{SECRET}"),
            _artifact(4, "good", "txt", f"{server}/good?{SECRET}"),
        ]
    }
    caplog.set_level(logging.DEBUG, logger="jobkit")
    started = time.monotonic()
    with _stub(client, pages), pytest.raises(ArtifactDownloadError) as info:
        DeviceFarm(client).download_artifacts(RUN, tmp_path, ("LOG",), file_timeout=0.5)
    assert time.monotonic() - started < 5
    error = info.value
    assert isinstance(error, ServiceError)
    assert [p.name for p in error.written] == ["good.txt"]
    reasons = {k.split(" ")[0]: v for k, v in error.failed.items()}
    assert reasons == {
        "broken": "the connection closed mid-file",
        "slow": "took longer than 0.5s",
        "denied": "HTTP 403",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.txt"]  # no .part left
    for text in (str(error), repr(error), caplog.text, *error.failed.values()):
        assert SECRET not in text
        assert server not in text


def test_async_download_is_the_same(server: str, tmp_path: Path) -> None:
    client = make_client("devicefarm")
    pages = {"FILE": [_artifact(1, "video", "mp4", f"{server}/v?{SECRET}")]}
    with _stub(client, pages):
        paths = asyncio.run(aio.DeviceFarm(client).download_artifacts(RUN, tmp_path, ["FILE"]))
    assert [p.read_bytes() for p in paths] == [BODY]


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"types": ("LOGS",)}, "'LOGS' is not an artifact category"),
        ({"types": "LOG"}, "types must be a tuple"),
        ({"types": ()}, "types is empty"),
        ({"file_timeout": 0}, "file_timeout is 0"),
        ({"arn": f"{A}:suite:x/y/z/w"}, "not a run or job ARN"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    tmp_path: Path, kwargs: dict[str, Any], fragment: str
) -> None:
    client = make_client("devicefarm")
    args: dict[str, Any] = {"arn": RUN, "directory": tmp_path, **kwargs}
    with Stubber(client), pytest.raises(InvalidArgumentError) as info:
        DeviceFarm(client).download_artifacts(**args)
    assert fragment in str(info.value)


def test_a_directory_that_cannot_be_created_is_refused(tmp_path: Path) -> None:
    client = make_client("devicefarm")
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    with Stubber(client), pytest.raises(InvalidArgumentError) as info:
        DeviceFarm(client).download_artifacts(RUN, blocker / "sub")
    assert "cannot be created or written" in str(info.value)
    assert len(str(info.value)) < 300
