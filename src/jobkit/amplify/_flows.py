"""Amplify around a wait: a branch's newest job; how long the branch's builds take."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jobkit import amplify
from jobkit._convert._lazy import structure
from jobkit._engine._flows import Ask, Flow, seconds_between, server_now
from jobkit._engine._history import History
from jobkit.amplify._operations import AMPLIFY_JOB, AMPLIFY_LIST_JOBS
from jobkit.errors import NotFoundError

if TYPE_CHECKING:
    from jobkit._engine._operations import Bound

__all__ = ["job_history", "latest_job"]

_ENDED = frozenset({"SUCCEED", "FAILED"})  # JobStatus is a StrEnum: the models stay unloaded
"""The statuses whose durations count: a cancelled job says nothing of how long one takes."""


def latest_job(app_id: str, branch_name: str) -> Flow[amplify.Job]:
    """The newest job of a branch (the highest job id on the first page), read in full."""
    what = f"Amplify branch {app_id}/{branch_name}"
    response = yield Ask(
        AMPLIFY_LIST_JOBS.method,
        AMPLIFY_LIST_JOBS.api,
        what,
        {"appId": app_id, "branchName": branch_name, "maxResults": 50},
    )
    raw: list[Any] = response.get(AMPLIFY_LIST_JOBS.key) or []
    summaries = [structure(item, amplify.JobSummary) for item in raw]
    numbered = [s for s in summaries if s.job_id and s.job_id.isdigit()]
    if not numbered:
        msg = f"{what} has no jobs yet; start one with Amplify.start_job(...)."
        raise NotFoundError(msg, code="NotFoundException", operation=AMPLIFY_LIST_JOBS.api)
    newest = max(numbered, key=lambda s: int(s.job_id or "0"))
    bound = AMPLIFY_JOB.bind(app_id, branch_name, newest.job_id)
    got = yield Ask(AMPLIFY_JOB.method, AMPLIFY_JOB.api, bound.what, bound.params, AMPLIFY_JOB.key)
    return structure(got[AMPLIFY_JOB.key], amplify.Job)


def job_history(bound: Bound[amplify.Job]) -> Flow[History | None]:
    """How long the branch's earlier jobs of the same type took (one ListJobs call, newest first).

    Only SUCCEED and FAILED jobs count; ``None`` when the job waited on is not on the
    first page (its age is unknown) or no earlier job ended.
    """
    app_id, branch_name, job_id = bound.ids
    response = yield Ask(
        AMPLIFY_LIST_JOBS.method,
        AMPLIFY_LIST_JOBS.api,
        f"Amplify branch {app_id}/{branch_name}",
        {"appId": app_id, "branchName": branch_name, "maxResults": 50},
    )
    raw: list[Any] = response.get(AMPLIFY_LIST_JOBS.key) or []
    summaries = [structure(item, amplify.JobSummary) for item in raw]
    this = next((s for s in summaries if s.job_id == job_id), None)
    if this is None or this.start_time is None:
        return None
    this_start = this.start_time
    mine = int(job_id) if job_id.isdigit() else None
    past = sorted(
        (
            (s.start_time, s.end_time)
            for s in summaries
            if s.job_id != job_id
            and s.status in _ENDED
            and s.job_type == this.job_type
            and (mine is None or not (s.job_id or "").isdigit() or int(s.job_id or "0") < mine)
            and s.start_time is not None
            and s.end_time is not None
        ),
        key=lambda times: seconds_between(times[0], this_start),
    )  # newest first
    durations = [max(0.0, seconds_between(start, end)) for start, end in past]
    if not durations:
        return None
    age = max(0.0, seconds_between(this_start, server_now(response)))
    return History(durations=durations, age=age)
