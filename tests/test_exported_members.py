"""The public surface is exactly __all__, every name resolves, and import jobkit stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import jobkit
from jobkit import errors


def test_every_exported_name_resolves() -> None:
    for name in jobkit.__all__:
        assert getattr(jobkit, name) is not None, name
    assert set(jobkit.__all__) <= set(dir(jobkit))


def test_design_names_are_public() -> None:
    for name in (
        "DeviceFarm",
        "Amplify",
        "IoT",
        "CodeBuild",
        "codebuild",
        "WaitPolicy",
        "RetryPolicy",
        "Outcome",
        "structure",
        "unstructure",
        "extras",
    ):
        assert name in jobkit.__all__
    for name in (
        "JobkitError",
        "InvalidArgumentError",
        "NotFoundError",
        "AccessDeniedError",
        "ThrottledError",
        "ServiceError",
        "WaitTimeoutError",
        "JobFailedError",
    ):
        assert name in errors.__all__
        assert issubclass(getattr(errors, name), errors.JobkitError)
    assert issubclass(errors.InvalidArgumentError, ValueError)
    from jobkit import aio  # noqa: PLC0415

    assert aio.CodeBuild.__module__ == "jobkit.codebuild._aio"
    assert "CodeBuild" in dir(aio)


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        getattr(jobkit, "NoSuchThing")  # noqa: B009


def test_import_jobkit_loads_no_service_or_dependency_up_front() -> None:
    code = "import sys, jobkit; print(sorted(m for m in sys.modules if m.split('.')[0] in {'boto3', 'botocore', 'cattrs', 'tenacity', 'jobkit'}))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == (
        "['jobkit', 'jobkit._convert', 'jobkit._convert._enums', 'jobkit._convert._outcome',"
        " 'jobkit._loading']"
    )
