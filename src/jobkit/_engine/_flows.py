"""What CI scripts do around a wait, as sans-I/O flows the sync and async facades both run.

A flow is a generator: it yields :class:`Ask` (one boto3 call to make) and is sent the
response; its return value is the answer. The sync facade drives it with ``_call``, the
async one with ``_acall``. Paging lives here once; each service's folder holds its own flows
(``jobkit.devicefarm._flows``).
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
from attrs import frozen

from jobkit._convert._converter import structure

if TYPE_CHECKING:
    from jobkit._engine._history import History
    from jobkit._engine._operations import Bound, Call
    from jobkit._engine._waiting import WaitPolicy

__all__ = [
    "HISTORY_TIMEOUT",
    "MAX_PAGES",
    "Ask",
    "Flow",
    "no_history",
    "pages",
    "seconds_between",
    "server_now",
    "with_history",
]

logger = logging.getLogger("jobkit")

HISTORY_TIMEOUT = 10.0
"""Seconds a wait allows reading its history (retries included) before going without."""

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
    """Every item of a paged list call, converted to the call's item model, in AWS's order."""
    items: list[Any] = []
    base = dict(params)
    if call.page_size is not None:
        base.setdefault(*call.page_size)
    token: str | None = None
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        asked = {**base, "nextToken": token} if token else base
        response = yield Ask(call.method, call.api, what, asked)
        raw: list[Any] = response.get(call.key) or []
        items.extend(structure(item, call.model) for item in raw)
        token = response.get("nextToken") if call.paged else None
        if not token or token in seen:
            break
        seen.add(token)
    return tuple(items)


def server_now(response: Mapping[str, Any]) -> datetime:
    """The time AWS answered ``response`` (its ``Date`` header), else this machine's clock.

    The server's time keeps a job's age right on a machine whose clock is off.
    """
    headers = (response.get("ResponseMetadata") or {}).get("HTTPHeaders") or {}
    date = headers.get("date")
    if isinstance(date, str):
        try:
            return parsedate_to_datetime(date)
        except (TypeError, ValueError):
            pass
    return datetime.now(UTC)


def seconds_between(start: datetime, end: datetime) -> float:
    """``end - start`` in seconds; a time without a zone is taken as UTC."""
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    if end.tzinfo is None:
        end = end.replace(tzinfo=UTC)
    return (end - start).total_seconds()


def with_history(policy: WaitPolicy, history: History | None, bound: Bound[Any]) -> WaitPolicy:
    """``policy`` carrying the ``history`` a wait read (unchanged when there was none)."""
    if history is None:
        logger.debug("%s: no history of jobs like it; polling on backoff", bound.what)
        return policy
    logger.debug(
        "%s: %d past durations, likely end %s (age %.0fs, limit %s)",
        bound.what,
        len(history.durations),
        history.window(),
        history.age,
        history.limit,
    )
    return attrs.evolve(policy, history=history)


def no_history(policy: WaitPolicy, bound: Bound[Any], error: BaseException) -> WaitPolicy:
    """A history read failed: the wait goes on without one (said at debug level)."""
    logger.debug(
        "%s: could not read its history (%s: %s); polling on backoff",
        bound.what,
        type(error).__name__,
        error,
    )
    return policy
