"""``jobkit get|wait batch-job``, in-process: exit codes, the summary, TerminateJob on timeout.

Against a small Batch endpoint on 127.0.0.1 that answers scripted canned responses (Batch is
REST-JSON: ``POST /v1/describejobs``, ``POST /v1/terminatejob``), and against moto's server
over real HTTP (its no-docker backend ends a job during SubmitJob; see tests/test_batch_moto.py).
"""

from __future__ import annotations

import copy
import io
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest

import faultproxy
from cli_helpers import FAST
from jobkit._cli import main
from jobkit.batch._operations import TERMINATE_REASON
from jobkit.testing import load_stub
from test_batch_moto import batch_client, endpoint, queue, submit

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

pytestmark = pytest.mark.integration
no_thread_leaks = faultproxy.no_thread_leaks
_ = (endpoint, queue)  # moto's fixtures, used by name

JOB = "4b6a7c2e-1f3d-4e5a-9b8c-0d1e2f3a4b02"
WHAT = f"Batch job {JOB}"


class BatchReplay:
    """Scripted answers per operation (the last repeats); every request's body is recorded."""

    def __init__(self) -> None:
        self.scripts: dict[str, list[dict[str, Any]]] = {}
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.lock = threading.Lock()
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002, ARG002
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body: dict[str, Any] = json.loads(self.rfile.read(length) or b"{}")
                operation = self.path.rstrip("/").rpartition("/")[2]
                with replay.lock:
                    replay.requests.append((operation, body))
                    script = replay.scripts.get(operation) or [{}]
                    answer = script.pop(0) if len(script) > 1 else script[0]
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="batch-replay")
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def script(self, operation: str, answers: Sequence[dict[str, Any]]) -> None:
        with self.lock:
            self.scripts[operation] = [copy.deepcopy(a) for a in answers]

    def operations(self) -> list[str]:
        with self.lock:
            return [op for op, _ in self.requests]


@pytest.fixture
def replay() -> Iterator[BatchReplay]:
    server = BatchReplay()
    server.thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()
        server.thread.join(5)


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


