"""CodeBuild models: a build, its phases and their contexts, and the responses around it.

Pure data: nothing here talks to AWS. Attribute names are boto3's keys in snake_case
(``s3DeepLink`` -> ``s3_deep_link``, ``vCpu`` -> ``v_cpu``); every attribute is ``None``
when AWS omits the key, lists included. Members a model does not declare are kept: read
them with ``jobkit.extras(model)``.
"""

# No `from __future__ import annotations`: real annotation objects let the converter
# read field types without evaluating strings, which keeps the first conversion fast.
from collections.abc import Sequence
from datetime import datetime

from attrs import field, frozen

from jobkit._convert._enums import AwsEnum
from jobkit._convert._model import Model, name_public_module
from jobkit._convert._outcome import Outcome, with_outcome
from jobkit._convert._redact import redact_secret, redact_url

__all__ = [
    "AutoRetryConfig",
    "BatchGetBuildsResponse",
    "BucketOwnerAccess",
    "Build",
    "BuildArtifacts",
    "BuildPhase",
    "BuildPhaseType",
    "BuildStatusConfig",
    "CacheMode",
    "CacheType",
    "CloudWatchLogsConfig",
    "ComputeConfiguration",
    "ComputeType",
    "CredentialProviderType",
    "DebugSession",
    "DockerServer",
    "DockerServerStatus",
    "EnvironmentType",
    "EnvironmentVariable",
    "EnvironmentVariableType",
    "ExportedEnvironmentVariable",
    "FileSystemType",
    "GitSubmodulesConfig",
    "HostKernel",
    "ImagePullCredentialsType",
    "ListBuildsForProjectResponse",
    "LogsConfigStatusType",
    "LogsLocation",
    "MachineType",
    "NetworkInterface",
    "PhaseContext",
    "ProjectCache",
    "ProjectEnvironment",
    "ProjectFileSystemLocation",
    "ProjectFleet",
    "ProjectSource",
    "ProjectSourceVersion",
    "RegistryCredential",
    "S3LogsConfig",
    "SourceAuth",
    "SourceAuthType",
    "SourceType",
    "StartBuildResponse",
    "StatusType",
    "StopBuildResponse",
    "VpcConfig",
]


class StatusType(AwsEnum):
    """Status of a build or of one of its phases; every value but ``IN_PROGRESS`` is an end."""

    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    FAULT = "FAULT"
    TIMED_OUT = "TIMED_OUT"
    IN_PROGRESS = "IN_PROGRESS"
    STOPPED = "STOPPED"


class BuildPhaseType(AwsEnum):
    """A build's phases, declared in the order a build goes through them."""

    SUBMITTED = "SUBMITTED"
    QUEUED = "QUEUED"
    PROVISIONING = "PROVISIONING"
    DOWNLOAD_SOURCE = "DOWNLOAD_SOURCE"
    INSTALL = "INSTALL"
    PRE_BUILD = "PRE_BUILD"
    BUILD = "BUILD"
    POST_BUILD = "POST_BUILD"
    UPLOAD_ARTIFACTS = "UPLOAD_ARTIFACTS"
    FINALIZING = "FINALIZING"
    COMPLETED = "COMPLETED"


class SourceType(AwsEnum):
    """Where a build's source comes from."""

    CODECOMMIT = "CODECOMMIT"
    CODEPIPELINE = "CODEPIPELINE"
    GITHUB = "GITHUB"
    GITLAB = "GITLAB"
    GITLAB_SELF_MANAGED = "GITLAB_SELF_MANAGED"
    S3 = "S3"
    BITBUCKET = "BITBUCKET"
    GITHUB_ENTERPRISE = "GITHUB_ENTERPRISE"
    NO_SOURCE = "NO_SOURCE"


class SourceAuthType(AwsEnum):
    """How CodeBuild authenticates to a source provider."""

    OAUTH = "OAUTH"
    CODECONNECTIONS = "CODECONNECTIONS"
    SECRETS_MANAGER = "SECRETS_MANAGER"


class BucketOwnerAccess(AwsEnum):
    """What the owner of an artifacts or logs bucket may do with the objects a build writes."""

    NONE = "NONE"
    READ_ONLY = "READ_ONLY"
    FULL = "FULL"


class CacheType(AwsEnum):
    """Whether and where a build caches between runs."""

    NO_CACHE = "NO_CACHE"
    S3 = "S3"
    LOCAL = "LOCAL"


