"""IoT models: jobs, job executions and their configuration.

The public names are re-exported by :mod:`jobkit.iot`; see its docstring.
"""

# No `from __future__ import annotations`: real annotation objects let the converter
# read field types without evaluating strings, which keeps the first conversion fast.
from collections.abc import Mapping
from datetime import datetime

from attrs import field, frozen

from jobkit._convert._enums import AwsEnum
from jobkit._convert._model import Model, name_public_module
from jobkit._convert._outcome import Outcome, with_outcome
from jobkit._convert._redact import redact_url

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


class TargetSelection(AwsEnum):
    """Whether a job ends after its targets finish (SNAPSHOT) or keeps running (CONTINUOUS)."""

    CONTINUOUS = "CONTINUOUS"
    SNAPSHOT = "SNAPSHOT"


class JobStatus(AwsEnum):
    """A job's status; moto also sends ``QUEUED``, which arrives as an unknown value."""

    IN_PROGRESS = "IN_PROGRESS"
    CANCELED = "CANCELED"
    COMPLETED = "COMPLETED"
    DELETION_IN_PROGRESS = "DELETION_IN_PROGRESS"
    SCHEDULED = "SCHEDULED"


class JobExecutionStatus(AwsEnum):
    """A job execution's status on one thing."""

    QUEUED = "QUEUED"
    IN_PROGRESS = "IN_PROGRESS"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    REJECTED = "REJECTED"
    REMOVED = "REMOVED"
    CANCELED = "CANCELED"


class JobExecutionFailureType(AwsEnum):
    """Execution failures that count towards aborting a job."""

    FAILED = "FAILED"
    REJECTED = "REJECTED"
    TIMED_OUT = "TIMED_OUT"
    ALL = "ALL"


class AbortAction(AwsEnum):
    """What happens when a job's abort criteria are met."""

    CANCEL = "CANCEL"


class RetryableFailureType(AwsEnum):
    """Execution failures that a job retries."""

    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    ALL = "ALL"


class JobEndBehavior(AwsEnum):
    """What happens to executions when a scheduled job reaches its end time."""

    STOP_ROLLOUT = "STOP_ROLLOUT"
    CANCEL = "CANCEL"
    FORCE_CANCEL = "FORCE_CANCEL"


@frozen(kw_only=True, repr=False)
class PresignedUrlConfig(Model):
    """How IoT presigns the job document's S3 URLs."""

    role_arn: str | None = None
    expires_in_sec: int | None = None


@frozen(kw_only=True, repr=False)
class RateIncreaseCriteria(Model):
    """Thresholds that raise an exponential rollout's rate."""

    number_of_notified_things: int | None = None
    number_of_succeeded_things: int | None = None


@frozen(kw_only=True, repr=False)
class ExponentialRolloutRate(Model):
    """An exponentially increasing rollout rate."""

    base_rate_per_minute: int | None = None
    increment_factor: float | None = None
    rate_increase_criteria: RateIncreaseCriteria | None = None


@frozen(kw_only=True, repr=False)
class JobExecutionsRolloutConfig(Model):
    """How fast executions are rolled out."""

    maximum_per_minute: int | None = None
    exponential_rate: ExponentialRolloutRate | None = None


@frozen(kw_only=True, repr=False)
class AbortCriteria(Model):
    """One condition under which a job aborts."""

    failure_type: JobExecutionFailureType | None = None
    action: AbortAction | None = None
    threshold_percentage: float | None = None
    min_number_of_executed_things: int | None = None


@frozen(kw_only=True, repr=False)
class AbortConfig(Model):
    """When a job aborts itself."""

    criteria_list: tuple[AbortCriteria, ...] | None = None


@frozen(kw_only=True, repr=False)
class JobProcessDetails(Model):
    """How many things are in each execution state."""

    processing_targets: tuple[str, ...] | None = None
    number_of_canceled_things: int | None = None
    number_of_succeeded_things: int | None = None
    number_of_failed_things: int | None = None
    number_of_rejected_things: int | None = None
    number_of_queued_things: int | None = None
    number_of_in_progress_things: int | None = None
    number_of_removed_things: int | None = None
    number_of_timed_out_things: int | None = None

    @property
    def failed_things(self) -> int:
        """Things whose execution FAILED, was REJECTED or TIMED_OUT."""
        return (
            (self.number_of_failed_things or 0)
            + (self.number_of_rejected_things or 0)
            + (self.number_of_timed_out_things or 0)
        )

    @property
    def finished_things(self) -> int:
        """Things whose execution ended, however it ended."""
        return (
            (self.number_of_succeeded_things or 0)
            + self.failed_things
            + (self.number_of_canceled_things or 0)
            + (self.number_of_removed_things or 0)
        )

    @property
    def total_things(self) -> int:
        """Things counted in any state, finished or not."""
        return (
            self.finished_things
            + (self.number_of_queued_things or 0)
            + (self.number_of_in_progress_things or 0)
        )


