"""The main job, end to end, offline: wait for AWS jobs to finish, as a CI step would.

1. IoT: moto's server on 127.0.0.1 hosts a firmware job for three things; a second
   thread plays the devices; the real ``jobkit wait iot-job`` command blocks on it,
   showing progress, and its exit code says how the rollout ended.
2. Device Farm and Amplify (which moto lacks): canned lifecycles from ``stubs/`` are
   replayed through botocore's Stubber into the same waiter.

Run it with ``nox -s demo`` (or ``python examples/demo.py``; ``--fast`` skips the pauses).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import boto3

from jobkit import Amplify, DeviceFarm, Resource, WaitPolicy, describe
from jobkit.testing import FakeClock, MotoIoT, lifecycle

DF_JOB = "arn:aws:devicefarm:us-west-2:123456789012:job:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE/00000"
THINGS = ["sensor-0001", "sensor-0002", "sensor-0003"]
DEVICE_STEPS: list[dict[str, str]] = [
    {},
    {THINGS[0]: "IN_PROGRESS"},
    {THINGS[0]: "SUCCEEDED", THINGS[1]: "IN_PROGRESS"},
    {THINGS[1]: "SUCCEEDED", THINGS[2]: "IN_PROGRESS"},
    {THINGS[2]: "SUCCEEDED"},
]


def banner(text: str) -> None:
    """Print a section title."""
    print(f"\n=== {text}", flush=True)


def iot_part(*, fast: bool) -> int:
    """Wait on an IoT job with the real command while devices report from another thread."""
    banner("IoT: jobkit wait iot-job, against moto's server on 127.0.0.1")
    with MotoIoT(region_name="eu-west-1") as fleet:
        fleet.create_job("ota-firmware-2026-11", THINGS)
        if fast:
            fleet.script("ota-firmware-2026-11", DEVICE_STEPS)
            pace = ["--min-delay", "0.01", "--max-delay", "0.01"]
        else:

            def devices() -> None:
                for step in DEVICE_STEPS:
                    time.sleep(1.2)
                    for thing, status in step.items():
                        fleet.report("ota-firmware-2026-11", thing, status, progress="100%")

            threading.Thread(target=devices, daemon=True).start()
            pace = ["--min-delay", "0.5", "--max-delay", "1"]
        command = [
            sys.executable, "-m", "jobkit", "wait", "iot-job", "ota-firmware-2026-11",
            "--region", "eu-west-1", "--endpoint-url", fleet.endpoint_url, *pace,
        ]  # fmt: skip
        print(
            "$ jobkit wait iot-job ota-firmware-2026-11 --endpoint-url",
            fleet.endpoint_url,
            flush=True,
        )
        env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
        src = Path(__file__).resolve().parent.parent / "src"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
        code = subprocess.run(command, env=env, check=False).returncode
        print(f"exit code {code} (0 = every thing succeeded)", flush=True)
        return code


def replay_part(*, fast: bool) -> tuple[str, str]:
    """Replay Device Farm and Amplify lifecycles from stubs/ through the same waiter."""
    policy = (
        FakeClock().policy(timeout=3600)
        if fast
        else WaitPolicy(timeout=60, min_delay=0.4, max_delay=0.8)
    )

    def show(resource: Resource) -> None:
        print("  ...", describe(resource), flush=True)

    banner("Device Farm: DeviceFarm.wait_for_job, replaying stubs/devicefarm/get_job")
    client = boto3.client(
        "devicefarm", region_name="us-west-2", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with lifecycle(client, "get_job", ["pending", "running", "running", "warned"]):
        job = DeviceFarm(client).wait_for_job(DF_JOB, policy=policy, on_update=show)
    print(
        f"job outcome: {job.outcome} ({job.result}, {job.counters.warned if job.counters else 0} warned)"
    )

    banner("Amplify: Amplify.wait_for_job, replaying stubs/amplify/get_job")
    client = boto3.client(
        "amplify", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with lifecycle(client, "get_job", ["pending", "provisioning", "running", "succeed"]):
        deploy = Amplify(client).wait_for_job(
            "d2a4xexample1", "main", "42", policy=policy, on_update=show
        )
    print(f"deploy outcome: {deploy.outcome}")
    if deploy.steps:
        shown = repr(deploy.steps[0])
        start = shown.index("log_url=")
        print("repr() keeps presigned URLs out of logs:", shown[start : shown.index(",", start)])
    return str(job.outcome), str(deploy.outcome)


def main(argv: list[str] | None = None) -> int:
    """Run both parts; exit 0 when every wait ended as expected."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="no pauses between polls")
    args = parser.parse_args(argv)
    started = time.monotonic()
    iot_code = iot_part(fast=args.fast)
    outcomes = replay_part(fast=args.fast)
    banner(f"done in {time.monotonic() - started:.1f} s")
    return 0 if iot_code == 0 and outcomes == ("SUCCEEDED", "SUCCEEDED") else 1


if __name__ == "__main__":
    sys.exit(main())
