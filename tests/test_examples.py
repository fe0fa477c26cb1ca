"""Every example runs offline, prints what it promises and exits with the documented code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.integration


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "examples" / script), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_devicefarm_example_waits_for_the_run_and_says_what_failed() -> None:
    result = _run("devicefarm_wait_job.py", "--offline")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "... PENDING (0/2 jobs)"
    assert (
        "... COMPLETED/FAILED (2/2 jobs, 24/24 tests, 22 passed, 1 failed, 1 errored) -> FAILED"
        in lines
    )
    assert lines[lines.index("2 failed test(s):") + 1 :] == [
        "  Google Pixel 8",
        "    test_payment_declined [FAILED]: AssertionError: expected 'Declined' on screen",
        "  Samsung Galaxy S24",
        "    test_login_sso [ERRORED]: WebDriverException: session not created",
        "offline: the logs are not downloaded (no S3 to fetch them from)",
    ]
    assert "X-Amz-Signature" not in result.stdout + result.stderr


def test_amplify_example_reports_failed_steps() -> None:
    result = _run("amplify_block_deploy.py", "--offline")
    assert result.returncode == 1, result.stderr
    assert "  DEPLOY: Build output directory 'dist' not found." in result.stdout
    assert (
        "    log: https://aws-amplify-prod-us-east-1-artifacts.s3.amazonaws.com/" in result.stdout
    )


def test_iot_example_watches_the_rollout() -> None:
    result = _run("iot_ota_rollout.py", "--offline")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "QUEUED: queued=3 in_progress=0 succeeded=0 failed=0 timed_out=0 rejected=0"
    assert (
        lines[-2] == "COMPLETED: queued=0 in_progress=0 succeeded=3 failed=0 timed_out=0 rejected=0"
    )
    assert lines[-1] == "rollout SUCCEEDED"


def test_demo_runs_end_to_end() -> None:
    result = _run("demo.py", "--fast")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "exit code 0" in result.stdout
    assert "job outcome: SUCCEEDED (WARNED, 1 warned)" in result.stdout
    assert "deploy outcome: SUCCEEDED" in result.stdout
    assert "X-Amz-Signature" not in result.stdout
    assert "COMPLETED (3/3 things succeeded) -> SUCCEEDED" in result.stderr


def test_iot_ota_watch_example_reports_failed_things() -> None:
    result = _run("iot_ota_watch.py", "--offline")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "watching 2000 things of ota-firmware-2026-11"
    assert "[1000/2000] succeeded=" in result.stdout
    assert "  failed: ota-device-" in result.stdout
    assert "rollout done: succeeded=1854 failed=146 cancelled=0 not_ended=0" in lines
    assert lines[-1].startswith("146 things did not succeed: ota-device-")
