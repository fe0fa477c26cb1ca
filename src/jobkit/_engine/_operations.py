"""The operation table: one row of facts per AWS operation jobkit reads.

What differs between operations is data here, not code in the facades, the command,
``jobkit.testing`` or the stub loader: the boto3 method and API name, the response
member and its model, the ids (their checks and boto3 parameter names), how messages
name the resource, the default wait policy, the command's resource word, and how to
cancel it. Adding an operation is one row plus its model.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from attrs import frozen

from jobkit import amplify, devicefarm, iot
from jobkit._convert._converter import structure
from jobkit._convert._outcome import Resource
from jobkit._engine._validation import (
    amplify_ids,
    devicefarm_arn,
    iot_execution_number,
    iot_job_id,
    iot_thing_name,
)
from jobkit._engine._waiting import WaitPolicy

__all__ = [
    "AMPLIFY_JOB",
    "AMPLIFY_LIST_JOBS",
    "AMPLIFY_START_JOB",
    "CALLS",
    "DEVICEFARM_JOB",
    "DEVICEFARM_LIST_ARTIFACTS",
    "DEVICEFARM_LIST_JOBS",
    "DEVICEFARM_LIST_RUNS",
    "DEVICEFARM_LIST_SUITES",
    "DEVICEFARM_LIST_TESTS",
    "DEVICEFARM_RUN",
    "DEVICEFARM_SESSION",
    "IOT_EXECUTION",
    "IOT_JOB",
    "IOT_LIST_EXECUTIONS",
    "OPERATIONS",
    "Batch",
    "Bound",
    "Call",
    "Operation",
    "by_command",
]

R = TypeVar("R", bound=Resource)


@frozen(kw_only=True)
class Bound(Generic[R]):
    """An operation with checked ids: the boto3 parameters and how messages name it."""

    operation: Operation[R]
    ids: tuple[Any, ...]
    params: dict[str, Any]
    what: str


@frozen(kw_only=True)
class Batch(Generic[R]):
    """How one list call observes many targets of an operation at once (a row's ``batch``).

    Args:
        method: the boto3 list method (``"list_job_executions_for_job"``).
        api: its API name, for errors and logs.
        key: the response member holding the items.
        parent: the list call's parameters, from a target's ids; targets with equal
            parameters share one list call.
        member: what a target is known by among the items, from its ids.
        read: one raw item and the list's parameters -> (the member keys it answers, the model).
        rank: when several items answer one key, the highest rank wins (the latest execution).
        full: the items are whole models, so no final get is needed when one ends.
        page_size: the parameter and value that ask for the largest pages, if any.
    """

    method: str
    api: str
    key: str
    parent: Callable[[tuple[Any, ...]], dict[str, Any]]
    member: Callable[[tuple[Any, ...]], Hashable]
    read: Callable[[dict[str, Any], dict[str, Any]], tuple[tuple[Hashable, ...], R]]
    rank: Callable[[R], int] | None = None
    full: bool = False
    page_size: tuple[str, int] | None = None


@frozen(kw_only=True)
class Operation(Generic[R]):
    """Everything jobkit needs to know about one get/describe operation.

    Args:
        service: the boto3 service name (``"devicefarm"``).
        method: the boto3 client method (``"get_job"``).
        api: the AWS API operation name (``"GetJob"``), for errors and logs.
        key: the response member that holds the resource (``"job"``).
        model: the jobkit model of that member.
        response: the jobkit model of the whole response.
        ids: the Python parameter names of the facade methods, in order.
        params: the boto3 parameter name of each id (an id that is ``None`` is omitted).
        check: validates the ids (raising ``InvalidArgumentError``), returns them cleaned.
        label: what the resource is called (``"Device Farm job"``).
        what: how one resource is named in messages; formatted with the ids.
        policy: the default :class:`WaitPolicy` for waiting on it.
        command: the resource word of the ``jobkit`` command.
        get: the facade method that reads it; ``wait``: the one that waits for it.
        cancel: the boto3 method that stops it (same ids, never ``force``), if any.
        cancel_params: the boto3 parameters ``cancel`` takes, when not all of ``params``
            (``cancel_job_execution`` takes no execution number).
        refuse: may return why a resource can never end on its own (the wait refuses it).
        batch: how many-at-once waits observe these resources through one list call.
    """

    service: str
    method: str
    api: str
    key: str
    model: type[R]
    response: type[Any]
    ids: tuple[str, ...]
    params: tuple[str, ...]
    check: Callable[..., tuple[Any, ...]]
    label: str
    what: str
    policy: WaitPolicy
    command: str
    get: str
    wait: str
    cancel: str | None = None
    cancel_params: tuple[str, ...] | None = None
    refuse: Callable[[R], str | None] | None = None
    batch: Batch[R] | None = None

    def cancel_call(self, bound: Bound[R]) -> tuple[str, str, dict[str, Any]] | None:
        """The boto3 method, API name and parameters that stop ``bound``'s resource, if any."""
        if self.cancel is None:
            return None
        keep = self.cancel_params
        params = {k: v for k, v in bound.params.items() if keep is None or k in keep}
        api = "".join(part.capitalize() for part in self.cancel.split("_"))
        return self.cancel, api, params

    def policy_for(self, policy: WaitPolicy | None) -> WaitPolicy:
        """The policy a wait on this operation runs with: ``policy`` over the row's defaults."""
        return self.policy if policy is None else policy.over(self.policy)

    def bind(self, *ids: object) -> Bound[R]:
        """Check ``ids`` before any call and return the bound operation."""
        clean = self.check(*ids)
        params = {
            name: value for name, value in zip(self.params, clean, strict=True) if value is not None
        }
        what = self.what.format(**dict(zip(self.ids, clean, strict=True)))
        return Bound(operation=self, ids=clean, params=params, what=what)


@frozen(kw_only=True)
class Call:
    """A list or start call around the waits (what CI scripts do before and after one).

    Args:
        service: the boto3 service name.
        method: the boto3 client method (``"list_tests"``).
        api: the AWS API operation name (``"ListTests"``).
        response: the jobkit model of one whole response (one page).
        key: the response member holding the items (or the one resource).
        model: the jobkit model of one item.
        paged: whether the call pages with ``nextToken``.
        page_size: the parameter and value that ask for the largest pages, if any.
    """

    service: str
    method: str
    api: str
    response: type[Any]
    key: str
    model: type[Any]
    paged: bool = True
    page_size: tuple[str, int] | None = None


DEVICEFARM_LIST_RUNS = Call(
    service="devicefarm",
    method="list_runs",
    api="ListRuns",
    response=devicefarm.ListRunsResponse,
    key="runs",
    model=devicefarm.Run,
)
DEVICEFARM_LIST_JOBS = Call(
    service="devicefarm",
    method="list_jobs",
    api="ListJobs",
    response=devicefarm.ListJobsResponse,
    key="jobs",
    model=devicefarm.Job,
)
DEVICEFARM_LIST_SUITES = Call(
    service="devicefarm",
    method="list_suites",
    api="ListSuites",
    response=devicefarm.ListSuitesResponse,
    key="suites",
    model=devicefarm.Suite,
)
DEVICEFARM_LIST_TESTS = Call(
    service="devicefarm",
    method="list_tests",
    api="ListTests",
    response=devicefarm.ListTestsResponse,
    key="tests",
    model=devicefarm.Test,
)
DEVICEFARM_LIST_ARTIFACTS = Call(
    service="devicefarm",
    method="list_artifacts",
    api="ListArtifacts",
    response=devicefarm.ListArtifactsResponse,
    key="artifacts",
    model=devicefarm.Artifact,
)
AMPLIFY_LIST_JOBS = Call(
    service="amplify",
    method="list_jobs",
    api="ListJobs",
    response=amplify.ListJobsResponse,
    key="jobSummaries",
    model=amplify.JobSummary,
    page_size=("maxResults", 50),
)
AMPLIFY_START_JOB = Call(
    service="amplify",
    method="start_job",
    api="StartJob",
    response=amplify.StartJobResponse,
    key="jobSummary",
    model=amplify.JobSummary,
    paged=False,
)
IOT_LIST_EXECUTIONS = Call(
    service="iot",
    method="list_job_executions_for_job",
    api="ListJobExecutionsForJob",
    response=iot.ListJobExecutionsForJobResponse,
    key="executionSummaries",
    model=iot.JobExecutionSummaryForJob,
    page_size=("maxResults", 250),
)

CALLS: tuple[Call, ...] = (
    DEVICEFARM_LIST_RUNS,
    DEVICEFARM_LIST_JOBS,
    DEVICEFARM_LIST_SUITES,
    DEVICEFARM_LIST_TESTS,
    DEVICEFARM_LIST_ARTIFACTS,
    AMPLIFY_LIST_JOBS,
    AMPLIFY_START_JOB,
    IOT_LIST_EXECUTIONS,
)
"""The list and start calls jobkit makes around the waits; their models are drift-checked too."""


def _one_arn(kind: str) -> Callable[[object], tuple[str]]:
    def check(arn: object) -> tuple[str]:
        return (devicefarm_arn(arn, kind),)

    return check


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


def _run_of_job(ids: tuple[Any, ...]) -> dict[str, Any]:
    # arn:aws:devicefarm:REGION:ACCOUNT:job:PROJECT/RUN/JOB -> the run's ARN
    prefix, _, path = str(ids[0]).rpartition(":job:")
    return {"arn": f"{prefix}:run:{path.rsplit('/', 1)[0]}"}


def _project_of_run(ids: tuple[Any, ...]) -> dict[str, Any]:
    # arn:aws:devicefarm:REGION:ACCOUNT:run:PROJECT/RUN -> the project's ARN
    prefix, _, path = str(ids[0]).rpartition(":run:")
    return {"arn": f"{prefix}:project:{path.split('/', 1)[0]}"}


def _read_devicefarm_run(
    item: dict[str, Any], _: dict[str, Any]
) -> tuple[tuple[Hashable, ...], devicefarm.Run]:
    return (item.get("arn"),), structure(item, devicefarm.Run)


def _read_devicefarm_job(
    item: dict[str, Any], _: dict[str, Any]
) -> tuple[tuple[Hashable, ...], devicefarm.Job]:
    return (item.get("arn"),), structure(item, devicefarm.Job)


def _read_amplify_job(
    item: dict[str, Any], _: dict[str, Any]
) -> tuple[tuple[Hashable, ...], amplify.Job]:
    return (item.get("jobId"),), structure({"summary": item}, amplify.Job)


def _read_iot_execution(
    item: dict[str, Any], parent: dict[str, Any]
) -> tuple[tuple[Hashable, ...], iot.JobExecution]:
    summary: dict[str, Any] = item.get("jobExecutionSummary") or {}
    thing = str(item.get("thingArn") or "").rpartition("/")[2]
    raw = {"jobId": parent["jobId"], "thingArn": item.get("thingArn"), **summary}
    model = structure(raw, iot.JobExecution)
    return ((thing, None), (thing, model.execution_number)), model


DEVICEFARM_JOB: Operation[devicefarm.Job] = Operation(
    service="devicefarm",
    method="get_job",
    api="GetJob",
    key="job",
    model=devicefarm.Job,
    response=devicefarm.GetJobResponse,
    ids=("arn",),
    params=("arn",),
    check=_one_arn("job"),
    label="Device Farm job",
    what="Device Farm job {arn}",
    # Jobs run minutes to hours (the default job timeout is 150 minutes); test counters
    # give the time left, so polls are sparse mid-run and dense near the end.
    policy=WaitPolicy(timeout=3 * 3600, min_delay=5, max_delay=180),
    command="devicefarm-job",
    get="get_job",
    wait="wait_for_job",
    cancel="stop_job",
    batch=Batch(
        method="list_jobs",
        api="ListJobs",
        key="jobs",
        parent=_run_of_job,
        member=lambda ids: ids[0],
        read=_read_devicefarm_job,
        full=True,
    ),
)

DEVICEFARM_RUN: Operation[devicefarm.Run] = Operation(
    service="devicefarm",
    method="get_run",
    api="GetRun",
    key="run",
    model=devicefarm.Run,
    response=devicefarm.GetRunResponse,
    ids=("arn",),
    params=("arn",),
    check=_one_arn("run"),
    label="Device Farm run",
    what="Device Farm run {arn}",
    # A run is its devices' jobs, in parallel or waiting for a slot: as long as its longest
    # job, or several; completed jobs and test counters give the time left.
    policy=WaitPolicy(timeout=6 * 3600, min_delay=5, max_delay=180),
    command="devicefarm-run",
    get="get_run",
    wait="wait_for_run",
    cancel="stop_run",
    batch=Batch(
        method="list_runs",
        api="ListRuns",
        key="runs",
        parent=_project_of_run,
        member=lambda ids: ids[0],
        read=_read_devicefarm_run,
        full=True,
    ),
)

DEVICEFARM_SESSION: Operation[devicefarm.RemoteAccessSession] = Operation(
    service="devicefarm",
    method="get_remote_access_session",
    api="GetRemoteAccessSession",
    key="remoteAccessSession",
    model=devicefarm.RemoteAccessSession,
    response=devicefarm.GetRemoteAccessSessionResponse,
    ids=("arn",),
    params=("arn",),
    check=_one_arn("session"),
    label="Device Farm remote access session",
    what="Device Farm remote access session {arn}",
    # Sessions last up to 150 minutes; a user usually waits for one to start or stop.
    policy=WaitPolicy(timeout=3 * 3600, min_delay=5, max_delay=30),
    command="devicefarm-session",
    get="get_remote_access_session",
    wait="wait_for_remote_access_session",
    cancel="stop_remote_access_session",
)

AMPLIFY_JOB: Operation[amplify.Job] = Operation(
    service="amplify",
    method="get_job",
    api="GetJob",
    key="job",
    model=amplify.Job,
    response=amplify.GetJobResponse,
    ids=("app_id", "branch_name", "job_id"),
    params=("appId", "branchName", "jobId"),
    check=amplify_ids,
    label="Amplify job",
    what="Amplify job {job_id} of {app_id}/{branch_name}",
    # Builds and deploys take a few minutes; Amplify stops a build after 30 minutes by default.
    policy=WaitPolicy(timeout=3600, min_delay=5, max_delay=30),
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

IOT_JOB: Operation[iot.Job] = Operation(
    service="iot",
    method="describe_job",
    api="DescribeJob",
    key="job",
    model=iot.Job,
    response=iot.DescribeJobResponse,
    ids=("job_id",),
    params=("jobId",),
    check=_iot_job,
    label="IoT job",
    what="IoT job {job_id}",
    # Rollouts take minutes to days; polls back off to every 5 minutes.
    policy=WaitPolicy(timeout=24 * 3600, min_delay=5, max_delay=300),
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
    model=iot.JobExecution,
    response=iot.DescribeJobExecutionResponse,
    ids=("job_id", "thing_name", "execution_number"),
    params=("jobId", "thingName", "executionNumber"),
    check=_iot_execution,
    label="IoT job execution",
    what="IoT job execution of {job_id} on {thing_name}",
    # An execution may end in seconds (a config push) or hours (firmware over a slow link).
    policy=WaitPolicy(timeout=24 * 3600, min_delay=2, max_delay=120),
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

OPERATIONS: tuple[Operation[Any], ...] = (
    DEVICEFARM_JOB,
    DEVICEFARM_RUN,
    DEVICEFARM_SESSION,
    AMPLIFY_JOB,
    IOT_JOB,
    IOT_EXECUTION,
)
"""Every operation jobkit reads, in the order the command lists them."""


def by_command(word: str) -> Operation[Any]:
    """Return the operation behind a resource word of the command (``"iot-job"``)."""
    for operation in OPERATIONS:
        if operation.command == word:
            return operation
    raise KeyError(word)
