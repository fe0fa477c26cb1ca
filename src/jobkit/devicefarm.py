"""Device Farm models: jobs, remote access sessions and what they contain.

Pure data: nothing here talks to AWS. Attribute names are boto3's keys in
snake_case (``heapSize`` -> ``heap_size``); every attribute is ``None`` when AWS
omits the key, lists included.
Members a model does not declare (AWS adds some every year) are kept: read them with
``jobkit.extras(model)``.
"""

# No `from __future__ import annotations`: real annotation objects let the converter
# read field types without evaluating strings, which keeps the first conversion fast.
from datetime import datetime

from attrs import field, frozen

from jobkit._enums import AwsEnum
from jobkit._model import Model
from jobkit._outcome import Outcome, with_outcome
from jobkit._redact import redact_secret, redact_url

__all__ = [
    "CPU",
    "BillingMethod",
    "Counters",
    "Device",
    "DeviceAvailability",
    "DeviceFormFactor",
    "DeviceInstance",
    "DeviceMinutes",
    "DevicePlatform",
    "DeviceProxy",
    "DeviceType",
    "ExecutionResult",
    "ExecutionStatus",
    "GetJobResponse",
    "GetRemoteAccessSessionResponse",
    "InstanceProfile",
    "InstanceStatus",
    "InteractionMode",
    "Job",
    "JobInsights",
    "RemoteAccessEndpoints",
    "RemoteAccessSession",
    "ReportStatus",
    "Resolution",
    "TestReport",
    "TestReportMetrics",
    "TestType",
    "VpcConfig",
]


class TestType(AwsEnum):
    """A job's test type; ``CALABASH`` and friends are retired but still documented."""

    __test__ = False  # keeps pytest from collecting an enum whose name starts with "Test"

    BUILTIN_FUZZ = "BUILTIN_FUZZ"
    BUILTIN_EXPLORER = "BUILTIN_EXPLORER"
    WEB_PERFORMANCE_PROFILE = "WEB_PERFORMANCE_PROFILE"
    APPIUM_JAVA_JUNIT = "APPIUM_JAVA_JUNIT"
    APPIUM_JAVA_TESTNG = "APPIUM_JAVA_TESTNG"
    APPIUM_PYTHON = "APPIUM_PYTHON"
    APPIUM_NODE = "APPIUM_NODE"
    APPIUM_RUBY = "APPIUM_RUBY"
    APPIUM_WEB_JAVA_JUNIT = "APPIUM_WEB_JAVA_JUNIT"
    APPIUM_WEB_JAVA_TESTNG = "APPIUM_WEB_JAVA_TESTNG"
    APPIUM_WEB_PYTHON = "APPIUM_WEB_PYTHON"
    APPIUM_WEB_NODE = "APPIUM_WEB_NODE"
    APPIUM_WEB_RUBY = "APPIUM_WEB_RUBY"
    CALABASH = "CALABASH"
    INSTRUMENTATION = "INSTRUMENTATION"
    UIAUTOMATION = "UIAUTOMATION"
    UIAUTOMATOR = "UIAUTOMATOR"
    XCTEST = "XCTEST"
    XCTEST_UI = "XCTEST_UI"
    REMOTE_ACCESS_RECORD = "REMOTE_ACCESS_RECORD"
    REMOTE_ACCESS_REPLAY = "REMOTE_ACCESS_REPLAY"


class ExecutionStatus(AwsEnum):
    """Where a job or session is in its lifecycle; only ``COMPLETED`` is terminal."""

    PENDING = "PENDING"
    PENDING_CONCURRENCY = "PENDING_CONCURRENCY"
    PENDING_DEVICE = "PENDING_DEVICE"
    PROCESSING = "PROCESSING"
    SCHEDULING = "SCHEDULING"
    PREPARING = "PREPARING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    STOPPING = "STOPPING"


