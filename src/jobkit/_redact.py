"""How secret-bearing members are shown in ``repr()``; the values themselves are untouched."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import cast
from urllib.parse import urlsplit, urlunsplit

__all__ = ["REDACTED", "redact_secret", "redact_url", "redact_url_map"]

REDACTED = "'<redacted>'"

# Query parameters that turn a URL into a bearer credential (SigV2/SigV4 presigning, STS tokens).
_CREDENTIAL_QUERY = re.compile(
    r"(x-amz-signature|x-amz-security-token|x-amz-credential|signature|awsaccesskeyid|token)=",
    re.IGNORECASE,
)


def redact_secret(value: object) -> str:
    """Show that a sensitive member is set without showing it."""
    return "None" if value is None else REDACTED


def redact_url(value: object) -> str:
    """Show a URL without the query string when the query string is a credential."""
    if not isinstance(value, str):
        return repr(value)
    parts = urlsplit(value)
    if not _CREDENTIAL_QUERY.search(parts.query) and "@" not in parts.netloc:
        return repr(value)
    netloc = parts.netloc.rpartition("@")[2]
    return repr(urlunsplit((parts.scheme, netloc, parts.path, "<redacted>", "")))


def redact_url_map(value: object) -> str:
    """Apply :func:`redact_url` to every value of a mapping."""
    if not isinstance(value, Mapping):
        return repr(value)
    pairs = cast("Mapping[object, object]", value).items()
    items = ", ".join(f"{k!r}: {redact_url(v)}" for k, v in pairs)
    return "{" + items + "}"
