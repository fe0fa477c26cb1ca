"""Device Farm models: runs, jobs, suites, tests, artifacts, remote access sessions.

The public names are re-exported by :mod:`jobkit.devicefarm`; see its docstring.
"""

# No `from __future__ import annotations`: real annotation objects let the converter
# read field types without evaluating strings, which keeps the first conversion fast.
from datetime import datetime

from attrs import field, frozen

from jobkit._convert._enums import AwsEnum
from jobkit._convert._model import Model, name_public_module
from jobkit._convert._outcome import Outcome, with_outcome
from jobkit._convert._redact import redact_secret, redact_url

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


class ExecutionResultCode(AwsEnum):
    """Why a run could not be processed, when it could not."""

    PARSING_FAILED = "PARSING_FAILED"
    VPC_ENDPOINT_SETUP_FAILED = "VPC_ENDPOINT_SETUP_FAILED"


class NetworkProfileType(AwsEnum):
    """Whether a network profile is one of Device Farm's or the project's own."""

    CURATED = "CURATED"
    PRIVATE = "PRIVATE"


class DeviceFilterAttribute(AwsEnum):
    """The device attribute a run's device filter tests."""

    ARN = "ARN"
    PLATFORM = "PLATFORM"
    OS_VERSION = "OS_VERSION"
    MODEL = "MODEL"
    AVAILABILITY = "AVAILABILITY"
    FORM_FACTOR = "FORM_FACTOR"
    DEVICE_TYPE = "DEVICE_TYPE"
    MANUFACTURER = "MANUFACTURER"
    REMOTE_ACCESS_ENABLED = "REMOTE_ACCESS_ENABLED"
    REMOTE_DEBUG_ENABLED = "REMOTE_DEBUG_ENABLED"
    INSTANCE_ARN = "INSTANCE_ARN"
    INSTANCE_LABELS = "INSTANCE_LABELS"
    FLEET_TYPE = "FLEET_TYPE"


class RuleOperator(AwsEnum):
    """How a device filter compares the attribute with its values."""

    EQUALS = "EQUALS"
    LESS_THAN = "LESS_THAN"
    LESS_THAN_OR_EQUALS = "LESS_THAN_OR_EQUALS"
    GREATER_THAN = "GREATER_THAN"
    GREATER_THAN_OR_EQUALS = "GREATER_THAN_OR_EQUALS"
    IN = "IN"
    NOT_IN = "NOT_IN"
    CONTAINS = "CONTAINS"


class InsightsType(AwsEnum):
    """Which insights a run asked Device Farm to produce."""

    TEST_REPORT = "TEST_REPORT"
    NONE = "NONE"


class ArtifactCategory(AwsEnum):
    """The categories ``ListArtifacts`` lists by (its ``type`` parameter)."""

    SCREENSHOT = "SCREENSHOT"
    FILE = "FILE"
    LOG = "LOG"


class ArtifactType(AwsEnum):
    """What an artifact holds (a log, a video, a screenshot, a test framework's output...)."""

    UNKNOWN = "UNKNOWN"
    SCREENSHOT = "SCREENSHOT"
    DEVICE_LOG = "DEVICE_LOG"
    MESSAGE_LOG = "MESSAGE_LOG"
    VIDEO_LOG = "VIDEO_LOG"
    RESULT_LOG = "RESULT_LOG"
    SERVICE_LOG = "SERVICE_LOG"
    WEBKIT_LOG = "WEBKIT_LOG"
    INSTRUMENTATION_OUTPUT = "INSTRUMENTATION_OUTPUT"
    EXERCISER_MONKEY_OUTPUT = "EXERCISER_MONKEY_OUTPUT"
    CALABASH_JSON_OUTPUT = "CALABASH_JSON_OUTPUT"
    CALABASH_PRETTY_OUTPUT = "CALABASH_PRETTY_OUTPUT"
    CALABASH_STANDARD_OUTPUT = "CALABASH_STANDARD_OUTPUT"
    CALABASH_JAVA_XML_OUTPUT = "CALABASH_JAVA_XML_OUTPUT"
    AUTOMATION_OUTPUT = "AUTOMATION_OUTPUT"
    APPIUM_SERVER_OUTPUT = "APPIUM_SERVER_OUTPUT"
    APPIUM_JAVA_OUTPUT = "APPIUM_JAVA_OUTPUT"
    APPIUM_JAVA_XML_OUTPUT = "APPIUM_JAVA_XML_OUTPUT"
    APPIUM_PYTHON_OUTPUT = "APPIUM_PYTHON_OUTPUT"
    APPIUM_PYTHON_XML_OUTPUT = "APPIUM_PYTHON_XML_OUTPUT"
    EXPLORER_EVENT_LOG = "EXPLORER_EVENT_LOG"
    EXPLORER_SUMMARY_LOG = "EXPLORER_SUMMARY_LOG"
    APPLICATION_CRASH_REPORT = "APPLICATION_CRASH_REPORT"
    XCTEST_LOG = "XCTEST_LOG"
    VIDEO = "VIDEO"
    CUSTOMER_ARTIFACT = "CUSTOMER_ARTIFACT"
    CUSTOMER_ARTIFACT_LOG = "CUSTOMER_ARTIFACT_LOG"
    TESTSPEC_OUTPUT = "TESTSPEC_OUTPUT"
    DEVICE_CONNECT_COMMAND_LOG = "DEVICE_CONNECT_COMMAND_LOG"


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


