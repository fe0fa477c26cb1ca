"""What ``--output summary`` shows for Amplify: the failed steps (and their logs, with --show-secrets)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobkit._cli._summary import MAX_ITEMS, Context, more, section

if TYPE_CHECKING:
    from jobkit import amplify

__all__: list[str] = []


@section("jobkit.amplify.Job")
def _amplify_steps(job: amplify.Job, context: Context) -> list[str]:
    failed = [s for s in job.steps or () if str(s.status) in {"FAILED", "CANCELLED"}]
    if not failed:
        return []
    lines = [f"  failed steps ({len(failed)}):"]
    for step in failed[:MAX_ITEMS]:
        reason = f": {step.status_reason}" if step.status_reason else ""
        lines.append(f"  - {step.step_name}: {step.status}{reason}")
        if context.show_secrets and step.log_url:
            lines.append(f"    log: {step.log_url}")
    return lines + more(min(len(failed), MAX_ITEMS), len(failed))
