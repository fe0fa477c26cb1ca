"""Test helpers shared by several test modules: which model answers which operation."""

from __future__ import annotations

from typing import Any

import botocore.session

from jobkit._operations import CALLS, OPERATIONS

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
