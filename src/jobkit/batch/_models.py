"""AWS Batch models: jobs as ``describe_jobs`` and ``list_jobs`` show them, and what they ran.

Pure data: nothing here talks to AWS. Attribute names are boto3's keys in snake_case
(``exitCode`` -> ``exit_code``; the odd ``containerID`` -> ``container_i_d`` and
``sizeInGiB`` -> ``size_in_gi_b``, by the same rule); every attribute is ``None`` when
AWS omits the key, lists included.
Members a model does not declare (AWS adds some every year) are kept: read them with
``jobkit.extras(model)``.

Timestamps stay what Batch sends, epoch *milliseconds* as ``int`` (``created_at``,
``started_at``, ``stopped_at``, ...); ``created``, ``started`` and ``stopped`` give them as
aware datetimes. Keeping the wire value is what makes ``unstructure(structure(d)) == d``
hold: the converter reads a number in a timestamp member as epoch *seconds*, and turning
milliseconds into a datetime and back could not give the same int for every value.

Environment variable values, and the values of parameters, tags, log options and pod
metadata under secret-looking keys (``...token``, ``...password``, ...), are hidden in
``repr()``. botocore marks no Batch member ``sensitive``; a ``Secret``'s ``value_from`` is
the ARN of where the secret lives, not the secret, so it is shown.
"""

# No `from __future__ import annotations`: real annotation objects let the converter
# read field types without evaluating strings, which keeps the first conversion fast.
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from attrs import field, frozen

from jobkit._convert._enums import AwsEnum
from jobkit._convert._model import Model
from jobkit._convert._outcome import Outcome, with_outcome
from jobkit._convert._redact import redact_extras, redact_secret

__all__ = [
    "ArrayJobDependency",
    "ArrayPropertiesDetail",
    "ArrayPropertiesSummary",
    "AssignPublicIp",
    "AttemptContainerDetail",
    "AttemptDetail",
    "AttemptEcsTaskDetails",
    "AttemptTaskContainerDetails",
    "ConsumableResourceProperties",
    "ConsumableResourceRequirement",
    "ContainerDetail",
    "ContainerProperties",
    "ContainerSummary",
    "DescribeJobsResponse",
    "Device",
    "DeviceCgroupPermission",
    "EFSAuthorizationConfig",
    "EFSAuthorizationConfigIAM",
    "EFSTransitEncryption",
    "EFSVolumeConfiguration",
    "EcsProperties",
    "EcsPropertiesDetail",
    "EcsTaskDetails",
    "EcsTaskProperties",
    "EksAttemptContainerDetail",
    "EksAttemptDetail",
    "EksContainer",
    "EksContainerDetail",
    "EksContainerEnvironmentVariable",
    "EksContainerLinuxCapabilities",
    "EksContainerResourceRequirements",
    "EksContainerSecurityContext",
    "EksContainerVolumeMount",
    "EksEmptyDir",
    "EksHostPath",
    "EksMetadata",
    "EksPersistentVolumeClaim",
    "EksPodProperties",
    "EksPodPropertiesDetail",
    "EksPodSecurityContext",
    "EksProperties",
    "EksPropertiesDetail",
    "EksSeccompProfile",
    "EksSeccompProfileType",
    "EksSecret",
    "EksVolume",
    "EphemeralStorage",
    "EvaluateOnExit",
    "FargatePlatformConfiguration",
    "FirelensConfiguration",
    "FirelensConfigurationType",
    "Host",
    "ImagePullSecret",
    "JobCapacityUsageSummary",
    "JobDependency",
    "JobDetail",
    "JobStatus",
    "JobSummary",
    "JobTimeout",
    "KeyValuePair",
    "LinuxParameters",
    "ListJobsResponse",
    "LogConfiguration",
    "LogDriver",
    "MountPoint",
    "NetworkConfiguration",
    "NetworkInterface",
    "NodeDetails",
    "NodeProperties",
    "NodePropertiesSummary",
    "NodeRangeProperty",
    "PlatformCapability",
    "RepositoryCredentials",
    "ResourceRequirement",
    "ResourceType",
    "RetryAction",
    "RetryStrategy",
    "RuntimePlatform",
    "S3FilesVolumeConfiguration",
    "Secret",
    "SubmitJobResponse",
    "TaskContainerDependency",
    "TaskContainerDetails",
    "TaskContainerProperties",
    "TerminateJobResponse",
    "Tmpfs",
    "Ulimit",
    "Volume",
]


class ArrayJobDependency(AwsEnum):
    """How a job depends on an array job: index by index (N_TO_N) or one child after another (SEQUENTIAL)."""

    N_TO_N = "N_TO_N"
    SEQUENTIAL = "SEQUENTIAL"


class AssignPublicIp(AwsEnum):
    """Whether a Fargate job's network interface gets a public IP address."""

    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


class DeviceCgroupPermission(AwsEnum):
    """What a container may do with a host device."""

    READ = "READ"
    WRITE = "WRITE"
    MKNOD = "MKNOD"


class EFSAuthorizationConfigIAM(AwsEnum):
    """Whether an EFS mount uses the job's IAM role."""

    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


class EFSTransitEncryption(AwsEnum):
    """Whether traffic to an EFS file system is encrypted in transit."""

    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


class EksSeccompProfileType(AwsEnum):
    """Which seccomp profile an EKS container or pod runs under."""

    RUNTIME_DEFAULT = "RuntimeDefault"
    LOCALHOST = "Localhost"
    UNCONFINED = "Unconfined"


class FirelensConfigurationType(AwsEnum):
    """The log router a FireLens configuration uses."""

    FLUENTD = "fluentd"
    FLUENTBIT = "fluentbit"


