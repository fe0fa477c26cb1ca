"""The floor for this design: hand-written functions that build the same jobkit objects directly.

No generic machinery, no validation beyond what the types need: the fastest way to get
from boto3's dict to jobkit's frozen attrs classes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from jobkit import devicefarm as df
from jobkit import iot


def _dt(value: Any) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _enum(cls: Any, value: Any) -> Any:
    return None if value is None else cls(value)


def _instance_profile(d: dict[str, Any] | None) -> df.InstanceProfile | None:
    if d is None:
        return None
    pkgs = d.get("excludeAppPackagesFromCleanup")
    return df.InstanceProfile(
        arn=d.get("arn"),
        package_cleanup=d.get("packageCleanup"),
        exclude_app_packages_from_cleanup=None if pkgs is None else tuple(pkgs),
        reboot_after_use=d.get("rebootAfterUse"),
        name=d.get("name"),
        description=d.get("description"),
    )


def _instance(d: dict[str, Any]) -> df.DeviceInstance:
    labels = d.get("labels")
    return df.DeviceInstance(
        arn=d.get("arn"),
        device_arn=d.get("deviceArn"),
        labels=None if labels is None else tuple(labels),
        status=_enum(df.InstanceStatus, d.get("status")),
        udid=d.get("udid"),
        instance_profile=_instance_profile(d.get("instanceProfile")),
    )


def _device(d: dict[str, Any] | None) -> df.Device | None:
    if d is None:
        return None
    cpu, res, inst = d.get("cpu"), d.get("resolution"), d.get("instances")
    return df.Device(
        arn=d.get("arn"),
        name=d.get("name"),
        manufacturer=d.get("manufacturer"),
        model=d.get("model"),
        model_id=d.get("modelId"),
        form_factor=_enum(df.DeviceFormFactor, d.get("formFactor")),
        platform=_enum(df.DevicePlatform, d.get("platform")),
        os=d.get("os"),
        cpu=None
        if cpu is None
        else df.CPU(
            frequency=cpu.get("frequency"),
            architecture=cpu.get("architecture"),
            clock=cpu.get("clock"),
        ),
        resolution=None
        if res is None
        else df.Resolution(width=res.get("width"), height=res.get("height")),
        heap_size=d.get("heapSize"),
        memory=d.get("memory"),
        image=d.get("image"),
        carrier=d.get("carrier"),
        radio=d.get("radio"),
        remote_access_enabled=d.get("remoteAccessEnabled"),
        remote_debug_enabled=d.get("remoteDebugEnabled"),
        fleet_type=d.get("fleetType"),
        fleet_name=d.get("fleetName"),
        instances=None if inst is None else tuple(_instance(i) for i in inst),
        availability=_enum(df.DeviceAvailability, d.get("availability")),
    )


def _insights(d: dict[str, Any] | None) -> df.JobInsights | None:
    if d is None:
        return None
    report = d.get("testReport")
    metrics = None if report is None else report.get("metrics")
    return df.JobInsights(
        status=_enum(df.ReportStatus, d.get("status")),
        test_report=None
        if report is None
        else df.TestReport(
            message=report.get("message"),
            metrics=None
            if metrics is None
            else df.TestReportMetrics(
                tests_total=metrics.get("testsTotal"),
                tests_passed=metrics.get("testsPassed"),
                tests_failed=metrics.get("testsFailed"),
                tests_skipped=metrics.get("testsSkipped"),
                tests_errored=metrics.get("testsErrored"),
                tests_other=metrics.get("testsOther"),
                tests_passed_percentage=metrics.get("testsPassedPercentage"),
                total_test_execution_duration_seconds=metrics.get(
                    "totalTestExecutionDurationSeconds"
                ),
                median_test_execution_duration_seconds=metrics.get(
                    "medianTestExecutionDurationSeconds"
                ),
            ),
            test_details_url=report.get("testDetailsUrl"),
        ),
    )


def devicefarm_job(d: dict[str, Any]) -> df.Job:
    """Build a devicefarm.Job from boto3's ``job`` dict."""
    c, m = d.get("counters"), d.get("deviceMinutes")
    return df.Job(
        arn=d.get("arn"),
        name=d.get("name"),
        type=_enum(df.TestType, d.get("type")),
        created=_dt(d.get("created")),
        status=_enum(df.ExecutionStatus, d.get("status")),
        result=_enum(df.ExecutionResult, d.get("result")),
        started=_dt(d.get("started")),
        stopped=_dt(d.get("stopped")),
        counters=None
        if c is None
        else df.Counters(
            total=c.get("total"),
            passed=c.get("passed"),
            failed=c.get("failed"),
            warned=c.get("warned"),
            errored=c.get("errored"),
            stopped=c.get("stopped"),
            skipped=c.get("skipped"),
        ),
        message=d.get("message"),
        device=_device(d.get("device")),
        instance_arn=d.get("instanceArn"),
        device_minutes=None
        if m is None
        else df.DeviceMinutes(
            total=m.get("total"), metered=m.get("metered"), unmetered=m.get("unmetered")
        ),
        video_endpoint=d.get("videoEndpoint"),
        video_capture=d.get("videoCapture"),
        insights=_insights(d.get("insights")),
    )


def iot_job_execution(d: dict[str, Any]) -> iot.JobExecution:
    """Build an iot.JobExecution from boto3's ``execution`` dict."""
    details = d.get("statusDetails")
    dmap = None if details is None else details.get("detailsMap")
    return iot.JobExecution(
        job_id=d.get("jobId"),
        status=_enum(iot.JobExecutionStatus, d.get("status")),
        force_canceled=d.get("forceCanceled"),
        status_details=None
        if details is None
        else iot.JobExecutionStatusDetails(details_map=None if dmap is None else dict(dmap)),
        thing_arn=d.get("thingArn"),
        queued_at=_dt(d.get("queuedAt")),
        started_at=_dt(d.get("startedAt")),
        last_updated_at=_dt(d.get("lastUpdatedAt")),
        execution_number=d.get("executionNumber"),
        version_number=d.get("versionNumber"),
        approximate_seconds_before_timed_out=d.get("approximateSecondsBeforeTimedOut"),
    )
