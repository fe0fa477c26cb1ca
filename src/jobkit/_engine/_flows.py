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

from jobkit._convert._lazy import structure
from jobkit._engine._validation import shown
from jobkit.errors import ServiceError

if TYPE_CHECKING:
    from jobkit._engine._operations import Call

__all__ = ["MAX_PAGES", "Ask", "Flow", "Paging", "pages"]

T = TypeVar("T")

MAX_PAGES = 10_000
"""The most pages one listing reads (2.5 million IoT executions at 250 a page): past it, an error."""


class Paging:
    """The ``nextToken`` bookkeeping of one listing, shared by every paged call jobkit makes.

    A token AWS already returned in this listing, or more than :data:`MAX_PAGES` pages, is a
    ``ServiceError`` (``RepeatedNextToken``, ``TooManyPages``) instead of a loop. Tokens are
    remembered by hash, so a listing's memory does not grow with their length.
    """

    __slots__ = ("_seen", "api", "pages", "what")

    def __init__(self, api: str, what: str) -> None:
        self.api = api
        self.what = what
        self.pages = 0
        self._seen: set[int] = set()

    def next_token(self, response: Mapping[str, Any]) -> str | None:
        """The token for the page after ``response``, or ``None`` when it was the last one."""
        self.pages += 1
        token: object = response.get("nextToken")
        if token is None or token == "":
            return None
        if not isinstance(token, str):
            msg = (
                f"{self.api} on {self.what} returned a nextToken that is not text "
                f"({type(token).__name__}); try again, and report it to jobkit if it persists."
            )
            raise ServiceError(msg, code="MalformedResponse", operation=self.api, retryable=True)
        if hash(token) in self._seen:
            msg = (
                f"{self.api} for {self.what} repeated its nextToken {shown(token, 30)} after "
                f"{self.pages} pages, so the listing would never end; try again later."
            )
            raise ServiceError(msg, code="RepeatedNextToken", operation=self.api)
        if self.pages >= MAX_PAGES:
            msg = (
                f"{self.api} on {self.what} still had more after {MAX_PAGES} pages, so jobkit "
                "stopped reading; narrow the listing (a status filter), or list it with boto3."
            )
            raise ServiceError(msg, code="TooManyPages", operation=self.api)
        self._seen.add(hash(token))
        return token


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
    paging = Paging(call.api, what)
    token: str | None = None
    while True:
        asked = {**base, "nextToken": token} if token else base
        response = yield Ask(call.method, call.api, what, asked)
        raw: list[Any] = response.get(call.key) or []
        items.extend(raw if model is None else (structure(item, model) for item in raw))
        token = paging.next_token(response) if call.paged else None
        if token is None:
            return tuple(items)