class JobStatus(AwsEnum):
    """Where a Batch job is; only ``SUCCEEDED`` and ``FAILED`` are terminal."""

    SUBMITTED = "SUBMITTED"
    PENDING = "PENDING"
    RUNNABLE = "RUNNABLE"
    STARTING = "STARTING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class LogDriver(AwsEnum):
    """The log driver of a job's container."""

    JSON_FILE = "json-file"
    SYSLOG = "syslog"
    JOURNALD = "journald"
    GELF = "gelf"
    FLUENTD = "fluentd"
    AWSLOGS = "awslogs"
    SPLUNK = "splunk"
    AWSFIRELENS = "awsfirelens"


class PlatformCapability(AwsEnum):
    """Where a job can run: EC2, Fargate or ECS managed instances."""

    EC2 = "EC2"
    FARGATE = "FARGATE"
    MANAGED_INSTANCES = "MANAGED_INSTANCES"


class ResourceType(AwsEnum):
    """The kind of resource a container requires."""

    GPU = "GPU"
    VCPU = "VCPU"
    MEMORY = "MEMORY"


class RetryAction(AwsEnum):
    """What a retry rule does when it matches: retry the job or let it end."""

    RETRY = "RETRY"
    EXIT = "EXIT"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _from_millis(millis: int | None) -> datetime | None:
    """Epoch milliseconds as an aware datetime, exactly; None when absent or out of range."""
    if millis is None:
        return None
    try:
        return _EPOCH + timedelta(milliseconds=millis)
    except OverflowError:
        return None


@frozen(kw_only=True, repr=False)
class NetworkInterface(Model):
    """A network interface an attempt's container had."""

    attachment_id: str | None = None
    ipv6_address: str | None = None
    private_ipv4_address: str | None = None


@frozen(kw_only=True, repr=False)
class AttemptContainerDetail(Model):
    """The container of one attempt: ``exit_code``, ``reason`` and ``log_stream_name`` say how it ended."""

    container_instance_arn: str | None = None
    task_arn: str | None = None
    exit_code: int | None = None
    reason: str | None = None
    log_stream_name: str | None = None
    network_interfaces: tuple[NetworkInterface, ...] | None = None


@frozen(kw_only=True, repr=False)
class AttemptTaskContainerDetails(Model):
    """One container of an attempt's ECS task (jobs with ``ecsProperties``)."""

    exit_code: int | None = None
    name: str | None = None
    reason: str | None = None
    log_stream_name: str | None = None
    network_interfaces: tuple[NetworkInterface, ...] | None = None


@frozen(kw_only=True, repr=False)
class AttemptEcsTaskDetails(Model):
    """The ECS task of one attempt (jobs with ``ecsProperties``)."""

    container_instance_arn: str | None = None
    task_arn: str | None = None
    containers: tuple[AttemptTaskContainerDetails, ...] | None = None


@frozen(kw_only=True, repr=False)
class AttemptDetail(Model):
    """One attempt at running a job; ``started_at``/``stopped_at`` are epoch milliseconds."""

    container: AttemptContainerDetail | None = None
    started_at: int | None = None
    stopped_at: int | None = None
    status_reason: str | None = None
    task_properties: tuple[AttemptEcsTaskDetails, ...] | None = None

    @property
    def started(self) -> datetime | None:
        """``started_at`` as an aware datetime."""
        return _from_millis(self.started_at)

    @property
    def stopped(self) -> datetime | None:
        """``stopped_at`` as an aware datetime."""
        return _from_millis(self.stopped_at)


@frozen(kw_only=True, repr=False)
class EvaluateOnExit(Model):
    """One retry rule: when an attempt's exit code or reasons match, retry or exit."""

    on_status_reason: str | None = None
    on_reason: str | None = None
    on_exit_code: str | None = None
    action: RetryAction | None = None


@frozen(kw_only=True, repr=False)
class RetryStrategy(Model):
    """How many attempts a job gets and the rules that decide on a retry."""

    attempts: int | None = None
    evaluate_on_exit: tuple[EvaluateOnExit, ...] | None = None


@frozen(kw_only=True, repr=False)
class JobDependency(Model):
    """A job this job waits for."""

    job_id: str | None = None
    type: ArrayJobDependency | None = None


@frozen(kw_only=True, repr=False)
class Host(Model):
    """A host path mounted as a volume."""

    source_path: str | None = None


@frozen(kw_only=True, repr=False)
class EFSAuthorizationConfig(Model):
    """How a job authenticates to an EFS file system."""

    access_point_id: str | None = None
    iam: EFSAuthorizationConfigIAM | None = None


@frozen(kw_only=True, repr=False)
class EFSVolumeConfiguration(Model):
    """An Amazon EFS file system mounted as a volume."""

    file_system_id: str | None = None
    root_directory: str | None = None
    transit_encryption: EFSTransitEncryption | None = None
    transit_encryption_port: int | None = None
    authorization_config: EFSAuthorizationConfig | None = None


@frozen(kw_only=True, repr=False)
class S3FilesVolumeConfiguration(Model):
    """An Amazon S3 Files file system mounted as a volume (botocore >= 1.44)."""

    file_system_arn: str | None = None
    root_directory: str | None = None
    transit_encryption_port: int | None = None
    access_point_arn: str | None = None


@frozen(kw_only=True, repr=False)
class Volume(Model):
    """A volume a container can mount."""

    host: Host | None = None
    name: str | None = None
    efs_volume_configuration: EFSVolumeConfiguration | None = None
    s3files_volume_configuration: S3FilesVolumeConfiguration | None = None


@frozen(kw_only=True, repr=False)
class KeyValuePair(Model):
    """An environment variable of a container; its value is hidden in ``repr()``."""

    name: str | None = None
    value: str | None = field(default=None, repr=redact_secret)


@frozen(kw_only=True, repr=False)
class MountPoint(Model):
    """Where a container mounts a volume."""

    container_path: str | None = None
    read_only: bool | None = None
    source_volume: str | None = None