class CacheMode(AwsEnum):
    """What a local cache keeps."""

    LOCAL_DOCKER_LAYER_CACHE = "LOCAL_DOCKER_LAYER_CACHE"
    LOCAL_SOURCE_CACHE = "LOCAL_SOURCE_CACHE"
    LOCAL_CUSTOM_CACHE = "LOCAL_CUSTOM_CACHE"


class EnvironmentType(AwsEnum):
    """The kind of build environment (container, Lambda, EC2, macOS)."""

    WINDOWS_CONTAINER = "WINDOWS_CONTAINER"
    LINUX_CONTAINER = "LINUX_CONTAINER"
    LINUX_GPU_CONTAINER = "LINUX_GPU_CONTAINER"
    ARM_CONTAINER = "ARM_CONTAINER"
    WINDOWS_SERVER_2019_CONTAINER = "WINDOWS_SERVER_2019_CONTAINER"
    WINDOWS_SERVER_2022_CONTAINER = "WINDOWS_SERVER_2022_CONTAINER"
    LINUX_LAMBDA_CONTAINER = "LINUX_LAMBDA_CONTAINER"
    ARM_LAMBDA_CONTAINER = "ARM_LAMBDA_CONTAINER"
    LINUX_EC2 = "LINUX_EC2"
    ARM_EC2 = "ARM_EC2"
    WINDOWS_EC2 = "WINDOWS_EC2"
    MAC_ARM = "MAC_ARM"


class ComputeType(AwsEnum):
    """The size of a build environment's compute."""

    BUILD_GENERAL1_SMALL = "BUILD_GENERAL1_SMALL"
    BUILD_GENERAL1_MEDIUM = "BUILD_GENERAL1_MEDIUM"
    BUILD_GENERAL1_LARGE = "BUILD_GENERAL1_LARGE"
    BUILD_GENERAL1_XLARGE = "BUILD_GENERAL1_XLARGE"
    BUILD_GENERAL1_2XLARGE = "BUILD_GENERAL1_2XLARGE"
    BUILD_LAMBDA_1GB = "BUILD_LAMBDA_1GB"
    BUILD_LAMBDA_2GB = "BUILD_LAMBDA_2GB"
    BUILD_LAMBDA_4GB = "BUILD_LAMBDA_4GB"
    BUILD_LAMBDA_8GB = "BUILD_LAMBDA_8GB"
    BUILD_LAMBDA_10GB = "BUILD_LAMBDA_10GB"
    ATTRIBUTE_BASED_COMPUTE = "ATTRIBUTE_BASED_COMPUTE"
    CUSTOM_INSTANCE_TYPE = "CUSTOM_INSTANCE_TYPE"


class MachineType(AwsEnum):
    """The machine type of attribute-based compute."""

    GENERAL = "GENERAL"
    NVME = "NVME"


class EnvironmentVariableType(AwsEnum):
    """Whether a variable's value is the value itself or the name of a parameter or secret."""

    PLAINTEXT = "PLAINTEXT"
    PARAMETER_STORE = "PARAMETER_STORE"
    SECRETS_MANAGER = "SECRETS_MANAGER"


class CredentialProviderType(AwsEnum):
    """Where a private registry's credential is stored."""

    SECRETS_MANAGER = "SECRETS_MANAGER"


class ImagePullCredentialsType(AwsEnum):
    """Whose credentials pull a build's image."""

    CODEBUILD = "CODEBUILD"
    SERVICE_ROLE = "SERVICE_ROLE"


class HostKernel(AwsEnum):
    """The Linux kernel of a build's host."""

    LINUX_KERNEL_4 = "LINUX_KERNEL_4"
    LINUX_KERNEL_6 = "LINUX_KERNEL_6"
    LINUX_KERNEL_LATEST = "LINUX_KERNEL_LATEST"


class LogsConfigStatusType(AwsEnum):
    """Whether a log destination is on."""

    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


class FileSystemType(AwsEnum):
    """The kind of file system a build mounts."""

    EFS = "EFS"


_PHASE_ORDER: tuple[BuildPhaseType, ...] = tuple(BuildPhaseType)


def _outcome(status: StatusType | None) -> Outcome | None:
    """SUCCEEDED; FAILED for FAILED, FAULT, TIMED_OUT; CANCELLED for STOPPED; else not an end."""
    if status == StatusType.SUCCEEDED:
        return Outcome.SUCCEEDED
    if status in (StatusType.FAILED, StatusType.FAULT, StatusType.TIMED_OUT):
        return Outcome.FAILED
    if status == StatusType.STOPPED:
        return Outcome.CANCELLED
    return None


