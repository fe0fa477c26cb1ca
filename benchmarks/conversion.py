"""Conversion cost: boto3 dict -> typed model, and back, against the alternatives."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from typing import Any

import botocore.parsers
import msgspec
from _timing import interleaved
from equivalents import msgspec_struct, pydantic_model
from handwritten import devicefarm_job, iot_job_execution

import jobkit
from jobkit import amplify, devicefarm, iot
from jobkit._stubs import OPERATIONS, load_stub, output_shape

CASES: list[tuple[str, str, str, str, str, type[Any]]] = [
    # (label, service, operation, scenario, response key, model)
    ("Device Farm job", "devicefarm", "get_job", "passed", "job", devicefarm.Job),
    (
        "Device Farm session",
        "devicefarm",
        "get_remote_access_session",
        "running",
        "remoteAccessSession",
        devicefarm.RemoteAccessSession,
    ),
    ("Amplify job", "amplify", "get_job", "succeed", "job", amplify.Job),
    ("IoT job", "iot", "describe_job", "in_progress", "job", iot.Job),
    (
        "IoT job execution",
        "iot",
        "describe_job_execution",
        "in_progress",
        "execution",
        iot.JobExecution,
    ),
]
HANDWRITTEN = {devicefarm.Job: devicefarm_job, iot.JobExecution: iot_job_execution}


def _wire_body(response: dict[str, Any]) -> dict[str, Any]:
    """The HTTP response botocore would parse: JSON with epoch-second timestamps."""
    body = json.dumps(response, default=lambda v: v.timestamp() if isinstance(v, datetime) else v)
    return {"body": body.encode(), "headers": {}, "status_code": 200}


def _with_unknown_enums(raw: dict[str, Any]) -> dict[str, Any]:
    unknown = copy.deepcopy(raw)
    unknown.update(type="APPIUM_DART", status="HIBERNATING", result="FLAKY")
    unknown["device"].update(formFactor="FOLDABLE", platform="HARMONYOS", availability="RESERVED")
    for instance in unknown["device"]["instances"]:
        instance["status"] = "QUARANTINED"
    return unknown


def _with_unknown_keys(raw: dict[str, Any]) -> dict[str, Any]:
    """Five members this release does not declare, at four levels (as a future AWS might send)."""
    unknown = copy.deepcopy(raw)
    unknown.update(shardIndex=3, retryPolicy={"maxRetries": 2, "backoff": "LINEAR"})
    unknown["device"]["thermalState"] = "NOMINAL"
    unknown["device"]["cpu"]["cores"] = 8
    unknown["insights"]["testReport"]["metrics"]["testsFlaky"] = 1
    return unknown


def _case(
    label: str,
    service: str,
    operation: str,
    scenario: str,
    key: str,
    model: type[Any],
    rounds: int,
    batch: int,
) -> list[dict[str, Any]]:
    response = load_stub(service, operation, scenario)
    raw = response[key]
    shape = output_shape(service, operation)
    parser = botocore.parsers.create_parser(_protocol(service))
    wire = _wire_body(response)
    pyd = pydantic_model(model)
    msg = msgspec_struct(model)
    typed = jobkit.structure(raw, model)
    pyd_obj = pyd.model_validate(raw)
    candidates: dict[str, Any] = {
        "botocore parse of the HTTP body": lambda: parser.parse(wire, shape),
        "jobkit.structure": lambda: jobkit.structure(raw, model),
        "pydantic model_validate": lambda: pyd.model_validate(raw),
        "msgspec.convert": lambda: msgspec.convert(raw, msg),
        "jobkit.unstructure": lambda: jobkit.unstructure(typed),
        "pydantic model_dump(by_alias)": lambda: pyd_obj.model_dump(
            by_alias=True, exclude_none=True
        ),
    }
    if model in HANDWRITTEN:
        hand = HANDWRITTEN[model]
        # The floor must build exactly what jobkit builds, or the ratio means nothing.
        assert hand(raw) == typed, label
        candidates["hand-written (floor)"] = lambda: hand(raw)
    if model is devicefarm.Job:
        unknown = _with_unknown_enums(raw)
        candidates["jobkit.structure, 8 unknown enums"] = lambda: jobkit.structure(unknown, model)
        extra, floor = _with_unknown_keys(raw), HANDWRITTEN[model]
        assert floor(extra) == jobkit.structure(extra, model), label
        assert jobkit.unstructure(jobkit.structure(extra, model)) == extra, label
        candidates["jobkit.structure, 5 unknown keys"] = lambda: jobkit.structure(extra, model)
        candidates["hand-written (floor), 5 unknown keys"] = lambda: floor(extra)
    times = interleaved(candidates, rounds=rounds, batch=batch)
    base = times["jobkit.structure"]
    return [
        {
            "resource": label,
            "method": name,
            "us": seconds * 1e6,
            "x jobkit.structure": seconds / base,
        }
        for name, seconds in times.items()
    ]


def run(rounds: int = 60, batch: int = 40) -> list[dict[str, Any]]:
    """One row per (resource, method): median microseconds per call and ratios."""
    rows: list[dict[str, Any]] = []
    for case in CASES:
        rows += _case(*case, rounds=rounds, batch=batch)
    return rows


def _protocol(service: str) -> str:
    import botocore.session  # noqa: PLC0415

    return str(botocore.session.get_session().get_service_model(service).metadata["protocol"])


__all__ = ["OPERATIONS", "run"]
