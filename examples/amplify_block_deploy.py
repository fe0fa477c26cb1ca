"""Block a deploy pipeline on an Amplify job; on failure, print each failed step's log URL.

Against AWS::

    python examples/amplify_block_deploy.py d2a4xexample1 main 42 --region us-east-1

Offline, replaying a canned deploy that fails in its DEPLOY step::

    python examples/amplify_block_deploy.py --offline

Exits 0 when the job SUCCEEDs, 1 when it fails or is cancelled.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

import boto3

from jobkit import Amplify, WaitPolicy, amplify, describe
from jobkit.errors import JobFailedError
from jobkit.testing import FakeClock, lifecycle


def failed_steps(job: amplify.Job) -> list[amplify.Step]:
    """The steps that did not succeed, in order."""
    bad = (amplify.JobStatus.FAILED, amplify.JobStatus.CANCELLED)
    return [step for step in job.steps or () if step.status in bad]


def main(argv: list[str] | None = None) -> int:
    """Wait for the job with check=True and explain a failure."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("app_id", nargs="?", default="d2a4xexample1")
    parser.add_argument("branch", nargs="?", default="main")
    parser.add_argument("job_id", nargs="?", default="42")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--offline", action="store_true", help="replay canned responses")
    args = parser.parse_args(argv)

    client = boto3.client("amplify", region_name=args.region)
    policy = WaitPolicy(timeout=3600)
    replay: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
    if args.offline:
        replay = lifecycle(client, "get_job", ["pending", "provisioning", "running", "failed"])
        policy = FakeClock().policy(timeout=3600)
    try:
        with replay:
            job = Amplify(client).wait_for_job(
                args.app_id,
                args.branch,
                args.job_id,
                policy=policy,
                check=True,
                on_update=lambda j: print("...", describe(j)),
            )
    except JobFailedError as exc:
        print(f"deploy {exc.outcome}: {describe(exc.resource)}")
        for step in failed_steps(exc.resource):
            print(f"  {step.step_name}: {step.status_reason or step.status}")
            print(f"    log: {step.log_url}")
        return 1
    print(f"deploy succeeded: commit {job.summary.commit_id if job.summary else '?'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
