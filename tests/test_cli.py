"""The jobkit command as a user runs it: a subprocess against moto's server, every exit code."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jobkit.testing import MotoIoT

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.integration

FAST = ["--min-delay", "0.001", "--max-delay", "0.001"]  # polls back to back


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoIoT]:
    with MotoIoT() as server:
        yield server


@pytest.fixture
def env() -> dict[str, str]:
    src = str(Path(__file__).parent.parent / "src")
    return {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
        "NO_COLOR": "1",
    }


_ids = iter(range(1_000_000))


def _job(moto: MotoIoT, things: int = 2, selection: str = "SNAPSHOT") -> tuple[str, list[str]]:
    n = next(_ids)
    names = [f"cli-{n}-thing-{i}" for i in range(things)]
    job_id = f"cli-job-{n}"
    moto.create_job(job_id, names, target_selection=selection)
    return job_id, names


def _run(env: dict[str, str], moto: MotoIoT, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jobkit", *args, "--endpoint-url", moto.endpoint_url],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_wait_success_exit_0_with_progress_lines(moto: MotoIoT, env: dict[str, str]) -> None:
    job_id, (a, b) = _job(moto)
    moto.script(
        job_id,
        [{}, {a: "IN_PROGRESS"}, {a: "SUCCEEDED", b: "IN_PROGRESS"}, {b: "SUCCEEDED"}],
    )
    result = _run(env, moto, "wait", "iot-job", job_id, *FAST)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert [line.split("] ", 1)[1] for line in lines] == [
        f"IoT job {job_id}: QUEUED (0/2 things succeeded)",
        f"IoT job {job_id}: IN_PROGRESS (0/2 things succeeded)",
        f"IoT job {job_id}: IN_PROGRESS (1/2 things succeeded)",
        f"IoT job {job_id}: COMPLETED (2/2 things succeeded) -> SUCCEEDED",
    ]
    assert all(line.startswith("[0:00:") for line in lines)
    out = result.stdout.splitlines()
    assert out[0] == "iot.Job: COMPLETED (2/2 things succeeded) -> SUCCEEDED"
    assert "  outcome: SUCCEEDED" in out
    assert f"  job_id: {job_id}" in out
    assert "  job_process_details.number_of_succeeded_things: 2" in out


def test_wait_failed_exit_1_json(moto: MotoIoT, env: dict[str, str]) -> None:
    job_id, (a, b) = _job(moto)
    moto.script(job_id, [{a: "SUCCEEDED", b: "FAILED"}])
    result = _run(env, moto, "wait", "iot-job", job_id, "--output", "json", "--quiet", *FAST)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    body = json.loads(result.stdout)
    assert body["jobId"] == job_id
    assert body["status"] == "COMPLETED"
    assert body["jobProcessDetails"]["numberOfFailedThings"] == 1
    assert "completedAt" in body


def test_wait_cancelled_exit_3(moto: MotoIoT, env: dict[str, str]) -> None:
    job_id, _ = _job(moto)
    moto.client().cancel_job(jobId=job_id)
    result = _run(env, moto, "wait", "iot-job", job_id, "--quiet", *FAST)
    assert result.returncode == 3
    assert "outcome: CANCELLED" in result.stdout


def test_wait_execution_exit_codes(moto: MotoIoT, env: dict[str, str]) -> None:
    job_id, (a, b) = _job(moto)
    moto.script(job_id, [{a: "IN_PROGRESS"}, {a: "REJECTED"}])
    result = _run(env, moto, "wait", "iot-execution", job_id, a, *FAST)
    assert result.returncode == 1
    assert "IN_PROGRESS" in result.stderr
    assert result.stdout.startswith("iot.JobExecution: REJECTED -> FAILED")
    moto.report(job_id, b, "SUCCEEDED", firmware="2.4.1")
    ok = _run(env, moto, "wait", "iot-execution", job_id, b, "--execution-number", "123", *FAST)
    assert ok.returncode == 0, ok.stderr
    assert "  status_details.details_map: firmware=2.4.1" in ok.stdout


def test_timeout_exit_4_prints_the_last_model(moto: MotoIoT, env: dict[str, str]) -> None:
    job_id, _ = _job(moto)
    result = _run(env, moto, "wait", "iot-job", job_id, "--timeout", "0.001", "--output", "json")
    assert result.returncode == 4
    assert json.loads(result.stdout)["status"] == "QUEUED"
    assert re.search(r"jobkit: timeout: Timed out after 0:00:0\d and [12] polls", result.stderr)
    assert "Raise --timeout" in result.stderr
    assert "Traceback" not in result.stderr


def test_not_found_exit_5(moto: MotoIoT, env: dict[str, str]) -> None:
    result = _run(env, moto, "get", "iot-job", "no-such-job")
    assert result.returncode == 5
    assert result.stdout == ""
    assert result.stderr == (
        "jobkit: aws error: IoT job no-such-job was not found (ResourceNotFoundException: "
        "The specified resource does not exist); check the identifier and the region.\n"
    )


def test_no_credentials_exit_5(
    moto: MotoIoT, env: dict[str, str], tmp_path: os.PathLike[str]
) -> None:
    bare = {k: v for k, v in env.items() if not k.startswith("AWS_")}
    bare |= {
        "AWS_CONFIG_FILE": str(tmp_path) + "/none",
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path) + "/none",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    result = _run(bare, moto, "get", "iot-job", "anything")
    assert result.returncode == 5
    assert "No usable AWS credentials" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["get", "iot-job", "bad id"], "is not an IoT job id"),
        (
            [
                "get",
                "devicefarm-job",
                "arn:aws:devicefarm:us-west-2:123456789012:run:5e01a8c7-c861-4c0a-b1d5/x",
            ],
            "is a Device Farm run ARN, not a job ARN",
        ),
        (["get", "amplify-job", "nope", "main", "1"], "is not an Amplify app id"),
        (["wait", "iot-job", "ok-id", "--timeout", "-5"], "--timeout is -5"),
        (
            ["get", "iot-job", "x", "--profile", "no-such-profile"],
            "profile 'no-such-profile' does not exist",
        ),
        (["get", "iot-job"], "the following arguments are required: JOB_ID"),
        (["wait", "dynamo-table", "x"], "invalid choice: 'dynamo-table'"),
        (["get"], "argument RESOURCE: invalid choice"),  # --endpoint-url lands where RESOURCE goes
    ],
)
def test_usage_and_invalid_arguments_exit_2(
    moto: MotoIoT, env: dict[str, str], args: list[str], message: str
) -> None:
    result = _run(env, moto, *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert result.stderr.startswith("jobkit: error: ")
    assert "Traceback" not in result.stderr


def test_get_prints_text_and_json(moto: MotoIoT, env: dict[str, str]) -> None:
    job_id, (a, _) = _job(moto)
    text = _run(env, moto, "get", "iot-execution", job_id, a)
    assert text.returncode == 0
    assert text.stdout.splitlines()[:2] == ["iot.JobExecution: QUEUED", "  outcome: (not finished)"]
    as_json = json.loads(_run(env, moto, "get", "iot-job", job_id, "--output", "json").stdout)
    assert as_json["jobId"] == job_id
    assert as_json["targetSelection"] == "SNAPSHOT"


def test_help_documents_exit_codes(env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "jobkit", "wait", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0
    for line in (
        "0    the outcome is SUCCEEDED",
        "1    the outcome is FAILED",
        "3    the outcome is CANCELLED",
        "4    timed out",
        "5    AWS error",
        "130  interrupted",
        "143  terminated",
    ):
        assert line in result.stdout


def test_progress_on_a_terminal_is_one_live_line(moto: MotoIoT, env: dict[str, str]) -> None:
    job_id, (a, b) = _job(moto)
    moto.script(job_id, [{}, {a: "IN_PROGRESS"}, {a: "SUCCEEDED", b: "SUCCEEDED"}])
    leader, follower = pty.openpty()
    cmd = [
        sys.executable,
        "-m",
        "jobkit",
        "wait",
        "iot-job",
        job_id,
        "--endpoint-url",
        moto.endpoint_url,
        *FAST,
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    stdout = proc.communicate(timeout=30)[0].decode()
    os.close(leader)
    stderr = b"".join(chunks).decode()
    assert proc.returncode == 0
    assert stderr.count("\r\x1b[K") >= 3  # redrawn in place (at each change and each sleep)
    assert stderr.count("\n") <= 2  # the live line ends once (a pty may turn \n into \r\n)
    assert f"IoT job {job_id}: COMPLETED (2/2 things succeeded) -> SUCCEEDED" in stderr
    assert stdout.startswith("iot.Job: COMPLETED")
