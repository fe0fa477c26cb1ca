"""CodeBuild around a wait: a project's builds."""

from __future__ import annotations

from jobkit._engine._flows import Flow, pages
from jobkit.codebuild._operations import CODEBUILD_LIST_BUILDS

__all__ = ["build_ids"]


def build_ids(project: str) -> Flow[tuple[str, ...]]:
    """The ids of a project's builds, newest first, all pages."""
    listed = yield from pages(
        CODEBUILD_LIST_BUILDS, f"CodeBuild project {project}", {"projectName": project}
    )
    return tuple(item for item in listed if isinstance(item, str))