@frozen(kw_only=True, repr=False)
class NetworkProfile(Model):
    """The network shaping a run applies: bandwidth in bits/s, delay and jitter in ms, loss in %."""

    arn: str | None = None
    name: str | None = None
    description: str | None = None
    type: NetworkProfileType | None = None
    uplink_bandwidth_bits: int | None = None
    downlink_bandwidth_bits: int | None = None
    uplink_delay_ms: int | None = None
    downlink_delay_ms: int | None = None
    uplink_jitter_ms: int | None = None
    downlink_jitter_ms: int | None = None
    uplink_loss_percent: int | None = None
    downlink_loss_percent: int | None = None


@frozen(kw_only=True, repr=False)
class Radios(Model):
    """Which radios were on during a run."""

    wifi: bool | None = None
    bluetooth: bool | None = None
    nfc: bool | None = None
    gps: bool | None = None


@frozen(kw_only=True, repr=False)
class Location(Model):
    """The location a run's devices reported."""

    latitude: float | None = None
    longitude: float | None = None


@frozen(kw_only=True, repr=False)
class CustomerArtifactPaths(Model):
    """Paths on the device and host whose files a run keeps as artifacts."""

    ios_paths: tuple[str, ...] | None = None
    android_paths: tuple[str, ...] | None = None
    device_host_paths: tuple[str, ...] | None = None


@frozen(kw_only=True, repr=False)
class DeviceFilter(Model):
    """One rule a run's device selection applied."""

    attribute: DeviceFilterAttribute | None = None
    operator: RuleOperator | None = None
    values: tuple[str, ...] | None = None


@frozen(kw_only=True, repr=False)
class DeviceSelectionResult(Model):
    """How a run's devices were chosen by filters."""

    filters: tuple[DeviceFilter, ...] | None = None
    matched_devices_count: int | None = None
    max_devices: int | None = None


@frozen(kw_only=True, repr=False)
class EnvironmentVariable(Model):
    """An environment variable of a run's test host; its value is hidden in ``repr()``."""

    name: str | None = None
    value: str | None = field(default=None, repr=redact_secret)


@frozen(kw_only=True, repr=False)
class JobReportMetrics(Model):
    """Job counts and durations (in seconds) from a run's report."""

    jobs_total: int | None = None
    jobs_passed: int | None = None
    jobs_failed: int | None = None
    jobs_skipped: int | None = None
    jobs_errored: int | None = None
    jobs_stopped: int | None = None
    jobs_passed_percentage: float | None = None
    total_job_execution_duration_seconds: float | None = None
    average_job_execution_duration_seconds: float | None = None
    median_job_execution_duration_seconds: float | None = None


@frozen(kw_only=True, repr=False)
class JobReport(Model):
    """A run's report over its jobs; ``job_details_url`` is a secret, hidden in ``repr()``."""

    message: str | None = None
    metrics: JobReportMetrics | None = None
    job_details_url: str | None = field(default=None, repr=redact_secret)


@frozen(kw_only=True, repr=False)
class RunInsights(Model):
    """What Device Farm learned from a run's jobs."""

    status: ReportStatus | None = None
    job_report: JobReport | None = None


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
class Run(Model):
    """A Device Farm run: one app tested on a pool of devices, a job per device.

    ``total_jobs`` and ``completed_jobs`` tell how far along it is; ``counters`` sum the
    tests of its jobs.
    """

    arn: str | None = None
    name: str | None = None
    type: TestType | None = None
    platform: DevicePlatform | None = None
    created: datetime | None = None
    status: ExecutionStatus | None = None
    result: ExecutionResult | None = None
    started: datetime | None = None
    stopped: datetime | None = None
    counters: Counters | None = None
    message: str | None = None
    total_jobs: int | None = None
    completed_jobs: int | None = None
    billing_method: BillingMethod | None = None
    device_minutes: DeviceMinutes | None = None
    network_profile: NetworkProfile | None = None
    device_proxy: DeviceProxy | None = None
    parsing_result_url: str | None = field(default=None, repr=redact_url)
    result_code: ExecutionResultCode | None = None
    seed: int | None = None
    app_upload: str | None = None
    event_count: int | None = None
    job_timeout_minutes: int | None = None
    device_pool_arn: str | None = None
    locale: str | None = None
    radios: Radios | None = None
    location: Location | None = None
    customer_artifact_paths: CustomerArtifactPaths | None = None
    web_url: str | None = None
    skip_app_resign: bool | None = None
    test_spec_arn: str | None = None
    test_package_arn: str | None = None
    device_selection_result: DeviceSelectionResult | None = None
    vpc_config: VpcConfig | None = None
    execution_role_arn: str | None = None
    environment_variables: tuple[EnvironmentVariable, ...] | None = None
    insights_types: tuple[InsightsType, ...] | None = None
    insights: RunInsights | None = None

    @property
    def is_terminal(self) -> bool:
        """Whether the run is ``COMPLETED``."""
        return self.status is ExecutionStatus.COMPLETED

    @property
    def outcome(self) -> Outcome | None:
        """SUCCEEDED: PASSED/WARNED; CANCELLED: STOPPED/SKIPPED; else FAILED; None if running."""
        return _outcome(self.status, self.result)

    @property
    def progress(self) -> float | None:
        """How far along a RUNNING run is (0.0 to 1.0); None when unknown.

        The larger of the completed share of its jobs and the finished share of its tests:
        devices that run in parallel finish their jobs together at the end, so the tests
        move first; devices that wait for a slot finish jobs one by one.
        """
        if self.status is not ExecutionStatus.RUNNING:
            return None
        shares: list[float] = []
        if self.total_jobs:
            shares.append((self.completed_jobs or 0) / self.total_jobs)
        c = self.counters
        if c is not None and c.total:
            shares.append(c.finished / c.total)
        return min(1.0, max(shares)) if shares else None

    def describe(self) -> str:
        """One line for logs and progress, e.g. ``RUNNING (1/3 jobs, 12/40 tests, 12 passed)``."""
        text = _describe(self.status, self.result, self.counters, None)
        if self.total_jobs:
            jobs = f"{self.completed_jobs or 0}/{self.total_jobs} jobs"
            text = text.replace(" (", f" ({jobs}, ", 1) if " (" in text else f"{text} ({jobs})"
        return with_outcome(text, self.outcome)


