"""Generated responses (from botocore's shapes) always structure and always round-trip."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import RESPONSE_MODELS
from jobkit import AwsEnum, structure, unstructure
from jobkit._stubs import OPERATIONS, output_shape
from strategies import from_shape


@pytest.mark.parametrize(("service", "operation"), list(OPERATIONS))
@given(data=st.data())
def test_generated_responses_round_trip(service: str, operation: str, data: st.DataObject) -> None:
    response = data.draw(from_shape(output_shape(service, operation)))
    model = structure(response, RESPONSE_MODELS[service, operation])
    assert unstructure(model) == response
    # is_terminal / outcome are total: they never raise on any status or result.
    resource = next(iter(_resources(model)), None)
    if resource is not None:
        assert resource.is_terminal == (resource.outcome is not None)


@given(value=st.text(max_size=20))
def test_unknown_enum_values_are_kept_exactly(value: str) -> None:
    from jobkit import devicefarm  # noqa: PLC0415

    status = structure({"status": value}, devicefarm.Job).status
    assert isinstance(status, devicefarm.ExecutionStatus)
    assert status.value == value
    assert status == value
    assert status.is_known == (value in devicefarm.ExecutionStatus._value2member_map_)
    assert unstructure(structure({"status": value}, devicefarm.Job)) == {"status": value}


def _resources(model: Any) -> list[Any]:
    out: list[Any] = []
    for name in ("job", "remote_access_session", "execution", "build"):
        value = getattr(model, name, None)
        if value is not None:
            out.append(value)
    out.extend(getattr(model, "builds", None) or ())  # BatchGetBuilds: a list of resources
    return out


def test_enum_members_are_aws_enums() -> None:
    from jobkit import iot  # noqa: PLC0415

    assert issubclass(iot.JobStatus, AwsEnum)