@frozen(kw_only=True, repr=False)
class Ulimit(Model):
    """A ulimit set on a container."""

    hard_limit: int | None = None
    name: str | None = None
    soft_limit: int | None = None


@frozen(kw_only=True, repr=False)
class ResourceRequirement(Model):
    """A GPU, vCPU or memory requirement of a container, as a string value."""

    value: str | None = None
    type: ResourceType | None = None


@frozen(kw_only=True, repr=False)
class Device(Model):
    """A host device mapped into a container."""

    host_path: str | None = None
    container_path: str | None = None
    permissions: tuple[DeviceCgroupPermission, ...] | None = None


@frozen(kw_only=True, repr=False)
class Tmpfs(Model):
    """A tmpfs mount of a container; ``size`` is in MiB."""

    container_path: str | None = None
    size: int | None = None
    mount_options: tuple[str, ...] | None = None


@frozen(kw_only=True, repr=False)
class LinuxParameters(Model):
    """Linux-specific settings of a container (devices, shared memory, swap)."""

    devices: tuple[Device, ...] | None = None
    init_process_enabled: bool | None = None
    shared_memory_size: int | None = None
    tmpfs: tuple[Tmpfs, ...] | None = None
    max_swap: int | None = None
    swappiness: int | None = None


@frozen(kw_only=True, repr=False)
class Secret(Model):
    """A secret exposed to a container; ``value_from`` is the ARN of where it lives, not the secret."""

    name: str | None = None
    value_from: str | None = None


@frozen(kw_only=True, repr=False)
class LogConfiguration(Model):
    """Where a container's logs go; option values under secret-looking keys are hidden in ``repr()``."""

    log_driver: LogDriver | None = None
    options: Mapping[str, str] | None = field(default=None, hash=False, repr=redact_extras)
    secret_options: tuple[Secret, ...] | None = None


@frozen(kw_only=True, repr=False)
class NetworkConfiguration(Model):
    """The network settings of a Fargate job."""

    assign_public_ip: AssignPublicIp | None = None


@frozen(kw_only=True, repr=False)
class FargatePlatformConfiguration(Model):
    """The Fargate platform version a job runs on."""

    platform_version: str | None = None


@frozen(kw_only=True, repr=False)
class EphemeralStorage(Model):
    """Ephemeral storage of a Fargate task, in GiB (``sizeInGiB`` reads as ``size_in_gi_b``)."""

    size_in_gi_b: int | None = None


@frozen(kw_only=True, repr=False)
class RuntimePlatform(Model):
    """The operating system and CPU architecture a job runs on."""

    operating_system_family: str | None = None
    cpu_architecture: str | None = None


@frozen(kw_only=True, repr=False)
class RepositoryCredentials(Model):
    """The secret (by ARN) that holds a private registry's credentials."""

    credentials_parameter: str | None = None


@frozen(kw_only=True, repr=False)
class ContainerDetail(Model):
    """A container job's container: what it ran, and how its latest attempt ended."""

    image: str | None = None
    vcpus: int | None = None
    memory: int | None = None
    command: tuple[str, ...] | None = None
    job_role_arn: str | None = None
    execution_role_arn: str | None = None
    volumes: tuple[Volume, ...] | None = None
    environment: tuple[KeyValuePair, ...] | None = None
    mount_points: tuple[MountPoint, ...] | None = None
    readonly_root_filesystem: bool | None = None
    ulimits: tuple[Ulimit, ...] | None = None
    privileged: bool | None = None
    user: str | None = None
    exit_code: int | None = None
    reason: str | None = None
    container_instance_arn: str | None = None
    task_arn: str | None = None
    log_stream_name: str | None = None
    instance_type: str | None = None
    network_interfaces: tuple[NetworkInterface, ...] | None = None
    resource_requirements: tuple[ResourceRequirement, ...] | None = None
    linux_parameters: LinuxParameters | None = None
    log_configuration: LogConfiguration | None = None
    secrets: tuple[Secret, ...] | None = None
    network_configuration: NetworkConfiguration | None = None
    fargate_platform_configuration: FargatePlatformConfiguration | None = None
    ephemeral_storage: EphemeralStorage | None = None
    runtime_platform: RuntimePlatform | None = None
    repository_credentials: RepositoryCredentials | None = None
    enable_execute_command: bool | None = None


@frozen(kw_only=True, repr=False)
class NodeDetails(Model):
    """Which node of a multi-node parallel job this job is."""

    node_index: int | None = None
    is_main_node: bool | None = None


@frozen(kw_only=True, repr=False)
class ContainerProperties(Model):
    """The container a node range of a multi-node parallel job runs."""

    image: str | None = None
    vcpus: int | None = None
    memory: int | None = None
    command: tuple[str, ...] | None = None
    job_role_arn: str | None = None
    execution_role_arn: str | None = None
    volumes: tuple[Volume, ...] | None = None
    environment: tuple[KeyValuePair, ...] | None = None
    mount_points: tuple[MountPoint, ...] | None = None
    readonly_root_filesystem: bool | None = None
    privileged: bool | None = None
    ulimits: tuple[Ulimit, ...] | None = None
    user: str | None = None
    instance_type: str | None = None
    resource_requirements: tuple[ResourceRequirement, ...] | None = None
    linux_parameters: LinuxParameters | None = None
    log_configuration: LogConfiguration | None = None
    secrets: tuple[Secret, ...] | None = None
    network_configuration: NetworkConfiguration | None = None
    fargate_platform_configuration: FargatePlatformConfiguration | None = None
    enable_execute_command: bool | None = None
    ephemeral_storage: EphemeralStorage | None = None
    runtime_platform: RuntimePlatform | None = None
    repository_credentials: RepositoryCredentials | None = None