def _arn_parent(arn: str | None, kind: str, depth: int) -> str | None:
    """The ARN of the resource ``depth`` levels up a Device Farm ARN's path, as a ``kind`` ARN.

    ``...:test:PROJECT/RUN/JOB/SUITE/TEST`` -> ``...:job:PROJECT/RUN/JOB`` (depth 2).
    """
    if not arn:
        return None
    head, sep, path = arn.rpartition(":")
    prefix, _, _ = head.rpartition(":")
    parts = path.split("/")
    if not sep or not prefix or len(parts) <= depth:
        return None
    return f"{prefix}:{kind}:{'/'.join(parts[:-depth])}"


@frozen(kw_only=True, repr=False)
class Suite(Model):
    """A test suite of a job (setup, the tests proper, teardown...)."""

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
    device_minutes: DeviceMinutes | None = None

    @property
    def job_arn(self) -> str | None:
        """The ARN of the job this suite belongs to, from the suite's ARN."""
        return _arn_parent(self.arn, "job", 1)


@frozen(kw_only=True, repr=False)
class Test(Model):
    """One test of a suite; ``message`` says why it failed, when it did."""

    __test__ = False

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
    device_minutes: DeviceMinutes | None = None

    @property
    def suite_arn(self) -> str | None:
        """The ARN of the suite this test belongs to, from the test's ARN."""
        return _arn_parent(self.arn, "suite", 1)

    @property
    def job_arn(self) -> str | None:
        """The ARN of the job (one device's share of the run) this test ran in."""
        return _arn_parent(self.arn, "job", 2)

    @property
    def run_arn(self) -> str | None:
        """The ARN of the run this test ran in."""
        return _arn_parent(self.arn, "run", 3)


@frozen(kw_only=True, repr=False)
class Artifact(Model):
    """A file a run, job, suite or test produced; ``url`` is presigned, hidden in ``repr()``."""

    arn: str | None = None
    name: str | None = None
    type: ArtifactType | None = None
    extension: str | None = None
    url: str | None = field(default=None, repr=redact_url)


@frozen(kw_only=True, repr=False)
class GetJobResponse(Model):
    """The whole ``get_job`` response."""

    job: Job | None = None


@frozen(kw_only=True, repr=False)
class GetRemoteAccessSessionResponse(Model):
    """The whole ``get_remote_access_session`` response."""

    remote_access_session: RemoteAccessSession | None = None


@frozen(kw_only=True, repr=False)
class GetRunResponse(Model):
    """The whole ``get_run`` response."""

    run: Run | None = None


@frozen(kw_only=True, repr=False)
class ListRunsResponse(Model):
    """One page of ``list_runs``."""

    runs: tuple[Run, ...] | None = None
    next_token: str | None = None


@frozen(kw_only=True, repr=False)
class ListJobsResponse(Model):
    """One page of ``list_jobs``."""

    jobs: tuple[Job, ...] | None = None
    next_token: str | None = None


@frozen(kw_only=True, repr=False)
class ListSuitesResponse(Model):
    """One page of ``list_suites``."""

    suites: tuple[Suite, ...] | None = None
    next_token: str | None = None


@frozen(kw_only=True, repr=False)
class ListTestsResponse(Model):
    """One page of ``list_tests``."""

    tests: tuple[Test, ...] | None = None
    next_token: str | None = None


@frozen(kw_only=True, repr=False)
class ListArtifactsResponse(Model):
    """One page of ``list_artifacts``."""

    artifacts: tuple[Artifact, ...] | None = None
    next_token: str | None = None


name_public_module(__all__, globals(), "jobkit.devicefarm")
