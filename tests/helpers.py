"""Test helpers shared by several test modules: which model answers which operation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import botocore.session
from botocore.stub import Stubber as _BotocoreStubber

from jobkit._operations import CALLS, OPERATIONS
from jobkit._stubs import declared_only

if TYPE_CHECKING:
    from collections.abc import Mapping

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


class Stubber(_BotocoreStubber):
    """botocore's Stubber, handed only the members the installed botocore declares.

    Canned responses follow the newest botocore; at the dependency floors (`nox -s lowest`)
    the Stubber would refuse newer members that a real parser simply drops.
    """

    def add_response(
        self,
        method: str,
        service_response: Mapping[str, Any],
        expected_params: Mapping[str, Any] | None = None,
    ) -> None:
        """Queue ``service_response`` without the members this botocore does not declare."""
        meta: Any = self.client.meta
        shape = meta.service_model.operation_model(meta.method_to_api_mapping[method]).output_shape
        super().add_response(method, declared_only(dict(service_response), shape), expected_params)
