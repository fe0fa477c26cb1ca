"""IoT models: jobs, job executions and their configuration.

Pure data: nothing here talks to AWS. Attribute names are boto3's keys in
snake_case; every attribute is ``None`` when AWS omits the key, lists included.
Members a model does not declare (AWS adds some every year) are kept: read them with
``jobkit.extras(model)``.
Time strings inside ``scheduling_config`` stay strings, as the API sends them.

The names load on first use (PEP 562): importing this package's light modules (its
operation rows, id checks) builds no model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobkit._loading import exports

if TYPE_CHECKING:
    from jobkit.iot._models import (
        AbortAction,
        AbortConfig,
        AbortCriteria,
        DescribeJobExecutionResponse,
        DescribeJobResponse,
        ExponentialRolloutRate,
        Job,
        JobEndBehavior,
        JobExecution,
        JobExecutionFailureType,
        JobExecutionsRetryConfig,
        JobExecutionsRolloutConfig,
        JobExecutionStatus,
        JobExecutionStatusDetails,
        JobExecutionSummary,
        JobExecutionSummaryForJob,
        JobProcessDetails,
        JobStatus,
        ListJobExecutionsForJobResponse,
        MaintenanceWindow,
        PresignedUrlConfig,
        RateIncreaseCriteria,
        RetryableFailureType,
        RetryCriteria,
        ScheduledJobRollout,
        SchedulingConfig,
        TargetSelection,
        TimeoutConfig,
    )

__all__ = [
    "AbortAction",
    "AbortConfig",
    "AbortCriteria",
    "DescribeJobExecutionResponse",
    "DescribeJobResponse",
    "ExponentialRolloutRate",
    "Job",
    "JobEndBehavior",
    "JobExecution",
    "JobExecutionFailureType",
    "JobExecutionStatus",
    "JobExecutionStatusDetails",
    "JobExecutionSummary",
    "JobExecutionSummaryForJob",
    "JobExecutionsRetryConfig",
    "JobExecutionsRolloutConfig",
    "JobProcessDetails",
    "JobStatus",
    "ListJobExecutionsForJobResponse",
    "MaintenanceWindow",
    "PresignedUrlConfig",
    "RateIncreaseCriteria",
    "RetryCriteria",
    "RetryableFailureType",
    "ScheduledJobRollout",
    "SchedulingConfig",
    "TargetSelection",
    "TimeoutConfig",
]

_MODELS = "jobkit.iot._models"


__getattr__, __dir__ = exports(globals(), dict.fromkeys(__all__, _MODELS))