def _phase_ended(status: StatusType | None) -> bool:
    """Whether a phase status says the phase is over (the running phase has none yet)."""
    return status is not None and status != StatusType.IN_PROGRESS


@frozen(kw_only=True, repr=False)
class PhaseContext(Model):
    """What CodeBuild says about a phase: a status code and a message (empty when all went well)."""

    status_code: str | None = None
    message: str | None = None


def _reason(contexts: Sequence[PhaseContext] | None) -> str | None:
    """``statusCode: message`` of each context that says something, joined by ``; ``."""
    parts: list[str] = []
    for context in contexts or ():
        said = (" ".join(t.split()) for t in (context.status_code, context.message) if t)
        text = ": ".join(t for t in said if t)  # whitespace is collapsed: one line
        if text:
            parts.append(text)
    return "; ".join(parts) or None


@frozen(kw_only=True, repr=False)
class BuildPhase(Model):
    """One phase of a build; the running phase has no ``phase_status`` or ``end_time`` yet."""

    phase_type: BuildPhaseType | None = None
    phase_status: StatusType | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    duration_in_seconds: int | None = None
    contexts: tuple[PhaseContext, ...] | None = None

    @property
    def reason(self) -> str | None:
        """What the contexts say (``statusCode: message``, joined by ``; ``); None if nothing."""
        return _reason(self.contexts)


def _failed_phase(phases: Sequence[BuildPhase] | None) -> BuildPhase | None:
    """The first phase that ended with a status other than SUCCEEDED."""
    for phase in phases or ():
        if _phase_ended(phase.phase_status) and phase.phase_status != StatusType.SUCCEEDED:
            return phase
    return None


def _where(current: str | None, phases: Sequence[BuildPhase] | None) -> str | None:
    """``phase 7/11 BUILD`` for the phase a build is in; just ``phase NAME`` for an unknown one."""
    name = current or (phases[-1].phase_type if phases else None)
    if not name:
        return None
    phase = BuildPhaseType(name)
    if phase.is_known:
        return f"phase {_PHASE_ORDER.index(phase) + 1}/{len(_PHASE_ORDER)} {name}"
    return f"phase {name}"


def _describe(
    status: StatusType | None, current: str | None, phases: Sequence[BuildPhase] | None
) -> str:
    """Where a running build is, or how an ended one ended and in which phase."""
    text = f"{status or 'UNKNOWN'}"
    outcome = _outcome(status)
    if outcome is None:
        where = _where(current, phases)
        return f"{text} ({where})" if where else text
    failed = _failed_phase(phases)
    if failed is not None:
        why = failed.reason
        phase = failed.phase_type or "UNKNOWN"
        text += f" ({phase} {failed.phase_status}{': ' + why if why else ''})"
    return with_outcome(text, outcome)


@frozen(kw_only=True, repr=False)
class GitSubmodulesConfig(Model):
    """Whether a build fetches its Git source's submodules."""

    fetch_submodules: bool | None = None


@frozen(kw_only=True, repr=False)
class SourceAuth(Model):
    """How CodeBuild signs in to the source provider (a connection or secret ARN, not a secret)."""

    type: SourceAuthType | None = None
    resource: str | None = None


@frozen(kw_only=True, repr=False)
class BuildStatusConfig(Model):
    """How the build reports its status to the source provider."""

    context: str | None = None
    target_url: str | None = field(default=None, repr=redact_url)


@frozen(kw_only=True, repr=False)
class ProjectSource(Model):
    """A build's source; credentials in a ``location`` URL are hidden in ``repr()``."""

    type: SourceType | None = None
    location: str | None = field(default=None, repr=redact_url)
    git_clone_depth: int | None = None
    git_submodules_config: GitSubmodulesConfig | None = None
    buildspec: str | None = None
    auth: SourceAuth | None = None
    report_build_status: bool | None = None
    build_status_config: BuildStatusConfig | None = None
    insecure_ssl: bool | None = None
    source_identifier: str | None = None


@frozen(kw_only=True, repr=False)
class ProjectSourceVersion(Model):
    """The version a secondary source was built at."""

    source_identifier: str | None = None
    source_version: str | None = None


@frozen(kw_only=True, repr=False)
class BuildArtifacts(Model):
    """Where a build put its output artifacts, and their checksums."""

    location: str | None = None
    sha256sum: str | None = None
    md5sum: str | None = None
    override_artifact_name: bool | None = None
    encryption_disabled: bool | None = None
    artifact_identifier: str | None = None
    bucket_owner_access: BucketOwnerAccess | None = None


