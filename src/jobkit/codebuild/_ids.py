"""CodeBuild's id checks: build ids (or build ARNs) and project names, refused before any call."""

from __future__ import annotations

import re
from typing import NoReturn

from jobkit._engine._validation import ARN, SERVICE_NAMES, fail, plain, shown

__all__ = ["build_id", "codebuild_build_id", "project_name"]

# botocore's ProjectName (CreateProject's ``name``): 2-150 characters, this pattern. StartBuild
# and ListBuildsForProject take any non-empty string, but no project can have another name.
_PROJECT = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_]{1,149}")
_PROJECT_MAX = 150
# A build id is ``PROJECT:UUID`` (CodeBuild's own ids are lowercase UUIDs; any case passes).
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_BUILD_ARN = re.compile(r"arn:aws[a-z-]*:codebuild:[a-z0-9-]+:[0-9]{12}:build/(?P<id>.+)")
_PROJECT_ARN = re.compile(r"arn:aws[a-z-]*:codebuild:[a-z0-9-]+:[0-9]{12}:project/(?P<name>.+)")
_PROJECT_ADVICE = (
    "a project name is 2-150 letters, digits, '-' or '_', starting with a letter or digit."
)
_BUILD_ADVICE = (
    "pass the build id as CodeBuild shows it (PROJECT:UUID, e.g. 'checkout-web:1a2b3c42-5c3e-"
    "4b1a-9f0d-2e7a6b8c9d0e') or its ARN."
)


def _foreign(text: str, name: str, wanted: str, advice: str) -> NoReturn:
    """Refuse an ARN that is not ``wanted`` (another service's, or another CodeBuild resource)."""
    match = ARN.fullmatch(text)
    if match is not None and match["service"] != "codebuild":
        found = SERVICE_NAMES.get(match["service"], f"a {match['service']!r}") + " ARN"
    elif match is not None:
        found = f"a CodeBuild {match['type']} ARN, not a {wanted} ARN"
    else:
        found = f"not a CodeBuild {wanted} ARN"
    msg = f"{name} {shown(text)} is {found}; {advice}"
    raise fail(msg)


def _project(text: str, name: str) -> str:
    """Check a bare project name (no ARN) against botocore's ProjectName."""
    if len(text) > _PROJECT_MAX:
        msg = f"{name} {shown(text, 40)} is too long; {_PROJECT_ADVICE}"
        raise fail(msg)
    if not _PROJECT.fullmatch(text):
        msg = f"{name} {shown(text)} is not a CodeBuild project name; {_PROJECT_ADVICE}"
        raise fail(msg)
    return text


def project_name(value: object, name: str = "project_name") -> str:
    """Check a CodeBuild project name, or a project ARN (reduced to the name); return the name.

    ``arn:aws:codebuild:REGION:ACCOUNT:project/NAME`` is accepted wherever a name is.
    """
    text = plain(value, name, "a CodeBuild project name", _PROJECT_ADVICE)
    if text.startswith("arn:"):
        arn = _PROJECT_ARN.fullmatch(text)
        if arn is None:
            _foreign(text, name, "project", "pass the project's name or its ARN.")
        text = arn["name"]
    return _project(text, name)


def build_id(value: object, name: str = "build_id") -> str:
    """Check a CodeBuild build id (``PROJECT:UUID``) or build ARN; return the id.

    ``arn:aws:codebuild:REGION:ACCOUNT:build/PROJECT:UUID`` is accepted wherever an id is,
    and reduced to ``PROJECT:UUID`` (what ``Build.id`` holds).
    """
    text = plain(value, name, "a CodeBuild build id", _BUILD_ADVICE)
    if text.startswith("arn:"):
        arn = _BUILD_ARN.fullmatch(text)
        if arn is None:
            _foreign(text, name, "build", _BUILD_ADVICE)
        text = arn["id"]
    project, colon, uuid = text.rpartition(":")
    if not colon or not project:
        msg = f"{name} {shown(text)} is not a CodeBuild build id (no ':'); {_BUILD_ADVICE}"
        raise fail(msg)
    if not _UUID.fullmatch(uuid):
        msg = (
            f"{name} {shown(text)} is not a CodeBuild build id (the part after ':' is not a "
            f"UUID); {_BUILD_ADVICE}"
        )
        raise fail(msg)
    if not _PROJECT.fullmatch(project):
        msg = (
            f"{name} {shown(text)} is not a CodeBuild build id (its project part is not a "
            f"project name); {_BUILD_ADVICE}"
        )
        raise fail(msg)
    return text


def codebuild_build_id(value: object) -> tuple[str]:
    """The row's check: one build id (or ARN), as the ids tuple."""
    return (build_id(value),)
