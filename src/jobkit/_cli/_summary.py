"""``--output summary``: one screen -- the outcome, then what failed.

Each resource class has a list of sections; a section turns the final model (and, when it
needs more, reads through the facade) into lines: Device Farm failed tests per device,
IoT failed things with their status details, Amplify failed steps. Long lists stop at
20 items and say how many more.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, cast

from attrs import frozen

from jobkit._engine._flows import Paging
from jobkit._engine._progress import describe
from jobkit.errors import JobkitError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from jobkit import amplify, devicefarm, iot

__all__ = ["SECTIONS", "Context", "section", "summary_lines"]

_MAX_ITEMS = 20  # one screen: the first failures, then how many more


@frozen(kw_only=True)
class Context:
    """What a section may use beyond the model: the facade (for more reads) and the flags."""

    facade: Any = None
    show_secrets: bool = False


SECTIONS: dict[str, list[Callable[[Any, Context], list[str]]]] = {}
"""Class path (``jobkit.iot.Job``) -> its sections, in the order they print."""


def section(
    path: str,
) -> Callable[[Callable[[Any, Context], list[str]]], Callable[[Any, Context], list[str]]]:
    """Register a summary section for the resource class at ``path``."""

    def register(fn: Callable[[Any, Context], list[str]]) -> Callable[[Any, Context], list[str]]:
        SECTIONS.setdefault(path, []).append(fn)
        return fn

    return register


def summary_lines(resource: Any, *, what: str, outcome: str, context: Context) -> list[str]:
    """The summary: ``OUTCOME: what``, the status line, then each section's lines."""
    lines = [f"{outcome}: {what}"]
    if resource is None:
        lines.append("  status: never seen")
        return lines
    lines.append(f"  status: {describe(resource)}")
    cls: type[Any] = type(cast("object", resource))
    _service_sections(cls.__module__)
    for fn in SECTIONS.get(f"{cls.__module__}.{cls.__qualname__}", ()):
        try:
            lines += fn(resource, context)
        except JobkitError as exc:  # the summary is best effort; the exit code stands
            lines.append(f"  (could not read more: {exc})")
    return lines


def _service_sections(module: str) -> None:
    """Import the sections a service keeps in its own folder (its ``Service.summary`` module)."""
    from jobkit._services import NAMES, service  # noqa: PLC0415 -- read once a summary is made

    name = module.split(".")[1] if module.startswith("jobkit.") else ""
    found = service(name).summary if name in NAMES else None
    if found is not None:
        importlib.import_module(found)


def _best_effort(read: Callable[[], list[str]]) -> list[str]:
    """Lines that need more reads; a failed read is one line, and the lines before it stay."""
    try:
        return read()
    except JobkitError as exc:
        return [f"  (could not read more: {exc})"]


def _more(shown: int, total: int) -> list[str]:
    return [f"  ... and {total - shown} more"] if total > shown else []


def _details(details: object) -> str:
    pairs: Mapping[str, str] = getattr(details, "details_map", None) or {}
    return ", ".join(f"{k}={v}" for k, v in sorted(pairs.items()))


# IoT


_FAILED_EXECUTIONS = ("FAILED", "REJECTED", "TIMED_OUT")


def _failed_things(facade: Any, job_id: str) -> list[tuple[str, str, int | None]]:
    """(thing, status, execution number) of each execution that FAILED, was REJECTED or TIMED_OUT.

    Reads ListJobExecutionsForJob through the facade's retried call. When the IoT facade
    grows a public ``list_job_executions(job_id, status=...)``, this is where to use it.
    """
    found: list[tuple[str, str, int | None]] = []
    for status in _FAILED_EXECUTIONS:
        token: str | None = None
        paging = Paging("ListJobExecutionsForJob", f"IoT job {job_id}")
        while len(found) <= _MAX_ITEMS:
            params: dict[str, Any] = {"jobId": job_id, "status": status, "maxResults": 250}
            if token:
                params["nextToken"] = token
            response = facade._call(  # noqa: SLF001 -- the facade's retried, translated call
                "list_job_executions_for_job",
                "ListJobExecutionsForJob",
                f"IoT job {job_id}",
                None,
                **params,
            )
            items: list[dict[str, Any]] = response.get("executionSummaries") or []
            for item in items:
                thing = str(item.get("thingArn") or "").rpartition("/")[2]
                summary: dict[str, Any] = item.get("jobExecutionSummary") or {}
                found.append(
                    (thing, str(summary.get("status") or status), summary.get("executionNumber"))
                )
            token = paging.next_token(response)
            if not token:
                break
    return found


@section("jobkit.iot.Job")
def _iot_job(job: iot.Job, context: Context) -> list[str]:
    d = job.job_process_details
    if d is None or not d.failed_things or context.facade is None or job.job_id is None:
        return []
    things = _failed_things(context.facade, job.job_id)
    lines = [f"  failed things ({d.failed_things}):"]
    for thing, status, number in things[:_MAX_ITEMS]:
        execution = context.facade.describe_job_execution(job.job_id, thing, number)
        details = _details(execution.status_details)
        lines.append(f"  - {thing}: {status}" + (f" ({details})" if details else ""))
    return lines + _more(min(len(things), _MAX_ITEMS), max(len(things), d.failed_things))