def _run(url: str, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([*argv, "--endpoint-url", url], stdout=out, stderr=err, environ={})
    return code, out.getvalue(), err.getvalue()


def _jobs(*scenarios: str) -> list[dict[str, Any]]:
    return [load_stub("batch", "describe_jobs", s) for s in scenarios]


def test_wait_failed_summary_shows_the_reason_exit_code_and_log_stream(replay: BatchReplay) -> None:
    replay.script("describejobs", _jobs("running", "failed"))
    code, out, err = _run(replay.url, "wait", "batch-job", JOB, "--output", "summary", *FAST)
    assert code == 1, err
    assert out.splitlines() == [
        f"FAILED: {WHAT}",
        "  status: FAILED: Essential container in task exited (exit code 1, 2 attempts) -> FAILED",
        "  job: nightly-etl on queue nightly",
        "  reason: Essential container in task exited",
        "  exit code: 1",
        "  attempts: 2",
        "  logs: etl/default/9f8e7d6c5b4a39281706f5e4d3c2b106 (log group /aws/batch/job)",
    ]
    assert "RUNNING" in err
    assert replay.requests == [("describejobs", {"jobs": [JOB]})] * 2


def test_wait_an_out_of_memory_attempt_names_the_containers_reason(replay: BatchReplay) -> None:
    failed = load_stub("batch", "describe_jobs", "failed")
    failed["jobs"][0]["attempts"] = failed["jobs"][0]["attempts"][:1]  # the OOM attempt alone
    replay.script("describejobs", [failed])
    code, out, _ = _run(replay.url, "wait", "batch-job", JOB, "--output", "summary", *FAST)
    assert code == 1
    assert "  exit code: 137" in out.splitlines()
    assert "  container: OutOfMemoryError: Container killed due to memory usage" in out.splitlines()


def test_wait_an_array_job_counts_its_children(replay: BatchReplay) -> None:
    parent = load_stub("batch", "describe_jobs", "array_running")
    parent_id = parent["jobs"][0]["jobId"]
    done = copy.deepcopy(parent)
    done["jobs"][0]["status"] = "SUCCEEDED"
    size = done["jobs"][0]["arrayProperties"]["size"]
    done["jobs"][0]["arrayProperties"]["statusSummary"] = {"SUCCEEDED": size - 1, "FAILED": 1}
    replay.script("describejobs", [parent, done])
    code, out, err = _run(replay.url, "wait", "batch-job", parent_id, "--output", "summary", *FAST)
    assert code == 0, err
    assert f"  children: {size} ({size - 1} SUCCEEDED, 1 FAILED)" in out.splitlines()
    assert "children done" in err  # progress on stderr reads the counts


def test_get_prints_the_job_as_json(replay: BatchReplay) -> None:
    replay.script("describejobs", _jobs("succeeded"))
    arn = f"arn:aws:batch:us-east-1:123456789012:job/{JOB}"
    code, out, _ = _run(replay.url, "get", "batch-job", arn, "--output", "json")
    assert code == 0
    assert "hunter2-planted" not in out  # an environment variable's value, hidden by default
    code, out, _ = _run(replay.url, "get", "batch-job", arn, "--output", "json", "--show-secrets")
    assert code == 0
    assert json.loads(out) == load_stub("batch", "describe_jobs", "succeeded")["jobs"][0]
    assert replay.requests == [("describejobs", {"jobs": [JOB]})] * 2  # the ARN read as its id


@pytest.mark.parametrize(
    ("scenario", "exit_code"), [("succeeded", 0), ("terminated", 3), ("cancelled", 3)]
)
def test_exit_codes_follow_the_outcome(replay: BatchReplay, scenario: str, exit_code: int) -> None:
    replay.script("describejobs", _jobs(scenario))
    code, _, err = _run(replay.url, "wait", "batch-job", JOB, *FAST)
    assert code == exit_code, err


def test_not_found_exits_5_after_the_grace(replay: BatchReplay) -> None:
    replay.script("describejobs", _jobs("not_found"))
    code, out, err = _run(replay.url, "wait", "batch-job", JOB, "--not-found-grace", "0.05", *FAST)
    assert code == 5
    assert out == ""
    assert f"{WHAT} was not found" in err


def test_a_bad_id_is_a_usage_error_before_any_request(replay: BatchReplay) -> None:
    code, _, err = _run(replay.url, "wait", "batch-job", "nightly-etl", *FAST)
    assert code == 2
    assert "is not a Batch job id" in err
    assert replay.requests == []


def test_timeout_with_cancel_terminates_the_job_with_jobkits_reason(replay: BatchReplay) -> None:
    stopped = load_stub("batch", "describe_jobs", "stopped_by_jobkit")
    stopped["jobs"][0]["statusReason"] = TERMINATE_REASON
    replay.script("describejobs", _jobs("runnable"))
    replay.script("terminatejob", [{}])
    code, _, err = _run(
        replay.url, "wait", "batch-job", JOB, "--timeout", "0.2", "--cancel-on-timeout", *FAST
    )
    assert code == 4, err
    assert ("terminatejob", {"jobId": JOB, "reason": TERMINATE_REASON}) in replay.requests
    assert "(TerminateJob) and AWS accepted it" in err


def test_wait_help_lists_the_resource_and_its_defaults() -> None:
    out = io.StringIO()
    with pytest.raises(SystemExit):
        main(["wait", "--help"], stdout=out)
    # argparse prints help to sys.stdout; read the resource's own help instead.
    err = io.StringIO()
    import contextlib  # noqa: PLC0415

    with contextlib.redirect_stdout(err), pytest.raises(SystemExit):
        main(["wait", "batch-job", "--help"])
    assert "defaults: --timeout 12h, --min-delay 5s, --max-delay 2m" in err.getvalue()


# moto's server over real HTTP


def test_moto_submitted_job_waits_to_success(endpoint: str, queue: str) -> None:
    submitted = submit(endpoint, queue)
    assert submitted.job_id is not None
    code, out, err = _run(
        endpoint, "wait", "batch-job", submitted.job_id, "--output", "summary", *FAST
    )
    assert code == 0, err
    assert out.splitlines()[0] == f"SUCCEEDED: Batch job {submitted.job_id}"
    assert f"  logs: etl/default/{submitted.job_id} (log group /aws/batch/job)" in out.splitlines()


def test_moto_failed_and_terminated_jobs_exit_1_and_3(
    endpoint: str, queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOTO_SIMPLE_BATCH_FAIL_AFTER", "0")
    failed = submit(endpoint, queue).job_id
    stopped = submit(endpoint, queue).job_id
    assert failed is not None
    assert stopped is not None
    batch_client(endpoint).terminate_job(jobId=stopped, reason=TERMINATE_REASON)
    assert _run(endpoint, "wait", "batch-job", failed, *FAST)[0] == 1
    code, out, _ = _run(endpoint, "wait", "batch-job", stopped, "--output", "summary", *FAST)
    assert code == 3
    assert out.splitlines()[0] == f"CANCELLED: Batch job {stopped}"
    assert f"  reason: {TERMINATE_REASON}" in out.splitlines()
    code, out, _ = _run(endpoint, "get", "batch-job", failed, "--output", "summary")
    assert code == 0  # get reads; only wait's exit code follows the outcome
    assert out.splitlines()[0] == f"FAILED: Batch job {failed}"
