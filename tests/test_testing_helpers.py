"""jobkit.testing for users' own tests: lifecycles that say when they run out, FakeClock."""

from __future__ import annotations

import pytest

from helpers import make_client
from jobkit import DeviceFarm, Outcome
from jobkit.errors import WaitTimeoutError
from jobkit.testing import FakeClock, LifecycleExhaustedError, lifecycle

JOB_ARN = "arn:aws:devicefarm:us-west-2:123456789012:job:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE/00000"


def test_repeat_last_answers_every_further_poll() -> None:
    client = make_client("devicefarm")
    clock = FakeClock()
    with (
        lifecycle(client, "get_job", ["pending", "running"], repeat_last=True),
        pytest.raises(WaitTimeoutError) as info,
    ):
        DeviceFarm(client).wait_for_job(JOB_ARN, policy=clock.policy(timeout=600))
    assert info.value.polls > 2  # far more polls than steps, all answered
    assert info.value.resource is not None
    assert info.value.resource.status == "RUNNING"


def test_a_lifecycle_that_runs_out_says_so() -> None:
    client = make_client("devicefarm")
    clock = FakeClock()
    with (
        pytest.raises(LifecycleExhaustedError, match=r"called a 3rd time but only 2 steps"),
        lifecycle(client, "get_job", ["pending", "running"]),
    ):
        DeviceFarm(client).wait_for_job(JOB_ARN, policy=clock.policy(timeout=600))


def test_exact_steps_still_end_cleanly() -> None:
    client = make_client("devicefarm")
    with lifecycle(client, "get_job", ["running", "passed"]):
        job = DeviceFarm(client).wait_for_job(JOB_ARN, policy=FakeClock().policy())
    assert job.outcome is Outcome.SUCCEEDED


def test_fake_clock_policy_keeps_resource_defaults() -> None:
    policy = FakeClock().policy(timeout=60)
    assert policy.given() == {"timeout"}
    assert policy.over(DeviceFarm.JOB_POLICY).max_delay == DeviceFarm.JOB_POLICY.max_delay
