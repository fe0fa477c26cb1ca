"""AWS Batch around a wait: a queue's jobs and an array job's children, as ListJobs lists them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jobkit._engine._flows import Flow, pages
from jobkit.batch._operations import BATCH_LIST_JOBS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from jobkit import batch

__all__ = ["STATUSES", "job_summaries"]

STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
"""Every status ListJobs filters by (``JobStatus``'s values), in the order a job passes them."""


def job_summaries(
    what: str, params: dict[str, Any], statuses: Sequence[str]
) -> Flow[tuple[batch.JobSummary, ...]]:
    """What ListJobs lists under ``params`` in each of ``statuses``, all pages, status by status.

    ListJobs lists one status a call (RUNNING when none is named), so every status is a
    listing of its own.
    """
    found: list[batch.JobSummary] = []
    for status in statuses:
        listed = yield from pages(BATCH_LIST_JOBS, what, {**params, "jobStatus": status})
        found.extend(listed)
    return tuple(found)