class ExecutionResult(AwsEnum):
    """How a job or session ended; meaningful once the status is ``COMPLETED``."""

    PENDING = "PENDING"
    PASSED = "PASSED"
    WARNED = "WARNED"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"
    ERRORED = "ERRORED"
    STOPPED = "STOPPED"


class DeviceFormFactor(AwsEnum):
    """A device's form factor."""

    PHONE = "PHONE"
    TABLET = "TABLET"


class DevicePlatform(AwsEnum):
    """A device's platform."""

    ANDROID = "ANDROID"
    IOS = "IOS"


class DeviceType(AwsEnum):
    """Whether a device is a real phone or tablet, or a virtual one (botocore >= 1.44.8)."""

    PHYSICAL = "PHYSICAL"
    VIRTUAL = "VIRTUAL"


class InstanceStatus(AwsEnum):
    """A private device instance's status."""

    IN_USE = "IN_USE"
    PREPARING = "PREPARING"
    AVAILABLE = "AVAILABLE"
    NOT_AVAILABLE = "NOT_AVAILABLE"


class DeviceAvailability(AwsEnum):
    """How likely a device is to be available for a run."""

    TEMPORARY_NOT_AVAILABLE = "TEMPORARY_NOT_AVAILABLE"
    BUSY = "BUSY"
    AVAILABLE = "AVAILABLE"
    HIGHLY_AVAILABLE = "HIGHLY_AVAILABLE"


class ReportStatus(AwsEnum):
    """Where a job's test report (its insights) is in being produced."""

    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    SKIPPED = "SKIPPED"
    ERRORED = "ERRORED"


class BillingMethod(AwsEnum):
    """How a remote access session is billed."""

    METERED = "METERED"
    UNMETERED = "UNMETERED"


class InteractionMode(AwsEnum):
    """How a user interacts with a remote access session."""

    INTERACTIVE = "INTERACTIVE"
    NO_VIDEO = "NO_VIDEO"
    VIDEO_ONLY = "VIDEO_ONLY"


@frozen(kw_only=True, repr=False)
class Counters(Model):
    """Per-result test counts of a job."""

    total: int | None = None
    passed: int | None = None
    failed: int | None = None
    warned: int | None = None
    errored: int | None = None
    stopped: int | None = None
    skipped: int | None = None

    @property
    def finished(self) -> int:
        """Tests with a result so far (everything but ``total``)."""
        return sum(
            n or 0
            for n in (
                self.passed,
                self.failed,
                self.warned,
                self.errored,
                self.stopped,
                self.skipped,
            )
        )

    def summary(self) -> str:
        """E.g. ``12/40 tests, 11 passed, 1 failed``; empty when there is no total."""
        if not self.total:
            return ""
        parts = [f"{self.finished}/{self.total} tests"]
        parts += [
            f"{n} {name}"
            for name, n in (
                ("passed", self.passed),
                ("failed", self.failed),
                ("errored", self.errored),
                ("warned", self.warned),
                ("stopped", self.stopped),
                ("skipped", self.skipped),
            )
            if n
        ]
        return ", ".join(parts)


@frozen(kw_only=True, repr=False)
class CPU(Model):
    """A device's CPU; ``clock`` is in hertz."""

    frequency: str | None = None
    architecture: str | None = None
    clock: float | None = None


@frozen(kw_only=True, repr=False)
class Resolution(Model):
    """A screen resolution in pixels."""

    width: int | None = None
    height: int | None = None


@frozen(kw_only=True, repr=False)
class InstanceProfile(Model):
    """Settings applied to a private device instance between runs."""

    arn: str | None = None
    package_cleanup: bool | None = None
    exclude_app_packages_from_cleanup: tuple[str, ...] | None = None
    reboot_after_use: bool | None = None
    name: str | None = None
    description: str | None = None


