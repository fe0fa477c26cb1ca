"""The floor for this design: hand-written functions that build the same jobkit objects directly.

No generic machinery, no type checks: the fastest way to get from boto3's dict to
jobkit's frozen attrs classes *with the same meaning* -- enums resolved by the same
value lookup jobkit uses (``cls(value)`` only for a value the enum lacks), and unknown
members kept the cheapest correct way (one subset test; a dict only when there are some).
"""

from __future__ import annotations

import types
from datetime import UTC, datetime
from typing import Any

import attrs

from jobkit import devicefarm as df
from jobkit import iot

_EMPTY: Any = types.MappingProxyType[str, Any]({})


def _known(cls: type[Any]) -> frozenset[str]:
    from jobkit._convert._names import camel_case  # noqa: PLC0415

    return frozenset(camel_case(a.name) for a in attrs.fields(cls) if a.name != "_extras")


def _rest(d: dict[str, Any], known: frozenset[str]) -> Any:
    return types.MappingProxyType({k: v for k, v in d.items() if k not in known})


_ZONES: dict[type, Any] = {}


def _dt(value: Any) -> datetime | None:
    # The same meaning as jobkit's: naive is UTC, and a zone equal to the first of its class
    # (botocore's tzlocal() per timestamp) is replaced by that one, so models share it.
    if value is None:
        return None
    zone = value.tzinfo
    if zone is None:
        return value.replace(tzinfo=UTC)
    if zone.__class__ is UTC.__class__:
        return value
    shared = _ZONES.setdefault(zone.__class__, zone)
    return value if shared is zone or shared != zone else value.replace(tzinfo=shared)


def _enum(cls: Any, value: Any) -> Any:
    """Only reached when the value lookup missed: absent, or a value the enum lacks."""
    return None if value is None else cls(value)


_TEST_TYPE: dict[Any, Any] = df.TestType._value2member_map_
_STATUS: dict[Any, Any] = df.ExecutionStatus._value2member_map_
_RESULT: dict[Any, Any] = df.ExecutionResult._value2member_map_
_FORM: dict[Any, Any] = df.DeviceFormFactor._value2member_map_
_PLATFORM: dict[Any, Any] = df.DevicePlatform._value2member_map_
_DEVICE_TYPE: dict[Any, Any] = df.DeviceType._value2member_map_
_AVAILABILITY: dict[Any, Any] = df.DeviceAvailability._value2member_map_
_INSTANCE_STATUS: dict[Any, Any] = df.InstanceStatus._value2member_map_
_REPORT_STATUS: dict[Any, Any] = df.ReportStatus._value2member_map_
_EXECUTION_STATUS: dict[Any, Any] = iot.JobExecutionStatus._value2member_map_

_K_PROFILE = _known(df.InstanceProfile)
_K_INSTANCE = _known(df.DeviceInstance)
_K_DEVICE = _known(df.Device)
_K_CPU = _known(df.CPU)
_K_RESOLUTION = _known(df.Resolution)
_K_INSIGHTS = _known(df.JobInsights)
_K_REPORT = _known(df.TestReport)
_K_METRICS = _known(df.TestReportMetrics)
_K_JOB = _known(df.Job)
_K_COUNTERS = _known(df.Counters)
_K_MINUTES = _known(df.DeviceMinutes)
_K_EXECUTION = _known(iot.JobExecution)
_K_DETAILS = _known(iot.JobExecutionStatusDetails)


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
        _extras=_EMPTY if _K_PROFILE.issuperset(d) else _rest(d, _K_PROFILE),
    )


def _instance(d: dict[str, Any]) -> df.DeviceInstance:
    labels, status = d.get("labels"), d.get("status")
    return df.DeviceInstance(
        arn=d.get("arn"),
        device_arn=d.get("deviceArn"),
        labels=None if labels is None else tuple(labels),
        status=_INSTANCE_STATUS.get(status) or _enum(df.InstanceStatus, status),
        udid=d.get("udid"),
        instance_profile=_instance_profile(d.get("instanceProfile")),
        _extras=_EMPTY if _K_INSTANCE.issuperset(d) else _rest(d, _K_INSTANCE),
    )


def _device(d: dict[str, Any] | None) -> df.Device | None:
    if d is None:
        return None
    cpu, res, inst = d.get("cpu"), d.get("resolution"), d.get("instances")
    form, platform, kind, avail = (
        d.get("formFactor"),
        d.get("platform"),
        d.get("type"),
        d.get("availability"),
    )
    return df.Device(
        arn=d.get("arn"),
        name=d.get("name"),
        manufacturer=d.get("manufacturer"),
        model=d.get("model"),
        model_id=d.get("modelId"),
        form_factor=_FORM.get(form) or _enum(df.DeviceFormFactor, form),
        platform=_PLATFORM.get(platform) or _enum(df.DevicePlatform, platform),
        type=_DEVICE_TYPE.get(kind) or _enum(df.DeviceType, kind),
        os=d.get("os"),
        cpu=None
        if cpu is None
        else df.CPU(
            frequency=cpu.get("frequency"),
            architecture=cpu.get("architecture"),
            clock=cpu.get("clock"),
            _extras=_EMPTY if _K_CPU.issuperset(cpu) else _rest(cpu, _K_CPU),
        ),
        resolution=None
        if res is None
        else df.Resolution(
            width=res.get("width"),
            height=res.get("height"),
            _extras=_EMPTY if _K_RESOLUTION.issuperset(res) else _rest(res, _K_RESOLUTION),
        ),
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
        availability=_AVAILABILITY.get(avail) or _enum(df.DeviceAvailability, avail),
        _extras=_EMPTY if _K_DEVICE.issuperset(d) else _rest(d, _K_DEVICE),
    )