@frozen(kw_only=True, repr=False)
class ProjectCache(Model):
    """A build's cache."""

    type: CacheType | None = None
    location: str | None = None
    modes: tuple[CacheMode, ...] | None = None
    cache_namespace: str | None = None


@frozen(kw_only=True, repr=False)
class ComputeConfiguration(Model):
    """Attribute-based compute: vCPUs, memory and disk (GiB), machine or instance type."""

    v_cpu: int | None = None
    memory: int | None = None
    disk: int | None = None
    machine_type: MachineType | None = None
    instance_type: str | None = None


@frozen(kw_only=True, repr=False)
class ProjectFleet(Model):
    """The compute fleet a build ran on."""

    fleet_arn: str | None = None


@frozen(kw_only=True, repr=False)
class EnvironmentVariable(Model):
    """A build environment variable; its value is hidden in ``repr()``.

    A ``PLAINTEXT`` value is the value itself, and projects put tokens there despite the
    advice; the other types hold a parameter or secret name. ``repr()`` cannot see the type
    when it shows the value, so it hides every value.
    """

    name: str | None = None
    value: str | None = field(default=None, repr=redact_secret)
    type: EnvironmentVariableType | None = None


@frozen(kw_only=True, repr=False)
class RegistryCredential(Model):
    """Which secret signs in to a private image registry (its ARN or name, not the secret)."""

    credential: str | None = None
    credential_provider: CredentialProviderType | None = None


@frozen(kw_only=True, repr=False)
class DockerServerStatus(Model):
    """Where a build's Docker server stands."""

    status: str | None = None
    message: str | None = None


@frozen(kw_only=True, repr=False)
class DockerServer(Model):
    """The remote Docker server a build's ``docker`` commands use."""

    compute_type: ComputeType | None = None
    security_group_ids: tuple[str, ...] | None = None
    status: DockerServerStatus | None = None


@frozen(kw_only=True, repr=False)
class ProjectEnvironment(Model):
    """The environment a build ran in: image, compute, variables."""

    type: EnvironmentType | None = None
    image: str | None = None
    compute_type: ComputeType | None = None
    compute_configuration: ComputeConfiguration | None = None
    fleet: ProjectFleet | None = None
    environment_variables: tuple[EnvironmentVariable, ...] | None = None
    privileged_mode: bool | None = None
    certificate: str | None = None
    registry_credential: RegistryCredential | None = None
    image_pull_credentials_type: ImagePullCredentialsType | None = None
    docker_server: DockerServer | None = None
    host_kernel: HostKernel | None = None


@frozen(kw_only=True, repr=False)
class CloudWatchLogsConfig(Model):
    """A build's CloudWatch Logs destination."""

    status: LogsConfigStatusType | None = None
    group_name: str | None = None
    stream_name: str | None = None


@frozen(kw_only=True, repr=False)
class S3LogsConfig(Model):
    """A build's S3 logs destination."""

    status: LogsConfigStatusType | None = None
    location: str | None = None
    encryption_disabled: bool | None = None
    bucket_owner_access: BucketOwnerAccess | None = None


@frozen(kw_only=True, repr=False)
class LogsLocation(Model):
    """Where a build's logs are; ``deep_link`` opens them in the CloudWatch console."""

    group_name: str | None = None
    stream_name: str | None = None
    deep_link: str | None = field(default=None, repr=redact_url)
    s3_deep_link: str | None = field(default=None, repr=redact_url)
    cloud_watch_logs_arn: str | None = None
    s3_logs_arn: str | None = None
    cloud_watch_logs: CloudWatchLogsConfig | None = None
    s3_logs: S3LogsConfig | None = None


@frozen(kw_only=True, repr=False)
class VpcConfig(Model):
    """The VPC a build ran in."""

    vpc_id: str | None = None
    subnets: tuple[str, ...] | None = None
    security_group_ids: tuple[str, ...] | None = None


@frozen(kw_only=True, repr=False)
class NetworkInterface(Model):
    """The network interface a VPC build used."""

    subnet_id: str | None = None
    network_interface_id: str | None = None


@frozen(kw_only=True, repr=False)
class ExportedEnvironmentVariable(Model):
    """A variable the buildspec exported; its value is hidden in ``repr()`` (it may be anything)."""

    name: str | None = None
    value: str | None = field(default=None, repr=redact_secret)


@frozen(kw_only=True, repr=False)
class ProjectFileSystemLocation(Model):
    """A file system a build mounted."""

    type: FileSystemType | None = None
    location: str | None = None
    mount_point: str | None = None
    identifier: str | None = None
    mount_options: str | None = None


