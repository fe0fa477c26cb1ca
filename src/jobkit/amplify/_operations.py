"""Amplify's rows of the operation table: what jobkit reads, lists, starts and stops.

Light on purpose: the models are named, not imported, so the command's ``--help`` and
``jobkit._services`` build none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# The package's models load on first attribute use (PEP 562), not with this import.
from jobkit import amplify
from jobkit._engine._operations import Batch, Call, Events, Operation, Option, Service, Start
from jobkit._engine._waiting import WaitPolicy
from jobkit.amplify._ids import amplify_app_branch, amplify_ids

if TYPE_CHECKING:
    from collections.abc import Hashable

__all__ = [
    "AMPLIFY_JOB",
    "AMPLIFY_LIST_JOBS",
    "AMPLIFY_START_JOB",
    "JOB_TYPES",
    "SERVICE",
    "START_JOB",
]

_MODELS = "jobkit.amplify"

JOB_TYPES = ("RELEASE", "RETRY", "MANUAL", "WEB_HOOK")
"""What may start a job (``JobType``'s values), for the command's ``--job-type`` without the models."""


def _structure(raw: dict[str, Any], model: type[Any]) -> Any:
    from jobkit._convert._converter import structure  # noqa: PLC0415 -- only when a list is read

    return structure(raw, model)


AMPLIFY_LIST_JOBS = Call(
    service="amplify",
    method="list_jobs",
    api="ListJobs",
    response_name="ListJobsResponse",
    key="jobSummaries",
    models=_MODELS,
    model_name="JobSummary",
    page_size=("maxResults", 50),
)

AMPLIFY_START_JOB = Call(
    service="amplify",
    method="start_job",
    api="StartJob",
    response_name="StartJobResponse",
    key="jobSummary",
    models=_MODELS,
    model_name="JobSummary",
    paged=False,
)


def _read_amplify_job(
    item: dict[str, Any], _: dict[str, Any]
) -> tuple[tuple[Hashable, ...], amplify.Job]:
    return (item.get("jobId"),), _structure({"summary": item}, amplify.Job)


AMPLIFY_JOB: Operation[amplify.Job] = Operation(
    service="amplify",
    method="get_job",
    api="GetJob",
    key="job",
    models=_MODELS,
    model_name="Job",
    response_name="GetJobResponse",
    ids=("app_id", "branch_name", "job_id"),
    params=("appId", "branchName", "jobId"),
    check=amplify_ids,
    label="Amplify job",
    what="Amplify job {job_id} of {app_id}/{branch_name}",
    # Builds and deploys take a few minutes; Amplify stops a build after 30 minutes by default.
    policy=WaitPolicy(timeout=3600, min_delay=5, max_delay=30),
    # EventBridge's "Amplify Deployment Status Change" wakes the wait; polls only catch a lost
    # event (best-effort delivery), so they can be minutes apart.
    events=Events(
        key=lambda ids: ("amplify", *ids),
        recogniser="jobkit.amplify._events:recognise",
        fallback=WaitPolicy(min_delay=15, max_delay=300),
    ),
    command="amplify-job",
    get="get_job",
    wait="wait_for_job",
    cancel="stop_job",
    batch=Batch(
        method="list_jobs",
        api="ListJobs",
        key="jobSummaries",
        parent=lambda ids: {"appId": ids[0], "branchName": ids[1]},
        member=lambda ids: ids[2],
        read=_read_amplify_job,
        page_size=("maxResults", 50),
    ),
)


def _started(ids: tuple[Any, ...], summary: amplify.JobSummary) -> tuple[Any, ...]:
    return (*ids, summary.job_id)


START_JOB = Start(
    operation=AMPLIFY_JOB,
    method="start_job",
    ids=("app_id", "branch_name"),
    check=amplify_app_branch,
    options=(
        Option(
            flag="--job-type",
            keyword="job_type",
            metavar="TYPE",
            choices=JOB_TYPES,
            default="RELEASE",
            help=f"one of {', '.join(JOB_TYPES)} (default RELEASE)",
            shown=True,
        ),
        Option(
            flag="--job-id",
            keyword="job_id",
            metavar="ID",
            help="with --job-type RETRY: the job to retry",
        ),
    ),
    started=_started,
    help="start an Amplify job (a RELEASE builds the branch's latest commit)",
    description=(
        "Start an Amplify job on a branch and print its id as the first line of stdout "
        "(progress goes to stderr). With --wait, wait for it like 'jobkit wait amplify-job "
        "APP_ID BRANCH_NAME ID' (same options and exit codes); without, exit 0 once started."
    ),
)

SERVICE = Service(
    name="amplify",
    facade="jobkit.amplify._facade:Amplify",
    operations=(AMPLIFY_JOB,),
    calls=(AMPLIFY_LIST_JOBS, AMPLIFY_START_JOB),
    starts=(START_JOB,),
)
