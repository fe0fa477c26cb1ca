"""CodeBuild's models read moto's real answers over HTTP: start_build, batch_get_builds, stop_build.

What moto 5.2.5's CodeBuild backend does (``moto/codebuild/models.py``), which later facade
tests must plan around:

- ``start_build`` answers IN_PROGRESS in phase QUEUED (SUBMITTED SUCCEEDED, QUEUED without a
  status); source, environment and logs are canned (a CODECOMMIT source, an eu-west-2 console
  link) whatever the project says.
- ``batch_get_builds`` finishes every build it is asked about on the spot: SUCCEEDED, phase
  COMPLETED, all eleven phases SUCCEEDED; there is no IN_PROGRESS poll and no time passing. Each
  call appends the nine later phases again (20 phases on the second call), and a STOPPED build
  reads SUCCEEDED again. An unknown id is left out silently (no ``buildsNotFound``); an id
  without ``:`` is an InvalidInputException.
- ``stop_build`` answers STOPPED (any build, even a finished one), phase COMPLETED, every phase
  SUCCEEDED; an unknown id is a ResourceNotFoundException (HTTP 400).
- ``buildComplete`` stays false throughout; no phase has contexts.
- Its answers carry the content type ``text`` (it reads botocore's first protocol,
  ``smithy-rpc-v2-cbor``, while the client speaks ``json``); jobkit's facades refuse a body
  that is not labelled JSON, so the facade tests relabel them
  (``helpers.moto_codebuild_answers_json``).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from helpers import make_client, moto_codebuild_answers_json
from jobkit import CodeBuild, Outcome, aio, codebuild, extras, structure, wait_all
from jobkit.errors import NotFoundError
from jobkit.testing import FakeClock

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.integration

_names = iter(range(1_000_000))


@pytest.fixture
def client(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    moto_codebuild_answers_json(monkeypatch)
    config = Config(retries={"total_max_attempts": 1, "mode": "standard"})
    made = make_client("codebuild", "us-east-1", endpoint_url=moto_server, config=config)
    yield made
    made.close()


@pytest.fixture
def project(client: Any) -> str:
    name = f"checkout-web-{next(_names)}"
    client.create_project(
        name=name,
        source={"type": "NO_SOURCE", "location": "none", "buildspec": "version: 0.2"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/amazonlinux-x86_64-standard:5.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        serviceRole="arn:aws:iam::123456789012:role/codebuild-checkout",
    )
    return name


def _kept_nothing(build: codebuild.Build) -> None:
    """moto's serializer sends only members botocore declares, so nothing lands in extras."""
    assert extras(build) == {}
    for phase in build.phases or ():
        assert extras(phase) == {}


def test_start_get_and_stop_structure_into_the_models(client: Any, project: str) -> None:
    started = structure(client.start_build(projectName=project), codebuild.StartBuildResponse)
    build = started.build
    assert build is not None
    assert build.id is not None
    assert build.id.startswith(f"{project}:")
    assert build.project_name == project
    assert build.build_status is codebuild.StatusType.IN_PROGRESS
    assert build.is_terminal is False
    assert build.current_phase == "QUEUED"
    assert [(p.phase_type, p.phase_status) for p in build.phases or ()] == [
        (codebuild.BuildPhaseType.SUBMITTED, codebuild.StatusType.SUCCEEDED),
        (codebuild.BuildPhaseType.QUEUED, None),
    ]
    assert build.describe() == "IN_PROGRESS (phase 2/11 QUEUED)"
    assert build.environment is not None
    assert build.environment.compute_type is codebuild.ComputeType.BUILD_GENERAL1_SMALL
    assert build.start_time is not None
    assert build.start_time.tzinfo is not None
    assert build.log_link is not None
    _kept_nothing(build)

    ids = structure(
        client.list_builds_for_project(projectName=project),
        codebuild.ListBuildsForProjectResponse,
    )
    assert ids.ids == (build.id,)

    missing = f"{project}:00000000-0000-0000-0000-000000000000"
    got = structure(
        client.batch_get_builds(ids=[build.id, missing]), codebuild.BatchGetBuildsResponse
    )
    assert got.builds_not_found is None  # moto leaves unknown ids out without a word
    assert got.builds is not None
    [done] = got.builds
    assert done.id == build.id
    assert done.build_status is codebuild.StatusType.SUCCEEDED
    assert done.outcome is Outcome.SUCCEEDED
    assert done.failed_phase is None
    assert done.end_time is not None
    assert len(done.phases or ()) == len(codebuild.BuildPhaseType)
    assert done.describe() == "SUCCEEDED -> SUCCEEDED"
    _kept_nothing(done)

    other = structure(client.start_build(projectName=project), codebuild.StartBuildResponse)
    assert other.build is not None
    stopped = structure(client.stop_build(id=other.build.id), codebuild.StopBuildResponse).build
    assert stopped is not None
    assert stopped.build_status is codebuild.StatusType.STOPPED
    assert stopped.outcome is Outcome.CANCELLED
    assert stopped.failed_phase is None  # moto marks every phase SUCCEEDED, even when stopped
    assert stopped.describe() == "STOPPED -> CANCELLED"
    _kept_nothing(stopped)


