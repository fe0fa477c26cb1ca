"""What the command shows of a model: secrets redacted, unless ``--show-secrets``.

The models say which members are secret: a field whose ``repr`` is one of jobkit's
redacting functions (``redact_secret`` for the members botocore marks sensitive,
``redact_url`` for presigned URLs). The command follows the same marks for every
output, JSON included, and adds a net under them: any URL in any string (a message, an
unknown member) that carries a credential in its query (SigV4 ``X-Amz-Signature``,
``X-Amz-Credential``, ``X-Amz-Security-Token``; SigV2 ``Signature``, ``AWSAccessKeyId``;
CloudFront ``Signature``, ``Key-Pair-Id``, ``Policy``) loses its query, and unknown
members with secret-looking names are hidden.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from typing import Any, cast

import attrs

from jobkit._convert._model import extras
from jobkit._convert._names import camel_case
from jobkit._convert._redact import is_secret_key, redact_url, redact_url_map

__all__ = ["HIDDEN", "public_json", "public_value", "scrub", "scrub_text"]

HIDDEN = "<redacted>"

# A URL inside free text, up to whitespace or a quote.
_URL_IN_TEXT = re.compile(r"[a-z][a-z0-9+.-]*://[^\s\"'<>`]+", re.IGNORECASE)
# Query keys that make a URL a credential, beyond the ones _redact already knows (CloudFront).
_CREDENTIAL_QUERY = re.compile(
    r"[?&#;](x-amz-signature|x-amz-credential|x-amz-security-token|signature|awsaccesskeyid|"
    r"key-pair-id|policy|token|sig)=",
    re.IGNORECASE,
)
# Names of unknown members whose values are hidden, whatever they hold.


def scrub_text(text: str) -> str:
    """Drop the query of every credential-bearing URL in ``text``; the rest is unchanged."""
    return _URL_IN_TEXT.sub(lambda m: _url(m.group()), text)


def _url(url: str) -> str:
    shown = _literal(redact_url(url))
    if shown is None:
        return HIDDEN
    if _CREDENTIAL_QUERY.search(shown):  # a key _redact does not know (CloudFront's Key-Pair-Id)
        return shown.split("?", 1)[0].split("#", 1)[0] + "?<redacted>"
    return shown


def _literal(shown: str) -> str | None:
    try:
        value: object = ast.literal_eval(shown)
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


def scrub(value: Any) -> Any:
    """Scrub every string in a JSON-shaped value; hide members with secret-looking names."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, Mapping):
        pairs = cast("Mapping[object, Any]", value).items()
        return {
            k: HIDDEN if isinstance(k, str) and v is not None and is_secret_key(k) else scrub(v)
            for k, v in pairs
        }
    if isinstance(value, list | tuple):
        return [scrub(v) for v in cast("list[object] | tuple[object, ...]", value)]
    return value


def public_value(how: Callable[[Any], str], value: Any) -> Any:
    """A marked member's value as the output shows it (JSON-shaped in, JSON-shaped out)."""
    if isinstance(value, Mapping):
        each = redact_url if how is redact_url_map else how
        pairs = cast("Mapping[object, Any]", value).items()
        return {k: public_value(each, v) for k, v in pairs}
    if isinstance(value, list | tuple):
        return [public_value(how, v) for v in cast("list[object] | tuple[object, ...]", value)]
    if value is None:
        return None
    shown = how(value)
    if isinstance(value, str) and shown == repr(value):
        return scrub_text(value)  # nothing secret by the mark; the net still applies
    literal = _literal(shown)
    return HIDDEN if literal is None or literal == HIDDEN else scrub_text(literal)


def public_json(model: object, data: Any) -> Any:
    """``data`` (``unstructure(model, mode="json")``) with every secret of ``model`` hidden."""
    if not attrs.has(type(model)) or not isinstance(data, dict):
        return scrub(data)
    out: dict[str, Any] = dict(cast("dict[str, Any]", data))
    for field in attrs.fields(cast("type[Any]", type(model))):
        key = camel_case(field.name)
        if field.name == "_extras" or key not in out:
            continue
        value: object = getattr(model, field.name)
        if attrs.has(type(value)):
            out[key] = public_json(value, out[key])
        elif isinstance(value, tuple) and value and attrs.has(type(value[0])):  # pyright: ignore[reportUnknownArgumentType]
            items = cast("tuple[object, ...]", value)
            out[key] = [public_json(m, d) for m, d in zip(items, out[key], strict=False)]
        elif callable(field.repr):
            out[key] = public_value(cast("Callable[[Any], str]", field.repr), out[key])
        else:
            out[key] = scrub(out[key])
    unknown: Mapping[str, Any]
    try:
        unknown = extras(model)
    except Exception:  # noqa: BLE001 -- not a jobkit model: every member is scrubbed below
        unknown = {}
    for key in list(unknown):
        if key in out:
            out[key] = scrub({key: out[key]})[key]
    return out
