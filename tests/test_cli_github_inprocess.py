"""The command in GitHub Actions mode, in-process: outputs, the step summary, annotations.

tests/test_cli_ci.py checks the same through a subprocess; these call ``main`` directly so
mutation testing (which selects tests by the code they run) finds them.
"""

from __future__ import annotations

import io
import os
import re
from typing import TYPE_CHECKING

import pytest

from cli_helpers import ARN, FAST, replay
from jobkit._cli import main
from jobkit._cli._live import Progress
from jobkit._cli._signals import Terminated
from jobkit.devicefarm._facade import DeviceFarm
from jobkit.errors import JobkitError
from replay_server import RUN_ARN, Replay, devicefarm_job, devicefarm_run

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.integration
_ = replay  # fixture, used by name

WHAT = f"Device Farm job {ARN}"
BAD_ARN = "arn:aws:devicefarm:us-west-2:1:run:x"
ELAPSED = re.compile(r"\| elapsed \| \d+s \|\n")


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


class Run:
    """One in-process run with GitHub's files in ``tmp_path``."""

    def __init__(self, tmp_path: Path, *, enabled: str = "true") -> None:
        self.output_file = tmp_path / "output"
        self.summary_file = tmp_path / "summary"
        self.environ = {
            "GITHUB_ACTIONS": enabled,
            "GITHUB_OUTPUT": str(self.output_file),
            "GITHUB_STEP_SUMMARY": str(self.summary_file),
        }
        self.code = -1
        self.out = self.err = ""

    def __call__(self, replay: Replay, *argv: str, environ: bool = True) -> Run:
        out, err = io.StringIO(), io.StringIO()
        self.code = main(
            [*argv, "--endpoint-url", replay.url],
            stdout=out,
            stderr=err,
            environ=self.environ if environ else None,
        )
        self.out, self.err = out.getvalue(), err.getvalue()
        return self

    @property
    def outputs(self) -> str | None:
        path = self.output_file
        return path.read_text(encoding="utf-8") if path.exists() else None

    @property
    def summary(self) -> str | None:
        path = self.summary_file
        if not path.exists():
            return None
        text = path.read_text(encoding="utf-8")
        assert len(ELAPSED.findall(text)) <= 1
        return ELAPSED.sub("| elapsed | Ns |\n", text)


def _table(*rows: tuple[str, str]) -> str:
    head = f"### jobkit: {WHAT}\n\n| | |\n|---|---|\n"
    return head + "".join(f"| {k} | {v} |\n" for k, v in rows)


def test_a_success(replay: Replay, tmp_path: Path) -> None:
    replay.devicefarm("GetJob", ARN, [devicefarm_job("passed", ARN)])
    run = Run(tmp_path)(replay, "wait", "devicefarm-job", ARN, *FAST)
    assert run.code == 0
    assert run.outputs == f"outcome=SUCCEEDED\nstatus=COMPLETED\nid={ARN}\n"
    status = "COMPLETED/PASSED (12/12 tests, 12 passed) -> SUCCEEDED"
    assert run.summary == _table(
        ("outcome", "SUCCEEDED"), ("id", ARN), ("status", status), ("elapsed", "Ns")
    ) + (
        "\n- result: PASSED; tests: 12 total, 12 passed\n"
        "- device: Google Pixel 8 (ANDROID 14)\n"
        "- message: All tests passed.\n\n"
    )
    lines = run.err.splitlines()
    assert lines[0] == f"::group::jobkit: waiting for {WHAT}"
    assert lines[-1] == "::endgroup::"
    assert "::error" not in run.err
    assert run.out.startswith(f"devicefarm.Job: {status}\n  outcome: SUCCEEDED\n  arn: {ARN}\n")


def test_a_failure_is_annotated(replay: Replay, tmp_path: Path) -> None:
    replay.devicefarm("GetJob", ARN, [devicefarm_job("failed", ARN)])
    run = Run(tmp_path)(replay, "wait", "devicefarm-job", ARN, *FAST)
    assert run.code == 1
    status = "COMPLETED/FAILED (12/12 tests, 9 passed, 3 failed) -> FAILED"
    assert run.outputs == f"outcome=FAILED\nstatus=COMPLETED\nid={ARN}\n"
    summary = run.summary
    assert summary is not None
    assert summary.startswith(
        _table(("outcome", "FAILED"), ("id", ARN), ("status", status), ("elapsed", "Ns"))
        + "\n- result: FAILED; tests: 12 total, 9 passed, 3 failed\n"
    )
    assert run.err.splitlines()[-2:] == [
        "::endgroup::",
        f"::error title=jobkit::{WHAT} ended FAILED: {status}",
    ]