@frozen(kw_only=True, repr=False)
class TaskContainerDependency(Model):
    """A container a task's container waits for, and the condition."""

    container_name: str | None = None
    condition: str | None = None


@frozen(kw_only=True, repr=False)
class FirelensConfiguration(Model):
    """A FireLens log router of a task; option values under secret-looking keys are hidden in ``repr()``."""

    type: FirelensConfigurationType | None = None
    options: Mapping[str, str] | None = field(default=None, hash=False, repr=redact_extras)


@frozen(kw_only=True, repr=False)
class TaskContainerProperties(Model):
    """One container of an ECS task a node range runs."""

    command: tuple[str, ...] | None = None
    depends_on: tuple[TaskContainerDependency, ...] | None = None
    environment: tuple[KeyValuePair, ...] | None = None
    essential: bool | None = None
    firelens_configuration: FirelensConfiguration | None = None
    image: str | None = None
    linux_parameters: LinuxParameters | None = None
    log_configuration: LogConfiguration | None = None
    mount_points: tuple[MountPoint, ...] | None = None
    name: str | None = None
    privileged: bool | None = None
    readonly_root_filesystem: bool | None = None
    repository_credentials: RepositoryCredentials | None = None
    resource_requirements: tuple[ResourceRequirement, ...] | None = None
    secrets: tuple[Secret, ...] | None = None
    ulimits: tuple[Ulimit, ...] | None = None
    user: str | None = None
    start_timeout: int | None = None
    stop_timeout: int | None = None


@frozen(kw_only=True, repr=False)
class EcsTaskProperties(Model):
    """An ECS task a node range runs."""

    containers: tuple[TaskContainerProperties, ...] | None = None
    ephemeral_storage: EphemeralStorage | None = None
    execution_role_arn: str | None = None
    platform_version: str | None = None
    ipc_mode: str | None = None
    task_role_arn: str | None = None
    pid_mode: str | None = None
    network_configuration: NetworkConfiguration | None = None
    runtime_platform: RuntimePlatform | None = None
    volumes: tuple[Volume, ...] | None = None
    enable_execute_command: bool | None = None
    network_mode: str | None = None


@frozen(kw_only=True, repr=False)
class EcsProperties(Model):
    """The ECS tasks a node range runs."""

    task_properties: tuple[EcsTaskProperties, ...] | None = None


@frozen(kw_only=True, repr=False)
class ImagePullSecret(Model):
    """A Kubernetes secret (by name) used to pull a pod's images."""

    name: str | None = None


@frozen(kw_only=True, repr=False)
class EksContainerEnvironmentVariable(Model):
    """An environment variable of an EKS container; its value is hidden in ``repr()``."""

    name: str | None = None
    value: str | None = field(default=None, repr=redact_secret)


@frozen(kw_only=True, repr=False)
class EksContainerResourceRequirements(Model):
    """The Kubernetes resource limits and requests of an EKS container."""

    limits: Mapping[str, str] | None = field(default=None, hash=False)
    requests: Mapping[str, str] | None = field(default=None, hash=False)


@frozen(kw_only=True, repr=False)
class EksContainerVolumeMount(Model):
    """Where an EKS container mounts a volume."""

    name: str | None = None
    mount_path: str | None = None
    sub_path: str | None = None
    read_only: bool | None = None


@frozen(kw_only=True, repr=False)
class EksContainerLinuxCapabilities(Model):
    """Linux capabilities added to or dropped from an EKS container."""

    add: tuple[str, ...] | None = None
    drop: tuple[str, ...] | None = None


@frozen(kw_only=True, repr=False)
class EksSeccompProfile(Model):
    """The seccomp profile of an EKS container or pod."""

    type: EksSeccompProfileType | None = None
    localhost_profile: str | None = None


@frozen(kw_only=True, repr=False)
class EksContainerSecurityContext(Model):
    """The security context of an EKS container."""

    run_as_user: int | None = None
    run_as_group: int | None = None
    privileged: bool | None = None
    allow_privilege_escalation: bool | None = None
    read_only_root_filesystem: bool | None = None
    run_as_non_root: bool | None = None
    capabilities: EksContainerLinuxCapabilities | None = None
    seccomp_profile: EksSeccompProfile | None = None


@frozen(kw_only=True, repr=False)
class EksContainer(Model):
    """A container of an EKS pod a node range runs."""

    name: str | None = None
    image: str | None = None
    image_pull_policy: str | None = None
    command: tuple[str, ...] | None = None
    args: tuple[str, ...] | None = None
    env: tuple[EksContainerEnvironmentVariable, ...] | None = None
    resources: EksContainerResourceRequirements | None = None
    volume_mounts: tuple[EksContainerVolumeMount, ...] | None = None
    security_context: EksContainerSecurityContext | None = None


@frozen(kw_only=True, repr=False)
class EksHostPath(Model):
    """A host path mounted in an EKS pod."""

    path: str | None = None


@frozen(kw_only=True, repr=False)
class EksEmptyDir(Model):
    """An emptyDir volume of an EKS pod."""

    medium: str | None = None
    size_limit: str | None = None


@frozen(kw_only=True, repr=False)
class EksSecret(Model):
    """A Kubernetes secret (by name) mounted as a volume."""

    secret_name: str | None = None
    optional: bool | None = None


@frozen(kw_only=True, repr=False)
class EksPersistentVolumeClaim(Model):
    """A persistent volume claim mounted in an EKS pod."""

    claim_name: str | None = None
    read_only: bool | None = None


@frozen(kw_only=True, repr=False)
class EksVolume(Model):
    """A volume of an EKS pod."""

    name: str | None = None
    host_path: EksHostPath | None = None
    empty_dir: EksEmptyDir | None = None
    secret: EksSecret | None = None
    persistent_volume_claim: EksPersistentVolumeClaim | None = None


