"""CI step: wait for a Device Farm run, print its failed tests per device, save the logs.

Against AWS (Device Farm lives in us-west-2; credentials from the usual chain)::

    python examples/devicefarm_wait_job.py arn:aws:devicefarm:us-west-2:123456789012:run:... \
        --logs device-farm-logs --timeout 7200

Offline, replaying a canned run (PENDING -> RUNNING -> COMPLETED/FAILED, two devices with a
failed test each); its logs are not downloaded (jobkit fetches ``https`` URLs only, and
there is no S3 offline)::

    python examples/devicefarm_wait_job.py --offline

Exits 0 when the run passed (or warned), 1 when it failed or was stopped, 4 when it timed
out (the run is then stopped: ``cancel_on_timeout``).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any

import boto3

from jobkit import DeviceFarm, Outcome, WaitPolicy, describe, devicefarm
from jobkit.errors import JobkitError, WaitTimeoutError
from jobkit.testing import FakeClock, Stubber, load_stub

OFFLINE_RUN = (
    "arn:aws:devicefarm:us-west-2:123456789012:run:"
    "5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE"
)


def report(run: devicefarm.Run, df: DeviceFarm) -> None:
    """Print the run's outcome, then each device's failed tests with the reason."""
    print(f"{run.name}: {describe(run)}")
    if run.device_minutes and run.device_minutes.total is not None:
        print(f"  device minutes: {run.device_minutes.total:.1f}")
    if run.outcome is Outcome.SUCCEEDED:
        return
    devices = {
        job.arn: job.device.name if job.device else job.name for job in df.list_jobs(run.arn or "")
    }
    failed = df.failed_tests(run.arn or "")
    print(f"{len(failed)} failed test(s):")
    for device in sorted({devices.get(t.job_arn) or "unknown device" for t in failed}):
        print(f"  {device}")
        for test in (t for t in failed if (devices.get(t.job_arn) or "unknown device") == device):
            print(f"    {test.name} [{test.result}]: {test.message or 'no message'}")


def main(argv: list[str] | None = None) -> int:
    """Wait for the run, say what failed, save the logs; the outcome becomes the exit code."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("arn", nargs="?", default=OFFLINE_RUN)
    parser.add_argument("--logs", help="save the run's logs into this directory")
    parser.add_argument("--timeout", type=float, default=3 * 3600, help="seconds (default 3 h)")
    parser.add_argument("--offline", action="store_true", help="replay canned responses")
    args = parser.parse_args(argv)

    client = boto3.client("devicefarm", region_name="us-west-2")
    policy = WaitPolicy(timeout=args.timeout)
    replay: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
    logs = args.logs
    if args.offline:
        policy = FakeClock().policy(timeout=args.timeout)
        replay = _offline_run(client)
        logs = None
    df = DeviceFarm(client)
    with replay:
        try:
            run = df.wait_for_run(
                args.arn,
                policy=policy,
                on_update=lambda r: print("...", describe(r)),
                cancel_on_timeout=True,
            )
        except WaitTimeoutError as exc:
            print(exc, file=sys.stderr)
            return 4
        report(run, df)
        if logs:
            try:
                saved = df.download_artifacts(args.arn, logs, types=("LOG",))
            except JobkitError as exc:  # a log that cannot be saved does not hide the outcome
                print(f"some logs were not saved: {exc}", file=sys.stderr)
                saved = getattr(exc, "written", ())
            print(f"saved {len(saved)} log(s): {', '.join(p.name for p in saved)}")
        elif args.offline:
            print("offline: the logs are not downloaded (no S3 to fetch them from)")
    return 0 if run.outcome is Outcome.SUCCEEDED else 1


def _offline_run(client: Any) -> Stubber:
    """Script every call the online path makes, in order, from jobkit's canned responses."""
    stubber = Stubber(client)

    def add(operation: str, scenario: str) -> None:
        stubber.add_response(operation, load_stub("devicefarm", operation, scenario))

    for scenario in ("pending", "running", "running_half", "failed"):
        add("get_run", scenario)
    for _ in range(2):  # device names for the report, then failed_tests' own listing
        for scenario in ("page1", "page2", "page3"):
            add("list_jobs", scenario)
        if _ == 0:
            continue
        for suites, tests in (("pixel", "pixel_tests"), ("galaxy", "galaxy_login")):
            add("list_suites", suites)
            add("list_tests", tests)
    return stubber


if __name__ == "__main__":
    sys.exit(main())
