"""What ``--output summary`` shows for a Batch job: why it ended, how its container exited, where its logs are.

The lines read the final model only (no further call): the job's ``statusReason``, the
latest attempt's exit code and reason, its CloudWatch Logs stream (and group), how many
attempts it took, and an array job's children by status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobkit._cli._summary import section

if TYPE_CHECKING:
    from jobkit import batch
    from jobkit._cli._summary import Context

__all__: list[str] = []

_ORDER = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")


def _one_line(text: str) -> str:
    return " ".join(text.split())


@section("jobkit.batch.JobDetail")
def _job(job: batch.JobDetail, _: Context) -> list[str]:
    lines: list[str] = []
    if job.job_name or job.job_queue:
        queue = (job.job_queue or "").rpartition("/")[2]
        lines.append(f"  job: {job.job_name or '?'}" + (f" on queue {queue}" if queue else ""))
    if job.status_reason:
        lines.append(f"  reason: {_one_line(job.status_reason)}")
    if job.exit_code is not None:
        lines.append(f"  exit code: {job.exit_code}")
    if job.exit_reason:
        lines.append(f"  container: {_one_line(job.exit_reason)}")
    attempts = len(job.attempts or ())
    if attempts > 1:
        lines.append(f"  attempts: {attempts}")
    if job.log_stream_name:
        group = job.log_group_name
        lines.append(f"  logs: {job.log_stream_name}" + (f" (log group {group})" if group else ""))
    props = job.array_properties
    if props is not None and props.size:
        counts = dict(props.status_summary or {})
        known = [f"{counts.pop(s)} {s}" for s in _ORDER if counts.get(s)]
        known += [f"{n} {s}" for s, n in sorted(counts.items()) if n]  # statuses newer than jobkit
        lines.append(f"  children: {props.size}" + (f" ({', '.join(known)})" if known else ""))
    return lines
