"""Every public method of a sync facade has an async twin in jobkit.aio (issue 17).

The walk starts from the sync class's own names, so a method added there without its twin
fails here. A method the sync facade defines itself (it calls AWS) must be a coroutine
function in jobkit.aio with the same parameters; what both share (handles such as
``.job(...)``, default policies) stays as it is.
"""

from __future__ import annotations

import inspect

import pytest

from jobkit import Amplify, DeviceFarm, IoT, aio

PAIRS = [(DeviceFarm, aio.DeviceFarm), (Amplify, aio.Amplify), (IoT, aio.IoT)]


def _public(cls: type) -> list[str]:
    return sorted(name for name in dir(cls) if not name.startswith("_"))


def _owner(cls: type, name: str) -> type:
    return next(klass for klass in cls.__mro__ if name in vars(klass))


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=lambda c: c.__name__)
def test_the_async_facade_has_every_public_name_of_the_sync_one(sync: type, async_: type) -> None:
    missing = [name for name in _public(sync) if not hasattr(async_, name)]
    assert missing == []


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=lambda c: c.__name__)
def test_what_calls_aws_is_a_coroutine_function_with_the_same_parameters(
    sync: type, async_: type
) -> None:
    shared = set(async_.__mro__)
    calls_aws = [
        name
        for name in _public(sync)
        if _owner(sync, name) not in shared and inspect.isfunction(getattr(sync, name))
    ]
    assert "describe_job_response" in calls_aws or sync is not IoT
    assert len(calls_aws) >= 3
    for name in calls_aws:
        twin = getattr(async_, name)
        assert inspect.iscoroutinefunction(twin), name
        theirs = inspect.signature(getattr(sync, name)).parameters
        ours = inspect.signature(twin).parameters
        assert [(p.name, p.kind, p.default) for p in ours.values()] == [
            (p.name, p.kind, p.default) for p in theirs.values()
        ], name


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=lambda c: c.__name__)
def test_handles_and_policies_stay_plain(sync: type, async_: type) -> None:
    shared = [name for name in _public(sync) if _owner(sync, name) in set(async_.__mro__)]
    assert shared  # job(...), JOB_POLICY, max_http_attempts ...
    for name in shared:
        assert not inspect.iscoroutinefunction(getattr(async_, name)), name


def test_async_describe_job_response_reads_the_whole_response() -> None:
    import asyncio  # noqa: PLC0415

    from helpers import make_client  # noqa: PLC0415
    from jobkit.testing import Stubber  # noqa: PLC0415

    client = make_client("iot")
    response = {
        "documentSource": "s3://bucket/job.json",
        "job": {"jobId": "ota-1", "status": "IN_PROGRESS", "targetSelection": "SNAPSHOT"},
    }
    with Stubber(client) as stubber:
        stubber.add_response(
            "describe_job", response, {"jobId": "ota-1", "beforeSubstitution": True}
        )
        got = asyncio.run(aio.IoT(client).describe_job_response("ota-1", before_substitution=True))
    assert got.document_source == "s3://bucket/job.json"
    assert got.job is not None
    assert got.job.job_id == "ota-1"
