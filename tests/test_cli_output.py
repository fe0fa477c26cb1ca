"""The command's output (issue 12): no leaked secrets, summaries, the live line, GitHub mode."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from typing import TYPE_CHECKING

import pytest

from cli_helpers import (  # the shared fixtures and planted secrets
    APP,
    ARN,
    BRANCH,
    CLOUDFRONT,
    CLOUDFRONT_POLICY,
    FAST,
    LONG_ARN,
    SECRETS,
    SENSITIVE,
    SESSION,
    SIGV2,
    SIGV4,
    env,
    iot_job,
    jobkit,
    moto,
    replay,
)
from helpers import on_pinned_botocore
from jobkit import devicefarm, structure
from jobkit._cli._render import render
from jobkit._cli._summary import Context
from replay_server import Replay, canned, devicefarm_job

if TYPE_CHECKING:
    from pathlib import Path

    from jobkit.testing import MotoIoT

pytestmark = pytest.mark.integration
_ = (env, moto, replay)  # fixtures, used by name


def _plant(replay: Replay) -> None:
    job = devicefarm_job(
        "failed",
        ARN,
        videoEndpoint=SIGV4,
        message=f"see {CLOUDFRONT} for the video",
        insights={"status": "COMPLETED", "testReport": {"testDetailsUrl": SENSITIVE[2]}},
    )
    replay.devicefarm("GetJob", ARN, [job])
    session = canned("devicefarm", "get_remote_access_session", "passed")
    session["remoteAccessSession"] |= {
        "arn": SESSION,
        "endpoint": SIGV2,
        "endpoints": {"remoteDriverEndpoint": SENSITIVE[0], "interactiveEndpoint": SENSITIVE[1]},
    }
    replay.devicefarm("GetRemoteAccessSession", SESSION, [session])
    amp = canned("amplify", "get_job", "failed")
    amp["job"]["summary"]["sourceUrl"] = SIGV4
    amp["job"]["steps"][1] |= {
        "logUrl": SIGV2,
        "artifactsUrl": CLOUDFRONT_POLICY,
        "screenshots": {"pixel": CLOUDFRONT},
    }
    replay.amplify(APP, BRANCH, "42", [amp])


_COMMANDS = (
    ("devicefarm-job", ARN),
    ("devicefarm-session", SESSION),
    ("amplify-job", APP, BRANCH, "42"),
)


@pytest.mark.parametrize("output", ["text", "json", "summary"])
def test_planted_secrets_never_leak(replay: Replay, env: dict[str, str], output: str) -> None:
    _plant(replay)
    for command, *ids in _COMMANDS:
        for verb in ("get", "wait") if output == "text" else ("get",):
            pace = FAST if verb == "wait" else []  # wait: its progress lines too
            result = jobkit(
                env, verb, command, *ids, "--endpoint-url", replay.url, "--output", output, *pace
            )
            assert result.returncode in {0, 1}, result.stderr
            leaked = [s for s in SECRETS if s in result.stdout + result.stderr]
            assert leaked == [], (verb, command, output)
            if output == "json":
                json.loads(result.stdout)


@on_pinned_botocore  # older botocore's parser drops the newer secret-bearing members
def test_show_secrets_prints_them(replay: Replay, env: dict[str, str]) -> None:
    _plant(replay)
    shown = ""
    for command, *ids in _COMMANDS:
        result = jobkit(
            env,
            "get",
            command,
            *ids,
            "--endpoint-url",
            replay.url,
            "--output",
            "json",
            "--show-secrets",
        )
        shown += result.stdout
    assert [s for s in SECRETS if s not in shown] == []


def test_unknown_members_are_redacted_too() -> None:
    raw = canned("devicefarm", "get_job", "passed")["job"]
    raw |= {"newPresignedUrl": SIGV4, "sessionToken": "PLANTED-EXTRA-TOKEN", "nested": {"u": SIGV2}}
    job = structure(raw, devicefarm.Job)
    for output in ("text", "json"):
        out = io.StringIO()
        render(
            job, output, out, show_secrets=False, what="x", outcome="SUCCEEDED", context=Context()
        )
        assert "PLANTED" not in out.getvalue()
        assert "newPresignedUrl" in out.getvalue()
        shown = io.StringIO()
        render(
            job, output, shown, show_secrets=True, what="x", outcome="SUCCEEDED", context=Context()
        )
        assert "PLANTED-EXTRA-TOKEN" in shown.getvalue()


# Summaries


def test_summary_of_a_failed_iot_job_names_the_failed_things(
    moto: MotoIoT, env: dict[str, str]
) -> None:
    job_id, (a, b) = iot_job(moto)
    moto.report(job_id, a, "SUCCEEDED")
    moto.report(job_id, b, "FAILED", reason="checksum mismatch")
    result = jobkit(
        env,
        "wait",
        "iot-job",
        job_id,
        "--endpoint-url",
        moto.endpoint_url,
        "--output",
        "summary",
        "--quiet",
        *FAST,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        f"FAILED: IoT job {job_id}",
        "  status: COMPLETED (1/2 things succeeded, 1 failed) -> FAILED",
        "  failed things (1):",
        f"  - {b}: FAILED (reason=checksum mismatch)",
    ]


def test_summary_of_devicefarm_and_amplify(replay: Replay, env: dict[str, str]) -> None:
    _plant(replay)
    df = jobkit(
        env, "get", "devicefarm-job", ARN, "--endpoint-url", replay.url, "--output", "summary"
    )
    lines = df.stdout.splitlines()
    assert lines[0] == f"FAILED: Device Farm job {ARN}"
    assert "  result: FAILED; tests: 12 total, 9 passed, 3 failed" in lines
    assert len(lines) <= 8  # one screen, not 60 lines of device details
    amp = jobkit(
        env,
        "get",
        "amplify-job",
        APP,
        BRANCH,
        "42",
        "--endpoint-url",
        replay.url,
        "--output",
        "summary",
    )
    assert "  - DEPLOY: FAILED: Build output directory 'dist' not found." in amp.stdout.splitlines()


# The live line


def _pty_run(env: dict[str, str], columns: int, *args: str) -> tuple[int, str]:
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "jobkit", *args],
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return proc.wait(timeout=30), b"".join(chunks).decode()


@pytest.mark.parametrize("columns", [80, 120])
def test_live_line_fits_the_terminal(replay: Replay, env: dict[str, str], columns: int) -> None:
    running = devicefarm_job("running", LONG_ARN)
    replay.devicefarm("GetJob", LONG_ARN, [running, running, devicefarm_job("passed", LONG_ARN)])
    code, stderr = _pty_run(
        env, columns, "wait", "devicefarm-job", LONG_ARN, "--endpoint-url", replay.url, *FAST
    )
    assert code == 0, stderr
    assert stderr.startswith("\r\x1b[K")
    redraws = stderr.split("\r\x1b[K")[1:]
    assert len(redraws) >= 3
    for line in redraws:
        text = line.rstrip("\r\n")
        assert "\n" not in text  # no stale lines: every line is redrawn in place
        assert len(text) < columns, text
    assert "RUNNING (6/12 tests" in redraws[0]  # the status is visible, the ARN elided
    assert "..." in redraws[0]
    assert "COMPLETED/PASSED" in redraws[-1]


def test_live_line_says_not_found_yet(moto: MotoIoT, env: dict[str, str]) -> None:
    code, stderr = _pty_run(
        env,
        100,
        "wait",
        "iot-job",
        "no-such-job",
        "--endpoint-url",
        moto.endpoint_url,
        "--not-found-grace",
        "1.5",
        "--min-delay",
        "0.5",
        "--max-delay",
        "0.5",
    )
    assert code == 5
    assert (
        "IoT job no-such-job: not found yet; polling for 1s more (check the id and --region)"
        in stderr
    )
    plain = jobkit(
        env,
        "wait",
        "iot-job",
        "no-such-job",
        "--endpoint-url",
        moto.endpoint_url,
        "--not-found-grace",
        "0.2",
        *FAST,
    )
    assert plain.returncode == 5
    assert "no-such-job: not found yet; polling for 0s more" in plain.stderr


# GitHub Actions


def _github(env: dict[str, str], tmp_path: Path) -> tuple[dict[str, str], Path, Path]:
    output, summary = tmp_path / "output", tmp_path / "summary"
    return (
        {
            **env,
            "GITHUB_ACTIONS": "true",
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
        },
        output,
        summary,
    )


def test_github_mode_on_failure(moto: MotoIoT, env: dict[str, str], tmp_path: Path) -> None:
    job_id, (a, b) = iot_job(moto)
    moto.report(job_id, a, "SUCCEEDED")
    moto.report(job_id, b, "FAILED", reason="checksum")
    gh, output, summary = _github(env, tmp_path)
    result = jobkit(gh, "wait", "iot-job", job_id, "--endpoint-url", moto.endpoint_url, *FAST)
    assert result.returncode == 1
    err = result.stderr.splitlines()
    assert err[0] == f"::group::jobkit: waiting for IoT job {job_id}"
    assert "::endgroup::" in err
    assert err.index("::endgroup::") < len(err) - 1
    assert err[-1].startswith(f"::error title=jobkit::IoT job {job_id} ended FAILED: COMPLETED")
    assert output.read_text() == f"outcome=FAILED\nstatus=COMPLETED\nid={job_id}\n"
    table = summary.read_text()
    assert f"### jobkit: IoT job {job_id}" in table
    assert "| outcome | FAILED |" in table
    assert f"| id | {job_id} |" in table
    assert f"- {b}: FAILED (reason=checksum)" in table


def test_github_mode_on_success_and_timeout(
    moto: MotoIoT, env: dict[str, str], tmp_path: Path
) -> None:
    job_id, (a, b) = iot_job(moto)
    moto.report(job_id, a, "SUCCEEDED")
    moto.report(job_id, b, "SUCCEEDED")
    gh, output, summary = _github(env, tmp_path)
    ok = jobkit(gh, "wait", "iot-job", job_id, "--endpoint-url", moto.endpoint_url, *FAST)
    assert ok.returncode == 0
    assert "::error" not in ok.stderr
    waiting, _ = iot_job(moto)
    slow = jobkit(
        gh,
        "wait",
        "iot-job",
        waiting,
        "--endpoint-url",
        moto.endpoint_url,
        "--timeout",
        "0.2s",
        *FAST,
    )
    assert slow.returncode == 4
    assert "::error title=jobkit::timeout: Timed out" in slow.stderr
    assert output.read_text() == (
        f"outcome=SUCCEEDED\nstatus=COMPLETED\nid={job_id}\n"
        f"outcome=TIMED_OUT\nstatus=QUEUED\nid={waiting}\n"
    )
    assert summary.read_text().count("| outcome |") == 2


def test_github_mode_is_off_elsewhere(moto: MotoIoT, env: dict[str, str], tmp_path: Path) -> None:
    job_id, (a, b) = iot_job(moto)
    moto.report(job_id, a, "FAILED")
    gh, output, summary = _github(env, tmp_path)
    gh["GITHUB_ACTIONS"] = "false"
    result = jobkit(
        gh,
        "wait",
        "iot-job",
        job_id,
        "--endpoint-url",
        moto.endpoint_url,
        "--timeout",
        "0.2",
        *FAST,
    )
    assert "::" not in result.stderr
    assert not output.exists()
    assert not summary.exists()
    _ = b