@frozen(kw_only=True, repr=False)
class DebugSession(Model):
    """Whether a Session Manager session into the build was allowed, and its target."""

    session_enabled: bool | None = None
    session_target: str | None = None


@frozen(kw_only=True, repr=False)
class AutoRetryConfig(Model):
    """Automatic retries: the limit, this build's number, and the builds before and after it."""

    auto_retry_limit: int | None = None
    auto_retry_number: int | None = None
    next_auto_retry: str | None = None
    previous_auto_retry: str | None = None


@frozen(kw_only=True, repr=False)
class Build(Model):
    """A CodeBuild build; its status is ``build_status``, why it failed is ``failed_phase``.

    ``current_phase`` is a plain string in botocore's model (a :class:`BuildPhaseType`
    value in practice). ``phases`` lists the phases so far, the running one last.
    """

    id: str | None = None
    arn: str | None = None
    build_number: int | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    current_phase: str | None = None
    build_status: StatusType | None = None
    source_version: str | None = None
    resolved_source_version: str | None = None
    project_name: str | None = None
    phases: tuple[BuildPhase, ...] | None = None
    source: ProjectSource | None = None
    secondary_sources: tuple[ProjectSource, ...] | None = None
    secondary_source_versions: tuple[ProjectSourceVersion, ...] | None = None
    artifacts: BuildArtifacts | None = None
    secondary_artifacts: tuple[BuildArtifacts, ...] | None = None
    cache: ProjectCache | None = None
    environment: ProjectEnvironment | None = None
    service_role: str | None = None
    logs: LogsLocation | None = None
    timeout_in_minutes: int | None = None
    queued_timeout_in_minutes: int | None = None
    build_complete: bool | None = None
    initiator: str | None = None
    vpc_config: VpcConfig | None = None
    network_interface: NetworkInterface | None = None
    encryption_key: str | None = None
    exported_environment_variables: tuple[ExportedEnvironmentVariable, ...] | None = None
    report_arns: tuple[str, ...] | None = None
    file_system_locations: tuple[ProjectFileSystemLocation, ...] | None = None
    debug_session: DebugSession | None = None
    build_batch_arn: str | None = None
    auto_retry_config: AutoRetryConfig | None = None

    @property
    def status(self) -> StatusType | None:
        """The build's status (``build_status``), under the name every resource shares."""
        return self.build_status

    @property
    def is_terminal(self) -> bool:
        """Whether the build has SUCCEEDED, FAILED, FAULT, TIMED_OUT or STOPPED."""
        return _outcome(self.build_status) is not None

    @property
    def outcome(self) -> Outcome | None:
        """SUCCEEDED; FAILED for FAILED, FAULT and TIMED_OUT; CANCELLED for STOPPED; else None."""
        return _outcome(self.build_status)

    @property
    def failed_phase(self) -> BuildPhase | None:
        """The first phase that ended other than SUCCEEDED; its ``reason`` says why.

        None while every phase that ended SUCCEEDED (a FAULT may come before any phase
        fails). A STOPPED build's stopped phase counts, so it says where the stop landed.
        """
        return _failed_phase(self.phases)

    @property
    def log_link(self) -> str | None:
        """The console link to the build's logs: CloudWatch's, else S3's; None without logs."""
        logs = self.logs
        if logs is None:
            return None
        return logs.deep_link or logs.s3_deep_link

    def describe(self) -> str:
        """One line for logs and progress, e.g. ``IN_PROGRESS (phase 7/11 BUILD)``.

        Once ended: ``FAILED (BUILD FAILED: COMMAND_EXECUTION_ERROR: ...) -> FAILED``.
        """
        return _describe(self.build_status, self.current_phase, self.phases)


@frozen(kw_only=True, repr=False)
class BatchGetBuildsResponse(Model):
    """The whole ``batch_get_builds`` response: the builds found, and the ids that were not."""

    builds: tuple[Build, ...] | None = None
    builds_not_found: tuple[str, ...] | None = None


@frozen(kw_only=True, repr=False)
class StartBuildResponse(Model):
    """The whole ``start_build`` response: the new build."""

    build: Build | None = None


@frozen(kw_only=True, repr=False)
class StopBuildResponse(Model):
    """The whole ``stop_build`` response: the build, as it stands after the request."""

    build: Build | None = None


@frozen(kw_only=True, repr=False)
class ListBuildsForProjectResponse(Model):
    """One page of ``list_builds_for_project``: build ids (newest first by default)."""

    ids: tuple[str, ...] | None = None
    next_token: str | None = None


name_public_module(__all__, globals(), "jobkit.codebuild")