@frozen(kw_only=True, repr=False)
class EksMetadata(Model):
    """The Kubernetes metadata of an EKS pod; values under secret-looking keys are hidden in ``repr()``."""

    labels: Mapping[str, str] | None = field(default=None, hash=False, repr=redact_extras)
    annotations: Mapping[str, str] | None = field(default=None, hash=False, repr=redact_extras)
    namespace: str | None = None


@frozen(kw_only=True, repr=False)
class EksPodSecurityContext(Model):
    """The security context of an EKS pod."""

    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None
    seccomp_profile: EksSeccompProfile | None = None
    fs_group: int | None = None


@frozen(kw_only=True, repr=False)
class EksPodProperties(Model):
    """The EKS pod a node range runs."""

    service_account_name: str | None = None
    host_network: bool | None = None
    dns_policy: str | None = None
    image_pull_secrets: tuple[ImagePullSecret, ...] | None = None
    containers: tuple[EksContainer, ...] | None = None
    init_containers: tuple[EksContainer, ...] | None = None
    volumes: tuple[EksVolume, ...] | None = None
    metadata: EksMetadata | None = None
    share_process_namespace: bool | None = None
    security_context: EksPodSecurityContext | None = None


@frozen(kw_only=True, repr=False)
class EksProperties(Model):
    """The EKS properties of a node range."""

    pod_properties: EksPodProperties | None = None


@frozen(kw_only=True, repr=False)
class ConsumableResourceRequirement(Model):
    """A consumable resource a job needs, and how much of it."""

    consumable_resource: str | None = None
    quantity: int | None = None


@frozen(kw_only=True, repr=False)
class ConsumableResourceProperties(Model):
    """The consumable resources a job needs."""

    consumable_resource_list: tuple[ConsumableResourceRequirement, ...] | None = None


@frozen(kw_only=True, repr=False)
class NodeRangeProperty(Model):
    """What the nodes of one range of a multi-node parallel job run."""

    target_nodes: str | None = None
    container: ContainerProperties | None = None
    instance_types: tuple[str, ...] | None = None
    ecs_properties: EcsProperties | None = None
    eks_properties: EksProperties | None = None
    consumable_resource_properties: ConsumableResourceProperties | None = None


@frozen(kw_only=True, repr=False)
class NodeProperties(Model):
    """How a multi-node parallel job is laid out."""

    num_nodes: int | None = None
    main_node: int | None = None
    node_range_properties: tuple[NodeRangeProperty, ...] | None = None


@frozen(kw_only=True, repr=False)
class ArrayPropertiesDetail(Model):
    """An array job's size and its children's statuses (on the parent), or a child's index."""

    status_summary: Mapping[str, int] | None = field(default=None, hash=False)
    status_summary_last_updated_at: int | None = None
    size: int | None = None
    index: int | None = None

    @property
    def status_summary_last_updated(self) -> datetime | None:
        """``status_summary_last_updated_at`` as an aware datetime."""
        return _from_millis(self.status_summary_last_updated_at)

    @property
    def progress(self) -> float | None:
        """The share of children that ended (SUCCEEDED or FAILED), 0.0 to 1.0; None if unknown."""
        return _array_progress(self.size, self.status_summary)


@frozen(kw_only=True, repr=False)
class JobTimeout(Model):
    """How long an attempt may run before Batch ends it."""

    attempt_duration_seconds: int | None = None


@frozen(kw_only=True, repr=False)
class EksContainerDetail(Model):
    """A container of a job's EKS pod, and how it exited."""

    name: str | None = None
    image: str | None = None
    image_pull_policy: str | None = None
    command: tuple[str, ...] | None = None
    args: tuple[str, ...] | None = None
    env: tuple[EksContainerEnvironmentVariable, ...] | None = None
    resources: EksContainerResourceRequirements | None = None
    exit_code: int | None = None
    reason: str | None = None
    volume_mounts: tuple[EksContainerVolumeMount, ...] | None = None
    security_context: EksContainerSecurityContext | None = None


@frozen(kw_only=True, repr=False)
class EksPodPropertiesDetail(Model):
    """The EKS pod a job runs, and where it ran."""

    service_account_name: str | None = None
    host_network: bool | None = None
    dns_policy: str | None = None
    image_pull_secrets: tuple[ImagePullSecret, ...] | None = None
    containers: tuple[EksContainerDetail, ...] | None = None
    init_containers: tuple[EksContainerDetail, ...] | None = None
    volumes: tuple[EksVolume, ...] | None = None
    pod_name: str | None = None
    node_name: str | None = None
    metadata: EksMetadata | None = None
    share_process_namespace: bool | None = None
    security_context: EksPodSecurityContext | None = None


@frozen(kw_only=True, repr=False)
class EksPropertiesDetail(Model):
    """The EKS properties of a job."""

    pod_properties: EksPodPropertiesDetail | None = None


@frozen(kw_only=True, repr=False)
class EksAttemptContainerDetail(Model):
    """A container of one EKS attempt, and how it exited."""

    name: str | None = None
    container_i_d: str | None = None
    exit_code: int | None = None
    reason: str | None = None

    @property
    def container_id(self) -> str | None:
        """The container's ID (``containerID``; the attribute follows jobkit's naming rule)."""
        return self.container_i_d


@frozen(kw_only=True, repr=False)
class EksAttemptDetail(Model):
    """One attempt of an EKS job; ``started_at``/``stopped_at`` are epoch milliseconds."""

    containers: tuple[EksAttemptContainerDetail, ...] | None = None
    init_containers: tuple[EksAttemptContainerDetail, ...] | None = None
    eks_cluster_arn: str | None = None
    pod_name: str | None = None
    pod_namespace: str | None = None
    node_name: str | None = None
    started_at: int | None = None
    stopped_at: int | None = None
    status_reason: str | None = None

    @property
    def started(self) -> datetime | None:
        """``started_at`` as an aware datetime."""
        return _from_millis(self.started_at)

    @property
    def stopped(self) -> datetime | None:
        """``stopped_at`` as an aware datetime."""
        return _from_millis(self.stopped_at)


