"""A WaitPolicy changes only what it sets; the resource's defaults fill in the rest."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpers import make_client
from jobkit import DeviceFarm, IoT, WaitPolicy
from jobkit.errors import InvalidArgumentError, WaitTimeoutError
from jobkit.testing import FakeClock, lifecycle

JOB_ARN = "arn:aws:devicefarm:us-west-2:123456789012:job:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE/00000"


def test_only_the_given_values_replace_the_resource_defaults() -> None:
    base = DeviceFarm.JOB_POLICY
    merged = WaitPolicy(timeout=600).over(base)
    assert (merged.timeout, merged.min_delay, merged.max_delay) == (600, 5, 180)
    assert merged.not_found_grace == base.not_found_grace
    assert WaitPolicy(timeout=timedelta(minutes=5)).given() == {"timeout"}
    assert WaitPolicy().given() == frozenset()
    assert WaitPolicy().over(IoT.EXECUTION_POLICY) == IoT.EXECUTION_POLICY


def test_a_lone_delay_moves_the_other_end_of_the_range() -> None:
    base = DeviceFarm.JOB_POLICY  # 5..180 s
    raised = WaitPolicy(min_delay=200).over(base)
    assert (raised.min_delay, raised.max_delay) == (200, 200)
    lowered = WaitPolicy(max_delay=2).over(base)
    assert (lowered.min_delay, lowered.max_delay) == (2, 2)
    with pytest.raises(InvalidArgumentError, match="max_delay"):
        WaitPolicy(min_delay=10, max_delay=5)


def test_a_wait_with_only_a_timeout_backs_off_to_the_resource_max_delay() -> None:
    client = make_client("devicefarm")
    clock = FakeClock()
    policy = clock.policy(timeout=500)  # jitter pinned at 0.5
    with pytest.raises(WaitTimeoutError), lifecycle(client, "get_job", ["running"] * 30):
        DeviceFarm(client).wait_for_job(JOB_ARN, policy=policy)
    # 5, then 5 + 0.5 * (min(180, 5 * 2**(n-1)) - 5): past 120 s (the generic default)
    assert max(clock.sleeps[:-1]) == pytest.approx(92.5)
    assert clock.sleeps[:6] == [5.0, 7.5, 12.5, 22.5, 42.5, 82.5]
