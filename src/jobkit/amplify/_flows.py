"""Amplify around a wait: a branch's newest job."""

from __future__ import annotations

from typing import Any

from jobkit import amplify
from jobkit._convert._lazy import structure
from jobkit._engine._flows import Ask, Flow
from jobkit.amplify._operations import AMPLIFY_JOB, AMPLIFY_LIST_JOBS
from jobkit.errors import NotFoundError

__all__ = ["latest_job"]


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
