"""The command in CI (issue 12): exit codes, signals, a closed stdout, no leaks, GitHub mode.

Subprocesses against moto's server (IoT) and a local endpoint that replays canned Device
Farm and Amplify responses (``tests/replay_server.py``).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import pytest

from cli_helpers import ARN, FAST, env, iot_job, jobkit, moto, replay
from jobkit._cli import main
from jobkit._cli._durations import parse_duration
from replay_server import Replay, devicefarm_job

if TYPE_CHECKING:
    from faultproxy import FaultProxy
    from jobkit.testing import MotoIoT

pytestmark = pytest.mark.integration
_ = (env, moto, replay)  # fixtures, used by name

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
    with pytest.raises(ValueError, match=r"e\.g\. 90, 90s, 15m or 1h30m"):
        parse_duration(text)


def _usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Parse ``argv`` in-process (no AWS involved): the usage error's message."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    assert exit_info.value.code == 2
    return capsys.readouterr().err


def test_every_time_option_takes_durations_with_clear_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for flag in (
        "--timeout",
        "--min-delay",
        "--max-delay",
        "--not-found-grace",
        "--connect-timeout",
        "--read-timeout",
    ):
        err = _usage_error(capsys, "wait", "iot-job", "x", flag, "abc")
        assert err.startswith(
            f"jobkit: error: {flag} 'abc' is not a duration; use e.g. 90, 90s, 15m or 1h30m"
        ), err
    err = _usage_error(capsys, "wait", "iot-job", "x", "--connect-timeout", "2h")
    assert "--connect-timeout is 2h; it must be below 1h" in err


def test_policy_errors_name_flags(env: dict[str, str]) -> None:
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


@pytest.mark.parametrize(
    ("sig", "code", "word"),
    [(signal.SIGTERM, 143, "terminated (SIGTERM)"), (signal.SIGINT, 130, "interrupted (Ctrl-C)")],
)
def test_events_setup_stopped_mid_call_says_so_with_the_exit_code(
    stalled_endpoint: FaultProxy, env: dict[str, str], sig: int, code: int, word: str
) -> None:
    # A cancelled CI step sends SIGTERM; `jobkit events setup` must not die without a word.
    proc = _spawn(
        env,
        "events",
        "setup",
        "amplify",
        "--queue",
        "jobkit-events",
        "--endpoint-url",
        stalled_endpoint.url,
        "--region",
        "us-west-2",
    )
    deadline = time.monotonic() + 20
    while stalled_endpoint.count() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)  # until its first call is held by the endpoint
    assert stalled_endpoint.count() >= 1
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == code, err
    assert out == ""
    assert f"jobkit: {word}: stopped." in err
    assert "Traceback" not in err


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
            "/bin/bash",
            "-c",
            (
                f"set -o pipefail; {sys.executable} -m jobkit get devicefarm-job {ARN} "
                f"--endpoint-url {replay.url} --output json | head -2"
            ),
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