def test_the_summary_output_is_the_summary_lines(replay: Replay, tmp_path: Path) -> None:
    replay.devicefarm("GetJob", ARN, [devicefarm_job("passed", ARN)])
    run = Run(tmp_path)(replay, "wait", "devicefarm-job", ARN, *FAST, "--output", "summary")
    assert run.code == 0
    assert run.out.startswith(
        f"SUCCEEDED: {WHAT}\n  status: COMPLETED/PASSED (12/12 tests, 12 passed) -> SUCCEEDED\n"
        "  result: PASSED; tests: 12 total, 12 passed\n"
    )
    summary = run.summary
    assert summary is not None
    for line in run.out.splitlines()[2:]:
        assert f"- {line.strip()}\n" in summary


def test_a_timeout(replay: Replay, tmp_path: Path) -> None:
    replay.devicefarm("GetJob", ARN, [devicefarm_job("running", ARN)])
    run = Run(tmp_path)(replay, "wait", "devicefarm-job", ARN, *FAST, "--timeout", "0.05")
    assert run.code == 4
    status = "RUNNING (6/12 tests, 5 passed, 1 warned)"
    assert run.outputs == f"outcome=TIMED_OUT\nstatus=RUNNING\nid={ARN}\n"
    assert run.summary == _table(
        ("outcome", "TIMED_OUT"), ("id", ARN), ("status", status), ("elapsed", "Ns")
    ) + ("\n")
    assert run.out.startswith(f"devicefarm.Job: {status}\n  outcome: (not finished)\n")
    said = re.compile(
        rf"timeout: Timed out after 0:00:0\d and \d+ polls waiting for {re.escape(WHAT)}; "
        rf"its last status was {re.escape(status)}\. Raise --timeout or check why it is stuck\."
    )
    lines = run.err.splitlines()
    assert lines[0] == f"::group::jobkit: waiting for {WHAT}"
    assert lines[-3] == "::endgroup::"
    assert said.fullmatch(lines[-2].removeprefix("jobkit: "))
    assert said.fullmatch(lines[-1].removeprefix("::error title=jobkit::"))


def test_a_timeout_as_a_summary(replay: Replay, tmp_path: Path) -> None:
    replay.devicefarm("GetJob", ARN, [devicefarm_job("running", ARN)])
    argv = ("wait", "devicefarm-job", ARN, *FAST, "--timeout", "0.05", "--output", "summary")
    run = Run(tmp_path)(replay, *argv)
    assert run.code == 4
    assert run.out == (
        f"TIMED_OUT: {WHAT}\n"
        "  status: RUNNING (6/12 tests, 5 passed, 1 warned)\n"
        "  result: PENDING; tests: 12 total, 5 passed, 1 warned\n"
        "  device: Google Pixel 8 (ANDROID 14)\n"
    )


def test_a_timeout_as_a_summary_outside_github(replay: Replay, tmp_path: Path) -> None:
    replay.devicefarm("GetJob", ARN, [devicefarm_job("running", ARN)])
    argv = ("wait", "devicefarm-job", ARN, *FAST, "--timeout", "0.05", "--output", "summary")
    run = Run(tmp_path, enabled="false")(replay, *argv)
    assert run.code == 4
    assert run.out.startswith(f"TIMED_OUT: {WHAT}\n  status: RUNNING")
    assert run.outputs is None
    assert run.summary is None
    assert "::" not in run.err


def test_a_usage_error(replay: Replay, tmp_path: Path) -> None:
    run = Run(tmp_path)(replay, "wait", "devicefarm-job", BAD_ARN)
    assert run.code == 2
    said = (
        f"error: ARN {BAD_ARN!r} is a Device Farm run ARN, not a job ARN; pass the ARN of one"
        " of its jobs (aws devicefarm list-jobs --arn RUN_ARN lists them)."
    )
    assert run.err == f"jobkit: {said}\n::error title=jobkit::{said}\n"
    assert run.outputs == f"status=\nid={BAD_ARN}\n"
    assert run.summary == (
        f"### jobkit: Device Farm job {BAD_ARN}\n\n| | |\n|---|---|\n"
        f"| outcome | ERROR |\n| id | {BAD_ARN} |\n\n"
    )
    assert run.out == ""


