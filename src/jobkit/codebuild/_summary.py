"""What ``--output summary`` shows for a build: the phase that failed, why, and the logs' link.

The logs' link is a console URL (it opens the log stream for someone signed in), not a
presigned one, so it is shown as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobkit._cli._summary import section

if TYPE_CHECKING:
    from jobkit import codebuild
    from jobkit._cli._summary import Context

__all__: list[str] = []


@section("jobkit.codebuild.Build")
def _build(build: codebuild.Build, _: Context) -> list[str]:
    lines: list[str] = []
    if build.project_name:
        number = f" (build #{build.build_number})" if build.build_number is not None else ""
        lines.append(f"  project: {build.project_name}{number}")
    if build.resolved_source_version or build.source_version:
        lines.append(f"  source: {build.resolved_source_version or build.source_version}")
    failed = build.failed_phase
    if failed is not None:
        lines.append(f"  failed phase: {failed.phase_type or 'UNKNOWN'} {failed.phase_status}")
        if failed.reason:
            lines.append(f"  message: {failed.reason}")
    if build.log_link:
        lines.append(f"  logs: {build.log_link}")
    return lines
