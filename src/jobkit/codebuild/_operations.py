"""CodeBuild's rows of the operation table: what jobkit reads, lists, starts and stops.

Light on purpose: the models are named, not imported, so the command's ``--help`` and
``jobkit._services`` build none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# The package's models load on first attribute use (PEP 562), not with this import.
from jobkit import codebuild
from jobkit._engine._operations import Batch, Call, Events, Operation, Option, Service, Start
from jobkit._engine._waiting import WaitPolicy
from jobkit.codebuild._ids import codebuild_build_id, project_name

if TYPE_CHECKING:
    from collections.abc import Hashable

__all__ = [
    "CODEBUILD_BUILD",
    "CODEBUILD_LIST_BUILDS",
    "CODEBUILD_START_BUILD",
    "CODEBUILD_STOP_BUILD",
    "SERVICE",
    "START_BUILD",
]

_MODELS = "jobkit.codebuild"


def _structure(raw: dict[str, Any], model: type[Any]) -> Any:
    from jobkit._convert._converter import structure  # noqa: PLC0415 -- only when a batch is read

    return structure(raw, model)


CODEBUILD_START_BUILD = Call(
    service="codebuild",
    method="start_build",
    api="StartBuild",
    response_name="StartBuildResponse",
    key="build",
    models=_MODELS,
    model_name="Build",
    paged=False,
)

CODEBUILD_STOP_BUILD = Call(
    service="codebuild",
    method="stop_build",
    api="StopBuild",
    response_name="StopBuildResponse",
    key="build",
    models=_MODELS,
    model_name="Build",
    paged=False,
)

CODEBUILD_LIST_BUILDS = Call(
    service="codebuild",
    method="list_builds_for_project",
    api="ListBuildsForProject",
    response_name="ListBuildsForProjectResponse",
    key="ids",
    models=_MODELS,
    model_name=None,  # build ids, as strings
)


def _read_build(
    item: dict[str, Any], _: dict[str, Any]
) -> tuple[tuple[Hashable, ...], codebuild.Build]:
    return (item.get("id"),), _structure(item, codebuild.Build)


CODEBUILD_BUILD: Operation[codebuild.Build] = Operation(
    service="codebuild",
    method="batch_get_builds",
    api="BatchGetBuilds",
    key="builds",
    models=_MODELS,
    model_name="Build",
    response_name="BatchGetBuildsResponse",
    ids=("build_id",),
    params=("ids",),
    check=codebuild_build_id,
    label="CodeBuild build",
    what="CodeBuild build {build_id}",
    # A build runs minutes to hours: CodeBuild stops one after 60 minutes by default, at most
    # 36 hours, and may queue it up to 8 hours first (the default queued timeout). Eight hours
    # covers a default build with room to queue; a longer one raises --timeout. Polls start at
    # 10 s (a build is rarely over sooner) and settle at 60 s (phases last minutes).
    policy=WaitPolicy(timeout=8 * 3600, min_delay=10, max_delay=60),
    # EventBridge's "CodeBuild Build State Change" wakes the wait; polls only catch a lost event.
    events=Events(
        key=lambda ids: ("codebuild", ids[0]),
        recogniser="jobkit.codebuild._events:recognise",
        fallback=WaitPolicy(min_delay=30, max_delay=300),
    ),
    command="codebuild-build",
    get="get_build",
    wait="wait_for_build",
    cancel="stop_build",
    cancel_args=lambda bound: {"id": bound.ids[0]},
    listed="id",
    batch=Batch(
        method="batch_get_builds",
        api="BatchGetBuilds",
        key="builds",
        parent=lambda _: {},
        member=lambda ids: ids[0],
        read=_read_build,
        full=True,
        ids_param="ids",
        max_ids=100,
    ),
)


def _started(_: tuple[Any, ...], build: codebuild.Build) -> tuple[Any, ...]:
    return (build.id,)


START_BUILD = Start(
    operation=CODEBUILD_BUILD,
    method="start_build",
    ids=("project_name",),
    check=project_name,
    options=(
        Option(
            flag="--source-version",
            keyword="source_version",
            metavar="VERSION",
            help="what to build instead of the project's default: a branch, tag, commit "
            "id, pull request (pr/123) or S3 object version",
        ),
    ),
    started=_started,
    help="start a CodeBuild build of a project",
    description=(
        "Start a build of a CodeBuild project and print its id as the first line of stdout "
        "(progress goes to stderr). With --wait, wait for it like 'jobkit wait "
        "codebuild-build BUILD_ID' (same options and exit codes); without, exit 0 once started."
    ),
)

SERVICE = Service(
    name="codebuild",
    facade="jobkit.codebuild._facade:CodeBuild",
    operations=(CODEBUILD_BUILD,),
    calls=(CODEBUILD_START_BUILD, CODEBUILD_STOP_BUILD, CODEBUILD_LIST_BUILDS),
    summary="jobkit.codebuild._summary",
    starts=(START_BUILD,),
    events_wiring="jobkit.codebuild._events_wiring",
)
