"""IoT's rows of the operation table: what jobkit reads, lists, starts and stops.

Light on purpose: the models are named, not imported, so the command's ``--help`` and
``jobkit._services`` build none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# The package's models load on first attribute use (PEP 562), not with this import.
from jobkit import iot
from jobkit._engine._operations import Batch, Call, Events, Operation, Service
from jobkit._engine._waiting import WaitPolicy
from jobkit.iot._ids import iot_execution_number, iot_job_id, iot_thing_name

if TYPE_CHECKING:
    from collections.abc import Hashable

__all__ = [
    "IOT_EXECUTION",
    "IOT_JOB",
    "IOT_LIST_EXECUTIONS",
    "SERVICE",
]

_MODELS = "jobkit.iot"


def _structure(raw: dict[str, Any], model: type[Any]) -> Any:
    from jobkit._convert._converter import structure  # noqa: PLC0415 -- only when a list is read

    return structure(raw, model)


IOT_LIST_EXECUTIONS = Call(
    service="iot",
    method="list_job_executions_for_job",
    api="ListJobExecutionsForJob",
    response_name="ListJobExecutionsForJobResponse",
    key="executionSummaries",
    models=_MODELS,
    model_name="JobExecutionSummaryForJob",
    page_size=("maxResults", 250),
)


def _iot_job(job_id: object) -> tuple[str]:
    return (iot_job_id(job_id),)


def _iot_execution(
    job_id: object, thing_name: object, execution_number: object = None
) -> tuple[str, str, int | None]:
    return iot_job_id(job_id), iot_thing_name(thing_name), iot_execution_number(execution_number)


def _refuse_continuous(job: iot.Job) -> str | None:
    if job.target_selection is iot.TargetSelection.CONTINUOUS:
        return (
            f"IoT job {job.job_id} is CONTINUOUS and never completes on its own; wait for "
            "one thing's execution instead, or cancel the job first."
        )
    return None


def _read_iot_execution(
    item: dict[str, Any], parent: dict[str, Any]
) -> tuple[tuple[Hashable, ...], iot.JobExecution]:
    summary: dict[str, Any] = item.get("jobExecutionSummary") or {}
    thing = str(item.get("thingArn") or "").rpartition("/")[2]
    raw = {"jobId": parent["jobId"], "thingArn": item.get("thingArn"), **summary}
    model = _structure(raw, iot.JobExecution)
    return ((thing, None), (thing, model.execution_number)), model


IOT_JOB: Operation[iot.Job] = Operation(
    service="iot",
    method="describe_job",
    api="DescribeJob",
    key="job",
    models=_MODELS,
    model_name="Job",
    response_name="DescribeJobResponse",
    ids=("job_id",),
    params=("jobId",),
    check=_iot_job,
    label="IoT job",
    what="IoT job {job_id}",
    # Rollouts take minutes to days; polls back off to every 5 minutes.
    policy=WaitPolicy(timeout=24 * 3600, min_delay=5, max_delay=300),
    # The job's completed/canceled/deleted events (at least once) wake the wait.
    events=Events(
        key=lambda ids: ("iot-job", ids[0]),
        recogniser="jobkit.iot._events:recognise",
        fallback=WaitPolicy(min_delay=30, max_delay=600),
    ),
    command="iot-job",
    get="describe_job",
    wait="wait_for_job",
    cancel="cancel_job",
    refuse=_refuse_continuous,
)

IOT_EXECUTION: Operation[iot.JobExecution] = Operation(
    service="iot",
    method="describe_job_execution",
    api="DescribeJobExecution",
    key="execution",
    models=_MODELS,
    model_name="JobExecution",
    response_name="DescribeJobExecutionResponse",
    ids=("job_id", "thing_name", "execution_number"),
    params=("jobId", "thingName", "executionNumber"),
    check=_iot_execution,
    label="IoT job execution",
    what="IoT job execution of {job_id} on {thing_name}",
    # An execution may end in seconds (a config push) or hours (firmware over a slow link).
    policy=WaitPolicy(timeout=24 * 3600, min_delay=2, max_delay=120),
    # An execution's succeeded/failed/... events name the job and the thing.
    events=Events(
        key=lambda ids: ("iot-execution", ids[0], ids[1]),
        recogniser="jobkit.iot._events:recognise",
        fallback=WaitPolicy(min_delay=15, max_delay=600),
    ),
    command="iot-execution",
    get="describe_job_execution",
    wait="wait_for_job_execution",
    cancel="cancel_job_execution",
    cancel_params=("jobId", "thingName"),
    batch=Batch(
        method="list_job_executions_for_job",
        api="ListJobExecutionsForJob",
        key="executionSummaries",
        parent=lambda ids: {"jobId": ids[0]},
        member=lambda ids: (ids[1], ids[2]),
        read=_read_iot_execution,
        rank=lambda execution: execution.execution_number or 0,
        page_size=("maxResults", 250),
    ),
)

SERVICE = Service(
    name="iot",
    facade="jobkit.iot._facade:IoT",
    operations=(IOT_JOB, IOT_EXECUTION),
    calls=(IOT_LIST_EXECUTIONS,),
)
