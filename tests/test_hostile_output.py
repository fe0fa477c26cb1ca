r"""Hostile AWS text through the command (issue 17): no escapes, no injected commands, safe files.

Test names, step names and run names are written by whoever controls the app or the
tests. The command runs against the replay endpoint with hostile ones, under
``GITHUB_ACTIONS=true`` with temporary ``$GITHUB_OUTPUT`` and ``$GITHUB_STEP_SUMMARY``
files, and every line is read the way GitHub's runner reads it (``tests/github_runner.py``).
One test reads the live line through a pty. The sinks themselves: tests/test_hostile_sinks.py.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from typing import TYPE_CHECKING, Any

import pytest

from cli_helpers import APP, ARN, BRANCH, FAST, env, jobkit, replay
from github_runner import BIDI, ESCAPES, HOSTILE, commands, outputs, table_rows, unescaped
from replay_server import (
    RUN_ARN,
    Replay,
    amplify_job,
    canned,
    devicefarm_job,
    devicefarm_run,
    script_failed_run,
)

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.integration
_ = (env, replay)  # fixtures, used by name


# The command, end to end, under GitHub Actions


def _github(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return {
        **env,
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
    }


def _assert_safe(stdout: str, stderr: str, jobkits: list[str]) -> None:
    """No raw escape or bidi character; the only commands are the ones jobkit means."""
    for text in (stdout, stderr):
        for char in (*ESCAPES, *BIDI):
            assert char not in text, (char, text)
        assert "\r" not in text
    assert commands(stdout) == []
    assert commands(stderr) == jobkits, stderr


def _assert_files(tmp_path: Path, outcome: str) -> str:
    entries = outputs((tmp_path / "output").read_bytes().decode("utf-8"))
    assert [name for name, _ in entries] == ["outcome", "status", "id"]
    assert entries[0] == ("outcome", outcome)
    summary = (tmp_path / "summary").read_text(encoding="utf-8")
    assert {len(row) for row in table_rows(summary)} == {2}  # two cells in every row
    for char in "<`":
        assert unescaped(summary, char) == 0, summary
    assert "&#" not in summary.replace("\\&#", "")
    return summary


_SUITE = RUN_ARN.replace(":run:", ":suite:") + "/00000/00001"


def _script_hostile_run(replay: Replay) -> None:
    replay.devicefarm(
        "GetRun",
        RUN_ARN,
        [devicefarm_run("running"), devicefarm_run("failed", message=HOSTILE[8])],
    )
    script_failed_run(replay)
    tests = canned("devicefarm", "list_tests", "pixel_tests")["tests"]
    failing = tests[1]
    hostile = [
        {**failing, "arn": f"{failing['arn']}{i}", "name": name, "message": name}
        for i, name in enumerate(HOSTILE)
    ]
    replay.devicefarm("ListTests", _SUITE, [{"tests": hostile}])


def test_devicefarm_test_names_cannot_inject_commands(
    replay: Replay, env: dict[str, str], tmp_path: Path
) -> None:
    _script_hostile_run(replay)
    args = ("wait", "devicefarm-run", RUN_ARN, "--output", "summary", *FAST)
    result = jobkit(_github(env, tmp_path), *args, "--endpoint-url", replay.url)
    assert result.returncode == 1, result.stderr
    _assert_safe(result.stdout, result.stderr, ["group", "endgroup", "error"])
    lines = result.stdout.splitlines()
    assert "      test_checkout\\n::error::pwned: FAILED: test_checkout" in lines  # one line each
    set_output = "::set-output name=outcome::SUCCEEDED"
    assert f"      \\u003a{set_output[1:]}: FAILED: {set_output}" in lines
    assert not [x for x in lines if x.lstrip().startswith("::")]
    assert "  message: clear\\u001b[2J title\\u001b]0;owned\\u0007" in "\n".join(lines)
    summary = _assert_files(tmp_path, "FAILED")
    assert "test\\_checkout" not in summary  # emphasis is left alone: names read as written
    assert "test_checkout\\\\n::error::pwned: FAILED" in summary


def test_amplify_step_names_cannot_inject_commands(
    replay: Replay, env: dict[str, str], tmp_path: Path
) -> None:
    def job(scenario: str, names: tuple[str, ...]) -> dict[str, Any]:
        body = amplify_job(scenario, "43", commitMessage=HOSTILE[0])
        steps = body["job"]["steps"]
        body["job"]["steps"] = [
            {**steps[i % len(steps)], "stepName": name, "statusReason": name}
            for i, name in enumerate(names)
        ]
        return body

    running = [job("running", (name,)) for name in HOSTILE]  # each a progress line
    failed = job("failed", HOSTILE)
    for step in failed["job"]["steps"]:
        step["status"] = "FAILED"
    replay.amplify(APP, BRANCH, "43", [*running, failed])
    args = ("wait", "amplify-job", APP, BRANCH, "43", "--output", "summary", *FAST)
    result = jobkit(_github(env, tmp_path), *args, "--endpoint-url", replay.url)
    assert result.returncode == 1, result.stderr
    _assert_safe(result.stdout, result.stderr, ["group", "endgroup", "error"])
    progress = result.stderr.splitlines()
    assert progress[0].startswith("::group::")
    assert len(progress) >= len(HOSTILE) + 3  # group, a line per state, endgroup, error
    assert any("(step 1/1 test_checkout\\n::error::pwned: " in x for x in progress)
    # Not at the start of its line, so left as it is:
    assert "  - ::set-output name=outcome::SUCCEEDED: FAILED: ::set-output" in result.stdout
    _assert_files(tmp_path, "FAILED")


def test_a_hostile_status_cannot_forge_outputs(
    replay: Replay, env: dict[str, str], tmp_path: Path
) -> None:
    status = "PENDING\noutcome=SUCCEEDED\nid=forged\r\n::error::x"
    replay.devicefarm("GetJob", ARN, [devicefarm_job("running", ARN, status=status)])
    args = ("wait", "devicefarm-job", ARN, "--timeout", "0.3s", *FAST)
    result = jobkit(_github(env, tmp_path), *args, "--endpoint-url", replay.url)
    assert result.returncode == 4, result.stderr
    _assert_safe(result.stdout, result.stderr, ["group", "endgroup", "error"])
    entries = outputs((tmp_path / "output").read_bytes().decode("utf-8"))
    assert entries == [("outcome", "TIMED_OUT"), ("status", status), ("id", ARN)]


@pytest.mark.parametrize("output", ["text", "summary", "json"])
def test_get_shows_escape_sequences_escaped(
    replay: Replay, env: dict[str, str], output: str
) -> None:
    name, message = HOSTILE[8] + HOSTILE[7], HOSTILE[9]  # ##[: a command even in JSON
    replay.devicefarm("GetRun", RUN_ARN, [devicefarm_run("passed", name=name, message=message)])
    result = jobkit(
        env, "get", "devicefarm-run", RUN_ARN, "--output", output, "--endpoint-url", replay.url
    )
    assert result.returncode == 0, result.stderr
    _assert_safe(result.stdout, result.stderr, [])
    if output == "json":
        run = json.loads(result.stdout)
        assert (run["name"], run["message"]) == (name, message)  # valid, the same data
    elif output == "text":
        assert (
            "  name: clear\\u001b[2J title\\u001b]0;owned\\u0007 link\\u001b]8;;" in result.stdout
        )
    else:
        assert "  message: bidi \\u202egnp.exe" in result.stdout


# The live line, read through a pty


def test_the_live_line_gets_no_raw_escape(replay: Replay, env: dict[str, str]) -> None:
    def job(scenario: str, name: str) -> dict[str, Any]:
        body = amplify_job(scenario, "43")
        body["job"]["steps"] = [{**body["job"]["steps"][0], "stepName": name}]
        return body

    replay.amplify(
        APP,
        BRANCH,
        "43",
        [job("running", HOSTILE[8]), job("running", HOSTILE[9]), job("succeed", HOSTILE[0])],
    )
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 400, 0, 0))
    args = ("wait", "amplify-job", APP, BRANCH, "43", "--endpoint-url", replay.url, *FAST)
    proc = subprocess.Popen(
        [sys.executable, "-m", "jobkit", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env={**env, "COLUMNS": "400"},
    )
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert proc.wait(timeout=30) == 0
    seen = b"".join(chunks).decode("utf-8")
    assert seen.startswith("\r\x1b[K")  # it was the live line
    ours = seen.replace("\r\x1b[K", "").replace("\r\n", "\n")  # jobkit's redraw; the pty's CRLF
    for char in (*ESCAPES, *BIDI, "\r"):
        assert char not in ours, (char, ours)
    assert "clear\\u001b[2J title\\u001b]0;owned\\u0007" in ours
    assert "bidi \\u202egnp.exe" in ours