@section("jobkit.iot.JobExecution")
def _iot_execution(execution: iot.JobExecution, _: Context) -> list[str]:
    lines: list[str] = []
    if execution.thing_arn:
        lines.append(f"  thing: {execution.thing_arn.rpartition('/')[2]}")
    details = _details(execution.status_details)
    if details:
        lines.append(f"  status details: {details}")
    return lines


# Amplify


@section("jobkit.amplify.Job")
def _amplify_steps(job: amplify.Job, context: Context) -> list[str]:
    failed = [s for s in job.steps or () if str(s.status) in {"FAILED", "CANCELLED"}]
    if not failed:
        return []
    lines = [f"  failed steps ({len(failed)}):"]
    for step in failed[:_MAX_ITEMS]:
        reason = f": {step.status_reason}" if step.status_reason else ""
        lines.append(f"  - {step.step_name}: {step.status}{reason}")
        if context.show_secrets and step.log_url:
            lines.append(f"    log: {step.log_url}")
    return lines + _more(min(len(failed), _MAX_ITEMS), len(failed))


# Device Farm


def _counters(counters: devicefarm.Counters | None) -> str:
    if counters is None:
        return "no counters"
    names = ("passed", "failed", "errored", "warned", "stopped", "skipped")
    parts = [f"{getattr(counters, n)} {n}" for n in names if getattr(counters, n)]
    return f"{counters.total or 0} total" + (", " + ", ".join(parts) if parts else "")


def _may_have_failed(resource: devicefarm.Run | devicefarm.Job) -> bool:
    """Whether failed tests are worth listing: the counters say so (or, without counters, it failed)."""
    counters = resource.counters
    if counters is None:
        return str(resource.outcome) == "FAILED"
    return bool((counters.failed or 0) + (counters.errored or 0))


def _device(job: devicefarm.Job) -> str:
    device = job.device
    if device is None:
        return job.name or job.arn or "unknown device"
    os_name = " ".join(str(p) for p in (device.platform, device.os) if p)
    return f"{device.name or job.name or 'unknown device'}" + (f" ({os_name})" if os_name else "")


def _first_line(text: str | None, limit: int = 160) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _failed_tests(facade: Any, jobs: tuple[devicefarm.Job, ...]) -> list[str]:
    """Failed and errored tests of ``jobs``, grouped by device, capped to a screen.

    Only jobs whose counters show a failure are read further (ListSuites, ListTests).
    """
    tests: list[devicefarm.Test] = []
    for job in jobs:
        if job.arn and _may_have_failed(job):
            tests += facade.failed_tests(job.arn)
    if not tests:
        return []
    devices: dict[str | None, str] = {job.arn: _device(job) for job in jobs if job.arn}
    order: dict[str | None, int] = {arn: i for i, arn in enumerate(devices)}
    groups: dict[str, list[devicefarm.Test]] = {}
    for test in sorted(tests, key=lambda t: order.get(t.job_arn, len(order))):
        groups.setdefault(devices.get(test.job_arn) or "unknown device", []).append(test)
    lines = [f"  failed tests ({len(tests)}) per device:"]
    shown = 0
    for device, group in groups.items():
        if shown >= _MAX_ITEMS:
            break
        lines.append(f"  - {device}: {len(group)} failed")
        for test in group[: _MAX_ITEMS - shown]:
            why = _first_line(test.message)
            lines.append(f"      {test.name}: {test.result}" + (f": {why}" if why else ""))
            shown += 1
    return lines + _more(shown, len(tests))


@section("jobkit.devicefarm.Run")
def _devicefarm_run(run: devicefarm.Run, context: Context) -> list[str]:
    jobs = f"{run.completed_jobs or 0}/{run.total_jobs} jobs completed; " if run.total_jobs else ""
    lines = [f"  result: {run.result or 'none yet'}; {jobs}tests: {_counters(run.counters)}"]
    if run.message:
        lines.append(f"  message: {_first_line(run.message)}")
    facade = context.facade
    if facade is not None and run.arn and _may_have_failed(run):
        arn = run.arn
        lines += _best_effort(lambda: _failed_tests(facade, facade.list_jobs(arn)))
    return lines


@section("jobkit.devicefarm.Job")
def _devicefarm_job(job: devicefarm.Job, context: Context) -> list[str]:
    lines = [f"  result: {job.result or 'none yet'}; tests: {_counters(job.counters)}"]
    if job.device is not None:
        lines.append(f"  device: {_device(job)}")
    if job.message:
        lines.append(f"  message: {_first_line(job.message)}")
    facade = context.facade
    if facade is None:
        return lines
    return lines + _best_effort(lambda: _failed_tests(facade, (job,)))


@section("jobkit.devicefarm.RemoteAccessSession")
def _devicefarm_session(session: devicefarm.RemoteAccessSession, _: Context) -> list[str]:
    lines = [f"  result: {session.result or 'none yet'}"]
    if session.device is not None:
        lines.append(f"  device: {session.device.name}")
    if session.message:
        lines.append(f"  message: {session.message}")
    return lines
