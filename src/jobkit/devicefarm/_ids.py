"""Device Farm's id checks: ARNs of the right resource type, refused before any call."""

from __future__ import annotations

import re

from jobkit._engine._validation import (
    ARN,
    SERVICE_NAMES,
    fail,
    plain,
    shown,
    text_id,
)
from jobkit.errors import InvalidArgumentError

__all__ = ["devicefarm_arn", "devicefarm_arn_of"]

# botocore's pattern and length bounds of AmazonResourceName.
_DEVICEFARM_TYPES = {
    "project": "project",
    "run": "run",
    "job": "job",
    "suite": "suite",
    "test": "test",
    "device": "device",
    "session": "remote access session",
    "upload": "upload",
    "devicepool": "device pool",
    "deviceinstance": "device instance",
    "instanceprofile": "instance profile",
    "networkprofile": "network profile",
    "vpceconfiguration": "VPC endpoint configuration",
    "artifact": "artifact",
    "sample": "sample",
    "testgrid-project": "test grid project",
    "testgrid-session": "test grid session",
}
_HINTS = {
    ("run", "job"): "pass the ARN of one of its jobs (list_jobs(arn=RUN_ARN) lists them)",
    ("suite", "job"): "pass the ARN of the job that contains it",
    ("test", "job"): "pass the ARN of the job that contains it",
    ("device", "job"): "a device is not a job; pass the job ARN from list_jobs",
    (
        "job",
        "run",
    ): "pass the ARN of the run that contains it (...:run:PROJECT/RUN), or wait for the job",
    ("suite", "run"): "pass the ARN of the run that contains it",
    ("test", "run"): "pass the ARN of the run that contains it",
}
_DEVICEFARM_ARN_MIN, _DEVICEFARM_ARN_MAX = 32, 1011
_DEVICEFARM_ARN = re.compile(r"^arn:aws:devicefarm:.+")


def devicefarm_arn(value: object, expected: str, *, name: str = "arn") -> str:
    """Check that ``value`` is a Device Farm ARN of resource type ``expected``."""
    wanted = _DEVICEFARM_TYPES[expected]
    text = text_id(value, name)
    if len(text) > _DEVICEFARM_ARN_MAX:
        msg = (
            f"{name} {shown(text, 40)} is too long; a Device Farm ARN has "
            f"{_DEVICEFARM_ARN_MIN} to {_DEVICEFARM_ARN_MAX} characters, so pass the {wanted} ARN."
        )
        raise fail(msg)
    arn = plain(text, name, f"a Device Farm {wanted} ARN", "pass the ARN exactly as AWS shows it.")
    match = ARN.fullmatch(arn)
    if match is None:
        msg = f"{name} {shown(arn)} is not an ARN; pass the Device Farm {wanted} ARN (arn:aws:devicefarm:...)."
        raise fail(msg)
    service, kind = match["service"], match["type"]
    if service != "devicefarm":
        what = SERVICE_NAMES.get(service, f"a {service!r}")
        msg = (
            f"{name} {shown(arn)} is {what} ARN, not a Device Farm one; "
            f"pass the Device Farm {wanted} ARN."
        )
        raise fail(msg)
    if kind != expected:
        found = _DEVICEFARM_TYPES.get(kind, kind)
        hint = _HINTS.get((kind, expected), f"pass a Device Farm {wanted} ARN")
        msg = f"{name} {shown(arn)} is a Device Farm {found} ARN, not a {wanted} ARN; {hint}."
        raise fail(msg)
    if not _DEVICEFARM_ARN.match(arn):
        msg = (
            f"{name} {shown(arn)} is not in the aws partition; Device Farm runs only in "
            f"us-west-2, so pass an arn:aws:devicefarm:... {wanted} ARN."
        )
        raise fail(msg)
    if len(arn) < _DEVICEFARM_ARN_MIN:
        msg = (
            f"{name} {shown(arn)} has {len(arn)} characters; a Device Farm ARN has "
            f"{_DEVICEFARM_ARN_MIN} to {_DEVICEFARM_ARN_MAX}, so pass the whole {wanted} ARN."
        )
        raise fail(msg)
    return arn


def devicefarm_arn_of(
    value: object, kinds: tuple[str, ...], *, name: str = "arn"
) -> tuple[str, str]:
    """Check a Device Farm ARN of one of ``kinds`` (``("run", "job")``); return it and its kind."""
    match = ARN.fullmatch(value) if isinstance(value, str) else None
    if match is not None and match["service"] == "devicefarm" and match["type"] in kinds:
        return devicefarm_arn(value, match["type"], name=name), match["type"]
    try:
        devicefarm_arn(value, kinds[0], name=name)
    except InvalidArgumentError:
        if match is None or match["service"] != "devicefarm":
            raise
    assert match is not None  # noqa: S101 -- only a Device Farm ARN of another kind gets here
    wanted = " or ".join(_DEVICEFARM_TYPES[k] for k in kinds)
    found = _DEVICEFARM_TYPES.get(match["type"], match["type"])
    msg = (
        f"{name} {shown(value)} is a Device Farm {found} ARN, not a {wanted} ARN; "
        f"pass the ARN of the {wanted} it belongs to."
    )
    raise fail(msg)
