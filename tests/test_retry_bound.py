"""http_attempt_bound in every botocore retry mode, checked against the requests really sent.

A ``before-send`` hook answers every request with a 503 and counts it, and botocore's
own retry sleep is replaced, so nothing waits and nothing leaves the process.
"""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.config import Config

from jobkit import DeviceFarm, RetryPolicy
from jobkit._engine._retry import http_attempt_bound
from jobkit.errors import JobkitError

ARN = "arn:aws:devicefarm:us-west-2:123456789012:job:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE/00000"


def _no_sleep(_: float) -> None:
    return


class _Raw:
    def stream(self, **_: Any) -> Any:
        return iter([b"{}"])


def _client(retries: dict[str, Any] | None) -> tuple[Any, list[int]]:
    config = Config(retries=retries) if retries is not None else Config()  # type: ignore[arg-type]
    client = boto3.client(
        "devicefarm",
        region_name="us-west-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    )
    sent: list[int] = []

    def unavailable(request: Any, **_: Any) -> AWSResponse:
        sent.append(1)
        return AWSResponse(request.url, 503, HTTPHeaders(), _Raw())

    client.meta.events.register("before-send", unavailable)
    return client, sent


# (the client's retries setting, botocore's attempts per call)
MODES: list[tuple[dict[str, Any] | None, int]] = [
    ({"mode": "legacy"}, 5),
    ({"mode": "standard"}, 3),
    ({"mode": "adaptive"}, 3),
    ({"mode": "legacy", "max_attempts": 2}, 3),  # max_attempts counts retries, not the first
    ({"mode": "standard", "max_attempts": 0}, 1),
    ({"mode": "adaptive", "max_attempts": 4}, 5),
    ({"mode": "legacy", "total_max_attempts": 2}, 2),  # total_max_attempts counts them all
    ({"mode": "standard", "total_max_attempts": 6}, 6),
    ({"mode": "adaptive", "total_max_attempts": 1}, 1),
    ({"mode": "standard", "max_attempts": 9, "total_max_attempts": 2}, 2),  # total wins
]


@pytest.mark.parametrize(("retries", "inner"), MODES)
@pytest.mark.parametrize("outer", [1, 3])
def test_the_bound_is_exactly_what_is_sent(
    retries: dict[str, Any] | None, inner: int, outer: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # botocore sleeps between its own retries through the time module (where depends on
    # the version), so the test stubs time.sleep itself; nothing else sleeps here.
    monkeypatch.setattr(time, "sleep", _no_sleep)
    client, sent = _client(retries)
    policy = RetryPolicy(max_attempts=outer, sleep=_no_sleep)
    assert http_attempt_bound(policy, client) == outer * inner
    with pytest.raises(JobkitError):
        DeviceFarm(client, retry=policy).get_job(ARN)
    assert len(sent) == outer * inner


def test_with_no_setting_the_bound_follows_the_mode_botocore_resolves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("botocore.endpoint.time.sleep", _no_sleep)
    client, sent = _client(None)
    mode = client.meta.config.retries["mode"]  # legacy in older botocore, standard in newer
    policy = RetryPolicy(max_attempts=2, sleep=_no_sleep)
    with pytest.raises(JobkitError):
        DeviceFarm(client, retry=policy).get_job(ARN)
    assert http_attempt_bound(policy, client) == len(sent) == 2 * (5 if mode == "legacy" else 3)


def test_a_client_jobkit_builds_turns_botocore_retries_off() -> None:
    facade = DeviceFarm(region_name="us-west-2")
    assert http_attempt_bound(RetryPolicy(max_attempts=4), facade.client) == 4


# What client.meta.config.retries may hold as given (older botocore keeps max_attempts and
# may lack a mode; newer botocore rewrites max_attempts into total_max_attempts).
CONFIGS: list[tuple[dict[str, Any] | None, int]] = [
    (None, 5),  # no retries setting at all: botocore's historical default, legacy
    ({}, 5),
    ({"mode": "legacy"}, 5),
    ({"mode": "standard"}, 3),
    ({"mode": "adaptive"}, 3),
    ({"mode": "future-mode"}, 5),  # unknown: the largest default
    ({"max_attempts": 2}, 3),
    ({"mode": "standard", "max_attempts": 0}, 1),
    ({"mode": "adaptive", "max_attempts": 4}, 5),
    ({"total_max_attempts": 2}, 2),
    ({"max_attempts": 9, "total_max_attempts": 2}, 2),
]


class _Meta:
    def __init__(self, retries: dict[str, Any] | None) -> None:
        self.config = type("C", (), {"retries": retries})()


class _FakeClient:
    def __init__(self, retries: dict[str, Any] | None) -> None:
        self.meta = _Meta(retries)


@pytest.mark.parametrize(("retries", "inner"), CONFIGS)
@pytest.mark.parametrize("outer", [1, 4])
def test_the_bound_from_the_retries_setting_as_given(
    retries: dict[str, Any] | None, inner: int, outer: int
) -> None:
    assert (
        http_attempt_bound(RetryPolicy(max_attempts=outer), _FakeClient(retries)) == outer * inner
    )


def test_a_config_without_retries_attribute_is_legacy() -> None:
    client = _FakeClient(None)
    client.meta.config = object()  # pyright: ignore[reportAttributeAccessIssue]
    assert http_attempt_bound(RetryPolicy(max_attempts=2), client) == 10
