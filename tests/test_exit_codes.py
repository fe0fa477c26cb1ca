"""The command's exit codes, in-process (so mutation testing sees them) against the replay endpoint."""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING

import pytest

from cli_helpers import ARN, FAST, replay
from jobkit._cli import main
from jobkit._cli._live import Progress
from jobkit._cli._signals import Terminated
from replay_server import Replay, devicefarm_job

if TYPE_CHECKING:
    from collections.abc import Callable

pytestmark = pytest.mark.integration
_ = replay  # fixture, used by name


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


def run(replay: Replay, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([*argv, "--endpoint-url", replay.url], stdout=out, stderr=err, environ={})
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("scenario", "code"),
    [
        ("passed", 0),
        ("warned", 0),
        ("failed", 1),
        ("errored", 1),
        ("stopped", 3),
        ("skipped", 3),
    ],
)
def test_wait_exit_code_follows_the_outcome(replay: Replay, scenario: str, code: int) -> None:
    replay.devicefarm("GetJob", ARN, [devicefarm_job(scenario, ARN)])
    assert run(replay, "wait", "devicefarm-job", ARN, *FAST)[0] == code


def test_get_is_0_whatever_the_outcome(replay: Replay) -> None:
    replay.devicefarm("GetJob", ARN, [devicefarm_job("failed", ARN)])
    code, out, _ = run(replay, "get", "devicefarm-job", ARN)
    assert code == 0
    assert ARN in out


def test_timeout_is_4(replay: Replay) -> None:
    replay.devicefarm("GetJob", ARN, [devicefarm_job("running", ARN)])
    code, _, err = run(replay, "wait", "devicefarm-job", ARN, *FAST, "--timeout", "0.05")
    assert code == 4
    assert "jobkit: timeout:" in err


def test_not_found_is_5(replay: Replay) -> None:
    code, _, err = run(replay, "wait", "devicefarm-job", ARN, *FAST, "--not-found-grace", "0")
    assert code == 5
    assert "jobkit: aws error:" in err


def test_a_bad_arn_is_2_before_any_request(replay: Replay) -> None:
    code, _, err = run(replay, "wait", "devicefarm-job", "arn:aws:devicefarm:us-west-2:1:run:x")
    assert code == 2
    assert err.startswith("jobkit: error:")
    assert replay.requests == 0


def _raise(error: BaseException) -> Callable[..., None]:
    def sleep(*_: object) -> None:
        raise error

    return sleep


@pytest.mark.parametrize(
    ("error", "code", "said"),
    [(KeyboardInterrupt(), 130, "interrupted"), (Terminated(), 143, "terminated")],
)
def test_interrupted_and_terminated(
    replay: Replay, monkeypatch: pytest.MonkeyPatch, error: BaseException, code: int, said: str
) -> None:
    replay.devicefarm("GetJob", ARN, [devicefarm_job("running", ARN)])
    monkeypatch.setattr(Progress, "sleep", _raise(error))
    got, _, err = run(replay, "wait", "devicefarm-job", ARN, *FAST)
    assert got == code
    assert f"jobkit: {said}" in err
