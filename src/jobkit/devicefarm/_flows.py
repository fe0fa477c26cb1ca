"""Device Farm around a wait: a run's jobs, why it failed (failed tests), its artifacts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobkit._engine._flows import Flow, pages
from jobkit.devicefarm._operations import (
    DEVICEFARM_LIST_ARTIFACTS,
    DEVICEFARM_LIST_JOBS,
    DEVICEFARM_LIST_SUITES,
    DEVICEFARM_LIST_TESTS,
)

if TYPE_CHECKING:
    from jobkit import devicefarm

__all__ = ["FAILED_RESULTS", "artifacts", "failed_tests", "run_jobs"]

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
