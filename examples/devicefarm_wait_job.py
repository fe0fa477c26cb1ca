"""Wait for a Device Farm job and print its test counters.

Against AWS (Device Farm lives in us-west-2; credentials from the usual chain)::

    python examples/devicefarm_wait_job.py arn:aws:devicefarm:us-west-2:123456789012:job:...

Offline, replaying a canned PENDING -> RUNNING -> COMPLETED lifecycle::

    python examples/devicefarm_wait_job.py --offline

Exits 0 when the job passed (or warned), 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

import boto3

from jobkit import DeviceFarm, Outcome, WaitPolicy, describe, devicefarm
from jobkit.testing import FakeClock, lifecycle

OFFLINE_ARN = "arn:aws:devicefarm:us-west-2:123456789012:job:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE/00000"


def report(job: devicefarm.Job) -> None:
    """Print the counters a CI log wants to show."""
    counters = job.counters or devicefarm.Counters()
    device = job.device.name if job.device else "unknown device"
    print(f"{job.name} on {device}: {job.result}")
    for name in ("total", "passed", "failed", "errored", "warned", "skipped", "stopped"):
        print(f"  {name:>8}: {getattr(counters, name) or 0}")
    if job.device_minutes and job.device_minutes.total is not None:
        print(f"  device minutes: {job.device_minutes.total:.1f}")


def main(argv: list[str] | None = None) -> int:
    """Wait for the job, print its counters, and turn its outcome into an exit code."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("arn", nargs="?", default=OFFLINE_ARN)
    parser.add_argument("--offline", action="store_true", help="replay canned responses")
    args = parser.parse_args(argv)

    client = boto3.client("devicefarm", region_name="us-west-2")
    policy = WaitPolicy(timeout=3 * 3600)
    replay: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
    if args.offline:
        replay = lifecycle(client, "get_job", ["pending", "running", "running", "passed"])
        policy = FakeClock().policy(timeout=3 * 3600)
    with replay:
        job = DeviceFarm(client).wait_for_job(
            args.arn, policy=policy, on_update=lambda j: print("...", describe(j))
        )
    report(job)
    return 0 if job.outcome is Outcome.SUCCEEDED else 1


if __name__ == "__main__":
    sys.exit(main())
