"""What CI scripts do around a wait, as sans-I/O flows the sync and async facades both run.

A flow is a generator: it yields :class:`Ask` (one boto3 call to make) and is sent the
response; its return value is the answer. The sync facade drives it with ``_call``, the
async one with ``_acall``. Paging lives here once; each service's folder holds its own flows
(``jobkit.devicefarm._flows``).
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import frozen

from jobkit._convert._converter import structure

if TYPE_CHECKING:
    from jobkit._engine._operations import Call

__all__ = ["MAX_PAGES", "Ask", "Flow", "pages"]

T = TypeVar("T")

MAX_PAGES = 10_000
"""A bound on pages per listing, so a token AWS keeps repeating cannot loop forever."""


@frozen
class Ask:
    """One boto3 call a flow needs: method, API name (for errors), what it is about, parameters."""

    method: str
    api: str
    what: str
    params: Mapping[str, Any]
    require: str | None = None


Flow = Generator[Ask, dict[str, Any], T]


def pages(call: Call, what: str, params: Mapping[str, Any]) -> Flow[tuple[Any, ...]]:
    """Every item of a paged list call, converted to the call's item model, in AWS's order.

    A call without an item model (``Call.model_name`` is None) lists plain values: kept as is.
    """
    items: list[Any] = []
    model = call.model
    base = dict(params)
    if call.page_size is not None:
        base.setdefault(*call.page_size)
    token: str | None = None
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        asked = {**base, "nextToken": token} if token else base
        response = yield Ask(call.method, call.api, what, asked)
        raw: list[Any] = response.get(call.key) or []
        items.extend(raw if model is None else (structure(item, model) for item in raw))
        token = response.get("nextToken") if call.paged else None
        if not token or token in seen:
            break
        seen.add(token)
    return tuple(items)
