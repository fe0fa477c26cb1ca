"""What CI scripts do around a wait, as sans-I/O flows the sync and async facades both run.

A flow is a generator: it yields :class:`Ask` (one boto3 call to make) and is sent the
response; its return value is the answer. The sync facade drives it with ``_call``, the
async one with ``_acall``, so paging, skipping and choosing live here once.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from attrs import frozen

from jobkit import amplify, devicefarm, iot
from jobkit._converter import structure
from jobkit._operations import (
    AMPLIFY_JOB,
    AMPLIFY_LIST_JOBS,
    DEVICEFARM_LIST_ARTIFACTS,
    DEVICEFARM_LIST_JOBS,
    DEVICEFARM_LIST_SUITES,
    DEVICEFARM_LIST_TESTS,
    IOT_LIST_EXECUTIONS,
    Call,
)
from jobkit._outcome import Outcome
from jobkit._validation import shown
from jobkit.errors import JobFailedError, NotFoundError, ServiceError

__all__ = [
    "FAILED_RESULTS",
    "Ask",
    "Flow",
    "Paging",
    "artifacts",
    "failed_tests",
    "latest_job",
    "latest_per_thing",
    "pages",
    "retried_verdict",
    "run_jobs",
    "thing_outcomes",
]

T = TypeVar("T")

MAX_PAGES = 10_000
"""The most pages one listing reads (2.5 million IoT executions at 250 a page): past it, an error."""


class Paging:
    """The ``nextToken`` bookkeeping of one listing, shared by every paged call jobkit makes.

    A token AWS already returned in this listing, or more than :data:`MAX_PAGES` pages, is a
    ``ServiceError`` (``RepeatedNextToken``, ``TooManyPages``) instead of a loop. Tokens are
    remembered by hash, so a listing's memory does not grow with their length.
    """

    __slots__ = ("_seen", "api", "pages", "what")

    def __init__(self, api: str, what: str) -> None:
        self.api = api
        self.what = what
        self.pages = 0
        self._seen: set[int] = set()

    def next_token(self, response: Mapping[str, Any]) -> str | None:
        """The token for the page after ``response``, or ``None`` when it was the last one."""
        self.pages += 1
        token: object = response.get("nextToken")
        if token is None or token == "":
            return None
        if not isinstance(token, str):
            msg = (
                f"{self.api} on {self.what} returned a nextToken that is not text "
                f"({type(token).__name__}); try again, and report it to jobkit if it persists."
            )
            raise ServiceError(msg, code="MalformedResponse", operation=self.api, retryable=True)
        if hash(token) in self._seen:
            msg = (
                f"{self.api} for {self.what} repeated its nextToken {shown(token, 30)} after "
                f"{self.pages} pages, so the listing would never end; try again later."
            )
            raise ServiceError(msg, code="RepeatedNextToken", operation=self.api)
        if self.pages >= MAX_PAGES:
            msg = (
                f"{self.api} on {self.what} still had more after {MAX_PAGES} pages, so jobkit "
                "stopped reading; narrow the listing (a status filter), or list it with boto3."
            )
            raise ServiceError(msg, code="TooManyPages", operation=self.api)
        self._seen.add(hash(token))
        return token


FAILED_RESULTS = frozenset({devicefarm.ExecutionResult.FAILED, devicefarm.ExecutionResult.ERRORED})
"""The test results :func:`failed_tests` reports."""


@frozen
class Ask:
    """One boto3 call a flow needs: method, API name (for errors), what it is about, parameters."""

    method: str
    api: str
    what: str
    params: Mapping[str, Any]
    require: str | None = None


Flow = Generator[Ask, dict[str, Any], T]


def pages(call: Call, what: str, params: Mapping[str, Any]) -> Flow[tuple[Any, ...]]:
    """Every item of a paged list call, converted to the call's item model, in AWS's order."""
    items: list[Any] = []
    base = dict(params)
    if call.page_size is not None:
        base.setdefault(*call.page_size)
    paging = Paging(call.api, what)
    token: str | None = None
    while True:
        asked = {**base, "nextToken": token} if token else base
        response = yield Ask(call.method, call.api, what, asked)
        raw: list[Any] = response.get(call.key) or []
        items.extend(structure(item, call.model) for item in raw)
        token = paging.next_token(response) if call.paged else None
        if token is None:
            return tuple(items)


def run_jobs(run_arn: str) -> Flow[tuple[devicefarm.Job, ...]]:
    """The jobs of a Device Farm run (one per device), all pages."""
    return (yield from pages(DEVICEFARM_LIST_JOBS, f"Device Farm run {run_arn}", {"arn": run_arn}))


def _may_have_failed(counters: devicefarm.Counters | None) -> bool:
    # Counters of zero failed and zero errored tests rule a job or suite out; no counters do not.
    return counters is None or bool((counters.failed or 0) + (counters.errored or 0))


def failed_tests(arn: str, kind: str) -> Flow[tuple[devicefarm.Test, ...]]:
    """Every FAILED or ERRORED test of a run (``kind`` ``"run"``) or of one job (``"job"``).

    Jobs and suites whose counters show no failed or errored test are not listed further.
    """
    if kind == "run":
        jobs = yield from run_jobs(arn)
        job_arns = [j.arn for j in jobs if j.arn and _may_have_failed(j.counters)]
    else:
        job_arns = [arn]
    found: list[devicefarm.Test] = []
    for job_arn in job_arns:
        suites: tuple[devicefarm.Suite, ...] = yield from pages(
            DEVICEFARM_LIST_SUITES, f"Device Farm job {job_arn}", {"arn": job_arn}
        )
        for suite in suites:
            if not suite.arn or not _may_have_failed(suite.counters):
                continue
            tests: tuple[devicefarm.Test, ...] = yield from pages(
                DEVICEFARM_LIST_TESTS, f"Device Farm suite {suite.arn}", {"arn": suite.arn}
            )
            found.extend(t for t in tests if t.result in FAILED_RESULTS)
    return tuple(found)


def artifacts(arn: str, kind: str, types: tuple[str, ...]) -> Flow[tuple[devicefarm.Artifact, ...]]:
    """The artifacts of a run or job in each ListArtifacts category of ``types``, all pages."""
    found: list[devicefarm.Artifact] = []
    what = f"Device Farm {kind} {arn}"
    for category in types:
        listed = yield from pages(DEVICEFARM_LIST_ARTIFACTS, what, {"arn": arn, "type": category})
        found.extend(listed)
    return tuple(found)


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
