"""No planted credential or signature leaks: repr(), logs, errors, every command output.

In-process (so mutation testing sees it), against the replay endpoint: each planted
secret of tests/cli_helpers.py goes into a member that may carry it, in a Device Farm
job, a remote access session and an Amplify job; then ``get`` and ``wait`` run with
every ``--output``, with jobkit's logger at DEBUG.
"""

from __future__ import annotations

import io
import logging
import os
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_helpers import (
    APP,
    ARN,
    BRANCH,
    CLOUDFRONT,
    CLOUDFRONT_POLICY,
    FAST,
    SECRETS,
    SENSITIVE,
    SESSION,
    SIGV2,
    SIGV4,
)
from jobkit import amplify, devicefarm, structure
from jobkit._cli import main
from replay_server import Replay, canned, devicefarm_job

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.integration

URLS = (SIGV4, SIGV2, CLOUDFRONT, CLOUDFRONT_POLICY)


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


@pytest.fixture(scope="module")
def server() -> Iterator[Replay]:
    with Replay() as replay:
        yield replay


def _df_job(url: str, scenario: str) -> dict[str, Any]:
    return devicefarm_job(
        scenario,
        ARN,
        videoEndpoint=url,
        insights={"status": "COMPLETED", "testReport": {"testDetailsUrl": SENSITIVE[2]}},
        plantedToken="PLANTED-EXTRA-TOKEN",
    )


def _session(url: str) -> dict[str, Any]:
    body = canned("devicefarm", "get_remote_access_session", "passed")
    body["remoteAccessSession"] |= {
        "arn": SESSION,
        "endpoint": url,
        "endpoints": {"remoteDriverEndpoint": SENSITIVE[0], "interactiveEndpoint": SENSITIVE[1]},
    }
    return body


def _amplify(url: str, scenario: str) -> dict[str, Any]:
    body = canned("amplify", "get_job", scenario)
    body["job"]["summary"]["sourceUrl"] = url
    for step in body["job"]["steps"]:
        step |= {"logUrl": url, "artifactsUrl": url, "screenshots": {"pixel": url}}
    return body


PLANTED = (*SECRETS, "PLANTED-EXTRA-TOKEN")


def _clean(text: str) -> None:
    leaked = [s for s in PLANTED if s in text]
    assert not leaked, text


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    url=st.sampled_from(URLS),
    command=st.sampled_from(["get", "wait"]),
    output=st.sampled_from(["text", "json", "summary"]),
    resource=st.sampled_from(["devicefarm-job", "devicefarm-session", "amplify-job"]),
    scenario=st.sampled_from(["failed", "passed"]),
)
def test_no_secret_in_any_output_or_log(
    server: Replay,
    caplog: pytest.LogCaptureFixture,
    url: str,
    command: str,
    output: str,
    resource: str,
    scenario: str,
) -> None:
    server.devicefarm("GetJob", ARN, [_df_job(url, scenario)])
    server.devicefarm("GetRemoteAccessSession", SESSION, [_session(url)])
    server.amplify(
        APP, BRANCH, "42", [_amplify(url, "failed" if scenario == "failed" else "succeed")]
    )
    ids = {
        "devicefarm-job": [ARN],
        "devicefarm-session": [SESSION],
        "amplify-job": [APP, BRANCH, "42"],
    }
    argv = [command, resource, *ids[resource], "--output", output, "--endpoint-url", server.url]
    if command == "wait":
        argv += FAST
    out, err = io.StringIO(), io.StringIO()
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="jobkit"):
        main(argv, stdout=out, stderr=err, environ={})
    _clean(out.getvalue())
    _clean(err.getvalue())
    _clean(caplog.text)


@given(url=st.sampled_from(URLS), scenario=st.sampled_from(["failed", "passed", "running"]))
def test_no_secret_in_repr_or_errors(url: str, scenario: str) -> None:
    job = structure(_df_job(url, scenario)["job"], devicefarm.Job)
    session = structure(_session(url)["remoteAccessSession"], devicefarm.RemoteAccessSession)
    amp = structure(_amplify(url, "failed")["job"], amplify.Job)
    for model in (job, session, amp, job.counters, amp.summary, *(amp.steps or ())):
        _clean(repr(model))
        _clean(str(model))
