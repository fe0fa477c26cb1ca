"""The models cover everything botocore's service model declares for the five outputs."""

from __future__ import annotations

import attrs
import pytest
from botocore.model import StructureShape

from drift import missing, undeclared
from helpers import RESPONSE_MODELS, on_pinned_botocore
from jobkit import AwsEnum
from jobkit._stubs import OPERATIONS, output_shape


@pytest.mark.parametrize(("service", "operation"), list(OPERATIONS))
def test_models_cover_botocore(service: str, operation: str) -> None:
    gaps = missing(output_shape(service, operation), RESPONSE_MODELS[service, operation], operation)
    assert [str(g) for g in gaps] == []


def test_drift_check_catches_a_missing_member() -> None:
    @attrs.frozen(kw_only=True)
    class Partial:
        arn: str | None = None

    shape = output_shape("devicefarm", "get_job").members["job"]
    assert isinstance(shape, StructureShape)
    gaps = {g.path: g for g in missing(shape, Partial, "job")}
    assert str(gaps["job.name"]) == "job.name: declared by botocore, no attribute on Partial"
    assert "    name: str | None = None" in gaps["job.name"].fix
    assert "    status: ExecutionStatus | None = None" in gaps["job.status"].fix
    assert "new enum class ExecutionStatus(AwsEnum):" in gaps["job.status"].fix
    assert len(gaps) == len(shape.members) - 1


class _Status(AwsEnum):
    PENDING = "PENDING"


@attrs.frozen(kw_only=True)
class _WithPrivate:
    # Module level: get_type_hints resolves these string annotations in the module's namespace.
    status: _Status | None = None
    _extras: dict[str, object] | None = None


def test_drift_check_names_missing_enum_values_and_skips_private_fields() -> None:
    shape = output_shape("devicefarm", "get_job").members["job"]
    assert isinstance(shape, StructureShape)
    gaps = {g.path: g for g in missing(shape, _WithPrivate, "job")}
    assert "_Status lacks" in gaps["job.status"].problem
    assert "    RUNNING = 'RUNNING'" in gaps["job.status"].fix
    assert undeclared(shape, _WithPrivate, "job") == []


# An older botocore (nox -s lowest) lacks members the models rightly declare (Device Farm
# `insights` since 1.44.0, `Device.type` since 1.44.8, ...), so this direction only means
# something against the botocore the models were last synced with, or a newer one.
@on_pinned_botocore
@pytest.mark.parametrize(("service", "operation"), list(OPERATIONS))
def test_every_model_attribute_is_a_documented_member(service: str, operation: str) -> None:
    """The reverse direction: only seed-era and newer-botocore members may be absent."""
    seed_only = {
        "insights",  # Device Farm job insights, botocore >= 1.44
        "remoteRecordEnabled",
        "remoteRecordAppArn",
        "hostAddress",
        "clientId",
        "remoteDebugEnabled",
    }
    found = undeclared(
        output_shape(service, operation), RESPONSE_MODELS[service, operation], operation
    )
    assert [p for p in found if p.rsplit(".", 1)[-1] not in seed_only] == []
