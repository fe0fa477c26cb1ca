"""What ``--output summary`` shows for Device Farm: results, counters and failed tests per device."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jobkit._cli._summary import MAX_ITEMS, Context, best_effort, first_line, more, section

if TYPE_CHECKING:
    from jobkit import devicefarm

__all__: list[str] = []


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
        if shown >= MAX_ITEMS:
            break
        lines.append(f"  - {device}: {len(group)} failed")
        for test in group[: MAX_ITEMS - shown]:
            why = first_line(test.message)
            lines.append(f"      {test.name}: {test.result}" + (f": {why}" if why else ""))
            shown += 1
    return lines + more(shown, len(tests))


@section("jobkit.devicefarm.Run")
def _devicefarm_run(run: devicefarm.Run, context: Context) -> list[str]:
    jobs = f"{run.completed_jobs or 0}/{run.total_jobs} jobs completed; " if run.total_jobs else ""
    lines = [f"  result: {run.result or 'none yet'}; {jobs}tests: {_counters(run.counters)}"]
    if run.message:
        lines.append(f"  message: {first_line(run.message)}")
    facade = context.facade
    if facade is not None and run.arn and _may_have_failed(run):
        arn = run.arn
        lines += best_effort(lambda: _failed_tests(facade, facade.list_jobs(arn)))
    return lines


@section("jobkit.devicefarm.Job")
def _devicefarm_job(job: devicefarm.Job, context: Context) -> list[str]:
    lines = [f"  result: {job.result or 'none yet'}; tests: {_counters(job.counters)}"]
    if job.device is not None:
        lines.append(f"  device: {_device(job)}")
    if job.message:
        lines.append(f"  message: {first_line(job.message)}")
    facade = context.facade
    if facade is None:
        return lines
    return lines + best_effort(lambda: _failed_tests(facade, (job,)))


@section("jobkit.devicefarm.RemoteAccessSession")
def _devicefarm_session(session: devicefarm.RemoteAccessSession, _: Context) -> list[str]:
    lines = [f"  result: {session.result or 'none yet'}"]
    if session.device is not None:
        lines.append(f"  device: {session.device.name}")
    if session.message:
        lines.append(f"  message: {session.message}")
    return lines