def test_an_aws_error(replay: Replay, tmp_path: Path) -> None:
    run = Run(tmp_path)(replay, "wait", "devicefarm-job", ARN, *FAST, "--not-found-grace", "0")
    assert run.code == 5
    said = f"aws error: {WHAT} was not found (NotFoundException: Not found)"
    assert f"\njobkit: {said}" in run.err
    assert f"\n::error title=jobkit::{said}" in run.err
    outputs = run.outputs
    assert outputs is not None
    assert "outcome=" not in outputs
    assert outputs.endswith(f"id={ARN}\n")
    summary = run.summary
    assert summary is not None
    assert "| outcome | ERROR |\n" in summary


def test_get_tells_github_nothing(replay: Replay, tmp_path: Path) -> None:
    replay.devicefarm("GetJob", ARN, [devicefarm_job("failed", ARN)])
    run = Run(tmp_path)(replay, "get", "devicefarm-job", ARN)
    assert run.code == 0
    assert run.outputs is None
    assert run.summary is None
    assert run.err == ""
    assert run.out.startswith("devicefarm.Job: COMPLETED/FAILED")


def test_outside_github_nothing_is_written(replay: Replay, tmp_path: Path) -> None:
    replay.devicefarm("GetJob", ARN, [devicefarm_job("failed", ARN)])
    run = Run(tmp_path, enabled="false")(replay, "wait", "devicefarm-job", ARN, *FAST)
    assert run.code == 1
    assert run.outputs is None
    assert run.summary is None
    assert "::" not in run.err


