"""Device Farm around a wait: a run's jobs, why it failed, its artifacts, how long runs take."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jobkit import devicefarm
from jobkit._convert._lazy import structure
from jobkit._engine._flows import Ask, Flow, Paging, pages, seconds_between, server_now
from jobkit._engine._history import History
from jobkit.devicefarm._operations import (
    DEVICEFARM_LIST_ARTIFACTS,
    DEVICEFARM_LIST_JOBS,
    DEVICEFARM_LIST_RUNS,
    DEVICEFARM_LIST_SUITES,
    DEVICEFARM_LIST_TESTS,
)

if TYPE_CHECKING:
    from jobkit._engine._operations import Bound

__all__ = [
    "FAILED_RESULTS",
    "HISTORY_ENOUGH",
    "HISTORY_PAGES",
    "artifacts",
    "failed_tests",
    "run_history",
    "run_jobs",
]

# ExecutionResult is a StrEnum: its members equal these strings, and the models stay unloaded.
FAILED_RESULTS = frozenset({"FAILED", "ERRORED"})
"""The test results :func:`failed_tests` reports."""


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


_COUNTED = frozenset({"PASSED", "WARNED", "FAILED", "ERRORED"})
"""Results whose durations count: a stopped or skipped run says nothing of how long one takes."""


HISTORY_PAGES = 3
"""At most this many ListRuns pages are read for a run's history (one call each)."""
HISTORY_ENOUGH = 10
"""Like runs that make a history enough to stop paging: older ones weigh little (``History.HALF_LIFE``)."""


def _alike(runs: list[devicefarm.Run], this: devicefarm.Run) -> list[devicefarm.Run]:
    """The earlier COMPLETED runs among ``runs`` with ``this``'s name, device pool and test type."""
    created = this.created
    return [
        r
        for r in runs
        if r.arn != this.arn
        and r.status == "COMPLETED"
        and r.result in _COUNTED
        and (r.name, r.device_pool_arn, r.type) == (this.name, this.device_pool_arn, this.type)
        and r.created is not None
        and r.stopped is not None
        and created is not None
        and seconds_between(r.created, created) >= 0
    ]


def run_history(bound: Bound[Any]) -> Flow[History | None]:
    """How long the project's earlier runs like this one took (ListRuns, up to ``HISTORY_PAGES`` calls).

    Earlier COMPLETED runs with the same name, device pool and test type, newest first,
    from creation to stop; the limit is about the run's start plus its
    ``jobTimeoutMinutes``. The next page is read only while the run or ``HISTORY_ENOUGH``
    like runs are not found yet, so a project busy with other pools or tests still
    yields a history. ``None`` when the run is not on those pages or nothing is known.
    (Job waits read none: a run's duration overstates its jobs'.)
    """
    run_arn = str(bound.ids[0])
    prefix, _, path = run_arn.rpartition(":run:")
    project = f"{prefix}:project:{path.split('/', 1)[0]}"
    what = f"Device Farm project {project}"
    paging = Paging(DEVICEFARM_LIST_RUNS.api, what)
    runs: list[devicefarm.Run] = []
    first: dict[str, Any] | None = None
    token: str | None = None
    this: devicefarm.Run | None = None
    for _ in range(HISTORY_PAGES):
        params = {"arn": project, "nextToken": token} if token else {"arn": project}
        response = yield Ask(DEVICEFARM_LIST_RUNS.method, DEVICEFARM_LIST_RUNS.api, what, params)
        first = first or response  # the age is measured when the wait started reading
        raw: list[Any] = response.get(DEVICEFARM_LIST_RUNS.key) or []
        runs.extend(structure(item, devicefarm.Run) for item in raw)
        this = next((r for r in runs if r.arn == run_arn), None)
        token = paging.next_token(response)
        if token is None or (this is not None and len(_alike(runs, this)) >= HISTORY_ENOUGH):
            break
    if this is None or this.created is None or first is None:
        return None
    created = this.created
    past = sorted(
        ((r.created, r.stopped) for r in _alike(runs, this)),
        key=lambda times: seconds_between(times[0] or created, created),
    )  # newest first
    durations = [max(0.0, seconds_between(start, end)) for start, end in past if start and end]
    limit: float | None = None
    if this.job_timeout_minutes:
        began = seconds_between(created, this.started) if this.started else 0.0
        limit = max(0.0, began) + 60.0 * this.job_timeout_minutes
    if not durations and limit is None:
        return None
    age = max(0.0, seconds_between(created, server_now(first)))
    return History(durations=durations, limit=limit, age=age)