def test_moto_quirks_a_facade_test_must_know(client: Any, project: str) -> None:
    """If this fails, moto changed: update the notes at the top of this module."""
    started = client.start_build(projectName=project)["build"]["id"]
    first = structure(client.batch_get_builds(ids=[started]), codebuild.BatchGetBuildsResponse)
    second = structure(client.batch_get_builds(ids=[started]), codebuild.BatchGetBuildsResponse)
    assert first.builds is not None
    assert second.builds is not None
    assert len(first.builds[0].phases or ()) == 11
    assert len(second.builds[0].phases or ()) == 20  # the later phases, appended again
    assert second.builds[0].build_complete is False

    client.stop_build(id=started)
    after = structure(client.batch_get_builds(ids=[started]), codebuild.BatchGetBuildsResponse)
    assert after.builds is not None
    assert after.builds[0].build_status is codebuild.StatusType.SUCCEEDED  # not STOPPED

    with pytest.raises(ClientError) as info:
        client.stop_build(id=f"{project}:no-such-build")
    assert info.value.response.get("Error", {}).get("Code") == "ResourceNotFoundException"
    with pytest.raises(ClientError) as info:
        client.batch_get_builds(ids=["no-colon"])
    assert info.value.response.get("Error", {}).get("Code") == "InvalidInputException"


# The facades over moto's real HTTP answers (moto ends a build on its first read).


def test_the_facade_starts_lists_waits_and_stops_over_http(client: Any, project: str) -> None:
    cb = CodeBuild(client)
    started = cb.start_build(project, source_version="refs/heads/main")
    assert started.id is not None
    assert started.build_status is codebuild.StatusType.IN_PROGRESS
    assert cb.list_builds_for_project(project) == (started.id,)
    done = cb.wait_for_build(started.id, policy=FakeClock().policy(), check=True)
    assert done.outcome is Outcome.SUCCEEDED
    assert cb.get_build(started.arn or "").id == started.id  # the ARN works as the id

    other = cb.start_build(project)
    assert other.id is not None

    def ctrl_c(_: object) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as info:  # Ctrl-C in the wait: StopBuild over HTTP
        cb.wait_for_build(
            other.id, policy=FakeClock().policy(), on_update=ctrl_c, cancel_on_timeout=True
        )
    # moto accepts StopBuild; the one read after it says SUCCEEDED again (its quirk).
    assert "stop the CodeBuild build (StopBuild) and AWS accepted it" in str(info.value.__notes__)
    missing = f"{project}:00000000-0000-0000-0000-000000000000"
    with pytest.raises(NotFoundError):
        cb.get_build(missing)


def test_the_async_facade_and_wait_all_over_http(client: Any, project: str) -> None:
    async def main() -> codebuild.Build:
        cb = aio.CodeBuild(client)
        started = await cb.start_build(project)
        assert started.id is not None
        return await cb.wait_for_build(started.id, policy=FakeClock().policy())

    assert asyncio.run(main()).outcome is Outcome.SUCCEEDED
    sync = CodeBuild(client)
    ids = [sync.start_build(project).id or "" for _ in range(3)]
    results = wait_all([sync.build(i) for i in ids], policy=FakeClock().policy())
    assert [r.outcome for r in results] == [Outcome.SUCCEEDED] * 3