@frozen(kw_only=True, repr=False)
class TimeoutConfig(Model):
    """How long each execution may stay IN_PROGRESS."""

    in_progress_timeout_in_minutes: int | None = None


@frozen(kw_only=True, repr=False)
class RetryCriteria(Model):
    """How often one kind of failed execution is retried."""

    failure_type: RetryableFailureType | None = None
    number_of_retries: int | None = None


@frozen(kw_only=True, repr=False)
class JobExecutionsRetryConfig(Model):
    """How failed executions are retried."""

    criteria_list: tuple[RetryCriteria, ...] | None = None


@frozen(kw_only=True, repr=False)
class MaintenanceWindow(Model):
    """A recurring window (cron expression and duration) in which a job rolls out."""

    start_time: str | None = None
    duration_in_minutes: int | None = None


@frozen(kw_only=True, repr=False)
class SchedulingConfig(Model):
    """When a scheduled job starts and stops rolling out; times are ``YYYY-MM-DDTHH:MM`` strings."""

    start_time: str | None = None
    end_time: str | None = None
    end_behavior: JobEndBehavior | None = None
    maintenance_windows: tuple[MaintenanceWindow, ...] | None = None


@frozen(kw_only=True, repr=False)
class ScheduledJobRollout(Model):
    """One upcoming maintenance window occurrence."""

    start_time: str | None = None


def _job_outcome(status: JobStatus | None, failed_things: int) -> Outcome | None:
    """COMPLETED is SUCCEEDED unless a thing failed; CANCELED and DELETION_IN_PROGRESS cancel."""
    if status == JobStatus.COMPLETED:
        return Outcome.FAILED if failed_things else Outcome.SUCCEEDED
    if status in (JobStatus.CANCELED, JobStatus.DELETION_IN_PROGRESS):
        return Outcome.CANCELLED
    return None


@frozen(kw_only=True, repr=False)
class Job(Model):
    """An IoT job: a document sent to a set of things."""

    job_arn: str | None = None
    job_id: str | None = None
    target_selection: TargetSelection | None = None
    status: JobStatus | None = None
    force_canceled: bool | None = None
    reason_code: str | None = None
    comment: str | None = None
    targets: tuple[str, ...] | None = None
    description: str | None = None
    presigned_url_config: PresignedUrlConfig | None = None
    job_executions_rollout_config: JobExecutionsRolloutConfig | None = None
    abort_config: AbortConfig | None = None
    created_at: datetime | None = None
    last_updated_at: datetime | None = None
    completed_at: datetime | None = None
    job_process_details: JobProcessDetails | None = None
    timeout_config: TimeoutConfig | None = None
    namespace_id: str | None = None
    job_template_arn: str | None = None
    job_executions_retry_config: JobExecutionsRetryConfig | None = None
    document_parameters: Mapping[str, str] | None = field(default=None, hash=False)
    is_concurrent: bool | None = None
    scheduling_config: SchedulingConfig | None = None
    scheduled_job_rollouts: tuple[ScheduledJobRollout, ...] | None = None
    destination_package_versions: tuple[str, ...] | None = None

    @property
    def is_terminal(self) -> bool:
        """Whether the job is COMPLETED, CANCELED or DELETION_IN_PROGRESS."""
        return self.outcome is not None

    @property
    def outcome(self) -> Outcome | None:
        """SUCCEEDED when COMPLETED with no failed, rejected or timed-out thing; None until done."""
        details = self.job_process_details or JobProcessDetails()
        return _job_outcome(self.status, details.failed_things)

    @property
    def progress(self) -> float | None:
        """The fraction of targeted things whose execution ended (0.0 to 1.0); None when unknown."""
        d = self.job_process_details
        if d is None or self.is_terminal or not d.total_things:
            return None
        return d.finished_things / d.total_things

    @property
    def ends_within(self) -> float | None:
        """Seconds within which the job ends at the latest, from its in-progress timeout.

        Known only while every remaining execution is IN_PROGRESS (none queued, none to
        be retried): each then times out within ``in_progress_timeout_in_minutes``.
        """
        d, t = self.job_process_details, self.timeout_config
        minutes = t.in_progress_timeout_in_minutes if t is not None else None
        retried = self.job_executions_retry_config is not None
        if self.status != JobStatus.IN_PROGRESS or d is None or not minutes or retried:
            return None
        if d.number_of_queued_things or not d.number_of_in_progress_things:
            return None
        return 60.0 * minutes

    def describe(self) -> str:
        """One line for logs and progress, e.g. ``IN_PROGRESS (40/50 things succeeded, 2 failed)``."""
        text = f"{self.status or 'UNKNOWN'}"
        d = self.job_process_details
        if d is not None and d.total_things:
            text += f" ({d.number_of_succeeded_things or 0}/{d.total_things} things succeeded"
            text += f", {d.failed_things} failed)" if d.failed_things else ")"
        return with_outcome(text, self.outcome)


