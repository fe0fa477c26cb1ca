"""What the command's tests share: planted secrets, fixtures, running ``python -m jobkit``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jobkit.testing import MotoIoT
from replay_server import Replay
from tls import ca_file

if TYPE_CHECKING:
    from collections.abc import Iterator

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
        "SSL_CERT_FILE": ca_file(),  # the replay endpoint serves artifacts over HTTPS
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
