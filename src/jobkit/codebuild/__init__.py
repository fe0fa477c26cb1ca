"""CodeBuild models: a build, its phases and their contexts, and the responses around it.

Pure data: nothing here talks to AWS. Attribute names are boto3's keys in snake_case
(``s3DeepLink`` -> ``s3_deep_link``); every attribute is ``None`` when AWS omits the key,
lists included. Members a model does not declare (AWS adds some every year) are kept: read
them with ``jobkit.extras(model)``. Environment variable values are hidden in ``repr()``,
and so are credentials in source and log URLs.

A build is terminal once ``build_status`` is SUCCEEDED, FAILED, FAULT, TIMED_OUT or STOPPED;
``Build.failed_phase`` is the first phase that ended otherwise than SUCCEEDED, and its
``reason`` joins what the phase's contexts say.

Names are loaded on first use (PEP 562): importing a light private module of this package
does not build the models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobkit._loading import exports

if TYPE_CHECKING:
    from jobkit.codebuild._models import (
        AutoRetryConfig,
        BatchGetBuildsResponse,
        BucketOwnerAccess,
        Build,
        BuildArtifacts,
        BuildPhase,
        BuildPhaseType,
        BuildStatusConfig,
        CacheMode,
        CacheType,
        CloudWatchLogsConfig,
        ComputeConfiguration,
        ComputeType,
        CredentialProviderType,
        DebugSession,
        DockerServer,
        DockerServerStatus,
        EnvironmentType,
        EnvironmentVariable,
        EnvironmentVariableType,
        ExportedEnvironmentVariable,
        FileSystemType,
        GitSubmodulesConfig,
        HostKernel,
        ImagePullCredentialsType,
        ListBuildsForProjectResponse,
        LogsConfigStatusType,
        LogsLocation,
        MachineType,
        NetworkInterface,
        PhaseContext,
        ProjectCache,
        ProjectEnvironment,
        ProjectFileSystemLocation,
        ProjectFleet,
        ProjectSource,
        ProjectSourceVersion,
        RegistryCredential,
        S3LogsConfig,
        SourceAuth,
        SourceAuthType,
        SourceType,
        StartBuildResponse,
        StatusType,
        StopBuildResponse,
        VpcConfig,
    )

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

_MODELS = "jobkit.codebuild._models"


__getattr__, __dir__ = exports(globals(), dict.fromkeys(__all__, _MODELS))
