"""Hostile artifact names, extensions and URLs (issue 17): every file stays inside DIR.

Device Farm artifacts are named by whoever wrote the tests, and their URLs come from
AWS's answer. A local HTTPS server (``tests/tls.py``) serves the files, redirects
elsewhere, bodies longer than declared and bodies that never end; ListArtifacts is
stubbed with hostile names. The command's side goes through the replay endpoint.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

import pytest

from cli_helpers import FAST, env, jobkit, replay
from github_runner import ESCAPES, commands
from helpers import make_client
from jobkit import DeviceFarm, aio
from jobkit.devicefarm import Artifact
from jobkit.devicefarm._artifacts import file_names, save_all
from jobkit.errors import ArtifactDownloadError, InvalidArgumentError
from jobkit.testing import Stubber
from replay_server import RUN_ARN, Replay, devicefarm_run
from tls import ca_file, serve_tls

if TYPE_CHECKING:
    from collections.abc import Iterator

_ = (env, replay)  # fixtures, used by name

A = "arn:aws:devicefarm:us-west-2:123456789012"
RUN = f"{A}:run:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE"
BODY = b"artifact body\n" * 1000
WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in "0123456789"
}


class _Handler(BaseHTTPRequestHandler):
    paths: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002, ARG002 -- the base names it
        return

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.paths.append(path)
        port = cast("ThreadingHTTPServer", self.server).server_port
        redirects = {
            "/to-http": f"http://127.0.0.1:{port}/ok",
            "/to-ftp": "ftp://127.0.0.1/ok",
            "/to-file": "file:///etc/passwd",
            "/to-https": "/ok",  # relative: the same https server
        }
        if path in redirects:
            self.send_response(302)
            self.send_header("Location", redirects[path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/endless":  # no length: read until the server closes, which it never does
            self.send_response(200)
            self.end_headers()
            self._pour(b"x" * 65536, limit=1_000_000)  # 64 GB: until the client gives up
            return
        if path == "/longer":  # declares 1000 bytes, sends far more
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self._pour(b"y" * 65536, limit=20)
            return
        if path == "/huge":  # declares more than any bound
            self.send_response(200)
            self.send_header("Content-Length", str(10**12))
            self.end_headers()
            self._pour(b"z" * 65536, limit=20)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def _pour(self, chunk: bytes, *, limit: int) -> None:
        for _ in range(limit):
            try:
                self.wfile.write(chunk)
                self.wfile.flush()
            except OSError:  # the client gave up: what it should do
                return


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("SSL_CERT_FILE", ca_file())
    _Handler.paths = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = False  # server_close() joins every handler: none outlives the test
    httpd.block_on_close = True
    serve_tls(httpd)
    thread = threading.Thread(target=lambda: httpd.serve_forever(0.05), daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)
    assert not thread.is_alive()


def _artifact(n: int, name: str | None, ext: str | None, url: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "arn": f"{A}:artifact:5e01a8c7/run/00000/00000/{n:05d}",
        "type": "DEVICE_LOG",
    }
    item.update(
        {k: v for k, v in (("name", name), ("extension", ext), ("url", url)) if v is not None}
    )
    return item


def _download(
    items: list[dict[str, Any]], directory: Path, **kwargs: Any
) -> tuple[tuple[Path, ...], dict[str, str]]:
    client = make_client("devicefarm")
    with Stubber(client) as stubber:
        stubber.add_response("list_artifacts", {"artifacts": items}, {"arn": RUN, "type": "LOG"})
        try:
            paths = DeviceFarm(client).download_artifacts(RUN, directory, ("LOG",), **kwargs)
        except ArtifactDownloadError as exc:
            return exc.written, {k.split(" (")[0]: v for k, v in exc.failed.items()}
    return paths, {}


def _tree(root: Path) -> dict[str, str]:
    """Every entry under ``root`` (not following symlinks): path -> what it is."""
    found: dict[str, str] = {}
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder) / name
            kind = (
                f"link -> {path.readlink()}"
                if path.is_symlink()
                else "dir"
                if path.is_dir()
                else path.read_bytes().hex()[:40]
            )
            found[str(path.relative_to(root))] = kind
    return found


HOSTILE_NAMES: list[tuple[str | None, str | None]] = [
    ("../../x", "log"),
    ("/etc/passwd", None),
    ("..", None),
    (".", ""),
    ("\0", "\0"),
    ("a" * 300, "b" * 300),
    ("report", "log"),
    ("REPORT", "LOG"),  # a case-only twin
    ("Report", "Log"),
    ("CON", None),
    ("nul", "txt"),
    ("COM1", "log"),
    ("lpt9 ", "x"),
    ("aux.tar", "gz"),
    ("sub/dir/../../../escape", "sh"),
    ("C:\\Windows\\System32\\evil", "dll"),
    ("name", "../../../etc/cron.d/x"),
    ("\u202egnp.exe\x1b[2J", "txt"),
    ("~", "ssh"),
    ("-rf", None),
    (None, None),
    ("", ""),
    (" . ", " . "),
]


def test_hostile_names_land_inside_the_directory(server: str, tmp_path: Path) -> None:
    directory = tmp_path / "out"
    items = [_artifact(i, n, e, f"{server}/f{i}") for i, (n, e) in enumerate(HOSTILE_NAMES)]
    paths, failed = _download(items, directory)
    assert failed == {}
    assert len(paths) == len(HOSTILE_NAMES)
    assert set(_tree(tmp_path)) == {"out", *(f"out/{p.name}" for p in paths)}  # nothing else
    names = [p.name for p in paths]
    assert len({n.lower() for n in names}) == len(names)  # unique even case-insensitively
    for path in paths:
        assert path.parent == directory
        assert path.read_bytes() == BODY
        assert not path.is_symlink()
        name = path.name
        assert len(name.encode()) <= 210
        assert name.isascii()
        assert name == name.strip(" .")
        assert not name.startswith((".", "-"))  # never a dot file, never an option
        assert name.split(".", 1)[0].rstrip(" ").upper() not in WINDOWS_DEVICES, name
        assert all(unicodedata.category(c)[0] != "C" for c in name)
    assert names[:4] == ["_.._x.log", "_etc_passwd", "artifact", "artifact-2"]
    assert names[6:9] == ["report.log", "REPORT-2.LOG", "Report-3.Log"]
    assert names[9:14] == ["_CON", "_nul.txt", "_COM1.log", "_lpt9.x", "_aux.tar.gz"]


def test_a_symlink_in_the_directory_is_never_followed(server: str, tmp_path: Path) -> None:
    directory, outside = tmp_path / "out", tmp_path / "outside"
    directory.mkdir()
    outside.mkdir()
    (outside / "target.log").write_text("precious", encoding="utf-8")
    (directory / "x.log").symlink_to(outside / "target.log")
    (directory / "y.log").symlink_to(outside / "created.log")  # dangling
    (directory / "Z.LOG").write_text("an older download", encoding="utf-8")
    before = _tree(tmp_path)
    items = [_artifact(i, n, "log", f"{server}/f{i}") for i, n in enumerate(("x", "y", "z"))]
    paths, failed = _download(items, directory)
    assert failed == {}
    assert [p.name for p in paths] == ["x-2.log", "y-2.log", "z-2.log"]
    after = _tree(tmp_path)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing there changed
    assert set(after) - set(before) == {"out/x-2.log", "out/y-2.log", "out/z-2.log"}
    assert not (outside / "created.log").exists()


def test_a_name_taken_after_planning_is_left_alone(server: str, tmp_path: Path) -> None:
    outside = tmp_path / "target.log"
    outside.write_text("precious", encoding="utf-8")
    artifact = Artifact(arn=f"{A}:artifact:x/1", name="late", extension="log", url=f"{server}/ok")
    [(_, path)] = file_names([artifact], tmp_path)
    path.symlink_to(outside)  # appears between choosing the name and saving the file
    with pytest.raises(ArtifactDownloadError) as info:
        save_all([(artifact, path)], timeout=5)
    assert list(info.value.failed.values()) == [
        "late.log appeared in the directory meanwhile; it was left alone"
    ]
    assert outside.read_text(encoding="utf-8") == "precious"
    assert path.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["late.log", "target.log"]  # no .part


def test_only_https_urls_are_fetched(server: str, tmp_path: Path) -> None:
    port = server.rsplit(":", 1)[1]
    urls = {
        "file": "file:///etc/passwd",
        "ftp": "ftp://127.0.0.1/x",
        "http": f"http://127.0.0.1:{port}/ok",
        "data": "data:text/plain,hello",
        "bare": "/etc/passwd",
        "upper": f"HTTPS://127.0.0.1:{port}/ok",
        "to-http": f"{server}/to-http",
        "to-ftp": f"{server}/to-ftp",
        "to-file": f"{server}/to-file",
        "to-https": f"{server}/to-https",
    }
    items = [_artifact(i, name, "txt", url) for i, (name, url) in enumerate(urls.items())]
    paths, failed = _download(items, tmp_path)
    only = "(only https URLs are downloaded)"
    assert failed == {
        "file": f"refused a URL with scheme file {only}",
        "ftp": f"refused a URL with scheme ftp {only}",
        "http": f"refused a URL with scheme http {only}",
        "data": f"refused a URL with scheme data {only}",
        "bare": f"refused a URL with no scheme {only}",
        "to-http": f"refused a redirect to a URL with scheme http {only}",
        "to-ftp": f"refused a redirect to a URL with scheme ftp {only}",
        "to-file": f"refused a redirect to a URL with scheme file {only}",
    }
    assert [p.name for p in paths] == ["upper.txt", "to-https.txt"]
    assert all(p.read_bytes() == BODY for p in paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["to-https.txt", "upper.txt"]
    # The refused URLs were never asked for; each redirect's target was not followed.
    assert sorted(_Handler.paths) == ["/ok", "/ok", "/to-file", "/to-ftp", "/to-http", "/to-https"]


def test_bodies_are_cut_at_the_bounds(server: str, tmp_path: Path) -> None:
    items = [
        _artifact(1, "endless", "bin", f"{server}/endless"),
        _artifact(2, "huge", "bin", f"{server}/huge"),
        _artifact(3, "longer", "bin", f"{server}/longer"),
        _artifact(4, "fits", "bin", f"{server}/ok"),
    ]
    started = time.monotonic()
    paths, failed = _download(items, tmp_path, max_file_bytes=100_000)
    assert time.monotonic() - started < 10
    limit = "larger than the per-file limit of 100000 bytes"
    assert failed == {"endless": limit, "huge": limit}
    assert [p.name for p in paths] == ["longer.bin", "fits.bin"]
    assert (tmp_path / "longer.bin").read_bytes() == b"y" * 1000  # what it declared, no more
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fits.bin", "longer.bin"]  # no .part


def test_an_endless_body_is_cut_by_the_time_bound_too(server: str, tmp_path: Path) -> None:
    items = [_artifact(1, "endless", "bin", f"{server}/endless")]
    started = time.monotonic()
    paths, failed = _download(items, tmp_path, file_timeout=0.3)
    assert time.monotonic() - started < 10
    assert (paths, failed) == ((), {"endless": "took longer than 0.3s"})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "10", None])
def test_max_file_bytes_is_checked_before_any_request(tmp_path: Path, bad: object) -> None:
    client = make_client("devicefarm")
    with Stubber(client), pytest.raises(InvalidArgumentError) as info:
        DeviceFarm(client).download_artifacts(RUN, tmp_path, max_file_bytes=cast("Any", bad))
    assert f"max_file_bytes is {bad!r}; pass a whole number of bytes above 0" in str(info.value)
    other = make_client("devicefarm")
    download = aio.DeviceFarm(other).download_artifacts
    with Stubber(other), pytest.raises(InvalidArgumentError):
        asyncio.run(download(RUN, tmp_path, max_file_bytes=cast("Any", bad)))


def test_async_download_keeps_the_same_promises(server: str, tmp_path: Path) -> None:
    directory = tmp_path / "out"
    (tmp_path / "outside.log").write_text("precious", encoding="utf-8")
    directory.mkdir()
    (directory / "a.log").symlink_to(tmp_path / "outside.log")
    items = [
        _artifact(1, "../../a", "log", f"{server}/ok"),
        _artifact(2, "a", "log", f"{server}/ok"),
        _artifact(3, "CON", "log", f"{server}/ok"),
        _artifact(4, "plain", "log", server.replace("https://", "http://") + "/ok"),
        _artifact(5, "big", "log", f"{server}/endless"),
    ]
    client = make_client("devicefarm")
    with Stubber(client) as stubber:
        stubber.add_response("list_artifacts", {"artifacts": items}, {"arn": RUN, "type": "LOG"})
        with pytest.raises(ArtifactDownloadError) as info:
            asyncio.run(
                aio.DeviceFarm(client).download_artifacts(
                    RUN, directory, ["LOG"], max_file_bytes=50_000
                )
            )
    assert [p.name for p in info.value.written] == ["_.._a.log", "a-2.log", "_CON.log"]
    assert sorted(v for v in info.value.failed.values()) == [
        "larger than the per-file limit of 50000 bytes",
        "refused a URL with scheme http (only https URLs are downloaded)",
    ]
    assert (tmp_path / "outside.log").read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in directory.iterdir()) == [
        "_.._a.log",
        "_CON.log",
        "a-2.log",
        "a.log",
    ]


# The command


@pytest.mark.integration
def test_the_command_saves_hostile_names_inside_dir_and_says_so_safely(
    replay: Replay, env: dict[str, str], tmp_path: Path
) -> None:
    names = ["../../escape\n::error::pwned", "\x1b]0;title\x07x", "::add-mask::y"]
    replay.devicefarm("GetRun", RUN_ARN, [devicefarm_run("passed")])
    artifacts = [
        {
            "arn": f"{A}:artifact:x/run/0/0/{i:05d}",
            "name": n,
            "type": "DEVICE_LOG",
            "extension": "log",
            "url": "https://x/y",
        }
        for i, n in enumerate(names)
    ]
    for category in ("FILE", "LOG", "SCREENSHOT"):
        replay.devicefarm(
            "ListArtifacts",
            RUN_ARN,
            [{"artifacts": artifacts if category == "LOG" else []}],
            qualifier=category,
        )
    replay.failing.add("/artifacts/00002.log")  # its failure is reported, name and all
    folder = tmp_path / "saved"
    github = {
        **env,
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(tmp_path / "o"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "s"),
    }
    result = jobkit(
        github,
        "wait",
        "devicefarm-run",
        RUN_ARN,
        "--artifacts",
        str(folder),
        *FAST,
        "--endpoint-url",
        replay.url,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o", "s", "saved"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "_.._escape_error_pwned.log",
        "_0_title_x.log",
    ]
    for text in (result.stdout, result.stderr):
        for char in ESCAPES:
            assert char not in text
    assert commands(result.stdout) == []
    assert commands(result.stderr) == ["group", "endgroup"]
    assert "  ::add-mask::y (arn:aws:devicefarm:" not in result.stderr
    assert "  \\u003a:add-mask::y (arn:aws:devicefarm:" in result.stderr
