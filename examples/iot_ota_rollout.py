"""Watch an IoT over-the-air (OTA) job roll out across a fleet, thing by thing.

Against AWS::

    python examples/iot_ota_rollout.py ota-firmware-2026-11 --region eu-west-1

Offline, against moto's IoT on 127.0.0.1 with three simulated devices (needs moto[server])::

    python examples/iot_ota_rollout.py --offline

Exits 0 when every thing succeeded, 1 when some failed, 3 when the job was cancelled.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any

from jobkit import IoT, Outcome, WaitPolicy, iot

EXIT = {Outcome.SUCCEEDED: 0, Outcome.FAILED: 1, Outcome.CANCELLED: 3}


def show(job: iot.Job) -> None:
    """Print one rollout line: how many things are in each state."""
    d = job.job_process_details or iot.JobProcessDetails()
    print(
        f"{job.status}: queued={d.number_of_queued_things or 0} "
        f"in_progress={d.number_of_in_progress_things or 0} "
        f"succeeded={d.number_of_succeeded_things or 0} failed={d.number_of_failed_things or 0} "
        f"timed_out={d.number_of_timed_out_things or 0} rejected={d.number_of_rejected_things or 0}"
    )


def main(argv: list[str] | None = None) -> int:
    """Wait for the rollout and map its outcome to an exit code."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("job_id", nargs="?", default="ota-firmware-2026-11")
    parser.add_argument("--region", default="eu-west-1")
    parser.add_argument("--offline", action="store_true", help="use moto's server and fake devices")
    args = parser.parse_args(argv)

    with contextlib.ExitStack() as stack:
        if args.offline:
            from jobkit.testing import MotoIoT  # noqa: PLC0415 -- needs moto, only offline

            fleet = stack.enter_context(MotoIoT(region_name=args.region))
            things = ["sensor-0001", "sensor-0002", "sensor-0003"]
            fleet.create_job(args.job_id, things)
            fleet.script(
                args.job_id,
                [
                    {},
                    {things[0]: "IN_PROGRESS", things[1]: "IN_PROGRESS"},
                    {things[0]: "SUCCEEDED", things[2]: "IN_PROGRESS"},
                    {things[1]: "SUCCEEDED"},
                    {things[2]: "SUCCEEDED"},
                ],
            )
            facade = IoT(fleet.client())
            policy = WaitPolicy(timeout=60, min_delay=0.01, max_delay=0.01)
        else:
            facade = IoT(region_name=args.region)
            policy = IoT.JOB_POLICY
        job: Any = facade.wait_for_job(args.job_id, policy=policy, on_update=show)
    print(f"rollout {job.outcome}")
    return EXIT[job.outcome]


if __name__ == "__main__":
    sys.exit(main())