@frozen(kw_only=True, repr=False)
class TaskContainerDetails(Model):
    """One container of a job's ECS task, and how it exited."""

    command: tuple[str, ...] | None = None
    depends_on: tuple[TaskContainerDependency, ...] | None = None
    environment: tuple[KeyValuePair, ...] | None = None
    essential: bool | None = None
    firelens_configuration: FirelensConfiguration | None = None
    image: str | None = None
    linux_parameters: LinuxParameters | None = None
    log_configuration: LogConfiguration | None = None
    mount_points: tuple[MountPoint, ...] | None = None
    name: str | None = None
    privileged: bool | None = None
    readonly_root_filesystem: bool | None = None
    repository_credentials: RepositoryCredentials | None = None
    resource_requirements: tuple[ResourceRequirement, ...] | None = None
    secrets: tuple[Secret, ...] | None = None
    ulimits: tuple[Ulimit, ...] | None = None
    user: str | None = None
    start_timeout: int | None = None
    stop_timeout: int | None = None
    exit_code: int | None = None
    reason: str | None = None
    log_stream_name: str | None = None
    network_interfaces: tuple[NetworkInterface, ...] | None = None


@frozen(kw_only=True, repr=False)
class EcsTaskDetails(Model):
    """An ECS task a job runs."""

    containers: tuple[TaskContainerDetails, ...] | None = None
    container_instance_arn: str | None = None
    task_arn: str | None = None
    ephemeral_storage: EphemeralStorage | None = None
    execution_role_arn: str | None = None
    platform_version: str | None = None
    ipc_mode: str | None = None
    task_role_arn: str | None = None
    pid_mode: str | None = None
    network_configuration: NetworkConfiguration | None = None
    runtime_platform: RuntimePlatform | None = None
    volumes: tuple[Volume, ...] | None = None
    enable_execute_command: bool | None = None
    network_mode: str | None = None


@frozen(kw_only=True, repr=False)
class EcsPropertiesDetail(Model):
    """The ECS properties of a job."""

    task_properties: tuple[EcsTaskDetails, ...] | None = None


STOPPED_BY_JOBKIT = "Stopped by jobkit"
"""How the reason jobkit gives ``TerminateJob`` begins.

Batch returns the reason as the job's ``statusReason``; a FAILED job whose reason begins
so was stopped on purpose, also where ``isCancelled``/``isTerminated`` are absent (older
responses, moto's).
"""


def _stopped_by_jobkit(reason: str | None) -> bool:
    return reason is not None and reason.startswith(STOPPED_BY_JOBKIT)


def _outcome(
    status: JobStatus | None,
    *,
    is_cancelled: bool | None,
    is_terminated: bool | None,
    status_reason: str | None,
) -> Outcome | None:
    """SUCCEEDED and FAILED end a job; a FAILED job someone stopped ended CANCELLED.

    Stopped means ``isCancelled`` or ``isTerminated`` is true (CancelJob, TerminateJob), or
    the reason is jobkit's own (:data:`STOPPED_BY_JOBKIT`). Other reasons are not read:
    Batch copies a user's free-text reason into ``statusReason``, and its own reasons say
    "terminated" for failures too ("Host EC2 (instance i-0abc) terminated.").
    """
    if status == JobStatus.SUCCEEDED:
        return Outcome.SUCCEEDED
    if status != JobStatus.FAILED:
        return None
    if is_cancelled is True or is_terminated is True or _stopped_by_jobkit(status_reason):
        return Outcome.CANCELLED
    return Outcome.FAILED


def _array_progress(size: int | None, summary: Mapping[str, int] | None) -> float | None:
    """(SUCCEEDED + FAILED children) / size, within 0.0 and 1.0; None without a size or counts."""
    if size is None or size <= 0 or summary is None:
        return None
    done = _count(summary, JobStatus.SUCCEEDED) + _count(summary, JobStatus.FAILED)
    return min(1.0, max(0.0, done / size))


def _count(summary: Mapping[str, int], status: JobStatus) -> int:
    value = summary.get(status.value)
    return value if isinstance(value, int) else 0


def _array_text(size: int | None, summary: Mapping[str, int] | None) -> str:
    """E.g. ``4/10 children done, 3 succeeded, 1 failed``; empty when not an array parent."""
    if size is None or size <= 0:
        return ""
    succeeded = _count(summary or {}, JobStatus.SUCCEEDED)
    failed = _count(summary or {}, JobStatus.FAILED)
    parts = [f"{succeeded + failed}/{size} children done"]
    parts += [f"{n} {name}" for name, n in (("succeeded", succeeded), ("failed", failed)) if n]
    return ", ".join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _describe(
    status: JobStatus | None,
    outcome: Outcome | None,
    *,
    status_reason: str | None,
    exit_code: int | None,
    attempts: int,
    array: str,
) -> str:
    """E.g. ``FAILED: Essential container in task exited (exit code 1, 3 attempts) -> FAILED``."""
    text = f"{status or 'UNKNOWN'}"
    if status_reason and status != JobStatus.SUCCEEDED:
        text += f": {_one_line(status_reason)}"
    details = [array] if array else []
    if exit_code is not None and outcome in (Outcome.FAILED, Outcome.CANCELLED):
        details.append(f"exit code {exit_code}")
    if attempts > 1:
        details.append(f"{attempts} attempts")
    if details:
        text += f" ({', '.join(details)})"
    return with_outcome(text, outcome)


