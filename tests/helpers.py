"""Test helpers shared by several test modules: which model answers which operation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import botocore
import botocore.session
import pytest
from packaging.version import Version

from jobkit._services import calls, operations

CALLS = calls()
OPERATIONS = operations()

RESPONSE_MODELS: dict[tuple[str, str], type[Any]] = {
    **{(op.service, op.method): op.response for op in OPERATIONS},
    **{(call.service, call.method): call.response for call in CALLS},
}
RESOURCE_KEYS: dict[tuple[str, str], str] = {
    **{(op.service, op.method): op.key for op in OPERATIONS},
    **{(call.service, call.method): call.key for call in CALLS},
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


def _pinned_botocore() -> Version:
    """The botocore the models follow: the one constraints.txt pins (``nox -s lock``)."""
    text = (Path(__file__).resolve().parent.parent / "constraints.txt").read_text(encoding="utf-8")
    found = re.search(r"^botocore==(\S+)$", text, re.MULTILINE)
    assert found, "constraints.txt pins no botocore"
    return Version(found.group(1))


INSTALLED_BOTOCORE = Version(botocore.__version__)
PINNED_BOTOCORE = _pinned_botocore()

on_pinned_botocore = pytest.mark.skipif(
    INSTALLED_BOTOCORE < PINNED_BOTOCORE,
    reason=(
        f"asserts what botocore {PINNED_BOTOCORE} itself does (or declares); the installed "
        f"{INSTALLED_BOTOCORE} (nox -s lowest) predates it"
    ),
)
"""For tests of botocore's own behaviour or members, which the dependency floors predate."""


def moto_codebuild_answers_json(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make moto's server label its CodeBuild answers as the JSON they are.

    botocore >= 1.44 lists CodeBuild's protocols as ``smithy-rpc-v2-cbor`` then ``json``; the
    client speaks ``json``, and moto (5.2.5) answers with a JSON body but, reading only the
    first protocol, the content type ``text``, which jobkit refuses as not JSON. A patch of
    moto, not of jobkit: AWS itself answers ``application/x-amz-json-1.1``.
    """
    from moto.core import serialize  # noqa: PLC0415 -- test-only dependency

    original = serialize.BaseJSONSerializer._get_protocol_specific_content_type  # pyright: ignore[reportPrivateUsage]

    def content_type(self: Any) -> str:
        found: str = original(self)
        return "application/x-amz-json-1.1" if found == "text" else found

    monkeypatch.setattr(
        serialize.BaseJSONSerializer, "_get_protocol_specific_content_type", content_type
    )
