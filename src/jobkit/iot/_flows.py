"""IoT around a wait: a job's executions, each thing's latest outcome, a retried job's verdict."""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from jobkit._convert._outcome import Outcome
from jobkit._engine._flows import Flow, pages
from jobkit.errors import JobFailedError
from jobkit.iot._operations import IOT_LIST_EXECUTIONS

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jobkit import iot

__all__ = ["job_executions", "latest_per_thing", "retried_verdict", "thing_outcomes"]


def job_executions(
    job_id: str, status: str | None
) -> Flow[tuple[iot.JobExecutionSummaryForJob, ...]]:
    """What ListJobExecutionsForJob lists for a job (optionally of one status), all pages."""
    params: dict[str, Any] = {"jobId": job_id}
    if status is not None:
        params["status"] = status
    return (yield from pages(IOT_LIST_EXECUTIONS, f"IoT job {job_id}", params))


def latest_per_thing(
    executions: tuple[iot.JobExecutionSummaryForJob, ...],
) -> dict[str, iot.JobExecutionSummaryForJob]:
    """Each thing's latest execution: the highest execution number, then retry attempt."""
    latest: dict[str, iot.JobExecutionSummaryForJob] = {}
    for execution in executions:
        thing = execution.thing_name
        if thing is None:
            continue
        known = latest.get(thing)
        if known is None or execution.rank >= known.rank:
            latest[thing] = execution
    return latest


def thing_outcomes(job_id: str) -> Flow[Mapping[str, Outcome | None]]:
    """Each thing's outcome from its latest execution (``None`` while that one runs)."""
    executions = yield from job_executions(job_id, None)
    latest = latest_per_thing(executions)
    return MappingProxyType({thing: e.outcome for thing, e in sorted(latest.items())})


def retried_verdict(
    job: iot.Job, outcomes: Mapping[str, Outcome | None], what: str
) -> JobFailedError | None:
    """For a retried job that ended: the error ``check=True`` raises, or None when every thing succeeded.

    IoT counts failed *executions*, so a thing that failed once and then succeeded on a retry
    still counts as failed (boto/boto3#4656); each thing's latest execution decides instead.
    """
    if job.outcome is Outcome.CANCELLED:
        return JobFailedError(
            f"{what} ended CANCELLED: {job.describe()}; see the resource for details.",
            resource=job,
            operation="DescribeJob",
        )
    failed = sorted(t for t, o in outcomes.items() if o is not Outcome.SUCCEEDED)
    if not failed:
        return None
    shown = ", ".join(f"{t} ({outcomes[t] or 'not ended'})" for t in failed[:5])
    more = f" and {len(failed) - 5} more" if len(failed) > 5 else ""  # noqa: PLR2004
    msg = (
        f"{what} ended with {len(failed)} thing(s) whose latest execution did not succeed: "
        f"{shown}{more}; IoT.thing_outcomes() lists every thing."
    )
    return JobFailedError(msg, resource=job, operation="DescribeJob")
