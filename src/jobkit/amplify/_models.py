"""Amplify models: a job (a build or deploy of a branch), its summary and its steps.

The public names are re-exported by :mod:`jobkit.amplify`; see its docstring.
"""

# No `from __future__ import annotations`: real annotation objects let the converter
# read field types without evaluating strings, which keeps the first conversion fast.
from collections.abc import Mapping
from datetime import datetime

from attrs import field, frozen

from jobkit._convert._enums import AwsEnum
from jobkit._convert._model import Model, name_public_module
from jobkit._convert._outcome import Outcome, with_outcome
from jobkit._convert._redact import redact_url, redact_url_map

__all__ = [
    "GetJobResponse",
    "Job",
    "JobStatus",
    "JobSummary",
    "JobType",
    "ListJobsResponse",
    "SourceUrlType",
    "StartJobResponse",
    "Step",
]


class JobStatus(AwsEnum):
    """Status of a job or of one of its steps."""

    CREATED = "CREATED"
    PENDING = "PENDING"
    PROVISIONING = "PROVISIONING"
    RUNNING = "RUNNING"
    FAILED = "FAILED"
    SUCCEED = "SUCCEED"
    CANCELLING = "CANCELLING"
    CANCELLED = "CANCELLED"


class JobType(AwsEnum):
    """What started a job."""

    RELEASE = "RELEASE"
    RETRY = "RETRY"
    MANUAL = "MANUAL"
    WEB_HOOK = "WEB_HOOK"


class SourceUrlType(AwsEnum):
    """Whether a manual deploy's source is a zip file or an S3 prefix."""

    ZIP = "ZIP"
    BUCKET_PREFIX = "BUCKET_PREFIX"


def _outcome(status: JobStatus | None) -> Outcome | None:
    """SUCCEED, FAILED and CANCELLED end a job; every other status (or none) is not an end."""
    if status == JobStatus.SUCCEED:
        return Outcome.SUCCEEDED
    if status == JobStatus.FAILED:
        return Outcome.FAILED
    if status == JobStatus.CANCELLED:
        return Outcome.CANCELLED
    return None


@frozen(kw_only=True, repr=False)
class JobSummary(Model):
    """What a job is and where it stands."""

    job_arn: str | None = None
    job_id: str | None = None
    commit_id: str | None = None
    commit_message: str | None = None
    commit_time: datetime | None = None
    start_time: datetime | None = None
    status: JobStatus | None = None
    end_time: datetime | None = None
    job_type: JobType | None = None
    source_url: str | None = field(default=None, repr=redact_url)
    source_url_type: SourceUrlType | None = None


@frozen(kw_only=True, repr=False)
class Step(Model):
    """One step of a job (build, deploy, verify, ...)."""

    step_name: str | None = None
    start_time: datetime | None = None
    status: JobStatus | None = None
    end_time: datetime | None = None
    log_url: str | None = field(default=None, repr=redact_url)
    artifacts_url: str | None = field(default=None, repr=redact_url)
    test_artifacts_url: str | None = field(default=None, repr=redact_url)
    test_config_url: str | None = field(default=None, repr=redact_url)
    screenshots: Mapping[str, str] | None = field(default=None, repr=redact_url_map, hash=False)
    status_reason: str | None = None
    context: str | None = None


@frozen(kw_only=True, repr=False)
class Job(Model):
    """An Amplify job; its status is ``summary.status``."""

    summary: JobSummary | None = None
    steps: tuple[Step, ...] | None = None

    @property
    def status(self) -> JobStatus | None:
        """The job's status, from its summary."""
        return None if self.summary is None else self.summary.status

    @property
    def is_terminal(self) -> bool:
        """Whether the job has SUCCEED, FAILED or CANCELLED."""
        return _outcome(self.status) is not None

    @property
    def outcome(self) -> Outcome | None:
        """SUCCEEDED, FAILED or CANCELLED as the summary says; None until done."""
        return _outcome(self.status)

    @property
    def failed_steps(self) -> tuple[Step, ...]:
        """The steps that FAILED, in order (``status_reason`` and ``log_url`` say why)."""
        return tuple(s for s in self.steps or () if s.status is JobStatus.FAILED)

    def describe(self) -> str:
        """One line for logs and progress, e.g. ``RUNNING (step 2/3 DEPLOY: RUNNING)``."""
        text = f"{self.status or 'UNKNOWN'}"
        steps = self.steps or ()
        if steps:
            active = next((s for s in steps if s.status != "SUCCEED"), steps[-1])
            index = steps.index(active) + 1
            text += f" (step {index}/{len(steps)} {active.step_name}: {active.status})"
        return with_outcome(text, self.outcome)


@frozen(kw_only=True, repr=False)
class GetJobResponse(Model):
    """The whole ``get_job`` response."""

    job: Job | None = None


@frozen(kw_only=True, repr=False)
class StartJobResponse(Model):
    """The whole ``start_job`` response: the new job's summary."""

    job_summary: JobSummary | None = None


@frozen(kw_only=True, repr=False)
class ListJobsResponse(Model):
    """One page of ``list_jobs``: a branch's jobs, newest first."""

    job_summaries: tuple[JobSummary, ...] | None = None
    next_token: str | None = None


name_public_module(__all__, globals(), "jobkit.amplify")
