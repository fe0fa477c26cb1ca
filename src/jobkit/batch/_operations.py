"""AWS Batch's rows of the operation table: what jobkit reads, lists, submits and stops.

Light on purpose: the models are named, not imported, so the command's ``--help`` and
``jobkit._services`` build none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# The package's models load on first attribute use (PEP 562), not with this import.
from jobkit import batch
from jobkit._engine._operations import Batch, Bound, Call, Events, Operation, Service
from jobkit._engine._waiting import WaitPolicy
from jobkit.batch._ids import batch_job_id

if TYPE_CHECKING:
    from collections.abc import Hashable

__all__ = [
    "BATCH_JOB",
    "BATCH_LIST_JOBS",
    "BATCH_SUBMIT_JOB",
    "BATCH_TERMINATE_JOB",
    "SERVICE",
    "TERMINATE_REASON",
]

_MODELS = "jobkit.batch"

TERMINATE_REASON = "Stopped by jobkit: its wait timed out or was interrupted (cancel_on_timeout)"
"""The reason jobkit gives TerminateJob. Batch shows it as the job's ``statusReason``; it begins
with ``jobkit.batch._models.STOPPED_BY_JOBKIT``, which is how a FAILED job reads as CANCELLED
where Batch sends neither ``isCancelled`` nor ``isTerminated``."""


def _structure(raw: dict[str, Any], model: type[Any]) -> Any:
    from jobkit._convert._converter import structure  # noqa: PLC0415 -- only when a batch is read

    return structure(raw, model)


BATCH_SUBMIT_JOB = Call(
    service="batch",
    method="submit_job",
    api="SubmitJob",
    response_name="SubmitJobResponse",
    key="jobId",
    models=_MODELS,
    model_name="SubmitJobResponse",  # the whole answer is the item: the new job's ids
    paged=False,
)

BATCH_TERMINATE_JOB = Call(
    service="batch",
    method="terminate_job",
    api="TerminateJob",
    response_name="TerminateJobResponse",
    key="",  # an empty answer
    models=_MODELS,
    model_name="TerminateJobResponse",
    paged=False,
)

BATCH_LIST_JOBS = Call(
    service="batch",
    method="list_jobs",
    api="ListJobs",
    response_name="ListJobsResponse",
    key="jobSummaryList",
    models=_MODELS,
    model_name="JobSummary",
    page_size=("maxResults", 100),
)


def _read_job(
    item: dict[str, Any], _: dict[str, Any]
) -> tuple[tuple[Hashable, ...], batch.JobDetail]:
    return (item.get("jobId"),), _structure(item, batch.JobDetail)


def _terminate(bound: Bound[Any]) -> dict[str, Any]:
    # TerminateJob stops a STARTING or RUNNING job and cancels one not yet started
    # (SUBMITTED, PENDING, RUNNABLE): one call for every state a wait can time out in.
    return {"jobId": bound.ids[0], "reason": TERMINATE_REASON}


BATCH_JOB: Operation[batch.JobDetail] = Operation(
    service="batch",
    method="describe_jobs",
    api="DescribeJobs",
    key="jobs",
    models=_MODELS,
    model_name="JobDetail",
    response_name="DescribeJobsResponse",
    ids=("job_id",),
    params=("jobs",),
    check=batch_job_id,
    label="Batch job",
    what="Batch job {job_id}",
    # A job may sit RUNNABLE for long (until its compute environment has capacity: scaling up
    # takes minutes, a busy or Spot queue hours), then runs as long as it runs (Batch sets no
    # time limit unless the job has a timeout). Twelve hours covers a nightly job that queues;
    # a longer one raises --timeout. Polls start at 5 s (the first transitions take seconds and
    # a short job ends within a minute) and settle at 2 minutes: a job that runs for hours is
    # read about 30 times an hour, and its end is seen within two minutes.
    policy=WaitPolicy(timeout=12 * 3600, min_delay=5, max_delay=120),
    # EventBridge's "Batch Job State Change" wakes the wait; polls only catch a lost event.
    events=Events(
        key=lambda ids: ("batch", ids[0]),
        recogniser="jobkit.batch._events:recognise",
        fallback=WaitPolicy(min_delay=30, max_delay=300),
    ),
    command="batch-job",
    get="describe_job",
    wait="wait_for_job",
    cancel="terminate_job",
    cancel_args=_terminate,
    listed="jobId",
    batch=Batch(
        method="describe_jobs",
        api="DescribeJobs",
        key="jobs",
        parent=lambda _: {},
        member=lambda ids: ids[0],
        read=_read_job,
        full=True,
        ids_param="jobs",
        max_ids=100,  # DescribeJobs takes up to 100 job ids a call
    ),
)

SERVICE = Service(
    name="batch",
    facade="jobkit.batch._facade:Batch",
    operations=(BATCH_JOB,),
    calls=(BATCH_SUBMIT_JOB, BATCH_TERMINATE_JOB, BATCH_LIST_JOBS),
    summary="jobkit.batch._summary",
    events_wiring="jobkit.batch._events_wiring",
)
