"""The converter's wire rules: names, enums, timestamps, tuples, unknown keys, errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone, tzinfo

import pytest
from botocore.utils import parse_timestamp

import jobkit
from jobkit import devicefarm, iot, structure, unstructure
from jobkit.errors import ConversionError, JobkitError


def test_camel_case_keys_map_to_snake_case_attributes() -> None:
    job = structure(
        {"device": {"heapSize": 42, "modelId": "GP8"}, "jobArn": "ignored"}, devicefarm.Job
    )
    assert job.device is not None
    assert job.device.heap_size == 42
    assert job.device.model_id == "GP8"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (datetime(2026, 1, 2, 3, 4, 5), datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),  # noqa: DTZ001
        ("2026-01-02T03:04:05Z", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2026-01-02T03:04:05", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2026-01-02T05:04:05+02:00", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (1767323045, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (1767323045.5, datetime(2026, 1, 2, 3, 4, 5, 500000, tzinfo=UTC)),
        ("1767323045", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ],
)
def test_timestamps_become_aware(raw: object, expected: datetime) -> None:
    created = structure({"created": raw}, devicefarm.Job).created
    assert created == expected
    assert created is not None
    assert created.tzinfo is not None


def test_timestamp_zone_is_kept() -> None:
    created = structure({"created": "2026-01-02T05:04:05+02:00"}, devicefarm.Job).created
    assert created is not None
    assert created.utcoffset() == timedelta(hours=2)
    assert created.tzinfo == timezone(timedelta(hours=2))


def test_lists_are_tuples_and_absent_is_none() -> None:
    job = structure({"targets": ["a", "b"]}, iot.Job)
    assert job.targets == ("a", "b")
    assert job.abort_config is None
    assert structure({}, iot.Job).targets is None


def test_unknown_keys_are_kept_not_declared() -> None:
    raw = {"status": "RUNNING", "brandNewMember": {"x": 1}, "ResponseMetadata": {}}
    job = structure(raw, devicefarm.Job)
    assert job.status is devicefarm.ExecutionStatus.RUNNING
    assert dict(jobkit.extras(job)) == {"brandNewMember": {"x": 1}, "ResponseMetadata": {}}
    assert unstructure(job) == raw


def test_unknown_enum_is_typed_exact_and_distinguishable() -> None:
    job = structure({"type": "APPIUM_DART", "status": "RUNNING"}, devicefarm.Job)
    assert isinstance(job.type, devicefarm.TestType)
    assert job.type.value == "APPIUM_DART"
    assert job.type == "APPIUM_DART"
    assert job.type.is_known is False
    assert job.type not in devicefarm.TestType
    assert job.type not in list(devicefarm.TestType)
    assert job.status is devicefarm.ExecutionStatus.RUNNING
    assert job.status.is_known is True
    assert job.status in devicefarm.ExecutionStatus
    assert repr(job.type) == "<TestType unknown: 'APPIUM_DART'>"
    again = structure({"type": "APPIUM_DART"}, devicefarm.Job).type
    assert again is job.type
    assert unstructure(job)["type"] == "APPIUM_DART"
    assert type(unstructure(job)["type"]) is str


def test_seed_documented_enum_values_are_known() -> None:
    assert devicefarm.TestType("CALABASH") is devicefarm.TestType.CALABASH
    assert devicefarm.TestType.CALABASH.is_known


def test_json_mode_is_json_serialisable() -> None:
    job = structure(
        {
            "created": datetime(2026, 1, 2, tzinfo=UTC),
            "status": "RUNNING",
            "device": {"instances": [{"labels": ["x"]}]},
        },
        devicefarm.Job,
    )
    out = unstructure(job, mode="json")
    assert out == {
        "created": "2026-01-02T00:00:00+00:00",
        "status": "RUNNING",
        "device": {"instances": [{"labels": ["x"]}]},
    }
    assert json.loads(json.dumps(out)) == out
    assert structure(out, devicefarm.Job) == job


def test_bad_shape_raises_a_jobkit_error_naming_the_path() -> None:
    with pytest.raises(ConversionError) as info:
        structure({"device": {"heapSize": "lots"}}, devicefarm.Job)
    assert isinstance(info.value, JobkitError)
    assert isinstance(info.value, ValueError)
    assert "$.device.heapSize" in str(info.value)
    assert "jobkit.devicefarm.Job" in str(info.value)


def test_non_string_enum_value_is_refused() -> None:
    with pytest.raises(ConversionError, match=r"\$\.status"):
        structure({"status": 3}, devicefarm.Job)


def test_models_are_frozen_and_keyword_only() -> None:
    job = devicefarm.Job(name="x")
    with pytest.raises(AttributeError):
        job.name = "y"  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
    with pytest.raises(TypeError):
        devicefarm.Job("x")  # type: ignore[call-arg, arg-type]  # pyright: ignore[reportCallIssue]


def test_converter_is_public_and_extensible() -> None:
    assert jobkit.converter.structure({"status": "RUNNING"}, devicefarm.Job).status == "RUNNING"


class _PlusTwo(tzinfo):
    """A zone that is not a datetime.timezone, equal only to itself."""

    def utcoffset(self, dt: datetime | None) -> timedelta:  # noqa: ARG002
        return timedelta(hours=2)

    def dst(self, dt: datetime | None) -> timedelta:  # noqa: ARG002
        return timedelta(0)

    def tzname(self, dt: datetime | None) -> str:  # noqa: ARG002
        return "+02"


def test_botocores_zone_per_timestamp_becomes_one_shared_zone() -> None:
    # botocore parses each epoch timestamp with a tzlocal() of its own; models keep one of
    # those equal zones (100,000 models, 3 stamps each), with the same instant and offset.
    stamps = [parse_timestamp(str(1767323045 + i)) for i in range(3)]
    assert len({id(s.tzinfo) for s in stamps}) == 3
    jobs = [structure({"created": s, "started": s}, devicefarm.Job) for s in stamps]
    zones = {id(j.created.tzinfo) for j in jobs if j.created is not None}
    zones |= {id(j.started.tzinfo) for j in jobs if j.started is not None}
    assert len(zones) == 1
    for job, raw in zip(jobs, stamps, strict=True):
        assert job.created == raw
        assert job.created is not None
        assert job.created.utcoffset() == raw.utcoffset()
        assert job.created.isoformat() == raw.isoformat()
        assert type(job.created.tzinfo) is type(raw.tzinfo)


def test_a_zone_equal_to_no_zone_before_it_is_kept() -> None:
    first, second = _PlusTwo(), _PlusTwo()
    a = structure({"created": datetime(2026, 1, 2, 3, 4, 5, tzinfo=first)}, devicefarm.Job)
    b = structure({"created": datetime(2026, 1, 2, 3, 4, 5, tzinfo=second)}, devicefarm.Job)
    assert a.created is not None
    assert b.created is not None
    assert (a.created.tzinfo, b.created.tzinfo) == (first, second)
    assert a.created.tzinfo is first
    assert b.created.tzinfo is second
    assert b.created.isoformat() == "2026-01-02T03:04:05+02:00"
