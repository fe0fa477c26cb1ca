"""Device Farm models: runs, jobs, suites, tests, artifacts, remote access sessions.

Pure data: nothing here talks to AWS. Attribute names are boto3's keys in
snake_case (``heapSize`` -> ``heap_size``); every attribute is ``None`` when AWS
omits the key, lists included.
Members a model does not declare (AWS adds some every year) are kept: read them with
``jobkit.extras(model)``.

The names load on first use (PEP 562): importing this package's light modules (its
operation rows, id checks) builds no model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobkit._loading import exports

if TYPE_CHECKING:
    from jobkit.devicefarm._models import (
        CPU,
        Artifact,
        ArtifactCategory,
        ArtifactType,
        BillingMethod,
        Counters,
        CustomerArtifactPaths,
        Device,
        DeviceAvailability,
        DeviceFilter,
        DeviceFilterAttribute,
        DeviceFormFactor,
        DeviceInstance,
        DeviceMinutes,
        DevicePlatform,
        DeviceProxy,
        DeviceSelectionResult,
        DeviceType,
        EnvironmentVariable,
        ExecutionResult,
        ExecutionResultCode,
        ExecutionStatus,
        GetJobResponse,
        GetRemoteAccessSessionResponse,
        GetRunResponse,
        InsightsType,
        InstanceProfile,
        InstanceStatus,
        InteractionMode,
        Job,
        JobInsights,
        JobReport,
        JobReportMetrics,
        ListArtifactsResponse,
        ListJobsResponse,
        ListRunsResponse,
        ListSuitesResponse,
        ListTestsResponse,
        Location,
        NetworkProfile,
        NetworkProfileType,
        Radios,
        RemoteAccessEndpoints,
        RemoteAccessSession,
        ReportStatus,
        Resolution,
        RuleOperator,
        Run,
        RunInsights,
        Suite,
        Test,
        TestReport,
        TestReportMetrics,
        TestType,
        VpcConfig,
    )

__all__ = [
    "CPU",
    "Artifact",
    "ArtifactCategory",
    "ArtifactType",
    "BillingMethod",
    "Counters",
    "CustomerArtifactPaths",
    "Device",
    "DeviceAvailability",
    "DeviceFilter",
    "DeviceFilterAttribute",
    "DeviceFormFactor",
    "DeviceInstance",
    "DeviceMinutes",
    "DevicePlatform",
    "DeviceProxy",
    "DeviceSelectionResult",
    "DeviceType",
    "EnvironmentVariable",
    "ExecutionResult",
    "ExecutionResultCode",
    "ExecutionStatus",
    "GetJobResponse",
    "GetRemoteAccessSessionResponse",
    "GetRunResponse",
    "InsightsType",
    "InstanceProfile",
    "InstanceStatus",
    "InteractionMode",
    "Job",
    "JobInsights",
    "JobReport",
    "JobReportMetrics",
    "ListArtifactsResponse",
    "ListJobsResponse",
    "ListRunsResponse",
    "ListSuitesResponse",
    "ListTestsResponse",
    "Location",
    "NetworkProfile",
    "NetworkProfileType",
    "Radios",
    "RemoteAccessEndpoints",
    "RemoteAccessSession",
    "ReportStatus",
    "Resolution",
    "RuleOperator",
    "Run",
    "RunInsights",
    "Suite",
    "Test",
    "TestReport",
    "TestReportMetrics",
    "TestType",
    "VpcConfig",
]

_MODELS = "jobkit.devicefarm._models"


__getattr__, __dir__ = exports(globals(), dict.fromkeys(__all__, _MODELS))