@frozen(kw_only=True, repr=False)
class JobDetail(Model):
    """An AWS Batch job, as ``describe_jobs`` shows it.

    ``status`` is SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, then SUCCEEDED or
    FAILED; ``status_reason`` says why it ended (or why a RUNNABLE job is stuck).
    ``attempts`` hold each try (one per retry), the last one last; ``exit_code``,
    ``exit_reason`` and ``log_stream_name`` read the latest attempt. An array job's parent
    counts its children in ``array_properties.status_summary`` (``progress``); a child has
    ``array_properties.index``. Timestamps are epoch milliseconds (``created``,
    ``started`` and ``stopped`` as datetimes).
    """

    job_arn: str | None = None
    job_name: str | None = None
    job_id: str | None = None
    job_queue: str | None = None
    status: JobStatus | None = None
    share_identifier: str | None = None
    scheduling_priority: int | None = None
    attempts: tuple[AttemptDetail, ...] | None = None
    status_reason: str | None = None
    created_at: int | None = None
    retry_strategy: RetryStrategy | None = None
    started_at: int | None = None
    stopped_at: int | None = None
    depends_on: tuple[JobDependency, ...] | None = None
    job_definition: str | None = None
    parameters: Mapping[str, str] | None = field(default=None, hash=False, repr=redact_extras)
    container: ContainerDetail | None = None
    node_details: NodeDetails | None = None
    node_properties: NodeProperties | None = None
    array_properties: ArrayPropertiesDetail | None = None
    timeout: JobTimeout | None = None
    tags: Mapping[str, str] | None = field(default=None, hash=False, repr=redact_extras)
    propagate_tags: bool | None = None
    platform_capabilities: tuple[PlatformCapability, ...] | None = None
    eks_properties: EksPropertiesDetail | None = None
    eks_attempts: tuple[EksAttemptDetail, ...] | None = None
    ecs_properties: EcsPropertiesDetail | None = None
    is_cancelled: bool | None = None
    is_terminated: bool | None = None
    consumable_resource_properties: ConsumableResourceProperties | None = None

    @property
    def created(self) -> datetime | None:
        """``created_at`` as an aware datetime."""
        return _from_millis(self.created_at)

    @property
    def started(self) -> datetime | None:
        """``started_at`` as an aware datetime."""
        return _from_millis(self.started_at)

    @property
    def stopped(self) -> datetime | None:
        """``stopped_at`` as an aware datetime."""
        return _from_millis(self.stopped_at)

    @property
    def is_terminal(self) -> bool:
        """Whether the job is SUCCEEDED or FAILED."""
        return self.outcome is not None

    @property
    def outcome(self) -> Outcome | None:
        """SUCCEEDED; CANCELLED when a FAILED job was cancelled or terminated; else FAILED.

        ``None`` while the job has not ended (any other status, unknown ones included).
        """
        return _outcome(
            self.status,
            is_cancelled=self.is_cancelled,
            is_terminated=self.is_terminated,
            status_reason=self.status_reason,
        )

    @property
    def progress(self) -> float | None:
        """An array job's share of children that ended (0.0 to 1.0); None for other jobs."""
        props = self.array_properties
        return None if props is None else props.progress

    @property
    def last_attempt(self) -> AttemptDetail | None:
        """The latest attempt, or None before the first one ended."""
        return self.attempts[-1] if self.attempts else None

    @property
    def exit_code(self) -> int | None:
        """The exit code of the latest attempt's container (a failed one first, when several)."""
        return next((c.exit_code for c in _exited(self) if c.exit_code is not None), None)

    @property
    def exit_reason(self) -> str | None:
        """Why the latest attempt's container stopped (``OutOfMemoryError: ...``), when Batch says.

        The job's own reason (``Essential container in task exited``) is ``status_reason``.
        """
        return next((c.reason for c in _exited(self) if c.reason), None)

    @property
    def log_stream_name(self) -> str | None:
        """The CloudWatch Logs stream of the latest attempt's container (in ``log_group_name``)."""
        return next((s for c in _exited(self) if (s := _log_stream(c))), None)

    @property
    def log_group_name(self) -> str | None:
        """The log group of ``log_stream_name``: the container's ``awslogs-group``, else Batch's.

        None when there is no log stream or the container logs elsewhere than CloudWatch.
        """
        if self.log_stream_name is None:
            return None
        config = self.container.log_configuration if self.container is not None else None
        if config is None or config.log_driver is None:
            return DEFAULT_LOG_GROUP
        if config.log_driver != LogDriver.AWSLOGS:
            return None
        return (config.options or {}).get("awslogs-group", DEFAULT_LOG_GROUP)

    def describe(self) -> str:
        """One line for logs and progress, e.g. ``FAILED: Essential container in task exited (exit code 1) -> FAILED``."""
        props = self.array_properties
        return _describe(
            self.status,
            self.outcome,
            status_reason=self.status_reason,
            exit_code=self.exit_code,
            attempts=len(self.attempts or ()),
            array="" if props is None else _array_text(props.size, props.status_summary),
        )


_Exited = (
    AttemptContainerDetail
    | AttemptTaskContainerDetails
    | ContainerDetail
    | TaskContainerDetails
    | EksAttemptContainerDetail
    | EksContainerDetail
)

DEFAULT_LOG_GROUP = "/aws/batch/job"
"""Where Batch sends a container's logs when its log configuration names no group."""


def _exited(job: JobDetail) -> list[_Exited]:
    """The containers that tell how the latest attempt ended, the most telling first.

    The last attempt's container, then its ECS task's containers; then the job's own
    container and task containers (they show the latest attempt too); then the last EKS
    attempt's containers and the pod's. Where there are several, failed ones come first.
    """
    found: list[_Exited] = []
    last = job.last_attempt
    if last is not None:
        if last.container is not None:
            found.append(last.container)
        found += _failed_first(c for t in last.task_properties or () for c in t.containers or ())
    if job.container is not None:
        found.append(job.container)
    if job.ecs_properties is not None:
        tasks = job.ecs_properties.task_properties or ()
        found += _failed_first(c for t in tasks for c in t.containers or ())
    if job.eks_attempts:
        found += _failed_first(job.eks_attempts[-1].containers or ())
    pod = job.eks_properties.pod_properties if job.eks_properties is not None else None
    if pod is not None:
        found += _failed_first(pod.containers or ())
    return found


