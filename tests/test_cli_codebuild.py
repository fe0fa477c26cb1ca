"""``jobkit get|wait|start codebuild-build``, in-process: exit codes, the summary, the start line.

Against the replay endpoint (canned CodeBuild answers, tests/replay_server.py) and, for the
whole start-and-wait path over real HTTP, moto's server (which ends a build on its first read).
"""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING, Any

import pytest

from cli_helpers import FAST, replay
from helpers import make_client, moto_codebuild_answers_json
from jobkit._cli import main
from replay_server import Replay, canned

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.integration
_ = replay  # fixture, used by name

BUILD = "checkout-web:1a2b3c42-5c3e-4b1a-9f0d-2e7a6b8c9d0e"
WHAT = f"CodeBuild build {BUILD}"
LOGS = (
    "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/"
    "$252Faws$252Fcodebuild$252Fcheckout-web/log-events/1a2b3c42-5c3e-4b1a-9f0d-2e7a6b8c9d0e"
)


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


def _run(url: str, *argv: str, environ: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([*argv, "--endpoint-url", url], stdout=out, stderr=err, environ=environ or {})
    return code, out.getvalue(), err.getvalue()


def _builds(*scenarios: str) -> list[dict[str, Any]]:
    return [canned("codebuild", "batch_get_builds", s) for s in scenarios]


def test_wait_failed_summary_shows_the_phase_its_message_and_the_logs(replay: Replay) -> None:
    replay.codebuild("BatchGetBuilds", BUILD, _builds("in_progress", "failed"))
    code, out, err = _run(
        replay.url, "wait", "codebuild-build", BUILD, "--output", "summary", *FAST
    )
    assert code == 1, err
    assert out.splitlines() == [
        f"FAILED: {WHAT}",
        (
            "  status: FAILED (BUILD FAILED: COMMAND_EXECUTION_ERROR: Error while executing "
            "command: npm test. Reason: exit status 1) -> FAILED"
        ),
        "  project: checkout-web (build #43)",
        "  source: 9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
        "  failed phase: BUILD FAILED",
        (
            "  message: COMMAND_EXECUTION_ERROR: Error while executing command: npm test. "
            "Reason: exit status 1"
        ),
        f"  logs: {LOGS}",  # a console link, not presigned: shown
    ]
    assert "IN_PROGRESS" in err
    assert replay.operations == ["BatchGetBuilds", "BatchGetBuilds"]
    assert replay.bodies == [{"ids": [BUILD]}] * 2


@pytest.mark.parametrize(
    ("scenario", "code"), [("succeeded", 0), ("stopped", 3), ("timed_out", 1), ("fault", 1)]
)
def test_wait_exits_by_the_outcome(replay: Replay, scenario: str, code: int) -> None:
    replay.codebuild("BatchGetBuilds", BUILD, _builds(scenario))
    got, out, err = _run(replay.url, "wait", "codebuild-build", BUILD, *FAST)
    assert got == code, err
    assert out.startswith("codebuild.Build: ")


def test_get_prints_the_build_by_id_or_arn(replay: Replay) -> None:
    replay.codebuild("BatchGetBuilds", BUILD, _builds("in_progress"))
    arn = f"arn:aws:codebuild:us-east-1:123456789012:build/{BUILD}"
    code, out, err = _run(replay.url, "get", "codebuild-build", arn, "--output", "json")
    assert code == 0, err  # get: it was read, whatever its state
    assert f'"id": "{BUILD}"' in out
    code, out, _ = _run(replay.url, "get", "codebuild-build", BUILD, "--output", "summary")
    assert out.splitlines()[:2] == [
        f"NOT FINISHED: {WHAT}",
        "  status: IN_PROGRESS (phase 7/11 BUILD)",
    ]


def test_a_build_codebuild_does_not_know_is_an_aws_error(replay: Replay) -> None:
    replay.codebuild("BatchGetBuilds", BUILD, _builds("not_found"))
    code, _, err = _run(
        replay.url, "wait", "codebuild-build", BUILD, "--not-found-grace", "0", *FAST
    )
    assert code == 5
    assert f"jobkit: aws error: {WHAT} was not found" in err


def test_bad_ids_are_refused_in_the_commands_words_before_any_request(replay: Replay) -> None:
    code, _, err = _run(replay.url, "wait", "codebuild-build", "checkout-web")
    assert code == 2
    assert err.startswith("jobkit: error: BUILD_ID 'checkout-web' is not a CodeBuild build id")
    code, _, err = _run(replay.url, "start", "codebuild-build", "my project")
    assert code == 2
    assert "PROJECT_NAME 'my project'" in err
    code, _, err = _run(replay.url, "start", "codebuild-build", "web", "--source-version", " ")
    assert code == 2
    assert "--source-version is empty" in err
    assert replay.requests == 0


def test_start_prints_the_build_id_first_and_waits(replay: Replay, tmp_path: Path) -> None:
    replay.codebuild("StartBuild", "checkout-web", [canned("codebuild", "start_build", "queued")])
    replay.codebuild("BatchGetBuilds", BUILD, _builds("in_progress", "succeeded"))
    output = tmp_path / "output"
    github = {"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(output)}
    code, out, err = _run(
        replay.url, "start", "codebuild-build", "checkout-web", "--source-version", "pr/17",
        "--wait", *FAST, environ=github,
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[0] == BUILD
    assert f"jobkit: started {WHAT} (IN_PROGRESS)" in err
    assert replay.operations[0] == "StartBuild"
    assert replay.bodies[0] == {"projectName": "checkout-web", "sourceVersion": "pr/17"}
    assert "outcome=SUCCEEDED\n" in output.read_text()
    assert f"id={BUILD}\n" in output.read_text()


def test_start_without_wait_prints_only_the_id(replay: Replay, tmp_path: Path) -> None:
    replay.codebuild("StartBuild", "checkout-web", [canned("codebuild", "start_build", "queued")])
    output = tmp_path / "output"
    github = {"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(output)}
    code, out, err = _run(replay.url, "start", "codebuild-build", "checkout-web", environ=github)
    assert code == 0, err
    assert out == f"{BUILD}\n"
    assert replay.operations == ["StartBuild"]
    assert replay.bodies == [{"projectName": "checkout-web"}]
    assert output.read_text() == f"id={BUILD}\nstatus=IN_PROGRESS\n"


def test_start_and_wait_over_moto(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    moto_codebuild_answers_json(monkeypatch)  # moto labels CodeBuild's JSON "text"
    client = make_client("codebuild", "us-east-1", endpoint_url=moto_server)
    client.create_project(
        name="cli-web",
        source={"type": "NO_SOURCE", "location": "none", "buildspec": "version: 0.2"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/amazonlinux-x86_64-standard:5.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        serviceRole="arn:aws:iam::123456789012:role/codebuild-cli",
    )
    code, out, err = _run(moto_server, "start", "codebuild-build", "cli-web", "--wait", *FAST)
    assert code == 0, err
    build_id = out.splitlines()[0]
    assert build_id.startswith("cli-web:")
    assert "codebuild.Build: SUCCEEDED -> SUCCEEDED" in out
    code, out, _ = _run(moto_server, "get", "codebuild-build", build_id, "--output", "summary")
    assert code == 0
    assert out.splitlines()[0] == f"SUCCEEDED: CodeBuild build {build_id}"
    client.close()


def test_help_lists_codebuild_with_its_policy(capsys: pytest.CaptureFixture[str]) -> None:
    def help_of(*argv: str) -> str:
        with pytest.raises(SystemExit):
            main([*argv, "--help"])
        return capsys.readouterr().out

    wait = help_of("wait")
    assert (
        "  codebuild-build BUILD_ID\n      CodeBuild build: --timeout 8h, --min-delay 10s" in wait
    )
    start = help_of("start")
    assert "codebuild-build" in start
    assert "amplify-job" in start
    leaf = help_of("start", "codebuild-build")
    for word in ("PROJECT_NAME", "--source-version VERSION", "--wait", "--cancel-on-timeout"):
        assert word in leaf
    assert "--job-type" not in leaf