@frozen(kw_only=True, repr=False)
class DeviceInstance(Model):
    """One private instance of a device."""

    arn: str | None = None
    device_arn: str | None = None
    labels: tuple[str, ...] | None = None
    status: InstanceStatus | None = None
    udid: str | None = None
    instance_profile: InstanceProfile | None = None


@frozen(kw_only=True, repr=False)
class Device(Model):
    """A phone or tablet; ``heap_size`` and ``memory`` are in bytes.

    ``type`` (PHYSICAL or VIRTUAL) arrived in botocore 1.44.8; older responses omit it.
    """

    arn: str | None = None
    name: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    model_id: str | None = None
    form_factor: DeviceFormFactor | None = None
    platform: DevicePlatform | None = None
    type: DeviceType | None = None
    os: str | None = None
    cpu: CPU | None = None
    resolution: Resolution | None = None
    heap_size: int | None = None
    memory: int | None = None
    image: str | None = None
    carrier: str | None = None
    radio: str | None = None
    remote_access_enabled: bool | None = None
    remote_debug_enabled: bool | None = None
    fleet_type: str | None = None
    fleet_name: str | None = None
    instances: tuple[DeviceInstance, ...] | None = None
    availability: DeviceAvailability | None = None


@frozen(kw_only=True, repr=False)
class DeviceMinutes(Model):
    """Device minutes used, total and split by billing."""

    total: float | None = None
    metered: float | None = None
    unmetered: float | None = None


@frozen(kw_only=True, repr=False)
class VpcConfig(Model):
    """The VPC a remote access session's device reaches."""

    security_group_ids: tuple[str, ...] | None = None
    subnet_ids: tuple[str, ...] | None = None
    vpc_id: str | None = None


@frozen(kw_only=True, repr=False)
class DeviceProxy(Model):
    """The proxy a remote access session's device uses."""

    host: str | None = None
    port: int | None = None


@frozen(kw_only=True, repr=False)
class RemoteAccessEndpoints(Model):
    """Connection endpoints of a remote access session; both are secrets, hidden in ``repr()``."""

    remote_driver_endpoint: str | None = field(default=None, repr=redact_secret)
    interactive_endpoint: str | None = field(default=None, repr=redact_secret)


@frozen(kw_only=True, repr=False)
class TestReportMetrics(Model):
    """Test counts and durations (in seconds) from a job's test report."""

    __test__ = False

    tests_total: int | None = None
    tests_passed: int | None = None
    tests_failed: int | None = None
    tests_skipped: int | None = None
    tests_errored: int | None = None
    tests_other: int | None = None
    tests_passed_percentage: float | None = None
    total_test_execution_duration_seconds: float | None = None
    median_test_execution_duration_seconds: float | None = None


@frozen(kw_only=True, repr=False)
class TestReport(Model):
    """A job's parsed test report; ``test_details_url`` is a secret, hidden in ``repr()``."""

    __test__ = False

    message: str | None = None
    metrics: TestReportMetrics | None = None
    test_details_url: str | None = field(default=None, repr=redact_secret)


@frozen(kw_only=True, repr=False)
class JobInsights(Model):
    """What Device Farm learned from a job's test output (added to botocore in 1.44)."""

    status: ReportStatus | None = None
    test_report: TestReport | None = None


def _describe(
    status: ExecutionStatus | None,
    result: ExecutionResult | None,
    counters: Counters | None,
    outcome: Outcome | None,
) -> str:
    text = f"{status or 'UNKNOWN'}"
    if status is ExecutionStatus.COMPLETED:
        text += f"/{result or 'UNKNOWN'}"
    summary = counters.summary() if counters is not None else ""
    return with_outcome(f"{text} ({summary})" if summary else text, outcome)


def _outcome(status: ExecutionStatus | None, result: ExecutionResult | None) -> Outcome | None:
    if status is not ExecutionStatus.COMPLETED:
        return None
    if result in (ExecutionResult.PASSED, ExecutionResult.WARNED):
        return Outcome.SUCCEEDED
    if result in (ExecutionResult.STOPPED, ExecutionResult.SKIPPED):
        return Outcome.CANCELLED
    return Outcome.FAILED


