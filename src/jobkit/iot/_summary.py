"""What ``--output summary`` shows for IoT: failed things with their status details."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jobkit._cli._summary import MAX_ITEMS, Context, more, section
from jobkit._engine._flows import Paging

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jobkit import iot

__all__: list[str] = []


_FAILED_EXECUTIONS = ("FAILED", "REJECTED", "TIMED_OUT")


def _failed_things(facade: Any, job_id: str) -> list[tuple[str, str, int | None]]:
    """(thing, status, execution number) of each execution that FAILED, was REJECTED or TIMED_OUT.

    Reads ListJobExecutionsForJob through the facade's retried call. When the IoT facade
    grows a public ``list_job_executions(job_id, status=...)``, this is where to use it.
    """
    found: list[tuple[str, str, int | None]] = []
    for status in _FAILED_EXECUTIONS:
        token: str | None = None
        paging = Paging("ListJobExecutionsForJob", f"IoT job {job_id}")
        while len(found) <= MAX_ITEMS:
            params: dict[str, Any] = {"jobId": job_id, "status": status, "maxResults": 250}
            if token:
                params["nextToken"] = token
            response = facade._call(  # noqa: SLF001 -- the facade's retried, translated call
                "list_job_executions_for_job",
                "ListJobExecutionsForJob",
                f"IoT job {job_id}",
                None,
                **params,
            )
            items: list[dict[str, Any]] = response.get("executionSummaries") or []
            for item in items:
                thing = str(item.get("thingArn") or "").rpartition("/")[2]
                summary: dict[str, Any] = item.get("jobExecutionSummary") or {}
                found.append(
                    (thing, str(summary.get("status") or status), summary.get("executionNumber"))
                )
            token = paging.next_token(response)
            if not token:
                break
    return found


@section("jobkit.iot.Job")
def _iot_job(job: iot.Job, context: Context) -> list[str]:
    d = job.job_process_details
    if d is None or not d.failed_things or context.facade is None or job.job_id is None:
        return []
    things = _failed_things(context.facade, job.job_id)
    lines = [f"  failed things ({d.failed_things}):"]
    for thing, status, number in things[:MAX_ITEMS]:
        execution = context.facade.describe_job_execution(job.job_id, thing, number)
        details = _details(execution.status_details)
        lines.append(f"  - {thing}: {status}" + (f" ({details})" if details else ""))
    return lines + more(min(len(things), MAX_ITEMS), max(len(things), d.failed_things))


@section("jobkit.iot.JobExecution")
def _iot_execution(execution: iot.JobExecution, _: Context) -> list[str]:
    lines: list[str] = []
    if execution.thing_arn:
        lines.append(f"  thing: {execution.thing_arn.rpartition('/')[2]}")
    details = _details(execution.status_details)
    if details:
        lines.append(f"  status details: {details}")
    return lines


def _details(details: object) -> str:
    pairs: Mapping[str, str] = getattr(details, "details_map", None) or {}
    return ", ".join(f"{k}={v}" for k, v in sorted(pairs.items()))
