"""Watch an IoT OTA rollout over thousands of things, each result as it arrives.

Every thing's execution is a handle; ``jobkit.as_completed`` watches them all through
ListJobExecutionsForJob pages (250 things a call) under one rate budget, and yields
each execution as it ends. Progress lines show the counts by outcome; failed things are
named as they fail.

Against AWS (the things are the job's executions, listed once)::

    python examples/iot_ota_watch.py ota-firmware-2026-11 --region eu-west-1

Offline, against the simulated AWS of ``benchmarks/simulated_iot.py`` on a virtual clock
(2,000 things, a few of which fail; it takes seconds)::

    python examples/iot_ota_watch.py --offline

Exits 0 when every thing succeeded, 1 when any failed, was cancelled or did not end in time.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from jobkit import IoT, RateLimit, WaitPolicy, WaitResult, as_completed, iot

PROGRESS_EVERY = 0.1
"""Print a progress line each time another tenth of the things has ended."""
SHOW_FAILED = 20
"""How many failed things the closing line names."""


def status_of(result: WaitResult[iot.JobExecution]) -> str:
    """The execution's last status (or why it did not end), for a line about one thing."""
    if result.error is not None:
        return f"did not end: {result.error.code}"
    execution = result.resource
    status = str(execution.status) if execution is not None else "?"
    details = execution.status_details if execution is not None else None
    if details is not None and details.details_map:
        shown = ", ".join(f"{k}={v}" for k, v in sorted(details.details_map.items()))
        status += f" ({shown})"
    return status


def watch(facade: IoT, job_id: str, things: list[str], policy: WaitPolicy | None) -> int:
    """Watch every thing's execution; print progress and failures; return the exit code."""
    targets = [facade.job_execution(job_id, thing) for thing in things]
    counts: Counter[str] = Counter()
    failed: list[str] = []
    step = max(1, int(len(targets) * PROGRESS_EVERY))
    print(f"watching {len(targets)} things of {job_id}")
    for done, result in enumerate(
        as_completed(targets, policy=policy, rate=RateLimit(per_second=5)), start=1
    ):
        outcome = str(result.outcome) if result.outcome is not None else "NOT_ENDED"
        counts[outcome] += 1
        thing = result.target.ids[1]
        if not result.succeeded:
            failed.append(thing)
            print(f"  {outcome.lower()}: {thing}: {status_of(result)}")
        if done % step == 0 or done == len(targets):
            print(f"[{done}/{len(targets)}] " + progress(counts))
    print(f"rollout done: {progress(counts)}")
    if failed:
        more = " ..." if len(failed) > SHOW_FAILED else ""
        print(f"{len(failed)} things did not succeed: {', '.join(failed[:SHOW_FAILED])}{more}")
    return 1 if failed else 0


def progress(counts: Counter[str]) -> str:
    """Counts by outcome, always in the same order."""
    order = ("SUCCEEDED", "FAILED", "CANCELLED", "NOT_ENDED")
    return " ".join(f"{name.lower()}={counts[name]}" for name in order)


def offline(job_id: str, things: int) -> tuple[IoT, list[str], WaitPolicy]:
    """A simulated AWS IoT with ``things`` executions of ``job_id``, on a virtual clock."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from simulated_iot import SimulatedIoT, VirtualClock, fleet  # noqa: PLC0415 -- offline only

    from jobkit import RetryPolicy  # noqa: PLC0415

    clock = VirtualClock()
    # A quick fleet (a configuration push, not a firmware image): about a minute a thing.
    executions = fleet(things, start_mean=20.0, median=60.0, sigma=0.9, timeout=300.0)
    simulated = SimulatedIoT(job_id, executions, clock.clock)
    client: Any = simulated.client()
    facade = IoT(client, retry=RetryPolicy(sleep=clock.sleep))
    policy = WaitPolicy(
        timeout=3600, min_delay=2, max_delay=120, clock=clock.clock, sleep=clock.sleep
    )
    return facade, [e.thing for e in executions], policy


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, find the things, watch them."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("job_id", nargs="?", default="ota-firmware-2026-11")
    parser.add_argument("--region", default="eu-west-1")
    parser.add_argument("--offline", action="store_true", help="simulated AWS, virtual clock")
    parser.add_argument("--things", type=int, default=2000, help="how many things offline")
    args = parser.parse_args(argv)
    if args.offline:
        facade, things, policy = offline(args.job_id, args.things)
        return watch(facade, args.job_id, things, policy)
    facade = IoT(region_name=args.region)
    client: Any = facade.client
    pages = client.get_paginator("list_job_executions_for_job").paginate(jobId=args.job_id)
    names = {
        str(item["thingArn"]).rpartition("/")[2]
        for page in pages
        for item in page.get("executionSummaries", [])
        if item.get("thingArn")
    }
    return watch(facade, args.job_id, sorted(names), None)


if __name__ == "__main__":
    sys.exit(main())
