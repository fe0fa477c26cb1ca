"""One-line, human descriptions of a resource's state, for logs and the command's progress.

Describers are looked up by the resource's class path, so this module imports no
model module (and ``import jobkit`` stays cheap).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from jobkit import amplify, devicefarm, iot
    from jobkit._outcome import Resource

__all__ = ["describe"]


def describe(resource: Resource) -> str:
    """Return e.g. ``RUNNING (12/40 tests passed)`` for any jobkit resource."""
    cls = type(resource)
    describer = _DESCRIBERS.get(f"{cls.__module__}.{cls.__qualname__}")
    if describer is not None:
        return describer(resource)
    status = getattr(resource, "status", None)
    return str(status) if status is not None else "UNKNOWN"


def _with_outcome(text: str, resource: Resource) -> str:
    return f"{text} -> {resource.outcome}" if resource.outcome is not None else text


def _counters(counters: devicefarm.Counters | None) -> str:
    if counters is None or not counters.total:
        return ""
    parts = [f"{counters.finished}/{counters.total} tests"]
    parts += [
        f"{n} {name}"
        for name, n in (
            ("passed", counters.passed),
            ("failed", counters.failed),
            ("errored", counters.errored),
            ("warned", counters.warned),
            ("stopped", counters.stopped),
            ("skipped", counters.skipped),
        )
        if n
    ]
    return f" ({', '.join(parts)})"


def _devicefarm_job(resource: devicefarm.Job) -> str:
    text = f"{resource.status or 'UNKNOWN'}"
    if resource.is_terminal:
        text += f"/{resource.result or 'UNKNOWN'}"
    return _with_outcome(text + _counters(resource.counters), resource)


def _devicefarm_session(resource: devicefarm.RemoteAccessSession) -> str:
    text = f"{resource.status or 'UNKNOWN'}"
    if resource.is_terminal:
        text += f"/{resource.result or 'UNKNOWN'}"
    return _with_outcome(text, resource)


def _amplify_job(resource: amplify.Job) -> str:
    text = f"{resource.status or 'UNKNOWN'}"
    steps = resource.steps or ()
    if steps:
        active = next((s for s in steps if s.status != "SUCCEED"), steps[-1])
        index = steps.index(active) + 1
        text += f" (step {index}/{len(steps)} {active.step_name}: {active.status})"
    return _with_outcome(text, resource)


def _iot_job(resource: iot.Job) -> str:
    text = f"{resource.status or 'UNKNOWN'}"
    d = resource.job_process_details
    if d is not None and d.total_things:
        text += f" ({d.number_of_succeeded_things or 0}/{d.total_things} things succeeded"
        text += f", {d.failed_things} failed)" if d.failed_things else ")"
    return _with_outcome(text, resource)


def _iot_execution(resource: iot.JobExecution) -> str:
    text = f"{resource.status or 'UNKNOWN'}"
    details = resource.status_details.details_map if resource.status_details else None
    if details:
        text += " (" + ", ".join(f"{k}={v}" for k, v in sorted(details.items())) + ")"
    return _with_outcome(text, resource)


_DESCRIBERS: dict[str, Callable[[Any], str]] = {
    "jobkit.devicefarm.Job": _devicefarm_job,
    "jobkit.devicefarm.RemoteAccessSession": _devicefarm_session,
    "jobkit.amplify.Job": _amplify_job,
    "jobkit.iot.Job": _iot_job,
    "jobkit.iot.JobExecution": _iot_execution,
}
