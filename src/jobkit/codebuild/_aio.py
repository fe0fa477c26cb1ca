"""CodeBuild for asyncio: :class:`jobkit.aio.CodeBuild`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobkit._engine._async_facade import AsyncFacade
from jobkit.codebuild import _flows, _ids
from jobkit.codebuild._facade import CodeBuildBase, started_build
from jobkit.codebuild._operations import CODEBUILD_BUILD, CODEBUILD_START_BUILD

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from mypy_boto3_codebuild import CodeBuildClient  # noqa: F401 -- named in a base class string

    from jobkit import codebuild
    from jobkit._engine._waiting import WaitPolicy
    from jobkit._events._source import SqsEvents

__all__ = ["CodeBuild"]


class CodeBuild(CodeBuildBase, AsyncFacade["CodeBuildClient"]):
    """CodeBuild builds, awaited (see :class:`jobkit.CodeBuild`)."""

    async def start_build(
        self,
        project_name: str,
        *,
        source_version: str | None = None,
        environment_variables: Mapping[str, str] | None = None,
        timeout_in_minutes: int | None = None,
        idempotency_token: str | None = None,
    ) -> codebuild.Build:
        """Start a build of a project; return the new build (see :meth:`jobkit.CodeBuild.start_build`)."""
        params = self._start_params(
            project_name, source_version, environment_variables, timeout_in_minutes,
            idempotency_token,
        )  # fmt: skip
        response = await self._acall(
            CODEBUILD_START_BUILD.method,
            CODEBUILD_START_BUILD.api,
            f"CodeBuild project {params['projectName']}",
            None,
            require=CODEBUILD_START_BUILD.key,
            **params,
        )
        return started_build(response)

    async def list_builds_for_project(self, project_name: str) -> tuple[str, ...]:
        """Return the ids of a project's builds, newest first, every page."""
        return await self._run(_flows.build_ids(_ids.project_name(project_name)))

    async def get_build(self, build_id: str) -> codebuild.Build:
        """Return build ``build_id`` (``PROJECT:UUID`` or the build's ARN)."""
        return await self._get(CODEBUILD_BUILD.bind(build_id))

    async def wait_for_build(
        self,
        build_id: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[codebuild.Build], object] | None = None,
        check: bool = False,
        cancel_on_timeout: bool = False,
        events: SqsEvents | None = None,
    ) -> codebuild.Build:
        """Wait until the build ends (see :meth:`jobkit.CodeBuild.wait_for_build`)."""
        return await self._wait(
            CODEBUILD_BUILD.bind(build_id),
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
            events=events,
        )
