"""How secret-bearing members are shown in ``repr()``; the values themselves are untouched.

Every function here returns a string for any input and never raises: ``repr()`` of a
model must work whatever AWS (or a test) put in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import cast

__all__ = [
    "REDACTED",
    "is_secret_key",
    "redact_extras",
    "redact_secret",
    "redact_url",
    "redact_url_map",
]

REDACTED = "'<redacted>'"

# Query parameters that turn a URL into a bearer credential (SigV2/SigV4 presigning, STS
# tokens, CloudFront signed URLs).
_CREDENTIAL_QUERY = re.compile(
    r"(x-amz-signature|x-amz-security-token|x-amz-credential|signature|awsaccesskeyid|token"
    r"|key-pair-id|policy)=",
    re.IGNORECASE,
)
# RFC 3986 appendix B: matches every string, so splitting never fails (urlsplit raises on
# e.g. "https://[bucket"); groups are scheme, authority, path, query, fragment.
_URL = re.compile(r"(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?", re.DOTALL)
# Keys of unknown members whose values are shown as redacted, whatever they hold.
_SECRET_KEY = re.compile(
    r"token|secret|passw|credential|private.?key|api.?key|signature|session.?key|authorization|"
    r"driver.?endpoint|interactive.?endpoint|details.?url",
    re.IGNORECASE,
)


def is_secret_key(name: str) -> bool:
    """Whether a member called ``name`` (camelCase or snake_case) holds a secret by its name."""
    return _SECRET_KEY.search(name) is not None


_MAX_DEPTH = 12
_MAX_ITEMS = 200


def redact_secret(value: object) -> str:
    """Show that a sensitive member is set without showing it."""
    return "None" if value is None else REDACTED


def redact_url(value: object) -> str:
    """Show a URL without its query string (and fragment) when they carry a credential.

    Credentials in the user-info part (``https://user:password@host``) are dropped too.
    """
    if not isinstance(value, str):
        return _repr(value)
    match = _URL.fullmatch(value)
    if match is None:  # pragma: no cover -- the pattern matches every string
        return REDACTED
    scheme, netloc, path, query, fragment = match.groups()
    secret_query = _CREDENTIAL_QUERY.search(f"{query or ''}#{fragment or ''}") is not None
    if not secret_query and (netloc is None or "@" not in netloc):
        return repr(value)
    shown = f"{scheme}:" if scheme is not None else ""
    if netloc is not None:
        shown += "//" + netloc.rpartition("@")[2]
    shown += path
    if query is not None or secret_query:
        shown += "?<redacted>" if secret_query else f"?{query}"
    return repr(shown)


def redact_url_map(value: object) -> str:
    """Apply :func:`redact_url` to every value of a mapping."""
    if not isinstance(value, Mapping):
        return _repr(value)
    pairs = cast("Mapping[object, object]", value).items()
    items = ", ".join(f"{_repr(k)}: {redact_url(v)}" for k, v in pairs)
    return "{" + items + "}"


def redact_extras(value: object) -> str:
    """Show unknown members: URLs as :func:`redact_url`, secret-looking keys hidden.

    Nesting deeper than a dozen levels, or more than a couple of hundred values in all,
    is shown as ``...``: the members may hold anything, cycles included.
    """
    budget = [_MAX_ITEMS]
    return _show(value, 0, budget)


def _show(value: object, depth: int, budget: list[int]) -> str:
    if depth > _MAX_DEPTH:
        return "..."
    if isinstance(value, str):
        return redact_url(value)
    if isinstance(value, Mapping):
        pairs = cast("Mapping[object, object]", value).items()
        shown = _bounded(
            (f"{_repr(k)}: {_show_member(k, v, depth, budget)}" for k, v in pairs), budget
        )
        return "{" + ", ".join(shown) + "}"
    if isinstance(value, list | tuple):
        items = cast("list[object] | tuple[object, ...]", value)
        inner = ", ".join(_bounded((_show(v, depth + 1, budget) for v in items), budget))
        if isinstance(value, list):
            return f"[{inner}]"
        return f"({inner},)" if len(items) == 1 else f"({inner})"
    return _repr(value)


def _bounded(shown: Iterator[str], budget: list[int]) -> list[str]:
    """Take items until the shared budget runs out, then one ``...``."""
    out: list[str] = []
    for text in shown:
        if budget[0] <= 0:
            out.append("...")
            break
        budget[0] -= 1
        out.append(text)
    return out


def _show_member(key: object, value: object, depth: int, budget: list[int]) -> str:
    if isinstance(key, str) and value is not None and _SECRET_KEY.search(key):
        return REDACTED
    return _show(value, depth + 1, budget)


def _repr(value: object) -> str:
    try:
        return repr(value)
    except Exception:  # noqa: BLE001 -- repr() of a model must never raise
        return f"<unprintable {type(value).__name__}>"
