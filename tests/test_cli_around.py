"""The command around the wait (issue 12): Device Farm runs, failed tests per device,
``--artifacts``, ``start amplify-job``, ``latest`` and ``--cancel-on-timeout``.

Subprocesses against the local endpoint that replays canned Device Farm and Amplify
responses (``tests/replay_server.py``); it also serves the artifacts' files.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from cli_helpers import APP, BRANCH, FAST, env, jobkit, replay
from jobkit._cli import main
from replay_server import (
    RUN_ARN,
    Replay,
    amplify_job,
    canned,
    devicefarm_run,
    script_failed_run,
)

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.integration
_ = (env, replay)  # fixtures, used by name

JOB0 = RUN_ARN.replace(":run:", ":job:") + "/00000"
STOPPED = "asked AWS to stop the Device Farm run (StopRun) and AWS accepted it"


def _at(replay: Replay) -> list[str]:
    return ["--endpoint-url", replay.url]


def _spawn(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "jobkit", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


# Device Farm runs: failed tests per device


def test_wait_run_summary_lists_failed_tests_per_device(
    replay: Replay, env: dict[str, str]
) -> None:
    replay.devicefarm("GetRun", RUN_ARN, [devicefarm_run("running"), devicefarm_run("failed")])
    script_failed_run(replay)
    result = jobkit(
        env, "wait", "devicefarm-run", RUN_ARN, "--output", "summary", *FAST, *_at(replay)
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        f"FAILED: Device Farm run {RUN_ARN}",
        (
            "  status: COMPLETED/FAILED (2/2 jobs, 24/24 tests, 22 passed, 1 failed, 1 errored)"
            " -> FAILED"
        ),
        "  result: FAILED; 2/2 jobs completed; tests: 24 total, 22 passed, 1 failed, 1 errored",
        "  message: 1 test failed, 1 errored",
        "  failed tests (2) per device:",
        "  - Google Pixel 8 (ANDROID 14): 1 failed",
        "      test_payment_declined: FAILED: AssertionError: expected 'Declined' on screen",
        "  - Samsung Galaxy S24 (ANDROID 14): 1 failed",
        "      test_login_sso: ERRORED: WebDriverException: session not created",
    ]
    # Three pages of jobs, once; the passed device (OnePlus 12) is not read further.
    assert replay.operations.count("ListJobs") == 3
    assert replay.operations.count("ListSuites") == 2
    assert "RUNNING" in result.stderr


def test_get_job_summary_caps_long_lists(replay: Replay, env: dict[str, str]) -> None:
    job = canned("devicefarm", "list_jobs", "page1")["jobs"][0]
    replay.devicefarm("GetJob", JOB0, [{"job": job}])
    replay.devicefarm("ListSuites", JOB0, [canned("devicefarm", "list_suites", "pixel")])
    tests = canned("devicefarm", "list_tests", "pixel_tests")["tests"]
    failing = tests[1]
    many = [{**failing, "arn": f"{failing['arn']}{i}", "name": f"test_{i:02d}"} for i in range(25)]
    suite = RUN_ARN.replace(":run:", ":suite:") + "/00000/00001"
    replay.devicefarm("ListTests", suite, [{"tests": [tests[0], *many]}])
    result = jobkit(env, "get", "devicefarm-job", JOB0, "--output", "summary", *_at(replay))
    assert result.returncode == 0, result.stderr  # get: it was read
    lines = result.stdout.splitlines()
    assert "  device: Google Pixel 8 (ANDROID 14)" in lines
    assert "  failed tests (25) per device:" in lines
    assert sum(line.startswith("      test_") for line in lines) == 20
    assert lines[-1] == "  ... and 5 more"
    assert len(lines) < 40  # one screen


# start amplify-job, latest


def test_start_amplify_job_prints_the_id_first_and_waits(
    replay: Replay, env: dict[str, str], tmp_path: Path
) -> None:
    replay.amplify_call("StartJob", APP, BRANCH, [canned("amplify", "start_job", "pending")])
    replay.amplify(APP, BRANCH, "43", [amplify_job("running", "43"), amplify_job("failed", "43")])
    output = tmp_path / "output"
    github = {**env, "GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(output)}
    result = jobkit(github, "start", "amplify-job", APP, BRANCH, "--wait", *FAST, *_at(replay))
    assert result.returncode == 1, result.stderr  # the job FAILED
    assert result.stdout.splitlines()[0] == "43"
    assert (
        "jobkit: started Amplify job 43 of d2a4xexample1/main (RELEASE, PENDING)" in result.stderr
    )
    assert "outcome=FAILED\n" in output.read_text()
    assert "id=43\n" in output.read_text()
    assert replay.operations[0] == "StartJob"

    replay.operations.clear()
    replay.amplify(APP, BRANCH, "43", [amplify_job("succeed", "43")])
    result = jobkit(env, "start", "amplify-job", APP, BRANCH, "--wait", *FAST, *_at(replay))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "43"

    replay.operations.clear()
    result = jobkit(env, "start", "amplify-job", APP, BRANCH, "--job-type", "MANUAL", *_at(replay))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "43\n"  # without --wait: the id, nothing else
    assert replay.operations == ["StartJob"]


def test_start_refuses_bad_input_before_any_request(replay: Replay, env: dict[str, str]) -> None:
    retry = jobkit(env, "start", "amplify-job", APP, BRANCH, "--job-type", "RETRY", *_at(replay))
    assert retry.returncode == 2
    assert "--job-type RETRY needs --job-id, the job to retry" in retry.stderr
    unknown = jobkit(env, "start", "amplify-job", APP, BRANCH, "--job-type", "NIGHTLY")
    assert unknown.returncode == 2
    assert "RELEASE" in unknown.stderr
    app = jobkit(env, "start", "amplify-job", "not an app", BRANCH, *_at(replay))
    assert app.returncode == 2, app.stderr
    assert replay.requests == 0


def test_latest_resolves_to_the_newest_job(
    replay: Replay, env: dict[str, str], tmp_path: Path
) -> None:
    replay.amplify_call("ListJobs", APP, BRANCH, [canned("amplify", "list_jobs", "latest")])
    replay.amplify(APP, BRANCH, "43", [amplify_job("running", "43"), amplify_job("succeed", "43")])
    output = tmp_path / "output"
    github = {**env, "GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(output)}
    result = jobkit(github, "wait", "amplify-job", APP, BRANCH, "latest", *FAST, *_at(replay))
    assert result.returncode == 0, result.stderr
    assert "jobkit: latest is Amplify job 43 of d2a4xexample1/main" in result.stderr
    assert "id=43\n" in output.read_text()
    assert "latest" not in output.read_text()

    empty = jobkit(env, "get", "amplify-job", APP, "dev", "latest", *_at(replay))
    assert empty.returncode == 5, empty.stderr  # no jobs on that branch: not found
    assert "Traceback" not in empty.stderr


# --artifacts


def test_artifacts_are_saved_and_listed_without_urls(
    replay: Replay, env: dict[str, str], tmp_path: Path
) -> None:
    replay.devicefarm("GetRun", RUN_ARN, [devicefarm_run("failed")])
    script_failed_run(replay, artifacts=True)
    replay.failing.add("/artifacts/00003.mp4")  # the video does not come
    folder = tmp_path / "saved"
    result = jobkit(
        env, "wait", "devicefarm-run", RUN_ARN, "--artifacts", str(folder), *FAST, *_at(replay)
    )
    assert result.returncode == 1, result.stderr  # the run's outcome, not the download's
    saved = sorted(p.name for p in folder.iterdir())
    assert saved == [
        "Customer Artifacts.zip",
        "Logcat.logcat",
        "Test spec output.txt",
        "home-2.png",
        "home.png",
    ]
    assert (folder / "home.png").read_text() == "artifact /artifacts/00005.png\n"
    assert f"jobkit: saved 5 artifact(s) to {folder}:" in result.stderr
    assert f"  {folder / 'Logcat.logcat'}" in result.stderr.splitlines()
    assert "jobkit: could not save 1 artifact(s):" in result.stderr
    assert "Video (arn:aws:devicefarm:" in result.stderr
    assert "HTTP 500" in result.stderr
    for text in (result.stdout, result.stderr):
        assert "X-Amz-Signature" not in text
        assert replay.url not in text
        assert replay.files_url not in text
        assert "Traceback" not in text
    assert len(replay.downloads) == 6


def test_artifacts_unwritable_directory_is_exit_2_with_no_request(
    replay: Replay, env: dict[str, str], tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    for command in ("get", "wait"):
        result = jobkit(
            env, command, "devicefarm-job", JOB0, "--artifacts", str(blocker / "sub"), *_at(replay)
        )
        assert result.returncode == 2, result.stderr
        assert "cannot be created or written" in result.stderr
        assert "pass a writable directory" in result.stderr
    assert replay.requests == 0


# --cancel-on-timeout


def test_cancel_on_timeout_stops_the_run_once_and_says_so(
    replay: Replay, env: dict[str, str]
) -> None:
    stopping = devicefarm_run("stopping")
    replay.devicefarm("GetRun", RUN_ARN, [devicefarm_run("running")])
    replay.devicefarm("StopRun", RUN_ARN, [stopping], then={"GetRun": [stopping]})
    wait = ["wait", "devicefarm-run", RUN_ARN, "--timeout", "0.3", "--quiet", *FAST, *_at(replay)]
    plain = jobkit(env, *wait)
    assert plain.returncode == 4, plain.stderr
    assert "StopRun" not in replay.operations  # off by default

    result = jobkit(env, *wait, "--cancel-on-timeout")
    assert result.returncode == 4, result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("jobkit: timeout: ")
    assert f"jobkit {STOPPED}; its status is now STOPPING" in message
    assert replay.operations.count("StopRun") == 1
    assert result.stderr.count(STOPPED) == 1  # said once, in the command's message


def test_cancel_on_timeout_says_when_aws_refuses(replay: Replay, env: dict[str, str]) -> None:
    replay.devicefarm("GetRun", RUN_ARN, [devicefarm_run("running")])  # StopRun: not found
    result = jobkit(
        env, "wait", "devicefarm-run", RUN_ARN, "--timeout", "0.3", "--quiet",
        "--cancel-on-timeout", *FAST, *_at(replay),
    )  # fmt: skip
    assert result.returncode == 4, result.stderr
    assert "(StopRun), but the stop failed (NotFoundException" in result.stderr
    assert "it may still be running" in result.stderr


@pytest.mark.parametrize(
    ("sig", "code", "word"),
    [(signal.SIGTERM, 143, "terminated (SIGTERM)"), (signal.SIGINT, 130, "interrupted (Ctrl-C)")],
)
def test_signals_with_cancel_on_timeout_stop_the_run(
    replay: Replay, env: dict[str, str], sig: int, code: int, word: str
) -> None:
    stopping = devicefarm_run("stopping")
    replay.devicefarm("GetRun", RUN_ARN, [devicefarm_run("running")])
    replay.devicefarm("StopRun", RUN_ARN, [stopping], then={"GetRun": [stopping]})
    proc = _spawn(
        env, "wait", "devicefarm-run", RUN_ARN, "--cancel-on-timeout",
        "--min-delay", "0.05", "--max-delay", "0.05", *_at(replay),
    )  # fmt: skip
    assert proc.stderr is not None
    assert "RUNNING" in proc.stderr.readline()  # the wait is under way
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == code, err
    assert f"jobkit: {word}; jobkit {STOPPED}; its status is now STOPPING" in err
    assert "Traceback" not in err
    assert out == ""
    assert replay.operations.count("StopRun") == 1


def test_sigterm_after_start_says_the_job_is_left_running(
    replay: Replay, env: dict[str, str]
) -> None:
    replay.amplify_call("StartJob", APP, BRANCH, [canned("amplify", "start_job", "pending")])
    replay.amplify(APP, BRANCH, "43", [amplify_job("running", "43")])
    proc = _spawn(
        env, "start", "amplify-job", APP, BRANCH, "--wait",
        "--min-delay", "0.05", "--max-delay", "0.05", *_at(replay),
    )  # fmt: skip
    assert proc.stderr is not None
    assert proc.stderr.readline().startswith("jobkit: started Amplify job 43")
    assert "RUNNING" in proc.stderr.readline()
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 143, err
    assert out == "43\n"
    assert "Amplify job 43 of d2a4xexample1/main was started and is left running" in err
    assert "StopJob" not in replay.operations


# Help


def test_help_lists_the_new_options(capsys: pytest.CaptureFixture[str]) -> None:
    def help_of(*argv: str) -> str:
        with pytest.raises(SystemExit):
            main([*argv, "--help"])
        return capsys.readouterr().out

    start = help_of("start", "amplify-job")
    for word in ("--job-type", "RELEASE, RETRY, MANUAL, WEB_HOOK", "--wait", "--cancel-on-timeout"):
        assert word in start
    run = help_of("wait", "devicefarm-run")
    assert "--artifacts DIR" in run
    assert "--cancel-on-timeout" in run
    assert "--artifacts" not in help_of("wait", "amplify-job")
    assert "'latest'" in help_of("get", "amplify-job")
    top = help_of("wait")
    assert "--cancel-on-timeout" in top
    assert "devicefarm-run ARN" in top
