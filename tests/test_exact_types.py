"""Types are exact: a declared member of the wrong JSON type is a ConversionError naming its path.

And every failure inside structure() is a ConversionError, whatever the input holds.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import RESPONSE_MODELS
from jobkit import amplify, devicefarm, iot, structure
from jobkit._stubs import OPERATIONS, output_shape
from jobkit.errors import ConversionError
from strategies import from_shape, json_values


def _deep(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = [value]
    return value


WRONG: list[tuple[type[Any], Any, str, str]] = [
    # (model, raw, path, what the message says was expected)
    (devicefarm.Job, {"videoCapture": "false"}, "$.videoCapture", "a boolean"),
    (devicefarm.Job, {"videoCapture": 1}, "$.videoCapture", "a boolean"),
    (devicefarm.Job, {"videoCapture": 0}, "$.videoCapture", "a boolean"),
    (devicefarm.Job, {"counters": {"total": 12.7}}, "$.counters.total", "an integer"),
    (devicefarm.Job, {"counters": {"total": 12.0}}, "$.counters.total", "an integer"),
    (devicefarm.Job, {"counters": {"total": "12"}}, "$.counters.total", "an integer"),
    (devicefarm.Job, {"counters": {"total": True}}, "$.counters.total", "an integer"),
    (devicefarm.Job, {"name": 123}, "$.name", "a string"),
    (devicefarm.Job, {"name": {"first": "Pixel"}}, "$.name", "a string"),
    (devicefarm.Job, {"name": ["Pixel"]}, "$.name", "a string"),
    (devicefarm.Job, {"name": False}, "$.name", "a string"),
    (devicefarm.Job, {"device": {"cpu": {"clock": "2.8GHz"}}}, "$.device.cpu.clock", "a number"),
    (devicefarm.Job, {"device": {"cpu": {"clock": True}}}, "$.device.cpu.clock", "a number"),
    (
        devicefarm.Job,
        {"device": {"cpu": {"clock": 10**400}}},
        "$.device.cpu.clock",
        "a number in the range of a float",
    ),
    (devicefarm.Job, {"device": {"heapSize": "lots"}}, "$.device.heapSize", "an integer"),
    (devicefarm.Job, {"device": {"instances": "i-1"}}, "$.device.instances", "a list"),
    (devicefarm.Job, {"device": {"instances": {"a": {}}}}, "$.device.instances", "a list"),
    (devicefarm.Job, {"device": {"instances": [{}, "i-2"]}}, "$.device.instances[1]", "an object"),
    (
        devicefarm.Job,
        {"device": {"instances": [{"labels": ["ok", 7]}]}},
        "$.device.instances[0].labels[1]",
        "a string",
    ),
    (
        devicefarm.Job,
        {"device": {"instances": [{"instanceProfile": {"rebootAfterUse": "yes"}}]}},
        "$.device.instances[0].instanceProfile.rebootAfterUse",
        "a boolean",
    ),
    (devicefarm.Job, {"device": "Pixel 8"}, "$.device", "an object"),
    (devicefarm.Job, {"device": _deep(5_000)}, "$.device", "an object"),
    (devicefarm.Job, {"name": _deep(5_000)}, "$.name", "a string"),
    (devicefarm.Job, {"status": 3}, "$.status", "a string (ExecutionStatus)"),
    (devicefarm.Job, {"status": ["RUNNING"]}, "$.status", "a string (ExecutionStatus)"),
    (devicefarm.Job, {"status": {"v": 1}}, "$.status", "a string (ExecutionStatus)"),
    (devicefarm.Job, {"created": True}, "$.created", "a timestamp"),
    (devicefarm.Job, {"created": [2026, 1, 2]}, "$.created", "a timestamp"),
    (devicefarm.Job, {"created": "yesterday"}, "$.created", "an ISO-8601 timestamp"),
    (devicefarm.Job, {"created": 1e20}, "$.created", "epoch seconds"),
    (devicefarm.Job, {"created": -1e20}, "$.created", "epoch seconds"),
    (devicefarm.Job, {"created": math.inf}, "$.created", "epoch seconds"),
    (devicefarm.Job, {"created": math.nan}, "$.created", "epoch seconds"),
    (devicefarm.Job, {"created": 10**400}, "$.created", "epoch seconds"),
    (devicefarm.Job, {"created": "1" * 25}, "$.created", "epoch seconds"),
    (devicefarm.Job, {"created": "9" * 400}, "$.created", "epoch seconds"),
    (devicefarm.GetJobResponse, {"job": []}, "$.job", "an object"),
    (devicefarm.GetJobResponse, {"job": {"device": {"os": 14}}}, "$.job.device.os", "a string"),
    (
        iot.JobExecution,
        {"statusDetails": {"detailsMap": [["k", "v"]]}},
        "$.statusDetails.detailsMap",
        "an object",
    ),
    (
        iot.JobExecution,
        {"statusDetails": {"detailsMap": {"k": {"nested": "v"}}}},
        "$.statusDetails.detailsMap['k']",
        "a string",
    ),
    (iot.Job, {"documentParameters": {"k": 1}}, "$.documentParameters['k']", "a string"),
    (iot.Job, {"documentParameters": "k=v"}, "$.documentParameters", "an object"),
    (iot.Job, {"targets": "arn:aws:iot:thing/a"}, "$.targets", "a list"),
    (iot.Job, {"targets": [None]}, "$.targets[0]", "a string"),
    (
        iot.Job,
        {"abortConfig": {"criteriaList": [{"thresholdPercentage": "50"}]}},
        "$.abortConfig.criteriaList[0].thresholdPercentage",
        "a number",
    ),
    (
        amplify.Job,
        {"steps": [{"screenshots": {"Pixel 8": ["https://x"]}}]},
        "$.steps[0].screenshots['Pixel 8']",
        "a string",
    ),
    (amplify.Job, {"summary": {"commitTime": {}}}, "$.summary.commitTime", "a timestamp"),
    (amplify.Job, [], "$", "an object"),
    (amplify.Job, "job", "$", "an object"),
]


@pytest.mark.parametrize(("model", "raw", "path", "expected"), WRONG)
def test_wrong_types_name_the_path(model: type[Any], raw: Any, path: str, expected: str) -> None:
    with pytest.raises(ConversionError) as info:
        structure(raw, model)
    error = info.value
    assert error.path == path
    assert f": {path}: expected {expected}" in str(error)
    assert f"{model.__module__}.{model.__qualname__}" in str(error)
    assert len(str(error)) < 300


@pytest.mark.parametrize(
    ("raw", "created"),
    [
        (1767323045, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (1767323045.25, datetime(2026, 1, 2, 3, 4, 5, 250000, tzinfo=UTC)),
        ("1767323045", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("-86400", datetime(1969, 12, 31, tzinfo=UTC)),
        ("2026-01-02T03:04:05Z", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ],
)
def test_the_three_timestamp_forms_are_accepted(raw: object, created: datetime) -> None:
    assert structure({"created": raw}, devicefarm.Job).created == created


def test_an_int_is_fine_for_a_float_member() -> None:
    cpu = structure({"clock": 2}, devicefarm.CPU)
    assert cpu.clock == 2.0
    assert type(cpu.clock) is float


def test_big_integers_are_integers() -> None:
    assert structure({"heapSize": 2**63 - 1}, devicefarm.Device).heap_size == 2**63 - 1


def test_long_values_are_elided_in_the_message() -> None:
    with pytest.raises(ConversionError) as info:
        structure({"name": ["x" * 10_000] * 1_000}, devicefarm.Job)
    assert len(str(info.value)) < 300
    assert "$.name" in str(info.value)


_BAD_SCALARS = st.one_of(
    json_values,
    st.sampled_from([math.inf, -math.inf, math.nan, 1e20, 10**400, "1" * 25, "", "NaN"]),
    st.builds(_deep, st.integers(min_value=100, max_value=3_000)),
)


def _corrupt(value: Any, data: st.DataObject) -> Any:
    """Replace some members, at any depth, with values of any type."""
    if isinstance(value, dict):
        items: dict[str, Any] = value  # pyright: ignore[reportUnknownVariableType]
        return {
            k: data.draw(_BAD_SCALARS) if data.draw(st.integers(0, 5)) == 0 else _corrupt(v, data)
            for k, v in items.items()
        }
    if isinstance(value, list):
        return [_corrupt(v, data) for v in value]  # pyright: ignore[reportUnknownVariableType]
    return value


@pytest.mark.parametrize(("service", "operation"), list(OPERATIONS))
@given(data=st.data())
def test_structure_fails_only_with_conversion_error(
    service: str, operation: str, data: st.DataObject
) -> None:
    raw = _corrupt(data.draw(from_shape(output_shape(service, operation))), data)
    failure: ConversionError | None = None
    try:
        model = structure(raw, RESPONSE_MODELS[service, operation])
    except ConversionError as error:  # anything else fails the test
        failure = error
    else:
        assert isinstance(repr(model), str)
    if failure is not None:
        assert failure.path is not None
        assert failure.path.startswith("$")
        assert len(str(failure)) < 400
