"""The command in CI (issue 12): exit codes, signals, a closed stdout, no leaks, GitHub mode.

Subprocesses against moto's server (IoT) and a local endpoint that replays canned Device
Farm and Amplify responses (``tests/replay_server.py``).
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from jobkit._cli._durations import parse_duration
from jobkit.testing import MotoIoT
from replay_server import Replay, canned, devicefarm_job

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.integration

FAST = ["--min-delay", "0.01", "--max-delay", "0.01"]
RUN = "5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE"
ARN = f"arn:aws:devicefarm:us-west-2:123456789012:job:{RUN}/00000"
LONG_ARN = f"arn:aws:devicefarm:us-west-2:123456789012:job:{RUN}-{'x' * 90}/00001"
SESSION = "arn:aws:devicefarm:us-west-2:123456789012:session:5e01a8c7-c861-4c0a-b1d5/abc/00000"
APP, BRANCH = "d2a4xexample1", "main"

# Planted secrets: each value below must never appear in output unless --show-secrets.
SIGV4 = (
    "https://b.s3.amazonaws.com/video.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIAPLANTEDCRED4%2F20260101%2Fus-west-2%2Fs3%2Faws4_request"
    "&X-Amz-Security-Token=PLANTEDTOKEN4&X-Amz-Signature=PLANTEDSIG4"
)
SIGV2 = "https://b.s3.amazonaws.com/log.txt?AWSAccessKeyId=AKIAPLANTEDV2&Expires=1&Signature=PLANTEDSIG2"
CLOUDFRONT = (
    "https://d1.cloudfront.net/shot.png?Expires=1&Signature=PLANTEDCFSIG&Key-Pair-Id=PLANTEDKPID"
)
CLOUDFRONT_POLICY = (
    "https://d1.cloudfront.net/a.png?Policy=PLANTEDPOLICY&Signature=PLANTEDCF2&Key-Pair-Id=K"
)
SENSITIVE = ("PLANTED-DRIVER-ENDPOINT", "PLANTED-INTERACTIVE-ENDPOINT", "PLANTED-DETAILS-URL")
SECRETS = (
    "PLANTEDCRED4",
    "PLANTEDTOKEN4",
    "PLANTEDSIG4",
    "AKIAPLANTEDV2",
    "PLANTEDSIG2",
    "PLANTEDCFSIG",
    "PLANTEDKPID",
    "PLANTEDPOLICY",
    "PLANTEDCF2",
    *SENSITIVE,
)


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoIoT]:
    with MotoIoT() as server:
        yield server


@pytest.fixture
def replay() -> Iterator[Replay]:
    with Replay() as server:
        yield server


@pytest.fixture
def env() -> dict[str, str]:
    src = str(Path(__file__).parent.parent / "src")
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "GITHUB_")) and k != "COLUMNS"
    }
    return {
        **clean,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
    }


def jobkit(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jobkit", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


_ids = iter(range(1_000_000))


def iot_job(moto: MotoIoT, things: int = 2) -> tuple[str, list[str]]:
    n = next(_ids)
    names = [f"ci-{n}-thing-{i}" for i in range(things)]
    job_id = f"ci-job-{n}"
    moto.create_job(job_id, names)
    return job_id, names


# Durations


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90", 90),
        ("90s", 90),
        ("15m", 900),
        ("1h30m", 5400),
        ("2h", 7200),
        ("0.5", 0.5),
        ("2m30s", 150),
    ],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["abc", "", "1h2h", "15x", "m", "nan", "inf"])
def test_not_durations(text: str) -> None:
    with pytest.raises(ValueError, match="e.g. 90, 90s, 15m or 1h30m"):
        parse_duration(text)


def test_every_time_option_takes_durations_with_clear_errors(env: dict[str, str]) -> None:
    for flag in (
        "--timeout",
        "--min-delay",
        "--max-delay",
        "--not-found-grace",
        "--connect-timeout",
        "--read-timeout",
    ):
        bad = jobkit(env, "wait", "iot-job", "x", flag, "abc")
        assert bad.returncode == 2
        assert bad.stderr.startswith(
            f"jobkit: error: {flag} 'abc' is not a duration; use e.g. 90, 90s, 15m or 1h30m"
        ), bad.stderr
    bad = jobkit(env, "wait", "iot-job", "x", "--connect-timeout", "2h")
    assert bad.returncode == 2
    assert "--connect-timeout is 2h; it must be below 1h" in bad.stderr
    bad = jobkit(env, "wait", "iot-job", "x", "--min-delay", "1m", "--max-delay", "30s")
    assert bad.returncode == 2
    assert "--max-delay (30) is below --min-delay (60)" in bad.stderr
    assert "WaitPolicy" not in bad.stderr


# Exit codes


def test_devicefarm_exit_codes_and_the_arns_region(replay: Replay, env: dict[str, str]) -> None:
    env = {**env, "AWS_DEFAULT_REGION": "eu-west-1"}
    url = ["--endpoint-url", replay.url, "--quiet", *FAST]
    for scenario, code in (
        ("passed", 0),
        ("failed", 1),
        ("stopped", 3),
        ("errored", 1),
        ("warned", 0),
    ):
        replay.devicefarm(
            "GetJob", ARN, [devicefarm_job("running", ARN), devicefarm_job(scenario, ARN)]
        )
        result = jobkit(env, "wait", "devicefarm-job", ARN, *url)
        assert result.returncode == code, (scenario, result.stderr)
    assert set(replay.regions) == {"us-west-2"}  # the ARN's region, not AWS_DEFAULT_REGION
    replay.regions.clear()
    get = jobkit(env, "get", "devicefarm-job", ARN, "--region", "eu-central-1", *url[:2])
    assert get.returncode == 0  # get exits 0 whenever it read the resource
    assert replay.regions == ["eu-central-1"]  # an explicit --region wins
    replay.devicefarm("GetJob", ARN, [devicefarm_job("running", ARN)])
    timeout = jobkit(env, "wait", "devicefarm-job", ARN, *url, "--timeout", "0.3s")
    assert timeout.returncode == 4
    assert "Raise --timeout" in timeout.stderr
    missing = ARN.replace("00000", "00009")
    gone = jobkit(env, "get", "devicefarm-job", missing, *url[:2])
    assert gone.returncode == 5
    assert "was not found" in gone.stderr


def test_get_help_lists_only_the_exit_codes_get_returns(env: dict[str, str]) -> None:
    get = jobkit(env, "get", "iot-job", "--help").stdout
    assert "0    the resource was read" in get
    assert "143  terminated" in get
    assert "the outcome is FAILED" not in get
    assert "timed out" not in get
    assert "--timeout" not in get
    wait = jobkit(env, "wait", "--help").stdout
    for option in (
        "--region",
        "--profile",
        "--endpoint-url",
        "--connect-timeout",
        "--read-timeout",
        "--output",
        "--show-secrets",
        "--quiet",
        "--timeout",
        "--min-delay",
        "--max-delay",
        "--not-found-grace",
    ):
        assert option in wait
    assert "iot-job JOB_ID\n      IoT job: --timeout 24h, --min-delay 5s, --max-delay 5m" in wait
    assert "devicefarm-job ARN\n      Device Farm job: --timeout 3h" in wait


def test_messages_name_flags_not_python_parameters(moto: MotoIoT, env: dict[str, str]) -> None:
    bare = {k: v for k, v in env.items() if k != "AWS_DEFAULT_REGION"}
    result = jobkit(bare, "get", "iot-job", "some-job", "--endpoint-url", moto.endpoint_url)
    assert result.returncode == 2, result.stderr
    assert "--region" in result.stderr
    assert "region_name" not in result.stderr
    creds = {
        k: v
        for k, v in env.items()
        if not k.startswith("AWS_ACCESS") and not k.startswith("AWS_SECRET")
    }
    creds["AWS_EC2_METADATA_DISABLED"] = "true"
    result = jobkit(creds, "get", "iot-job", "some-job", "--endpoint-url", moto.endpoint_url)
    assert result.returncode == 5
    assert "pass a session" not in result.stderr
    assert "--profile" in result.stderr
    bad = jobkit(env, "get", "iot-job", "bad id")
    assert bad.stderr.startswith("jobkit: error: JOB_ID 'bad id' is not an IoT job id")
    arn = jobkit(
        env,
        "get",
        "iot-job",
        "arn:aws:iot:us-east-1:123456789012:job/nope",
        "--endpoint-url",
        moto.endpoint_url,
    )
    assert arn.returncode == 5  # an IoT job ARN is a job id: it was looked up
    assert "not found" in arn.stderr


def _spawn(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "jobkit", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.parametrize(
    ("sig", "code", "word"),
    [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")],
)
def test_sigterm_and_ctrl_c(
    moto: MotoIoT, env: dict[str, str], sig: int, code: int, word: str
) -> None:
    job_id, _ = iot_job(moto)
    proc = _spawn(
        env,
        "wait",
        "iot-job",
        job_id,
        "--endpoint-url",
        moto.endpoint_url,
        "--min-delay",
        "0.05",
        "--max-delay",
        "0.05",
    )
    assert proc.stderr is not None
    first = proc.stderr.readline()  # the first progress line: the wait is under way
    assert "QUEUED" in first
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == code, err
    assert f"jobkit: {word}" in err
    assert "Traceback" not in err
    assert out == ""


def test_closed_stdout_ends_quietly_with_the_exit_code(replay: Replay, env: dict[str, str]) -> None:
    replay.devicefarm("GetJob", ARN, [devicefarm_job("failed", ARN)])
    for command, code in (("get", 0), ("wait", 1)):
        proc = _spawn(
            env,
            command,
            "devicefarm-job",
            ARN,
            "--endpoint-url",
            replay.url,
            "--output",
            "json",
            "--quiet",
        )
        assert proc.stdout is not None
        proc.stdout.close()  # the reader went away before a byte was written
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == code, err
        assert err == ""
    shell = subprocess.run(
        [
            "bash",
            "-c",
            f"set -o pipefail; {sys.executable} -m jobkit get devicefarm-job {ARN} "
            f"--endpoint-url {replay.url} --output json | head -2",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout.splitlines()[0] == "{"
    assert len(shell.stdout.splitlines()) == 2
    assert "Traceback" not in shell.stderr