def _failed_first(containers: Iterable[_Exited]) -> list[_Exited]:
    # A stable sort: containers that exited non-zero first, the others in their order.
    return sorted(containers, key=lambda c: not c.exit_code)


def _log_stream(container: _Exited) -> str | None:
    return getattr(container, "log_stream_name", None)


@frozen(kw_only=True, repr=False)
class DescribeJobsResponse(Model):
    """The whole ``describe_jobs`` response; a job Batch does not know is simply absent."""

    jobs: tuple[JobDetail, ...] | None = None


@frozen(kw_only=True, repr=False)
class SubmitJobResponse(Model):
    """The whole ``submit_job`` response: the new job's ids."""

    job_arn: str | None = None
    job_name: str | None = None
    job_id: str | None = None


@frozen(kw_only=True, repr=False)
class TerminateJobResponse(Model):
    """The whole ``terminate_job`` response (empty: the job ends on its own soon after)."""


@frozen(kw_only=True, repr=False)
class JobCapacityUsageSummary(Model):
    """How much capacity a job used, in some unit."""

    capacity_unit: str | None = None
    quantity: float | None = None


@frozen(kw_only=True, repr=False)
class ContainerSummary(Model):
    """How a listed job's container exited."""

    exit_code: int | None = None
    reason: str | None = None


@frozen(kw_only=True, repr=False)
class ArrayPropertiesSummary(Model):
    """A listed array job's size and children's statuses, or a child's index."""

    size: int | None = None
    index: int | None = None
    status_summary: Mapping[str, int] | None = field(default=None, hash=False)
    status_summary_last_updated_at: int | None = None

    @property
    def status_summary_last_updated(self) -> datetime | None:
        """``status_summary_last_updated_at`` as an aware datetime."""
        return _from_millis(self.status_summary_last_updated_at)

    @property
    def progress(self) -> float | None:
        """The share of children that ended (SUCCEEDED or FAILED), 0.0 to 1.0; None if unknown."""
        return _array_progress(self.size, self.status_summary)


@frozen(kw_only=True, repr=False)
class NodePropertiesSummary(Model):
    """Which node of a multi-node parallel job a listed job is."""

    is_main_node: bool | None = None
    num_nodes: int | None = None
    node_index: int | None = None


@frozen(kw_only=True, repr=False)
class JobSummary(Model):
    """A job as ``list_jobs`` shows it: its status, and how its container exited.

    Timestamps are epoch milliseconds (``created``, ``scheduled``, ``started`` and
    ``stopped`` as datetimes). ``outcome`` follows the same rule as :class:`JobDetail`'s.
    """

    job_arn: str | None = None
    job_id: str | None = None
    job_name: str | None = None
    capacity_usage: tuple[JobCapacityUsageSummary, ...] | None = None
    created_at: int | None = None
    scheduled_at: int | None = None
    share_identifier: str | None = None
    status: JobStatus | None = None
    status_reason: str | None = None
    started_at: int | None = None
    stopped_at: int | None = None
    container: ContainerSummary | None = None
    array_properties: ArrayPropertiesSummary | None = None
    node_properties: NodePropertiesSummary | None = None
    job_definition: str | None = None
    is_cancelled: bool | None = None
    is_terminated: bool | None = None

    @property
    def created(self) -> datetime | None:
        """``created_at`` as an aware datetime."""
        return _from_millis(self.created_at)

    @property
    def scheduled(self) -> datetime | None:
        """``scheduled_at`` as an aware datetime."""
        return _from_millis(self.scheduled_at)

    @property
    def started(self) -> datetime | None:
        """``started_at`` as an aware datetime."""
        return _from_millis(self.started_at)

    @property
    def stopped(self) -> datetime | None:
        """``stopped_at`` as an aware datetime."""
        return _from_millis(self.stopped_at)

    @property
    def is_terminal(self) -> bool:
        """Whether the job is SUCCEEDED or FAILED."""
        return self.outcome is not None

    @property
    def outcome(self) -> Outcome | None:
        """SUCCEEDED; CANCELLED when a FAILED job was cancelled or terminated; else FAILED."""
        return _outcome(
            self.status,
            is_cancelled=self.is_cancelled,
            is_terminated=self.is_terminated,
            status_reason=self.status_reason,
        )

    @property
    def progress(self) -> float | None:
        """An array job's share of children that ended (0.0 to 1.0); None for other jobs."""
        props = self.array_properties
        return None if props is None else props.progress

    @property
    def exit_code(self) -> int | None:
        """The exit code of the job's container, once it exited."""
        return None if self.container is None else self.container.exit_code

    def describe(self) -> str:
        """One line for logs and progress, e.g. ``RUNNING (4/10 children done, 4 succeeded)``."""
        props = self.array_properties
        return _describe(
            self.status,
            self.outcome,
            status_reason=self.status_reason,
            exit_code=self.exit_code,
            attempts=0,
            array="" if props is None else _array_text(props.size, props.status_summary),
        )


@frozen(kw_only=True, repr=False)
class ListJobsResponse(Model):
    """One page of ``list_jobs``: a queue's jobs (or an array job's children) in one status."""

    job_summary_list: tuple[JobSummary, ...] | None = None
    next_token: str | None = None


# The public module is jobkit.batch: messages, reprs of the classes and pickles name it.
for _name in __all__:
    globals()[_name].__module__ = "jobkit.batch"
del _name
