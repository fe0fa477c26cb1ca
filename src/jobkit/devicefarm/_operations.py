"""Device Farm's rows of the operation table: what jobkit reads, lists, starts and stops.

Light on purpose: the models are named, not imported, so the command's ``--help`` and
``jobkit._services`` build none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# The package's models load on first attribute use (PEP 562), not with this import.
from jobkit import devicefarm
from jobkit._engine._operations import Batch, Call, Operation, Service
from jobkit._engine._waiting import WaitPolicy
from jobkit.devicefarm._ids import devicefarm_arn

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable

__all__ = [
    "DEVICEFARM_JOB",
    "DEVICEFARM_LIST_ARTIFACTS",
    "DEVICEFARM_LIST_JOBS",
    "DEVICEFARM_LIST_RUNS",
    "DEVICEFARM_LIST_SUITES",
    "DEVICEFARM_LIST_TESTS",
    "DEVICEFARM_RUN",
    "DEVICEFARM_SESSION",
    "SERVICE",
]

_MODELS = "jobkit.devicefarm"


def _structure(raw: dict[str, Any], model: type[Any]) -> Any:
    from jobkit._convert._converter import structure  # noqa: PLC0415 -- only when a list is read

    return structure(raw, model)


DEVICEFARM_LIST_RUNS = Call(
    service="devicefarm",
    method="list_runs",
    api="ListRuns",
    response_name="ListRunsResponse",
    key="runs",
    models=_MODELS,
    model_name="Run",
)

DEVICEFARM_LIST_JOBS = Call(
    service="devicefarm",
    method="list_jobs",
    api="ListJobs",
    response_name="ListJobsResponse",
    key="jobs",
    models=_MODELS,
    model_name="Job",
)

DEVICEFARM_LIST_SUITES = Call(
    service="devicefarm",
    method="list_suites",
    api="ListSuites",
    response_name="ListSuitesResponse",
    key="suites",
    models=_MODELS,
    model_name="Suite",
)

DEVICEFARM_LIST_TESTS = Call(
    service="devicefarm",
    method="list_tests",
    api="ListTests",
    response_name="ListTestsResponse",
    key="tests",
    models=_MODELS,
    model_name="Test",
)

DEVICEFARM_LIST_ARTIFACTS = Call(
    service="devicefarm",
    method="list_artifacts",
    api="ListArtifacts",
    response_name="ListArtifactsResponse",
    key="artifacts",
    models=_MODELS,
    model_name="Artifact",
)


def _one_arn(kind: str) -> Callable[[object], tuple[str]]:
    def check(arn: object) -> tuple[str]:
        return (devicefarm_arn(arn, kind),)

    return check


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
    return (item.get("arn"),), _structure(item, devicefarm.Run)


def _read_devicefarm_job(
    item: dict[str, Any], _: dict[str, Any]
) -> tuple[tuple[Hashable, ...], devicefarm.Job]:
    return (item.get("arn"),), _structure(item, devicefarm.Job)


DEVICEFARM_JOB: Operation[devicefarm.Job] = Operation(
    service="devicefarm",
    method="get_job",
    api="GetJob",
    key="job",
    models=_MODELS,
    model_name="Job",
    response_name="GetJobResponse",
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
    models=_MODELS,
    model_name="Run",
    response_name="GetRunResponse",
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
    history="jobkit.devicefarm._flows:run_history",
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
    models=_MODELS,
    model_name="RemoteAccessSession",
    response_name="GetRemoteAccessSessionResponse",
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

SERVICE = Service(
    name="devicefarm",
    summary="jobkit.devicefarm._summary",
    facade="jobkit.devicefarm._facade:DeviceFarm",
    operations=(DEVICEFARM_JOB, DEVICEFARM_RUN, DEVICEFARM_SESSION),
    calls=(
        DEVICEFARM_LIST_RUNS,
        DEVICEFARM_LIST_JOBS,
        DEVICEFARM_LIST_SUITES,
        DEVICEFARM_LIST_TESTS,
        DEVICEFARM_LIST_ARTIFACTS,
    ),
    artifacts=frozenset({"devicefarm-job", "devicefarm-run"}),
)