@frozen(kw_only=True, repr=False)
class Job(Model):
    """A Device Farm job: one device's share of a run."""

    arn: str | None = None
    name: str | None = None
    type: TestType | None = None
    created: datetime | None = None
    status: ExecutionStatus | None = None
    result: ExecutionResult | None = None
    started: datetime | None = None
    stopped: datetime | None = None
    counters: Counters | None = None
    message: str | None = None
    device: Device | None = None
    instance_arn: str | None = None
    device_minutes: DeviceMinutes | None = None
    video_endpoint: str | None = field(default=None, repr=redact_url)
    video_capture: bool | None = None
    insights: JobInsights | None = None

    @property
    def is_terminal(self) -> bool:
        """Whether the job is ``COMPLETED``."""
        return self.status is ExecutionStatus.COMPLETED

    @property
    def outcome(self) -> Outcome | None:
        """SUCCEEDED: PASSED/WARNED; CANCELLED: STOPPED/SKIPPED; else FAILED; None if running."""
        return _outcome(self.status, self.result)

    @property
    def progress(self) -> float | None:
        """The fraction of tests finished (0.0 to 1.0) while RUNNING; None when unknown."""
        c = self.counters
        if self.status is not ExecutionStatus.RUNNING or c is None or not c.total:
            return None
        return min(1.0, c.finished / c.total)

    def describe(self) -> str:
        """One line for logs and progress, e.g. ``RUNNING (12/40 tests, 12 passed)``."""
        return _describe(self.status, self.result, self.counters, self.outcome)


@frozen(kw_only=True, repr=False)
class RemoteAccessSession(Model):
    """A Device Farm remote access session.

    ``remote_debug_enabled``, ``remote_record_enabled``, ``remote_record_app_arn``,
    ``host_address`` and ``client_id`` are documented but no longer in current
    botocore; they are kept for older responses.
    """

    arn: str | None = None
    name: str | None = None
    created: datetime | None = None
    status: ExecutionStatus | None = None
    result: ExecutionResult | None = None
    message: str | None = None
    started: datetime | None = None
    stopped: datetime | None = None
    device: Device | None = None
    instance_arn: str | None = None
    remote_debug_enabled: bool | None = None
    remote_record_enabled: bool | None = None
    remote_record_app_arn: str | None = None
    host_address: str | None = None
    client_id: str | None = None
    billing_method: BillingMethod | None = None
    device_minutes: DeviceMinutes | None = None
    endpoint: str | None = field(default=None, repr=redact_url)
    device_udid: str | None = None
    interaction_mode: InteractionMode | None = None
    skip_app_resign: bool | None = None
    vpc_config: VpcConfig | None = None
    device_proxy: DeviceProxy | None = None
    app_upload: str | None = None
    endpoints: RemoteAccessEndpoints | None = None

    @property
    def is_terminal(self) -> bool:
        """Whether the session is ``COMPLETED``."""
        return self.status is ExecutionStatus.COMPLETED

    @property
    def outcome(self) -> Outcome | None:
        """SUCCEEDED: PASSED/WARNED; CANCELLED: STOPPED/SKIPPED; else FAILED; None if running."""
        return _outcome(self.status, self.result)

    def describe(self) -> str:
        """One line for logs and progress, e.g. ``COMPLETED/PASSED -> SUCCEEDED``."""
        return _describe(self.status, self.result, None, self.outcome)


@frozen(kw_only=True, repr=False)
class GetJobResponse(Model):
    """The whole ``get_job`` response."""

    job: Job | None = None


@frozen(kw_only=True, repr=False)
class GetRemoteAccessSessionResponse(Model):
    """The whole ``get_remote_access_session`` response."""

    remote_access_session: RemoteAccessSession | None = None