def test_the_process_environment_is_the_default(
    replay: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = Run(tmp_path)
    for name, value in run.environ.items():
        monkeypatch.setenv(name, value)
    replay.devicefarm("GetJob", ARN, [devicefarm_job("passed", ARN)])
    run(replay, "wait", "devicefarm-job", ARN, *FAST, environ=False)
    assert run.code == 0
    assert run.outputs == f"outcome=SUCCEEDED\nstatus=COMPLETED\nid={ARN}\n"


def test_a_given_environment_replaces_the_process_one(
    replay: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = Run(tmp_path)
    for name, value in run.environ.items():
        monkeypatch.setenv(name, value)
    run.environ = {}
    replay.devicefarm("GetJob", ARN, [devicefarm_job("passed", ARN)])
    run(replay, "wait", "devicefarm-job", ARN, *FAST)
    assert run.code == 0
    assert run.outputs is None
    assert "::" not in run.err


def _raise(error: BaseException) -> object:
    def sleep(*_: object) -> None:
        raise error

    return sleep


@pytest.mark.parametrize(
    ("error", "code", "said"),
    [
        (KeyboardInterrupt(), 130, "interrupted (Ctrl-C)"),
        (Terminated(), 143, "terminated (SIGTERM)"),
    ],
)
def test_interrupted_and_terminated(
    replay: Replay,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: BaseException,
    code: int,
    said: str,
) -> None:
    replay.devicefarm("GetJob", ARN, [devicefarm_job("running", ARN)])
    monkeypatch.setattr(Progress, "sleep", _raise(error))
    run = Run(tmp_path)(replay, "wait", "devicefarm-job", ARN, *FAST)
    assert run.code == code
    message = f"{said}; nothing was changed on AWS."
    assert run.err.endswith(f"::endgroup::\n\njobkit: {message}\n::error title=jobkit::{message}\n")
    assert run.outputs == f"status=RUNNING\nid={ARN}\n"


# The live line (not a terminal here: one line per change), outside GitHub.


def test_each_state_is_a_line_naming_the_resource(replay: Replay, tmp_path: Path) -> None:
    replay.devicefarm("GetJob", ARN, [devicefarm_job("passed", ARN)])
    run = Run(tmp_path, enabled="false")(replay, "wait", "devicefarm-job", ARN, *FAST)
    assert run.code == 0
    line = re.compile(r"\[0:00:0\d\] " + re.escape(f"{WHAT}: ") + r"(.*)")
    match = line.fullmatch(run.err.removesuffix("\n"))
    assert match is not None, run.err
    assert match[1] == "COMPLETED/PASSED (12/12 tests, 12 passed) -> SUCCEEDED"


def test_quiet_keeps_stderr_empty(replay: Replay, tmp_path: Path) -> None:
    replay.devicefarm("GetJob", ARN, [devicefarm_job("passed", ARN)])
    run = Run(tmp_path, enabled="false")(replay, "wait", "devicefarm-job", ARN, *FAST, "--quiet")
    assert run.code == 0
    assert run.err == ""
    assert run.out.startswith("devicefarm.Job: COMPLETED/PASSED")


def test_not_found_yet_says_how_long_the_grace_has_left(replay: Replay, tmp_path: Path) -> None:
    argv = ("wait", "devicefarm-job", ARN, *FAST, "--not-found-grace", "1")
    run = Run(tmp_path, enabled="false")(replay, *argv)
    assert run.code == 5
    first = run.err.splitlines()[0]
    not_yet = "not found yet; polling for 1s more (check the id and --region)"
    assert re.fullmatch(r"\[0:00:0\d\] " + re.escape(f"{WHAT}: {not_yet}"), first), run.err
    assert run.err.count("not found yet") == 1


@pytest.mark.parametrize("cancel", [True, False])
def test_cancel_on_timeout_is_passed_on(replay: Replay, tmp_path: Path, cancel: bool) -> None:
    stopping = devicefarm_run("stopping")
    replay.devicefarm("GetRun", RUN_ARN, [devicefarm_run("running")])
    replay.devicefarm("StopRun", RUN_ARN, [stopping], then={"GetRun": [stopping]})
    flags = ["--cancel-on-timeout"] if cancel else []
    argv = ("wait", "devicefarm-run", RUN_ARN, "--timeout", "0.1", "--quiet", *FAST, *flags)
    run = Run(tmp_path, enabled="false")(replay, *argv)
    assert run.code == 4
    assert replay.operations.count("StopRun") == (1 if cancel else 0)
    assert ("its status is now STOPPING" in run.err) is cancel


# After the wait: artifacts, an interrupt while saving them, an error of no known kind.


def _no_artifacts(*_: object, **__: object) -> tuple[Path, ...]:
    return ()


def test_wait_saves_the_artifacts(
    replay: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DeviceFarm, "download_artifacts", _no_artifacts)
    replay.devicefarm("GetJob", ARN, [devicefarm_job("passed", ARN)])
    directory = tmp_path / "artifacts"
    argv = ("wait", "devicefarm-job", ARN, *FAST, "--quiet", "--artifacts", str(directory))
    run = Run(tmp_path, enabled="false")(replay, *argv)
    assert run.code == 0
    assert run.err == f"jobkit: saved 0 artifact(s) to {directory}\n"


def test_an_interrupt_after_the_wait_changed_nothing(
    replay: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DeviceFarm, "download_artifacts", _raise(KeyboardInterrupt()))
    replay.devicefarm("GetJob", ARN, [devicefarm_job("passed", ARN)])
    directory = tmp_path / "artifacts"
    argv = ("wait", "devicefarm-job", ARN, *FAST, "--quiet", "--artifacts", str(directory))
    run = Run(tmp_path, enabled="false")(replay, *argv)
    assert run.code == 130
    assert run.err == "\njobkit: interrupted (Ctrl-C); nothing was changed on AWS.\n"


def test_an_error_of_no_known_kind(
    replay: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replay.devicefarm("GetJob", ARN, [devicefarm_job("running", ARN)])
    monkeypatch.setattr(Progress, "sleep", _raise(JobkitError("Something odd; try again.")))
    run = Run(tmp_path)(replay, "wait", "devicefarm-job", ARN, *FAST, "--quiet")
    assert run.code == 5
    said = "error: Something odd; try again."
    assert (
        run.err
        == f"::group::jobkit: waiting for {WHAT}\n::endgroup::\njobkit: {said}\n::error title=jobkit::{said}\n"
    )
    assert run.outputs == f"status=RUNNING\nid={ARN}\n"


@pytest.mark.parametrize(
    ("error", "code", "said"),
    [
        (KeyboardInterrupt(), 130, "interrupted (Ctrl-C)"),
        (Terminated(), 143, "terminated (SIGTERM)"),
    ],
)
def test_an_interrupt_with_cancel_on_timeout_says_what_it_stopped(
    replay: Replay,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: BaseException,
    code: int,
    said: str,
) -> None:
    stopping = devicefarm_run("stopping")
    replay.devicefarm("GetRun", RUN_ARN, [devicefarm_run("running")])
    replay.devicefarm("StopRun", RUN_ARN, [stopping], then={"GetRun": [stopping]})
    monkeypatch.setattr(Progress, "sleep", _raise(error))
    argv = ("wait", "devicefarm-run", RUN_ARN, *FAST, "--quiet", "--cancel-on-timeout")
    run = Run(tmp_path, enabled="false")(replay, *argv)
    assert run.code == code
    assert replay.operations.count("StopRun") == 1
    stopped = (
        "jobkit asked AWS to stop the Device Farm run (StopRun) and AWS accepted it; its status"
        " is now STOPPING (1/2 jobs, 11/24 tests, 10 passed, 1 warned)."
    )
    assert run.err == f"\njobkit: {said}; {stopped}\n"