def _metrics(m: dict[str, Any] | None) -> df.TestReportMetrics | None:
    if m is None:
        return None
    return df.TestReportMetrics(
        tests_total=m.get("testsTotal"),
        tests_passed=m.get("testsPassed"),
        tests_failed=m.get("testsFailed"),
        tests_skipped=m.get("testsSkipped"),
        tests_errored=m.get("testsErrored"),
        tests_other=m.get("testsOther"),
        tests_passed_percentage=m.get("testsPassedPercentage"),
        total_test_execution_duration_seconds=m.get("totalTestExecutionDurationSeconds"),
        median_test_execution_duration_seconds=m.get("medianTestExecutionDurationSeconds"),
        _extras=_EMPTY if _K_METRICS.issuperset(m) else _rest(m, _K_METRICS),
    )


def _insights(d: dict[str, Any] | None) -> df.JobInsights | None:
    if d is None:
        return None
    report, status = d.get("testReport"), d.get("status")
    return df.JobInsights(
        status=_REPORT_STATUS.get(status) or _enum(df.ReportStatus, status),
        test_report=None
        if report is None
        else df.TestReport(
            message=report.get("message"),
            metrics=_metrics(report.get("metrics")),
            test_details_url=report.get("testDetailsUrl"),
            _extras=_EMPTY if _K_REPORT.issuperset(report) else _rest(report, _K_REPORT),
        ),
        _extras=_EMPTY if _K_INSIGHTS.issuperset(d) else _rest(d, _K_INSIGHTS),
    )


def devicefarm_job(d: dict[str, Any]) -> df.Job:
    """Build a devicefarm.Job from boto3's ``job`` dict."""
    c, m = d.get("counters"), d.get("deviceMinutes")
    kind, status, result = d.get("type"), d.get("status"), d.get("result")
    return df.Job(
        arn=d.get("arn"),
        name=d.get("name"),
        type=_TEST_TYPE.get(kind) or _enum(df.TestType, kind),
        created=_dt(d.get("created")),
        status=_STATUS.get(status) or _enum(df.ExecutionStatus, status),
        result=_RESULT.get(result) or _enum(df.ExecutionResult, result),
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
            _extras=_EMPTY if _K_COUNTERS.issuperset(c) else _rest(c, _K_COUNTERS),
        ),
        message=d.get("message"),
        device=_device(d.get("device")),
        instance_arn=d.get("instanceArn"),
        device_minutes=None
        if m is None
        else df.DeviceMinutes(
            total=m.get("total"),
            metered=m.get("metered"),
            unmetered=m.get("unmetered"),
            _extras=_EMPTY if _K_MINUTES.issuperset(m) else _rest(m, _K_MINUTES),
        ),
        video_endpoint=d.get("videoEndpoint"),
        video_capture=d.get("videoCapture"),
        insights=_insights(d.get("insights")),
        _extras=_EMPTY if _K_JOB.issuperset(d) else _rest(d, _K_JOB),
    )


def iot_job_execution(d: dict[str, Any]) -> iot.JobExecution:
    """Build an iot.JobExecution from boto3's ``execution`` dict."""
    details, status = d.get("statusDetails"), d.get("status")
    dmap = None if details is None else details.get("detailsMap")
    return iot.JobExecution(
        job_id=d.get("jobId"),
        status=_EXECUTION_STATUS.get(status) or _enum(iot.JobExecutionStatus, status),
        force_canceled=d.get("forceCanceled"),
        status_details=None
        if details is None
        else iot.JobExecutionStatusDetails(
            details_map=None if dmap is None else dict(dmap),
            _extras=_EMPTY if _K_DETAILS.issuperset(details) else _rest(details, _K_DETAILS),
        ),
        thing_arn=d.get("thingArn"),
        queued_at=_dt(d.get("queuedAt")),
        started_at=_dt(d.get("startedAt")),
        last_updated_at=_dt(d.get("lastUpdatedAt")),
        execution_number=d.get("executionNumber"),
        version_number=d.get("versionNumber"),
        approximate_seconds_before_timed_out=d.get("approximateSecondsBeforeTimedOut"),
        _extras=_EMPTY if _K_EXECUTION.issuperset(d) else _rest(d, _K_EXECUTION),
    )