@frozen(kw_only=True, repr=False)
class JobExecutionStatusDetails(Model):
    """Free-form name/value pairs a device reported with its status."""

    details_map: Mapping[str, str] | None = field(default=None, hash=False)


def _execution_outcome(status: JobExecutionStatus | None) -> Outcome | None:
    """SUCCEEDED; FAILED for FAILED/TIMED_OUT/REJECTED; CANCELLED for CANCELED/REMOVED."""
    if status == JobExecutionStatus.SUCCEEDED:
        return Outcome.SUCCEEDED
    failed = (JobExecutionStatus.FAILED, JobExecutionStatus.TIMED_OUT, JobExecutionStatus.REJECTED)
    if status in failed:
        return Outcome.FAILED
    if status in (JobExecutionStatus.CANCELED, JobExecutionStatus.REMOVED):
        return Outcome.CANCELLED
    return None


@frozen(kw_only=True, repr=False)
class JobExecution(Model):
    """One job's execution on one thing."""

    job_id: str | None = None
    status: JobExecutionStatus | None = None
    force_canceled: bool | None = None
    status_details: JobExecutionStatusDetails | None = None
    thing_arn: str | None = None
    queued_at: datetime | None = None
    started_at: datetime | None = None
    last_updated_at: datetime | None = None
    execution_number: int | None = None
    version_number: int | None = None
    approximate_seconds_before_timed_out: int | None = None

    @property
    def is_terminal(self) -> bool:
        """Whether the execution reached a status it never leaves on its own."""
        return _execution_outcome(self.status) is not None

    @property
    def outcome(self) -> Outcome | None:
        """SUCCEEDED; FAILED for FAILED/TIMED_OUT/REJECTED; CANCELLED for CANCELED/REMOVED."""
        return _execution_outcome(self.status)

    @property
    def ends_within(self) -> float | None:
        """Seconds within which it times out at the latest while IN_PROGRESS (AWS's estimate)."""
        left = self.approximate_seconds_before_timed_out
        if self.status != JobExecutionStatus.IN_PROGRESS or left is None or left < 0:
            return None
        return float(left)

    def describe(self) -> str:
        """One line for logs and progress, e.g. ``FAILED (reason=checksum) -> FAILED``."""
        text = f"{self.status or 'UNKNOWN'}"
        details = self.status_details.details_map if self.status_details else None
        if details:
            text += " (" + ", ".join(f"{k}={v}" for k, v in sorted(details.items())) + ")"
        return with_outcome(text, self.outcome)


@frozen(kw_only=True, repr=False)
class DescribeJobResponse(Model):
    """The whole ``describe_job`` response, which carries the document's S3 link beside the job."""

    document_source: str | None = field(default=None, repr=redact_url)
    job: Job | None = None


@frozen(kw_only=True, repr=False)
class DescribeJobExecutionResponse(Model):
    """The whole ``describe_job_execution`` response."""

    execution: JobExecution | None = None


@frozen(kw_only=True, repr=False)
class JobExecutionSummary(Model):
    """Where one execution stands, as ``ListJobExecutionsForJob`` lists it.

    ``retry_attempt`` counts the retries a job's ``jobExecutionsRetryConfig`` made for
    this execution (the execution number stays the same across retries).
    """

    status: JobExecutionStatus | None = None
    queued_at: datetime | None = None
    started_at: datetime | None = None
    last_updated_at: datetime | None = None
    execution_number: int | None = None
    retry_attempt: int | None = None

    @property
    def is_terminal(self) -> bool:
        """Whether the execution reached a status it never leaves on its own."""
        return _execution_outcome(self.status) is not None

    @property
    def outcome(self) -> Outcome | None:
        """SUCCEEDED; FAILED for FAILED/TIMED_OUT/REJECTED; CANCELLED for CANCELED/REMOVED."""
        return _execution_outcome(self.status)


@frozen(kw_only=True, repr=False)
class JobExecutionSummaryForJob(Model):
    """One thing's execution of a job: the thing's ARN and the execution's summary."""

    thing_arn: str | None = None
    job_execution_summary: JobExecutionSummary | None = None

    @property
    def thing_name(self) -> str | None:
        """The thing's name, from its ARN (``...:thing/NAME``)."""
        if not self.thing_arn or "/" not in self.thing_arn:
            return None
        return self.thing_arn.rpartition("/")[2] or None

    @property
    def rank(self) -> tuple[int, int]:
        """(execution number, retry attempt): the higher, the later the execution."""
        s = self.job_execution_summary or JobExecutionSummary()
        return (s.execution_number or 0, s.retry_attempt or 0)

    @property
    def outcome(self) -> Outcome | None:
        """The execution's outcome; None while it runs."""
        s = self.job_execution_summary
        return None if s is None else s.outcome


@frozen(kw_only=True, repr=False)
class ListJobExecutionsForJobResponse(Model):
    """One page of ``list_job_executions_for_job``."""

    execution_summaries: tuple[JobExecutionSummaryForJob, ...] | None = None
    next_token: str | None = None


name_public_module(__all__, globals(), "jobkit.iot")
