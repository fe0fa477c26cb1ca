"""Test helpers shared by several test modules: which model answers which operation."""

from __future__ import annotations

from typing import Any

import botocore.session

from jobkit import amplify, devicefarm, iot

RESPONSE_MODELS: dict[tuple[str, str], type[Any]] = {
    ("devicefarm", "get_job"): devicefarm.GetJobResponse,
    ("devicefarm", "get_remote_access_session"): devicefarm.GetRemoteAccessSessionResponse,
    ("amplify", "get_job"): amplify.GetJobResponse,
    ("iot", "describe_job"): iot.DescribeJobResponse,
    ("iot", "describe_job_execution"): iot.DescribeJobExecutionResponse,
}

RESOURCE_KEYS: dict[tuple[str, str], str] = {
    ("devicefarm", "get_job"): "job",
    ("devicefarm", "get_remote_access_session"): "remoteAccessSession",
    ("amplify", "get_job"): "job",
    ("iot", "describe_job"): "job",
    ("iot", "describe_job_execution"): "execution",
}


def make_client(service: str, region_name: str = "us-west-2", **kwargs: Any) -> Any:
    """A real botocore client with dummy credentials (typed Any: tests call any operation)."""
    client: Any = botocore.session.get_session().create_client(
        service,
        region_name=region_name,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        **kwargs,
    )
    return client
